package store

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
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
	want := []connectors.Problem{
		{Source: "file", Where: "data.jsonl:12", Field: "created_at", Reason: "missing", At: t0, Record: "data.jsonl"},
		// Without a Record, a problem belongs to its Where.
		{Source: "jira", Where: "SD-123", Field: "priority", Reason: `unmapped value "P0"`, Record: "SD-123"},
		{Source: "file", Where: "data.jsonl:40", Field: "csat", Reason: "value above scale", At: t0, Record: "data.jsonl"},
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

// filled returns a file store holding complaints(0, n), put in batches of
// 100 from the last to the first, so that table order is not ID order.
func filled(t *testing.T, n int) (*Store, []connectors.Complaint) {
	t.Helper()
	s := open(t)
	cs := complaints(0, n)
	for i := n; i > 0; i -= 100 {
		if err := s.Put(context.Background(), "demo", connectors.Batch{Complaints: cs[max(0, i-100):i]}); err != nil {
			t.Fatal(err)
		}
	}
	return s, cs
}

// A read passes many chunks through its pipeline, decoded side by side;
// Each and EachBatch return what was put, in ID order, and what they
// return stays as it was while the read goes on.
func TestEachBatchMatchesEach(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4)) // several decoders on any machine
	ctx := context.Background()
	const n = 2000
	s, cs := filled(t, n)
	minute := func(i int) time.Time { return t0.Add(time.Duration(i) * time.Minute) }
	tests := []struct {
		name string
		q    Query
		want []connectors.Complaint
	}{
		{name: "all", q: Query{}, want: withoutEvents(cs)},
		{name: "events", q: Query{WithEvents: true}, want: cs},
		{name: "filtered", q: Query{Source: "demo", CreatedFrom: minute(300), CreatedBefore: minute(1700)}, want: withoutEvents(cs[300:1700])},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var each []*connectors.Complaint
			if err := s.Each(ctx, tc.q, func(c *connectors.Complaint) error {
				each = append(each, c)
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			var batches [][]connectors.Complaint
			if err := s.EachBatch(ctx, tc.q, func(cs []connectors.Complaint) error {
				if len(cs) == 0 {
					t.Error("EachBatch called fn with no complaints")
				}
				batches = append(batches, cs)
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			var fromEach, fromBatches []connectors.Complaint
			for _, c := range each {
				fromEach = append(fromEach, *c)
			}
			for _, b := range batches {
				fromBatches = append(fromBatches, b...)
			}
			if diff := cmp.Diff(tc.want, fromEach); diff != "" {
				t.Errorf("Each(%+v) (-want +got):\n%s", tc.q, diff)
			}
			if diff := cmp.Diff(tc.want, fromBatches); diff != "" {
				t.Errorf("EachBatch(%+v) (-want +got):\n%s", tc.q, diff)
			}
			if len(batches) < 2 {
				t.Errorf("EachBatch(%+v) called fn %d times, want a read in several runs", tc.q, len(batches))
			}
		})
	}
}

func TestEachBatchStops(t *testing.T) {
	ctx := context.Background()
	s, _ := filled(t, 1000)
	stop := errors.New("stop")
	calls := 0
	err := s.EachBatch(ctx, Query{}, func([]connectors.Complaint) error {
		calls++
		if calls == 2 {
			return stop
		}
		return nil
	})
	if err != stop || calls != 2 {
		t.Errorf("EachBatch() = %v after %d calls, want stop after 2", err, calls)
	}

	cctx, cancel := context.WithCancel(ctx)
	calls = 0
	err = s.EachBatch(cctx, Query{}, func([]connectors.Complaint) error {
		calls++
		cancel()
		return nil
	})
	if !errors.Is(err, context.Canceled) || calls != 1 {
		t.Errorf("EachBatch() = %v after %d calls, want context.Canceled after 1", err, calls)
	}

	// A cancelled context reads nothing.
	calls = 0
	err = s.EachBatch(cctx, Query{Source: "demo"}, func([]connectors.Complaint) error { calls++; return nil })
	if !errors.Is(err, context.Canceled) || calls != 0 {
		t.Errorf("EachBatch(cancelled) = %v after %d calls, want context.Canceled after 0", err, calls)
	}

	// Each stops mid-chunk, and the store reads again afterwards.
	seen := 0
	err = s.Each(ctx, Query{WithEvents: true}, func(*connectors.Complaint) error {
		if seen++; seen == 300 {
			return stop
		}
		return nil
	})
	if err != stop || seen != 300 {
		t.Errorf("Each() = %v after %d calls, want stop after 300", err, seen)
	}
	if got := len(all(t, s, Query{})); got != 1000 {
		t.Errorf("Each after a stopped Each read %d complaints, want 1000", got)
	}
}

// A row that fails to decode ends the read after the rows before it.
func TestEachBadRow(t *testing.T) {
	ctx := context.Background()
	s, cs := filled(t, 1000)
	if _, err := s.db.ExecContext(ctx, "UPDATE complaints SET sla = '[{' WHERE id = ?", cs[700].ID); err != nil {
		t.Fatal(err)
	}
	for _, batch := range []bool{false, true} {
		var got []string
		fn := func(c *connectors.Complaint) error { got = append(got, c.ID); return nil }
		var err error
		if batch {
			err = s.EachBatch(ctx, Query{}, func(cs []connectors.Complaint) error {
				for i := range cs {
					fn(&cs[i])
				}
				return nil
			})
		} else {
			err = s.Each(ctx, Query{}, fn)
		}
		if err == nil || !strings.Contains(err.Error(), cs[700].ID) {
			t.Errorf("batch %v: read = %v, want an error naming %s", batch, err, cs[700].ID)
		}
		if len(got) != 700 || got[699] != cs[699].ID {
			t.Errorf("batch %v: read %d complaints before the error, want the 700 before %s", batch, len(got), cs[700].ID)
		}
	}
}

func TestEachEmptyAndClosed(t *testing.T) {
	ctx := context.Background()
	for _, path := range []string{":memory:", filepath.Join(t.TempDir(), "empty.db")} {
		s, err := Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		calls := 0
		if err := s.Each(ctx, Query{}, func(*connectors.Complaint) error { calls++; return nil }); err != nil || calls != 0 {
			t.Errorf("%s: Each() on an empty store = %v after %d calls, want nil after 0", path, err, calls)
		}
		if err := s.EachBatch(ctx, Query{}, func([]connectors.Complaint) error { calls++; return nil }); err != nil || calls != 0 {
			t.Errorf("%s: EachBatch() on an empty store = %v after %d calls, want nil after 0", path, err, calls)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		if err := s.Each(ctx, Query{}, func(*connectors.Complaint) error { return nil }); err == nil {
			t.Errorf("%s: Each() after Close = nil, want an error", path)
		}
	}
}

// The scanners Each reads through close with the store, which is then one
// file again; a relative path names the same file for them.
func TestEachThenClose(t *testing.T) {
	t.Chdir(t.TempDir())
	ctx := context.Background()
	path := filepath.Join("cache", "kpidesk.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Put(ctx, "demo", connectors.Batch{Complaints: complaints(0, 600)}); err != nil {
		t.Fatal(err)
	}
	// Two reads at once: the callback of one runs the other.
	n := 0
	err = s.Each(ctx, Query{}, func(*connectors.Complaint) error {
		if n++; n == 1 {
			if got := len(all(t, s, Query{WithEvents: true})); got != 600 {
				t.Errorf("Each inside Each read %d complaints, want 600", got)
			}
		}
		return nil
	})
	if err != nil || n != 600 {
		t.Errorf("Each() = %v after %d complaints, want nil after 600", err, n)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path + "-wal"); !os.IsNotExist(err) {
		t.Errorf("after Each and Close, %s-wal exists (err %v); want the store in one file", path, err)
	}
}

// TestSkipFields checks that a read with SkipFields gives every complaint
// whole but its Fields, with and without events.
func TestSkipFields(t *testing.T) {
	s := open(t)
	cs := complaints(0, 40)
	if err := s.Put(context.Background(), "demo", connectors.Batch{Complaints: cs, Cursor: "1"}); err != nil {
		t.Fatal(err)
	}
	for _, withEvents := range []bool{false, true} {
		full := all(t, s, Query{WithEvents: withEvents})
		skipped := all(t, s, Query{WithEvents: withEvents, SkipFields: true})
		if len(full) != len(cs) || len(skipped) != len(cs) {
			t.Fatalf("read %d and %d complaints, want %d", len(full), len(skipped), len(cs))
		}
		for i := range full {
			if full[i].Fields == nil {
				t.Fatalf("%s: Fields nil without SkipFields", full[i].ID)
			}
			want := full[i]
			want.Fields = nil
			if diff := cmp.Diff(want, skipped[i]); diff != "" {
				t.Errorf("%s with SkipFields (events %v) (-want +got):\n%s", want.ID, withEvents, diff)
			}
		}
	}
}
