package connectors

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestDerive(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	at := func(min int) time.Time { return t0.Add(time.Duration(min) * time.Minute) }
	comment := func(min int, role Role, public bool) Event {
		return Event{At: at(min), Kind: EventComment, Role: role, Public: public}
	}
	kind := func(min int, k EventKind) Event { return Event{At: at(min), Kind: k, Role: RoleAgent} }
	tests := []struct {
		name   string
		events []Event
		want   Derived
	}{
		{name: "no events", want: Derived{}},
		{
			name:   "bot and customer comments are never a first response",
			events: []Event{comment(1, RoleBot, true), comment(2, RoleCustomer, true), comment(30, RoleAgent, true)},
			want:   Derived{FirstResponseAt: at(30), AgentReplies: 1},
		},
		{
			name:   "an internal note is never a first response",
			events: []Event{comment(5, RoleAgent, false), comment(60, RoleAgent, true)},
			want:   Derived{FirstResponseAt: at(60), AgentReplies: 1},
		},
		{
			name:   "only bot replies: unanswered",
			events: []Event{comment(1, RoleBot, true), kind(10, EventResolved)},
			want:   Derived{FirstResolvedAt: at(10), ResolvedAt: at(10)},
		},
		{
			name: "replies counted before the first resolution only",
			events: []Event{comment(10, RoleAgent, true), comment(20, RoleAgent, true), kind(30, EventResolved),
				kind(40, EventReopened), comment(50, RoleAgent, true), kind(60, EventResolved)},
			want: Derived{FirstResponseAt: at(10), AgentReplies: 2, FirstResolvedAt: at(30), ResolvedAt: at(60), Reopens: 1},
		},
		{
			name:   "reopened and still open",
			events: []Event{kind(30, EventResolved), kind(40, EventReopened)},
			want:   Derived{FirstResolvedAt: at(30), Reopens: 1},
		},
		{
			name:   "a reopen without a resolution before it is ignored",
			events: []Event{kind(5, EventReopened), kind(30, EventResolved)},
			want:   Derived{FirstResolvedAt: at(30), ResolvedAt: at(30)},
		},
		{
			name:   "two reopens",
			events: []Event{kind(1, EventResolved), kind(2, EventReopened), kind(3, EventResolved), kind(4, EventReopened), kind(5, EventResolved)},
			want:   Derived{FirstResolvedAt: at(1), ResolvedAt: at(5), Reopens: 2},
		},
		{
			name:   "first escalation wins",
			events: []Event{kind(20, EventEscalated), kind(10, EventEscalated)},
			want:   Derived{Escalated: true, EscalatedAt: at(10)},
		},
		{
			name:   "unsorted events are ordered by time",
			events: []Event{kind(60, EventResolved), comment(30, RoleAgent, true)},
			want:   Derived{FirstResponseAt: at(30), AgentReplies: 1, FirstResolvedAt: at(60), ResolvedAt: at(60)},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Derive(tc.events)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Derive() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCSATScore(t *testing.T) {
	if got := (CSAT{Value: 4, Scale: 5}).Score(); got != 80 {
		t.Errorf("Score(4/5) = %v, want 80", got)
	}
	if got := (CSAT{Value: 9, Scale: 10}).Score(); got != 90 {
		t.Errorf("Score(9/10) = %v, want 90", got)
	}
}

// TestRewind checks the as-of rule of each field (Rewind's doc comment).
func TestRewind(t *testing.T) {
	t0 := time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)
	at := func(h int) time.Time { return t0.Add(time.Duration(h) * time.Hour) }
	asOf := at(24)
	e := func(h int, k EventKind, from, to string) Event {
		return Event{At: at(h), Kind: k, Role: RoleAgent, Public: k == EventComment, From: from, To: to}
	}
	derived := func(c Complaint) Complaint { Derive(c.Events).Apply(&c); return c }
	tests := []struct {
		name      string
		c, want   Complaint
		unchanged bool // want is c itself
	}{
		{
			name:      "nothing after as_of: identity",
			c:         derived(Complaint{Assignee: "a", Labels: []string{"x"}, Events: []Event{e(1, EventComment, "", ""), e(2, EventResolved, "", ""), e(24, EventReopened, "", "")}}),
			unchanged: true,
		},
		{
			name: "resolved before, reopened after: resolved at as_of",
			c:    derived(Complaint{Events: []Event{e(1, EventComment, "", ""), e(2, EventResolved, "", ""), e(30, EventReopened, "", ""), e(31, EventComment, "", "")}}),
			want: Complaint{FirstResponseAt: at(1), FirstResolvedAt: at(2), ResolvedAt: at(2), AgentReplies: 1,
				Events: []Event{e(1, EventComment, "", ""), e(2, EventResolved, "", "")}},
		},
		{
			name: "reopened before, resolved again after: open, reopened once",
			c:    derived(Complaint{Events: []Event{e(2, EventResolved, "", ""), e(3, EventReopened, "", ""), e(30, EventResolved, "", ""), e(31, EventEscalated, "", "")}}),
			want: Complaint{FirstResolvedAt: at(2), Reopens: 1, Events: []Event{e(2, EventResolved, "", ""), e(3, EventReopened, "", "")}},
		},
		{
			name: "an explicit resolution beside the events is a snapshot",
			c:    Complaint{ResolvedAt: at(40), FirstResolvedAt: at(2), Reopens: 2, Events: []Event{e(2, EventResolved, "", ""), e(30, EventReopened, "", "")}},
			want: Complaint{FirstResolvedAt: at(2), Reopens: 2, Events: []Event{e(2, EventResolved, "", "")}},
		},
		{
			name: "without events: instants after as_of cleared, counts kept",
			c:    Complaint{FirstResponseAt: at(30), ResolvedAt: at(40), FirstResolvedAt: at(35), Reopens: 1, AgentReplies: 2, Escalated: true, EscalatedAt: at(25), CSAT: &CSAT{Value: 5, Scale: 5, At: at(41)}},
			want: Complaint{Reopens: 1, AgentReplies: 2},
		},
		{
			name: "a CSAT answer without a date is kept",
			c:    Complaint{ResolvedAt: at(2), FirstResolvedAt: at(2), CSAT: &CSAT{Value: 4, Scale: 5}},
			want: Complaint{ResolvedAt: at(2), FirstResolvedAt: at(2), CSAT: &CSAT{Value: 4, Scale: 5}},
		},
		{
			name: "labels, assignee and priority: the value before the first later change",
			c: derived(Complaint{Assignee: "c", Priority: "urgent", Labels: []string{"keep", "late"}, Events: []Event{
				e(1, EventLabel, "", "early"), e(2, EventAssignment, "", "a"),
				e(30, EventLabel, "early", ""), e(31, EventLabel, "", "late"), e(32, EventAssignment, "a", "b"), e(33, EventAssignment, "b", "c"),
				e(34, EventPriority, "normal", "high"), e(35, EventPriority, "high", "urgent")}}),
			want: Complaint{Assignee: "a", Priority: "normal", Labels: []string{"keep", "early"},
				Events: []Event{e(1, EventLabel, "", "early"), e(2, EventAssignment, "", "a")}},
		},
		{
			name: "assigned later from nobody: unassigned; a later priority change without From: kept",
			c:    Complaint{Assignee: "b", Priority: "high", Events: []Event{e(30, EventAssignment, "", "b"), e(31, EventPriority, "", "high")}},
			want: Complaint{Priority: "high", Events: []Event{}},
		},
		{
			name: "unsorted events: kept in their order, undone in time order",
			c:    derived(Complaint{Assignee: "c", Events: []Event{e(33, EventAssignment, "b", "c"), e(2, EventResolved, "", ""), e(32, EventAssignment, "a", "b"), e(1, EventComment, "", ""), e(30, EventReopened, "", "")}}),
			want: Complaint{Assignee: "a", FirstResponseAt: at(1), FirstResolvedAt: at(2), ResolvedAt: at(2), AgentReplies: 1,
				Events: []Event{e(2, EventResolved, "", ""), e(1, EventComment, "", "")}},
		},
		{
			name: "an event at as_of has happened",
			c:    derived(Complaint{Events: []Event{e(24, EventResolved, "", ""), e(24, EventReopened, "", ""), e(25, EventResolved, "", "")}}),
			want: Complaint{FirstResolvedAt: at(24), Reopens: 1, Events: []Event{e(24, EventResolved, "", ""), e(24, EventReopened, "", "")}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := cloneComplaint(tc.c)
			got := cloneComplaint(tc.c)
			got.Events, got.Labels = tc.c.Events, tc.c.Labels // shared, as a store's reads are
			Rewind(&got, asOf)
			want := tc.want
			if tc.unchanged {
				want = before
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Rewind(%s) mismatch (-want +got):\n%s", asOf.Format(time.RFC3339), diff)
			}
			if diff := cmp.Diff(before, tc.c); diff != "" {
				t.Errorf("Rewind modified the caller's events or labels (-before +after):\n%s", diff)
			}
		})
	}
}

func cloneComplaint(c Complaint) Complaint {
	c.Events = append([]Event(nil), c.Events...)
	c.Labels = append([]string(nil), c.Labels...)
	return c
}
