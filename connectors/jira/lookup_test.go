package jira

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"gopkg.in/yaml.v3"

	"github.com/kpidesk/kpidesk/connectors"
)

// selectIssue is SD-9 with a request type, a component, a label, the
// priority "Medium" and select fields: customfield_10050 a single select
// (channel), customfield_10060 a cascading select (category),
// customfield_10070 a multi-select, customfield_10080 a single select
// (impact).
func selectIssue(t *testing.T) json.RawMessage {
	t.Helper()
	b, err := json.Marshal(map[string]any{
		"key": "SD-9",
		"fields": map[string]any{
			"summary":           "Laptop broken",
			"created":           "2024-03-01T09:00:00.000+0000",
			"updated":           "2024-03-01T10:00:00.000+0000",
			"priority":          map[string]any{"name": "Medium"},
			"reporter":          map[string]any{"accountId": "cust-1"},
			"components":        []any{map[string]any{"name": "Billing"}},
			"labels":            []string{"vip"},
			"customfield_10010": map[string]any{"requestType": map[string]any{"id": "7", "name": "Get IT help"}},
			"customfield_10050": map[string]any{"self": "https://x/option/1", "value": "E-mail", "id": "10001"},
			"customfield_10060": map[string]any{"value": "Hardware", "id": "2", "child": map[string]any{"value": "Laptop", "id": "3"}},
			"customfield_10070": []any{map[string]any{"value": "Alpha"}, map[string]any{"value": "Beta"}},
			"customfield_10080": map[string]any{"value": "Critical"},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestMappingFromFields(t *testing.T) {
	type want struct {
		Kind, Category, Channel, Priority, Team string
		Unmapped                                []Unmapped
	}
	base := want{Kind: connectors.KindComplaint, Priority: connectors.PriorityNormal}
	with := func(edit func(*want)) want {
		w := base
		edit(&w)
		return w
	}
	for _, tc := range []struct {
		name string
		m    Mapping
		want want
	}{
		{
			name: "channel from a single select by field ID, case-insensitive",
			m:    Mapping{ChannelFrom: []string{"customfield_10050"}, Channels: map[string]string{"e-mail": "email"}},
			want: with(func(w *want) { w.Channel = "email" }),
		},
		{
			name: "category from a cascading select: the pair",
			m: Mapping{CategoryFrom: []string{"customfield_10060"},
				Categories: map[string]string{"Hardware / Laptop": "product-quality", "Hardware": "hardware"}},
			want: with(func(w *want) { w.Category = "product-quality" }),
		},
		{
			name: "category from a cascading select: the parent when the pair is not mapped",
			m:    Mapping{CategoryFrom: []string{"customfield_10060"}, Categories: map[string]string{"Hardware": "hardware"}},
			want: with(func(w *want) { w.Category = "hardware" }),
		},
		{
			name: "an unmapped select value is reported with the field's name",
			m: Mapping{ChannelFrom: []string{"customfield_10050"}, Channels: map[string]string{"Phone": "phone"},
				FieldNames: map[string]string{"customfield_10050": "Contact channel"}},
			want: with(func(w *want) {
				w.Unmapped = []Unmapped{{Field: "Contact channel (customfield_10050)", Value: "E-mail", Key: "SD-9"}}
			}),
		},
		{
			name: "an unmapped cascading value is reported as the pair",
			m:    Mapping{CategoryFrom: []string{"customfield_10060"}, Categories: map[string]string{"Software": "usage"}},
			want: with(func(w *want) {
				w.Unmapped = []Unmapped{{Field: "customfield_10060", Value: "Hardware / Laptop", Key: "SD-9"}}
			}),
		},
		{
			name: "kind from a multi-select: the first value mapped",
			m:    Mapping{KindFrom: []string{"customfield_10070"}, Kinds: map[string]string{"Beta": connectors.KindSuggestion}},
			want: with(func(w *want) {
				w.Kind = connectors.KindSuggestion
				w.Unmapped = []Unmapped{{Field: "customfield_10070", Value: "Alpha", Key: "SD-9"}}
			}),
		},
		{
			name: "team from components; labels are never reported",
			m:    Mapping{TeamFrom: []string{"labels", "component"}, Teams: map[string]string{"billing": "billing-desk"}},
			want: with(func(w *want) { w.Team = "billing-desk" }),
		},
		{
			name: "From order decides: labels before the select",
			m: Mapping{CategoryFrom: []string{"labels", "customfield_10060"},
				Categories: map[string]string{"vip": "key-accounts", "Hardware": "hardware"}},
			want: with(func(w *want) { w.Category = "key-accounts" }),
		},
		{
			name: "request type for the channel, by the default order",
			m:    Mapping{RequestTypeField: "customfield_10010", Channels: map[string]string{"Get IT help": "portal"}},
			want: with(func(w *want) { w.Channel = "portal" }),
		},
		{
			name: "priority from a select before the priority field",
			m: Mapping{PriorityFrom: []string{"customfield_10080", "priority"},
				Priorities: map[string]string{"Critical": connectors.PriorityUrgent}},
			want: with(func(w *want) { w.Priority = connectors.PriorityUrgent }),
		},
		{
			name: "priority falls back to the priority field",
			m:    Mapping{PriorityFrom: []string{"customfield_99999", "priority"}},
			want: with(func(w *want) { w.Priority = connectors.PriorityNormal }),
		},
		{
			name: "an unmapped request type is reported once for all maps reading it",
			m: Mapping{RequestTypeField: "customfield_10010", Kinds: map[string]string{"Idea": connectors.KindSuggestion},
				ChannelFrom: []string{"request_type"}, Channels: map[string]string{"Chat": "chat"}},
			want: with(func(w *want) {
				w.Unmapped = []Unmapped{{Field: UnmappedRequestType, Value: "Get IT help", Key: "SD-9"}}
			}),
		},
		{
			name: "a value one map knows is not reported for another",
			m: Mapping{RequestTypeField: "customfield_10010", Kinds: map[string]string{"Get IT help": connectors.KindInquiry},
				ChannelFrom: []string{"request_type"}, Channels: map[string]string{"Chat": "chat"}},
			want: with(func(w *want) { w.Kind = connectors.KindInquiry }),
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, un, err := tc.m.Complaint(selectIssue(t), nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			got := want{Kind: c.Kind, Category: c.Category, Channel: c.Channel, Priority: c.Priority, Team: c.Team, Unmapped: un}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Complaint (-want +got):\n%s", diff)
			}
		})
	}
}

func TestFieldValues(t *testing.T) {
	for raw, want := range map[string][][]string{
		`"Email"`:                             {{"Email"}},
		`  ""  `:                              nil,
		`3`:                                   {{"3"}},
		`null`:                                nil,
		`{"value":"A","child":{"value":"B"}}`: {{"A / B", "A"}},
		`{"value":"A","child":null}`:          {{"A"}},
		`[{"value":"A"},{"value":"B","child":{"value":"C"}}]`:  {{"A"}, {"B / C", "B"}},
		`{"requestType":{"name":"Refund"},"currentStatus":{}}`: {{"Refund"}},
		`{"displayName":"Team X"}`:                             {{"Team X"}},
		`{"id":"1"}`:                                           nil,
	} {
		if diff := cmp.Diff(want, fieldValues(json.RawMessage(raw))); diff != "" {
			t.Errorf("fieldValues(%s) (-want +got):\n%s", raw, diff)
		}
	}
}

// TestSourceSelectFieldsByName: category and channel kept in select fields
// named in config by their names are resolved through the site's field
// list, asked for in the search, and mapped, on both deployments.
func TestSourceSelectFieldsByName(t *testing.T) {
	for _, d := range flavours {
		t.Run(d, func(t *testing.T) {
			f := newFake(t)
			issues := []map[string]any{
				simpleIssue("SD-1", srcBase, false, nil, map[string]any{
					"customfield_10050": map[string]any{"value": "Phone"},
					"customfield_10060": map[string]any{"value": "Billing", "child": map[string]any{"value": "Refund"}},
				}),
				simpleIssue("SD-2", srcBase, false, nil, map[string]any{
					"customfield_10050": map[string]any{"value": "Carrier pigeon"},
					"customfield_10060": nil,
				}),
			}
			asked := serveSearch(t, f, d, issues)
			f.handle("GET", "/rest/api/"+apiVersion(d)+"/field", func(w http.ResponseWriter, r *http.Request) {
				writeJSON(t, w, 200, []any{
					map[string]any{"id": "summary", "name": "Summary"},
					map[string]any{"id": "customfield_10050", "name": "Contact channel", "schema": map[string]any{"type": "option"}},
					map[string]any{"id": "customfield_10060", "name": "Complaint category", "schema": map[string]any{"type": "option-with-child"}},
				})
			})
			s := simpleSource(t, f, d, func(c *SourceConfig) {
				c.Mapping.ChannelFrom = []string{"contact channel"}
				c.Mapping.Channels = map[string]string{"Phone": "phone", "Email": "email"}
				c.Mapping.CategoryFrom = []string{"Complaint category", "labels"}
				c.Mapping.Categories = map[string]string{"Billing / Refund": "billing"}
			})
			got := fetchAll(t, s)
			if c := got["SD-1"]; c.Channel != "phone" || c.Category != "billing" {
				t.Errorf("SD-1 channel %q category %q, want phone, billing", c.Channel, c.Category)
			}
			if c := got["SD-2"]; c.Channel != "" || c.Category != "" {
				t.Errorf("SD-2 channel %q category %q, want none", c.Channel, c.Category)
			}
			fields := asked()
			for _, id := range []string{"customfield_10050", "customfield_10060"} {
				if len(fields) != 1 || !slices.Contains(fields[0], id) {
					t.Errorf("search fields %v lack %s", fields, id)
				}
			}
			wantUn := []Unmapped{{Field: "Contact channel (customfield_10050)", Value: "Carrier pigeon", Key: "SD-2"}}
			if diff := cmp.Diff(wantUn, s.Unmapped()); diff != "" {
				t.Errorf("Unmapped (-want +got):\n%s", diff)
			}
			if s.cfg.Mapping.ChannelFrom[0] != "contact channel" || s.cfg.Mapping.FieldNames != nil {
				t.Errorf("configured mapping changed: %+v", s.cfg.Mapping)
			}
		})
	}
}

func TestSourceUnknownFieldName(t *testing.T) {
	f := newFake(t)
	f.handle("GET", "/rest/api/3/field", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(t, w, 200, []any{map[string]any{"id": "customfield_10050", "name": "Contact channel"}})
	})
	s := simpleSource(t, f, Cloud, func(c *SourceConfig) {
		c.Mapping.ChannelFrom = []string{"Channel of contact"}
		c.Mapping.Channels = map[string]string{"Phone": "phone"}
	})
	err := s.Fetch(t.Context(), "", func(connectors.Batch) error { return nil })
	if err == nil || !strings.Contains(err.Error(), `channel_from: the site has no field named "Channel of contact"`) {
		t.Errorf("Fetch = %v, want an error naming channel_from and the field", err)
	}
}

// TestSettingsCheckMapping covers the checks of the mapping keys.
func TestSettingsCheckMapping(t *testing.T) {
	const head = "base_url: https://x.atlassian.net\ntoken_env: T\nemail_env: E\nprojects: [SD]\n"
	for _, tc := range []struct {
		name, yaml string
		want       []string // fields with a problem
	}{
		{name: "valid", yaml: "channel_from: [customfield_10050, Contact channel, request_type]\nchannels: {Phone: phone}\n" +
			"category_from: [labels]\ncategories: {x: y}\nteam_from: [components]\nteams: {Billing: billing}\n" +
			"priority_from: [customfield_1, priority]\nagents: [alice]\nparticipants_field: customfield_10026\n" +
			"escalation_priority_raise: true\npriority_order: [Highest, High, Medium, Low, Lowest]\nkinds: {Idea: suggestion}\n"},
		{name: "empty from entry", yaml: "kind_from: [request_type, '']\nkinds: {a: complaint}\n", want: []string{"sources[0].kind_from[1]"}},
		{name: "from without a map", yaml: "channel_from: [customfield_1]\n", want: []string{"sources[0].channel_from"}},
		{name: "kind outside the model", yaml: "kinds: {Rant: rant}\n", want: []string{"sources[0].kinds.Rant"}},
		{name: "empty agent", yaml: "agents: [alice, ' ']\n", want: []string{"sources[0].agents[1]"}},
		{name: "order without raise", yaml: "priority_order: [High, Low]\n", want: []string{"sources[0].priority_order"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var doc yaml.Node
			if err := yaml.Unmarshal([]byte(head+tc.yaml), &doc); err != nil {
				t.Fatal(err)
			}
			var s Settings
			if err := doc.Content[0].Decode(&s); err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, p := range s.Check(connectors.Section{File: "k.yaml", Path: "sources[0]", Node: doc.Content[0]}) {
				got = append(got, p.Field)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Check problems (-want +got):\n%s", diff)
			}
		})
	}
}

func TestMustReadComments(t *testing.T) {
	for raw, want := range map[string]bool{
		``:     true,
		`null`: true,
		`"x"`:  true,
		`{"comments":[],"maxResults":0,"total":0,"startAt":0}`:                               false,
		`{"comments":null,"total":0}`:                                                        false,
		`{"total":1,"comments":[]}`:                                                          true,
		`{"comments":[{"id":"1","body":"{\"jsdPublic\":true}"}],"total":1}`:                  true,
		`{"comments":[{"id":"1","jsdPublic":false},{"id":"2","properties":[]}],"total":2}`:   false,
		`{"comments":[{"id":"1","jsdPublic":false},{"id":"2"}],"total":2}`:                   true,
		`{"comments":[{"id":"1","properties":[]}],"total":3}`:                                true,
		`{"comments":[{"id":"1","properties":[]}],"total":1,"extra":{"nested":[1,{"a":2}]}}`: false,
		`{"comments":[{"id":"1","properties":[]}`:                                            true,
	} {
		if got := mustReadComments(json.RawMessage(raw)); got != want {
			t.Errorf("mustReadComments(%s) = %v, want %v", raw, got, want)
		}
	}
}
