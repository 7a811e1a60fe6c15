package store

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kpidesk/kpidesk/connectors"
)

// TestRawWriterEngaged fails when the writer falls back to database/sql
// for want of the driver connection it was written for (a new
// modernc.org/sqlite, say): correct, but an import loses half its speed.
func TestRawWriterEngaged(t *testing.T) {
	ctx := context.Background()
	for _, path := range []string{":memory:", filepath.Join(t.TempDir(), "k.db")} {
		s := openAt(t, path)
		w, err := s.begin(ctx, "demo")
		if err != nil {
			t.Fatal(err)
		}
		if w.raw == nil {
			t.Errorf("%s: the writer has no rawWriter", path)
		}
		w.rollback()
		before := rawGroups.Load()
		if err := s.Put(ctx, "demo", connectors.Batch{Complaints: complaints(0, 40)}); err != nil {
			t.Fatal(err)
		}
		// 40 complaints: a group of groupRows, then one by one.
		if got, want := rawGroups.Load()-before, int64(1+40-groupRows); got != want {
			t.Errorf("%s: the rawWriter wrote %d groups, want %d", path, got, want)
		}
	}
}

// tableRows returns every row of both complaint tables, every column, as
// database/sql reads them (compareRows' query).
func tableRows(t *testing.T, s *Store) [][]any {
	t.Helper()
	rows, err := s.db.Query("SELECT * FROM complaints c LEFT JOIN complaint_events e ON e.rid = c.rid ORDER BY c.rid")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	var out [][]any
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		out = append(out, vals)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestRawWriterMatchesDriver writes random complaints (every field, NUL
// bytes, invalid UTF-8, long text, repeated IDs) through the rawWriter and
// through database/sql alone, by Put and by Import, and requires the same
// rows, byte for byte.
func TestRawWriterMatchesDriver(t *testing.T) {
	ctx := context.Background()
	write := func(t *testing.T, raw bool, cs []connectors.Complaint) [][]any {
		noRawWriter = !raw
		defer func() { noRawWriter = false }()
		s := open(t)
		for i := 0; i < 300; i += 100 {
			if err := s.Put(ctx, "demo", connectors.Batch{Complaints: cs[i : i+100], Cursor: fmt.Sprint(i)}); err != nil {
				t.Fatal(err)
			}
		}
		err := s.Import(ctx, "jira", func(put func(connectors.Batch) error) error {
			for i := 300; i < len(cs); i += 150 {
				if err := put(connectors.Batch{Complaints: cs[i:min(i+150, len(cs))]}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return tableRows(t, s)
	}
	for _, seed := range []uint64{1, 2} {
		t.Run(fmt.Sprint("seed=", seed), func(t *testing.T) {
			r := rand.New(rand.NewPCG(seed, 99))
			cs := make([]connectors.Complaint, 700)
			for i := range cs {
				cs[i] = randomComplaint(r, i)
			}
			// Written twice in a group and across batches: the later wins.
			cs[40] = randomComplaint(r, 41)
			cs[350] = randomComplaint(r, 20)
			want := write(t, false, cs)
			fallbacks := rawFallbacks.Load()
			got := write(t, true, cs)
			if n := rawFallbacks.Load() - fallbacks; n != 0 {
				t.Errorf("the rawWriter left %d groups to database/sql", n)
			}
			if len(want) < 600 {
				t.Fatalf("database/sql wrote %d rows", len(want))
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("rows differ (-database/sql +raw):\n%s", diff)
			}
		})
	}
}

// TestRawWriterErrorNamesComplaint makes SQLite refuse one complaint of a
// group: the rawWriter leaves the group to database/sql, whose error names
// the complaint, and nothing of the batch is written.
func TestRawWriterErrorNamesComplaint(t *testing.T) {
	ctx := context.Background()
	s := open(t)
	cs := complaints(0, 40)
	if _, err := s.db.Exec(`CREATE TRIGGER refuse BEFORE INSERT ON complaints WHEN NEW.id = '` + cs[5].ID + `'
		BEGIN SELECT RAISE(ABORT, 'refused by test'); END`); err != nil {
		t.Fatal(err)
	}
	before := rawFallbacks.Load()
	err := s.Put(ctx, "demo", connectors.Batch{Complaints: cs})
	if err == nil || !strings.Contains(err.Error(), "complaint "+cs[5].ID+": ") || !strings.Contains(err.Error(), "refused by test") {
		t.Errorf("Put = %v, want the error of complaint %s", err, cs[5].ID)
	}
	if rawFallbacks.Load() == before {
		t.Error("the rawWriter did not leave the failed group to database/sql")
	}
	if n, err := s.Count(ctx); err != nil || n != 0 {
		t.Errorf("Count = %d, %v; want 0", n, err)
	}
}
