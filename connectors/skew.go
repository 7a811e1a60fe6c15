package connectors

import (
	"fmt"
	"slices"
	"time"
)

// DefaultClockSkew is the clock-skew tolerance of SPEC §13.12 when the
// config names none: an instant up to an hour before its complaint's
// creation is taken for skew between systems' clocks, not bad data.
const DefaultClockSkew = time.Hour

// Skew is an instant of a complaint that lies before the complaint's
// creation (SPEC §13.12): a reply, resolution, escalation or event
// recorded by a system whose clock runs behind the one that stamped
// created_at. A duration that ends at such an instant counts 0 (§13.3: end
// ≤ start gives 0); the complaint is kept and the skew is listed on the
// data-quality page. Only a skew beyond the configured tolerance refuses
// the complaint.
type Skew struct {
	// Field is the import-format field (SPEC §12) the instant belongs to:
	// first_response_at, resolved_at, escalated_at or events.
	Field string
	// What names the instant: "first response", "resolution", "first
	// resolution" (of a complaint reopened since), "escalation", or "event
	// KIND" for the earliest event before creation.
	What string
	At   time.Time     // the instant
	By   time.Duration // how long before created_at, > 0
	// Events counts the events before created_at (Field events only).
	Events int
}

// String describes the skew for the data-quality page and error messages:
// "first response 2026-01-05T08:59:55Z is 5s before created_at 2026-01-05T09:00:00Z".
func (s Skew) String() string {
	what := s.What
	if s.Events > 1 {
		what = fmt.Sprintf("%s (the earliest of %d events before created_at)", what, s.Events)
	}
	return fmt.Sprintf("%s %s is %s before created_at %s", what,
		s.At.UTC().Format(time.RFC3339Nano), s.By, s.At.Add(s.By).UTC().Format(time.RFC3339Nano))
}

// Beyond reports whether the skew is larger than tolerance, which makes
// the complaint an import error (SPEC §13.12).
func (s Skew) Beyond(tolerance time.Duration) bool { return s.By > tolerance }

// ClockSkews returns the instants of c that lie before c.CreatedAt, in the
// order first response, resolution, first resolution, escalation, events
// (the earliest event before creation, with the number of such events,
// unless that event gave one of the fields before).
// The first resolution is listed only when it differs from the resolution.
// A complaint without a creation time has none.
func ClockSkews(c *Complaint) []Skew {
	if c.CreatedAt.IsZero() {
		return nil
	}
	var out []Skew
	check := func(field, what string, t time.Time) {
		if !t.IsZero() && t.Before(c.CreatedAt) {
			out = append(out, Skew{Field: field, What: what, At: t, By: c.CreatedAt.Sub(t)})
		}
	}
	check("first_response_at", "first response", c.FirstResponseAt)
	check("resolved_at", "resolution", c.ResolvedAt)
	if !c.FirstResolvedAt.Equal(c.ResolvedAt) {
		check("resolved_at", "first resolution", c.FirstResolvedAt)
	}
	check("escalated_at", "escalation", c.EscalatedAt)
	var earliest Skew
	for _, e := range c.Events {
		if e.At.IsZero() || !e.At.Before(c.CreatedAt) {
			continue
		}
		if earliest.Events == 0 || e.At.Before(earliest.At) {
			earliest = Skew{Field: "events", What: "event " + string(e.Kind), At: e.At, By: c.CreatedAt.Sub(e.At), Events: earliest.Events}
		}
		earliest.Events++
	}
	// Events before creation are listed unless the earliest of them is
	// already listed as the instant it gave a derived field.
	if earliest.Events > 0 && !slices.ContainsFunc(out, func(s Skew) bool { return s.At.Equal(earliest.At) }) {
		out = append(out, earliest)
	}
	return out
}
