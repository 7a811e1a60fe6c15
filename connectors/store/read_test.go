package store

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/kpidesk/kpidesk/connectors"
)

func TestEachQuery(t *testing.T) {
	ctx := context.Background()
	s := open(t)
	if err := s.Put(ctx, "demo", connectors.Batch{Complaints: complaints(0, 10)}); err != nil {
		t.Fatal(err)
	}
	if err := s.Put(ctx, "jira", connectors.Batch{Complaints: complaints(10, 10)}); err != nil {
		t.Fatal(err)
	}
	noCreated := connectors.Complaint{ID: "jira:none"}
	if err := s.Put(ctx, "jira", connectors.Batch{Complaints: []connectors.Complaint{noCreated}}); err != nil {
		t.Fatal(err)
	}
	ids := func(from, to int) []string {
		var out []string
		for _, c := range complaints(from, to-from) {
			out = append(out, c.ID)
		}
		return out
	}
	minute := func(i int) time.Time { return t0.Add(time.Duration(i) * time.Minute) }
	tests := []struct {
		name string
		q    Query
		want []string
	}{
		{name: "all", q: Query{}, want: append(ids(0, 20), "jira:none")},
		{name: "source", q: Query{Source: "jira"}, want: append(ids(10, 20), "jira:none")},
		{name: "unknown source", q: Query{Source: "github"}},
		{name: "created range", q: Query{CreatedFrom: minute(5), CreatedBefore: minute(12)}, want: ids(5, 12)},
		{name: "created from", q: Query{CreatedFrom: minute(18)}, want: ids(18, 20)},
		{name: "created before", q: Query{CreatedBefore: minute(2), WithEvents: true}, want: ids(0, 2)},
		{name: "source and range", q: Query{Source: "demo", CreatedFrom: minute(8)}, want: ids(8, 10)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, c := range all(t, s, tc.q) {
				got = append(got, c.ID)
				if (c.Events != nil) != (tc.q.WithEvents && c.ID != "jira:none") {
					t.Errorf("complaint %s: %d events with WithEvents %v", c.ID, len(c.Events), tc.q.WithEvents)
				}
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Each(%+v) IDs (-want +got):\n%s", tc.q, diff)
			}
		})
	}
}

func TestEachStops(t *testing.T) {
	ctx := context.Background()
	s := open(t)
	if err := s.Put(ctx, "demo", connectors.Batch{Complaints: complaints(0, 10)}); err != nil {
		t.Fatal(err)
	}
	stop := errors.New("stop")
	n := 0
	err := s.Each(ctx, Query{}, func(*connectors.Complaint) error {
		n++
		if n == 3 {
			return stop
		}
		return nil
	})
	if err != stop || n != 3 {
		t.Errorf("Each() = %v after %d calls, want stop after 3", err, n)
	}

	cctx, cancel := context.WithCancel(ctx)
	n = 0
	err = s.Each(cctx, Query{}, func(*connectors.Complaint) error {
		n++
		cancel()
		return nil
	})
	if !errors.Is(err, context.Canceled) || n != 1 {
		t.Errorf("Each() = %v after %d calls, want context.Canceled after 1", err, n)
	}
}

// A sync may write while Each streams: Each sees its snapshot, and the
// callback may use the store, including to write.
func TestEachWhileWriting(t *testing.T) {
	ctx := context.Background()
	s := open(t)
	if err := s.Put(ctx, "demo", connectors.Batch{Complaints: complaints(0, 100)}); err != nil {
		t.Fatal(err)
	}
	seen := 0
	err := s.Each(ctx, Query{WithEvents: true}, func(c *connectors.Complaint) error {
		seen++
		if seen == 1 {
			if err := s.Put(ctx, "demo", connectors.Batch{Complaints: complaints(100, 50)}); err != nil {
				return err
			}
			if n, err := s.Count(ctx); err != nil || n != 150 {
				t.Errorf("Count() inside Each = %d, %v; want 150", n, err)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if seen != 100 {
		t.Errorf("Each saw %d complaints, want its snapshot of 100", seen)
	}
}

func TestProblems(t *testing.T) {
	ctx := context.Background()
	s := open(t)
	if ps, err := s.Problems(ctx); err != nil || ps != nil {
		t.Errorf("Problems() of an empty store = %v, %v; want nil, nil", ps, err)
	}
	want := []Problem{
		{Source: "file", Where: "data.jsonl:12", Field: "created_at", Reason: "missing", At: t0},
		{Source: "jira", Where: "SD-123", Field: "priority", Reason: `unmapped value "P0"`},
		{Source: "file", Where: "data.jsonl:40", Field: "csat", Reason: "value above scale", At: t0},
	}
	if err := s.AddProblems(ctx, want[:2]); err != nil {
		t.Fatal(err)
	}
	if err := s.AddProblems(ctx, want[2:]); err != nil {
		t.Fatal(err)
	}
	got, err := s.Problems(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Problems() (-want +got):\n%s", diff)
	}
	if err := s.ClearProblems(ctx, "file"); err != nil {
		t.Fatal(err)
	}
	got, err = s.Problems(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want[1:2], got); diff != "" {
		t.Errorf("Problems() after ClearProblems(file) (-want +got):\n%s", diff)
	}
}
