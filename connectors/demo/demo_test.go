package demo

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/kpidesk/kpidesk/connectors"
)

// Source must keep satisfying the connector contract.
var _ connectors.Source = (*Source)(nil)

// run is one fetch: a hash per complaint, a sample, and the batches' metadata.
type run struct {
	hashes  [][32]byte
	sample  map[int]connectors.Complaint // by index
	batches []connectors.Batch           // without complaints
}

// sampled reports whether complaint i is kept whole in run.sample.
func sampled(i int) bool { return i%997 == 3 || i%5000 == 4999 || (i >= 12340 && i < 12350) }

func fetch(t *testing.T, s *Source, cursor string) run {
	t.Helper()
	r := run{sample: map[int]connectors.Complaint{}}
	err := s.Fetch(context.Background(), cursor, func(b connectors.Batch) error {
		first := b.Done - len(b.Complaints)
		for k := range b.Complaints {
			c := &b.Complaints[k]
			j, err := json.Marshal(c)
			if err != nil {
				return err
			}
			r.hashes = append(r.hashes, sha256.Sum256(j))
			if sampled(first + k) {
				r.sample[first+k] = *c
			}
		}
		b.Complaints = nil
		r.batches = append(r.batches, b)
		return nil
	})
	if err != nil {
		t.Fatalf("Fetch(%q) = %v", cursor, err)
	}
	return r
}

func (r run) total() [32]byte {
	h := sha256.New()
	for _, x := range r.hashes {
		h.Write(x[:])
	}
	var out [32]byte
	copy(out[:], h.Sum(nil))
	return out
}

func TestDeterminism(t *testing.T) {
	a := fetch(t, New(Options{}), "")
	b := fetch(t, New(Options{Seed: DefaultSeed, Size: DefaultSize, Start: DefaultStart, Months: DefaultMonths}), "")
	if diff := cmp.Diff(a.sample, b.sample); diff != "" {
		t.Errorf("same seed, sampled complaints differ (-first +second):\n%s", diff)
	}
	if a.total() != b.total() {
		t.Errorf("same seed, hash of all complaints differs: %x vs %x", a.total(), b.total())
	}

	c := fetch(t, New(Options{Seed: 2}), "")
	if c.total() == a.total() {
		t.Errorf("seeds 1 and 2 give the same hash %x", a.total())
	}
	if cmp.Equal(a.sample, c.sample) {
		t.Error("seeds 1 and 2 give the same sampled complaints")
	}
	same := 0
	for i := range a.hashes {
		if a.hashes[i] == c.hashes[i] {
			same++
		}
	}
	if same > 0 {
		t.Errorf("seeds 1 and 2 share %d identical complaints, want 0", same)
	}
}

func TestResume(t *testing.T) {
	s := New(Options{})
	full := fetch(t, s, "")
	tests := []struct {
		name, cursor string
		from         int
	}{
		{name: "batch boundary", cursor: "30000", from: 30000},
		{name: "mid batch", cursor: "12345", from: 12345},
		{name: "last", cursor: strconv.Itoa(DefaultSize - 1), from: DefaultSize - 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tail := fetch(t, s, tc.cursor)
			if got, want := len(tail.hashes), DefaultSize-tc.from; got != want {
				t.Fatalf("Fetch(%q) gave %d complaints, want %d", tc.cursor, got, want)
			}
			for k, h := range tail.hashes {
				if h != full.hashes[tc.from+k] {
					t.Fatalf("Fetch(%q): complaint %d differs from the full fetch", tc.cursor, tc.from+k)
				}
			}
			for i, c := range tail.sample {
				if diff := cmp.Diff(full.sample[i], c); diff != "" {
					t.Errorf("complaint %d (-full +resumed):\n%s", i, diff)
				}
			}
			if last := tail.batches[len(tail.batches)-1]; last.Cursor != "done" || last.Done != DefaultSize {
				t.Errorf("last batch Cursor %q Done %d, want \"done\" %d", last.Cursor, last.Done, DefaultSize)
			}
		})
	}
	done := fetch(t, s, "done")
	if len(done.hashes) != 0 || len(done.batches) != 0 {
		t.Errorf("Fetch(\"done\") emitted %d batches, want none", len(done.batches))
	}
}

func TestBatches(t *testing.T) {
	r := fetch(t, New(Options{}), "")
	wantEnd := time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC).Add(-8 * time.Hour)
	if len(r.batches) != DefaultSize/BatchSize {
		t.Errorf("%d batches, want %d", len(r.batches), DefaultSize/BatchSize)
	}
	for k, b := range r.batches {
		wantCursor := strconv.Itoa((k + 1) * BatchSize)
		if k == len(r.batches)-1 {
			wantCursor = "done"
		}
		if b.Cursor != wantCursor || b.Done != (k+1)*BatchSize || b.Total != DefaultSize || !b.AsOf.Equal(wantEnd) {
			t.Errorf("batch %d: Cursor %q Done %d Total %d AsOf %v, want %q %d %d %v",
				k, b.Cursor, b.Done, b.Total, b.AsOf, wantCursor, (k+1)*BatchSize, DefaultSize, wantEnd)
		}
	}
}

func TestFetchErrors(t *testing.T) {
	s := New(Options{Size: 20000})
	for _, cursor := range []string{"x", "-1", "1.5"} {
		if err := s.Fetch(context.Background(), cursor, func(connectors.Batch) error { return nil }); err == nil {
			t.Errorf("Fetch(%q) = nil, want an error", cursor)
		}
	}

	stop := errors.New("stop")
	n := 0
	err := s.Fetch(context.Background(), "", func(connectors.Batch) error { n++; return stop })
	if !errors.Is(err, stop) || n != 1 {
		t.Errorf("emit error: Fetch = %v after %d batches, want stop after 1", err, n)
	}

	ctx, cancel := context.WithCancel(context.Background())
	n = 0
	err = s.Fetch(ctx, "", func(connectors.Batch) error { n++; cancel(); return nil })
	if !errors.Is(err, context.Canceled) || n != 1 {
		t.Errorf("cancelled: Fetch = %v after %d batches, want context.Canceled after 1", err, n)
	}
}

func TestComplaintFields(t *testing.T) {
	id := regexp.MustCompile(`^demo:\d{6,}$`)
	org := Org()
	agents := map[string]string{}
	for _, a := range org.Agents {
		agents[a.ID] = a.Team
	}
	teams := map[string]Team{}
	for _, tm := range org.Teams {
		teams[tm.ID] = tm
	}
	err := New(Options{Size: 3000}).Fetch(context.Background(), "", func(b connectors.Batch) error {
		first := b.Done - len(b.Complaints)
		for k, c := range b.Complaints {
			i := first + k
			key := "DEMO-" + strconv.Itoa(i)
			if want := fmt.Sprintf("demo:%06d", i); c.ID != want || !id.MatchString(c.ID) {
				t.Errorf("complaint %d: ID %q, want %q", i, c.ID, want)
			}
			if c.Source != "demo" || c.Key != key || c.URL != "https://helpdesk.example.com/browse/"+key {
				t.Errorf("%s: Source %q Key %q URL %q", c.ID, c.Source, c.Key, c.URL)
			}
			if agents[c.Assignee] != c.Team || teams[c.Team].Department != c.Department {
				t.Errorf("%s: Assignee %q Team %q Department %q do not match Org", c.ID, c.Assignee, c.Team, c.Department)
			}
			if c.Title == "" || c.Customer == "" || c.Category == "" || c.Channel == "" || c.Priority == "" {
				t.Errorf("%s: empty Title, Customer, Category, Channel or Priority: %+v", c.ID, c)
			}
			if c.Category != strings.ToLower(c.Category) || strings.ContainsAny(c.Category, " <>&\"") {
				t.Errorf("%s: Category %q is not a clean ID", c.ID, c.Category)
			}
			for _, e := range c.Events {
				switch e.Role {
				case connectors.RoleAgent:
					if _, ok := agents[e.Actor]; !ok {
						t.Errorf("%s: agent event by %q, not in Org", c.ID, e.Actor)
					}
				case connectors.RoleBot:
					if e.Actor != "automation" && e.Actor != "autoreply-bot" {
						t.Errorf("%s: bot event by %q", c.ID, e.Actor)
					}
				case connectors.RoleCustomer:
					if e.Actor != c.Customer {
						t.Errorf("%s: customer event by %q, want %q", c.ID, e.Actor, c.Customer)
					}
				default:
					t.Errorf("%s: event with role %q", c.ID, e.Role)
				}
				if e.Kind == connectors.EventAssignment && agents[e.To] != "tech-l2" {
					t.Errorf("%s: assignment to %q, want a tech-l2 agent", c.ID, e.To)
				}
			}
			if c.Category == "refund" {
				if _, ok := c.Fields["refund_dispute"].(bool); !ok {
					t.Errorf("%s: refund without a refund_dispute bool: %v", c.ID, c.Fields)
				}
			}
			if v, ok := c.Fields["order_value"]; ok {
				if f, ok := v.(float64); !ok || f <= 0 {
					t.Errorf("%s: order_value %v", c.ID, v)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestHostileSmall checks that every hostile string occurs in the smallest
// size that promises it.
func TestHostileSmall(t *testing.T) {
	titles, customers, labels := map[string]bool{}, map[string]bool{}, map[string]bool{}
	err := New(Options{Size: 1000, Seed: 99}).Fetch(context.Background(), "", func(b connectors.Batch) error {
		for _, c := range b.Complaints {
			titles[c.Title] = true
			customers[strings.SplitN(c.Customer, " (C", 2)[0]] = true
			for _, l := range c.Labels {
				labels[l] = true
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range hostileTitles {
		if !titles[h] {
			t.Errorf("title %.40q missing at size 1000", h)
		}
	}
	for _, h := range hostileCustomers {
		if !customers[h] {
			t.Errorf("customer %q missing at size 1000", h)
		}
	}
	if !labels[hostileLabel] {
		t.Errorf("label %q missing at size 1000", hostileLabel)
	}
}

func TestOrg(t *testing.T) {
	org := Org()
	if len(org.Departments) != 3 || len(org.Teams) != 8 {
		t.Fatalf("Org has %d departments and %d teams, want 3 and 8", len(org.Departments), len(org.Teams))
	}
	if n := len(org.Agents); n < 55 || n > 65 {
		t.Errorf("Org has %d agents, want about 60", n)
	}
	ids := map[string]bool{}
	perTeam := map[string]int{}
	pinyin := regexp.MustCompile(`^[a-z]+\.[a-z]+[0-9]?$`)
	for _, a := range org.Agents {
		if ids[a.ID] {
			t.Errorf("agent ID %q is not unique", a.ID)
		}
		ids[a.ID] = true
		perTeam[a.Team]++
		if !pinyin.MatchString(a.ID) || a.Name == "" {
			t.Errorf("agent %q %q: want a pinyin family.given ID and a Chinese name", a.ID, a.Name)
		}
	}
	for _, want := range []string{"zhang.wei", "zhang.wei2", "wang.yang", "wang.yang2"} {
		if !ids[want] {
			t.Errorf("agent %q missing (pinyin clash handling)", want)
		}
	}
	escalation := 0
	for _, tm := range org.Teams {
		if n := perTeam[tm.ID]; n < 6 || n > 10 {
			t.Errorf("team %s has %d agents, want 6–10", tm.ID, n)
		}
		if tm.Escalation {
			escalation++
			if tm.ID != "tech-l2" {
				t.Errorf("escalation team %s, want tech-l2", tm.ID)
			}
		}
	}
	if escalation != 1 {
		t.Errorf("%d escalation teams, want 1", escalation)
	}
	if diff := cmp.Diff([]string{"automation", "autoreply-bot"}, org.Bots); diff != "" {
		t.Errorf("Bots (-want +got):\n%s", diff)
	}
	org.Agents[0].ID = "changed"
	if Org().Agents[0].ID == "changed" {
		t.Error("Org returns shared state")
	}
}

func TestOptions(t *testing.T) {
	tests := []struct {
		name string
		opt  Options
	}{
		{name: "one", opt: Options{Size: 1}},
		{name: "tiny month", opt: Options{Size: 7, Months: 1}},
		{name: "no holiday table", opt: Options{Size: 500, Start: time.Date(2028, 2, 1, 0, 0, 0, 0, time.UTC), Months: 2}},
		{name: "odd start", opt: Options{Size: 800, Seed: 5, Start: time.Date(2025, 3, 15, 13, 45, 30, 0, time.FixedZone("X", -5*3600-1800)), Months: 3}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := New(tc.opt)
			start := tc.opt.Start
			if start.IsZero() {
				start = DefaultStart
			}
			months := tc.opt.Months
			if months == 0 {
				months = DefaultMonths
			}
			end := start.AddDate(0, months, 0)
			n := 0
			err := s.Fetch(context.Background(), "", func(b connectors.Batch) error {
				if !b.AsOf.Equal(end) {
					t.Errorf("AsOf %v, want %v", b.AsOf, end)
				}
				for _, c := range b.Complaints {
					n++
					if c.CreatedAt.Before(start) || !c.CreatedAt.Before(end) {
						t.Errorf("%s: created %v outside [%v, %v)", c.ID, c.CreatedAt, start, end)
					}
					for _, e := range c.Events {
						if e.At.Before(c.CreatedAt) || !e.At.Before(end) {
							t.Errorf("%s: event at %v outside [%v, %v)", c.ID, e.At, c.CreatedAt, end)
						}
					}
				}
				return nil
			})
			if err != nil || n != tc.opt.Size {
				t.Errorf("Fetch = %v with %d complaints, want nil with %d", err, n, tc.opt.Size)
			}
		})
	}
}
