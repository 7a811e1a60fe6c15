package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kpidesk/kpidesk/internal/linediff"
	"github.com/kpidesk/kpidesk/scoring"
)

// genIssue is one generated service request, written both as Jira JSON
// (Cloud or Data Center, served by a fake JSM) and as a line of kpidesk's
// import format, independently. Roles are the generator's truth: the
// Jira side only says what Jira says (account types on Cloud, nothing on
// Data Center), the import line says the role outright.
type genIssue struct {
	key, summary, priority, assignee, reporter string
	created                                    time.Time
	labels                                     []string
	requestType                                string    // JSM request type's name
	category                                   string    // option of the "Complaint category" select; "" none
	channel                                    [2]string // parent and child of the "Contact channel" cascade; parent "" none
	participants                               []string  // the "Request participants" field
	comments                                   []genComment
	histories                                  []genHistory
	resolved                                   time.Time // final resolution; zero while open
}

type genComment struct {
	at     time.Time
	author string
	role   string // customer, agent, bot
	public bool
}

type genHistory struct {
	at       time.Time
	author   string
	role     string
	field    string // status, assignee or labels
	from, to string
}

// The people: two agents, an automation, customers (reporters) and
// colleagues of theirs who are request participants.
var genNames = map[string]string{"agent-1": "Li Wei", "agent-2": "Wang Fang", "automation": "Automation for Jira"}

func displayName(id string) string {
	if n, ok := genNames[id]; ok {
		return n
	}
	return strings.ToUpper(id[:1]) + strings.ReplaceAll(id[1:], "-", " ")
}

// Values of the select fields and the request type, with what the config
// maps them to. The import lines are written from these tables, not
// through the connector's mapping.
var (
	genCategories   = []string{"Billing", "Delivery", "App problem", "Product quality", ""}
	genRequestTypes = []string{"Report a problem", "Report a problem", "Refund request", "Ask a question"}
	genChannels     = [][2]string{{"Online", "Portal"}, {"Online", "Chat"}, {"Online", "E-mail"}, {"Phone", ""}, {"Social", "WeChat"}, {"", ""}}

	wantCategory = map[string]string{"Billing": "billing", "Delivery": "delivery", "App problem": "usage",
		"Product quality": "product-quality", "Refund request": "billing"}
	wantKind    = map[string]string{"Report a problem": "complaint", "Ask a question": "inquiry"}
	wantChannel = map[string]string{"Online / Portal": "portal", "Online / Chat": "chat", "Online": "email",
		"Phone": "phone", "Social / WeChat": "social"}
)

// genIssues generates n issues created over 2026-01..03 from a fixed seed.
// With dc, the other agent is sometimes a request participant who
// comments: with the agents setting (Data Center) a listed agent stays an
// agent; on Cloud, without it, a participant is a customer, so the Cloud
// data leaves that case out.
func genIssues(n int, dc bool) []genIssue {
	r := rand.New(rand.NewPCG(6, 2026))
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	span := time.Date(2026, 3, 20, 0, 0, 0, 0, time.UTC).Sub(start)
	prios := []string{"Highest", "High", "Medium", "Low"}
	var out []genIssue
	for i := 1; i <= n; i++ {
		created := start.Add(time.Duration(r.Int64N(int64(span/time.Second))) * time.Second)
		is := genIssue{
			key:         fmt.Sprintf("SD-%d", i),
			summary:     fmt.Sprintf("Complaint %d", i),
			priority:    prios[r.IntN(len(prios))],
			assignee:    fmt.Sprintf("agent-%d", 1+r.IntN(2)),
			reporter:    fmt.Sprintf("cust-%d", 1+r.IntN(n/3)), // repeat customers
			created:     created,
			requestType: genRequestTypes[r.IntN(len(genRequestTypes))],
			category:    genCategories[r.IntN(len(genCategories))],
			channel:     genChannels[r.IntN(len(genChannels))],
		}
		other := map[string]string{"agent-1": "agent-2", "agent-2": "agent-1"}[is.assignee]
		secs := func(lo, hi time.Duration) time.Duration {
			return lo + time.Duration(r.Int64N(int64((hi-lo)/time.Second)))*time.Second
		}
		if r.IntN(4) == 0 {
			is.labels = []string{"vip"}
		}
		colleague := ""
		if r.IntN(4) == 0 {
			colleague = fmt.Sprintf("colleague-%d", 1+r.IntN(5))
			is.participants = append(is.participants, colleague)
		}
		agentParticipant := r.IntN(6) == 0 && dc
		if agentParticipant {
			is.participants = append(is.participants, other)
		}
		last := created
		if r.IntN(5) == 0 { // an automation's auto-reply
			is.comments = append(is.comments, genComment{created.Add(time.Minute), "automation", "bot", true})
			last = created.Add(time.Minute)
		}
		if r.IntN(6) == 0 { // an internal note first
			last = last.Add(secs(time.Minute, 2*time.Hour))
			is.comments = append(is.comments, genComment{last, is.assignee, "agent", false})
		}
		if r.IntN(8) == 0 { // the customer chases
			last = last.Add(secs(time.Minute, 3*time.Hour))
			is.comments = append(is.comments, genComment{last, is.reporter, "customer", true})
		}
		if colleague != "" && r.IntN(3) > 0 { // a participant chimes in: a customer
			last = last.Add(secs(time.Minute, 3*time.Hour))
			is.comments = append(is.comments, genComment{last, colleague, "customer", true})
		}
		if agentParticipant && r.IntN(2) == 0 { // the other agent, a participant, answers
			last = last.Add(secs(time.Minute, 6*time.Hour))
			is.comments = append(is.comments, genComment{last, other, "agent", true})
		}
		if r.IntN(100) < 88 { // the public agent reply
			last = last.Add(secs(5*time.Minute, 40*time.Hour))
			is.comments = append(is.comments, genComment{last, is.assignee, "agent", true})
		}
		if r.IntN(5) == 0 { // taken over from the other agent
			at := created.Add(secs(10*time.Minute, 3*time.Hour))
			is.histories = append(is.histories, genHistory{at, is.assignee, "agent", "assignee", other, is.assignee})
			last = later(last, at)
		}
		if r.IntN(100) < 7 { // escalation label added by the agent
			at := created.Add(secs(30*time.Minute, 6*time.Hour))
			after := append(slices.Clone(is.labels), "escalated")
			is.histories = append(is.histories, genHistory{at, is.assignee, "agent", "labels",
				strings.Join(is.labels, " "), strings.Join(after, " ")})
			is.labels = after
			last = later(last, at)
		}
		if r.IntN(100) < 80 {
			at := last.Add(secs(time.Hour, 5*24*time.Hour))
			is.histories = append(is.histories, genHistory{at, is.assignee, "agent", "status", "Open", "Done"})
			if r.IntN(12) == 0 { // reopened by the customer, then resolved again
				re := at.Add(secs(time.Hour, 48*time.Hour))
				at = re.Add(secs(time.Hour, 48*time.Hour))
				is.histories = append(is.histories,
					genHistory{re, is.reporter, "customer", "status", "Done", "Open"},
					genHistory{at, is.assignee, "agent", "status", "Open", "Done"})
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

// partialChangelog and partialComments pick the issues whose changelog
// (both deployments) or comments (Cloud) the search embeds only in part,
// so that the connector reads them in full with a request of their own.
func partialChangelog(i int, is genIssue) bool { return i%15 == 7 && len(is.histories) > 1 }
func partialComments(i int, is genIssue) bool  { return i%10 == 3 && len(is.comments) > 1 }

// jsm is how one deployment writes what Jira says: Cloud by account ID
// with an accountType, Data Center by username (and a user key) without
// one, in the server's own time zone.
type jsm struct {
	dc bool
	tz *time.Location
}

func (d jsm) time(t time.Time) string { return t.In(d.tz).Format(jiraTime) }

func (d jsm) user(id string) map[string]any {
	if d.dc {
		h := fnv.New32a()
		h.Write([]byte(id))
		return map[string]any{"name": id, "key": fmt.Sprintf("JIRAUSER%d", 10000+h.Sum32()%90000),
			"displayName": displayName(id), "active": true}
	}
	// Colleagues who are participants have Jira accounts of their own:
	// only the participants field makes them customers.
	typ := "atlassian"
	switch {
	case strings.HasPrefix(id, "cust-"):
		typ = "customer"
	case id == "automation":
		typ = "app"
	}
	return map[string]any{"accountId": id, "accountType": typ, "displayName": displayName(id), "active": true}
}

// comment is a comment as the search embeds it: Cloud says jsdPublic,
// Data Center says nothing of its visibility.
func (d jsm) comment(i int, c genComment) map[string]any {
	m := map[string]any{"id": fmt.Sprint(10000 + i), "created": d.time(c.at), "updated": d.time(c.at),
		"body": "…", "author": d.user(c.author)}
	if !d.dc {
		m["jsdPublic"] = c.public
	}
	return m
}

// commentWithProperties is a Data Center comment as GET
// issue/{key}/comment?expand=properties gives it: an internal note has the
// sd.public.comment property {"internal": true}; a public comment has none
// or, now and then, {"internal": false}.
func (d jsm) commentWithProperties(i int, c genComment) map[string]any {
	m := d.comment(i, c)
	props := []any{}
	switch {
	case !c.public:
		props = append(props, map[string]any{"key": "sd.public.comment", "value": map[string]any{"internal": true}})
	case i%2 == 1:
		props = append(props, map[string]any{"key": "sd.public.comment", "value": map[string]any{"internal": false}})
	}
	m["properties"] = props
	return m
}

// history is a changelog history of one item. A status item carries the
// status IDs; an assignee item the users' display names as strings and,
// as IDs, their account IDs on Cloud and their user keys (not usernames)
// on Data Center.
func (d jsm) history(i int, h genHistory) map[string]any {
	item := map[string]any{"field": h.field, "fieldtype": "jira", "fromString": h.from, "toString": h.to}
	switch h.field {
	case "status":
		ids := map[string]string{"Open": "1", "Done": "3"}
		item["fieldId"], item["from"], item["to"] = "status", ids[h.from], ids[h.to]
	case "assignee":
		item["fieldId"], item["fromString"], item["toString"] = "assignee", displayName(h.from), displayName(h.to)
		if d.dc {
			item["from"], item["to"] = d.user(h.from)["key"], d.user(h.to)["key"]
		} else {
			item["from"], item["to"], item["tmpFromAccountId"], item["tmpToAccountId"] = h.from, h.to, h.from, h.to
		}
	}
	return map[string]any{"id": fmt.Sprint(500 + i), "created": d.time(h.at), "author": d.user(h.author),
		"items": []any{item}}
}

func (d jsm) comments(is genIssue) []any {
	out := []any{}
	for i, c := range is.comments {
		out = append(out, d.comment(i, c))
	}
	return out
}

func (d jsm) histories(is genIssue) []any {
	out := []any{}
	for i, h := range is.histories {
		out = append(out, d.history(i, h))
	}
	return out
}

// issue is the issue as the search returns it with expand=changelog; i is
// its index, which decides whether the changelog or the comments are
// embedded only in part.
func (d jsm) issue(i int, is genIssue) map[string]any {
	status := map[string]any{"id": "1", "name": "Open", "statusCategory": map[string]any{"key": "new"}}
	var resolution any
	if !is.resolved.IsZero() {
		status = map[string]any{"id": "3", "name": "Done", "statusCategory": map[string]any{"key": "done"}}
		resolution = d.time(is.resolved)
	}
	comments, hists := d.comments(is), d.histories(is)
	if partialComments(i, is) && !d.dc {
		comments = comments[:1]
	}
	if partialChangelog(i, is) {
		hists = hists[:1]
	}
	labels := is.labels
	if labels == nil {
		labels = []string{}
	}
	var category, channel any
	if is.category != "" {
		category = map[string]any{"self": "https://jira.example.com/rest/api/2/customFieldOption/1", "id": "101", "value": is.category}
	}
	if p, c := is.channel[0], is.channel[1]; p != "" {
		ch := map[string]any{"id": "201", "value": p}
		if c != "" {
			ch["child"] = map[string]any{"id": "202", "value": c}
		}
		channel = ch
	}
	participants := []any{}
	for _, p := range is.participants {
		participants = append(participants, d.user(p))
	}
	return map[string]any{"id": strings.TrimPrefix(is.key, "SD-"), "key": is.key,
		"fields": map[string]any{
			"summary": is.summary, "created": d.time(is.created), "updated": d.time(is.updated()),
			"resolutiondate": resolution, "status": status,
			"priority":          map[string]any{"name": is.priority},
			"reporter":          d.user(is.reporter),
			"assignee":          d.user(is.assignee),
			"labels":            labels,
			"components":        []any{},
			"customfield_10010": map[string]any{"requestType": map[string]any{"id": "7", "name": is.requestType}},
			"customfield_10026": participants,
			"customfield_10050": category,
			"customfield_10060": channel,
			"comment":           map[string]any{"startAt": 0, "maxResults": len(comments), "total": len(is.comments), "comments": comments},
		},
		"changelog": map[string]any{"startAt": 0, "maxResults": len(hists), "total": len(is.histories), "histories": hists},
	}
}

// fieldList is GET /rest/api/{3|2}/field: the config names the category
// and channel fields by name.
var fieldList = []any{
	map[string]any{"id": "summary", "name": "Summary", "custom": false},
	map[string]any{"id": "labels", "name": "Labels", "custom": false},
	map[string]any{"id": "customfield_10010", "name": "Customer Request Type", "custom": true,
		"schema": map[string]any{"type": "sd-customerrequesttype", "custom": "com.atlassian.servicedesk:vp-origin"}},
	map[string]any{"id": "customfield_10026", "name": "Request participants", "custom": true,
		"schema": map[string]any{"type": "array", "items": "user", "custom": "com.atlassian.servicedesk:sd-request-participants"}},
	map[string]any{"id": "customfield_10050", "name": "Complaint category", "custom": true,
		"schema": map[string]any{"type": "option", "custom": "com.atlassian.jira.plugin.system.customfieldtypes:select"}},
	map[string]any{"id": "customfield_10060", "name": "Contact channel", "custom": true,
		"schema": map[string]any{"type": "option-with-child", "custom": "com.atlassian.jira.plugin.system.customfieldtypes:cascadingselect"}},
}

// importLine is the same issue written by hand in the import format
// (docs/import-format.md), not through the Jira mapping: the roles are the
// generator's, the category, channel and kind come from the tables above.
func (is genIssue) importLine(base string) map[string]any {
	type ev struct {
		at time.Time
		m  map[string]any
	}
	var evs []ev
	add := func(at time.Time, kind, actor, role string, extra map[string]any) {
		m := map[string]any{"at": at.Format(time.RFC3339), "kind": kind, "actor": actor, "role": role}
		for k, v := range extra {
			m[k] = v
		}
		evs = append(evs, ev{at, m})
	}
	for _, h := range is.histories {
		switch h.field {
		case "status":
			add(h.at, "status", h.author, h.role, map[string]any{"from": h.from, "to": h.to})
			if h.to == "Done" {
				add(h.at, "resolved", h.author, h.role, map[string]any{"from": h.from, "to": h.to})
			} else {
				add(h.at, "reopened", h.author, h.role, map[string]any{"from": h.from, "to": h.to})
			}
		case "assignee":
			add(h.at, "assignment", h.author, h.role, map[string]any{"from": h.from, "to": h.to})
		case "labels":
			add(h.at, "label", h.author, h.role, map[string]any{"to": "escalated"})
			add(h.at, "escalated", h.author, h.role, map[string]any{"to": "escalated"})
		}
	}
	for _, c := range is.comments {
		add(c.at, "comment", c.author, c.role, map[string]any{"public": c.public})
	}
	slices.SortStableFunc(evs, func(a, b ev) int { return a.at.Compare(b.at) })
	events := []any{}
	for _, e := range evs {
		events = append(events, e.m)
	}
	prio := map[string]string{"Highest": "urgent", "High": "high", "Medium": "normal", "Low": "low"}[is.priority]
	kind := wantKind[is.requestType]
	if kind == "" {
		kind = "complaint"
	}
	line := map[string]any{
		"id": "jira:" + is.key, "created_at": is.created.Format(time.RFC3339),
		"priority": prio, "assignee": is.assignee, "assignee_name": genNames[is.assignee],
		"customer": is.reporter, "title": is.summary, "url": base + "/browse/" + is.key, "kind": kind,
		"fields": map[string]any{"request_type": is.requestType},
		"events": events,
	}
	// category_from: [Complaint category, request_type]
	if c := wantCategory[is.category]; c != "" {
		line["category"] = c
	} else if c := wantCategory[is.requestType]; c != "" {
		line["category"] = c
	}
	// channel_from: [Contact channel], "Parent / Child" first, then "Parent"
	if p, c := is.channel[0], is.channel[1]; p != "" {
		if ch, ok := wantChannel[p+" / "+c]; ok && c != "" {
			line["channel"] = ch
		} else if ch, ok := wantChannel[p]; ok {
			line["channel"] = ch
		}
	}
	if len(is.labels) > 0 {
		line["labels"] = is.labels
	}
	return line
}

// fakeJSM serves the generated issues as one deployment of JSM does, only
// what the connector is documented to ask for, and records the requests.
type fakeJSM struct {
	t      *testing.T
	d      jsm
	issues []genIssue
	base   string // context path, "" or "/jira"

	mu       sync.Mutex
	searches []string // Cloud: nextPageToken; Data Center: startAt
	fields   [][]string
	hits     map[string]int // "GET /path" (path below base) → requests
	comments map[string]int // issue key → comment list requests
	logs     map[string]int // issue key → changelog requests
}

const (
	e2eEmail = "e2e@example.com"
	e2eToken = "e2e-token"
	dcPage   = 50 // the page size a Data Center search caps at
)

// people are the IDs of everyone in the generated issues.
func (f *fakeJSM) people() []string {
	seen := map[string]bool{}
	var out []string
	add := func(id string) {
		if id != "" && !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	for _, is := range f.issues {
		add(is.assignee)
		add(is.reporter)
		for _, c := range is.comments {
			add(c.author)
		}
		for _, h := range is.histories {
			add(h.author)
			if h.field == "assignee" {
				add(h.from)
				add(h.to)
			}
		}
	}
	return out
}

// cloudTokens are the nextPageTokens of the Cloud search's pages: 120
// issues, 120 and the rest.
var cloudTokens = []string{"", "tok-2", "tok-3"}

func (f *fakeJSM) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	t := f.t
	if f.d.dc {
		if r.Header.Get("Authorization") != "Bearer "+e2eToken {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
	} else if u, p, ok := r.BasicAuth(); !ok || u != e2eEmail || p != e2eToken {
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	path, ok := strings.CutPrefix(r.URL.Path, f.base+"/rest/")
	if !ok {
		t.Errorf("request outside %s/rest: %s %s", f.base, r.Method, r.URL)
		http.NotFound(w, r)
		return
	}
	f.mu.Lock()
	f.hits[r.Method+" "+path]++
	f.mu.Unlock()
	v := "3"
	if f.d.dc {
		v = "2"
	}
	q := r.URL.Query()
	switch {
	case f.d.dc && r.Method == http.MethodGet && path == "api/2/serverInfo":
		f.json(w, map[string]any{"baseUrl": "https://jira.example.com/jira", "version": "9.12.4",
			"deploymentType": "Server", "serverTitle": "Service Desk"})
	case r.Method == http.MethodGet && path == "api/"+v+"/field":
		f.json(w, fieldList)
	case f.d.dc && r.Method == http.MethodGet && path == "api/2/user":
		// A user by key: the assignee a changelog item names by key that
		// no payload of the issue carries.
		for _, id := range f.people() {
			if u := f.d.user(id); u["key"] == q.Get("key") {
				f.json(w, u)
				return
			}
		}
		http.NotFound(w, r)
	case r.Method == http.MethodPost && !f.d.dc && path == "api/3/search/jql":
		f.cloudSearch(w, r)
	case r.Method == http.MethodPost && f.d.dc && path == "api/2/search":
		f.dcSearch(w, r)
	case r.Method == http.MethodGet && strings.HasPrefix(path, "api/"+v+"/issue/"):
		key, what, _ := strings.Cut(strings.TrimPrefix(path, "api/"+v+"/issue/"), "/")
		i := slices.IndexFunc(f.issues, func(is genIssue) bool { return is.key == key })
		if i < 0 {
			t.Errorf("request for unknown issue: %s", r.URL)
			http.NotFound(w, r)
			return
		}
		is := f.issues[i]
		switch {
		case what == "comment" && f.d.dc:
			// One request per issue with comments, their visibility
			// expanded: never one per comment.
			if q.Get("expand") != "properties" || q.Get("startAt") != "0" {
				t.Errorf("Data Center comments read as %s, want startAt=0 and expand=properties", r.URL)
			}
			var cs []any
			for j, c := range is.comments {
				cs = append(cs, f.d.commentWithProperties(j, c))
			}
			f.count(&f.comments, key)
			f.json(w, map[string]any{"startAt": 0, "maxResults": 100, "total": len(cs), "comments": cs})
		case what == "comment":
			if q.Get("startAt") != "0" {
				t.Errorf("Cloud comments read as %s, want startAt=0", r.URL)
			}
			f.count(&f.comments, key)
			f.json(w, map[string]any{"startAt": 0, "maxResults": 100, "total": len(is.comments), "comments": f.d.comments(is)})
		case what == "changelog" && !f.d.dc:
			f.count(&f.logs, key)
			hs := f.d.histories(is)
			f.json(w, map[string]any{"startAt": 0, "maxResults": 100, "total": len(hs), "isLast": true, "values": hs})
		case what == "" && f.d.dc && q.Get("expand") == "changelog":
			// Data Center has no changelog endpoint: the issue embeds it.
			f.count(&f.logs, key)
			hs := f.d.histories(is)
			f.json(w, map[string]any{"key": key, "fields": map[string]any{"updated": f.d.time(is.updated())},
				"changelog": map[string]any{"startAt": 0, "maxResults": len(hs), "total": len(hs), "histories": hs}})
		default:
			t.Errorf("unexpected request %s %s", r.Method, r.URL)
			http.NotFound(w, r)
		}
	default:
		t.Errorf("unexpected request %s %s", r.Method, r.URL)
		http.NotFound(w, r)
	}
}

func (f *fakeJSM) count(m *map[string]int, key string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	(*m)[key]++
}

func (f *fakeJSM) json(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	if err := json.NewEncoder(w).Encode(v); err != nil {
		f.t.Errorf("encode response: %v", err)
	}
}

// searchRequest is either search's body.
type searchRequest struct {
	JQL           string          `json:"jql"`
	Fields        []string        `json:"fields"`
	StartAt       int             `json:"startAt"`
	MaxResults    int             `json:"maxResults"`
	NextPageToken string          `json:"nextPageToken"`
	Expand        json.RawMessage `json:"expand"`
}

func (f *fakeJSM) decodeSearch(w http.ResponseWriter, r *http.Request, expand string) (searchRequest, bool) {
	var req searchRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return req, false
	}
	if string(req.Expand) != expand {
		f.t.Errorf("search expand = %s, want %s", req.Expand, expand)
	}
	f.mu.Lock()
	f.fields = append(f.fields, req.Fields)
	f.mu.Unlock()
	return req, true
}

func (f *fakeJSM) page(from, to int) []any {
	var out []any
	for i := from; i < to; i++ {
		out = append(out, f.d.issue(i, f.issues[i]))
	}
	return out
}

func (f *fakeJSM) cloudSearch(w http.ResponseWriter, r *http.Request) {
	req, ok := f.decodeSearch(w, r, `"changelog"`)
	if !ok {
		return
	}
	i := slices.Index(cloudTokens, req.NextPageToken)
	if i < 0 {
		http.Error(w, "bad token", http.StatusBadRequest)
		return
	}
	f.mu.Lock()
	f.searches = append(f.searches, req.NextPageToken)
	f.mu.Unlock()
	bounds := []int{0, 120, 240, len(f.issues)}
	page := map[string]any{"issues": f.page(bounds[i], bounds[i+1]), "isLast": i == len(cloudTokens)-1}
	if i < len(cloudTokens)-1 {
		page["nextPageToken"] = cloudTokens[i+1]
	}
	f.json(w, page)
}

func (f *fakeJSM) dcSearch(w http.ResponseWriter, r *http.Request) {
	req, ok := f.decodeSearch(w, r, `["changelog"]`)
	if !ok {
		return
	}
	f.mu.Lock()
	f.searches = append(f.searches, strconv.Itoa(req.StartAt))
	f.mu.Unlock()
	from := min(req.StartAt, len(f.issues))
	to := min(from+min(req.MaxResults, dcPage), len(f.issues))
	f.json(w, map[string]any{"startAt": from, "maxResults": dcPage, "total": len(f.issues), "issues": f.page(from, to)})
}

// TestJiraSyncMatchesImport: a few hundred generated issues synced from a
// fake JSM, Cloud and Data Center, score exactly as the same complaints
// imported as JSONL. The category comes from a single select and the
// channel from a cascading select, both named in the config by field
// name; a request participant who comments is a customer; the agents are
// shown by the assignee's display name.
func TestJiraSyncMatchesImport(t *testing.T) {
	for _, tc := range []struct {
		name string
		dc   bool
	}{
		{name: "cloud"},
		{name: "datacenter", dc: true},
	} {
		t.Run(tc.name, func(t *testing.T) { testJiraSyncMatchesImport(t, tc.dc) })
	}
}

func testJiraSyncMatchesImport(t *testing.T, dc bool) {
	issues := genIssues(300, dc)
	fake := &fakeJSM{t: t, d: jsm{dc: dc, tz: time.UTC}, issues: issues,
		hits: map[string]int{}, comments: map[string]int{}, logs: map[string]int{}}
	if dc {
		// A Data Center server under a context path, in its own zone.
		fake.base, fake.d.tz = "/jira", time.FixedZone("CST", 8*3600)
	}
	srv := httptest.NewServer(fake)
	defer srv.Close()
	baseURL := srv.URL + fake.base

	// Cloud: account types tell customers, apps and agents apart, and the
	// participants field makes colleagues with Jira accounts customers.
	// Data Center: no account types; agents and bots are listed by
	// username, and the deployment is detected from serverInfo.
	source := `{name: jira, type: jira, base_url: "URL", deployment: cloud, email_env: KPIDESK_E2E_EMAIL, token_env: KPIDESK_E2E_TOKEN,`
	if dc {
		source = `{name: jira, type: jira, base_url: "URL", token_env: KPIDESK_E2E_TOKEN, agents: [agent-1, agent-2], bots: [automation],`
	}
	yaml := strings.ReplaceAll(`version: 1
calendar: office
calendars:
  office:
    timezone: UTC
    hours: {mon-fri: ["09:00-17:00"]}
sources:
  - SOURCE
     projects: [SD], escalation_labels: [escalated],
     request_type_field: customfield_10010, participants_field: customfield_10026,
     kinds: {Report a problem: complaint, ask a question: inquiry},
     category_from: [Complaint category, request_type],
     categories: {Billing: billing, Delivery: delivery, App problem: usage, product quality: product-quality, Refund request: billing},
     channel_from: [contact channel],
     channels: {"Online / Portal": portal, "online / chat": chat, Online: email, Phone: phone, "Social / WeChat": social}}
metrics:
  ftr_rate: {max_replies: 1}
  escalation_rate: {by: [event]}
  repeat_rate: {window: 720h}
  response_rate:
    deadlines:
      - {channel: [chat], within: 1h}
      - {channel: [phone], within: 4h, clock: business}
      - {category: [billing], within: 8h}
      - {within: 24h}
scorecards:
  - id: e2e
    units: [agent, org]
    items:
      - {metric: response_rate, weight: 0.3, rule: {type: linear, target: 100%, floor: 0%}}
      - {metric: ftr_rate, weight: 0.25, rule: {type: linear, target: 90%, floor: 30%}}
      - {metric: escalation_rate, weight: 0.1, rule: {type: linear, direction: lower, target: 5%, floor: 20%}}
      - {metric: handling_time, weight: 0.2, rule: {type: linear, direction: lower, target: 1wd, floor: 6wd}}
      - {metric: repeat_rate, weight: 0.15, rule: {type: linear, direction: lower, target: 5%, floor: 30%}}
`, "SOURCE", source)
	yaml = strings.ReplaceAll(yaml, "URL", baseURL)
	dir := t.TempDir()
	cfg := filepath.Join(dir, "kpidesk.yaml")
	if err := os.WriteFile(cfg, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	if !dc {
		t.Setenv("KPIDESK_E2E_EMAIL", e2eEmail)
	}
	t.Setenv("KPIDESK_E2E_TOKEN", e2eToken)

	var jsonl bytes.Buffer
	enc := json.NewEncoder(&jsonl)
	for _, is := range issues {
		if err := enc.Encode(is.importLine(baseURL)); err != nil {
			t.Fatal(err)
		}
	}
	file := filepath.Join(dir, "complaints.jsonl")
	if err := os.WriteFile(file, jsonl.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}

	ctx := context.Background()
	exec := func(t *testing.T, args ...string) string {
		t.Helper()
		var out, errb bytes.Buffer
		if code := run(ctx, args, &out, &errb); code != 0 {
			t.Fatalf("kpidesk %s exited %d: %s", strings.Join(args, " "), code, errb.String())
		}
		return out.String()
	}
	dbA, dbB := filepath.Join(dir, "a.db"), filepath.Join(dir, "b.db")
	if got := exec(t, "sync", "--config", cfg, "--store", dbA); !strings.Contains(got, "300 complaints") {
		t.Errorf("sync printed %q, want 300 complaints", got)
	}
	checkRequests(t, fake)
	// Every value of the select fields and request types is mapped: the
	// sync lists nothing on the data-quality page.
	if ps := storeProblems(t, dbA); len(ps) > 0 {
		t.Errorf("sync recorded problems %q, want none", ps)
	}
	if got := exec(t, "import", file, "--source", "jira", "--config", cfg, "--store", dbB); !strings.Contains(got, "imported 300, skipped 0") {
		t.Errorf("import printed %q, want 300 imported", got)
	}
	score := func(t *testing.T, asOf string) (scores, evidence [2][]byte) {
		t.Helper()
		for i, db := range []string{dbA, dbB} {
			out := filepath.Join(dir, fmt.Sprintf("out-%s-%d", strings.ReplaceAll(asOf, ":", ""), i))
			exec(t, "score", "--config", cfg, "--store", db, "--out", out, "--as-of", asOf, "--ids", "-q")
			scores[i], evidence[i] = readOutput(t, out, "scores.json"), readOutput(t, out, "evidence.jsonl")
		}
		return scores, evidence
	}
	compare := func(t *testing.T, asOf string, scores, evidence [2][]byte) {
		t.Helper()
		if !bytes.Equal(scores[0], scores[1]) {
			t.Errorf("as of %s, scores.json differs between sync and import:\n%s", asOf, linediff.First(scores[0], scores[1], "sync", "import"))
		}
		if !bytes.Equal(evidence[0], evidence[1]) {
			t.Errorf("as of %s, evidence.jsonl differs between sync and import:\n%s", asOf, linediff.First(evidence[0], evidence[1], "sync", "import"))
		}
	}

	scores, evidence := score(t, "2026-04-01")
	checkExercised(t, issues, scores[0], dc)
	compare(t, "2026-04-01", scores, evidence)

	// As of a minute after the creation of issues that another agent
	// handed over later, each is the first agent's: the assignee is
	// rewound through the changelog's assignee items.
	t.Run("before a handover", func(t *testing.T) {
		// On Data Center the changelog's assignee items give user keys
		// (JIRAUSER…); the connector maps them to the usernames of the
		// users the issue's payloads carry.
		n := 0
		for _, is := range issues {
			i := slices.IndexFunc(is.histories, func(h genHistory) bool { return h.field == "assignee" })
			if i < 0 || !is.histories[i].at.After(is.created.Add(time.Minute)) {
				continue
			}
			asOf := is.created.Add(time.Minute).Format(time.RFC3339)
			scores, evidence := score(t, asOf)
			compare(t, asOf, scores, evidence)
			if n++; n == 3 {
				break
			}
		}
		if n == 0 {
			t.Fatal("no issue was handed over")
		}
	})
}

func readOutput(t *testing.T, dir, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// checkRequests checks that the sync asked for what the connector is
// documented to ask for, no more: every search page once with the mapped
// fields, the field list, Data Center's comments once per issue with
// comments, and the partial changelogs and comment lists once each.
func checkRequests(t *testing.T, f *fakeJSM) {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	var wantPages []string
	if f.d.dc {
		for i := 0; i < len(f.issues); i += dcPage {
			wantPages = append(wantPages, strconv.Itoa(i))
		}
	} else {
		wantPages = cloudTokens
	}
	if !slices.Equal(f.searches, wantPages) {
		t.Errorf("search pages served %q, want %q", f.searches, wantPages)
	}
	for _, fields := range f.fields {
		for _, want := range []string{"customfield_10010", "customfield_10026", "customfield_10050", "customfield_10060"} {
			if !slices.Contains(fields, want) {
				t.Errorf("search fields %q lack %s", fields, want)
			}
		}
	}
	v := "3"
	if f.d.dc {
		v = "2"
		if n := f.hits["GET api/2/serverInfo"]; n != 1 {
			t.Errorf("serverInfo read %d times, want once", n)
		}
	}
	if n := f.hits["GET api/"+v+"/field"]; n != 1 {
		t.Errorf("field list read %d times, want once", n)
	}
	wantComments, wantLogs := map[string]int{}, map[string]int{}
	for i, is := range f.issues {
		if (f.d.dc && len(is.comments) > 0) || (!f.d.dc && partialComments(i, is)) {
			wantComments[is.key] = 1
		}
		if partialChangelog(i, is) {
			wantLogs[is.key] = 1
		}
	}
	if len(wantLogs) == 0 || len(wantComments) == 0 {
		t.Errorf("no partial changelogs (%d) or comment reads (%d) to test", len(wantLogs), len(wantComments))
	}
	for _, c := range []struct {
		what      string
		got, want map[string]int
	}{{"comment lists", f.comments, wantComments}, {"changelogs", f.logs, wantLogs}} {
		for k, n := range c.got {
			if n != c.want[k] {
				t.Errorf("%s of %s read %d times, want %d", c.what, k, n, c.want[k])
			}
		}
		for k := range c.want {
			if c.got[k] == 0 {
				t.Errorf("%s of %s never read", c.what, k)
			}
		}
	}
}

// checkExercised checks that the data exercises what is compared: every
// org metric has a sample; some complaints were escalated, reopened,
// unanswered; participants commented before the first response; every
// category and channel was seen; and the agents are named by the display
// names the assignees carry.
func checkExercised(t *testing.T, issues []genIssue, scores []byte, dc bool) {
	t.Helper()
	sc, err := scoring.ReadJSON(bytes.NewReader(scores))
	if err != nil {
		t.Fatal(err)
	}
	months := 0
	for _, c := range sc.Scorecards {
		switch {
		case c.Unit.Kind == scoring.UnitAgent:
			if want := genNames[c.Unit.ID]; c.Unit.Name != want {
				t.Errorf("%s agent %s is named %q, want %q (its displayName)", c.Period, c.Unit.ID, c.Unit.Name, want)
			}
		case c.Unit.Kind != scoring.UnitOrg || !slices.Contains([]string{"2026-01", "2026-02", "2026-03"}, c.Period):
			continue
		}
		if c.Unit.Kind != scoring.UnitOrg {
			continue
		}
		months++
		for _, m := range []string{"response_rate", "ftr_rate", "escalation_rate", "handling_time", "repeat_rate"} {
			if r, ok := c.Metrics[m]; !ok || r.Denominator == 0 {
				t.Errorf("%s org %s: no sample (%+v)", c.Period, m, r)
			}
		}
	}
	if months != 3 {
		t.Errorf("%d monthly org scorecards, want 3", months)
	}
	cats, chans := map[string]bool{}, map[string]bool{}
	for _, byCat := range sc.Mix.Categories {
		for c := range byCat {
			cats[c] = true
		}
	}
	for _, byChan := range sc.Mix.Channels {
		for c := range byChan {
			chans[c] = true
		}
	}
	for _, c := range []string{"billing", "delivery", "usage", "product-quality"} {
		if !cats[c] {
			t.Errorf("category %s never in the mix %v", c, cats)
		}
	}
	for _, c := range []string{"portal", "chat", "email", "phone", "social"} {
		if !chans[c] {
			t.Errorf("channel %s never in the mix %v", c, chans)
		}
	}

	var esc, reopen, unanswered, participant, agentParticipant int
	for _, is := range issues {
		if slices.Contains(is.labels, "escalated") {
			esc++
		}
		if slices.ContainsFunc(is.histories, func(h genHistory) bool { return h.to == "Open" }) {
			reopen++
		}
		first := slices.IndexFunc(is.comments, func(c genComment) bool { return c.role == "agent" && c.public })
		if first < 0 {
			unanswered++
			first = len(is.comments)
		}
		for _, c := range is.comments[:first] {
			if slices.Contains(is.participants, c.author) && c.role == "customer" && c.public {
				participant++
				break
			}
		}
		if slices.ContainsFunc(is.comments, func(c genComment) bool {
			return c.role == "agent" && slices.Contains(is.participants, c.author)
		}) {
			agentParticipant++
		}
	}
	if esc == 0 || reopen == 0 || unanswered == 0 || participant == 0 || (dc && agentParticipant == 0) {
		t.Fatalf("generator too tame: %d escalated, %d reopened, %d unanswered, %d with a participant's comment before the first response, %d with an agent participant's comment",
			esc, reopen, unanswered, participant, agentParticipant)
	}
}
