package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kpidesk/kpidesk/scoring"
)

// TestSyncFromJira runs `kpidesk sync` and `kpidesk score` against a fake
// Jira Cloud on loopback: the credentials come from the environment, reach
// the server as basic auth, and appear nowhere else (output, store,
// scores).
func TestSyncFromJira(t *testing.T) {
	const email, token = "agent@example.com", "s3cr3t-api-token-xyz"
	issue := func(key, created, resolved string, comments []map[string]any) map[string]any {
		status := map[string]any{"name": "Open", "statusCategory": map[string]any{"key": "new"}}
		var hist []map[string]any
		if resolved != "" {
			status = map[string]any{"name": "Done", "statusCategory": map[string]any{"key": "done"}}
			hist = append(hist, map[string]any{"id": "1", "created": resolved,
				"author": map[string]any{"accountId": "agent-1", "accountType": "atlassian"},
				"items":  []any{map[string]any{"field": "status", "fromString": "Open", "toString": "Done"}}})
		}
		return map[string]any{"key": key, "fields": map[string]any{
			"summary": "Refund for " + key, "created": created, "updated": created, "resolutiondate": nilIf(resolved),
			"status": status, "priority": map[string]any{"name": "Medium"},
			"reporter": map[string]any{"accountId": "cust-" + key, "accountType": "customer"},
			"assignee": map[string]any{"accountId": "agent-1", "accountType": "atlassian"},
			"labels":   []string{},
			"comment":  map[string]any{"startAt": 0, "maxResults": len(comments), "total": len(comments), "comments": comments},
		}, "changelog": map[string]any{"startAt": 0, "maxResults": len(hist), "total": len(hist), "histories": hist}}
	}
	reply := func(at, who, typ string) map[string]any {
		return map[string]any{"id": at, "created": at, "jsdPublic": true, "author": map[string]any{"accountId": who, "accountType": typ}}
	}
	issues := []map[string]any{
		issue("SD-1", "2026-03-02T10:00:00.000+0000", "2026-03-02T15:00:00.000+0000",
			[]map[string]any{reply("2026-03-02T10:01:00.000+0000", "automation", "app"), reply("2026-03-02T11:00:00.000+0000", "agent-1", "atlassian")}),
		issue("SD-2", "2026-03-03T10:00:00.000+0000", "", nil),
	}
	hits := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if u, p, ok := r.BasicAuth(); !ok || u != email || p != token {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		if r.URL.Path != "/rest/api/3/search/jql" {
			http.NotFound(w, r)
			return
		}
		hits++
		if hits == 1 {
			// The first search meets a rate limit: the sync waits and says so.
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		json.NewEncoder(w).Encode(map[string]any{"issues": issues, "isLast": true})
	}))
	defer srv.Close()

	dir := t.TempDir()
	cfg := filepath.Join(dir, "kpidesk.yaml")
	yaml := strings.Replace(`version: 1
sources:
  - {name: jira, type: jira, base_url: "URL", deployment: cloud, email_env: KPIDESK_TEST_EMAIL, token_env: KPIDESK_TEST_TOKEN, projects: [SD]}
scorecards:
  - id: s
    items: [{metric: response_rate, weight: 1, rule: {type: linear, target: 100%, floor: 0%}}]
`, "URL", srv.URL, 1)
	if err := os.WriteFile(cfg, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("KPIDESK_TEST_EMAIL", email)
	t.Setenv("KPIDESK_TEST_TOKEN", token)
	db := filepath.Join(dir, "kpidesk.db")
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"sync", "--config", cfg, "--store", db}, &out, &errb); code != 0 {
		t.Fatalf("sync exited %d: %s", code, errb.String())
	}
	if !strings.Contains(out.String(), "2 complaints") || hits < 2 {
		t.Errorf("sync printed %q after %d searches, want 2 complaints", out.String(), hits)
	}
	if !strings.Contains(errb.String(), "synced 2 complaints from jira in 2 API requests") {
		t.Errorf("stderr = %q, want the request count (a 429 and the search)", errb.String())
	}
	if !strings.Contains(errb.String(), "sync jira: waiting 1s: rate limited by Jira") {
		t.Errorf("stderr = %q, want the rate-limit wait reported", errb.String())
	}
	outDir := filepath.Join(dir, "out")
	if code := run(context.Background(), []string{"score", "--config", cfg, "--store", db, "--out", outDir, "--ids", "-q"}, &out, &errb); code != 0 {
		t.Fatalf("score exited %d: %s", code, errb.String())
	}
	scores, err := os.ReadFile(filepath.Join(outDir, "scores.json"))
	if err != nil {
		t.Fatal(err)
	}
	// SD-1 answered after 1 h by the agent (the app's reply does not
	// count); SD-2 unanswered, its 24 h long past at the sync.
	sc, err := scoring.ReadJSON(bytes.NewReader(scores))
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, c := range sc.Scorecards {
		if c.Period == "2026-03" && c.Unit.Kind == "org" {
			found = true
			if r := c.Metrics["response_rate"]; r.Numerator != 1 || r.Denominator != 2 || r.NumeratorIDs[0] != "jira:SD-1" {
				t.Errorf("response_rate = %v/%v %v, want 1/2 with jira:SD-1 answered", r.Numerator, r.Denominator, r.NumeratorIDs)
			}
		}
	}
	if !found {
		t.Error("no organization scorecard for 2026-03")
	}
	for _, f := range []string{db, filepath.Join(outDir, "scores.json"), filepath.Join(outDir, "evidence.jsonl")} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(b, []byte(token)) {
			t.Errorf("%s contains the API token", f)
		}
	}
	if strings.Contains(out.String()+errb.String(), token) {
		t.Error("the output contains the API token")
	}

	// A refused token: one line naming the credential, not its value.
	t.Setenv("KPIDESK_TEST_TOKEN", "wrong-token-value")
	errb.Reset()
	if code := run(context.Background(), []string{"sync", "--config", cfg, "--store", db}, &out, &errb); code == 0 {
		t.Fatal("sync with a refused token succeeded")
	}
	if strings.Contains(errb.String(), "wrong-token-value") || !strings.Contains(strings.ToLower(errb.String()), "token") {
		t.Errorf("refused-credential error = %q: want it to name the token, without its value", errb.String())
	}
}

func nilIf(s string) any {
	if s == "" {
		return nil
	}
	return s
}
