package main

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kpidesk/kpidesk/connectors"
	"github.com/kpidesk/kpidesk/connectors/store"
)

// TestSyncEmptyRead: a read that returns nothing is normal for an
// incremental sync, but a full read of a source the store has complaints
// from warns (plain sync, even with -q) or fails (--full, which must not
// mark them all missing).
func TestSyncEmptyRead(t *testing.T) {
	var empty atomic.Bool
	h := &hostile{t: t, deployment: "datacenter"}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != h.searchPath() {
			http.NotFound(w, r)
			return
		}
		if empty.Load() {
			w.Write([]byte(`{"startAt": 0, "maxResults": 100, "total": 0, "issues": []}`))
			return
		}
		h.page(w, nil)
	}))
	defer srv.Close()
	dir := t.TempDir()
	cfg := filepath.Join(dir, "kpidesk.yaml")
	yaml := `version: 1
sources:
  - {name: jira, type: jira, base_url: "` + srv.URL + `", deployment: datacenter, token_env: KPIDESK_EMPTY_TOKEN, projects: [SD]}
scorecards:
  - id: s
    items: [{metric: response_rate, weight: 1, rule: {type: linear, target: 100%, floor: 0%}}]
`
	if err := os.WriteFile(cfg, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("KPIDESK_EMPTY_TOKEN", "empty-read-token")
	synced, cursorless := filepath.Join(dir, "synced.db"), filepath.Join(dir, "cursorless.db")
	// A store with a complaint of the source but no cursor for it (written
	// by another tool, or a source whose cursor was reset).
	st, err := store.Open(context.Background(), cursorless)
	if err != nil {
		t.Fatal(err)
	}
	c := connectors.Complaint{ID: "jira:SD-1", Source: "jira", Key: "SD-1", CreatedAt: time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)}
	if err := st.Put(context.Background(), "jira", connectors.Batch{Complaints: []connectors.Complaint{c}}); err != nil {
		t.Fatal(err)
	}
	st.Close()

	const warning = "warning: sync jira: the source returned no complaints"
	tests := []struct {
		name   string
		empty  bool // the source returns nothing
		args   []string
		code   int
		stderr string // in stderr; "" means no warning at all
		stdout string
	}{
		{name: "first sync", args: []string{"sync", "--store", synced}, stdout: "1 complaints"},
		{name: "incremental sync without changes is quiet", empty: true, args: []string{"sync", "--store", synced}, stdout: "1 complaints"},
		{name: "full sync reading nothing fails", empty: true, args: []string{"sync", "--full", "-q", "--store", synced}, code: 1,
			stderr: "refusing to mark all 1 stored complaints missing"},
		{name: "full sync reading something marks the rest", args: []string{"sync", "--full", "--store", synced}, stdout: "1 complaints"},
		{name: "a sync from the beginning reading nothing warns, even with -q", empty: true,
			args: []string{"sync", "-q", "--store", cursorless}, stderr: warning + " when read from the beginning, but the store has 1 from it", stdout: "1 complaints"},
	}
	for _, tc := range tests {
		empty.Store(tc.empty)
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), append(tc.args, "--config", cfg), &stdout, &stderr)
		if code != tc.code {
			t.Errorf("%s: kpidesk %s exited %d, want %d: %s", tc.name, strings.Join(tc.args, " "), code, tc.code, stderr.String())
		}
		if tc.stderr != "" && !strings.Contains(stderr.String(), tc.stderr) {
			t.Errorf("%s: stderr = %q, want %q", tc.name, stderr.String(), tc.stderr)
		}
		if tc.stderr == "" && strings.Contains(stderr.String(), "warning") {
			t.Errorf("%s: stderr = %q, want no warning", tc.name, stderr.String())
		}
		if !strings.Contains(stdout.String(), tc.stdout) {
			t.Errorf("%s: stdout = %q, want %q", tc.name, stdout.String(), tc.stdout)
		}
	}
}
