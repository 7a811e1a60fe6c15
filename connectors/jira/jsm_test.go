package jira

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/kpidesk/kpidesk/connectors"
)

// simpleIssue is a search result with the given fields and comments.
func simpleIssue(key string, created time.Time, resolved bool, comments []map[string]any, extra map[string]any) map[string]any {
	fields := map[string]any{
		"summary":  "Issue " + key,
		"created":  jiraTime(created),
		"updated":  jiraTime(created.Add(2 * time.Hour)),
		"status":   map[string]any{"id": "1", "name": "Open", "statusCategory": map[string]any{"key": "new"}},
		"reporter": map[string]any{"accountId": "cust-" + key, "name": "cust-" + key},
		"labels":   []string{},
		"comment":  map[string]any{"startAt": 0, "maxResults": len(comments), "total": len(comments), "comments": comments},
	}
	if resolved {
		fields["status"] = map[string]any{"id": "3", "name": "Done", "statusCategory": map[string]any{"key": "done"}}
		fields["resolutiondate"] = jiraTime(created.Add(time.Hour))
	}
	for k, v := range extra {
		fields[k] = v
	}
	return map[string]any{
		"id": "id-" + key, "key": key, "fields": fields,
		"changelog": map[string]any{"startAt": 0, "maxResults": 0, "total": 0, "histories": []any{}},
	}
}

// serveSearch registers a one-page search returning issues and records
// the fields each search asked for.
func serveSearch(t *testing.T, f *fake, deployment string, issues []map[string]any) func() [][]string {
	var mu sync.Mutex
	var asked [][]string
	path := "/rest/api/2/search"
	if deployment == Cloud {
		path = "/rest/api/3/search/jql"
	}
	f.handle("POST", path, func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Fields []string `json:"fields"`
		}
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			t.Errorf("decode search: %v", err)
		}
		mu.Lock()
		asked = append(asked, req.Fields)
		mu.Unlock()
		if deployment == Cloud {
			writeJSON(t, w, 200, map[string]any{"issues": issues, "isLast": true})
			return
		}
		writeJSON(t, w, 200, map[string]any{"startAt": 0, "maxResults": 50, "total": len(issues), "issues": issues})
	})
	return func() [][]string {
		mu.Lock()
		defer mu.Unlock()
		return slices.Clone(asked)
	}
}

func simpleSource(t *testing.T, f *fake, deployment string, edit func(*SourceConfig)) *Source {
	t.Helper()
	cfg := SourceConfig{
		Name: "jsm",
		Client: Config{
			BaseURL: f.srv.URL + basePath, Deployment: deployment, Token: testToken,
			Timeout: 5 * time.Second, UserAgent: testUA, Sleep: func(time.Duration) {},
		},
		Projects: []string{"SD"},
		Now:      func() time.Time { return srcNow },
	}
	if deployment == Cloud {
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

func fetchAll(t *testing.T, s *Source) map[string]connectors.Complaint {
	t.Helper()
	out := map[string]connectors.Complaint{}
	err := s.Fetch(context.Background(), "", func(b connectors.Batch) error {
		for _, c := range b.Complaints {
			out[c.Key] = c
		}
		return nil
	})
	if err != nil {
		t.Fatalf("Fetch: %v", err)
	}
	return out
}

func TestSourceAgentGroups(t *testing.T) {
	f := newFake(t)
	c0 := srcBase
	issues := []map[string]any{simpleIssue("SD-1", c0, false, []map[string]any{
		{"id": "1", "created": jiraTime(c0.Add(10 * time.Minute)), "jsdPublic": true,
			"author": map[string]any{"accountId": "staff-a", "accountType": "atlassian"}},
		{"id": "2", "created": jiraTime(c0.Add(20 * time.Minute)), "jsdPublic": true,
			"author": map[string]any{"accountId": "staff-b", "accountType": "atlassian"}},
	}, nil)}
	serveSearch(t, f, Cloud, issues)
	var mu sync.Mutex
	var starts []string
	f.handle("GET", "/rest/api/3/group/member", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if q.Get("groupname") != "service desk team" {
			t.Errorf("groupname = %q", q.Get("groupname"))
		}
		mu.Lock()
		starts = append(starts, q.Get("startAt"))
		mu.Unlock()
		start, _ := strconv.Atoi(q.Get("startAt"))
		members := []string{"someone-else", "staff-b"}
		writeJSON(t, w, 200, map[string]any{
			"startAt": start, "maxResults": 1, "total": 2, "isLast": start >= 1,
			"values": []any{map[string]any{"accountId": members[start], "accountType": "atlassian"}},
		})
	})
	s := simpleSource(t, f, Cloud, func(c *SourceConfig) { c.AgentGroups = []string{"service desk team"} })
	got := fetchAll(t, s)["SD-1"]
	if want := c0.Add(20 * time.Minute); !got.FirstResponseAt.Equal(want) {
		t.Errorf("FirstResponseAt = %v, want %v (staff-a is not in the group)", got.FirstResponseAt, want)
	}
	roles := map[string]connectors.Role{}
	for _, e := range got.Events {
		if e.Kind == connectors.EventComment {
			roles[e.Actor] = e.Role
		}
	}
	if roles["staff-a"] != connectors.RoleCustomer || roles["staff-b"] != connectors.RoleAgent {
		t.Errorf("roles = %v", roles)
	}
	if !slices.Equal(starts, []string{"0", "1"}) {
		t.Errorf("member pages startAt = %v, want [0 1]", starts)
	}
	if s.cfg.Mapping.AgentsOnly || len(s.cfg.Mapping.Agents) != 0 {
		t.Errorf("configured mapping changed: %+v", s.cfg.Mapping)
	}
}

// requestLog records the path of every request a client made.
type requestLog struct {
	mu    sync.Mutex
	paths []string
}

func (l *requestLog) onRequest(method, path string, status int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.paths = append(l.paths, method+" "+strings.TrimPrefix(path, basePath))
}

func (l *requestLog) got() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := slices.Clone(l.paths)
	slices.Sort(out)
	return out
}

// dcComments are SD-1's comments as Data Center's comment endpoint gives
// them with expand=properties: 101 an internal note, 102 public (no
// property). Without the expand, the server leaves properties out.
func dcComments(c0 time.Time, expanded bool) []map[string]any {
	agent := map[string]any{"name": "alice", "key": "alice"}
	cs := []map[string]any{
		{"id": "101", "created": jiraTime(c0.Add(10 * time.Minute)), "author": agent},
		{"id": "102", "created": jiraTime(c0.Add(30 * time.Minute)), "author": agent},
	}
	if expanded {
		cs[0]["properties"] = []any{map[string]any{"key": "sd.public.comment", "value": map[string]any{"internal": true}}}
		cs[1]["properties"] = []any{}
	}
	return cs
}

// TestSourceCommentsDataCenterOneRequest: on Data Center, whose comments
// have no jsdPublic, an issue's comments and their visibility come from
// one request (the comment endpoint with expand=properties), and none at
// all when the search embedded them whole with their properties, or when
// there are none.
func TestSourceCommentsDataCenterOneRequest(t *testing.T) {
	f := newFake(t)
	c0 := srcBase
	bare := dcComments(c0, false)
	withProps := dcComments(c0, true)
	issues := []map[string]any{
		simpleIssue("SD-1", c0, false, bare, nil),      // embedded without visibility
		simpleIssue("SD-2", c0, false, nil, nil),       // no comments
		simpleIssue("SD-3", c0, false, withProps, nil), // embedded with their properties
	}
	serveSearch(t, f, DataCenter, issues)
	f.handle("GET", "/rest/api/2/issue/{key}/comment", func(w http.ResponseWriter, r *http.Request) {
		if got := r.URL.Query().Get("expand"); got != "properties" {
			t.Errorf("comment request expand = %q, want properties", got)
		}
		writeJSON(t, w, 200, map[string]any{"startAt": 0, "maxResults": 100, "total": 2, "comments": withProps})
	})
	log := &requestLog{}
	got := fetchAll(t, simpleSource(t, f, DataCenter, func(c *SourceConfig) { c.Client.OnRequest = log.onRequest }))
	want := []string{"GET /rest/api/2/issue/SD-1/comment", "POST /rest/api/2/search"}
	if diff := cmp.Diff(want, log.got()); diff != "" {
		t.Errorf("requests (-want +got):\n%s", diff)
	}
	for _, key := range []string{"SD-1", "SD-3"} {
		c := got[key]
		if want := c0.Add(30 * time.Minute); !c.FirstResponseAt.Equal(want) {
			t.Errorf("%s FirstResponseAt = %v, want %v (comment 101 is internal)", key, c.FirstResponseAt, want)
		}
		var public []bool
		for _, e := range c.Events {
			if e.Kind == connectors.EventComment {
				public = append(public, e.Public)
			}
		}
		if !slices.Equal(public, []bool{false, true}) {
			t.Errorf("%s comment public flags = %v, want [false true]", key, public)
		}
	}
}

// TestSourceCommentPropertyFallback: a Data Center server that ignores
// expand=properties leaves each comment's visibility unknown; its
// sd.public.comment property is then read comment by comment.
func TestSourceCommentPropertyFallback(t *testing.T) {
	f := newFake(t)
	c0 := srcBase
	issues := []map[string]any{simpleIssue("SD-1", c0, false, dcComments(c0, false), nil)}
	serveSearch(t, f, DataCenter, issues)
	f.handle("GET", "/rest/api/2/issue/{key}/comment", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(t, w, 200, map[string]any{"startAt": 0, "maxResults": 100, "total": 2, "comments": dcComments(c0, false)})
	})
	f.handle("GET", "/rest/api/2/comment/{id}/properties/sd.public.comment", func(w http.ResponseWriter, r *http.Request) {
		if r.PathValue("id") == "101" {
			writeJSON(t, w, 200, map[string]any{"key": "sd.public.comment", "value": map[string]any{"internal": true}})
			return
		}
		writeJSON(t, w, 404, map[string]any{"errorMessages": []string{"property not found"}, "errors": map[string]any{}})
	})
	got := fetchAll(t, simpleSource(t, f, DataCenter, nil))["SD-1"]
	if want := c0.Add(30 * time.Minute); !got.FirstResponseAt.Equal(want) {
		t.Errorf("FirstResponseAt = %v, want %v (comment 101 is internal)", got.FirstResponseAt, want)
	}
	if n := f.count("GET", "/rest/api/2/comment/{id}/properties/sd.public.comment"); n != 2 {
		t.Errorf("property requests = %d, want 2", n)
	}
	if n := f.count("GET", "/rest/api/2/issue/{key}/comment"); n != 1 {
		t.Errorf("comment list requests = %d, want 1", n)
	}
}

func TestSourceFeedbackEndpoint(t *testing.T) {
	f := newFake(t)
	c0 := srcBase
	issues := []map[string]any{
		simpleIssue("SD-1", c0, true, nil, nil),
		simpleIssue("SD-2", c0, true, nil, nil),
		simpleIssue("SD-3", c0, false, nil, nil),
	}
	serveSearch(t, f, Cloud, issues)
	var mu sync.Mutex
	asked := map[string]int{}
	f.handle("GET", "/rest/servicedeskapi/request/{key}/feedback", func(w http.ResponseWriter, r *http.Request) {
		key := r.PathValue("key")
		mu.Lock()
		asked[key]++
		mu.Unlock()
		if key == "SD-1" {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write(readFixture(t, "jsm-request-feedback.json"))
			return
		}
		writeJSON(t, w, 404, map[string]any{"errorMessages": []string{"no feedback"}})
	})
	got := fetchAll(t, simpleSource(t, f, Cloud, func(c *SourceConfig) { c.FeedbackEndpoint = true }))
	c1 := got["SD-1"].CSAT
	if c1 == nil || c1.Value != 4 || c1.Scale != CSATScale || c1.Comment != "Great work!" || !c1.At.Equal(c0.Add(time.Hour)) {
		t.Errorf("SD-1 CSAT = %+v, want 4/5 \"Great work!\" at resolution", c1)
	}
	if got["SD-2"].CSAT != nil || got["SD-3"].CSAT != nil {
		t.Errorf("SD-2/SD-3 CSAT = %+v, %+v, want none", got["SD-2"].CSAT, got["SD-3"].CSAT)
	}
	if asked["SD-1"] != 1 || asked["SD-2"] != 1 || asked["SD-3"] != 0 {
		t.Errorf("feedback requests = %v, want SD-1 and SD-2 once, SD-3 (open) never", asked)
	}
}

func TestSourceFeedbackSkippedWhenFieldPresent(t *testing.T) {
	f := newFake(t)
	issues := []map[string]any{simpleIssue("SD-1", srcBase, true, nil, map[string]any{"customfield_10027": nil})}
	serveSearch(t, f, Cloud, issues)
	s := simpleSource(t, f, Cloud, func(c *SourceConfig) {
		c.FeedbackEndpoint = true
		c.Mapping.CSATField = "customfield_10027"
	})
	if got := fetchAll(t, s)["SD-1"]; got.CSAT != nil {
		t.Errorf("CSAT = %+v, want none", got.CSAT)
	}
}

func TestSourceDiscoverFields(t *testing.T) {
	f := newFake(t)
	issues := []map[string]any{simpleIssue("SD-1", srcBase, true, nil, map[string]any{
		"customfield_10027": map[string]any{"rating": 5},
		"customfield_10010": map[string]any{"requestType": map[string]any{"id": "7", "name": "Refund request"}},
	})}
	asked := serveSearch(t, f, Cloud, issues)
	f.handle("GET", "/rest/api/3/field", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(readFixture(t, "fields-jsm-customfields.json"))
	})
	s := simpleSource(t, f, Cloud, func(c *SourceConfig) {
		c.DiscoverFields = true
		c.Mapping.CSATDateField = "customfield_99999" // already set: kept
	})
	got := fetchAll(t, s)["SD-1"]
	fields := asked()
	if len(fields) != 1 {
		t.Fatalf("searches = %d, want 1", len(fields))
	}
	for _, id := range []string{"customfield_10010", "customfield_10027", "customfield_10033", "customfield_10034", "customfield_99999"} {
		if !slices.Contains(fields[0], id) {
			t.Errorf("search fields %v lack %s", fields[0], id)
		}
	}
	if slices.Contains(fields[0], "customfield_10028") {
		t.Errorf("search fields %v have the discovered date field though one was configured", fields[0])
	}
	if got.CSAT == nil || got.CSAT.Value != 5 {
		t.Errorf("CSAT = %+v, want 5", got.CSAT)
	}
	if got.Fields["request_type"] != "Refund request" {
		t.Errorf("request_type = %v", got.Fields["request_type"])
	}
	if s.cfg.Mapping.CSATField != "" || s.cfg.Mapping.SLAFields != nil {
		t.Errorf("configured mapping changed: %+v", s.cfg.Mapping)
	}
}

func TestSourceDiscoverFieldsDataCenterPath(t *testing.T) {
	f := newFake(t)
	serveSearch(t, f, DataCenter, []map[string]any{simpleIssue("SD-1", srcBase, false, nil, nil)})
	f.handle("GET", "/rest/api/2/field", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(t, w, 200, []any{})
	})
	fetchAll(t, simpleSource(t, f, DataCenter, func(c *SourceConfig) { c.DiscoverFields = true }))
}
