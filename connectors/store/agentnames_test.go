package store

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/kpidesk/kpidesk/connectors"
)

// TestAgentNames: each assignee's display name is the one of its latest
// updated complaint that carries one; an assignee without a name, and a
// complaint missing from its source, give none.
func TestAgentNames(t *testing.T) {
	ctx := context.Background()
	s := open(t)
	cs := complaints(0, 5)
	base := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	for i := range cs {
		cs[i].UpdatedAt = base.Add(time.Duration(i) * time.Hour)
	}
	cs[0].Assignee, cs[0].AssigneeName = "acc-1", "Old Name"
	cs[1].Assignee, cs[1].AssigneeName = "acc-1", "Li Na"
	cs[2].Assignee, cs[2].AssigneeName = "acc-1", "" // a later complaint without a name keeps the name
	cs[3].Assignee, cs[3].AssigneeName = "acc-2", ""
	cs[4].Assignee, cs[4].AssigneeName = "acc-3", "Gone"
	if err := s.Put(ctx, "jira", connectors.Batch{Complaints: cs, Cursor: "c1"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.MarkMissing(ctx, "jira", map[string]struct{}{cs[0].ID: {}, cs[1].ID: {}, cs[2].ID: {}, cs[3].ID: {}}, base.Add(24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	got, err := s.AgentNames(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]string{"acc-1": "Li Na"}, got); diff != "" {
		t.Errorf("AgentNames (-want +got):\n%s", diff)
	}
}

// TestAgentNamesFromIndex: the query reads the partial index, so that a
// store without names costs no scan of its complaints.
func TestAgentNamesFromIndex(t *testing.T) {
	plan := queryPlan(t, open(t), agentNamesQuery)
	if !slices.ContainsFunc(plan, func(d string) bool { return strings.Contains(d, "complaints_assignee_name") }) {
		t.Errorf("AgentNames query plan = %q, want the partial index complaints_assignee_name", plan)
	}
}
