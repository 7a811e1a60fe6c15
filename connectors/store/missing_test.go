package store

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"testing"

	"github.com/kpidesk/kpidesk/connectors"
)

func ids(t *testing.T, st *Store, q Query) []string {
	t.Helper()
	var out []string
	if err := st.Each(context.Background(), q, func(c *connectors.Complaint) error {
		out = append(out, c.ID)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestSyncFull marks what a full sync no longer sees as missing, keeps it,
// leaves it out of reads and counts, and brings it back when it returns.
func TestSyncFull(t *testing.T) {
	ctx := context.Background()
	st, err := Open(ctx, filepath.Join(t.TempDir(), "m.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	all := []connectors.Complaint{complaint(1), complaint(2), complaint(3)}
	if err := st.Put(ctx, "demo", connectors.Batch{Complaints: all, Cursor: "c1"}); err != nil {
		t.Fatal(err)
	}
	// The helpdesk no longer has complaint 2.
	src := &fakeSource{name: "demo", batches: []connectors.Batch{{Complaints: []connectors.Complaint{complaint(1), complaint(3)}, Cursor: "c2"}}}
	missing, err := st.SyncFull(ctx, src, nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"demo:000002"}; !slices.Equal(missing, want) {
		t.Errorf("SyncFull marked %v missing, want %v", missing, want)
	}
	if src.from[0] != "" {
		t.Errorf("a full sync fetched from cursor %q, want the beginning", src.from[0])
	}
	if got, want := ids(t, st, Query{}), []string{"demo:000001", "demo:000003"}; !slices.Equal(got, want) {
		t.Errorf("Each = %v, want %v", got, want)
	}
	if got := ids(t, st, Query{IncludeMissing: true}); len(got) != 3 {
		t.Errorf("Each with IncludeMissing = %v, want all 3 kept", got)
	}
	if n, _ := st.Count(ctx); n != 2 {
		t.Errorf("Count = %d, want 2", n)
	}
	keys, err := st.Keys(ctx, KeysOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 2 {
		t.Errorf("Keys = %v, want the 2 present", keys)
	}
	// It comes back: present again.
	if err := st.Put(ctx, "demo", connectors.Batch{Complaints: []connectors.Complaint{complaint(2)}, Cursor: "c3"}); err != nil {
		t.Fatal(err)
	}
	if n, _ := st.Count(ctx); n != 3 {
		t.Errorf("Count after the complaint came back = %d, want 3", n)
	}
	// A full sync that fails marks nothing.
	bad := &fakeSource{name: "demo", batches: []connectors.Batch{{Complaints: []connectors.Complaint{complaint(1)}, Cursor: "c4"}}, err: errors.New("connection reset")}
	if missing, err := st.SyncFull(ctx, bad, nil); err == nil || len(missing) != 0 {
		t.Errorf("failed SyncFull = %v, %v; want an error and nothing marked", missing, err)
	}
	if n, _ := st.Count(ctx); n != 3 {
		t.Errorf("Count after a failed full sync = %d, want 3", n)
	}
}

// TestSyncFullEmpty: a full sync that reads nothing marks nothing missing
// and commits nothing when the store has complaints of that source (a wrong
// filter or a lost permission looks like that), but records its cursor
// into a store that has none.
func TestSyncFullEmpty(t *testing.T) {
	ctx := context.Background()
	st, err := Open(ctx, filepath.Join(t.TempDir(), "m.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	empty := &fakeSource{name: "demo", batches: []connectors.Batch{{Cursor: "empty"}}}
	if missing, err := st.SyncFull(ctx, empty, nil); err != nil || len(missing) != 0 {
		t.Fatalf("SyncFull of an empty source into an empty store = %v, %v; want nothing, nil", missing, err)
	}
	if c, _ := st.Cursor(ctx, "demo"); c != "empty" {
		t.Errorf("cursor after an empty full sync into an empty store = %q, want %q", c, "empty")
	}
	if err := st.Put(ctx, "demo", connectors.Batch{Complaints: []connectors.Complaint{complaint(1), complaint(2)}, Cursor: "c1"}); err != nil {
		t.Fatal(err)
	}
	missing, err := st.SyncFull(ctx, empty, nil)
	if !errors.Is(err, ErrEmptyFullSync) || len(missing) != 0 {
		t.Errorf("SyncFull of an empty source = %v, %v; want nothing marked and ErrEmptyFullSync", missing, err)
	}
	if n, _ := st.Count(ctx); n != 2 {
		t.Errorf("Count after a refused full sync = %d, want 2", n)
	}
	if c, _ := st.Cursor(ctx, "demo"); c != "c1" {
		t.Errorf("cursor after a refused full sync = %q, want %q unchanged", c, "c1")
	}
	// Another source's complaints do not count.
	other := &fakeSource{name: "other", batches: []connectors.Batch{{}}}
	if _, err := st.SyncFull(ctx, other, nil); err != nil {
		t.Errorf("SyncFull of an empty source with no stored complaints: %v", err)
	}
}
