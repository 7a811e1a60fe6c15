package jira

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/kpidesk/kpidesk/connectors"
	"github.com/kpidesk/kpidesk/connectors/store"
)

// srcBase is the first generated issue's creation; srcNow the injected clock.
var (
	srcBase = time.Date(2024, 3, 1, 9, 0, 0, 0, time.UTC)
	srcNow  = time.Date(2024, 3, 10, 12, 0, 0, 0, time.UTC)
)

// jiraTime formats t as Jira does, in a +01:00 zone so that parsing and
// ordering must go through the offset.
func jiraTime(t time.Time) string {
	return t.In(time.FixedZone("CET", 3600)).Format("2006-01-02T15:04:05.000-0700")
}

// genIssue is a generated issue: its full changelog and comments, and how
// many of each the search result embeds (-1: all).
type genIssue struct {
	key, summary, priority string
	created, updated       time.Time
	histories, comments    []map[string]any
	embedHist, embedComm   int
	fields                 map[string]any // set over the generated fields
}

func embedded(all []map[string]any, n int) []map[string]any {
	if n < 0 || n > len(all) {
		return all
	}
	return all[:n]
}

func (g *genIssue) raw() map[string]any {
	hs, cs := embedded(g.histories, g.embedHist), embedded(g.comments, g.embedComm)
	fields := map[string]any{
		"summary":  g.summary,
		"created":  jiraTime(g.created),
		"updated":  jiraTime(g.updated),
		"status":   map[string]any{"id": "1", "name": "Open", "statusCategory": map[string]any{"key": "new"}},
		"priority": map[string]any{"name": g.priority},
		"reporter": map[string]any{"accountId": "cust-" + g.key, "accountType": "customer"},
		"assignee": map[string]any{"accountId": "agent-1", "accountType": "atlassian"},
		"labels":   []string{},
		"comment":  map[string]any{"startAt": 0, "maxResults": len(cs), "total": len(g.comments), "comments": cs},
	}
	maps.Copy(fields, g.fields)
	return map[string]any{
		"id":        "id-" + g.key,
		"key":       g.key,
		"fields":    fields,
		"changelog": map[string]any{"startAt": 0, "maxResults": len(hs), "total": len(g.histories), "histories": hs},
	}
}

func statusHistory(id string, at time.Time, from, to, toCat string) map[string]any {
	return map[string]any{
		"id": id, "created": jiraTime(at),
		"author": map[string]any{"accountId": "agent-1", "accountType": "atlassian"},
		"items": []any{map[string]any{
			"field": "status", "fieldId": "status", "fromString": from, "toString": to,
			"from": from, "to": to, "toStatusCategory": toCat,
		}},
	}
}

func agentComment(id string, at time.Time) map[string]any {
	return map[string]any{
		"id": id, "created": jiraTime(at), "jsdPublic": true,
		"author": map[string]any{"accountId": "agent-1", "accountType": "atlassian"},
	}
}

// updateOrder is the position of SD-(i+1) in update order, so that key
// order and update order differ.
var updateOrder = []int{5, 2, 6, 0, 3, 1, 4}

// genIssues makes SD-1..SD-7. SD-3's embedded changelog and comments are
// partial (1 of 4, 1 of 3); SD-5 has a priority no mapping knows.
func genIssues() []*genIssue {
	var out []*genIssue
	for i, pos := range updateOrder {
		g := &genIssue{
			key:       fmt.Sprintf("SD-%d", i+1),
			summary:   fmt.Sprintf("Issue %d", i+1),
			priority:  "High",
			created:   srcBase.Add(time.Duration(i) * time.Minute),
			updated:   srcBase.Add(time.Duration(pos+1) * time.Hour),
			embedHist: -1, embedComm: -1,
		}
		if i == 2 {
			c := g.created
			g.histories = []map[string]any{
				statusHistory("31", c.Add(10*time.Minute), "Open", "In Progress", "indeterminate"),
				statusHistory("32", c.Add(20*time.Minute), "In Progress", "Done", "done"),
				statusHistory("33", c.Add(30*time.Minute), "Done", "Reopened", "indeterminate"),
				statusHistory("34", c.Add(40*time.Minute), "Reopened", "Done", "done"),
			}
			g.comments = []map[string]any{
				agentComment("301", c.Add(5*time.Minute)),
				agentComment("302", c.Add(6*time.Minute)),
				agentComment("303", c.Add(7*time.Minute)),
			}
			g.embedHist, g.embedComm = 1, 1
		}
		if i == 4 {
			g.priority = "P9 Weird"
		}
		out = append(out, g)
	}
	return out
}

// jiraFake serves generated issues as Cloud (enhanced search) or Data
// Center (startAt search), a few per page, honouring the updated bound.
type jiraFake struct {
	*fake
	t          *testing.T
	deployment string
	perPage    int

	mu     sync.Mutex
	issues map[string]*genIssue
	jqls   []string // one per search (first page)
	pages  int      // search requests, all pages
	fields [][]string
	// onIssue, when set, runs at the start of every per-issue request
	// (changelog, comments) with the issue's key, outside mu.
	onIssue func(key string)
}

var boundRE = regexp.MustCompile(`updated >= "([^"]+)"`)

func newJiraFake(t *testing.T, deployment string, partial bool) *jiraFake {
	t.Helper()
	jf := &jiraFake{fake: newFake(t), t: t, deployment: deployment, perPage: 2, issues: map[string]*genIssue{}}
	for _, g := range genIssues() {
		jf.issues[g.key] = g
	}
	v := apiVersion(deployment)
	if deployment == Cloud {
		jf.handle("POST", "/rest/api/3/search/jql", jf.search)
	} else {
		jf.handle("POST", "/rest/api/2/search", jf.search)
	}
	// Registered only where partial issues are served: the fake fails the
	// test if a registered handler is never requested.
	if partial && deployment == Cloud {
		jf.handle("GET", "/rest/api/3/issue/{key}/changelog", func(w http.ResponseWriter, r *http.Request) {
			jf.pageIssue(w, r, "values", func(g *genIssue) []map[string]any { return g.histories })
		})
	}
	if partial && deployment == DataCenter {
		// Data Center has no changelog endpoint; GET issue embeds it whole.
		jf.handle("GET", "/rest/api/2/issue/{key}", jf.issueWithChangelog)
	}
	if partial {
		jf.handle("GET", "/rest/api/"+v+"/issue/{key}/comment", func(w http.ResponseWriter, r *http.Request) {
			jf.pageIssue(w, r, "comments", func(g *genIssue) []map[string]any { return g.comments })
		})
	}
	return jf
}

func (jf *jiraFake) update(key string, fn func(*genIssue)) {
	jf.mu.Lock()
	defer jf.mu.Unlock()
	fn(jf.issues[key])
}

func (jf *jiraFake) queries() []string {
	jf.mu.Lock()
	defer jf.mu.Unlock()
	return slices.Clone(jf.jqls)
}

func (jf *jiraFake) search(w http.ResponseWriter, r *http.Request) {
	t := jf.t
	var req struct {
		JQL           string          `json:"jql"`
		Fields        []string        `json:"fields"`
		MaxResults    int             `json:"maxResults"`
		StartAt       int             `json:"startAt"`
		NextPageToken string          `json:"nextPageToken"`
		Expand        json.RawMessage `json:"expand"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		t.Errorf("decode search request: %v", err)
	}
	wantExpand := `["changelog"]`
	if jf.deployment == Cloud {
		wantExpand = `"changelog"`
	}
	if string(req.Expand) != wantExpand {
		t.Errorf("search expand = %s, want %s", req.Expand, wantExpand)
	}
	var bound time.Time
	if m := boundRE.FindStringSubmatch(req.JQL); m != nil {
		var err error
		if bound, err = time.Parse(jqlTimeLayout, m[1]); err != nil {
			t.Errorf("bound %q: %v", m[1], err)
		}
	}

	jf.mu.Lock()
	if req.StartAt == 0 && req.NextPageToken == "" { // a new search, not a next page
		jf.jqls = append(jf.jqls, req.JQL)
		jf.fields = append(jf.fields, req.Fields)
	} else if !slices.Contains(jf.jqls, req.JQL) {
		// Any earlier search's: a request that a cancelled Fetch gave
		// up on may reach the server after the next Fetch began.
		t.Errorf("next page JQL %q differs from the searches' %q", req.JQL, jf.jqls)
	}
	jf.pages++
	var hits []*genIssue
	for _, g := range jf.issues {
		if !g.updated.Before(bound) {
			hits = append(hits, g)
		}
	}
	slices.SortFunc(hits, func(a, b *genIssue) int {
		if c := a.updated.Compare(b.updated); c != 0 {
			return c
		}
		return strings.Compare(a.key, b.key)
	})
	raws := make([]any, len(hits))
	for i, g := range hits {
		raws[i] = g.raw()
	}
	jf.mu.Unlock()

	start := req.StartAt
	if jf.deployment == Cloud && req.NextPageToken != "" {
		start, _ = strconv.Atoi(req.NextPageToken[1:])
	}
	end := min(start+jf.perPage, len(raws))
	page := raws[start:end]
	if jf.deployment == Cloud {
		resp := map[string]any{"issues": page, "isLast": end == len(raws)}
		if end < len(raws) {
			resp["nextPageToken"] = "t" + strconv.Itoa(end)
		}
		writeJSON(t, w, 200, resp)
		return
	}
	writeJSON(t, w, 200, map[string]any{"startAt": start, "maxResults": jf.perPage, "total": len(raws), "issues": page})
}

// pageIssue serves one issue's full list, one item per page.
// issueWithChangelog answers Data Center's GET issue?expand=changelog with
// the issue's whole changelog embedded.
func (jf *jiraFake) issueWithChangelog(w http.ResponseWriter, r *http.Request) {
	if got := r.URL.Query().Get("expand"); got != "changelog" {
		jf.t.Errorf("GET issue expand = %q, want changelog", got)
	}
	jf.mu.Lock()
	g := jf.issues[r.PathValue("key")]
	var hs []map[string]any
	if g != nil {
		hs = slices.Clone(g.histories)
	}
	jf.mu.Unlock()
	if g == nil {
		writeJSON(jf.t, w, 404, map[string]any{"errorMessages": []string{"Issue Does Not Exist"}})
		return
	}
	slices.Reverse(hs) // newest first, as an embedded changelog comes
	writeJSON(jf.t, w, 200, map[string]any{"key": g.key, "fields": map[string]any{},
		"changelog": map[string]any{"startAt": 0, "maxResults": len(hs), "total": len(hs), "histories": hs}})
}

func (jf *jiraFake) pageIssue(w http.ResponseWriter, r *http.Request, under string, list func(*genIssue) []map[string]any) {
	jf.mu.Lock()
	hook := jf.onIssue
	jf.mu.Unlock()
	if hook != nil {
		hook(r.PathValue("key"))
	}
	jf.mu.Lock()
	g := jf.issues[r.PathValue("key")]
	var all []map[string]any
	if g != nil {
		all = list(g)
	}
	jf.mu.Unlock()
	if g == nil {
		writeJSON(jf.t, w, 404, map[string]any{"errorMessages": []string{"no such issue"}})
		return
	}
	start, _ := strconv.Atoi(r.URL.Query().Get("startAt"))
	end := min(start+1, len(all))
	writeJSON(jf.t, w, 200, map[string]any{"startAt": start, "maxResults": 1, "total": len(all), under: all[start:end]})
}

func newTestSource(t *testing.T, jf *jiraFake, edit func(*SourceConfig)) *Source {
	t.Helper()
	cfg := SourceConfig{
		Name: "jsm",
		Client: Config{
			BaseURL: jf.srv.URL + basePath, Deployment: jf.deployment, Token: testToken,
			Timeout: 5 * time.Second, UserAgent: testUA, Sleep: func(time.Duration) {},
		},
		Projects:  []string{"SD"},
		Now:       func() time.Time { return srcNow },
		BatchSize: 3,
	}
	if jf.deployment == Cloud {
		cfg.Client.Email = testEmail
	}
	if edit != nil {
		edit(&cfg)
	}
	s, err := NewSource(cfg)
	if err != nil {
		t.Fatalf("NewSource: %v", err)
	}
	return s
}

// inUpdateOrder returns the generated keys sorted by update.
func inUpdateOrder() []string {
	keys := make([]string, len(updateOrder))
	for i, pos := range updateOrder {
		keys[pos] = fmt.Sprintf("SD-%d", i+1)
	}
	return keys
}

func updatedOf(key string) time.Time {
	i, _ := strconv.Atoi(key[3:])
	return srcBase.Add(time.Duration(updateOrder[i-1]+1) * time.Hour)
}

type batchSummary struct {
	Keys   []string
	Cursor string
	AsOf   time.Time
	Done   int
}

func collect(t *testing.T, s *Source, cursor string) ([]batchSummary, map[string]connectors.Complaint) {
	t.Helper()
	var got []batchSummary
	byKey := map[string]connectors.Complaint{}
	err := s.Fetch(context.Background(), cursor, func(b connectors.Batch) error {
		bs := batchSummary{Cursor: b.Cursor, AsOf: b.AsOf, Done: b.Done}
		for _, c := range b.Complaints {
			bs.Keys = append(bs.Keys, c.Key)
			byKey[c.Key] = c
		}
		got = append(got, bs)
		return nil
	})
	if err != nil {
		t.Fatalf("Fetch: %v", err)
	}
	return got, byKey
}

var flavours = []string{Cloud, DataCenter}

func TestSourceFirstSync(t *testing.T) {
	for _, d := range flavours {
		t.Run(d, func(t *testing.T) {
			jf := newJiraFake(t, d, true)
			s := newTestSource(t, jf, nil)
			got, byKey := collect(t, s, "")

			order := inUpdateOrder()
			cur := func(i int) string { return updatedOf(order[i]).Format(time.RFC3339Nano) }
			want := []batchSummary{
				{Keys: order[0:3], Cursor: cur(2), AsOf: srcNow, Done: 3},
				{Keys: order[3:6], Cursor: cur(5), AsOf: srcNow, Done: 6},
				{Keys: order[6:7], Cursor: cur(6), AsOf: srcNow, Done: 7},
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("batches mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff([]string{`project in ("SD") ORDER BY updated ASC, key ASC`}, jf.queries()); diff != "" {
				t.Errorf("JQL mismatch (-want +got):\n%s", diff)
			}
			for _, f := range []string{"summary", "created", "updated", "resolutiondate", "status", "priority", "assignee", "reporter", "components", "labels", "comment"} {
				if !slices.Contains(jf.fields[0], f) {
					t.Errorf("search fields %v lack %q", jf.fields[0], f)
				}
			}
			c := byKey["SD-1"]
			if c.ID != "jsm:SD-1" || c.URL != jf.srv.URL+basePath+"/browse/SD-1" || c.Title != "Issue 1" || c.Priority != connectors.PriorityHigh {
				t.Errorf("SD-1 = id %q url %q title %q priority %q", c.ID, c.URL, c.Title, c.Priority)
			}
			if !c.UpdatedAt.Equal(updatedOf("SD-1")) {
				t.Errorf("SD-1 updated %v, want %v", c.UpdatedAt, updatedOf("SD-1"))
			}
			want1 := []Unmapped{{Field: "priority", Value: "P9 Weird", Key: "SD-5"}}
			if diff := cmp.Diff(want1, s.Unmapped()); diff != "" {
				t.Errorf("Unmapped mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSourceFetchesPartialChangelogAndComments(t *testing.T) {
	for _, d := range flavours {
		t.Run(d, func(t *testing.T) {
			jf := newJiraFake(t, d, true)
			s := newTestSource(t, jf, nil)
			_, byKey := collect(t, s, "")
			v := apiVersion(d)
			// One item a page: 4 changelog pages on Cloud, the issue once on
			// Data Center; 3 comment pages; all for SD-3.
			if n := jf.count("GET", "/rest/api/3/issue/{key}/changelog"); d == Cloud && n != 4 {
				t.Errorf("changelog requests = %d, want 4", n)
			}
			if n := jf.count("GET", "/rest/api/2/issue/{key}"); d == DataCenter && n != 1 {
				t.Errorf("issue requests for the changelog = %d, want 1", n)
			}
			if n := jf.count("GET", "/rest/api/"+v+"/issue/{key}/comment"); n != 3 {
				t.Errorf("comment requests = %d, want 3", n)
			}
			c := byKey["SD-3"]
			comments := 0
			for _, e := range c.Events {
				if e.Kind == connectors.EventComment {
					comments++
				}
			}
			if c.Reopens != 1 || comments != 3 || c.ResolvedAt.IsZero() {
				t.Errorf("SD-3: reopens %d, comments %d, resolved %v; want 1, 3, resolved (full lists used)", c.Reopens, comments, c.ResolvedAt)
			}
		})
	}
}

func TestSourceIncremental(t *testing.T) {
	for _, d := range flavours {
		t.Run(d, func(t *testing.T) {
			jf := newJiraFake(t, d, false)
			jf.update("SD-3", func(g *genIssue) { g.embedHist, g.embedComm = -1, -1 })
			s := newTestSource(t, jf, func(c *SourceConfig) {
				c.Overlap = 10 * time.Minute
				c.JQL = `issuetype = "Service Request"`
			})
			order := inUpdateOrder()
			cursor := updatedOf(order[3]).Format(time.RFC3339)
			got, _ := collect(t, s, cursor)

			bound := updatedOf(order[3]).Add(-10 * time.Minute).Format(jqlTimeLayout)
			wantJQL := `project in ("SD") AND (issuetype = "Service Request") AND updated >= "` + bound + `" ORDER BY updated ASC, key ASC`
			if diff := cmp.Diff([]string{wantJQL}, jf.queries()); diff != "" {
				t.Errorf("JQL mismatch (-want +got):\n%s", diff)
			}
			want := []batchSummary{
				{Keys: order[3:6], Cursor: updatedOf(order[5]).Format(time.RFC3339Nano), AsOf: srcNow, Done: 3},
				{Keys: order[6:7], Cursor: updatedOf(order[6]).Format(time.RFC3339Nano), AsOf: srcNow, Done: 4},
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("batches mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSourceNothingChangedKeepsCursor(t *testing.T) {
	jf := newJiraFake(t, Cloud, false)
	jf.update("SD-3", func(g *genIssue) { g.embedHist, g.embedComm = -1, -1 })
	s := newTestSource(t, jf, func(c *SourceConfig) { c.Overlap = time.Minute })
	cursor := "2030-01-01T00:00:00Z"
	got, _ := collect(t, s, cursor)
	want := []batchSummary{{Cursor: cursor, AsOf: srcNow}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("batches mismatch (-want +got):\n%s", diff)
	}
}

// TestSourceEmitErrorStops: an emit error stops the sync, returned
// unchanged, and the search reads ahead at most pipelineDepth pages beyond
// the one being emitted, however long emit takes.
func TestSourceEmitErrorStops(t *testing.T) {
	for _, d := range flavours {
		t.Run(d, func(t *testing.T) {
			jf := newJiraFake(t, d, false)
			jf.perPage = 1
			jf.update("SD-3", func(g *genIssue) { g.embedHist, g.embedComm = -1, -1 })
			s := newTestSource(t, jf, func(c *SourceConfig) { c.BatchSize = 1 })
			pages := func() int {
				jf.mu.Lock()
				defer jf.mu.Unlock()
				return jf.pages
			}
			boom := errors.New("boom")
			calls := 0
			err := s.Fetch(context.Background(), "", func(connectors.Batch) error {
				calls++
				// Give the pipeline time to read as far ahead as it may.
				for deadline := time.Now().Add(2 * time.Second); pages() < 1+pipelineDepth && time.Now().Before(deadline); {
					time.Sleep(time.Millisecond)
				}
				time.Sleep(20 * time.Millisecond)
				return boom
			})
			if err != boom {
				t.Errorf("Fetch = %v, want the emit error unchanged", err)
			}
			if calls != 1 {
				t.Errorf("emit called %d times, want 1", calls)
			}
			if n := pages(); n != 1+pipelineDepth {
				t.Errorf("%d search requests, want %d (the page emitted and %d read ahead, of 7)", n, 1+pipelineDepth, pipelineDepth)
			}
		})
	}
}

func TestSourceCancel(t *testing.T) {
	for _, d := range flavours {
		t.Run(d, func(t *testing.T) {
			jf := newJiraFake(t, d, false)
			jf.update("SD-3", func(g *genIssue) { g.embedHist, g.embedComm = -1, -1 })
			s := newTestSource(t, jf, func(c *SourceConfig) { c.BatchSize = 2 })
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			calls := 0
			err := s.Fetch(ctx, "", func(connectors.Batch) error {
				calls++
				cancel()
				return nil
			})
			if err != context.Canceled {
				t.Errorf("Fetch = %v, want context.Canceled", err)
			}
			if calls != 1 {
				t.Errorf("emit called %d times after cancel, want 1", calls)
			}

			ctx2, cancel2 := context.WithCancel(context.Background())
			cancel2()
			if err := s.Fetch(ctx2, "", func(connectors.Batch) error { return nil }); err != context.Canceled {
				t.Errorf("Fetch on a cancelled context = %v, want context.Canceled", err)
			}
		})
	}
}

func TestNewSourceRejects(t *testing.T) {
	good := SourceConfig{Name: "jsm", Projects: []string{"SD"}, Client: Config{BaseURL: "https://x.example", Deployment: DataCenter, Token: "t"}}
	for name, edit := range map[string]func(*SourceConfig){
		"no name":     func(c *SourceConfig) { c.Name = "" },
		"no scope":    func(c *SourceConfig) { c.Projects = nil },
		"bad project": func(c *SourceConfig) { c.Projects = []string{`SD") OR ("x`} },
		"order by":    func(c *SourceConfig) { c.JQL = "status = Open ORDER BY created" },
		"no token":    func(c *SourceConfig) { c.Client.Token = "" },
	} {
		cfg := good
		edit(&cfg)
		if _, err := NewSource(cfg); err == nil {
			t.Errorf("%s: NewSource accepted %+v", name, cfg)
		}
	}
	if _, err := NewSource(good); err != nil {
		t.Errorf("NewSource(good): %v", err)
	}
	s, _ := NewSource(good)
	if err := s.Fetch(context.Background(), "yesterday", nil); err == nil {
		t.Error("Fetch accepted a malformed cursor")
	}
}

func TestSourceSyncsIntoStore(t *testing.T) {
	for _, d := range flavours {
		t.Run(d, func(t *testing.T) {
			ctx := context.Background()
			jf := newJiraFake(t, d, true)
			s := newTestSource(t, jf, func(c *SourceConfig) { c.Overlap = 10 * time.Minute })
			st, err := store.Open(ctx, filepath.Join(t.TempDir(), "kpidesk.db"))
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()

			if err := st.Sync(ctx, s, nil); err != nil {
				t.Fatalf("first Sync: %v", err)
			}
			order := inUpdateOrder()
			last := updatedOf(order[6])
			checkStore(t, st, 7, last.Format(time.RFC3339Nano), "SD-2", "Issue 2")

			changed := last.Add(2 * time.Hour)
			jf.update("SD-2", func(g *genIssue) { g.summary, g.updated, g.priority = "Issue 2, edited", changed, "Low" })
			var second [][]string
			err = st.Sync(ctx, s, func(b connectors.Batch) {
				var ks []string
				for _, c := range b.Complaints {
					ks = append(ks, c.Key)
				}
				second = append(second, ks)
			})
			if err != nil {
				t.Fatalf("second Sync: %v", err)
			}
			// The overlap re-reads the last issue of the first sync.
			if diff := cmp.Diff([][]string{{order[6], "SD-2"}}, second); diff != "" {
				t.Errorf("second sync batches (-want +got):\n%s", diff)
			}
			qs := jf.queries()
			wantBound := `updated >= "` + last.Add(-10*time.Minute).Format(jqlTimeLayout) + `"`
			if len(qs) != 2 || !regexp.MustCompile(regexp.QuoteMeta(wantBound)).MatchString(qs[1]) {
				t.Errorf("second sync JQL %q, want the bound %s", qs, wantBound)
			}
			c := checkStore(t, st, 7, changed.Format(time.RFC3339Nano), "SD-2", "Issue 2, edited")
			if c.Priority != connectors.PriorityLow || !c.UpdatedAt.Equal(changed) {
				t.Errorf("SD-2 priority %q updated %v, want low, %v", c.Priority, c.UpdatedAt, changed)
			}
			asOf, err := st.AsOf(ctx)
			if err != nil || !asOf.Equal(srcNow) {
				t.Errorf("store AsOf = %v, %v; want %v", asOf, err, srcNow)
			}
		})
	}
}

// checkStore asserts the complaint count, the cursor and one title, and
// returns that complaint.
func checkStore(t *testing.T, st *store.Store, count int, cursor, key, title string) connectors.Complaint {
	t.Helper()
	ctx := context.Background()
	if n, err := st.Count(ctx); err != nil || n != count {
		t.Errorf("Count = %d, %v; want %d", n, err, count)
	}
	if got, err := st.Cursor(ctx, "jsm"); err != nil || got != cursor {
		t.Errorf("Cursor = %q, %v; want %q", got, err, cursor)
	}
	var found connectors.Complaint
	err := st.Each(ctx, store.Query{Source: "jsm"}, func(c *connectors.Complaint) error {
		if c.Key == key {
			found = *c
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if found.Title != title {
		t.Errorf("%s title = %q, want %q", key, found.Title, title)
	}
	return found
}
