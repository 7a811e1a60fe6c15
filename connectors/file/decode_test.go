package file

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/kpidesk/kpidesk/connectors"
)

// ts parses an RFC 3339 time for a test's want value, in UTC.
func ts(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t.UTC()
}

// decodeAll decodes in and returns the complaints passed to fn.
func decodeAll(t *testing.T, name, in string, opt Options) ([]connectors.Complaint, Result) {
	t.Helper()
	var got []connectors.Complaint
	res, err := Decode(strings.NewReader(in), name, opt, func(c *connectors.Complaint) error {
		got = append(got, *c)
		return nil
	})
	if err != nil {
		t.Fatalf("Decode(%s): %v", name, err)
	}
	return got, res
}

func problemTexts(ps []Problem) []string {
	var s []string
	for _, p := range ps {
		s = append(s, p.Error())
	}
	return s
}

func readFixture(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// fullWant is what testdata/full.jsonl decodes to.
var fullWant = []connectors.Complaint{
	{
		ID: "file:SD-1", Source: "file", Key: "SD-1",
		URL:   "https://help.example.com/tickets/1",
		Title: `Refund not received — "again"`,
		Kind:  "complaint", Category: "billing", Channel: "email", Priority: "high",
		Customer: "cust-42", Organization: "Acme",
		Assignee: "li.wei", Team: "tier1", Department: "service",
		CreatedAt:       ts("2026-03-02T01:00:00Z"),
		FirstResponseAt: ts("2026-03-02T01:30:00Z"),
		FirstResolvedAt: ts("2026-03-03T02:00:00.5Z"),
		ResolvedAt:      ts("2026-03-03T02:00:00.5Z"),
		Reopens:         1,
		Escalated:       true,
		EscalatedAt:     ts("2026-03-02T04:00:00Z"),
		AgentReplies:    2,
		Labels:          []string{"refund", "vip"},
		Components:      []string{"Payments", "Mobile App"}, // the empty one is dropped
		CSAT:            &connectors.CSAT{Value: 4, Scale: 5, At: ts("2026-03-04T08:00:00Z"), Comment: "ok in the end"},
		Fields: map[string]any{
			"refund_dispute": true, "order": "A-77", "amount": 12.5,
			"tags": []any{"a", 1.0, nil}, "nested": map[string]any{"k": "v"},
		},
	},
	{
		ID: "file:SD-2", Source: "file", Key: "SD-2", Kind: "complaint", Priority: "urgent",
		CreatedAt:       ts("2026-03-02T01:00:00Z"),
		FirstResponseAt: ts("2026-03-02T01:30:00Z"), // not the customer's, the bot's or the internal note
		FirstResolvedAt: ts("2026-03-02T03:00:00Z"),
		ResolvedAt:      ts("2026-03-02T06:00:00Z"),
		Reopens:         0, // explicit, wins over the reopen event
		Escalated:       true,
		EscalatedAt:     ts("2026-03-02T02:00:00Z"),
		AgentReplies:    1,
		Events: []connectors.Event{
			{At: ts("2026-03-02T01:00:00Z"), Kind: "comment", Actor: "cust-7", Role: "customer", Public: true},
			{At: ts("2026-03-02T01:00:05Z"), Kind: "comment", Actor: "autoreply", Role: "bot", Public: true},
			{At: ts("2026-03-02T01:20:00Z"), Kind: "comment", Actor: "wang.fang", Role: "agent"},
			{At: ts("2026-03-02T01:30:00Z"), Kind: "comment", Actor: "wang.fang", Role: "agent", Public: true},
			{At: ts("2026-03-02T02:00:00Z"), Kind: "escalated", Actor: "wang.fang", Role: "agent", To: "tier2"},
			{At: ts("2026-03-02T03:00:00Z"), Kind: "resolved", Actor: "wang.fang", Role: "agent"},
			{At: ts("2026-03-02T04:00:00Z"), Kind: "reopened", Actor: "cust-7", Role: "customer"},
			{At: ts("2026-03-02T05:00:00Z"), Kind: "status", Actor: "wang.fang", Role: "agent", From: "open", To: "pending"},
			{At: ts("2026-03-02T06:00:00Z"), Kind: "resolved", Actor: "wang.fang", Role: "agent"},
		},
	},
	{
		ID: "file:12345", Source: "file", Key: "12345", Kind: "complaint",
		CreatedAt: ts("2026-03-05T15:00:00Z"),
		CSAT:      &connectors.CSAT{Value: 3, Scale: 5},
	},
}

func TestDecodeJSONLEveryField(t *testing.T) {
	got, res := decodeAll(t, "full.jsonl", readFixture(t, "full.jsonl"), Options{})
	if len(res.Problems) > 0 {
		t.Fatalf("problems: %q", problemTexts(res.Problems))
	}
	if diff := cmp.Diff(fullWant, got); diff != "" {
		t.Errorf("Decode(full.jsonl) mismatch (-want +got):\n%s", diff)
	}
	want := Result{Format: FormatJSONL, Read: 3, OK: 3, AsOf: ts("2026-03-05T15:00:00Z")}
	if diff := cmp.Diff(want, res); diff != "" {
		t.Errorf("Result mismatch (-want +got):\n%s", diff)
	}
	for _, c := range got {
		for _, tm := range []time.Time{c.CreatedAt, c.FirstResponseAt, c.ResolvedAt, c.EscalatedAt} {
			if !tm.IsZero() && tm.Location() != time.UTC {
				t.Errorf("%s: time %v is not in UTC", c.ID, tm)
			}
		}
	}
}

func TestDecodeSource(t *testing.T) {
	line := `{"id":"%s","created_at":"2026-03-01T00:00:00Z"}` + "\n"
	tests := []struct {
		name, source, id     string
		wantID, wantKey, src string
	}{
		{name: "default source", id: "A-1", wantID: "file:A-1", wantKey: "A-1", src: "file"},
		{name: "already prefixed", id: "file:A-1", wantID: "file:A-1", wantKey: "A-1", src: "file"},
		{name: "own source", source: "zendesk", id: "981", wantID: "zendesk:981", wantKey: "981", src: "zendesk"},
		{name: "other source prefix is part of the key", source: "zendesk", id: "jira:SD-1", wantID: "zendesk:jira:SD-1", wantKey: "jira:SD-1", src: "zendesk"},
		{name: "trimmed", id: "  A-2 ", wantID: "file:A-2", wantKey: "A-2", src: "file"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, res := decodeAll(t, "in.jsonl", strings.Replace(line, "%s", tc.id, 1), Options{Source: tc.source})
			if len(got) != 1 {
				t.Fatalf("got %d complaints, problems %q", len(got), problemTexts(res.Problems))
			}
			c := got[0]
			if c.ID != tc.wantID || c.Key != tc.wantKey || c.Source != tc.src {
				t.Errorf("ID, Key, Source = %q, %q, %q, want %q, %q, %q", c.ID, c.Key, c.Source, tc.wantID, tc.wantKey, tc.src)
			}
		})
	}
}

// derivedOf collects the fields Derive computes, for comparing.
func derivedOf(c connectors.Complaint) connectors.Derived {
	return connectors.Derived{
		FirstResponseAt: c.FirstResponseAt, FirstResolvedAt: c.FirstResolvedAt, ResolvedAt: c.ResolvedAt,
		Reopens: c.Reopens, AgentReplies: c.AgentReplies, Escalated: c.Escalated, EscalatedAt: c.EscalatedAt,
	}
}

func TestDerivedPrecedence(t *testing.T) {
	// Events: agent reply 01:00, resolved 02:00, reopened 03:00, agent reply
	// 03:30, escalated 04:00, resolved 05:00.
	const events = `"events":[` +
		`{"at":"2026-03-02T00:30:00Z","kind":"comment","role":"customer","public":true},` +
		`{"at":"2026-03-02T01:00:00Z","kind":"comment","role":"agent","public":true},` +
		`{"at":"2026-03-02T02:00:00Z","kind":"resolved"},` +
		`{"at":"2026-03-02T03:00:00Z","kind":"reopened"},` +
		`{"at":"2026-03-02T03:30:00Z","kind":"comment","role":"agent","public":true},` +
		`{"at":"2026-03-02T04:00:00Z","kind":"escalated"},` +
		`{"at":"2026-03-02T05:00:00Z","kind":"resolved"}]`
	derived := connectors.Derived{
		FirstResponseAt: ts("2026-03-02T01:00:00Z"), FirstResolvedAt: ts("2026-03-02T02:00:00Z"),
		ResolvedAt: ts("2026-03-02T05:00:00Z"), Reopens: 1, AgentReplies: 1,
		Escalated: true, EscalatedAt: ts("2026-03-02T04:00:00Z"),
	}
	with := func(f func(*connectors.Derived)) connectors.Derived {
		d := derived
		f(&d)
		return d
	}
	tests := []struct {
		name   string
		fields string // after id and created_at
		want   connectors.Derived
	}{
		{name: "all derived", fields: events, want: derived},
		{name: "explicit first response wins", fields: `"first_response_at":"2026-03-02T00:45:00Z",` + events,
			want: with(func(d *connectors.Derived) { d.FirstResponseAt = ts("2026-03-02T00:45:00Z") })},
		{name: "explicit null resolved_at means open", fields: events + `,"resolved_at":null`,
			want: with(func(d *connectors.Derived) { d.ResolvedAt = time.Time{} })},
		{name: "empty string resolved_at is null", fields: `"resolved_at":"",` + events,
			want: with(func(d *connectors.Derived) { d.ResolvedAt = time.Time{} })},
		{name: "explicit later resolution", fields: `"resolved_at":"2026-03-03T00:00:00Z",` + events,
			want: with(func(d *connectors.Derived) { d.ResolvedAt = ts("2026-03-03T00:00:00Z") })},
		{name: "explicit resolution before the events' first one", fields: `"resolved_at":"2026-03-02T01:30:00Z",` + events,
			want: with(func(d *connectors.Derived) {
				d.ResolvedAt = ts("2026-03-02T01:30:00Z")
				d.FirstResolvedAt = ts("2026-03-02T01:30:00Z")
			})},
		{name: "explicit counts", fields: `"reopens":0,"agent_replies":4,` + events,
			want: with(func(d *connectors.Derived) { d.Reopens, d.AgentReplies = 0, 4 })},
		{name: "null counts are zero", fields: `"reopens":null,"agent_replies":null,` + events,
			want: with(func(d *connectors.Derived) { d.Reopens, d.AgentReplies = 0, 0 })},
		{name: "explicit not escalated", fields: `"escalated":false,` + events,
			want: with(func(d *connectors.Derived) { d.Escalated, d.EscalatedAt = false, time.Time{} })},
		{name: "explicit escalation time", fields: `"escalated_at":"2026-03-02T03:45:00Z",` + events,
			want: with(func(d *connectors.Derived) { d.EscalatedAt = ts("2026-03-02T03:45:00Z") })},
		{name: "escalated without an escalation event", fields: `"escalated":true,"events":[{"at":"2026-03-02T01:00:00Z","kind":"comment","role":"agent","public":true}]`,
			want: connectors.Derived{FirstResponseAt: ts("2026-03-02T01:00:00Z"), AgentReplies: 1, Escalated: true}},
		{name: "events out of order", fields: `"events":[{"at":"2026-03-02T05:00:00Z","kind":"resolved"},{"at":"2026-03-02T01:00:00Z","kind":"comment","role":"agent","public":true}]`,
			want: connectors.Derived{FirstResponseAt: ts("2026-03-02T01:00:00Z"), FirstResolvedAt: ts("2026-03-02T05:00:00Z"), ResolvedAt: ts("2026-03-02T05:00:00Z"), AgentReplies: 1}},
		{name: "events without resolution, explicit resolved_at", fields: `"resolved_at":"2026-03-02T06:00:00Z","events":[{"at":"2026-03-02T01:00:00Z","kind":"comment","role":"agent","public":true}]`,
			want: connectors.Derived{FirstResponseAt: ts("2026-03-02T01:00:00Z"), FirstResolvedAt: ts("2026-03-02T06:00:00Z"), ResolvedAt: ts("2026-03-02T06:00:00Z"), AgentReplies: 1}},
		{name: "empty events are no events", fields: `"resolved_at":"2026-03-02T06:00:00Z","events":[]`,
			want: connectors.Derived{FirstResolvedAt: ts("2026-03-02T06:00:00Z"), ResolvedAt: ts("2026-03-02T06:00:00Z")}},
		{name: "no events: as given", fields: `"first_response_at":"2026-03-02T01:00:00Z","resolved_at":"2026-03-02T06:00:00Z","reopens":2,"agent_replies":3,"escalated":true,"escalated_at":"2026-03-02T02:00:00Z"`,
			want: connectors.Derived{FirstResponseAt: ts("2026-03-02T01:00:00Z"), FirstResolvedAt: ts("2026-03-02T06:00:00Z"), ResolvedAt: ts("2026-03-02T06:00:00Z"), Reopens: 2, AgentReplies: 3, Escalated: true, EscalatedAt: ts("2026-03-02T02:00:00Z")}},
		{name: "no events: nothing", fields: `"title":"open"`, want: connectors.Derived{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := `{"id":"A","created_at":"2026-03-02T00:00:00Z",` + tc.fields + "}\n"
			got, res := decodeAll(t, "in.jsonl", in, Options{})
			if len(got) != 1 {
				t.Fatalf("got %d complaints, problems %q", len(got), problemTexts(res.Problems))
			}
			if diff := cmp.Diff(tc.want, derivedOf(got[0])); diff != "" {
				t.Errorf("derived fields mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDecodeProblems(t *testing.T) {
	const ok = `"id":"A","created_at":"2026-03-02T00:00:00Z"`
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{name: "truncated JSON", in: `{"id":"A",`,
			want: []string{`in.jsonl:1: (line): invalid JSON: unexpected end of line (column 11)`}},
		{name: "bad token", in: `{"id":"A", "created_at": nope}`,
			want: []string{`in.jsonl:1: (line): invalid JSON: invalid character 'o' in literal null (expecting 'u') (column 27)`}},
		{name: "not an object", in: `["A"]`,
			want: []string{`in.jsonl:1: (line): invalid JSON: want an object with one complaint per line, got an array`}},
		{name: "data after the object", in: `{` + ok + `} {}`,
			want: []string{`in.jsonl:1: (line): invalid JSON: unexpected data after the object`}},
		{name: "duplicate key", in: `{` + ok + `,"id":"B"}`,
			want: []string{`in.jsonl:1: (line): invalid JSON: duplicate object member name "id"`}},
		{name: "invalid UTF-8", in: `{` + ok + ",\"title\":\"caf\xe9\"}",
			want: []string{`in.jsonl:1: (line): invalid JSON: invalid UTF-8 (column 59)`}},
		{name: "required", in: `{"title":"x"}`,
			want: []string{`in.jsonl:1: id: required`, `in.jsonl:1: created_at: required`}},
		{name: "null required", in: `{"id":null,"created_at":null}`,
			want: []string{`in.jsonl:1: id: required`, `in.jsonl:1: created_at: required`}},
		{name: "id of the wrong type", in: `{"id":true,"created_at":"2026-03-02T00:00:00Z"}`,
			want: []string{`in.jsonl:1: id: want a string, got true`}},
		{name: "id that is only the prefix", in: `{"id":"file:","created_at":"2026-03-02T00:00:00Z"}`,
			want: []string{`in.jsonl:1: id: "file:" has nothing after the source prefix`}},
		{name: "time without offset", in: `{"id":"A","created_at":"2026-03-02T09:00:00"}`,
			want: []string{`in.jsonl:1: created_at: time "2026-03-02T09:00:00" has no UTC offset: add Z or ±hh:mm, e.g. 2026-03-01T09:30:00+08:00`}},
		{name: "malformed time", in: `{"id":"A","created_at":"02/03/2026 09:00"}`,
			want: []string{`in.jsonl:1: created_at: invalid time "02/03/2026 09:00": want RFC 3339 with a UTC offset, e.g. 2026-03-01T09:30:00+08:00`}},
		{name: "impossible date", in: `{"id":"A","created_at":"2026-02-30T09:00:00Z"}`,
			want: []string{`in.jsonl:1: created_at: invalid time "2026-02-30T09:00:00Z": want RFC 3339 with a UTC offset, e.g. 2026-03-01T09:30:00+08:00`}},
		{name: "placeholder date", in: `{"id":"A","created_at":"1899-12-30T00:00:00Z"}`,
			want: []string{`in.jsonl:1: created_at: time "1899-12-30T00:00:00Z" is out of range: want a year from 1900 to 9999`}},
		{name: "time as number", in: `{"id":"A","created_at":1772409600}`,
			want: []string{`in.jsonl:1: created_at: want a time string, got a number`}},
		{name: "unknown key with a suggestion", in: `{` + ok + `,"priorty":"high"}`,
			want: []string{`in.jsonl:1: priorty: unknown key (did you mean priority?)`}},
		{name: "unknown key", in: `{` + ok + `,"sla_breached":true}`,
			want: []string{`in.jsonl:1: sla_breached: unknown key`}},
		{name: "unknown odd key is quoted", in: `{` + ok + `,"a b":1}`,
			want: []string{`in.jsonl:1: "a b": unknown key`}},
		{name: "unknown priority", in: `{` + ok + `,"priority":"p5"}`,
			want: []string{`in.jsonl:1: priority: unknown priority "p5": want urgent, high, normal or low`}},
		{name: "negative count", in: `{` + ok + `,"reopens":-1}`,
			want: []string{`in.jsonl:1: reopens: negative count -1: want a whole number ≥ 0`}},
		{name: "fractional count", in: `{` + ok + `,"agent_replies":1.5}`,
			want: []string{`in.jsonl:1: agent_replies: want a whole number ≥ 0, got "1.5"`}},
		{name: "count as string", in: `{` + ok + `,"reopens":"2"}`,
			want: []string{`in.jsonl:1: reopens: want a whole number, got a string`}},
		{name: "bool as string", in: `{` + ok + `,"escalated":"yes"}`,
			want: []string{`in.jsonl:1: escalated: want true or false, got a string`}},
		{name: "escalated_at without escalated", in: `{` + ok + `,"escalated_at":"2026-03-02T01:00:00Z"}`,
			want: []string{`in.jsonl:1: escalated_at: set, but escalated is not true`}},
		{name: "escalated_at with escalated false", in: `{` + ok + `,"escalated":false,"escalated_at":"2026-03-02T01:00:00Z"}`,
			want: []string{`in.jsonl:1: escalated_at: set, but escalated is not true`}},
		{name: "times before created_at", in: `{` + ok + `,"first_response_at":"2026-03-01T23:00:00Z","resolved_at":"2026-03-01T23:30:00+00:00"}`,
			want: []string{
				`in.jsonl:1: first_response_at: first response 2026-03-01T23:00:00Z is 1h0m0s before created_at 2026-03-02T00:00:00Z: more than the clock-skew tolerance of 0s`,
				`in.jsonl:1: resolved_at: resolution 2026-03-01T23:30:00Z is 30m0s before created_at 2026-03-02T00:00:00Z: more than the clock-skew tolerance of 0s`,
			}},
		{name: "derived time before created_at", in: `{` + ok + `,"events":[{"at":"2026-03-01T23:00:00Z","kind":"comment","role":"agent","public":true}]}`,
			want: []string{`in.jsonl:1: first_response_at: first response (from events) 2026-03-01T23:00:00Z is 1h0m0s before created_at 2026-03-02T00:00:00Z: more than the clock-skew tolerance of 0s`}},
		{name: "first resolution from events before created_at", in: `{` + ok + `,"events":[{"at":"2026-03-01T23:00:00Z","kind":"resolved"},{"at":"2026-03-02T01:00:00Z","kind":"reopened"},{"at":"2026-03-02T02:00:00Z","kind":"resolved"}]}`,
			want: []string{`in.jsonl:1: resolved_at: first resolution (from events) 2026-03-01T23:00:00Z is 1h0m0s before created_at 2026-03-02T00:00:00Z: more than the clock-skew tolerance of 0s`}},
		{name: "csat out of range", in: `{` + ok + `,"csat":{"value":7}}`,
			want: []string{`in.jsonl:1: csat.value: 7 is outside 0..5`}},
		{name: "csat bad scale", in: `{` + ok + `,"csat":{"value":0,"scale":0}}`,
			want: []string{`in.jsonl:1: csat.scale: must be positive, got 0`}},
		{name: "csat without value, unknown key", in: `{` + ok + `,"csat":{"valu":4,"at":"2026-03-03T00:00:00Z"}}`,
			want: []string{`in.jsonl:1: csat.valu: unknown key (did you mean value?)`, `in.jsonl:1: csat.value: required`}},
		{name: "csat of the wrong type", in: `{` + ok + `,"csat":"good"}`,
			want: []string{`in.jsonl:1: csat: want an object, got a string`}},
		{name: "labels not strings", in: `{` + ok + `,"labels":["a",2]}`,
			want: []string{`in.jsonl:1: labels[1]: want a string, got a number`}},
		{name: "labels as string", in: `{` + ok + `,"labels":"a;b"}`,
			want: []string{`in.jsonl:1: labels: want an array of strings, got a string`}},
		{name: "components not strings", in: `{` + ok + `,"components":[{"name":"payments"},"app"]}`,
			want: []string{`in.jsonl:1: components[0]: want a string, got an object`}},
		{name: "components as string", in: `{` + ok + `,"components":"payments"}`,
			want: []string{`in.jsonl:1: components: want an array of strings, got a string`}},
		{name: "component misspelt", in: `{` + ok + `,"component":["payments"]}`,
			want: []string{`in.jsonl:1: component: unknown key (did you mean components?)`}},
		{name: "fields not an object", in: `{` + ok + `,"fields":[1]}`,
			want: []string{`in.jsonl:1: fields: want an object, got an array`}},
		{name: "fields number out of range", in: `{` + ok + `,"fields":{"n":1e999}}`,
			want: []string{`in.jsonl:1: fields.n: number out of range: "1e999"`}},
		{name: "url not http", in: `{` + ok + `,"url":"javascript:alert(1)"}`,
			want: []string{`in.jsonl:1: url: want an absolute http or https URL, got "javascript:alert(1)"`}},
		{name: "title of the wrong type", in: `{` + ok + `,"title":{"en":"x"}}`,
			want: []string{`in.jsonl:1: title: want a string, got an object`}},
		{name: "events not an array", in: `{` + ok + `,"events":{}}`,
			want: []string{`in.jsonl:1: events: want an array of objects, got an object`}},
		{name: "event problems", in: `{` + ok + `,"events":[` +
			`{"at":"2026-03-02T01:00:00Z","kind":"commented","role":"staff","publik":true},` +
			`{"kind":"comment","at":"2026-03-02T01:00:00"},` +
			`{"actor":"x"},` +
			`"resolved",` +
			`{"at":"2026-03-02T01:00:00Z","kind":"comment","public":"yes","actor":true}]}`,
			want: []string{
				`in.jsonl:1: events[0].kind: unknown kind "commented": want one of comment, status, assignment, priority, label, resolved, reopened, escalated`,
				`in.jsonl:1: events[0].role: unknown role "staff": want customer, agent or bot`,
				`in.jsonl:1: events[0].publik: unknown key (did you mean public?)`,
				`in.jsonl:1: events[1].at: time "2026-03-02T01:00:00" has no UTC offset: add Z or ±hh:mm, e.g. 2026-03-01T09:30:00+08:00`,
				`in.jsonl:1: events[2].at: required`,
				`in.jsonl:1: events[2].kind: required`,
				`in.jsonl:1: events[3]: want an object, got a string`,
				`in.jsonl:1: events[4].public: want true or false, got a string`,
				`in.jsonl:1: events[4].actor: want a string, got true`,
			}},
		{name: "several problems on one line", in: `{"id":"A","created_at":"x","priority":"p9","reopens":-2}`,
			want: []string{
				`in.jsonl:1: created_at: invalid time "x": want RFC 3339 with a UTC offset, e.g. 2026-03-01T09:30:00+08:00`,
				`in.jsonl:1: priority: unknown priority "p9": want urgent, high, normal or low`,
				`in.jsonl:1: reopens: negative count -2: want a whole number ≥ 0`,
			}},
		{name: "line numbers count blank lines", in: "\n{" + ok + "}\n  \n{\"id\":\"B\"}\r\n",
			want: []string{`in.jsonl:4: created_at: required`}},
		{name: "duplicate id names the first line", in: "{" + ok + "}\n{\"id\":\"B\",\"created_at\":\"2026-03-02T00:00:00Z\"}\n{\"id\":\"file:A\",\"created_at\":\"2026-03-03T00:00:00Z\"}\n",
			want: []string{`in.jsonl:3: id: duplicate id "file:A" (first on line 1)`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, res := decodeAll(t, "in.jsonl", tc.in, Options{})
			if diff := cmp.Diff(tc.want, problemTexts(res.Problems)); diff != "" {
				t.Errorf("problems mismatch (-want +got):\n%s", diff)
			}
			// Each line gives a complaint or problems, never both.
			lines := map[int]bool{}
			for _, p := range res.Problems {
				lines[p.Line] = true
			}
			if len(got) != res.OK || res.OK+len(lines) != res.Read {
				t.Errorf("Read = %d, OK = %d, complaints = %d, lines with problems = %d", res.Read, res.OK, len(got), len(lines))
			}
		})
	}
}

func TestProblemID(t *testing.T) {
	_, res := decodeAll(t, "in.jsonl", `{"id":"SD-7","created_at":"yesterday"}`, Options{})
	want := []Problem{{File: "in.jsonl", Line: 1, Field: "created_at", ID: "SD-7",
		Reason: `invalid time "yesterday": want RFC 3339 with a UTC offset, e.g. 2026-03-01T09:30:00+08:00`}}
	if diff := cmp.Diff(want, res.Problems); diff != "" {
		t.Errorf("problems mismatch (-want +got):\n%s", diff)
	}
}

func TestProblemCap(t *testing.T) {
	const n = MaxProblems + 500
	in := strings.Repeat("{\"created_at\":\"2026-03-02T00:00:00Z\"}\n", n)
	got, res := decodeAll(t, "in.jsonl", in, Options{})
	if len(got) != 0 || res.Read != n || res.Bad() != n {
		t.Errorf("complaints = %d, Read = %d, Bad = %d, want 0, %d, %d", len(got), res.Read, res.Bad(), n, n)
	}
	if len(res.Problems) != MaxProblems || res.Unlisted != n-MaxProblems {
		t.Fatalf("len(Problems) = %d, Unlisted = %d, want %d, %d", len(res.Problems), res.Unlisted, MaxProblems, n-MaxProblems)
	}
	if got, want := res.Problems[MaxProblems-1].Error(), "in.jsonl:1000: id: required"; got != want {
		t.Errorf("last listed problem = %q, want %q", got, want)
	}
	for _, p := range res.Problems {
		if p.Line == 0 {
			t.Errorf("problem without a line: %q", p.Error())
		}
	}
}

func TestLongLine(t *testing.T) {
	title := strings.Repeat("é", 100_000) // 200 KB, past bufio's buffer
	in := `{"id":"A","created_at":"2026-03-02T00:00:00Z","title":"` + title + "\"}\n" + `{"id":"B","created_at":"2026-03-02T00:00:00Z"}`
	got, res := decodeAll(t, "in.jsonl", in, Options{})
	if len(res.Problems) > 0 || len(got) != 2 {
		t.Fatalf("got %d complaints, problems %q", len(got), problemTexts(res.Problems))
	}
	if got[0].Title != title || got[1].ID != "file:B" {
		t.Errorf("long line decoded wrong: title length %d, second ID %q", len(got[0].Title), got[1].ID)
	}
}

func TestBOM(t *testing.T) {
	tests := []struct {
		name, file, in string
	}{
		{name: "jsonl", file: "in.jsonl", in: "\uFEFF{\"id\":\"A\",\"created_at\":\"2026-03-02T00:00:00Z\"}\n"},
		{name: "csv", file: "in.csv", in: "\uFEFFid,created_at\nA,2026-03-02T00:00:00Z\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, res := decodeAll(t, tc.file, tc.in, Options{})
			if len(res.Problems) > 0 || len(got) != 1 || got[0].ID != "file:A" {
				t.Errorf("got %d complaints, problems %q", len(got), problemTexts(res.Problems))
			}
		})
	}
}

func TestFormat(t *testing.T) {
	tests := []struct {
		name, file, format string
		want               string
		wantErr            bool
	}{
		{name: "jsonl", file: "a.jsonl", want: FormatJSONL},
		{name: "ndjson", file: "dir/a.NDJSON", want: FormatJSONL},
		{name: "json", file: "a.json", want: FormatJSONL},
		{name: "csv", file: "a.CSV", want: FormatCSV},
		{name: "explicit beats the name", file: "export.txt", format: "csv", want: FormatCSV},
		{name: "unknown extension", file: "export.txt", wantErr: true},
		{name: "unknown format", file: "a.csv", format: "xlsx", wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Decode(strings.NewReader(""), tc.file, Options{Format: tc.format}, func(*connectors.Complaint) error { return nil })
			if (err != nil) != tc.wantErr {
				t.Fatalf("Decode(%q, %q) error = %v, want error %v", tc.file, tc.format, err, tc.wantErr)
			}
			if err == nil && res.Format != tc.want {
				t.Errorf("Format = %q, want %q", res.Format, tc.want)
			}
		})
	}
}

func TestInvalidSource(t *testing.T) {
	_, err := Decode(strings.NewReader(""), "a.jsonl", Options{Source: "my:src"}, func(*connectors.Complaint) error { return nil })
	if err == nil {
		t.Error("Decode with source \"my:src\" succeeded, want an error")
	}
}

func TestFnErrorAborts(t *testing.T) {
	stop := errors.New("stop")
	in := strings.Repeat(`{"id":"%d","created_at":"2026-03-02T00:00:00Z"}`+"\n", 1)
	in = strings.Replace(in, "%d", "A", 1) + strings.Replace(in, "%d", "B", 1)
	calls := 0
	res, err := Decode(strings.NewReader(in), "in.jsonl", Options{}, func(*connectors.Complaint) error {
		calls++
		return stop
	})
	if err != stop {
		t.Errorf("Decode error = %v, want %v", err, stop)
	}
	if calls != 1 || res.OK != 1 {
		t.Errorf("fn called %d times, OK = %d, want 1, 1", calls, res.OK)
	}
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errors.New("disk on fire") }

func TestReadError(t *testing.T) {
	for _, name := range []string{"a.jsonl", "a.csv"} {
		_, err := Decode(failingReader{}, name, Options{}, func(*connectors.Complaint) error { return nil })
		if err == nil || !strings.Contains(err.Error(), "disk on fire") {
			t.Errorf("Decode(%s) error = %v, want the read error", name, err)
		}
	}
}

func TestAsOf(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want time.Time
	}{
		{name: "empty", in: "", want: time.Time{}},
		{name: "created", in: `{"id":"A","created_at":"2026-03-02T00:00:00+08:00"}`, want: ts("2026-03-01T16:00:00Z")},
		{name: "event", in: `{"id":"A","created_at":"2026-03-02T00:00:00Z","events":[{"at":"2026-03-04T00:00:00Z","kind":"status"}]}`, want: ts("2026-03-04T00:00:00Z")},
		{name: "csat", in: `{"id":"A","created_at":"2026-03-02T00:00:00Z","resolved_at":"2026-03-03T00:00:00Z","csat":{"value":5,"at":"2026-03-05T00:00:00Z"}}`, want: ts("2026-03-05T00:00:00Z")},
		{name: "escalation", in: `{"id":"A","created_at":"2026-03-02T00:00:00Z","escalated":true,"escalated_at":"2026-03-06T00:00:00Z"}`, want: ts("2026-03-06T00:00:00Z")},
		{name: "bad lines do not count", in: `{"id":"A","created_at":"2026-03-02T00:00:00Z"}` + "\n" + `{"id":"B","created_at":"2026-03-09T00:00:00Z","priority":"?"}`, want: ts("2026-03-02T00:00:00Z")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, res := decodeAll(t, "in.jsonl", tc.in, Options{})
			if !res.AsOf.Equal(tc.want) {
				t.Errorf("AsOf = %v, want %v", res.AsOf, tc.want)
			}
		})
	}
}

func TestPriorities(t *testing.T) {
	tests := map[string]string{
		"urgent": "urgent", "P1": "urgent", "Critical": "urgent", "HIGHEST": "urgent",
		"high": "high", "p2": "high",
		"normal": "normal", "Medium": "normal", "p3": "normal",
		"low": "low", "P4": "low", "Lowest": "low", " Low ": "low",
	}
	for in, want := range tests {
		got, ok := normPriority(in)
		if !ok || got != want {
			t.Errorf("normPriority(%q) = %q, %v, want %q, true", in, got, ok, want)
		}
	}
	for _, in := range []string{"p0", "p5", "blocker", "hi"} {
		if got, ok := normPriority(in); ok {
			t.Errorf("normPriority(%q) = %q, true, want false", in, got)
		}
	}
}

// TestDocExamples decodes the jsonl and csv examples of the user's
// documentation, so that it stays true.
func TestDocExamples(t *testing.T) {
	b, err := os.ReadFile("../../docs/import-format.md")
	if err != nil {
		t.Skipf("no docs: %v", err)
	}
	blocks := 0
	parts := strings.Split(string(b), "```")
	for i := 1; i < len(parts); i += 2 { // the insides of fences
		lang, body, _ := strings.Cut(parts[i], "\n")
		if lang == "json" { // the pretty-printed example, and what the text says of it
			var line bytes.Buffer
			if err := json.Compact(&line, []byte(body)); err != nil {
				t.Fatalf("docs json example: %v", err)
			}
			got, res := decodeAll(t, "example.jsonl", line.String(), Options{})
			if len(got) != 1 {
				t.Fatalf("docs json example: problems %q", problemTexts(res.Problems))
			}
			want := connectors.Derived{
				FirstResponseAt: ts("2026-03-02T01:40:00Z"), AgentReplies: 1,
				Escalated: true, EscalatedAt: ts("2026-03-02T03:00:00Z"),
				FirstResolvedAt: ts("2026-03-03T02:00:00Z"), ResolvedAt: ts("2026-03-03T02:00:00Z"),
			}
			if diff := cmp.Diff(want, derivedOf(got[0])); diff != "" {
				t.Errorf("docs json example: derived fields mismatch (-want +got):\n%s", diff)
			}
			continue
		}
		if lang != "jsonl" && lang != "csv" {
			continue
		}
		blocks++
		got, res := decodeAll(t, "example."+lang, body, Options{})
		if len(res.Problems) > 0 || len(got) != 2 {
			t.Errorf("docs %s example: %d complaints, problems %q", lang, len(got), problemTexts(res.Problems))
		}
	}
	if blocks != 2 {
		t.Errorf("found %d jsonl and csv examples in the docs, want 2", blocks)
	}
}
