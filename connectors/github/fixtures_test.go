package github

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/kpidesk/kpidesk/connectors"
)

// readAll fetches everything from cursor and returns the complaints by ID
// and the final cursor.
func readAll(t *testing.T, s *Source, cursor string) (map[string]connectors.Complaint, string) {
	t.Helper()
	out := map[string]connectors.Complaint{}
	err := s.Fetch(context.Background(), cursor, func(b connectors.Batch) error {
		for _, c := range b.Complaints {
			out[c.ID] = c
		}
		cursor = b.Cursor
		return nil
	})
	if err != nil {
		t.Fatalf("Fetch(%q) = %v", cursor, err)
	}
	return out, cursor
}

// TestRecordedPagination replays octokit's recorded five-page issue list:
// page 1 under /repos/{owner}/{name}/issues, the rest under the
// /repositories/{id}/issues URLs of its Link headers, with their recorded
// headers. Every page is asked for exactly once, at the URL GitHub wrote.
func TestRecordedPagination(t *testing.T) {
	var srv *httptest.Server
	var got []string
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+testToken {
			t.Errorf("%s without the token", r.URL)
		}
		got = append(got, r.URL.Path+"?"+r.URL.RawQuery)
		page := "1"
		if r.URL.Path != apiPath+"/repos/octokit-fixture-org/hello-world/issues" {
			page = r.URL.Query().Get("page")
		}
		_, h := fixtureHeaders("issues-page-" + page)
		for k, vs := range h {
			for _, v := range vs {
				// The recorded host becomes the fake's, the path stays.
				w.Header().Add(k, strings.ReplaceAll(v, "https://api.github.com", srv.URL+apiPath))
			}
		}
		w.Write(fixture("issues-page-" + page + ".json"))
	}))
	defer srv.Close()
	f := &fakeGH{srv: srv}
	s := testSource(t, f, []string{"octokit-fixture-org/hello-world"})
	cs, _ := readAll(t, s, "")
	want := []string{
		apiPath + "/repos/octokit-fixture-org/hello-world/issues?direction=asc&per_page=100&sort=updated&state=all",
		apiPath + "/repositories/515435940/issues?per_page=3&page=2",
		apiPath + "/repositories/515435940/issues?per_page=3&page=3",
		apiPath + "/repositories/515435940/issues?per_page=3&page=4",
		apiPath + "/repositories/515435940/issues?per_page=3&page=5",
		// The first page the next sync asks for, once, for its entity tag.
		apiPath + "/repos/octokit-fixture-org/hello-world/issues?direction=asc&per_page=100&since=2022-07-19T04%3A29%3A16Z&sort=updated&state=all",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("requests (-want +got):\n%s", diff)
	}
	if len(cs) != 13 {
		t.Fatalf("%d complaints, want the 13 recorded issues", len(cs))
	}
	c := cs["gh:octokit-fixture-org/hello-world#13"]
	if c.Customer != "octokit-fixture-user-a" || c.Channel != "github" || c.Kind != connectors.KindComplaint ||
		!c.CreatedAt.Equal(time.Date(2022, 7, 19, 4, 39, 16, 0, time.UTC)) || c.CreatedAt.Location() != time.UTC {
		t.Errorf("#13 = %+v", c)
	}
}

// recordedIssue28 serves PyGithub's recorded issue #28 and its recorded
// timeline.
func recordedIssue28(t *testing.T) *fakeGH {
	f := newFakeGH(t)
	var issue map[string]any
	if err := json.Unmarshal(fixture("issue-single.json"), &issue); err != nil {
		t.Fatal(err)
	}
	f.inject = func(w http.ResponseWriter, r *http.Request) bool {
		switch r.URL.Path {
		case apiPath + "/repos/PyGithub/PyGithub/issues":
			json.NewEncoder(w).Encode([]any{issue})
		case apiPath + "/repos/PyGithub/PyGithub/issues/28/timeline":
			w.Write(fixture("issue-timeline.json"))
		default:
			t.Errorf("unexpected request %s", r.URL)
			http.NotFound(w, r)
		}
		return true
	}
	return f
}

// TestRecordedTimeline maps the recorded issue #28 (author jacquev6, a
// MEMBER) and its timeline: the author closes their own issue (a customer
// resolving it), CONTRIBUTOR comments are customers', an assignment by
// the deleted "ghost" user is a customer's, and committed-style items
// without created_at are ignored. With responders: anyone, the first
// comment by someone else than the author is the first response, as
// issue-metrics counts it.
func TestRecordedTimeline(t *testing.T) {
	at := func(s string) time.Time { tm, _ := time.Parse(time.RFC3339, s); return tm.UTC() }
	for _, tc := range []struct {
		responders string
		first      time.Time
		replies    int
	}{
		{RespondersAgents, time.Time{}, 0},
		{RespondersAnyone, at("2013-06-29T10:31:38Z"), 0}, // replies count before the (2012) resolution
	} {
		t.Run(tc.responders, func(t *testing.T) {
			f := recordedIssue28(t)
			s := testSource(t, f, []string{"PyGithub/PyGithub"}, func(c *SourceConfig) {
				c.Mapping.Responders = tc.responders
				c.Mapping.Kinds = map[string]string{"bug": "complaint", "question": "inquiry"}
			})
			cs, _ := readAll(t, s, "")
			c, ok := cs["gh:PyGithub/PyGithub#28"]
			if !ok {
				t.Fatalf("complaints %v, want PyGithub/PyGithub#28", cs)
			}
			if !c.FirstResponseAt.Equal(tc.first) || c.AgentReplies != tc.replies {
				t.Errorf("first response %v, replies %d; want %v, %d", c.FirstResponseAt, c.AgentReplies, tc.first, tc.replies)
			}
			if want := at("2012-05-26T14:59:34Z"); !c.ResolvedAt.Equal(want) {
				t.Errorf("ResolvedAt = %v, want the closed event's %v", c.ResolvedAt, want)
			}
			if c.Kind != "complaint" || c.Customer != "jacquev6" || c.Fields["state_reason"] != "completed" {
				t.Errorf("kind %q customer %q fields %v", c.Kind, c.Customer, c.Fields)
			}
			var kinds []string
			for _, e := range c.Events {
				kinds = append(kinds, string(e.Kind)+"/"+string(e.Role)+"/"+e.Actor)
			}
			wantRole := "customer"
			if tc.responders == RespondersAnyone {
				wantRole = "agent"
			}
			// bug and question carry no labeled event (they predate the
			// timeline's label events): the issue has carried them since
			// it was opened.
			want := []string{
				"label/customer/jacquev6", "label/customer/jacquev6",
				"assignment/customer/ghost", "assignment/customer/ghost",
				"status/customer/jacquev6", "resolved/customer/jacquev6",
				"assignment/customer/ghost",
				"comment/" + wantRole + "/stuglaser",
				"label/customer/jacquev6",
				"comment/" + wantRole + "/allevin", "comment/" + wantRole + "/allevin",
			}
			if diff := cmp.Diff(want, kinds); diff != "" {
				t.Errorf("events (-want +got):\n%s", diff)
			}
		})
	}
}

// TestRecordedPRTimeline maps a recorded PR timeline (committed items
// without created_at, reviewed with submitted_at, merged) as if it were an
// issue's: only what has a time and a meaning becomes an event.
func TestRecordedPRTimeline(t *testing.T) {
	var tl []ghEvent
	if err := json.Unmarshal(fixture("pr-issue-timeline.json"), &tl); err != nil {
		t.Fatal(err)
	}
	m := &Mapping{Source: "gh"}
	is := &ghIssue{Number: 31, State: "closed", User: &ghUser{Login: "someone"}, CreatedAt: time.Date(2012, 5, 27, 9, 0, 0, 0, time.UTC)}
	c, _, err := m.Complaint("PyGithub/PyGithub", is, tl, nil)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, e := range c.Events {
		kinds = append(kinds, string(e.Kind)+"/"+string(e.Role))
	}
	want := []string{"status/agent", "resolved/agent", "comment/agent", "assignment/customer", "label/agent"}
	if diff := cmp.Diff(want, kinds); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
}

// TestPullRequestsLeftOut: the list returns pull requests too; they are
// neither emitted nor have their timelines read, and they still move the
// cursor.
func TestPullRequestsLeftOut(t *testing.T) {
	f := newFakeGH(t)
	issues := genIssues(7, 40)
	f.addRepo("acme/support", issues...)
	s := testSource(t, f, []string{"acme/support"})
	cs, cursor := readAll(t, s, "")
	prs := 0
	for _, fi := range issues {
		id := "gh:acme/support#" + itoa(fi.number)
		if _, ok := cs[id]; ok == fi.pr {
			t.Errorf("%s emitted = %v, pull request = %v", id, ok, fi.pr)
		}
		if fi.pr {
			prs++
			if n := f.count(apiPath + "/repos/acme/support/issues/" + itoa(fi.number) + "/timeline"); n != 0 {
				t.Errorf("timeline of pull request %d read %d times", fi.number, n)
			}
		}
	}
	if prs == 0 {
		t.Fatal("no pull requests generated")
	}
	cur, _ := ParseCursor(cursor)
	last := slices.MaxFunc(issues, func(a, b *fakeIssue) int { return a.updated.Compare(b.updated) })
	if !cur.Repos["acme/support"].At.Equal(last.updated) {
		t.Errorf("cursor at %v, want the latest updated_at %v (a pull request's too)", cur.Repos["acme/support"].At, last.updated)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// TestETag: a sync that finds nothing new keeps the one-page answer's
// entity tag in the cursor; the next sync of the unchanged repository is
// a 304 (no rate limit) and emits nothing new; a change is read again.
func TestETag(t *testing.T) {
	f := newFakeGH(t)
	f.addRepo("acme/support", genIssues(8, 30)...)
	s := testSource(t, f, []string{"acme/support"}, func(c *SourceConfig) { c.PerPage = 10 })
	_, c1 := readAll(t, s, "")
	if cur, _ := ParseCursor(c1); cur.Repos["acme/support"].ETag == "" {
		t.Fatalf("cursor %s keeps no entity tag", c1)
	}
	before := f.rateLimited.Load()
	cs, c2 := readAll(t, s, c1)
	if n := f.rateLimited.Load() - before; n != 0 || f.notModified.Load() != 1 {
		t.Errorf("idle sync cost %d rate-limited requests and %d 304s, want 0 and 1", n, f.notModified.Load())
	}
	if len(cs) != 0 || c2 != c1 {
		t.Errorf("idle sync emitted %d complaints, cursor %s; want none and %s", len(cs), c2, c1)
	}
	f.mu.Lock()
	fi := f.repos["acme/support"].issues[3]
	fi.title, fi.updated = "edited", time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	f.mu.Unlock()
	cs, _ = readAll(t, s, c2)
	if c, ok := cs["gh:acme/support#4"]; !ok || c.Title != "edited" {
		t.Errorf("after a change: %v, want #4 edited", cs)
	}
}

// TestOrigin: a Link to another host is refused, and the token never
// reaches it.
func TestOrigin(t *testing.T) {
	evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "" {
			t.Errorf("the other host got an Authorization header")
		}
		w.Write([]byte("[]"))
	}))
	defer evil.Close()
	f := newFakeGH(t)
	f.inject = func(w http.ResponseWriter, r *http.Request) bool {
		w.Header().Set("Link", `<`+evil.URL+`/issues?page=2>; rel="next"`)
		w.Write([]byte("[]"))
		return true
	}
	s := testSource(t, f, []string{"acme/support"})
	err := s.Fetch(context.Background(), "", func(connectors.Batch) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "another origin than base_url's") {
		t.Errorf("Fetch = %v, want the other origin refused", err)
	}
}

// TestMapping covers the label scheme, roles and CSAT on one issue.
func TestMapping(t *testing.T) {
	created := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	at := func(m int) time.Time { return created.Add(time.Duration(m) * time.Minute) }
	user := func(login, typ string) map[string]any { return map[string]any{"login": login, "type": typ} }
	tl := []map[string]any{
		event("commented", at(1), "ci[bot]", map[string]any{"user": user("ci[bot]", "Bot"), "author_association": "NONE", "body": "auto"}),
		event("commented", at(2), "appuser", map[string]any{"author_association": "MEMBER", "body": "via app", "performed_via_github_app": map[string]any{"slug": "x"}}),
		event("commented", at(3), "outsider", map[string]any{"author_association": "CONTRIBUTOR", "body": "me too"}),
		event("commented", at(4), "listed", map[string]any{"author_association": "NONE", "body": "hello"}),
		event("labeled", at(5), "listed", map[string]any{"label": map[string]any{"name": "sev1"}}),
		event("labeled", at(6), "listed", map[string]any{"label": map[string]any{"name": "escalated"}}),
		event("closed", at(7), "listed", map[string]any{"state_reason": "not_planned"}),
		event("reopened", at(8), "cust", nil),
		event("commented", at(9), "cust", map[string]any{"author_association": "OWNER", "body": "/csat 4\nthanks"}),
		event("closed", at(10), "listed", map[string]any{"state_reason": "not_planned"}),
		event("transferred", at(11), "listed", nil),
	}
	raw, _ := json.Marshal(tl)
	var evs []ghEvent
	if err := json.Unmarshal(raw, &evs); err != nil {
		t.Fatal(err)
	}
	m := &Mapping{
		Source: "gh", Prefixes: DefaultPrefixes, Agents: []string{"Listed"},
		Priorities: map[string]string{"sev1": "urgent"}, Kinds: map[string]string{"bug": "complaint"},
		EscalationLabels: []string{"escalated"}, EscalationTransfers: true, NotPlanned: CloseExcluded,
		IgnoreLabels: []string{"good first issue"},
	}
	closed := at(10)
	is := &ghIssue{Number: 7, State: "closed", StateReason: "not_planned", User: &ghUser{Login: "cust"},
		CreatedAt: created, UpdatedAt: at(11), ClosedAt: &closed, AuthorAssociation: "OWNER",
		Labels: []ghLabel{{"sev1"}, {"escalated"}, {"cat:billing"}, {"team:care-east"}, {"dept:care"}, {"channel:Email"},
			{"good first issue"}, {"mystery"}, {"priority:whenever"}, {"bug"}}}
	c, notes, err := m.Complaint("acme/support", is, evs, nil)
	if err != nil {
		t.Fatal(err)
	}
	got := []string{c.ID, c.Key, c.Kind, c.Category, c.Channel, c.Priority, c.Team, c.Department}
	if diff := cmp.Diff([]string{"gh:acme/support#7", "acme/support#7", "not_planned", "billing", "email", "urgent", "care-east", "care"}, got); diff != "" {
		t.Errorf("fields (-want +got):\n%s", diff)
	}
	var roles []string
	for _, e := range c.Events {
		if e.Kind == connectors.EventComment {
			roles = append(roles, e.Actor+"="+string(e.Role))
		}
	}
	if diff := cmp.Diff([]string{"ci[bot]=bot", "appuser=bot", "outsider=customer", "listed=agent", "cust=customer"}, roles); diff != "" {
		t.Errorf("comment roles (-want +got):\n%s", diff)
	}
	if !c.FirstResponseAt.Equal(at(4)) || c.Reopens != 1 || !c.ResolvedAt.Equal(at(10)) || !c.FirstResolvedAt.Equal(at(7)) ||
		!c.Escalated || !c.EscalatedAt.Equal(at(6)) {
		t.Errorf("derived: first response %v, reopens %d, resolved %v/%v, escalated %v at %v", c.FirstResponseAt, c.Reopens, c.FirstResolvedAt, c.ResolvedAt, c.Escalated, c.EscalatedAt)
	}
	if c.CSAT == nil || c.CSAT.Value != 4 || c.CSAT.Scale != 5 || !c.CSAT.At.Equal(at(9)) {
		t.Errorf("CSAT = %+v, want 4/5 at %v from the author's /csat comment", c.CSAT, at(9))
	}
	var reasons []string
	for _, n := range notes {
		reasons = append(reasons, n.Field+": "+n.Reason)
	}
	want := []string{`labels: unmapped label "mystery"`, `labels: label "priority:whenever" names no priority: map it under priorities, or use urgent, high, normal or low`}
	if diff := cmp.Diff(want, reasons); diff != "" {
		t.Errorf("notes (-want +got):\n%s", diff)
	}
	if ev := c.Events[len(c.Events)-1]; ev.Kind != connectors.EventEscalated || ev.To != "transferred" {
		t.Errorf("last event %+v, want the transfer's escalation", ev)
	}

	// The same issue with not_planned resolved, a csat:N label and anyone
	// responding: the outsider's comment is the first response.
	m.NotPlanned, m.Responders = CloseResolved, RespondersAnyone
	is.Labels = append(is.Labels, ghLabel{"csat:2"})
	c, _, _ = m.Complaint("acme/support", is, evs[:8], nil)
	if c.Kind != "complaint" || !c.FirstResponseAt.Equal(at(3)) || c.CSAT == nil || c.CSAT.Value != 2 {
		t.Errorf("kind %q first response %v CSAT %+v; want complaint, %v, 2", c.Kind, c.FirstResponseAt, c.CSAT, at(3))
	}
}

// TestProblemsReported: unmapped labels reach Problems and the batch that
// carries their issue.
func TestProblemsReported(t *testing.T) {
	f := newFakeGH(t)
	issues := genIssues(9, 3)
	issues[1].labels = append(issues[1].labels, "mystery")
	f.addRepo("acme/support", issues...)
	s := testSource(t, f, []string{"acme/support"})
	var inBatch []connectors.Problem
	err := s.Fetch(context.Background(), "", func(b connectors.Batch) error {
		inBatch = append(inBatch, b.Problems...)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []connectors.Problem{{Where: "acme/support#2", Field: "labels", Reason: `unmapped label "mystery"`}}
	if diff := cmp.Diff(want, s.Problems()); diff != "" {
		t.Errorf("Problems (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(want, inBatch); diff != "" {
		t.Errorf("Batch.Problems (-want +got):\n%s", diff)
	}
}
