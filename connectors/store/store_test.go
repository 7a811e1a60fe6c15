package store

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/kpidesk/kpidesk/connectors"
)

func TestMigrations(t *testing.T) {
	ms, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) == 0 || SchemaVersion() != len(ms) {
		t.Errorf("SchemaVersion() = %d with %d migrations", SchemaVersion(), len(ms))
	}
}

func userVersion(t *testing.T, path string) (version, app int) {
	t.Helper()
	db, err := sql.Open("sqlite", "file://"+escapePath(path))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.QueryRow("PRAGMA user_version").Scan(&version); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow("PRAGMA application_id").Scan(&app); err != nil {
		t.Fatal(err)
	}
	return version, app
}

func TestOpenCreatesAndReopens(t *testing.T) {
	ctx := context.Background()
	// Open creates the missing directory, whose name needs escaping in a URI.
	path := filepath.Join(t.TempDir(), "cache dir ?#%", "kpidesk.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Put(ctx, "demo", connectors.Batch{Complaints: complaints(0, 3), Cursor: "c1"}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path + "-wal"); !os.IsNotExist(err) {
		t.Errorf("after Close, %s-wal exists (err %v); want the store in one file", path, err)
	}
	if v, app := userVersion(t, path); v != SchemaVersion() || app != applicationID {
		t.Errorf("user_version, application_id = %d, %#x; want %d, %#x", v, app, SchemaVersion(), applicationID)
	}

	s = openAt(t, path)
	if n, err := s.Count(ctx); err != nil || n != 3 {
		t.Errorf("Count() after reopen = %d, %v; want 3, nil", n, err)
	}
	var mode string
	if err := s.db.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal_mode = %q, %v; want wal", mode, err)
	}
	var pageSize int
	if err := s.db.QueryRow("PRAGMA page_size").Scan(&pageSize); err != nil || pageSize != 8192 {
		t.Errorf("page_size = %d, %v; want 8192", pageSize, err)
	}
	var fk int
	if err := s.db.QueryRow("PRAGMA foreign_keys").Scan(&fk); err != nil || fk != 1 {
		t.Errorf("foreign_keys = %d, %v; want 1", fk, err)
	}
}

func TestOpenNewerSchema(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "kpidesk.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()

	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	newer := SchemaVersion() + 1
	if _, err := db.Exec(fmt.Sprintf("PRAGMA user_version = %d", newer)); err != nil {
		t.Fatal(err)
	}
	db.Close()

	_, err = Open(ctx, path)
	want := fmt.Sprintf("store %s: schema version %d is newer than this kpidesk supports (%d); upgrade kpidesk", path, newer, SchemaVersion())
	if err == nil || err.Error() != want {
		t.Fatalf("Open(newer) = %v, want %q", err, want)
	}
	if v, _ := userVersion(t, path); v != newer {
		t.Errorf("user_version after refused Open = %d, want %d (untouched)", v, newer)
	}
}

// TestOpenMigratesSchema1 opens a store that a kpidesk of schema version 1
// (before components) wrote: Open brings it up to date in place, keeps its
// rows, and they read back without components.
func TestOpenMigratesSchema1(t *testing.T) {
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
	created, resolved := t0, t0.Add(26*time.Hour)
	// Migration 0001 alone, and rows written as schema 1 wrote them.
	for _, q := range []struct {
		sql  string
		args []any
	}{
		{sql: fmt.Sprintf("PRAGMA application_id = %d", applicationID)},
		{sql: ms[0].sql},
		{sql: "PRAGMA user_version = 1"},
		{sql: `INSERT INTO complaints (id, origin, source, key, url, title, kind, category, channel, priority,
			customer, organization, assignee, team, department,
			created_at, updated_at, first_response_at, first_resolved_at, resolved_at,
			reopens, escalated, escalated_at, agent_replies, labels, sla, csat, fields)
			VALUES ('jira:SD-1', 'jira', 'jira', 'SD-1', '', 'Refund', 'complaint', 'billing', 'email', 'high',
			'cust-1', '', 'li.wei', 'tier1', '', ?, NULL, NULL, ?, ?, 0, 0, NULL, 1, '["vip"]', NULL, NULL, NULL)`,
			args: []any{created.UnixMilli(), resolved.UnixMilli(), resolved.UnixMilli()}},
		{sql: `INSERT INTO complaint_events (rid, events) SELECT rid, ? FROM complaints WHERE id = 'jira:SD-1'`,
			args: []any{fmt.Sprintf(`[{"at":%d,"kind":"resolved"}]`, resolved.UnixMilli())}},
		{sql: `INSERT INTO sync (source, cursor, as_of, synced_at) VALUES ('jira', 'c1', ?, ?)`,
			args: []any{resolved.UnixMilli(), resolved.UnixMilli()}},
	} {
		if _, err := db.Exec(q.sql, q.args...); err != nil {
			db.Close()
			t.Fatalf("make a schema 1 store: %v", err)
		}
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if v, _ := userVersion(t, path); v != 1 {
		t.Fatalf("user_version of the schema 1 store = %d, want 1", v)
	}

	s := openAt(t, path)
	var version int
	if err := s.db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil || version != SchemaVersion() {
		t.Errorf("user_version after Open = %d, %v; want %d", version, err, SchemaVersion())
	}
	old := connectors.Complaint{
		ID: "jira:SD-1", Source: "jira", Key: "SD-1", Title: "Refund",
		Kind: "complaint", Category: "billing", Channel: "email", Priority: "high",
		Customer: "cust-1", Assignee: "li.wei", Team: "tier1",
		CreatedAt: created, FirstResolvedAt: resolved, ResolvedAt: resolved, AgentReplies: 1,
		Labels: []string{"vip"},
		Events: []connectors.Event{{At: resolved, Kind: connectors.EventResolved}},
	}
	if diff := cmp.Diff([]connectors.Complaint{old}, all(t, s, Query{WithEvents: true})); diff != "" {
		t.Errorf("schema 1 rows after migration (-want +got):\n%s", diff)
	}
	if c, err := s.Cursor(ctx, "jira"); err != nil || c != "c1" {
		t.Errorf("Cursor(jira) after migration = %q, %v; want c1, nil", c, err)
	}

	// The migrated file stores components like a new one.
	updated := old
	updated.Components = []string{"payments", "mobile-app"}
	if err := s.Put(ctx, "jira", connectors.Batch{Complaints: []connectors.Complaint{updated, complaint(0)}, Cursor: "c2"}); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]connectors.Complaint{complaint(0), updated}, all(t, s, Query{WithEvents: true})); diff != "" {
		t.Errorf("after Put into the migrated store (-want +got):\n%s", diff)
	}
}

func TestOpenForeignDatabase(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name  string
		setup string
	}{
		{name: "other application", setup: "PRAGMA application_id = 42"},
		{name: "tables without id", setup: "CREATE TABLE notes (x)"},
		{name: "version without id", setup: "PRAGMA user_version = 1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "other.db")
			db, err := sql.Open("sqlite", path)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := db.Exec(tc.setup); err != nil {
				t.Fatal(err)
			}
			db.Close()
			_, err = Open(ctx, path)
			if err == nil || !strings.Contains(err.Error(), "not a kpidesk store") {
				t.Errorf("Open(%s) = %v, want a not a kpidesk store error", tc.name, err)
			}
			// The refused file is left as it was: no WAL, no statistics.
			db, err = sql.Open("sqlite", path)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			var mode string
			var stats int
			if err := db.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil || mode != "delete" {
				t.Errorf("journal_mode after refused Open = %q, %v; want delete", mode, err)
			}
			if err := db.QueryRow("SELECT count(*) FROM sqlite_schema WHERE name LIKE 'sqlite_stat%'").Scan(&stats); err != nil || stats != 0 {
				t.Errorf("statistics tables after refused Open = %d, %v; want 0", stats, err)
			}
		})
	}

	path := filepath.Join(t.TempDir(), "text.db")
	if err := os.WriteFile(path, []byte(strings.Repeat("not sqlite\n", 100)), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(ctx, path); err == nil || !strings.HasPrefix(err.Error(), "store "+path+": ") {
		t.Errorf("Open(text file) = %v, want an error naming the store", err)
	}
}

func TestMemory(t *testing.T) {
	ctx := context.Background()
	a := openAt(t, ":memory:")
	b := openAt(t, ":memory:")
	if err := a.Put(ctx, "demo", connectors.Batch{Complaints: complaints(0, 5)}); err != nil {
		t.Fatal(err)
	}
	// Many pooled connections see one database, and two stores two.
	err := a.Each(ctx, Query{}, func(*connectors.Complaint) error {
		n, err := a.Count(ctx)
		if err != nil || n != 5 {
			return fmt.Errorf("Count() inside Each = %d, %v; want 5, nil", n, err)
		}
		return nil
	})
	if err != nil {
		t.Error(err)
	}
	if n, err := b.Count(ctx); err != nil || n != 0 {
		t.Errorf("other memory store Count() = %d, %v; want 0, nil", n, err)
	}
}

func TestClosed(t *testing.T) {
	s, err := Open(context.Background(), ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close() = %v, want nil", err)
	}
	if err := s.Put(context.Background(), "demo", connectors.Batch{}); err == nil {
		t.Error("Put after Close = nil, want an error")
	}
}

func TestOpenRelative(t *testing.T) {
	t.Chdir(t.TempDir())
	s := openAt(t, filepath.Join("ci-cache", "kpidesk.db"))
	if err := s.Put(context.Background(), "demo", connectors.Batch{Complaints: complaints(0, 1)}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join("ci-cache", "kpidesk.db")); err != nil {
		t.Error(err)
	}
}
