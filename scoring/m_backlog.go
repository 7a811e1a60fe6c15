package scoring

import (
	"github.com/kpidesk/kpidesk/connectors"
	"github.com/kpidesk/kpidesk/internal/reason"
)

func init() { register(backlog{}) }

// backlog is a snapshot metric: a complaint counts at every month end it
// was still open (SPEC §13.10), a hit there when it was past its
// resolution deadline. It judges the month ends in snapshots, for the
// aggregator, which adds what it is given; Evaluate only says, for a
// complaint judged on its own, that it counts.
type backlog struct{}

func (backlog) Info() Info {
	return Info{ID: "backlog", Needs: pauses, Name: "积压量", NameEN: "Backlog", Value: ValueCount, Cohort: CohortSnapshot,
		Help:      "期末（下一期开始的时刻，或评估时点）仍未解决的投诉数；分子为其中已超过解决时限的投诉。",
		HelpEN:    "Complaints still open at the end of the period (the first instant of the next one, or the evaluation instant); the numerator counts those past their resolution deadline.",
		Reference: "000"}
}

func (backlog) Evaluate(c *connectors.Complaint, x *Context) Outcome {
	return Outcome{Result: Counted}
}

// snapshotter is a metric whose complaints count at period ends (Cohort
// snapshot). For a complaint created in month from, it judges the month
// ends from there up to month to in order and calls add with each month
// whose snapshot the complaint is in and its outcome there; it returns the
// complaint's outcome for the evidence. The snapshot of a month is taken
// at its end (the first instant of the next local month), clipped to
// x.AsOf.
type snapshotter interface {
	snapshots(c *connectors.Complaint, x *Context, from, to monthIndex, add func(m monthIndex, o *Outcome)) Outcome
}

// snapshots puts c in the backlog of every month at whose end it was open:
// created before the snapshot and not resolved before it. Past its
// deadline means the deadline lies strictly before the snapshot (§13.4).
// No break at as_of: a later month's snapshot is clipped to as_of too
// (SPEC §13.10), so a complaint open at as_of is in it, and a period not
// over at as_of (the current year) takes that snapshot.
func (backlog) snapshots(c *connectors.Complaint, x *Context, from, to monthIndex, add func(m monthIndex, o *Outcome)) Outcome {
	loc := x.Calendar.Location()
	first, last, pastFrom := monthIndex(-1), monthIndex(-1), monthIndex(-1)
	for m := from; m <= to; m++ {
		snap := (m + 1).start(loc)
		if snap.After(x.AsOf) {
			snap = x.AsOf
		}
		if !c.CreatedAt.Before(snap) || (!c.ResolvedAt.IsZero() && c.ResolvedAt.Before(snap)) {
			break
		}
		o := Outcome{Result: Miss}
		if pastDeadline(c, x, snap) {
			o.Result = Hit
			if pastFrom < 0 {
				pastFrom = m
			}
		}
		if first < 0 {
			first = m
		}
		last = m
		add(m, &o)
	}
	switch {
	case first < 0:
		return excluded(reason.NeverOpenAtMonthEnd)
	case pastFrom >= 0:
		return Outcome{Result: Counted, Reason: reason.New(reason.OpenAtMonthEndsPast, reason.Month(int(first)), reason.Month(int(last)), reason.Month(int(pastFrom)))}
	}
	return Outcome{Result: Counted, Reason: reason.New(reason.OpenAtMonthEnds, reason.Month(int(first)), reason.Month(int(last)))}
}
