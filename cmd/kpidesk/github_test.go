package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kpidesk/kpidesk/config"
	"github.com/kpidesk/kpidesk/internal/linediff"
)

// ghGen is one generated GitHub issue, written both as GitHub REST JSON
// (issue and timeline, served by a fake) and, independently, as a line
// of kpidesk's import format.
type ghGen struct {
	number           int
	author, assignee string
	labels           []string
	created          time.Time
	state, reason    string
	closedAt         time.Time
	steps            []ghStep
}

// ghStep is one timeline item and the import events it stands for.
type ghStep struct {
	at     time.Time
	item   map[string]any
	events []map[string]any
}

func ghIssues(n int) []ghGen {
	r := rand.New(rand.NewPCG(14, 2026))
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	span := time.Date(2026, 3, 20, 0, 0, 0, 0, time.UTC).Sub(start)
	var out []ghGen
	for i := 1; i <= n; i++ {
		g := ghGen{number: i, author: fmt.Sprintf("cust-%d", 1+r.IntN(n/3)), state: "open",
			created: start.Add(time.Duration(r.Int64N(int64(span/time.Second))) * time.Second)}
		last := g.created
		step := func(lo, hi time.Duration) time.Time {
			last = last.Add(lo + time.Duration(r.Int64N(int64((hi-lo)/time.Second)))*time.Second)
			return last
		}
		user := func(login, typ string) map[string]any { return map[string]any{"login": login, "type": typ} }
		ev := func(at time.Time, kind, actor, role string, extra map[string]any) map[string]any {
			m := map[string]any{"at": at.Format(time.RFC3339), "kind": kind, "actor": actor, "role": role}
			for k, v := range extra {
				m[k] = v
			}
			return m
		}
		item := func(kind string, at time.Time, actor, typ string, extra map[string]any) map[string]any {
			m := map[string]any{"event": kind, "created_at": at.Format(time.RFC3339), "actor": user(actor, typ), "performed_via_github_app": nil}
			for k, v := range extra {
				m[k] = v
			}
			return m
		}
		if r.IntN(3) == 0 {
			g.labels = append(g.labels, []string{"cat:billing", "cat:usage"}[r.IntN(2)])
		}
		if r.IntN(4) == 0 {
			g.labels = append(g.labels, "priority:high")
		}
		if r.IntN(5) == 0 { // a bot's auto-reply
			at := step(time.Minute, time.Hour)
			g.steps = append(g.steps, ghStep{at, item("commented", at, "helper[bot]", "Bot", map[string]any{"user": user("helper[bot]", "Bot"), "author_association": "NONE", "body": "hi"}),
				[]map[string]any{ev(at, "comment", "helper[bot]", "bot", map[string]any{"public": true})}})
		}
		if r.IntN(8) == 0 { // the customer chases
			at := step(time.Minute, 3*time.Hour)
			g.steps = append(g.steps, ghStep{at, item("commented", at, g.author, "User", map[string]any{"user": user(g.author, "User"), "author_association": "NONE", "body": "any news?"}),
				[]map[string]any{ev(at, "comment", g.author, "customer", map[string]any{"public": true})}})
		}
		if r.IntN(100) < 88 { // assigned, then the agent's reply
			g.assignee = fmt.Sprintf("agent-%d", 1+r.IntN(2))
			at := step(time.Minute, 20*time.Hour)
			g.steps = append(g.steps, ghStep{at, item("assigned", at, g.assignee, "User", map[string]any{"assignee": user(g.assignee, "User")}),
				[]map[string]any{ev(at, "assignment", g.assignee, "agent", map[string]any{"to": g.assignee})}})
			at = step(time.Minute, 20*time.Hour)
			g.steps = append(g.steps, ghStep{at, item("commented", at, g.assignee, "User", map[string]any{"user": user(g.assignee, "User"), "author_association": "MEMBER", "body": "on it"}),
				[]map[string]any{ev(at, "comment", g.assignee, "agent", map[string]any{"public": true})}})
		}
		agent := g.assignee
		if agent == "" {
			agent = "agent-3"
		}
		if r.IntN(100) < 7 { // escalated by label
			at := step(30*time.Minute, 6*time.Hour)
			g.labels = append(g.labels, "escalated")
			g.steps = append(g.steps, ghStep{at, item("labeled", at, agent, "User", map[string]any{"label": map[string]any{"name": "escalated"}}),
				[]map[string]any{ev(at, "label", agent, "agent", map[string]any{"to": "escalated"}), ev(at, "escalated", agent, "agent", map[string]any{"to": "escalated"})}})
		}
		closeAt := func(reason string) {
			at := step(time.Hour, 5*24*time.Hour)
			g.steps = append(g.steps, ghStep{at, item("closed", at, agent, "User", map[string]any{"state_reason": reason}),
				[]map[string]any{ev(at, "status", agent, "agent", map[string]any{"from": "open", "to": "closed"}), ev(at, "resolved", agent, "agent", map[string]any{"from": "open", "to": "closed"})}})
			g.state, g.reason, g.closedAt = "closed", reason, at
		}
		if r.IntN(100) < 80 {
			reason := "completed"
			if r.IntN(12) == 0 {
				reason = "not_planned"
			}
			closeAt(reason)
			if r.IntN(12) == 0 { // the customer reopens; closed again
				at := step(time.Hour, 48*time.Hour)
				g.steps = append(g.steps, ghStep{at, item("reopened", at, g.author, "User", map[string]any{"state_reason": "reopened"}),
					[]map[string]any{ev(at, "status", g.author, "customer", map[string]any{"from": "closed", "to": "open"}), ev(at, "reopened", g.author, "customer", map[string]any{"from": "closed", "to": "open"})}})
				g.state, g.reason = "open", ""
				closeAt("completed")
			}
		}
		out = append(out, g)
	}
	return out
}

func (g ghGen) updated() time.Time {
	if len(g.steps) == 0 {
		return g.created
	}
	return g.steps[len(g.steps)-1].at
}

func (g ghGen) issueJSON() map[string]any {
	labels := []any{}
	for _, l := range g.labels {
		labels = append(labels, map[string]any{"name": l})
	}
	comments := 0
	for _, s := range g.steps {
		if s.item["event"] == "commented" {
			comments++
		}
	}
	m := map[string]any{"number": g.number, "title": fmt.Sprintf("Complaint %d", g.number), "state": g.state,
		"html_url": fmt.Sprintf("https://github.com/acme/support/issues/%d", g.number),
		"user":     map[string]any{"login": g.author, "type": "User"}, "author_association": "NONE",
		"labels": labels, "comments": comments, "created_at": g.created.Format(time.RFC3339),
		"updated_at": g.updated().Format(time.RFC3339), "closed_at": nil, "state_reason": nil}
	if g.state == "closed" {
		m["closed_at"], m["state_reason"] = g.closedAt.Format(time.RFC3339), g.reason
	}
	if g.assignee != "" {
		m["assignee"] = map[string]any{"login": g.assignee, "type": "User"}
	}
	return m
}

// importLine is the same issue in the import format, by hand.
func (g ghGen) importLine() map[string]any {
	events := []any{}
	for _, s := range g.steps {
		for _, e := range s.events {
			events = append(events, e)
		}
	}
	line := map[string]any{
		"id": "github:acme/support#" + strconv.Itoa(g.number), "created_at": g.created.Format(time.RFC3339),
		"customer": g.author, "title": fmt.Sprintf("Complaint %d", g.number),
		"url": fmt.Sprintf("https://github.com/acme/support/issues/%d", g.number), "kind": "complaint",
		"channel": "github", "events": events,
	}
	if g.assignee != "" {
		line["assignee"] = g.assignee
	}
	if len(g.labels) > 0 {
		line["labels"] = g.labels
	}
	for _, l := range g.labels {
		switch {
		case strings.HasPrefix(l, "cat:"):
			line["category"] = strings.TrimPrefix(l, "cat:")
		case l == "priority:high":
			line["priority"] = "high"
		}
	}
	if g.state == "closed" {
		line["fields"] = map[string]any{"state_reason": g.reason}
		if g.reason == "not_planned" {
			line["kind"] = "not_planned" // not_planned: excluded
		}
	}
	return line
}

// TestGitHubSyncMatchesImport: a few hundred generated issues synced from
// a fake GitHub Enterprise Server (base path /api/v3, pages following Link
// URLs to /repositories/{id}/…) score exactly as the same complaints
// imported as JSONL.
func TestGitHubSyncMatchesImport(t *testing.T) {
	issues := ghIssues(300)
	byNum := map[int]ghGen{}
	for _, g := range issues {
		byNum[g.number] = g
	}
	sorted := slices.Clone(issues)
	slices.SortStableFunc(sorted, func(a, b ghGen) int {
		if c := a.updated().Compare(b.updated()); c != 0 {
			return c
		}
		return a.number - b.number
	})
	const token = "ghp_e2eT0kenValue"
	var srv *httptest.Server
	pages := 0
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+token {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		path := r.URL.Path
		switch {
		case path == "/api/v3/repos/acme/support/issues" || path == "/api/v3/repositories/42/issues":
			pages++
			var since time.Time
			if s := r.URL.Query().Get("since"); s != "" {
				since, _ = time.Parse(time.RFC3339, s)
			}
			page, _ := strconv.Atoi(r.URL.Query().Get("page"))
			page = max(page, 1)
			var list []any
			for _, g := range sorted {
				if !g.updated().Before(since) {
					list = append(list, g.issueJSON())
				}
			}
			lo, hi := min((page-1)*100, len(list)), min(page*100, len(list))
			if hi < len(list) {
				w.Header().Set("Link", fmt.Sprintf(`<%s/api/v3/repositories/42/issues?page=%d&per_page=100&since=%s&sort=updated&direction=asc&state=all>; rel="next"`, srv.URL, page+1, r.URL.Query().Get("since")))
			}
			json.NewEncoder(w).Encode(list[lo:hi])
		case strings.HasPrefix(path, "/api/v3/repos/acme/support/issues/") && strings.HasSuffix(path, "/timeline"):
			n, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(path, "/api/v3/repos/acme/support/issues/"), "/timeline"))
			items := []any{}
			for _, s := range byNum[n].steps {
				items = append(items, s.item)
			}
			json.NewEncoder(w).Encode(items)
		default:
			t.Errorf("unexpected request %s", r.URL)
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()

	dir := t.TempDir()
	cfg := filepath.Join(dir, "kpidesk.yaml")
	yaml := strings.ReplaceAll(`version: 1
calendar: office
calendars:
  office:
    timezone: UTC
    hours: {mon-fri: ["09:00-17:00"]}
sources:
  - {name: github, type: github, base_url: "URL/api/v3", token_env: KPIDESK_E2E_GH_TOKEN, repos: [acme/support], escalation_labels: [escalated], not_planned: excluded}
metrics:
  ftr_rate: {max_replies: 1}
  escalation_rate: {by: [event]}
scorecards:
  - id: e2e
    units: [agent, org]
    items:
      - {metric: response_rate, weight: 0.4, rule: {type: linear, target: 100%, floor: 0%}}
      - {metric: ftr_rate, weight: 0.3, rule: {type: linear, target: 90%, floor: 30%}}
      - {metric: escalation_rate, weight: 0.1, rule: {type: linear, direction: lower, target: 5%, floor: 20%}}
      - {metric: handling_time, weight: 0.2, rule: {type: linear, direction: lower, target: 1wd, floor: 6wd}}
`, "URL", srv.URL)
	if err := os.WriteFile(cfg, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("KPIDESK_E2E_GH_TOKEN", token)

	var jsonl bytes.Buffer
	enc := json.NewEncoder(&jsonl)
	for _, g := range issues {
		if err := enc.Encode(g.importLine()); err != nil {
			t.Fatal(err)
		}
	}
	file := filepath.Join(dir, "complaints.jsonl")
	if err := os.WriteFile(file, jsonl.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	exec := func(args ...string) string {
		t.Helper()
		var out, errb bytes.Buffer
		if code := run(ctx, args, &out, &errb); code != 0 {
			t.Fatalf("kpidesk %s exited %d: %s", strings.Join(args, " "), code, errb.String())
		}
		if strings.Contains(out.String()+errb.String(), token) {
			t.Errorf("kpidesk %s printed the token", strings.Join(args, " "))
		}
		return out.String()
	}
	dbA, dbB := filepath.Join(dir, "a.db"), filepath.Join(dir, "b.db")
	outA, outB := filepath.Join(dir, "A"), filepath.Join(dir, "B")
	if got := exec("sync", "--config", cfg, "--store", dbA); !strings.Contains(got, "300 complaints") {
		t.Errorf("sync printed %q, want 300 complaints", got)
	}
	if pages < 3 {
		t.Errorf("%d issue pages served, want 3 and the next sync's first", pages)
	}
	if got := exec("import", file, "--source", "github", "--config", cfg, "--store", dbB); !strings.Contains(got, "imported 300, skipped 0") {
		t.Errorf("import printed %q, want 300 imported", got)
	}
	exec("score", "--config", cfg, "--store", dbA, "--out", outA, "--as-of", "2026-04-01", "--ids", "-q")
	exec("score", "--config", cfg, "--store", dbB, "--out", outB, "--as-of", "2026-04-01", "--ids", "-q")
	read := func(p string) []byte {
		t.Helper()
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	sA, sB := read(filepath.Join(outA, "scores.json")), read(filepath.Join(outB, "scores.json"))
	eA, eB := read(filepath.Join(outA, "evidence.jsonl")), read(filepath.Join(outB, "evidence.jsonl"))
	var esc, reopen, excluded, bots int
	for _, g := range issues {
		for _, s := range g.steps {
			switch s.item["event"] {
			case "labeled":
				esc++
			case "reopened":
				reopen++
			case "commented":
				if s.events[0]["role"] == "bot" {
					bots++
				}
			}
		}
		if g.reason == "not_planned" {
			excluded++
		}
	}
	if esc == 0 || reopen == 0 || excluded == 0 || bots == 0 {
		t.Fatalf("generator too tame: %d escalated, %d reopened, %d not planned, %d bot replies", esc, reopen, excluded, bots)
	}
	if !bytes.Contains(sA, []byte(`"response_rate"`)) {
		t.Fatalf("scores.json has no response_rate")
	}
	if !bytes.Equal(sA, sB) {
		t.Errorf("scores.json differs between sync and import:\n%s", linediff.First(sA, sB, "sync", "import"))
	}
	if !bytes.Equal(eA, eB) {
		t.Errorf("evidence.jsonl differs between sync and import:\n%s", linediff.First(eA, eB, "sync", "import"))
	}
}

// TestGitHubInit: `kpidesk init --source github` writes the GitHub
// starter, which passes config check.
func TestGitHubInit(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "kpidesk.yaml")
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"init", "--source", "github", path}, &out, &errb); code != 0 {
		t.Fatalf("init exited %d: %s", code, errb.String())
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, config.StarterGitHub()) {
		t.Errorf("init wrote something else than config.StarterGitHub()")
	}
	c, err := config.Parse(got, path)
	if err != nil {
		t.Fatalf("the GitHub starter does not load: %v", err)
	}
	if len(c.Sources) != 1 || c.Sources[0].Type != "github" {
		t.Errorf("sources = %+v, want one github source", c.Sources)
	}
	out.Reset()
	errb.Reset()
	if code := run(context.Background(), []string{"config", "check", "--config", path}, &out, &errb); code != 0 {
		t.Errorf("config check exited %d: %s%s", code, out.String(), errb.String())
	}
}
