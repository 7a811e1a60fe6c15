package store

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"strings"
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
		got, err := st.Keys(ctx, KeysOptions{Fields: withFields})
		if err != nil {
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
	// The pass without fields reads the covering index alone.
	var detail string
	var a, b, c int
	if err := st.db.QueryRowContext(ctx, "EXPLAIN QUERY PLAN "+keysQuery(KeysOptions{})).Scan(&a, &b, &c, &detail); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(detail, "COVERING INDEX complaints_keys") {
		t.Errorf("query plan of Keys = %q, want a scan of the covering index", detail)
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
	if _, err := st.Keys(ctx, KeysOptions{}); !errors.Is(err, context.Canceled) {
		t.Errorf("Keys on a cancelled context = %v, want context.Canceled", err)
	}
}

// TestImportRebuildsKeysIndex checks that an import into an empty store,
// which builds the keys index at the end rather than row by row, leaves the
// index as the schema defines it, whether the import commits or fails.
func TestImportRebuildsKeysIndex(t *testing.T) {
	ctx := context.Background()
	index := func(s *Store) string {
		t.Helper()
		var ddl string
		if err := s.db.QueryRowContext(ctx, "SELECT sql FROM sqlite_schema WHERE type = 'index' AND name = 'complaints_keys'").Scan(&ddl); err != nil {
			t.Fatalf("index complaints_keys: %v", err)
		}
		return ddl
	}
	boom := errors.New("line 3: bad")
	for _, fail := range []bool{false, true} {
		s := open(t)
		want := index(s)
		err := s.Import(ctx, "file", func(put func(connectors.Batch) error) error {
			if err := put(connectors.Batch{Complaints: complaints(0, 20), Cursor: "1"}); err != nil {
				return err
			}
			if fail {
				return boom
			}
			return nil
		})
		if fail != (err != nil) {
			t.Fatalf("Import (fail %v) = %v", fail, err)
		}
		if got := index(s); got != want {
			t.Errorf("after Import (fail %v), index = %q, want %q", fail, got, want)
		}
		keys, err := s.Keys(ctx, KeysOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if wantN := map[bool]int{false: 20, true: 0}[fail]; len(keys) != wantN {
			t.Errorf("after Import (fail %v), Keys reads %d complaints, want %d", fail, len(keys), wantN)
		}
	}
}

// TestSyncsCountFromIndex checks that Syncs counts a source's complaints
// from the index on (origin, missing_since), without reading the table:
// at a million complaints that is the difference between a few
// milliseconds and half a second.
func TestSyncsCountFromIndex(t *testing.T) {
	plan := queryPlan(t, open(t), syncsQuery)
	if !slices.ContainsFunc(plan, func(d string) bool { return strings.Contains(d, "COVERING INDEX complaints_origin") }) {
		t.Errorf("Syncs query plan = %q, want the count from the covering index complaints_origin", plan)
	}
}

// queryPlan returns the details of SQLite's plan for query on s.
func queryPlan(t *testing.T, s *Store, query string) []string {
	t.Helper()
	rows, err := s.db.QueryContext(context.Background(), "EXPLAIN QUERY PLAN "+query)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var a, b, c int
		var detail string
		if err := rows.Scan(&a, &b, &c, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	return plan
}
