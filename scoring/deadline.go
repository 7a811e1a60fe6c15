package scoring

import (
	"slices"
	"time"

	"github.com/kpidesk/kpidesk/connectors"
	"github.com/kpidesk/kpidesk/internal/reason"
	"github.com/kpidesk/kpidesk/scoring/calendar"
)

// limit is a matched deadline rule: how much clock time a complaint has,
// on which clock.
type limit struct {
	d        time.Duration
	business bool   // business time of the team calendar, else wall clock
	text     string // the rule as written, for explanations
	// marked says the rule is in hours on the business clock (clock:
	// business), which an explanation says next to it; working days are
	// business time without saying.
	marked bool
}

// deadline is the rule as an explanation names it.
func (l limit) deadline() reason.Arg { return reason.Deadline(l.text, l.marked) }

// matchDeadline returns the first rule whose filters all match c. "N wd"
// is N working days of the team calendar in business time; "24h" is wall
// clock unless the rule says clock: business (SPEC §3).
func matchDeadline(c *connectors.Complaint, x *Context, rules []Deadline) (limit, bool) {
	for _, r := range rules {
		if len(r.Priority) > 0 && !slices.Contains(r.Priority, c.Priority) {
			continue
		}
		if len(r.Channel) > 0 && !slices.Contains(r.Channel, c.Channel) {
			continue
		}
		if len(r.Category) > 0 && !slices.Contains(r.Category, c.Category) {
			continue
		}
		v := r.Within
		switch {
		case v.WorkingDays > 0 && x.Calendar != nil:
			return limit{d: time.Duration(v.WorkingDays * float64(x.Calendar.DailyWork())), business: true, text: v.Text}, true
		case r.Business && x.Calendar != nil:
			return limit{d: time.Duration(v.Number * float64(time.Second)), business: true, text: v.Text, marked: true}, true
		default:
			return limit{d: time.Duration(v.Number * float64(time.Second)), text: v.Text}, true
		}
	}
	return limit{}, false
}

// elapsed is the clock time of l between creation and until, less the
// intervals the complaint was paused in.
func elapsed(c *connectors.Complaint, x *Context, l limit, until time.Time) time.Duration {
	if l.business {
		return x.Calendar.BetweenExcluding(c.CreatedAt, until, x.Paused)
	}
	return wallExcluding(c.CreatedAt, until, x.Paused)
}

// wallExcluding is the wall-clock time in [from, to) outside paused.
func wallExcluding(from, to time.Time, paused []calendar.Interval) time.Duration {
	if !to.After(from) {
		return 0
	}
	d := to.Sub(from)
	for _, p := range mergedIntervals(paused) {
		s, e := maxTime(p.Start, from), minTime(p.End, to)
		if e.After(s) {
			d -= e.Sub(s)
		}
	}
	return d
}

// mergedIntervals sorts and joins overlapping intervals.
func mergedIntervals(in []calendar.Interval) []calendar.Interval {
	if len(in) < 2 {
		return in
	}
	out := slices.Clone(in)
	slices.SortFunc(out, func(a, b calendar.Interval) int { return a.Start.Compare(b.Start) })
	merged := out[:1]
	for _, p := range out[1:] {
		last := &merged[len(merged)-1]
		if !p.Start.After(last.End) {
			last.End = maxTime(last.End, p.End)
			continue
		}
		merged = append(merged, p)
	}
	return merged
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// judgeDeadline applies the pending rule of SPEC §13.5 on elapsed clock
// time: done with elapsed ≤ deadline is a hit (inclusive, §13.4), done later
// is a miss, not done with more than the deadline elapsed at as_of is a
// miss, not done and still inside it is pending and not counted. Paused
// intervals do not count (a business-hours SLA that is paused waits).
//
// event is what the deadline waits for, a term of the reason catalogue
// ("answered", "resolved").
func judgeDeadline(c *connectors.Complaint, x *Context, done time.Time, rules []Deadline, event string) Outcome {
	return judgeCalendar(c, x, done, rules).outcome(c, x, event)
}

// calendarVerdict is a deadline metric's verdict on the team calendar
// (judgeCalendar), before it becomes an outcome: the source's SLA record
// is compared with it (sla.go).
type calendarVerdict struct {
	// result is Hit, Miss or Pending; "" when no deadline rule matches.
	result string
	// elapsed is the clock time of l from creation to the event, or to
	// as_of when it has not happened, less paused intervals.
	elapsed time.Duration
	l       limit
	done    bool
}

// judgeCalendar is the verdict of SPEC §13.5 on the deadline rules (see
// judgeDeadline).
func judgeCalendar(c *connectors.Complaint, x *Context, done time.Time, rules []Deadline) calendarVerdict {
	l, ok := matchDeadline(c, x, rules)
	if !ok {
		return calendarVerdict{}
	}
	v := calendarVerdict{l: l, done: !done.IsZero()}
	if v.done {
		v.elapsed = elapsed(c, x, l, done)
		v.result = Hit
		if v.elapsed > l.d {
			v.result = Miss
		}
		return v
	}
	v.elapsed = elapsed(c, x, l, x.AsOf)
	v.result = Pending
	if v.elapsed > l.d {
		v.result = Miss
	}
	return v
}

// outcome is the verdict with the calendar's own reasons.
func (v calendarVerdict) outcome(c *connectors.Complaint, x *Context, event string) Outcome {
	l, took := v.l, v.elapsed
	switch {
	case v.result == "":
		return excluded(reason.NoDeadlineRule, reason.Quoted(c.Priority), reason.Quoted(c.Channel), reason.Quoted(c.Category))
	case v.done && v.result == Hit:
		return hit(x, func() reason.Reason {
			return reason.New(reason.OnTime, reason.Term(event), reason.Duration(took, l.business), l.deadline())
		})
	case v.done:
		return miss(x, func() reason.Reason {
			return reason.New(reason.Late, reason.Term(event), reason.Duration(took, l.business), l.deadline())
		})
	case v.result == Miss:
		return miss(x, func() reason.Reason {
			return reason.New(reason.Overdue, reason.Term(event), reason.Instant(x.AsOf), reason.Duration(took, l.business), l.deadline())
		})
	}
	return pending(x, func() reason.Reason {
		return reason.New(reason.WithinDeadline, reason.Term(event), l.deadline())
	})
}

// pastDeadline reports whether, at instant at, c has used more clock time
// than its resolution deadline allows (the backlog's "past deadline",
// strictly greater, SPEC §13.4).
func pastDeadline(c *connectors.Complaint, x *Context, at time.Time) bool {
	l, ok := matchDeadline(c, x, x.Settings.Resolution)
	return ok && elapsed(c, x, l, at) > l.d
}

// clock names the clock durations are measured on, as explanations say it.
func (s *Settings) clock() string {
	if s.Wall {
		return "wall"
	}
	return "business"
}
