package connectors

import (
	"slices"
	"time"
)

// Derived holds the fields of a complaint that follow from its events.
type Derived struct {
	FirstResponseAt time.Time
	FirstResolvedAt time.Time
	ResolvedAt      time.Time
	Reopens         int
	AgentReplies    int
	Escalated       bool
	EscalatedAt     time.Time
}

// IsFirstResponse reports whether e can be a complaint's first response:
// a public comment by an agent. Customers' comments, bots' and automation
// rules' comments, and internal notes never are (SPEC §2).
func IsFirstResponse(e Event) bool {
	return e.Kind == EventComment && e.Public && e.Role == RoleAgent
}

// Derive computes the derived fields from events. Events need not be sorted;
// equal instants keep their given order. A reopen counts only when it follows
// a resolution, so a stray reopen on an open complaint changes nothing; the
// final resolution is the last resolution not followed by a reopen.
func Derive(events []Event) Derived {
	byTime := func(a, b Event) int { return a.At.Compare(b.At) }
	evs := events
	if !slices.IsSortedFunc(evs, byTime) {
		// Sort a copy: the caller's order is the source's record.
		evs = slices.Clone(events)
		slices.SortStableFunc(evs, byTime)
	}

	var d Derived
	resolved := false
	for _, e := range evs {
		switch e.Kind {
		case EventComment:
			if !IsFirstResponse(e) {
				continue
			}
			if d.FirstResponseAt.IsZero() {
				d.FirstResponseAt = e.At
			}
			if d.FirstResolvedAt.IsZero() {
				d.AgentReplies++
			}
		case EventResolved:
			if d.FirstResolvedAt.IsZero() {
				d.FirstResolvedAt = e.At
			}
			d.ResolvedAt = e.At
			resolved = true
		case EventReopened:
			if resolved {
				d.Reopens++
				d.ResolvedAt = time.Time{}
				resolved = false
			}
		case EventEscalated:
			if !d.Escalated {
				d.Escalated = true
				d.EscalatedAt = e.At
			}
		}
	}
	return d
}

// Apply copies d into c.
func (d Derived) Apply(c *Complaint) {
	c.FirstResponseAt = d.FirstResponseAt
	c.FirstResolvedAt = d.FirstResolvedAt
	c.ResolvedAt = d.ResolvedAt
	c.Reopens = d.Reopens
	c.AgentReplies = d.AgentReplies
	c.Escalated = d.Escalated
	c.EscalatedAt = d.EscalatedAt
}
