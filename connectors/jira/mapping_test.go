package jira

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kpidesk/kpidesk/connectors"
)

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t.UTC()
}

func TestParseJiraTime(t *testing.T) {
	tests := []struct {
		in   string
		want time.Time
	}{
		{"2022-07-15T09:19:44.990+0000", utc("2022-07-15T09:19:44.99Z")},
		{"2021-04-30T00:55:09.287+0100", utc("2021-04-29T23:55:09.287Z")},
		{"2023-01-02T15:04:05.000+0800", utc("2023-01-02T07:04:05Z")},
		{"2021-02-27T20:33:21.051-0530", utc("2021-02-28T02:03:21.051Z")},
		{"2015-10-09T10:45:23+0700", utc("2015-10-09T03:45:23Z")}, // JSM iso8601, no millis
		{"2024-03-01T10:00:00Z", utc("2024-03-01T10:00:00Z")},
		{"2024-03-01T10:00:00.5+01:00", utc("2024-03-01T09:00:00.5Z")},
		{"", time.Time{}},
	}
	for _, tt := range tests {
		got, err := parseJiraTime(tt.in)
		if err != nil {
			t.Errorf("parseJiraTime(%q): %v", tt.in, err)
			continue
		}
		if !got.Equal(tt.want) || got.Location() != time.UTC {
			t.Errorf("parseJiraTime(%q) = %v, want %v UTC", tt.in, got, tt.want)
		}
	}
	for _, bad := range []string{"16/Nov/20 2:00 AM", "2021-02-26", "yesterday", "2021-02-27 20:33:21"} {
		if _, err := parseJiraTime(bad); err == nil {
			t.Errorf("parseJiraTime(%q): want error", bad)
		}
	}
}

// sd12 is the hand-written JSM issue: a reopen, an internal comment before
// the first public agent reply, bot comments (app and configured), a
// reporter comment, a portal customer comment, an escalation label and an
// unknown priority name.
func sd12(t *testing.T) (json.RawMessage, []json.RawMessage, []json.RawMessage) {
	t.Helper()
	var hp struct {
		Values []json.RawMessage `json:"values"`
	}
	var cp struct {
		Comments []json.RawMessage `json:"comments"`
	}
	if err := json.Unmarshal(readFixture(t, "mapping-sd12-changelog.json"), &hp); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(readFixture(t, "mapping-sd12-comments.json"), &cp); err != nil {
		t.Fatal(err)
	}
	return readFixture(t, "mapping-sd12-issue.json"), hp.Values, cp.Comments
}

var sd12Mapping = Mapping{
	Source:             "jira",
	BaseURL:            "https://acme.atlassian.net/",
	ResolvedStatuses:   []string{"done", "Resolved"},
	Bots:               []string{"bot-7"},
	EscalationLabels:   []string{"Escalate-L2"},
	EscalationStatuses: []string{"Escalated"},
	Kinds:              map[string]string{"report a problem": connectors.KindInquiry, "idea": connectors.KindSuggestion},
	Categories:         map[string]string{"billing": "payments"},
	OrganizationField:  "customfield_10002",
}

func TestComplaintHandWritten(t *testing.T) {
	issue, hs, cs := sd12(t)
	c, unmapped, err := sd12Mapping.Complaint(issue, hs, cs)
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"ID", c.ID, "jira:SD-12"},
		{"Source", c.Source, "jira"},
		{"URL", c.URL, "https://acme.atlassian.net/browse/SD-12"},
		{"Title", c.Title, "Invoice charged twice"},
		{"Kind", c.Kind, connectors.KindInquiry},
		{"Category", c.Category, "payments"},
		{"Priority", c.Priority, ""},
		{"Assignee", c.Assignee, "agent-2"},
		{"AssigneeName", c.AssigneeName, "Wang Fang"}, // the site names the agent, the ID stays the key
		{"Customer", c.Customer, "cust-1"},
		{"Organization", c.Organization, "Acme Corp"},
		{"Components", strings.Join(c.Components, ","), "Billing"},
		{"Labels", strings.Join(c.Labels, ","), "escalate-l2,vip"},
		{"CreatedAt", c.CreatedAt, utc("2024-03-01T08:00:00Z")},
		{"UpdatedAt", c.UpdatedAt, utc("2024-03-05T12:00:00Z")},
		// The app comment (08:01), the internal note (09:30), the reporter
		// (09:45), the portal customer (09:50) and the configured bot (10:00)
		// come first; the first public agent reply is 11:20+0100.
		{"FirstResponseAt", c.FirstResponseAt, utc("2024-03-01T10:20:00Z")},
		{"FirstResolvedAt", c.FirstResolvedAt, utc("2024-03-03T15:00:00Z")},
		{"ResolvedAt", c.ResolvedAt, utc("2024-03-05T11:00:00Z")},
		{"Reopens", c.Reopens, 1},
		{"AgentReplies", c.AgentReplies, 2}, // c4 and c5 (no jsdPublic = public); c6 is after the first resolution
		{"Escalated", c.Escalated, true},
		{"EscalatedAt", c.EscalatedAt, utc("2024-03-02T12:00:00Z")},
	}
	for _, ch := range checks {
		if ch.got != ch.want {
			t.Errorf("%s = %v, want %v", ch.name, ch.got, ch.want)
		}
	}
	want := []Unmapped{{Field: "priority", Value: "P1 - Sev", Key: "SD-12"}}
	if !slices.Equal(unmapped, want) {
		t.Errorf("unmapped = %+v, want %+v", unmapped, want)
	}

	// The event stream, in time order.
	var got []string
	for _, e := range c.Events {
		s := string(e.Kind) + "/" + string(e.Role) + "/" + e.Actor
		if e.From != "" || e.To != "" {
			s += "/" + e.From + ">" + e.To
		}
		if e.Kind == connectors.EventComment && !e.Public {
			s += "/internal"
		}
		got = append(got, s)
	}
	wantEv := []string{
		"comment/bot/557058:automation",
		"assignment/bot/557058:automation/>agent-1",
		"comment/agent/agent-1/internal",
		"comment/customer/cust-1",
		"comment/customer/cust-2",
		// Same instant (10:00Z) as the bot comment: changelog events first.
		"status/agent/agent-1/Waiting for support>In Progress",
		"comment/bot/bot-7",
		"comment/agent/agent-1",
		"comment/agent/agent-2",
		"label/agent/agent-1/>escalate-l2",
		"escalated/agent/agent-1/>escalate-l2",
		"priority/agent/agent-1/high>",
		"status/agent/agent-1/In Progress>Done",
		"resolved/agent/agent-1/In Progress>Done",
		// 105 (Done → Done by automation) is a self-transition: nothing.
		"status/customer/cust-1/Done>Reopened",
		"reopened/customer/cust-1/Done>Reopened",
		"comment/agent/agent-1",
		"status/agent/agent-2/Reopened>Done",
		"resolved/agent/agent-2/Reopened>Done",
	}
	if !slices.Equal(got, wantEv) {
		t.Errorf("events:\n got  %q\n want %q", got, wantEv)
	}
	for _, e := range c.Events {
		if e.At.Location() != time.UTC {
			t.Errorf("event %v not in UTC", e)
		}
	}
}

// Histories may come newest- or oldest-first, and the embedded changelog
// and comments are used when none are passed.
func TestComplaintOrderAndEmbedded(t *testing.T) {
	issue, hs, cs := sd12(t)
	base, _, err := sd12Mapping.Complaint(issue, hs, cs)
	if err != nil {
		t.Fatal(err)
	}
	rev := slices.Clone(hs)
	slices.Reverse(rev)
	c, _, err := sd12Mapping.Complaint(issue, rev, cs)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(c.Events, base.Events) {
		t.Errorf("events depend on history order")
	}

	var m map[string]any
	if err := json.Unmarshal(issue, &m); err != nil {
		t.Fatal(err)
	}
	m["changelog"] = map[string]any{"histories": hs}
	m["fields"].(map[string]any)["comment"] = map[string]any{"comments": cs}
	embedded, _ := json.Marshal(m)
	c, _, err = sd12Mapping.Complaint(embedded, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(c.Events, base.Events) {
		t.Errorf("embedded changelog/comments give other events")
	}
}

func agileIssues(t *testing.T) map[string]json.RawMessage {
	t.Helper()
	var page struct {
		Issues []json.RawMessage `json:"issues"`
	}
	if err := json.Unmarshal(readFixture(t, "agile-board-issues-changelog.json"), &page); err != nil {
		t.Fatal(err)
	}
	out := map[string]json.RawMessage{}
	for _, raw := range page.Issues {
		var k struct {
			Key string `json:"key"`
		}
		if err := json.Unmarshal(raw, &k); err != nil {
			t.Fatal(err)
		}
		out[k.Key] = raw
	}
	return out
}

func countKind(evs []connectors.Event, k connectors.EventKind) int {
	n := 0
	for _, e := range evs {
		if e.Kind == k {
			n++
		}
	}
	return n
}

// The recorded changelog: Backlog → Done with a resolution item, Medium →
// Low, an assignee set, label changes, self-transitions (Done → Done,
// Backlog → Backlog) and +0000/+0100 offsets. No reopen.
func TestComplaintRecordedChangelog(t *testing.T) {
	issues := agileIssues(t)
	tests := []struct {
		key        string
		resolvedAt time.Time
		statuses   int
		labels     []string
	}{
		{"KP-1", utc("2021-01-09T04:48:34.778Z"), 1, []string{">asd"}},
		{"KP-2", utc("2021-04-29T23:55:09.287Z"), 1, []string{
			">blocker", ">triaged", ">triaged-1", ">triaged-2",
			"blocker>", "triaged>", "triaged-1>", "triaged-2>"}},
		{"KP-7", utc("2021-04-30T01:01:09.162Z"), 1, []string{">blocker", ">triaged", ">triaged-1", ">triaged-2"}},
	}
	// The status "Done" is resolved through the current status's "done"
	// category (id 10002), even though the configured names do not have it.
	m := Mapping{Source: "jira", ResolvedStatuses: []string{"Closed"}}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			c, unmapped, err := m.Complaint(issues[tt.key], nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(unmapped) != 0 {
				t.Errorf("unmapped = %+v", unmapped)
			}
			if !c.ResolvedAt.Equal(tt.resolvedAt) || !c.FirstResolvedAt.Equal(tt.resolvedAt) {
				t.Errorf("ResolvedAt = %v, FirstResolvedAt = %v, want %v", c.ResolvedAt, c.FirstResolvedAt, tt.resolvedAt)
			}
			if c.Reopens != 0 || countKind(c.Events, connectors.EventReopened) != 0 {
				t.Errorf("Reopens = %d, reopened events = %d: a self-transition counted", c.Reopens, countKind(c.Events, connectors.EventReopened))
			}
			if n := countKind(c.Events, connectors.EventResolved); n != 1 {
				t.Errorf("%d resolved events, want 1", n)
			}
			if n := countKind(c.Events, connectors.EventStatus); n != tt.statuses {
				t.Errorf("%d status events, want %d (self-transitions must be dropped)", n, tt.statuses)
			}
			var labels []string
			for _, e := range c.Events {
				if e.Kind == connectors.EventLabel {
					labels = append(labels, e.From+">"+e.To)
				}
				if e.Role != connectors.RoleAgent || e.Actor != "5b86be50b8e3cb5895860d6d" {
					t.Errorf("event %+v: want the agent 5b86be50b8e3cb5895860d6d", e)
				}
			}
			if !slices.Equal(labels, tt.labels) {
				t.Errorf("labels = %q, want %q", labels, tt.labels)
			}
			if c.Escalated || !c.FirstResponseAt.IsZero() {
				t.Errorf("Escalated = %v, FirstResponseAt = %v", c.Escalated, c.FirstResponseAt)
			}
		})
	}

	t.Run("KP-1 priority and assignee", func(t *testing.T) {
		c, _, err := m.Complaint(issues["KP-1"], nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		var pr, as []connectors.Event
		for _, e := range c.Events {
			switch e.Kind {
			case connectors.EventPriority:
				pr = append(pr, e)
			case connectors.EventAssignment:
				as = append(as, e)
			}
		}
		if len(pr) != 1 || pr[0].From != connectors.PriorityNormal || pr[0].To != connectors.PriorityLow ||
			!pr[0].At.Equal(utc("2021-01-09T04:48:39.436Z")) {
			t.Errorf("priority events = %+v, want one normal → low", pr)
		}
		if len(as) != 1 || as[0].From != "" || as[0].To != "5b86be50b8e3cb5895860d6d" {
			t.Errorf("assignment events = %+v", as)
		}
	})

	// Passing the histories explicitly, newest first as recorded, gives
	// the same result as the embedded changelog.
	t.Run("explicit histories", func(t *testing.T) {
		var is struct {
			Changelog struct {
				Histories []json.RawMessage `json:"histories"`
			} `json:"changelog"`
		}
		if err := json.Unmarshal(issues["KP-2"], &is); err != nil {
			t.Fatal(err)
		}
		a, _, err := m.Complaint(issues["KP-2"], nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		b, _, err := m.Complaint(issues["KP-2"], is.Changelog.Histories, nil)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(a.Events, b.Events) || len(a.Events) == 0 {
			t.Errorf("explicit histories differ from embedded")
		}
	})
}

// The recorded comments: 17, all jsdPublic true (10 also role-restricted,
// which is not JSM internal), one with a +0100 offset.
func TestComplaintRecordedComments(t *testing.T) {
	var page struct {
		Comments []json.RawMessage `json:"comments"`
	}
	if err := json.Unmarshal(readFixture(t, "issue-comments-v2-jsdpublic.json"), &page); err != nil {
		t.Fatal(err)
	}
	issue := json.RawMessage(`{"key":"KP-9","fields":{"summary":"x","created":"2021-02-27T20:00:00.000+0000"}}`)

	c, _, err := Mapping{Source: "jira"}.Complaint(issue, nil, page.Comments)
	if err != nil {
		t.Fatal(err)
	}
	if n := countKind(c.Events, connectors.EventComment); n != 17 {
		t.Fatalf("%d comment events, want 17", n)
	}
	for _, e := range c.Events {
		if !e.Public || e.Role != connectors.RoleAgent {
			t.Errorf("comment %+v: want public agent", e)
		}
	}
	if want := utc("2021-02-27T20:33:21.051Z"); !c.FirstResponseAt.Equal(want) {
		t.Errorf("FirstResponseAt = %v, want %v", c.FirstResponseAt, want)
	}
	if c.AgentReplies != 17 {
		t.Errorf("AgentReplies = %d, want 17", c.AgentReplies)
	}
	if !slices.ContainsFunc(c.Events, func(e connectors.Event) bool { return e.At.Equal(utc("2021-04-13T15:58:13.007Z")) }) {
		t.Errorf("the +0100 comment is not at 15:58:13.007Z")
	}

	// The same author as a configured bot, or as the reporter: no response.
	bot, _, err := Mapping{Source: "jira", Bots: []string{"5b86be50b8e3cb5895860d6d"}}.Complaint(issue, nil, page.Comments)
	if err != nil {
		t.Fatal(err)
	}
	reported := json.RawMessage(`{"key":"KP-9","fields":{"reporter":{"accountId":"5b86be50b8e3cb5895860d6d"}}}`)
	cust, _, err := Mapping{Source: "jira"}.Complaint(reported, nil, page.Comments)
	if err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]connectors.Complaint{"bot": bot, "reporter": cust} {
		if !c.FirstResponseAt.IsZero() || c.AgentReplies != 0 {
			t.Errorf("%s: FirstResponseAt = %v, AgentReplies = %d, want none", name, c.FirstResponseAt, c.AgentReplies)
		}
	}
	if cust.Customer != "5b86be50b8e3cb5895860d6d" || cust.Events[0].Role != connectors.RoleCustomer {
		t.Errorf("reporter: Customer = %q, role = %q", cust.Customer, cust.Events[0].Role)
	}
}

func TestComplaintRules(t *testing.T) {
	m := Mapping{
		Source:             "sd",
		EscalationStatuses: []string{"Escalated"},
		EscalationLabels:   []string{"escalate"},
		Priorities:         map[string]string{"P1": connectors.PriorityUrgent, "Medium": connectors.PriorityHigh},
		Kinds:              map[string]string{"Feature request": connectors.KindSuggestion, "bogus": "rant"},
		Categories:         map[string]string{"network": "infra"},
	}
	mk := func(fields string) json.RawMessage {
		return json.RawMessage(`{"key":"SD-1","fields":{"created":"2024-01-01T00:00:00.000+0000"` + fields + `}}`)
	}
	hist := func(created, items string) json.RawMessage {
		return json.RawMessage(`{"id":"1","author":{"accountId":"a1"},"created":"` + created + `","items":[` + items + `]}`)
	}

	t.Run("resolutiondate without a transition", func(t *testing.T) {
		c, _, err := m.Complaint(mk(`,"resolutiondate":"2024-01-03T10:00:00.000+0200"`), nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		if want := utc("2024-01-03T08:00:00Z"); !c.ResolvedAt.Equal(want) || !c.FirstResolvedAt.Equal(want) {
			t.Errorf("ResolvedAt = %v, want %v", c.ResolvedAt, want)
		}
	})
	t.Run("escalation by status, priority override", func(t *testing.T) {
		h := hist("2024-01-02T00:00:00.000+0000",
			`{"field":"status","from":"1","fromString":"Open","to":"9","toString":"Escalated"},
			 {"field":"priority","fromString":"Medium","toString":"P1"}`)
		c, un, err := m.Complaint(mk(`,"priority":{"name":"p1"}`), []json.RawMessage{h}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if !c.Escalated || !c.EscalatedAt.Equal(utc("2024-01-02T00:00:00Z")) {
			t.Errorf("Escalated = %v at %v", c.Escalated, c.EscalatedAt)
		}
		if c.Priority != connectors.PriorityUrgent || len(un) != 0 {
			t.Errorf("Priority = %q, unmapped %+v", c.Priority, un)
		}
		i := slices.IndexFunc(c.Events, func(e connectors.Event) bool { return e.Kind == connectors.EventPriority })
		if i < 0 || c.Events[i].From != connectors.PriorityHigh || c.Events[i].To != connectors.PriorityUrgent {
			t.Errorf("priority event wrong: %+v", c.Events)
		}
	})
	t.Run("escalation label present at creation", func(t *testing.T) {
		c, _, err := m.Complaint(mk(`,"labels":["Escalate"]`), nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		if !c.Escalated || !c.EscalatedAt.Equal(utc("2024-01-01T00:00:00Z")) {
			t.Errorf("Escalated = %v at %v", c.Escalated, c.EscalatedAt)
		}
	})
	t.Run("stray reopen and resolved-to-resolved", func(t *testing.T) {
		hs := []json.RawMessage{
			hist("2024-01-02T00:00:00.000+0000", `{"field":"status","fromString":"Open","toString":"In Progress"}`),
			hist("2024-01-03T00:00:00.000+0000", `{"field":"status","fromString":"In Progress","toString":"Resolved"}`),
			hist("2024-01-04T00:00:00.000+0000", `{"field":"status","fromString":"Resolved","toString":"Closed"}`),
		}
		c, _, err := m.Complaint(mk(``), hs, nil)
		if err != nil {
			t.Fatal(err)
		}
		if countKind(c.Events, connectors.EventResolved) != 1 || c.Reopens != 0 || !c.ResolvedAt.Equal(utc("2024-01-03T00:00:00Z")) {
			t.Errorf("events %+v, Reopens %d, ResolvedAt %v", c.Events, c.Reopens, c.ResolvedAt)
		}
	})
	t.Run("kinds, categories and unmapped", func(t *testing.T) {
		rt := `,"customfield_10010":{"requestType":{"name":"Get help"}}`
		c, un, err := m.Complaint(mk(rt+`,"priority":{"name":"Sev 0"},"labels":["Network"]`), nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		if c.Kind != connectors.KindComplaint || c.Category != "infra" || c.Priority != "" {
			t.Errorf("Kind %q Category %q Priority %q", c.Kind, c.Category, c.Priority)
		}
		want := []Unmapped{{"priority", "Sev 0", "SD-1", ""}, {"requestType", "Get help", "SD-1", ""}}
		if !slices.Equal(un, want) {
			t.Errorf("unmapped = %+v, want %+v", un, want)
		}
		c, _, err = m.Complaint(mk(`,"labels":["feature request","bogus"]`), nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		if c.Kind != connectors.KindSuggestion {
			t.Errorf("Kind = %q, want suggestion from the label", c.Kind)
		}
		c, un, err = m.Complaint(mk(`,"labels":["bogus"]`), nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		if c.Kind != connectors.KindComplaint || !slices.Contains(un, Unmapped{"kind", "rant", "SD-1", ""}) {
			t.Errorf("Kind = %q, unmapped %+v", c.Kind, un)
		}
	})
	t.Run("internal by comment property", func(t *testing.T) {
		cm := json.RawMessage(`{"id":"5","author":{"accountId":"ag"},"created":"2024-01-01T01:00:00.000+0000",
			"properties":[{"key":"sd.public.comment","value":{"internal":true}}]}`)
		c, _, err := m.Complaint(mk(``), nil, []json.RawMessage{cm})
		if err != nil {
			t.Fatal(err)
		}
		if len(c.Events) != 1 || c.Events[0].Public || !c.FirstResponseAt.IsZero() {
			t.Errorf("events %+v", c.Events)
		}
	})
	t.Run("errors", func(t *testing.T) {
		for name, in := range map[string]struct {
			issue string
			hs    []json.RawMessage
			cs    []json.RawMessage
		}{
			"malformed":         {issue: `{"key":`},
			"no key":            {issue: `{"fields":{}}`},
			"bad created":       {issue: `{"key":"SD-1","fields":{"created":"16/Nov/20 2:00 AM"}}`},
			"bad history time":  {issue: `{"key":"SD-1"}`, hs: []json.RawMessage{json.RawMessage(`{"created":"x","items":[]}`)}},
			"bad comment":       {issue: `{"key":"SD-1"}`, cs: []json.RawMessage{json.RawMessage(`[1]`)}},
			"fields not object": {issue: `{"key":"SD-1","fields":[]}`},
		} {
			if _, _, err := m.Complaint(json.RawMessage(in.issue), in.hs, in.cs); err == nil {
				t.Errorf("%s: want error", name)
			}
		}
	})
}
