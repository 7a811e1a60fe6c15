package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
)

// The credentials of TestSecretsStayHome. The token has characters that
// URL escaping changes and letters in both cases.
const (
	secretEmail = "agent@example.com"
	secretToken = "Pat+S3cr3t/Tok3n=Value9"
)

// secretForms are the forms of the token that must appear nowhere: as
// sent, lower- and upper-cased (the check folds case), base64 of the token
// and of email:token (Basic), padded or not, and URL-escaped.
func secretForms() []string {
	var forms []string
	for _, s := range []string{secretToken, secretEmail + ":" + secretToken} {
		for _, f := range []string{s, base64.StdEncoding.EncodeToString([]byte(s)), base64.RawStdEncoding.EncodeToString([]byte(s)), base64.RawURLEncoding.EncodeToString([]byte(s))} {
			forms = append(forms, f, url.QueryEscape(f), url.PathEscape(f))
		}
	}
	return forms
}

// leaks returns the forms of the token found in b, case-insensitively.
func leaks(b []byte) []string {
	var found []string
	lower := bytes.ToLower(b)
	for _, f := range secretForms() {
		if bytes.Contains(lower, []byte(strings.ToLower(f))) {
			found = append(found, f)
		}
	}
	return found
}

// hostile is what a row of TestSecretsStayHome's table gets to misbehave
// with.
type hostile struct {
	t          *testing.T
	deployment string
	other      string // URL of a second server, another origin
}

// searchPath is the search endpoint of the deployment.
func (h *hostile) searchPath() string {
	if h.deployment == "cloud" {
		return "/rest/api/3/search/jql"
	}
	return "/rest/api/2/search"
}

// page answers the search with one valid issue, edited by edit first
// (nil: as it is), in the deployment's page shape.
func (h *hostile) page(w http.ResponseWriter, edit func(issue, fields map[string]any)) {
	fields := map[string]any{
		"summary": "Refund not received", "created": "2026-03-02T10:00:00.000+0000", "updated": "2026-03-02T12:00:00.000+0000",
		"status":   map[string]any{"name": "Open", "statusCategory": map[string]any{"key": "new"}},
		"priority": map[string]any{"name": "Medium"},
		"reporter": map[string]any{"accountId": "cust-1", "name": "cust-1", "accountType": "customer"},
		"assignee": map[string]any{"accountId": "agent-1", "name": "agent-1", "accountType": "atlassian"},
		"labels":   []any{"vip"},
		"comment": map[string]any{"startAt": 0, "maxResults": 1, "total": 1, "comments": []any{map[string]any{
			"id": "1", "created": "2026-03-02T11:00:00.000+0000", "body": "We are on it", "jsdPublic": true,
			"author": map[string]any{"accountId": "agent-1", "name": "agent-1", "accountType": "atlassian"},
		}}},
		"customfield_10050": map[string]any{"value": "gold"},
	}
	issue := map[string]any{"id": "10001", "key": "SD-1", "fields": fields,
		"changelog": map[string]any{"startAt": 0, "maxResults": 0, "total": 0, "histories": []any{}}}
	if edit != nil {
		edit(issue, fields)
	}
	page := map[string]any{"issues": []any{issue}, "isLast": true}
	if h.deployment != "cloud" {
		page = map[string]any{"startAt": 0, "maxResults": 100, "total": 1, "issues": []any{issue}}
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(page)
}

// refuse answers with status and Jira's error body holding msg.
func refuse(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{"errorMessages": []string{msg}, "errors": map[string]string{"jql": msg}})
}

var (
	basicForm = base64.StdEncoding.EncodeToString([]byte(secretEmail + ":" + secretToken))
	tokenB64  = base64.StdEncoding.EncodeToString([]byte(secretToken))
)

// TestSecretsStayHome drives `kpidesk sync` (then `kpidesk score`) against
// a hostile fake Jira, one misbehaviour per row, and checks that the token
// reaches no one but that server: not a second server on another origin,
// and in no form stdout, stderr, the store's files (.db, -wal, -shm),
// scores.json or evidence.jsonl. Add a row to add a misbehaviour.
func TestSecretsStayHome(t *testing.T) {
	tests := []struct {
		name       string
		deployment string // cloud (email + API token, basic) or datacenter (bearer)
		serve      func(w http.ResponseWriter, r *http.Request, h *hostile)
		wantErr    string // in stderr, and the sync fails; "" means it succeeds
		complaints int    // stored after a successful sync
	}{
		{name: "307 to another origin, basic", deployment: "cloud", wantErr: "another origin",
			serve: func(w http.ResponseWriter, r *http.Request, h *hostile) {
				http.Redirect(w, r, h.other+r.URL.Path, http.StatusTemporaryRedirect)
			}},
		{name: "307 to another origin, bearer", deployment: "datacenter", wantErr: "another origin",
			serve: func(w http.ResponseWriter, r *http.Request, h *hostile) {
				http.Redirect(w, r, h.other+r.URL.Path, http.StatusTemporaryRedirect)
			}},
		{name: "302 to another origin with the token in the query", deployment: "datacenter", wantErr: "another origin",
			serve: func(w http.ResponseWriter, r *http.Request, h *hostile) {
				http.Redirect(w, r, h.other+"/login?t="+url.QueryEscape(secretToken), http.StatusFound)
			}},
		{name: "307 within the origin is followed", deployment: "cloud", complaints: 1,
			serve: func(w http.ResponseWriter, r *http.Request, h *hostile) {
				if !strings.HasPrefix(r.URL.Path, "/moved/") {
					http.Redirect(w, r, "/moved"+r.URL.Path, http.StatusTemporaryRedirect)
					return
				}
				if u, p, ok := r.BasicAuth(); !ok || u != secretEmail || p != secretToken {
					refuse(w, http.StatusUnauthorized, "the redirected request came without the credentials")
					return
				}
				h.page(w, nil)
			}},
		{name: "403 echoing the token lower-cased", deployment: "datacenter", wantErr: "403",
			serve: func(w http.ResponseWriter, r *http.Request, h *hostile) {
				refuse(w, http.StatusForbidden, "token "+strings.ToLower(secretToken)+" lacks permission")
			}},
		{name: "401 echoing the token upper-cased", deployment: "cloud", wantErr: "401",
			serve: func(w http.ResponseWriter, r *http.Request, h *hostile) {
				refuse(w, http.StatusUnauthorized, "bad token "+strings.ToUpper(secretToken))
			}},
		{name: "401 echoing the Basic header", deployment: "cloud", wantErr: "401",
			serve: func(w http.ResponseWriter, r *http.Request, h *hostile) {
				refuse(w, http.StatusUnauthorized, "refused "+r.Header.Get("Authorization"))
			}},
		{name: "403 echoing the token in base64", deployment: "datacenter", wantErr: "403",
			serve: func(w http.ResponseWriter, r *http.Request, h *hostile) {
				refuse(w, http.StatusForbidden, "refused credential "+tokenB64)
			}},
		{name: "400 echoing the token query-escaped", deployment: "cloud", wantErr: "400",
			serve: func(w http.ResponseWriter, r *http.Request, h *hostile) {
				refuse(w, http.StatusBadRequest, "bad parameter token="+url.QueryEscape(secretToken))
			}},
		{name: "400 echoing the token path-escaped and the Basic form query-escaped", deployment: "cloud", wantErr: "400",
			serve: func(w http.ResponseWriter, r *http.Request, h *hostile) {
				refuse(w, http.StatusBadRequest, "no resource /x/"+url.PathEscape(secretToken)+"?a="+url.QueryEscape(basicForm))
			}},
		{name: "token in the summary", deployment: "cloud", complaints: 1,
			serve: func(w http.ResponseWriter, r *http.Request, h *hostile) {
				h.page(w, func(_, f map[string]any) { f["summary"] = "your token is " + secretToken })
			}},
		{name: "token in a comment author and the assignee", deployment: "datacenter", complaints: 1,
			serve: func(w http.ResponseWriter, r *http.Request, h *hostile) {
				h.page(w, func(_, f map[string]any) {
					who := map[string]any{"accountId": strings.ToLower(secretToken), "name": strings.ToLower(secretToken), "accountType": "atlassian"}
					f["assignee"] = who
					f["comment"].(map[string]any)["comments"].([]any)[0].(map[string]any)["author"] = who
				})
			}},
		{name: "token in a label and a custom field", deployment: "cloud", complaints: 1,
			serve: func(w http.ResponseWriter, r *http.Request, h *hostile) {
				h.page(w, func(_, f map[string]any) {
					f["labels"] = []any{"vip", "t-" + url.QueryEscape(secretToken)}
					f["customfield_10050"] = map[string]any{"value": "plan " + basicForm}
				})
			}},
		{name: "token as an unmapped priority", deployment: "cloud", complaints: 1,
			serve: func(w http.ResponseWriter, r *http.Request, h *hostile) {
				h.page(w, func(_, f map[string]any) { f["priority"] = map[string]any{"name": secretToken} })
			}},
		{name: "token in a status change", deployment: "datacenter", complaints: 1,
			serve: func(w http.ResponseWriter, r *http.Request, h *hostile) {
				h.page(w, func(is, _ map[string]any) {
					is["changelog"] = map[string]any{"startAt": 0, "maxResults": 1, "total": 1, "histories": []any{map[string]any{
						"id": "1", "created": "2026-03-02T11:30:00.000+0000",
						"author": map[string]any{"name": "agent-1", "accountType": "atlassian"},
						"items":  []any{map[string]any{"field": "status", "fromString": "Open", "toString": "Waiting " + tokenB64}},
					}}}
				})
			}},
		{name: "token in a timestamp the mapping rejects", deployment: "cloud",
			serve: func(w http.ResponseWriter, r *http.Request, h *hostile) {
				h.page(w, func(_, f map[string]any) { f["created"] = "at " + secretToken })
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var otherHits, otherAuth atomic.Int64
			other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				otherHits.Add(1)
				if r.Header.Get("Authorization") != "" {
					otherAuth.Add(1)
				}
				w.Header().Set("Content-Type", "application/json")
				w.Write([]byte(`{"issues": [], "isLast": true, "startAt": 0, "total": 0}`))
			}))
			defer other.Close()
			h := &hostile{t: t, deployment: tc.deployment, other: other.URL}
			jira := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, h.searchPath()) {
					tc.serve(w, r, h)
					return
				}
				refuse(w, http.StatusNotFound, "no fake for "+r.URL.Path)
			}))
			defer jira.Close()

			dir := t.TempDir()
			cfg := filepath.Join(dir, "kpidesk.yaml")
			auth := "email_env: KPIDESK_SECRET_EMAIL, token_env: KPIDESK_SECRET_TOKEN"
			if tc.deployment != "cloud" {
				auth = "token_env: KPIDESK_SECRET_TOKEN"
			}
			yaml := `version: 1
sources:
  - {name: jira, type: jira, base_url: "` + jira.URL + `", deployment: ` + tc.deployment + `, ` + auth + `, projects: [SD], custom_fields: {plan: customfield_10050}}
scorecards:
  - id: s
    units: [agent, org]
    items: [{metric: response_rate, weight: 1, rule: {type: linear, target: 100%, floor: 0%}}]
`
			if err := os.WriteFile(cfg, []byte(yaml), 0o644); err != nil {
				t.Fatal(err)
			}
			t.Setenv("KPIDESK_SECRET_EMAIL", secretEmail)
			t.Setenv("KPIDESK_SECRET_TOKEN", secretToken)
			db := filepath.Join(dir, "kpidesk.db")
			out := filepath.Join(dir, "out")

			var stdout, stderr bytes.Buffer
			code := run(context.Background(), []string{"sync", "--config", cfg, "--store", db}, &stdout, &stderr)
			switch {
			case tc.wantErr != "" && (code == 0 || !strings.Contains(stderr.String(), tc.wantErr)):
				t.Errorf("sync exited %d with stderr %q, want a failure saying %q", code, stderr.String(), tc.wantErr)
			case tc.wantErr == "" && code != 0:
				t.Errorf("sync exited %d: %s", code, stderr.String())
			case tc.wantErr == "" && !strings.Contains(stdout.String(), ": "+strconv.Itoa(tc.complaints)+" complaints"):
				t.Errorf("sync printed %q, want %d complaints", stdout.String(), tc.complaints)
			}
			files := []string{db, db + "-wal", db + "-shm"}
			if code == 0 {
				if c := run(context.Background(), []string{"score", "--config", cfg, "--store", db, "--out", out, "--ids"}, &stdout, &stderr); c != 0 {
					t.Errorf("score exited %d: %s", c, stderr.String())
				}
				files = append(files, filepath.Join(out, "scores.json"), filepath.Join(out, "evidence.jsonl"))
			}

			if n := otherHits.Load(); n != 0 {
				t.Errorf("the other origin got %d requests (%d with an Authorization header), want none", n, otherAuth.Load())
			}
			if l := leaks(stdout.Bytes()); l != nil {
				t.Errorf("stdout holds the token as %q:\n%s", l, stdout.String())
			}
			if l := leaks(stderr.Bytes()); l != nil {
				t.Errorf("stderr holds the token as %q:\n%s", l, stderr.String())
			}
			for _, f := range files {
				b, err := os.ReadFile(f)
				if os.IsNotExist(err) && strings.Contains(f, ".db-") {
					continue // no WAL left after a clean close
				} else if err != nil {
					t.Fatal(err)
				}
				if l := leaks(b); l != nil {
					t.Errorf("%s holds the token as %q", filepath.Base(f), l)
				}
			}
		})
	}
}
