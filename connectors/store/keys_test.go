package store

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/kpidesk/kpidesk/connectors"
)

// TestKeysMatchEach checks that Keys reads the same complaints as Each, in
// the same order, with the same key fields.
func TestKeysMatchEach(t *testing.T) {
	ctx := context.Background()
	st, err := Open(ctx, filepath.Join(t.TempDir(), "k.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	base := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	var cs []connectors.Complaint
	for i, id := range []string{"x:3", "x:1", "x:10", "x:2"} {
		cs = append(cs, connectors.Complaint{ID: id, Source: "x", Key: id, Kind: "complaint", Customer: "c" + id[2:], Category: "billing",
			CreatedAt: base.Add(time.Duration(i) * time.Hour), Fields: map[string]any{"email": id + "@example.com"}})
	}
	if err := st.Put(ctx, "x", connectors.Batch{Complaints: cs, Cursor: "1", AsOf: base.AddDate(0, 1, 0)}); err != nil {
		t.Fatal(err)
	}
	var fromEach []Key
	if err := st.Each(ctx, Query{}, func(c *connectors.Complaint) error {
		fromEach = append(fromEach, Key{ID: c.ID, Customer: c.Customer, Category: c.Category, Kind: c.Kind, CreatedAt: c.CreatedAt})
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	for _, withFields := range []bool{false, true} {
		var got []Key
		if err := st.Keys(ctx, KeysOptions{Fields: withFields}, func(k Key) error { got = append(got, k); return nil }); err != nil {
			t.Fatal(err)
		}
		if len(got) != len(fromEach) {
			t.Fatalf("Keys read %d, Each %d", len(got), len(fromEach))
		}
		for i := range got {
			k := got[i]
			if (k.Fields != nil) != withFields || (withFields && k.Fields["email"] != k.ID+"@example.com") {
				t.Errorf("Keys()[%d].Fields = %v (fields %v)", i, k.Fields, withFields)
			}
			e := fromEach[i]
			if k.ID != e.ID || k.Customer != e.Customer || k.Category != e.Category || k.Kind != e.Kind || !k.CreatedAt.Equal(e.CreatedAt) {
				t.Errorf("Keys()[%d] = %+v, Each gives %+v", i, k, fromEach[i])
			}
		}
	}
}

func TestKeysCancelled(t *testing.T) {
	st, err := Open(context.Background(), filepath.Join(t.TempDir(), "k.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := st.Keys(ctx, KeysOptions{}, func(Key) error { return nil }); !errors.Is(err, context.Canceled) {
		t.Errorf("Keys on a cancelled context = %v, want context.Canceled", err)
	}
}
