package store

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/kpidesk/kpidesk/connectors"
)

func TestRoundTrip(t *testing.T) {
	ctx := context.Background()
	s := open(t)
	want := complaints(0, 20)
	if len(want[0].Components) == 0 || len(want[1].Components) < 2 || want[2].Components != nil {
		t.Fatal("fixture: want complaints with one, two and no components")
	}
	// Put out of order, in two batches; Each returns ID order.
	if err := s.Put(ctx, "demo", connectors.Batch{Complaints: want[10:], Cursor: "p1"}); err != nil {
		t.Fatal(err)
	}
	if err := s.Put(ctx, "demo", connectors.Batch{Complaints: want[:10], Cursor: "p2"}); err != nil {
		t.Fatal(err)
	}

	got := all(t, s, Query{WithEvents: true})
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Each(WithEvents) mismatch (-want +got):\n%s", diff)
	}
	for _, c := range got {
		for _, tm := range []time.Time{c.CreatedAt, c.UpdatedAt, c.FirstResponseAt, c.ResolvedAt, c.Events[0].At, c.CSAT.At} {
			if tm.Location() != time.UTC {
				t.Fatalf("complaint %s: time %v in %v, want UTC", c.ID, tm, tm.Location())
			}
		}
	}
	if diff := cmp.Diff(withoutEvents(want), all(t, s, Query{})); diff != "" {
		t.Errorf("Each(scalars) mismatch (-want +got):\n%s", diff)
	}
}

func TestRoundTripNormalizes(t *testing.T) {
	ctx := context.Background()
	s := open(t)
	shanghai := time.FixedZone("CST", 8*3600)
	in := []connectors.Complaint{
		{ID: "x:empty", Labels: []string{}, Components: []string{}, Events: []connectors.Event{}, SLA: []connectors.SLA{}, Fields: map[string]any{}},
		{ID: "x:zero"}, // zero times stay zero, nil stays nil
		{
			ID:        "x:zone",
			CreatedAt: time.Date(2026, 10, 1, 1, 30, 0, 123456789, shanghai),
			Events:    []connectors.Event{{At: time.Date(2026, 10, 1, 2, 0, 0, 999999999, shanghai), Kind: connectors.EventComment}},
			CSAT:      &connectors.CSAT{Value: 4, Scale: 5},
			Fields:    map[string]any{"n": 3, "nested": map[string]any{"a": []string{"b"}}},
		},
		{ID: "x:epoch", CreatedAt: time.Unix(0, 0)},
	}
	if err := s.Put(ctx, "x", connectors.Batch{Complaints: in}); err != nil {
		t.Fatal(err)
	}
	want := []connectors.Complaint{
		{ID: "x:empty"},
		{ID: "x:epoch", CreatedAt: time.Unix(0, 0).UTC()},
		{ID: "x:zero"},
		{
			ID:        "x:zone",
			CreatedAt: time.Date(2026, 9, 30, 17, 30, 0, 123e6, time.UTC),
			Events:    []connectors.Event{{At: time.Date(2026, 9, 30, 18, 0, 0, 999e6, time.UTC), Kind: connectors.EventComment}},
			CSAT:      &connectors.CSAT{Value: 4, Scale: 5},
			Fields:    map[string]any{"n": 3.0, "nested": map[string]any{"a": []any{"b"}}},
		},
	}
	got := all(t, s, Query{WithEvents: true})
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Each mismatch (-want +got):\n%s", diff)
	}
	if loc := got[3].CreatedAt.Location(); loc != time.UTC {
		t.Errorf("CreatedAt location = %v, want UTC", loc)
	}
}

func TestUpsert(t *testing.T) {
	ctx := context.Background()
	s := open(t)
	if err := s.Put(ctx, "demo", connectors.Batch{Complaints: complaints(0, 3)}); err != nil {
		t.Fatal(err)
	}
	changed := complaint(1)
	changed.Title = "changed"
	changed.Events = changed.Events[:2]
	connectors.Derive(changed.Events).Apply(&changed)
	changed.CSAT, changed.Labels, changed.Components = nil, nil, nil
	noEvents := complaint(2)
	noEvents.Events = nil
	if err := s.Put(ctx, "demo", connectors.Batch{Complaints: []connectors.Complaint{changed, noEvents}}); err != nil {
		t.Fatal(err)
	}
	want := []connectors.Complaint{complaint(0), changed, noEvents}
	if diff := cmp.Diff(want, all(t, s, Query{WithEvents: true})); diff != "" {
		t.Errorf("after upsert (-want +got):\n%s", diff)
	}
	if n, err := s.Count(ctx); err != nil || n != 3 {
		t.Errorf("Count() = %d, %v; want 3, nil", n, err)
	}
}

// snapshot is everything a failed write must leave unchanged.
type snapshot struct {
	Complaints []connectors.Complaint
	Syncs      []connectors.SyncInfo
}

func snap(t *testing.T, s *Store) snapshot {
	t.Helper()
	syncs, err := s.Syncs(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return snapshot{all(t, s, Query{WithEvents: true}), syncs}
}

func TestPutIsAtomic(t *testing.T) {
	ctx := context.Background()
	bad := func(edit func(*connectors.Complaint)) []connectors.Complaint {
		cs := complaints(100, 5) // three new, the fourth bad, one more after it
		cs[0].Title = "would change an existing row"
		cs[0].ID = "demo:000001"
		edit(&cs[3])
		return cs
	}
	tests := []struct {
		name       string
		complaints []connectors.Complaint
		want       string
	}{
		{name: "empty id", complaints: bad(func(c *connectors.Complaint) { c.ID = "" }), want: "complaint 3: empty id"},
		{name: "unencodable field", complaints: bad(func(c *connectors.Complaint) { c.Fields["f"] = func() {} }), want: "complaint demo:000103: encode"},
		{name: "NaN rating", complaints: bad(func(c *connectors.Complaint) { c.CSAT.Value = math.NaN() }), want: "complaint demo:000103: encode"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := open(t)
			if err := s.Put(ctx, "demo", connectors.Batch{Complaints: complaints(0, 3), Cursor: "c1", AsOf: t0}); err != nil {
				t.Fatal(err)
			}
			before := snap(t, s)
			err := s.Put(ctx, "demo", connectors.Batch{Complaints: tc.complaints, Cursor: "c2", AsOf: t0.Add(time.Hour)})
			if err == nil || !strings.HasPrefix(err.Error(), "store: put batch for demo: "+tc.want) {
				t.Fatalf("Put(%s) = %v, want an error starting %q", tc.name, err, "store: put batch for demo: "+tc.want)
			}
			if diff := cmp.Diff(before, snap(t, s)); diff != "" {
				t.Errorf("failed Put changed the store (-before +after):\n%s", diff)
			}
			if c, err := s.Cursor(ctx, "demo"); err != nil || c != "c1" {
				t.Errorf("Cursor() = %q, %v; want c1, nil", c, err)
			}
		})
	}
}

func TestPutRecordsSync(t *testing.T) {
	ctx := context.Background()
	s := open(t)
	if got, err := s.AsOf(ctx); err != nil || !got.IsZero() {
		t.Errorf("AsOf() of an empty store = %v, %v; want zero, nil", got, err)
	}
	if c, err := s.Cursor(ctx, "demo"); err != nil || c != "" {
		t.Errorf("Cursor() of an unknown source = %q, %v; want \"\", nil", c, err)
	}
	t1, t2 := t0.Add(24*time.Hour), t0.Add(48*time.Hour)
	steps := []struct {
		source string
		batch  connectors.Batch
	}{
		{"jira", connectors.Batch{Complaints: complaints(0, 2), Cursor: "j1", AsOf: t1}},
		{"demo", connectors.Batch{Complaints: complaints(10, 3), Cursor: "d1", AsOf: t2}},
		{"demo", connectors.Batch{Cursor: "d2", AsOf: t1}},                                // as_of never goes back
		{"jira", connectors.Batch{Complaints: complaints(20, 1), Cursor: "j2"}},           // zero AsOf keeps the stored one
		{"jira", connectors.Batch{Complaints: complaints(10, 1), Cursor: "j3", AsOf: t1}}, // moves demo:000010 to jira
	}
	for _, st := range steps {
		if err := s.Put(ctx, st.source, st.batch); err != nil {
			t.Fatal(err)
		}
	}
	now := s.Now()
	want := []connectors.SyncInfo{
		{Source: "demo", Cursor: "d2", AsOf: t2, SyncedAt: now, Count: 2},
		{Source: "jira", Cursor: "j3", AsOf: t1, SyncedAt: now, Count: 4},
	}
	got, err := s.Syncs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Syncs() mismatch (-want +got):\n%s", diff)
	}
	if got, err := s.AsOf(ctx); err != nil || !got.Equal(t2) {
		t.Errorf("AsOf() = %v, %v; want %v", got, err, t2)
	}
	if err := s.Put(ctx, "", connectors.Batch{}); err == nil {
		t.Error("Put with an empty source name = nil, want an error")
	}
}

func TestSyncResumesAfterError(t *testing.T) {
	ctx := context.Background()
	s := open(t)
	boom := errors.New("jira: list issues page 4: 502 bad gateway")
	var batches []connectors.Batch
	for i := range 5 {
		batches = append(batches, connectors.Batch{
			Complaints: complaints(i*10, 10), Cursor: string(rune('a' + i)), AsOf: t0.Add(time.Duration(i) * time.Hour),
		})
	}
	src := &fakeSource{name: "jira", batches: batches[:3], err: boom}
	var seen []string
	err := s.Sync(ctx, src, func(b connectors.Batch) { seen = append(seen, b.Cursor) })
	if !errors.Is(err, boom) {
		t.Fatalf("Sync() = %v, want %v", err, boom)
	}
	if diff := cmp.Diff([]string{"a", "b", "c"}, seen); diff != "" {
		t.Errorf("progress calls (-want +got):\n%s", diff)
	}
	if c, err := s.Cursor(ctx, "jira"); err != nil || c != "c" {
		t.Errorf("Cursor() after failed sync = %q, %v; want c", c, err)
	}
	if diff := cmp.Diff(withoutEvents(complaints(0, 30)), all(t, s, Query{})); diff != "" {
		t.Errorf("complaints after failed sync (-want +got):\n%s", diff)
	}

	src = &fakeSource{name: "jira", batches: batches}
	if err := s.Sync(ctx, src, nil); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"c"}, src.from); diff != "" {
		t.Errorf("second sync started from (-want +got):\n%s", diff)
	}
	if n, err := s.Count(ctx); err != nil || n != 50 {
		t.Errorf("Count() = %d, %v; want 50", n, err)
	}
	if got, err := s.AsOf(ctx); err != nil || !got.Equal(t0.Add(4*time.Hour)) {
		t.Errorf("AsOf() = %v, %v; want %v", got, err, t0.Add(4*time.Hour))
	}
}

func TestSyncCancel(t *testing.T) {
	s := open(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var batches []connectors.Batch
	for i := range 4 {
		batches = append(batches, connectors.Batch{Complaints: complaints(i*10, 10), Cursor: string(rune('a' + i))})
	}
	src := &fakeSource{name: "demo", batches: batches}
	err := s.Sync(ctx, src, func(b connectors.Batch) {
		if b.Cursor == "b" {
			cancel() // like Ctrl-C between two pages
		}
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Sync() after cancel = %v, want context.Canceled", err)
	}
	bg := context.Background()
	if c, err := s.Cursor(bg, "demo"); err != nil || c != "b" {
		t.Errorf("Cursor() after cancel = %q, %v; want b", c, err)
	}
	if n, err := s.Count(bg); err != nil || n != 20 {
		t.Errorf("Count() after cancel = %d, %v; want 20", n, err)
	}
	if err := s.Sync(bg, src, nil); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"", "b"}, src.from); diff != "" {
		t.Errorf("syncs started from (-want +got):\n%s", diff)
	}
	if n, err := s.Count(bg); err != nil || n != 40 {
		t.Errorf("Count() after resumed sync = %d, %v; want 40", n, err)
	}
}

// A cancel that lands while a batch is being written rolls that batch back.
func TestPutCancelMidBatch(t *testing.T) {
	s := open(t)
	bg := context.Background()
	if err := s.Put(bg, "demo", connectors.Batch{Complaints: complaints(0, 2), Cursor: "c1"}); err != nil {
		t.Fatal(err)
	}
	before := snap(t, s)
	ctx, cancel := context.WithCancel(bg)
	cs := complaints(100, 10)
	// Cancel from inside the write: encoding Fields calls MarshalJSON.
	// database/sql rolls the Tx back from a goroutine of its own; waiting
	// a little lets that rollback land before the rest of the batch is
	// written, the order in which a write would otherwise escape it.
	cs[5].Fields = map[string]any{"cancel": marshalFunc(func() { cancel(); time.Sleep(20 * time.Millisecond) })}
	err := s.Put(ctx, "demo", connectors.Batch{Complaints: cs, Cursor: "c2"})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Put() cancelled midway = %v, want context.Canceled", err)
	}
	if diff := cmp.Diff(before, snap(t, s)); diff != "" {
		t.Errorf("cancelled Put changed the store (-before +after):\n%s", diff)
	}
}

type marshalFunc func()

func (f marshalFunc) MarshalJSON() ([]byte, error) { f(); return []byte("true"), nil }

func TestImport(t *testing.T) {
	ctx := context.Background()
	boom := errors.New("data.jsonl:7: created_at: not RFC 3339")
	tests := []struct {
		name string
		fn   func(put func(connectors.Batch) error) error
		want error // nil: committed
	}{
		{
			name: "commit",
			fn: func(put func(connectors.Batch) error) error {
				for i := range 3 {
					if err := put(connectors.Batch{Complaints: complaints(i*10, 10), Cursor: "f" + string(rune('1'+i)), AsOf: t0.Add(time.Duration(2-i) * time.Hour)}); err != nil {
						return err
					}
				}
				return nil
			},
		},
		{
			name: "fn fails",
			fn: func(put func(connectors.Batch) error) error {
				if err := put(connectors.Batch{Complaints: complaints(0, 10), Cursor: "f1", AsOf: t0}); err != nil {
					return err
				}
				return boom
			},
			want: boom,
		},
		{
			name: "put fails and fn ignores it",
			fn: func(put func(connectors.Batch) error) error {
				put(connectors.Batch{Complaints: complaints(0, 10)})
				put(connectors.Batch{Complaints: []connectors.Complaint{{}}})
				put(connectors.Batch{Complaints: complaints(10, 10), Cursor: "f1", AsOf: t0})
				return nil
			},
			want: errors.New("store: import file: complaint 0: empty id"),
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := open(t)
			if err := s.Put(ctx, "file", connectors.Batch{Complaints: complaints(1000, 2), Cursor: "old"}); err != nil {
				t.Fatal(err)
			}
			before := snap(t, s)
			err := s.Import(ctx, "file", tc.fn)
			if tc.want != nil {
				if err == nil || err.Error() != tc.want.Error() {
					t.Fatalf("Import() = %v, want %v", err, tc.want)
				}
				if diff := cmp.Diff(before, snap(t, s)); diff != "" {
					t.Errorf("failed Import changed the store (-before +after):\n%s", diff)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if n, err := s.Count(ctx); err != nil || n != 32 {
				t.Errorf("Count() = %d, %v; want 32", n, err)
			}
			syncs, err := s.Syncs(ctx)
			if err != nil {
				t.Fatal(err)
			}
			want := []connectors.SyncInfo{{Source: "file", Cursor: "f3", AsOf: t0.Add(2 * time.Hour), SyncedAt: s.Now(), Count: 32}}
			if diff := cmp.Diff(want, syncs); diff != "" {
				t.Errorf("Syncs() (-want +got):\n%s", diff)
			}
		})
	}
}

func TestImportPutAfterReturn(t *testing.T) {
	s := open(t)
	var saved func(connectors.Batch) error
	if err := s.Import(context.Background(), "file", func(put func(connectors.Batch) error) error {
		saved = put
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if err := saved(connectors.Batch{Complaints: complaints(0, 1)}); err == nil {
		t.Error("put after Import returned = nil, want an error")
	}
	if syncs, err := s.Syncs(context.Background()); err != nil || len(syncs) != 0 {
		t.Errorf("Syncs() after an empty import = %v, %v; want none", syncs, err)
	}
}

func TestConcurrentWriters(t *testing.T) {
	s := open(t)
	ctx := context.Background()
	errs := make(chan error, 8)
	for w := range 8 {
		go func() {
			for i := range 5 {
				if err := s.Put(ctx, "demo", connectors.Batch{Complaints: complaints(w*100+i*10, 10)}); err != nil {
					errs <- err
					return
				}
			}
			errs <- nil
		}()
	}
	for range 8 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	if n, err := s.Count(ctx); err != nil || n != 400 {
		t.Errorf("Count() = %d, %v; want 400", n, err)
	}
}

// put writes groupRows complaints a statement: a batch that repeats an ID
// within a group, or spans several groups with a bad complaint in one,
// writes and fails as one complaint a statement would.
func TestPutGroups(t *testing.T) {
	ctx := context.Background()
	s := open(t)
	cs := complaints(0, 3*groupRows+5)
	// Complaint 5 again at 9 (same group) and at groupRows+1 (the next):
	// the last one written wins, events included.
	for _, i := range []int{9, groupRows + 1} {
		cs[i] = complaint(5)
		cs[i].Title = fmt.Sprintf("written at %d", i)
		cs[i].Events = cs[i].Events[:i%5+1]
		connectors.Derive(cs[i].Events).Apply(&cs[i])
	}
	if err := s.Put(ctx, "demo", connectors.Batch{Complaints: cs}); err != nil {
		t.Fatal(err)
	}
	want := map[string]connectors.Complaint{}
	for _, c := range cs {
		want[c.ID] = c
	}
	got := all(t, s, Query{WithEvents: true})
	if len(got) != len(want) {
		t.Errorf("read %d complaints, want %d", len(got), len(want))
	}
	for _, c := range got {
		if diff := cmp.Diff(want[c.ID], c); diff != "" {
			t.Errorf("complaint %s (-want +got):\n%s", c.ID, diff)
		}
	}

	bad := complaints(1000, 3*groupRows)
	bad[2*groupRows+3].CSAT.Value = math.NaN()
	err := s.Put(ctx, "demo", connectors.Batch{Complaints: bad})
	if wantErr := "store: put batch for demo: complaint demo:001067: encode"; err == nil || !strings.HasPrefix(err.Error(), wantErr) {
		t.Errorf("Put(NaN in the third group) = %v, want an error starting %q", err, wantErr)
	}
	bad[2*groupRows+3] = complaint(1067)
	bad[groupRows+4].ID = ""
	err = s.Put(ctx, "demo", connectors.Batch{Complaints: bad})
	if wantErr := fmt.Sprintf("store: put batch for demo: complaint %d: empty id", groupRows+4); err == nil || err.Error() != wantErr {
		t.Errorf("Put(empty ID in the second group) = %v, want %q", err, wantErr)
	}
	if n, err := s.Count(ctx); err != nil || n != len(want) {
		t.Errorf("Count() after failed Puts = %d, %v; want %d, nil", n, err, len(want))
	}
}
