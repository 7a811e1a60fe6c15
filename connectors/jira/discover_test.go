package jira

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"gopkg.in/yaml.v3"

	"github.com/kpidesk/kpidesk/connectors"
)

// discoverFake serves what Discover reads of project SD, on one
// deployment: priorities, statuses, components, a service desk with three
// request types (on two pages), the fields (the recorded JSM list plus a
// cascading "Complaint category" and a single select "Contact channel")
// and their options, Cloud's by context, Data Center's by field.
func discoverFake(t *testing.T, d string) *fake {
	f := newFake(t)
	v := apiVersion(d)
	f.handle("GET", "/rest/api/2/priority", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(t, w, 200, []any{map[string]any{"name": "Highest"}, map[string]any{"name": "High"},
			map[string]any{"name": "Medium"}, map[string]any{"name": "Low"}, map[string]any{"name": "Lowest"}})
	})
	f.handle("GET", "/rest/api/"+v+"/project/SD/statuses", func(w http.ResponseWriter, r *http.Request) {
		st := func(name, cat string) any {
			return map[string]any{"name": name, "statusCategory": map[string]any{"key": cat}}
		}
		writeJSON(t, w, 200, []any{
			map[string]any{"name": "Service request", "statuses": []any{st("Open", "new"), st("Resolved", "done")}},
			map[string]any{"name": "Incident", "statuses": []any{st("Open", "new"), st("Closed", "done")}},
		})
	})
	f.handle("GET", "/rest/api/"+v+"/project/SD/components", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(t, w, 200, []any{map[string]any{"name": "Billing"}})
	})
	f.handle("GET", "/rest/servicedeskapi/servicedesk", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(t, w, 200, map[string]any{"isLastPage": true, "values": []any{
			map[string]any{"id": "1", "projectKey": "IT"}, map[string]any{"id": "4", "projectKey": "SD"}}})
	})
	f.handle("GET", "/rest/servicedeskapi/servicedesk/4/requesttype", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("start") == "0" {
			writeJSON(t, w, 200, map[string]any{"isLastPage": false, "values": []any{
				map[string]any{"name": "Report a problem"}, map[string]any{"name": "Suggest an idea"}}})
			return
		}
		writeJSON(t, w, 200, map[string]any{"isLastPage": true, "values": []any{map[string]any{"name": "Ask a question"}}})
	})
	f.handle("GET", "/rest/api/"+v+"/field", func(w http.ResponseWriter, r *http.Request) {
		var fields []any
		if err := json.Unmarshal(readFixture(t, "fields-jsm-customfields.json"), &fields); err != nil {
			t.Fatal(err)
		}
		fields = append(fields,
			map[string]any{"id": "customfield_10060", "name": "Complaint category",
				"schema": map[string]any{"type": "option-with-child", "custom": "com.atlassian.jira.plugin.system.customfieldtypes:cascadingselect"}},
			map[string]any{"id": "customfield_10050", "name": "Contact channel",
				"schema": map[string]any{"type": "option", "custom": "com.atlassian.jira.plugin.system.customfieldtypes:select"}})
		writeJSON(t, w, 200, fields)
	})
	if d == Cloud {
		f.handle("GET", "/rest/api/3/field/{id}/context", func(w http.ResponseWriter, r *http.Request) {
			writeJSON(t, w, 200, map[string]any{"startAt": 0, "total": 1, "isLast": true, "values": []any{map[string]any{"id": "100" + r.PathValue("id")[12:]}}})
		})
		f.handle("GET", "/rest/api/3/field/{id}/context/{ctx}/option", func(w http.ResponseWriter, r *http.Request) {
			var opts []any
			switch r.PathValue("id") {
			case "customfield_10060":
				opts = []any{map[string]any{"id": "1", "value": "Hardware"}, map[string]any{"id": "2", "value": "Laptop", "optionId": "1"},
					map[string]any{"id": "3", "value": "Old", "disabled": true}}
			case "customfield_10050":
				opts = []any{map[string]any{"id": "5", "value": "E-mail"}, map[string]any{"id": "6", "value": "Phone call"}}
			default:
				writeJSON(t, w, 404, map[string]any{"errorMessages": []string{"no options"}})
				return
			}
			writeJSON(t, w, 200, map[string]any{"startAt": 0, "total": len(opts), "isLast": true, "values": opts})
		})
	} else {
		f.handle("GET", "/rest/api/2/customFields/{n}/options", func(w http.ResponseWriter, r *http.Request) {
			var opts []any
			switch r.PathValue("n") {
			case "10060":
				opts = []any{map[string]any{"id": 1, "value": "Hardware", "children": []any{map[string]any{"id": 2, "value": "Laptop"}}}}
			case "10050":
				opts = []any{map[string]any{"id": 5, "value": "E-mail"}, map[string]any{"id": 6, "value": "Phone call"}}
			default:
				writeJSON(t, w, 404, map[string]any{"errorMessages": []string{"no options"}})
				return
			}
			writeJSON(t, w, 200, map[string]any{"startAt": 0, "maxResults": 100, "total": len(opts), "isLast": true, "values": opts})
		})
	}
	return f
}

func TestDiscoverAndStarter(t *testing.T) {
	for _, d := range flavours {
		t.Run(d, func(t *testing.T) {
			f := discoverFake(t, d)
			c, _ := newTestClient(t, f, d, nil)
			got, err := Discover(t.Context(), c, "SD")
			if err != nil {
				t.Fatalf("Discover: %v", err)
			}
			if diff := cmp.Diff([]string{"Report a problem", "Suggest an idea", "Ask a question"}, got.RequestTypes); diff != "" {
				t.Errorf("request types (-want +got):\n%s", diff)
			}
			wantSelects := []SelectField{
				{ID: "customfield_10050", Name: "Contact channel", Type: "select", Options: []string{"E-mail", "Phone call"}},
				{ID: "customfield_10060", Name: "Complaint category", Type: "cascadingselect", Options: []string{"Hardware", "Hardware / Laptop"}},
			}
			var mine []SelectField // the recorded list has selects of its own
			for _, sf := range got.Selects {
				if sf.ID == "customfield_10050" || sf.ID == "customfield_10060" {
					mine = append(mine, sf)
				}
			}
			if diff := cmp.Diff(wantSelects, mine); diff != "" {
				t.Errorf("select fields (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff([]Status{{"Open", "new"}, {"Resolved", "done"}, {"Closed", "done"}}, got.Statuses); diff != "" {
				t.Errorf("statuses (-want +got):\n%s", diff)
			}

			emailEnv := ""
			if d == Cloud {
				emailEnv = "JIRA_EMAIL"
			}
			text := got.Starter("jira", "https://x.example: test", emailEnv, "JIRA_TOKEN")
			var doc struct {
				Sources []yaml.Node `yaml:"sources"`
			}
			if err := yaml.Unmarshal([]byte(text), &doc); err != nil || len(doc.Sources) != 1 {
				t.Fatalf("starter is not one source in YAML (%v):\n%s", err, text)
			}
			var s struct {
				Name     string `yaml:"name"`
				Type     string `yaml:"type"`
				Settings `yaml:",inline"`
			}
			if err := doc.Sources[0].Decode(&s); err != nil {
				t.Fatalf("decode starter: %v\n%s", err, text)
			}
			if ps := s.Check(connectors.Section{File: "k.yaml", Path: "sources[0]", Node: &doc.Sources[0]}); len(ps) > 0 {
				t.Errorf("starter fails its check: %v\n%s", ps, text)
			}
			checks := []struct {
				what string
				ok   bool
			}{
				{"base_url kept", s.BaseURL == "https://x.example: test"},
				{"done statuses resolve", cmp.Equal(s.ResolvedStatuses, []string{"Resolved", "Closed"})},
				{"priorities", s.Priorities["Lowest"] == "low" && s.Priorities["Highest"] == "urgent" && s.EscalationPriorityRaise},
				{"kinds by request type", cmp.Equal(s.Kinds, map[string]string{"Report a problem": "complaint", "Suggest an idea": "suggestion", "Ask a question": "inquiry"})},
				{"category from the cascading field", cmp.Equal(s.CategoryFrom, []string{"Complaint category", "components"}) &&
					s.Categories["Hardware / Laptop"] == "hardware-laptop" && s.Categories["Billing"] == "billing"},
				{"channel from the select", cmp.Equal(s.ChannelFrom, []string{"Contact channel"}) &&
					cmp.Equal(s.Channels, map[string]string{"E-mail": "email", "Phone call": "phone"})},
				{"no secret", !strings.Contains(text, testToken)},
			}
			for _, ch := range checks {
				if !ch.ok {
					t.Errorf("starter: %s: got\n%s", ch.what, text)
				}
			}
		})
	}
}

func TestDiscoverWithoutServiceDesk(t *testing.T) {
	f := newFake(t)
	f.handle("GET", "/rest/servicedeskapi/servicedesk", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(t, w, 404, map[string]any{"errorMessages": []string{"not a service desk site"}})
	})
	c, _ := newTestClient(t, f, DataCenter, nil)
	got, err := c.requestTypes(t.Context(), "SD")
	if err != nil || got != nil {
		t.Errorf("requestTypes = %v, %v; want none, no error", got, err)
	}
}
