package scoring

import (
	"strings"
	"time"

	"github.com/kpidesk/kpidesk/config"
	"github.com/kpidesk/kpidesk/connectors"
	"github.com/kpidesk/kpidesk/internal/reason"
)

// The source's own SLA verdict (issue 13 §2). A helpdesk such as Jira
// Service Management keeps its own SLA clocks ("Time to first response",
// "Time to resolution": a goal on the SLA's calendar, pauses, cycles,
// breaches), which connectors.SLA carries. A deadline metric can take
// that verdict instead of judging its deadline rules on the team calendar
// (metrics.response_rate.sla: source), and in both modes it computes the
// other verdict too, so that scoring reports where the two disagree
// (Scores.SLAReconciliation) and `kpidesk explain` shows both.
//
// The source's verdict of a complaint, from its record named sla_name:
//
//   - breached in any cycle: a miss;
//   - else, the event the deadline waits for (first public agent reply,
//     final resolution) happened by as_of: a hit;
//   - else (ongoing at as_of) with more elapsed than its goal: a miss;
//   - else pending, not counted yet.
//
// Elapsed and goal are the last cycle's, on the SLA's own calendar, paused
// time left out, as the source reports them at the last sync: the record
// is a snapshot that scoring as of an earlier instant cannot rewind. A
// record without a goal is no verdict. A complaint without the record (a
// GitHub issue in the same config, a request type without that SLA) is
// judged on the team calendar in both modes, and its reason says so.

// SLAChoice is a deadline metric's sla and sla_name, compiled.
type SLAChoice struct {
	// Source takes the source's verdict (sla: source), not the calendar's.
	Source bool
	// Name is the source's SLA record compared (sla_name), matched
	// without regard to case.
	Name string
}

func slaChoice(m config.DeadlineMetric) SLAChoice {
	return SLAChoice{Source: m.SLA == config.SLASource, Name: m.SLAName}
}

// Verdict is "source" or "calendar", as scores.json names the choice.
func (s SLAChoice) Verdict() string {
	if s.Source {
		return config.SLASource
	}
	return config.SLACalendar
}

// sourceRecord returns c's SLA record named name that has a goal, or nil.
func sourceRecord(c *connectors.Complaint, name string) *connectors.SLA {
	for i := range c.SLA {
		if r := &c.SLA[i]; r.Goal > 0 && strings.EqualFold(r.Name, name) {
			return r
		}
	}
	return nil
}

// sourceVerdict is the source's verdict of a complaint from its record.
type sourceVerdict struct {
	result string // Hit, Miss or Pending
	// state is the record's, a term of the reason catalogue: met,
	// breached, running (ongoing within its goal) or overdue (ongoing
	// past it, not marked breached).
	state string
	rec   *connectors.SLA
}

// judgeSource applies the source's verdict (see the package comment
// above); done says the event the deadline waits for happened by as_of.
func judgeSource(rec *connectors.SLA, done bool) sourceVerdict {
	v := sourceVerdict{rec: rec}
	switch {
	case rec.Breached:
		v.result, v.state = Miss, "breached"
	case done:
		v.result, v.state = Hit, "met"
	case rec.Elapsed > rec.Goal:
		v.result, v.state = Miss, "overdue"
	default:
		v.result, v.state = Pending, "running"
	}
	return v
}

func (v sourceVerdict) elapsed() time.Duration { return time.Duration(v.rec.Elapsed) * time.Second }
func (v sourceVerdict) goal() time.Duration    { return time.Duration(v.rec.Goal) * time.Second }
func (v sourceVerdict) cycle() int             { return max(v.rec.Cycles, 1) }

// judgeDeadlineSLA is a deadline metric's outcome under choice: the
// calendar's verdict (judgeDeadline) or the source's, with a reason that
// says whose it is and, where the other differs, what the other says.
// Without a record and on the calendar it is judgeDeadline exactly, and
// allocates nothing more.
func judgeDeadlineSLA(c *connectors.Complaint, x *Context, done time.Time, rules []Deadline, choice SLAChoice, event string) Outcome {
	var rec *connectors.SLA
	if len(c.SLA) > 0 {
		rec = sourceRecord(c, choice.Name)
	}
	if rec == nil && !choice.Source {
		return judgeDeadline(c, x, done, rules, event)
	}
	cal := judgeCalendar(c, x, done, rules)
	if rec == nil {
		// Source mode without the record: the calendar's verdict, saying
		// so. Without a deadline rule either, it is out (NoDeadlineRule).
		if cal.result == "" {
			return cal.outcome(c, x, event)
		}
		return Outcome{Result: cal.result, Reason: because(x, func() reason.Reason {
			return reason.New(reason.NoSourceRecord, reason.Text(choice.Name), reason.Duration(cal.elapsed, cal.l.business), cal.l.deadline(), reason.Term(cal.result))
		})}
	}
	src := judgeSource(rec, !done.IsZero())
	agree := cal.result == "" || cal.result == src.result
	if !choice.Source {
		if agree {
			return cal.outcome(c, x, event)
		}
		return Outcome{Result: cal.result, Reason: because(x, func() reason.Reason {
			return reason.New(reason.CalendarVerdictDiffers, reason.Duration(cal.elapsed, cal.l.business), cal.l.deadline(), reason.Term(cal.result),
				reason.Text(rec.Name), reason.Term(src.result), reason.Int(src.cycle()), reason.Term(src.state), reason.Duration(src.elapsed(), false), reason.Duration(src.goal(), false))
		})}
	}
	if agree {
		return Outcome{Result: src.result, Reason: because(x, func() reason.Reason {
			return reason.New(reason.SourceVerdict, reason.Text(rec.Name), reason.Int(src.cycle()), reason.Term(src.state),
				reason.Duration(src.elapsed(), false), reason.Duration(src.goal(), false), reason.Term(src.result))
		})}
	}
	return Outcome{Result: src.result, Reason: because(x, func() reason.Reason {
		return reason.New(reason.SourceVerdictDiffers, reason.Text(rec.Name), reason.Int(src.cycle()), reason.Term(src.state),
			reason.Duration(src.elapsed(), false), reason.Duration(src.goal(), false), reason.Term(src.result),
			reason.Term(cal.result), reason.Duration(cal.elapsed, cal.l.business), cal.l.deadline())
	})}
}

// slaPair is what a deadline metric makes of a complaint on each side:
// Hit, Miss or Pending, "" for a side without a verdict (no record with a
// goal; no deadline rule).
type slaPair struct{ source, calendar string }

// bothVerdicts judges c by the source's record and on the calendar.
func bothVerdicts(c *connectors.Complaint, x *Context, done time.Time, rules []Deadline, choice SLAChoice) slaPair {
	var p slaPair
	if rec := sourceRecord(c, choice.Name); rec != nil {
		p.source = judgeSource(rec, !done.IsZero()).result
	}
	p.calendar = judgeCalendar(c, x, done, rules).result
	return p
}

// reconciler is a deadline metric that compares its calendar verdict with
// the source's SLA record: response_rate and resolution_sla_rate.
type reconciler interface {
	slaChoice(s *Settings) SLAChoice
	// slaVerdicts judges c both ways, as its Evaluate does.
	slaVerdicts(c *connectors.Complaint, x *Context) slaPair
}

// SLACounts reconcile a deadline metric's two verdicts over the
// organization's complaints of one month (the metric's cohort) that it
// judged (not excluded). Compared are those with a verdict on both sides:
// Agree where the two are the same (pending on both included), then the
// disagreements by kind. NoRecord, in source mode only, counts the
// complaints without the source's record, judged on the calendar.
// Complaints whose calendar side has no deadline rule are not compared.
type SLACounts struct {
	Agree int `json:"agree"`
	// CalendarPending is pending on the calendar, decided by the source.
	CalendarPending       int `json:"calendar_pending"`
	Compared              int `json:"compared"`
	NoRecord              int `json:"no_record"`
	SourceHitCalendarMiss int `json:"source_hit_calendar_miss"`
	SourceMissCalendarHit int `json:"source_miss_calendar_hit"`
	// SourcePending is pending by the source, decided on the calendar.
	SourcePending int `json:"source_pending"`
}

// Disagree is the number of complaints compared on which the two verdicts
// differ.
func (n SLACounts) Disagree() int { return n.Compared - n.Agree }

func (n *SLACounts) add(p slaPair) {
	switch {
	case p.source == "":
		n.NoRecord++
		return
	case p.calendar == "":
		return
	}
	n.Compared++
	switch {
	case p.source == p.calendar:
		n.Agree++
	case p.source == Pending:
		n.SourcePending++
	case p.calendar == Pending:
		n.CalendarPending++
	case p.source == Hit:
		n.SourceHitCalendarMiss++
	default:
		n.SourceMissCalendarHit++
	}
}

func (n *SLACounts) merge(o *SLACounts) {
	n.Agree += o.Agree
	n.CalendarPending += o.CalendarPending
	n.Compared += o.Compared
	n.NoRecord += o.NoRecord
	n.SourceHitCalendarMiss += o.SourceHitCalendarMiss
	n.SourceMissCalendarHit += o.SourceMissCalendarHit
	n.SourcePending += o.SourcePending
}

// SLAReconciliation is one deadline metric's reconciliation with the
// source's SLA record, month by month (scores.json sla_reconciliation).
type SLAReconciliation struct {
	Months map[string]SLACounts `json:"months"` // month of the metric's cohort → counts
	Name   string               `json:"name"`   // the source's SLA record compared (sla_name)
	// Verdict is whose verdict the metric takes: source or calendar.
	Verdict string `json:"verdict"`
}

// slaAgg is the aggregate's reconciliation: the reconciling metrics and,
// per month and metric, the organization's counts.
type slaAgg struct {
	metrics []int // indexes of the metrics that reconcile (reconciler)
	choices []SLAChoice
	// source is true when one of them takes the source's verdict: the
	// complaints without a record are counted too (NoRecord).
	source bool
	counts []SLACounts // (month - lo) × len(metrics), summed over the workers
}

func (a *aggregate) initSLA() {
	for mi, m := range a.e.metrics {
		if r, ok := m.(reconciler); ok {
			ch := r.slaChoice(a.e.set)
			a.sla.metrics = append(a.sla.metrics, mi)
			a.sla.choices = append(a.sla.choices, ch)
			a.sla.source = a.sla.source || ch.Source
		}
	}
}

// reconcile counts a complaint that counts into its worker's
// reconciliation, once its outcomes are final (appeals applied). It
// costs nothing for a complaint without SLA records on the calendar.
func (a *aggregate) reconcile(part *partial, c *connectors.Complaint, pl *placed, outs []Outcome) {
	if len(c.SLA) == 0 && !a.sla.source {
		return
	}
	var x *Context
	for k, mi := range a.sla.metrics {
		ch := a.sla.choices[k]
		o := outs[mi].Result
		if o == "" || o == Excluded {
			continue
		}
		var p slaPair
		if len(c.SLA) > 0 && sourceRecord(c, ch.Name) != nil {
			if x == nil {
				x = &Context{AsOf: a.opt.AsOf, Calendar: pl.p.Calendar, Team: pl.p.Team, Settings: a.e.set, Paused: a.e.paused(c, a.opt.AsOf)}
			}
			p = a.e.metrics[mi].(reconciler).slaVerdicts(c, x)
		} else if ch.Source {
			p.calendar = o // judged on the calendar for lack of a record
		} else {
			continue
		}
		m := pl.created
		if a.infos[mi].Cohort == CohortResolved {
			if pl.resolve < 0 {
				continue
			}
			m = pl.resolve
		}
		if m < a.lo || m > a.hi {
			continue
		}
		if part.sla == nil {
			part.sla = make([]SLACounts, a.months()*len(a.sla.metrics))
		}
		part.sla[int(m-a.lo)*len(a.sla.metrics)+k].add(p)
	}
}

// mergeSLA sums the workers' reconciliation counts.
func (a *aggregate) mergeSLA(parts []*partial) {
	for _, part := range parts {
		if part == nil || part.sla == nil {
			continue
		}
		if a.sla.counts == nil {
			a.sla.counts = part.sla
			continue
		}
		for i := range part.sla {
			a.sla.counts[i].merge(&part.sla[i])
		}
	}
}

// slaReconciliation is Scores.SLAReconciliation: nil when no complaint was
// compared or judged without a record, so that scores.json without SLA
// records is what it was before.
func (a *aggregate) slaReconciliation() map[string]SLAReconciliation {
	if a.sla.counts == nil {
		return nil
	}
	out := map[string]SLAReconciliation{}
	for k, mi := range a.sla.metrics {
		months := map[string]SLACounts{}
		for m := a.lo; m <= a.hi; m++ {
			n := a.sla.counts[int(m-a.lo)*len(a.sla.metrics)+k]
			if n.Compared+n.NoRecord > 0 {
				months[m.ID()] = n
			}
		}
		if len(months) > 0 {
			ch := a.sla.choices[k]
			out[a.metrics[mi]] = SLAReconciliation{Months: months, Name: ch.Name, Verdict: ch.Verdict()}
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// Disagreements sums a reconciliation's disagreements over months.
func (r SLAReconciliation) Disagreements() int {
	n := 0
	for _, c := range r.Months {
		n += c.Disagree()
	}
	return n
}
