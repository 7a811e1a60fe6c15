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
