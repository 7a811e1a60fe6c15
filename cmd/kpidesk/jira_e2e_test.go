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
	"strings"
	"testing"
	"time"

	"github.com/kpidesk/kpidesk/internal/linediff"
	"github.com/kpidesk/kpidesk/scoring"
)

// genIssue is one generated service request, written both as Jira Cloud
// JSON (served by a fake search endpoint) and as a line of kpidesk's import
// format, independently.
type genIssue struct {
	key, summary, priority, assignee, reporter string
	created                                    time.Time
	labels                                     []string
	comments                                   []genComment
	histories                                  []genHistory
	resolved                                   time.Time // final resolution; zero while open
}

type genComment struct {
	at        time.Time
	author    string
	acctType  string // atlassian, app, customer
	jsdPublic bool
}

type genHistory struct {
	at       time.Time
	author   string
	acctType string
	field    string // status or labels
	from, to string
}

// genIssues generates n issues created over 2026-01..03 from a fixed seed.
func genIssues(n int) []genIssue {
	r := rand.New(rand.NewPCG(6, 2026))
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	span := time.Date(2026, 3, 20, 0, 0, 0, 0, time.UTC).Sub(start)
	prios := []string{"Highest", "High", "Medium", "Low"}
	var out []genIssue
	for i := 1; i <= n; i++ {
		created := start.Add(time.Duration(r.Int64N(int64(span/time.Second))) * time.Second)
		is := genIssue{
			key:      fmt.Sprintf("SD-%d", i),
			summary:  fmt.Sprintf("Complaint %d", i),
			priority: prios[r.IntN(len(prios))],
			assignee: fmt.Sprintf("agent-%d", 1+r.IntN(2)),
			reporter: fmt.Sprintf("cust-%d", 1+r.IntN(n/3)), // repeat customers
			created:  created,
		}
		secs := func(lo, hi time.Duration) time.Duration {
			return lo + time.Duration(r.Int64N(int64((hi-lo)/time.Second)))*time.Second
		}
		if r.IntN(4) == 0 {
			is.labels = []string{"vip"}
		}
		last := created
		if r.IntN(5) == 0 { // an automation's auto-reply
			is.comments = append(is.comments, genComment{created.Add(time.Minute), "automation", "app", true})
			last = created.Add(time.Minute)
		}
		if r.IntN(6) == 0 { // an internal note first
			last = last.Add(secs(time.Minute, 2*time.Hour))
			is.comments = append(is.comments, genComment{last, is.assignee, "atlassian", false})
		}
		if r.IntN(8) == 0 { // the customer chases
			last = last.Add(secs(time.Minute, 3*time.Hour))
			is.comments = append(is.comments, genComment{last, is.reporter, "customer", true})
		}
		if r.IntN(100) < 88 { // the public agent reply
			last = last.Add(secs(5*time.Minute, 40*time.Hour))
			is.comments = append(is.comments, genComment{last, is.assignee, "atlassian", true})
		}
		if r.IntN(100) < 7 { // escalation label added by the agent
			at := created.Add(secs(30*time.Minute, 6*time.Hour))
			after := append(slices.Clone(is.labels), "escalated")
			is.histories = append(is.histories, genHistory{at, is.assignee, "atlassian", "labels",
				strings.Join(is.labels, " "), strings.Join(after, " ")})
			is.labels = after
			last = later(last, at)
		}
		if r.IntN(100) < 80 {
			at := last.Add(secs(time.Hour, 5*24*time.Hour))
			is.histories = append(is.histories, genHistory{at, is.assignee, "atlassian", "status", "Open", "Done"})
			if r.IntN(12) == 0 { // reopened by the customer, then resolved again
				re := at.Add(secs(time.Hour, 48*time.Hour))
				at = re.Add(secs(time.Hour, 48*time.Hour))
				is.histories = append(is.histories,
					genHistory{re, is.reporter, "customer", "status", "Done", "Open"},
					genHistory{at, is.assignee, "atlassian", "status", "Open", "Done"})
			}
			is.resolved = at
		}
		out = append(out, is)
	}
	return out
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

const jiraTime = "2006-01-02T15:04:05.000-0700"

func (is genIssue) updated() time.Time {
	u := is.created
	for _, c := range is.comments {
		u = later(u, c.at)
	}
	for _, h := range is.histories {
		u = later(u, h.at)
	}
	return u
}

// jiraJSON is the issue as Jira Cloud's enhanced search returns it with
// expand=changelog, the changelog and comments complete.
func (is genIssue) jiraJSON() map[string]any {
	user := func(id, typ string) map[string]any { return map[string]any{"accountId": id, "accountType": typ} }
	status := map[string]any{"id": "1", "name": "Open", "statusCategory": map[string]any{"key": "new"}}
	var resolution any
	if !is.resolved.IsZero() {
		status = map[string]any{"id": "3", "name": "Done", "statusCategory": map[string]any{"key": "done"}}
		resolution = is.resolved.Format(jiraTime)
	}
	comments := []any{}
	for i, c := range is.comments {
		comments = append(comments, map[string]any{"id": fmt.Sprint(10000 + i), "created": c.at.Format(jiraTime),
			"updated": c.at.Format(jiraTime), "jsdPublic": c.jsdPublic, "author": user(c.author, c.acctType)})
	}
	hists := []any{}
	for i, h := range is.histories {
		hists = append(hists, map[string]any{"id": fmt.Sprint(500 + i), "created": h.at.Format(jiraTime),
			"author": user(h.author, h.acctType),
			"items":  []any{map[string]any{"field": h.field, "fieldtype": "jira", "fromString": h.from, "toString": h.to}}})
	}
	labels := is.labels
	if labels == nil {
		labels = []string{}
	}
	return map[string]any{"id": strings.TrimPrefix(is.key, "SD-"), "key": is.key,
		"fields": map[string]any{
			"summary": is.summary, "created": is.created.Format(jiraTime), "updated": is.updated().Format(jiraTime),
			"resolutiondate": resolution, "status": status,
			"priority": map[string]any{"name": is.priority},
			"reporter": user(is.reporter, "customer"),
			"assignee": user(is.assignee, "atlassian"),
			"labels":   labels,
			"comment":  map[string]any{"startAt": 0, "maxResults": len(comments), "total": len(comments), "comments": comments},
		},
		"changelog": map[string]any{"startAt": 0, "maxResults": len(hists), "total": len(hists), "histories": hists},
	}
}

// importLine is the same issue written by hand in the import format
// (docs/import-format.md), not through the Jira mapping.
func (is genIssue) importLine(base string) map[string]any {
	role := func(typ string) string {
		switch typ {
		case "customer":
			return "customer"
		case "app":
			return "bot"
		}
		return "agent"
	}
	type ev struct {
		at time.Time
		m  map[string]any
	}
	var evs []ev
	add := func(at time.Time, kind, actor, typ string, extra map[string]any) {
		m := map[string]any{"at": at.Format(time.RFC3339), "kind": kind, "actor": actor, "role": role(typ)}
		for k, v := range extra {
			m[k] = v
		}
		evs = append(evs, ev{at, m})
	}
	for _, h := range is.histories {
		switch h.field {
		case "status":
			add(h.at, "status", h.author, h.acctType, map[string]any{"from": h.from, "to": h.to})
			if h.to == "Done" {
				add(h.at, "resolved", h.author, h.acctType, map[string]any{"from": h.from, "to": h.to})
			} else {
				add(h.at, "reopened", h.author, h.acctType, map[string]any{"from": h.from, "to": h.to})
			}
		case "labels":
			add(h.at, "label", h.author, h.acctType, map[string]any{"to": "escalated"})
			add(h.at, "escalated", h.author, h.acctType, map[string]any{"to": "escalated"})
		}
	}
	for _, c := range is.comments {
		add(c.at, "comment", c.author, c.acctType, map[string]any{"public": c.jsdPublic})
	}
	slices.SortStableFunc(evs, func(a, b ev) int { return a.at.Compare(b.at) })
	events := []any{}
	for _, e := range evs {
		events = append(events, e.m)
	}
	prio := map[string]string{"Highest": "urgent", "High": "high", "Medium": "normal", "Low": "low"}[is.priority]
	line := map[string]any{
		"id": "jira:" + is.key, "created_at": is.created.Format(time.RFC3339),
		"priority": prio, "assignee": is.assignee, "customer": is.reporter,
		"title": is.summary, "url": base + "/browse/" + is.key, "kind": "complaint",
		"events": events,
	}
	if len(is.labels) > 0 {
		line["labels"] = is.labels
	}
	return line
}

// TestJiraSyncMatchesImport: a few hundred generated issues synced from a
// fake Jira Cloud score exactly as the same complaints imported as JSONL.
func TestJiraSyncMatchesImport(t *testing.T) {
	issues := genIssues(300)
	var raw []map[string]any
	for _, is := range issues {
		raw = append(raw, is.jiraJSON())
	}
	pages := [][]map[string]any{raw[:120], raw[120:240], raw[240:]}
	tokens := []string{"", "tok-2", "tok-3"}
	var served []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if u, p, ok := r.BasicAuth(); !ok || u != "e2e@example.com" || p != "e2e-token" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		if r.Method != http.MethodPost || r.URL.Path != "/rest/api/3/search/jql" {
			t.Errorf("unexpected request %s %s", r.Method, r.URL.Path)
			http.NotFound(w, r)
			return
		}
		var req struct {
			NextPageToken string `json:"nextPageToken"`
		}
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		i := slices.Index(tokens, req.NextPageToken)
		if i < 0 {
			http.Error(w, "bad token", http.StatusBadRequest)
			return
		}
		served = append(served, req.NextPageToken)
		page := map[string]any{"issues": pages[i], "isLast": i == len(pages)-1}
		if i < len(pages)-1 {
			page["nextPageToken"] = tokens[i+1]
		}
		json.NewEncoder(w).Encode(page)
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
  - {name: jira, type: jira, base_url: "URL", deployment: cloud, email_env: KPIDESK_E2E_EMAIL, token_env: KPIDESK_E2E_TOKEN, projects: [SD], escalation_labels: [escalated]}
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
	t.Setenv("KPIDESK_E2E_EMAIL", "e2e@example.com")
	t.Setenv("KPIDESK_E2E_TOKEN", "e2e-token")

	var jsonl bytes.Buffer
	enc := json.NewEncoder(&jsonl)
	for _, is := range issues {
		if err := enc.Encode(is.importLine(srv.URL)); err != nil {
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
		return out.String()
	}
	dbA, dbB := filepath.Join(dir, "a.db"), filepath.Join(dir, "b.db")
	outA, outB := filepath.Join(dir, "A"), filepath.Join(dir, "B")
	if got := exec("sync", "--config", cfg, "--store", dbA); !strings.Contains(got, "300 complaints") {
		t.Errorf("sync printed %q, want 300 complaints", got)
	}
	if !slices.Equal(served, tokens) {
		t.Errorf("search pages served %q, want %q", served, tokens)
	}
	if got := exec("import", file, "--source", "jira", "--config", cfg, "--store", dbB); !strings.Contains(got, "imported 300, skipped 0") {
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

	// The data must exercise what is compared: every org metric has a
	// sample, and some complaints were escalated, reopened, unanswered.
	sc, err := scoring.ReadJSON(bytes.NewReader(sA))
	if err != nil {
		t.Fatal(err)
	}
	months := 0
	for _, c := range sc.Scorecards {
		if c.Unit.Kind != "org" || !slices.Contains([]string{"2026-01", "2026-02", "2026-03"}, c.Period) {
			continue
		}
		months++
		for _, m := range []string{"response_rate", "ftr_rate", "escalation_rate", "handling_time"} {
			if r, ok := c.Metrics[m]; !ok || r.Denominator == 0 {
				t.Errorf("%s org %s: no sample (%+v)", c.Period, m, r)
			}
		}
	}
	if months != 3 {
		t.Errorf("%d monthly org scorecards, want 3", months)
	}
	var esc, reopen, unanswered int
	for _, is := range issues {
		if slices.Contains(is.labels, "escalated") {
			esc++
		}
		if len(is.histories) > 0 && slices.ContainsFunc(is.histories, func(h genHistory) bool { return h.to == "Open" }) {
			reopen++
		}
		if !slices.ContainsFunc(is.comments, func(c genComment) bool { return c.acctType == "atlassian" && c.jsdPublic }) {
			unanswered++
		}
	}
	if esc == 0 || reopen == 0 || unanswered == 0 {
		t.Fatalf("generator too tame: %d escalated, %d reopened, %d unanswered", esc, reopen, unanswered)
	}

	if !bytes.Equal(sA, sB) {
		t.Errorf("scores.json differs between sync and import:\n%s", linediff.First(sA, sB, "sync", "import"))
	}
	if !bytes.Equal(eA, eB) {
		t.Errorf("evidence.jsonl differs between sync and import:\n%s", linediff.First(eA, eB, "sync", "import"))
	}
}
