package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fakeJiraProject serves what `init --discover` reads of a Data Center
// project SD: its priorities, statuses, components, fields and a select
// field's options; no service desk (the servicedeskapi answers 404). Every
// request must carry the token.
func fakeJiraProject(t *testing.T, token string) *httptest.Server {
	t.Helper()
	reply := map[string]any{
		"/rest/api/2/serverInfo": map[string]any{"deploymentType": "Server", "version": "9.12.0"},
		"/rest/api/2/priority":   []any{map[string]any{"name": "Blocker"}, map[string]any{"name": "Major"}, map[string]any{"name": "Trivial"}},
		"/rest/api/2/project/SD/statuses": []any{map[string]any{"statuses": []any{
			map[string]any{"name": "Open", "statusCategory": map[string]any{"key": "new"}},
			map[string]any{"name": "Fixed", "statusCategory": map[string]any{"key": "done"}},
		}}},
		"/rest/api/2/project/SD/components": []any{map[string]any{"name": "Billing"}},
		"/rest/api/2/field": []any{
			map[string]any{"id": "customfield_10050", "name": "Contact channel", "schema": map[string]any{"custom": "com.atlassian.jira.plugin.system.customfieldtypes:select"}},
		},
		"/rest/api/2/customFields/10050/options": map[string]any{"values": []any{map[string]any{"id": 1, "value": "Email"}, map[string]any{"id": 2, "value": "Phone"}}, "isLast": true},
	}
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+token {
			w.WriteHeader(http.StatusUnauthorized)
			w.Write([]byte(`{"errorMessages":["You are not authenticated. Authentication required to perform this operation."]}`))
			return
		}
		v, ok := reply[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(v)
	}))
}

// TestInitDiscover: init --discover reads the project and writes a starter
// that maps what it lists, which checks clean; without the token or with a
// refused one it says so and never prints the token.
func TestInitDiscover(t *testing.T) {
	const token = "init-discover-token-5Xq"
	srv := fakeJiraProject(t, token)
	defer srv.Close()
	dir := t.TempDir()
	path := filepath.Join(dir, "kpidesk.yaml")
	args := []string{"init", "--source", "jira", "--discover", "--base-url", srv.URL, "--project", "SD", "--token-env", "KPIDESK_INIT_TOKEN", path}

	t.Setenv("KPIDESK_INIT_TOKEN", "")
	if code, _, stderr := kpidesk(t, args...); code == 0 || !strings.Contains(stderr, "KPIDESK_INIT_TOKEN is not set") {
		t.Errorf("without the token: exit %d, %q", code, stderr)
	}
	t.Setenv("KPIDESK_INIT_TOKEN", "wrong-"+token)
	if code, stdout, stderr := kpidesk(t, args...); code == 0 || strings.Contains(stdout+stderr, token) || !strings.Contains(stderr, "401") {
		t.Errorf("a refused token: exit %d, %q %q", code, stdout, stderr)
	}
	if _, err := os.Stat(path); err == nil {
		t.Error("a failed discovery wrote the starter")
	}

	t.Setenv("KPIDESK_INIT_TOKEN", token)
	if code, _, stderr := kpidesk(t, args...); code != 0 {
		t.Fatalf("init --discover: exit %d: %s", code, stderr)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	for _, want := range []string{"base_url: " + srv.URL, "deployment: datacenter", "projects: [SD]", "Blocker: urgent", "resolved_statuses: [Fixed]", "Contact channel", "Email"} {
		if !strings.Contains(text, want) {
			t.Errorf("the starter lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, token) || strings.Contains(text, "your-site.atlassian.net") || strings.Count(text, "\nsources:") != 1 {
		t.Errorf("the starter holds the token, the placeholder site, or two sources sections:\n%s", text)
	}
	if testing.Verbose() {
		t.Logf("the starter:\n%s", text)
	}
	if code, stdout, stderr := kpidesk(t, "config", "check", "--config", path); code != 0 {
		t.Errorf("config check of the discovered starter: exit %d: %s%s", code, stdout, stderr)
	}
}
