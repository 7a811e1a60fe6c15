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

func TestRequestTypeValueShapes(t *testing.T) {
	for raw, want := range map[string]string{
		`{"_links":{},"requestType":{"id":"7","name":"Refund request"},"currentStatus":{"status":"Open"}}`: "Refund request",
		`{"id":"7","name":"Refund request"}`:           "Refund request",
		`" Refund request "`:                           "Refund request",
		`{"requestType":{"id":"7"},"name":"Fallback"}`: "Fallback",
		`null`:  "",
		`{}`:    "",
		`[1,2]`: "",
		`42`:    "",
		``:      "",
	} {
		if got := requestTypeValue(json.RawMessage(raw)); got != want {
			t.Errorf("requestTypeValue(%s) = %q, want %q", raw, got, want)
		}
	}
}

func TestMappingRequestTypeField(t *testing.T) {
	base := Mapping{
		Source:           "jsm",
		RequestTypeField: "customfield_10010",
		Kinds: map[string]string{
			"refund request": connectors.KindComplaint,
			"Hardware":       connectors.KindInquiry,
			"idea":           connectors.KindSuggestion,
			"Ask a question": connectors.KindInquiry,
		},
		Categories: map[string]string{"Refund request": "billing", "network": "infra", "idea": "product"},
	}
	issue := func(rt string, components, labels []string) json.RawMessage {
		comps := make([]map[string]string, len(components))
		for i, c := range components {
			comps[i] = map[string]string{"name": c}
		}
		fields := map[string]any{
			"summary": "s", "created": "2024-01-01T00:00:00.000+0000", "updated": "2024-01-02T00:00:00.000+0000",
			"components": comps, "labels": labels,
			// A request-type-shaped value in another field is ignored when
			// RequestTypeField is set.
			"customfield_10000": map[string]any{"requestType": map[string]string{"name": "Decoy"}},
		}
		if rt != "" {
			fields["customfield_10010"] = json.RawMessage(rt)
		}
		b, err := json.Marshal(map[string]any{"key": "SD-9", "fields": fields})
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	jsm := func(name string) string {
		return `{"requestType":{"id":"7","name":"` + name + `"},"currentStatus":{"status":"Open"}}`
	}

	for _, tc := range []struct {
		name        string
		m           func(*Mapping)
		rt          string
		comps, labs []string
		kind, cat   string
		fieldRT     string
		unmapped    []Unmapped
	}{
		{name: "request type wins over components and labels", rt: jsm("Refund Request"),
			comps: []string{"network", "Hardware"}, labs: []string{"idea"},
			kind: connectors.KindComplaint, cat: "billing", fieldRT: "Refund Request"},
		{name: "component before label", rt: jsm("Ask a question"),
			comps: []string{"Hardware", "network"}, labs: []string{"idea"},
			kind: connectors.KindInquiry, cat: "infra", fieldRT: "Ask a question"},
		{name: "label last", comps: []string{"other"}, labs: []string{"nothing", "idea"},
			kind: connectors.KindSuggestion, cat: "product"},
		{name: "unknown request type reported", rt: jsm("Get help"), labs: []string{"idea"},
			kind: connectors.KindSuggestion, cat: "product", fieldRT: "Get help",
			unmapped: []Unmapped{{Field: "request type", Value: "Get help", Key: "SD-9"}}},
		{name: "name shape", rt: `{"id":"7","name":"Refund request"}`,
			kind: connectors.KindComplaint, cat: "billing", fieldRT: "Refund request"},
		{name: "plain string", rt: `"Refund request"`,
			kind: connectors.KindComplaint, cat: "billing", fieldRT: "Refund request"},
		{name: "in Kinds only is known", rt: jsm("Ask a question"),
			kind: connectors.KindInquiry, fieldRT: "Ask a question"},
		{name: "null is no request type", rt: `null`, kind: connectors.KindComplaint},
		{name: "no maps, nothing unmapped", m: func(m *Mapping) { m.Kinds, m.Categories = nil, nil },
			rt: jsm("Get help"), kind: connectors.KindComplaint, fieldRT: "Get help"},
		{name: "categories only", m: func(m *Mapping) { m.Kinds = nil }, rt: jsm("Get help"),
			kind: connectors.KindComplaint, fieldRT: "Get help",
			unmapped: []Unmapped{{Field: "request type", Value: "Get help", Key: "SD-9"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := base
			if tc.m != nil {
				tc.m(&m)
			}
			c, un, err := m.Complaint(issue(tc.rt, tc.comps, tc.labs), nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			if c.Kind != tc.kind || c.Category != tc.cat {
				t.Errorf("Kind %q Category %q, want %q %q", c.Kind, c.Category, tc.kind, tc.cat)
			}
			var wantFields map[string]any
			if tc.fieldRT != "" {
				wantFields = map[string]any{"request_type": tc.fieldRT}
			}
			if diff := cmp.Diff(wantFields, c.Fields); diff != "" {
				t.Errorf("Fields mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.unmapped, un); diff != "" {
				t.Errorf("Unmapped mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// skipFake is a Cloud search serving fixed raw issues, perPage a page.
type skipFake struct {
	*fake
	perPage int
	issues  []map[string]any
	mu      sync.Mutex
	fields  [][]string
}

func newSkipFake(t *testing.T, perPage int, issues []map[string]any) *skipFake {
	sf := &skipFake{fake: newFake(t), perPage: perPage, issues: issues}
	sf.handle("POST", "/rest/api/3/search/jql", func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Fields        []string `json:"fields"`
			NextPageToken string   `json:"nextPageToken"`
		}
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			t.Errorf("decode search request: %v", err)
		}
		start := 0
		if req.NextPageToken != "" {
			start, _ = strconv.Atoi(req.NextPageToken)
		} else {
			sf.mu.Lock()
			sf.fields = append(sf.fields, req.Fields)
			sf.mu.Unlock()
		}
		end := min(start+sf.perPage, len(sf.issues))
		resp := map[string]any{"issues": sf.issues[start:end], "isLast": end == len(sf.issues)}
		if end < len(sf.issues) {
			resp["nextPageToken"] = strconv.Itoa(end)
		}
		writeJSON(t, w, 200, resp)
	})
	return sf
}

var skipBase = time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)

func hourAt(h int) time.Time { return skipBase.Add(time.Duration(h) * time.Hour) }

// plainIssue is a complete issue (nothing to page) updated at hour h; bad
// gives it an unparsable created.
func plainIssue(n, h int, bad bool) map[string]any {
	created := jiraTime(skipBase)
	if bad {
		created = "yesterday"
	}
	return map[string]any{
		"key": "SD-" + strconv.Itoa(n),
		"fields": map[string]any{
			"summary": "Issue " + strconv.Itoa(n), "created": created, "updated": jiraTime(hourAt(h)),
			"customfield_10010": map[string]any{"requestType": map[string]string{"id": "1", "name": "Refund request"}},
			"comment":           map[string]any{"total": 0, "comments": []any{}},
		},
		"changelog": map[string]any{"total": 0, "histories": []any{}},
	}
}

func TestSourceSkipsUnmappableIssue(t *testing.T) {
	cur := func(h int) string { return formatCursor(hourAt(h)) }
	badErr := func(n int) Unmapped {
		k := "SD-" + strconv.Itoa(n)
		return Unmapped{Field: UnmappedIssue, Value: `jira: ` + k + `: jira: unrecognised timestamp "yesterday"`, Key: k}
	}
	for _, tc := range []struct {
		name         string
		perPage, bsz int
		bad          []int // issue numbers (issue n is updated at hour n)
		n            int
		want         []batchSummary
	}{
		{name: "bad in the middle and last", perPage: 2, bsz: 1, n: 4, bad: []int{2, 4},
			want: []batchSummary{{Keys: []string{"SD-1"}, Cursor: cur(2), Done: 1}, {Keys: []string{"SD-3"}, Cursor: cur(4), Done: 2}}},
		{name: "bad after an unflushed complaint", perPage: 4, bsz: 1, n: 3, bad: []int{3},
			want: []batchSummary{{Keys: []string{"SD-1"}, Cursor: cur(1), Done: 1}, {Keys: []string{"SD-2"}, Cursor: cur(3), Done: 2}}},
		{name: "bad alone in a last page", perPage: 2, bsz: 2, n: 3, bad: []int{3},
			want: []batchSummary{{Keys: []string{"SD-1", "SD-2"}, Cursor: cur(2), Done: 2}, {Cursor: cur(3), Done: 2}}},
		{name: "all bad", perPage: 2, bsz: 2, n: 2, bad: []int{1, 2},
			want: []batchSummary{{Cursor: cur(2), Done: 0}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var issues []map[string]any
			for n := 1; n <= tc.n; n++ {
				issues = append(issues, plainIssue(n, n, slices.Contains(tc.bad, n)))
			}
			sf := newSkipFake(t, tc.perPage, issues)
			s, err := NewSource(SourceConfig{
				Name: "jsm",
				Client: Config{
					BaseURL: sf.srv.URL + basePath, Deployment: Cloud, Email: testEmail, Token: testToken,
					Timeout: 5 * time.Second, UserAgent: testUA, Sleep: func(time.Duration) {},
				},
				Projects:  []string{"SD"},
				Mapping:   Mapping{RequestTypeField: "customfield_10010", Kinds: map[string]string{"refund request": connectors.KindComplaint}},
				Now:       func() time.Time { return srcNow },
				BatchSize: tc.bsz,
			})
			if err != nil {
				t.Fatal(err)
			}
			var got []batchSummary
			err = s.Fetch(context.Background(), "", func(b connectors.Batch) error {
				bs := batchSummary{Cursor: b.Cursor, Done: b.Done}
				for _, c := range b.Complaints {
					bs.Keys = append(bs.Keys, c.Key)
					if c.Fields["request_type"] != "Refund request" {
						t.Errorf("%s Fields = %v", c.Key, c.Fields)
					}
				}
				got = append(got, bs)
				return nil
			})
			if err != nil {
				t.Fatalf("Fetch: %v", err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("batches mismatch (-want +got):\n%s", diff)
			}
			var want []Unmapped
			for _, n := range tc.bad {
				want = append(want, badErr(n))
			}
			un := s.Unmapped()
			if diff := cmp.Diff(want, un); diff != "" {
				t.Errorf("Unmapped mismatch (-want +got):\n%s", diff)
			}
			for _, u := range un {
				if strings.Contains(u.Value, testToken) {
					t.Errorf("Unmapped value leaks the token: %q", u.Value)
				}
			}
			if len(sf.fields) != 1 || !slices.Contains(sf.fields[0], "customfield_10010") {
				t.Errorf("search fields %v lack the request type field", sf.fields)
			}
		})
	}
}

func TestIssueErrTextBounded(t *testing.T) {
	long := strings.Repeat("é", maxIssueErr)
	got := issueErrText(errString("bad\n\tvalue " + long))
	if strings.ContainsAny(got, "\n\t") || len(got) > maxIssueErr+len("…") || !strings.HasPrefix(got, "bad value é") {
		t.Errorf("issueErrText = %q", got)
	}
}

type errString string

func (e errString) Error() string { return string(e) }

func TestCustomFields(t *testing.T) {
	issue := json.RawMessage(`{"key":"SD-9","fields":{"summary":"x","created":"2026-03-02T10:00:00.000+0000",
		"status":{"name":"Open","statusCategory":{"key":"new"}},"priority":{"name":"Medium"},
		"reporter":{"accountId":"c1","accountType":"customer"},
		"customfield_1":true,"customfield_2":{"value":"Gold"},"customfield_3":129.5,"customfield_4":null,
		"customfield_5":[{"value":"a"},{"value":"b"}]}}`)
	m := Mapping{Source: "jira", CustomFields: map[string]string{"refund_dispute": "customfield_1", "tier": "customfield_2",
		"order_value": "customfield_3", "empty": "customfield_4", "tags": "customfield_5", "absent": "customfield_9"}}
	c, _, err := m.Complaint(issue, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"refund_dispute": true, "tier": "Gold", "order_value": 129.5, "tags": "a, b"}
	if diff := cmp.Diff(want, c.Fields); diff != "" {
		t.Errorf("Fields (-want +got):\n%s", diff)
	}
}
