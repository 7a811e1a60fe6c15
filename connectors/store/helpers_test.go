package store

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/kpidesk/kpidesk/connectors"
)

var t0 = time.Date(2026, 9, 1, 8, 30, 0, 123e6, time.UTC)

// complaint returns a deterministic complaint with six events, every field
// set the way a connector sets them (UTC, millisecond precision); every
// third has no components.
func complaint(i int) connectors.Complaint {
	created := t0.Add(time.Duration(i) * time.Minute)
	at := func(h int) time.Time { return created.Add(time.Duration(h) * time.Hour) }
	id := fmt.Sprintf("demo:%06d", i)
	c := connectors.Complaint{
		ID:           id,
		Source:       "demo",
		Key:          fmt.Sprintf("%06d", i),
		URL:          "https://helpdesk.example/" + id,
		Title:        fmt.Sprintf("Refund <not> received & \"order\" %d", i),
		Kind:         connectors.KindComplaint,
		Category:     []string{"billing", "delivery", "product-quality", "usage"}[i%4],
		Channel:      []string{"email", "portal", "phone", "chat"}[i%4],
		Priority:     connectors.Priorities[i%4],
		Customer:     fmt.Sprintf("cust-%d", i%997),
		Organization: fmt.Sprintf("org-%d", i%37),
		Assignee:     fmt.Sprintf("agent-%d", i%23),
		Team:         fmt.Sprintf("team-%d", i%5),
		Department:   "support",
		CreatedAt:    created,
		UpdatedAt:    at(30),
		Labels:       []string{"vip", "refund"},
		Components:   [][]string{{"payments"}, {"payments", "mobile-app"}, nil}[i%3],
		Events: []connectors.Event{
			{At: at(0), Kind: connectors.EventComment, Actor: "customer-1", Role: connectors.RoleCustomer, Public: true},
			{At: at(1), Kind: connectors.EventAssignment, Actor: "bot", Role: connectors.RoleBot, To: fmt.Sprintf("agent-%d", i%23)},
			{At: at(2), Kind: connectors.EventComment, Actor: fmt.Sprintf("agent-%d", i%23), Role: connectors.RoleAgent, Public: true},
			{At: at(3), Kind: connectors.EventStatus, Actor: fmt.Sprintf("agent-%d", i%23), Role: connectors.RoleAgent, From: "open", To: "in progress"},
			{At: at(5), Kind: connectors.EventComment, Actor: fmt.Sprintf("agent-%d", i%23), Role: connectors.RoleAgent},
			{At: at(26), Kind: connectors.EventResolved, Actor: fmt.Sprintf("agent-%d", i%23), Role: connectors.RoleAgent, From: "in progress", To: "resolved"},
		},
		SLA: []connectors.SLA{
			{Name: "time to first response", Goal: 4 * 3600, Elapsed: 2 * 3600, Calendar: "cn"},
			{Name: "time to resolution", Goal: 24 * 3600, Elapsed: 26 * 3600, Breached: true, Cycles: 1},
		},
		CSAT:   &connectors.CSAT{Value: float64(1 + i%5), Scale: 5, At: at(27), Comment: "ok"},
		Fields: map[string]any{"refund_dispute": i%2 == 0, "amount": 12.5, "order": "A-1", "tags": []any{"x", 1.0}},
	}
	connectors.Derive(c.Events).Apply(&c)
	return c
}

func complaints(from, n int) []connectors.Complaint {
	cs := make([]connectors.Complaint, n)
	for i := range cs {
		cs[i] = complaint(from + i)
	}
	return cs
}

// open opens a store in a fresh file, closed at the end of the test.
func open(t testing.TB) *Store {
	t.Helper()
	return openAt(t, filepath.Join(t.TempDir(), "kpidesk.db"))
}

func openAt(t testing.TB, path string) *Store {
	t.Helper()
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	s.Now = func() time.Time { return time.Date(2026, 10, 2, 3, 4, 5, 0, time.UTC) }
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Error(err)
		}
	})
	return s
}

// all reads every complaint.
func all(t testing.TB, s *Store, q Query) []connectors.Complaint {
	t.Helper()
	var got []connectors.Complaint
	err := s.Each(context.Background(), q, func(c *connectors.Complaint) error {
		got = append(got, *c)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// withoutEvents returns copies of cs with Events nil, as Each returns them
// without Query.WithEvents.
func withoutEvents(cs []connectors.Complaint) []connectors.Complaint {
	out := make([]connectors.Complaint, len(cs))
	for i, c := range cs {
		c.Events = nil
		out[i] = c
	}
	return out
}

// fakeSource emits the given batches, then fails with err (nil for none).
// It records the cursor it was started from, and resumes after the batch
// with that cursor. It leaves noticing cancellation to emit (the store).
type fakeSource struct {
	name    string
	batches []connectors.Batch
	err     error

	from []string
}

func (f *fakeSource) Name() string { return f.name }

func (f *fakeSource) Fetch(ctx context.Context, cursor string, emit func(connectors.Batch) error) error {
	f.from = append(f.from, cursor)
	start := 0
	for i, b := range f.batches {
		if b.Cursor == cursor {
			start = i + 1
		}
	}
	for i := start; i < len(f.batches); i++ {
		if err := emit(f.batches[i]); err != nil {
			return err
		}
	}
	return f.err
}
