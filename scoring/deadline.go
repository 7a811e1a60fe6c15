package scoring

import (
	"fmt"
	"slices"
	"time"

	"github.com/kpidesk/kpidesk/config"
	"github.com/kpidesk/kpidesk/connectors"
)

// deadline returns the instant by which a complaint created at from must be
// answered (resolved) under the first matching rule, and the rule's text
// for explanations. "N wd" is N working days of the team calendar in
// business time; "24h" is wall clock unless the rule says clock: business
// (SPEC §3).
func deadline(c *connectors.Complaint, x *Context, rules []config.Deadline) (time.Time, string, bool) {
	for i, r := range rules {
		if len(r.Priority) > 0 && !slices.Contains(r.Priority, c.Priority) {
			continue
		}
		if len(r.Channel) > 0 && !slices.Contains(r.Channel, c.Channel) {
			continue
		}
		if len(r.Category) > 0 && !slices.Contains(r.Category, c.Category) {
			continue
		}
		v, ok := parsedWithin(x, rules, i)
		if !ok {
			return time.Time{}, "", false // config validation rejects this before scoring
		}
		switch {
		case v.WorkingDays > 0 && x.Calendar != nil:
			return x.Calendar.AddWorkingDays(c.CreatedAt, v.WorkingDays), r.Within, true
		case r.Clock == "business" && x.Calendar != nil:
			return x.Calendar.Add(c.CreatedAt, time.Duration(v.Number*float64(time.Second))), r.Within + " (business)", true
		default:
			return c.CreatedAt.Add(time.Duration(v.Number * float64(time.Second))), r.Within, true
		}
	}
	return time.Time{}, "", false
}

// judgeDeadline applies the pending rule of SPEC §13.5: done by the
// deadline (inclusive) is a hit, late is a miss, not done with the deadline
// passed at as_of is a miss, not done and still inside it is pending.
func judgeDeadline(c *connectors.Complaint, x *Context, done time.Time, rules []config.Deadline, verb string) Outcome {
	due, rule, ok := deadline(c, x, rules)
	if !ok {
		return excluded("no deadline rule matches priority %q, channel %q, category %q", c.Priority, c.Channel, c.Category)
	}
	if !done.IsZero() {
		took := func() string { return HumanDuration(done.Sub(c.CreatedAt)) }
		if !done.After(due) {
			return hit(x, func() string { return fmt.Sprintf("%s %s after creation, deadline %s → hit", verb, took(), rule) })
		}
		return miss(x, func() string { return fmt.Sprintf("%s %s after creation, deadline %s → miss", verb, took(), rule) })
	}
	if due.Before(x.AsOf) {
		return miss(x, func() string {
			return fmt.Sprintf("not %s by %s, deadline %s passed → miss", verb, x.AsOf.UTC().Format(time.RFC3339), rule)
		})
	}
	return pending(x, func() string {
		return fmt.Sprintf("not %s yet, still inside its deadline %s (due %s) → not counted", verb, rule, due.UTC().Format(time.RFC3339))
	})
}

// parsedWithin returns rules[i].Within parsed, from the engine's cache when
// the rules are the config's own (parsing per complaint would cost more
// than the metric).
func parsedWithin(x *Context, rules []config.Deadline, i int) (config.Value, bool) {
	if x.within != nil {
		if vs, ok := x.within[&rules[0]]; ok {
			return vs[i], vs[i].Set
		}
	}
	v, err := config.ParseValue(rules[i].Within)
	return v, err == nil
}
