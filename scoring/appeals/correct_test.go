package appeals

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"gopkg.in/yaml.v3"

	"github.com/kpidesk/kpidesk/connectors"
)

// TestCorrectableFieldsFromTable: the fields a decision may correct are
// those connectors.Fields marks, each read by its kind.
func TestCorrectableFieldsFromTable(t *testing.T) {
	var want []string
	for i := range connectors.Fields {
		f := &connectors.Fields[i]
		if !f.Correctable {
			if _, ok := correctable(f.Name); ok && f.Name != "" {
				t.Errorf("%s is correctable but not marked in the table", f.Name)
			}
			continue
		}
		want = append(want, f.Name)
		// Every kind marked correctable has a reader (no panic) that
		// refuses a mapping.
		if _, reason := correctionValue(f, &yaml.Node{Kind: yaml.MappingNode}); reason == "" {
			t.Errorf("%s: a mapping is a valid correction", f.Name)
		}
	}
	if diff := cmp.Diff(want, CorrectableFields()); diff != "" {
		t.Errorf("CorrectableFields (-table +got):\n%s", diff)
	}
	if _, ok := correctable("title"); ok {
		t.Error("title is correctable")
	}
}

// TestCorrectionApply applies a correction of every correctable field, as
// Load reads it from YAML, to a complaint, and checks it changes that field
// (and what it brings with it) and nothing else.
func TestCorrectionApply(t *testing.T) {
	at := func(h int) time.Time { return time.Date(2025, 10, 8, h, 0, 0, 0, time.UTC) }
	base := func() connectors.Complaint {
		return connectors.Complaint{ID: "demo:1", Kind: "complaint", Category: "billing", Priority: "normal",
			Assignee: "a", Team: "t", CreatedAt: at(1), FirstResponseAt: at(2), FirstResolvedAt: at(3), ResolvedAt: at(5),
			Reopens: 1, AgentReplies: 2, CSAT: &connectors.CSAT{Value: 3, Scale: 10, Comment: "meh"}}
	}
	tests := []struct {
		field, yaml string
		want        func(c *connectors.Complaint)
	}{
		{"created_at", `"2025-10-08T08:00:00+08:00"`, func(c *connectors.Complaint) { c.CreatedAt = at(0) }},
		{"first_response_at", `"2025-10-08T04:00:00Z"`, func(c *connectors.Complaint) { c.FirstResponseAt = at(4) }},
		// Earlier than the first resolution: the first moves with it.
		{"resolved_at", `"2025-10-08T02:00:00Z"`, func(c *connectors.Complaint) { c.ResolvedAt, c.FirstResolvedAt = at(2), at(2) }},
		// Later: the first stays.
		{"resolved_at", `"2025-10-08T06:00:00Z"`, func(c *connectors.Complaint) { c.ResolvedAt = at(6) }},
		{"reopens", `0`, func(c *connectors.Complaint) { c.Reopens = 0 }},
		{"escalated", `true`, func(c *connectors.Complaint) { c.Escalated = true }},
		{"agent_replies", `7`, func(c *connectors.Complaint) { c.AgentReplies = 7 }},
		{"priority", `urgent`, func(c *connectors.Complaint) { c.Priority = "urgent" }},
		{"category", `delivery`, func(c *connectors.Complaint) { c.Category = "delivery" }},
		{"kind", `inquiry`, func(c *connectors.Complaint) { c.Kind = "inquiry" }},
		{"assignee", `b`, func(c *connectors.Complaint) { c.Assignee = "b" }},
		{"team", `t2`, func(c *connectors.Complaint) { c.Team = "t2" }},
		// The survey's scale stays, its comment goes.
		{"csat", `4.5`, func(c *connectors.Complaint) { c.CSAT = &connectors.CSAT{Value: 4.5, Scale: 10} }},
		{"csat", `null`, func(c *connectors.Complaint) { c.CSAT = nil }},
	}
	covered := map[string]bool{}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("%s=%s", tc.field, tc.yaml), func(t *testing.T) {
			covered[tc.field] = true
			f, ok := correctable(tc.field)
			if !ok {
				t.Fatalf("%s is not correctable", tc.field)
			}
			var n yaml.Node
			if err := yaml.Unmarshal([]byte(tc.yaml), &n); err != nil {
				t.Fatal(err)
			}
			v, reason := correctionValue(f, n.Content[0])
			if reason != "" {
				t.Fatalf("correctionValue(%s, %s): %s", tc.field, tc.yaml, reason)
			}
			got, want := base(), base()
			Correction{Complaint: got.ID, Field: tc.field, Value: v}.Apply(&got)
			tc.want(&want)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Apply (-want +got):\n%s", diff)
			}
		})
	}
	for _, name := range CorrectableFields() {
		if !covered[name] {
			t.Errorf("no test applies a correction of %s", name)
		}
	}
	// Without a survey, a corrected rating is on a 5-point scale.
	c := connectors.Complaint{}
	Correction{Field: "csat", Value: 4.0}.Apply(&c)
	if diff := cmp.Diff(&connectors.CSAT{Value: 4, Scale: 5}, c.CSAT); diff != "" {
		t.Errorf("csat without a survey (-want +got):\n%s", diff)
	}
	// A field no decision may correct is left alone.
	c = connectors.Complaint{Title: "x"}
	Correction{Field: "title", Value: "y"}.Apply(&c)
	if c.Title != "x" {
		t.Errorf("Apply corrected the title: %q", c.Title)
	}
}
