package jira

import (
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/kpidesk/kpidesk/connectors"
)

// dcComment is a Data Center comment by username, public by its expanded
// (empty) properties: Data Center users carry no accountType.
func dcComment(id, author string, at time.Time) map[string]any {
	return map[string]any{"id": id, "created": jiraTime(at), "properties": []any{},
		"author": map[string]any{"name": author, "key": author}}
}

func commentRoles(c connectors.Complaint) map[string]connectors.Role {
	out := map[string]connectors.Role{}
	for _, e := range c.Events {
		if e.Kind == connectors.EventComment {
			out[e.Actor] = e.Role
		}
	}
	return out
}

// TestSourceParticipantsDataCenter: on Data Center a request participant
// who comments is a customer, not an agent, so the agent's later reply is
// the first response; a participant listed under agents stays an agent.
func TestSourceParticipantsDataCenter(t *testing.T) {
	c0 := srcBase
	issue := simpleIssue("SD-1", c0, false, []map[string]any{
		dcComment("1", "colleague", c0.Add(10*time.Minute)),
		dcComment("2", "cust-SD-1", c0.Add(15*time.Minute)), // the reporter
		dcComment("3", "alice", c0.Add(30*time.Minute)),
		dcComment("4", "bob", c0.Add(40*time.Minute)),
	}, map[string]any{
		"customfield_10026": []any{
			map[string]any{"name": "colleague", "key": "colleague", "displayName": "A colleague"},
			map[string]any{"name": "bob", "key": "bob"},
		},
	})
	for _, tc := range []struct {
		name      string
		edit      func(*SourceConfig)
		firstResp time.Duration
		roles     map[string]connectors.Role
	}{
		{
			name:      "without the participants field",
			edit:      func(*SourceConfig) {},
			firstResp: 10 * time.Minute,
			roles: map[string]connectors.Role{"colleague": connectors.RoleAgent, "cust-SD-1": connectors.RoleCustomer,
				"alice": connectors.RoleAgent, "bob": connectors.RoleAgent},
		},
		{
			name:      "participants are customers",
			edit:      func(c *SourceConfig) { c.Mapping.ParticipantsField = "customfield_10026" },
			firstResp: 30 * time.Minute,
			roles: map[string]connectors.Role{"colleague": connectors.RoleCustomer, "cust-SD-1": connectors.RoleCustomer,
				"alice": connectors.RoleAgent, "bob": connectors.RoleCustomer},
		},
		{
			name: "listed agents are agents even as participants; the rest customers",
			edit: func(c *SourceConfig) {
				c.Mapping.ParticipantsField = "customfield_10026"
				c.Mapping.Agents, c.Mapping.AgentsOnly = []string{"BOB"}, true
			},
			firstResp: 40 * time.Minute,
			roles: map[string]connectors.Role{"colleague": connectors.RoleCustomer, "cust-SD-1": connectors.RoleCustomer,
				"alice": connectors.RoleCustomer, "bob": connectors.RoleAgent},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t)
			asked := serveSearch(t, f, DataCenter, []map[string]any{issue})
			s := simpleSource(t, f, DataCenter, tc.edit)
			got := fetchAll(t, s)["SD-1"]
			if want := c0.Add(tc.firstResp); !got.FirstResponseAt.Equal(want) {
				t.Errorf("FirstResponseAt = %v, want %v", got.FirstResponseAt, want)
			}
			if diff := cmp.Diff(tc.roles, commentRoles(got)); diff != "" {
				t.Errorf("comment roles (-want +got):\n%s", diff)
			}
			if f := s.cfg.Mapping.ParticipantsField; f != "" && !slices.Contains(asked()[0], f) {
				t.Errorf("search fields %v lack the participants field", asked()[0])
			}
		})
	}
}

// TestSettingsAgents: the agents key makes the listed accounts the only
// agents, with or without agent groups.
func TestSettingsAgents(t *testing.T) {
	s := &Settings{BaseURL: "https://jira.example.com", Deployment: DataCenter, TokenEnv: "T", Projects: []string{"SD"},
		Agents: []string{"alice"}, ParticipantsField: "customfield_10026", EscalationPriorityRaise: true,
		PriorityOrder: []string{"High", "Low"}, ChannelFrom: []string{"customfield_1"}, Channels: map[string]string{"a": "email"}}
	src, _, err := newFromSettings(s, connectors.Env{Name: "jsm", Getenv: func(string) string { return "tok" }})
	if err != nil {
		t.Fatal(err)
	}
	m := src.(*Source).cfg.Mapping
	if !m.AgentsOnly || !slices.Equal(m.Agents, []string{"alice"}) || m.ParticipantsField != "customfield_10026" ||
		!m.PriorityRaiseEscalates || !slices.Equal(m.PriorityOrder, []string{"High", "Low"}) ||
		!slices.Equal(m.ChannelFrom, []string{"customfield_1"}) || m.Channels["a"] != "email" {
		t.Errorf("mapping from settings = %+v", m)
	}
}

// priorityIssue is SD-1 with one priority change per history, in order.
func priorityIssue(changes ...[2]string) map[string]any {
	issue := simpleIssue("SD-1", srcBase, false, nil, nil)
	var hs []any
	for i, ch := range changes {
		hs = append(hs, map[string]any{
			"id": string(rune('1' + i)), "created": jiraTime(srcBase.Add(time.Duration(i+1) * time.Hour)),
			"author": map[string]any{"accountId": "agent-1", "name": "agent-1"},
			"items":  []any{map[string]any{"field": "priority", "fieldId": "priority", "fromString": ch[0], "toString": ch[1]}},
		})
	}
	issue["changelog"] = map[string]any{"startAt": 0, "maxResults": len(hs), "total": len(hs), "histories": hs}
	return issue
}

// escalations returns the From → To of the escalation events.
func escalations(c connectors.Complaint) [][2]string {
	var out [][2]string
	for _, e := range c.Events {
		if e.Kind == connectors.EventEscalated {
			out = append(out, [2]string{e.From, e.To})
		}
	}
	return out
}

// TestSourcePriorityRaise: with escalation_priority_raise, a priority
// change up the site's own order (GET /rest/api/2/priority) escalates,
// Lowest → Low included; a change down or within the order's bottom does
// not; an explicit order is used without asking the site.
func TestSourcePriorityRaise(t *testing.T) {
	changes := [][2]string{{"Lowest", "Low"}, {"Low", "Lowest"}, {"Lowest", "Medium"}, {"Medium", "Sev 9"}}
	for _, d := range flavours {
		t.Run(d, func(t *testing.T) {
			f := newFake(t)
			serveSearch(t, f, d, []map[string]any{priorityIssue(changes...)})
			f.handle("GET", "/rest/api/2/priority", func(w http.ResponseWriter, r *http.Request) {
				writeJSON(t, w, 200, []any{
					map[string]any{"id": "1", "name": "Highest"}, map[string]any{"id": "2", "name": "High"},
					map[string]any{"id": "3", "name": "Medium"}, map[string]any{"id": "4", "name": "Low"},
					map[string]any{"id": "5", "name": "Lowest"},
				})
			})
			got := fetchAll(t, simpleSource(t, f, d, func(c *SourceConfig) { c.Mapping.PriorityRaiseEscalates = true }))["SD-1"]
			want := [][2]string{{"Lowest", "Low"}, {"Lowest", "Medium"}}
			if diff := cmp.Diff(want, escalations(got)); diff != "" {
				t.Errorf("escalations (-want +got):\n%s", diff)
			}
			if wantAt := srcBase.Add(time.Hour); !got.Escalated || !got.EscalatedAt.Equal(wantAt) {
				t.Errorf("Escalated %v at %v, want at %v", got.Escalated, got.EscalatedAt, wantAt)
			}
		})
	}
}

func TestMappingPriorityRaise(t *testing.T) {
	for _, tc := range []struct {
		name  string
		m     Mapping
		from  string
		to    string
		raise bool
	}{
		{"in the order", Mapping{PriorityRaiseEscalates: true, PriorityOrder: []string{"P1", "P2", "P3"}}, "P3", "P2", true},
		{"down the order", Mapping{PriorityRaiseEscalates: true, PriorityOrder: []string{"P1", "P2", "P3"}}, "P1", "P2", false},
		{"case-insensitive", Mapping{PriorityRaiseEscalates: true, PriorityOrder: []string{"Highest", "Lowest"}}, "lowest", "HIGHEST", true},
		{"explicit order over levels", Mapping{PriorityRaiseEscalates: true, PriorityOrder: []string{"Low", "High"}}, "High", "Low", true},
		{"no order: by level", Mapping{PriorityRaiseEscalates: true}, "Medium", "High", true},
		{"no order: within a level is no raise", Mapping{PriorityRaiseEscalates: true}, "Lowest", "Low", false},
		{"unknown name", Mapping{PriorityRaiseEscalates: true}, "Sev 9", "Highest", false},
		{"off", Mapping{PriorityOrder: []string{"P1", "P2"}}, "P2", "P1", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := []byte(`{"key":"SD-1","fields":{"created":"2024-03-01T09:00:00.000+0000","priority":{"name":"` + tc.to + `"}},
				"changelog":{"total":1,"histories":[{"id":"1","created":"2024-03-01T10:00:00.000+0000","author":{"accountId":"a"},
				"items":[{"field":"priority","fromString":"` + tc.from + `","toString":"` + tc.to + `"}]}]}}`)
			c, _, err := tc.m.Complaint(b, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			if got := len(escalations(c)) == 1; got != tc.raise {
				t.Errorf("%s → %s escalated %v, want %v (events %+v)", tc.from, tc.to, got, tc.raise, c.Events)
			}
		})
	}
}
