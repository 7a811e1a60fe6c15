package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kpidesk/kpidesk/connectors"
)

// TestReplaceProblems reads the same records three times, as three syncs
// do: each problem is listed once, a record read without its problem loses
// it, and records not read keep theirs.
func TestReplaceProblems(t *testing.T) {
	ctx := context.Background()
	s := open(t)
	p := func(where, field, reason string) connectors.Problem {
		return connectors.Problem{Source: "jira", Where: where, Field: field, Reason: reason, Record: where}
	}
	sd1 := p("SD-1", "priority", `unmapped value "Sev 0"`)
	sd2 := p("SD-2", "kind", `unmapped value "rant"`)
	sd3 := p("jira:SD-3", "", "no longer in the source")
	other := connectors.Problem{Source: "file", Where: "SD-1", Field: "x", Reason: "another source's record", Record: "SD-1"}
	if err := s.AddProblems(ctx, []connectors.Problem{other}); err != nil {
		t.Fatal(err)
	}
	for sync := 1; sync <= 3; sync++ {
		if err := s.ReplaceProblems(ctx, "jira", []string{"SD-1", "SD-2", "jira:SD-2"}, []connectors.Problem{sd1, sd2, sd3}); err != nil {
			t.Fatal(err)
		}
	}
	want := []connectors.Problem{other, sd1, sd2, sd3}
	if diff := cmp.Diff(want, problems(t, s)); diff != "" {
		t.Errorf("after three syncs (-want +got):\n%s", diff)
	}

	// SD-2 is fixed; SD-1 now has another problem; SD-3 is not read.
	sd1b := p("SD-1", "priority", `unmapped value "Sev 9"`)
	if err := s.ReplaceProblems(ctx, "jira", []string{"SD-1", "SD-2"}, []connectors.Problem{sd1b}); err != nil {
		t.Fatal(err)
	}
	want = []connectors.Problem{other, sd3, sd1b}
	if diff := cmp.Diff(want, problems(t, s)); diff != "" {
		t.Errorf("after SD-2 was fixed (-want +got):\n%s", diff)
	}

	// The complaint marked missing comes back: it is read by its ID.
	if err := s.ReplaceProblems(ctx, "jira", []string{"jira:SD-3", "SD-3"}, nil); err != nil {
		t.Fatal(err)
	}
	want = []connectors.Problem{other, sd1b}
	if diff := cmp.Diff(want, problems(t, s)); diff != "" {
		t.Errorf("after SD-3 came back (-want +got):\n%s", diff)
	}

	if err := s.ReplaceProblems(ctx, "jira", nil, []connectors.Problem{other}); err == nil {
		t.Error("ReplaceProblems(jira) with a problem of source file: no error")
	}
}

// TestReplaceProblemsOfFile imports a file twice: the second import's
// problems replace the first's, whatever their lines.
func TestReplaceProblemsOfFile(t *testing.T) {
	ctx := context.Background()
	s := open(t)
	line := func(n int, reason string) connectors.Problem {
		return connectors.Problem{Source: "file", Record: "data[1].jsonl", Where: fmt.Sprintf("data[1].jsonl:%d", n), Field: "created_at", Reason: reason}
	}
	other := connectors.Problem{Source: "file", Record: "other.jsonl", Where: "other.jsonl:1", Field: "id", Reason: "required"}
	if err := s.ReplaceProblems(ctx, "file", []string{"other.jsonl"}, []connectors.Problem{other}); err != nil {
		t.Fatal(err)
	}
	if err := s.ReplaceProblems(ctx, "file", []string{"data[1].jsonl"}, []connectors.Problem{line(2, "required"), line(9, "required")}); err != nil {
		t.Fatal(err)
	}
	if err := s.ReplaceProblems(ctx, "file", []string{"data[1].jsonl"}, []connectors.Problem{line(4, "clock skew")}); err != nil {
		t.Fatal(err)
	}
	want := []connectors.Problem{other, line(4, "clock skew")}
	if diff := cmp.Diff(want, problems(t, s)); diff != "" {
		t.Errorf("after the second import (-want +got):\n%s", diff)
	}
	if err := s.ReplaceProblems(ctx, "file", []string{"data[1].jsonl"}, nil); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]connectors.Problem{other}, problems(t, s)); diff != "" {
		t.Errorf("after a clean import (-want +got):\n%s", diff)
	}
}

// TestOpenMigratesProblems opens a schema 5 store whose problems three
// syncs and an import appended: the migration keeps one of each, and
// the next import of the file replaces the file's old rows.
func TestOpenMigratesProblems(t *testing.T) {
	ctx := context.Background()
	ms, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "kpidesk.db")
	db, err := sql.Open("sqlite", "file://"+escapePath(path))
	if err != nil {
		t.Fatal(err)
	}
	stmts := []string{fmt.Sprintf("PRAGMA application_id = %d", applicationID)}
	for _, m := range ms[:5] {
		stmts = append(stmts, m.sql)
	}
	stmts = append(stmts, "PRAGMA user_version = 5")
	for range 3 {
		stmts = append(stmts, `INSERT INTO problems (source, location, field, reason) VALUES ('jira', 'SD-1', 'priority', 'unmapped value "P0"')`)
	}
	stmts = append(stmts,
		`INSERT INTO problems (source, location, field, reason) VALUES ('file', 'data.jsonl:3', 'id', 'required')`,
		`INSERT INTO problems (source, location, field, reason) VALUES ('file', 'data.jsonl.bak:3', 'id', 'required')`)
	for _, q := range stmts {
		if _, err := db.Exec(q); err != nil {
			db.Close()
			t.Fatalf("make a schema 5 store: %v", err)
		}
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	s := openAt(t, path)
	jira := connectors.Problem{Source: "jira", Where: "SD-1", Field: "priority", Reason: `unmapped value "P0"`, Record: "SD-1"}
	bak := connectors.Problem{Source: "file", Where: "data.jsonl.bak:3", Field: "id", Reason: "required", Record: "data.jsonl.bak:3"}
	want := []connectors.Problem{
		jira, // the last of the three copies
		{Source: "file", Where: "data.jsonl:3", Field: "id", Reason: "required", Record: "data.jsonl:3"},
		bak,
	}
	if diff := cmp.Diff(want, problems(t, s)); diff != "" {
		t.Errorf("problems after migration (-want +got):\n%s", diff)
	}
	if err := s.ReplaceProblems(ctx, "file", []string{"data.jsonl"}, nil); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]connectors.Problem{jira, bak}, problems(t, s)); diff != "" {
		t.Errorf("problems after importing data.jsonl again (-want +got):\n%s", diff)
	}
}

func problems(t *testing.T, s *Store) []connectors.Problem {
	t.Helper()
	ps, err := s.Problems(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return ps
}

// A sync cancelled after N committed batches keeps the problems of those
// batches, recorded with them, and none of the batch it was writing or the
// ones after; resumed, it adds the rest, each record's problems replaced.
func TestSyncCancelKeepsBatchProblems(t *testing.T) {
	s := open(t)
	bg := context.Background()
	old := connectors.Problem{Source: "jira", Where: "SD-0", Field: "priority", Reason: `unmapped value "P9"`}
	if err := s.AddProblems(bg, []connectors.Problem{old}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(bg)
	defer cancel()
	var batches []connectors.Batch
	for i := range 4 {
		batches = append(batches, connectors.Batch{
			Complaints: complaints(i*10, 10),
			Cursor:     string(rune('a' + i)),
			// Without a Source: the store gives it the one synced.
			Problems: []connectors.Problem{{Where: fmt.Sprintf("SD-%d", i), Field: "priority", Reason: fmt.Sprintf("unmapped value \"P%d\"", i)}},
		})
	}
	want := func(n int) []connectors.Problem {
		var ps []connectors.Problem
		for i := range n {
			ps = append(ps, connectors.Problem{Source: "jira", Where: fmt.Sprintf("SD-%d", i), Field: "priority", Reason: fmt.Sprintf("unmapped value \"P%d\"", i), Record: fmt.Sprintf("SD-%d", i)})
		}
		return ps
	}
	src := &fakeSource{name: "jira", batches: batches}
	err := s.Sync(ctx, src, func(b connectors.Batch) {
		if b.Cursor == "b" {
			cancel() // like Ctrl-C between two pages
		}
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Sync() after cancel = %v, want context.Canceled", err)
	}
	// SD-0's old problem is replaced by the one batch a found in it.
	if diff := cmp.Diff(want(2), problems(t, s)); diff != "" {
		t.Errorf("Problems() after a sync cancelled after 2 batches (-want +got):\n%s", diff)
	}
	if err := s.Sync(bg, src, nil); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want(4), problems(t, s)); diff != "" {
		t.Errorf("Problems() after the resumed sync (-want +got):\n%s", diff)
	}
	// A batch's problem of another source fails the batch, which commits
	// nothing.
	bad := connectors.Batch{Complaints: complaints(100, 1), Cursor: "z", Problems: []connectors.Problem{{Source: "file", Where: "x"}}}
	if err := s.Put(bg, "jira", bad); err == nil {
		t.Error("Put() of a batch with another source's problem succeeded")
	}
	if c, err := s.Cursor(bg, "jira"); err != nil || c != "d" {
		t.Errorf("Cursor() after the failed Put = %q, %v; want d", c, err)
	}
}
