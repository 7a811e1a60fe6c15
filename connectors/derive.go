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

// EventsAfter reports whether any of events lies strictly after t. Events
// need not be sorted.
func EventsAfter(events []Event, t time.Time) bool {
	// Scanned from the end: sorted events put the latest there.
	for i := len(events) - 1; i >= 0; i-- {
		if events[i].At.After(t) {
			return true
		}
	}
	return false
}

// Rewind sets c to what it was at asOf as far as its record tells (SPEC
// §13.6: what happened after as_of has not happened yet), so that scoring a
// store as of an earlier instant gives what a sync at that instant would
// have given. It is the identity when nothing of c lies after asOf. Field by
// field:
//
//   - Events after asOf are dropped; an event at asOf has happened. The
//     others keep their order.
//   - A derived field (first response, first and final resolution, reopens,
//     agent replies, escalation and its time) that equals what Derive gives
//     from all the events came from them, and is derived again from the
//     events up to asOf: a complaint resolved before asOf and reopened after
//     it is resolved at asOf. One that differs was given by the source
//     explicitly (an import line's resolved_at beside its events): it is a
//     snapshot, as are the derived fields of a complaint without events.
//   - A snapshot instant after asOf (first response, first or final
//     resolution, escalation, CSAT answer) did not happen yet: it is
//     cleared, and escalation with it. Reopens and agent replies without
//     events cannot be dated and are kept.
//   - Labels, assignee and priority are the source's current values. One
//     with a change after asOf is the value just before the first such
//     change: a label added later is removed, a label removed later is put
//     back (at the end); the assignee is the change's From (empty:
//     unassigned); the priority is the change's From when the source
//     recorded one. One without a later change is the snapshot, since
//     nothing says it was ever different (a label set at creation).
//   - A CSAT answer without a date is the snapshot and kept.
//   - Everything else (kind, category, channel, customer, team and
//     department as the source gives them, components, fields, SLA records)
//     has no events and is the snapshot. A team matched from the assignee
//     or labels by config follows their values at asOf.
func Rewind(c *Complaint, asOf time.Time) {
	if EventsAfter(c.Events, asOf) {
		rewindEvents(c, asOf)
	}
	after := func(t time.Time) bool { return !t.IsZero() && t.After(asOf) }
	if after(c.FirstResponseAt) {
		c.FirstResponseAt = time.Time{}
	}
	if after(c.ResolvedAt) {
		c.ResolvedAt = time.Time{}
	}
	if after(c.FirstResolvedAt) {
		c.FirstResolvedAt = time.Time{}
	}
	if after(c.EscalatedAt) {
		c.Escalated, c.EscalatedAt = false, time.Time{}
	}
	if c.CSAT != nil && after(c.CSAT.At) {
		c.CSAT = nil
	}
}

// rewindEvents drops c's events after asOf and undoes what they changed
// (see Rewind). c's slices are replaced, never modified: they may be shared.
func rewindEvents(c *Complaint, asOf time.Time) {
	var kept, later []Event
	byTime := func(a, b Event) int { return a.At.Compare(b.At) }
	if slices.IsSortedFunc(c.Events, byTime) {
		k := len(c.Events)
		for k > 0 && c.Events[k-1].At.After(asOf) {
			k--
		}
		kept, later = c.Events[:k:k], c.Events[k:]
	} else {
		for _, e := range c.Events {
			if e.At.After(asOf) {
				later = append(later, e)
			} else {
				kept = append(kept, e)
			}
		}
		slices.SortStableFunc(later, byTime)
	}

	full, now := Derive(c.Events), Derive(kept)
	if c.FirstResponseAt.Equal(full.FirstResponseAt) {
		c.FirstResponseAt = now.FirstResponseAt
	}
	if c.FirstResolvedAt.Equal(full.FirstResolvedAt) {
		c.FirstResolvedAt = now.FirstResolvedAt
	}
	if c.ResolvedAt.Equal(full.ResolvedAt) {
		c.ResolvedAt = now.ResolvedAt
	}
	if c.Reopens == full.Reopens {
		c.Reopens = now.Reopens
	}
	if c.AgentReplies == full.AgentReplies {
		c.AgentReplies = now.AgentReplies
	}
	if c.Escalated == full.Escalated && c.EscalatedAt.Equal(full.EscalatedAt) {
		c.Escalated, c.EscalatedAt = now.Escalated, now.EscalatedAt
	}

	// Undo the later changes, latest first: what remains is the value
	// before the first of them.
	labels, cloned := c.Labels, false
	for i := len(later) - 1; i >= 0; i-- {
		e := &later[i]
		switch e.Kind {
		case EventLabel:
			if !cloned {
				labels, cloned = slices.Clone(labels), true
			}
			if e.To != "" {
				labels = slices.DeleteFunc(labels, func(l string) bool { return l == e.To })
			}
			if e.From != "" && !slices.Contains(labels, e.From) {
				labels = append(labels, e.From)
			}
		case EventAssignment:
			c.Assignee = e.From
		case EventPriority:
			if e.From != "" {
				c.Priority = e.From
			}
		}
	}
	c.Labels = labels
	c.Events = kept
}
