package scoring

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/kpidesk/kpidesk/internal/reason"
	"github.com/kpidesk/kpidesk/scoring/calendar"
)

// Line is one complaint's part in a metric value, as `kpidesk explain`
// prints it.
type Line struct {
	ID, Key string
	// Outcome's reason is a code; reason.Explained renders it in the
	// reader's language.
	Outcome Outcome
}

// Explanation is a metric value with every complaint behind it.
type Explanation struct {
	Unit   Unit
	Metric Info
	Period Period
	// Scorecard is the scorecard whose result Result is: the unit's
	// primary one when it has several (the metric's points and weight
	// differ between them, its value does not).
	Scorecard Scorecard
	Result    MetricResult
	Lines     []Line // counted ones, then pending and excluded, each in ID order
}

// Explain scores feed exactly as ScoreFeed does with opt (inputs, appeals,
// names, as_of) and explains one metric of one unit ("agent:ID", "team:ID",
// "department:ID" or "org") in one period: the metric's result as
// scores.json has it, and the evidence lines behind it, those of the unit
// that are in the period (Evidence.In), each with the reason for its
// outcome. It is a view of the one scoring pass, not a second
// implementation of it: the lines counted add up to the result's numerator
// and denominator. It holds the lines of the unit and period only.
func Explain(ctx context.Context, feed Feed, opt Options, unit, metric, period string) (*Explanation, error) {
	e, err := opt.engine()
	if err != nil {
		return nil, err
	}
	m, ok := e.byID[metric]
	if !ok {
		return nil, fmt.Errorf("unknown metric %q (known: %s)", metric, strings.Join(e.ids, ", "))
	}
	info := m.Info()
	u, err := parseUnit(unit)
	if err != nil {
		return nil, err
	}
	kind, month, ok := parsePeriodID(period)
	if !ok {
		return nil, fmt.Errorf("period %q: want a month (2025-10), quarter (2025-Q4), half-year (2025-H2) or year (2025)", period)
	}
	if !slices.Contains(opt.Config.Periods, kind) {
		return nil, fmt.Errorf("period %q: the config scores no %s periods (periods: %s)", period, kind, strings.Join(opt.Config.Periods, ", "))
	}
	span := e.Span(periodOf(kind, month, e.DefaultCalendar().Location()), opt.AsOf)

	var lines []Line
	opt.IDs = false
	opt.EvidenceOut = nil
	opt.Reasons = true
	opt.Evidence = func(ev *Evidence) error {
		if !ev.Of(u) {
			return nil
		}
		if o, ok := ev.In(info, span); ok {
			lines = append(lines, Line{ID: ev.ID, Key: ev.Key, Outcome: o})
		}
		return nil
	}
	s, err := ScoreFeed(ctx, feed, opt)
	if err != nil {
		return nil, err
	}
	var per *Period
	for i := range s.Periods {
		if s.Periods[i].ID == span.Period.ID {
			per = &s.Periods[i]
		}
	}
	if per == nil {
		return nil, fmt.Errorf("no period %q in the data as of %s", period, opt.AsOf.UTC().Format(time.RFC3339))
	}
	var found *Scorecard
	for i := range s.Scorecards {
		sc := &s.Scorecards[i]
		if sc.Unit.Key() == u.Key() && sc.Period == per.ID && (found == nil || found.Secondary && !sc.Secondary) {
			found = sc
		}
	}
	if found == nil {
		return nil, fmt.Errorf("no scorecard for %s in %s (units look like agent:ID, team:ID, department:ID, org)", unit, period)
	}
	slices.SortStableFunc(lines, func(a, b Line) int {
		ca, cb := counted(a.Outcome), counted(b.Outcome)
		switch {
		case ca && !cb:
			return -1
		case cb && !ca:
			return 1
		}
		return strings.Compare(a.ID, b.ID)
	})
	return &Explanation{Unit: found.Unit, Metric: info, Period: *per, Scorecard: *found, Result: found.Metrics[metric], Lines: lines}, nil
}

// counted reports whether an outcome is in its metric's denominator (for
// a rate or a snapshot: hits and misses; for a duration or score: the
// measured values; for a count: the counted complaints).
func counted(o Outcome) bool {
	return o.Result == Hit || o.Result == Miss || o.Result == Measured || o.Result == Counted
}

// parseUnit reads "org", "org:org" or "kind:ID".
func parseUnit(s string) (Unit, error) {
	if s == UnitOrg {
		return Unit{Kind: UnitOrg, ID: UnitOrg}, nil
	}
	kind, id, ok := strings.Cut(s, ":")
	switch {
	case !ok || id == "":
	case kind == UnitOrg, kind == UnitDepartment, kind == UnitTeam, kind == UnitAgent:
		return Unit{Kind: kind, ID: id}, nil
	}
	return Unit{}, fmt.Errorf("unit %q: want agent:ID, team:ID, department:ID or org", s)
}

// parsePeriodID reads a period ID as periodOf makes them: "2025-10",
// "2025-Q4", "2025-H2", "2025". month is the period's first month.
func parsePeriodID(id string) (kind string, month monthIndex, ok bool) {
	ys, rest, _ := strings.Cut(id, "-")
	y, err := strconv.Atoi(ys)
	if err != nil || len(ys) != 4 || y < 1 {
		return "", 0, false
	}
	first := func(mo int) monthIndex { return monthIndex(y*12 + mo - 1) }
	switch {
	case rest == "" && !strings.Contains(id, "-"):
		return Year, first(1), true
	case len(rest) == 2 && rest[0] == 'Q' && rest[1] >= '1' && rest[1] <= '4':
		return Quarter, first(int(rest[1]-'1')*3 + 1), true
	case len(rest) == 2 && rest[0] == 'H' && (rest[1] == '1' || rest[1] == '2'):
		return Half, first(int(rest[1]-'1')*6 + 1), true
	case len(rest) == 2:
		mo, err := strconv.Atoi(rest)
		if err == nil && mo >= 1 && mo <= 12 {
			return Month, first(mo), true
		}
	}
	return "", 0, false
}

// Span is a period as evidence lines are matched to it (Evidence.In): the
// months its created and resolved cohorts fall in, and the month whose
// snapshot is the period's backlog. Month IDs are "2025-10".
type Span struct {
	Period      Period
	First, Last string // the period's months, in the organization's time zone
	// Snapshot is the month at whose end a snapshot metric is taken for
	// the period (SPEC §13.10): its last month, or for a period that is
	// not over, the month of as_of (the snapshot at as_of).
	Snapshot string
	// AtAsOf is true when the snapshot is taken at as_of rather than at a
	// month's end.
	AtAsOf bool
}

// MonthSpan is the span of one month that is over or that as_of ends, as
// a site's drill-down pages list them.
func MonthSpan(p Period) Span {
	return Span{Period: p, First: p.ID, Last: p.ID, Snapshot: p.ID}
}

// Span returns period p as scoring as of asOf rolls the months up into it:
// its months (as Scores.Periods counts them, in the organization's zone)
// and its snapshot month, the last one that scoring has, the month of
// asOf in whichever calendar zone is furthest ahead.
func (e *Engine) Span(p Period, asOf time.Time) Span {
	org := e.DefaultCalendar().Location()
	first := monthOf(calendar.DateOf(p.Start.In(org)))
	end := monthOf(calendar.DateOf(p.End.In(org)))
	last := e.lastMonth(asOf)
	snap := min(end-1, last)
	return Span{Period: p, First: first.ID(), Last: (end - 1).ID(), Snapshot: snap.ID(), AtAsOf: snap == last}
}

// lastMonth is the last month scoring as of asOf has cells for: the month
// of asOf in the calendar zone furthest ahead (as aggregate.bounds).
func (e *Engine) lastMonth(asOf time.Time) monthIndex {
	hi := monthIndex(-1)
	for _, cal := range e.cals {
		hi = max(hi, monthOf(cal.LocalDate(asOf)))
	}
	return hi
}

// Of reports whether the evidence line's complaint belongs to unit u: the
// organization, or its department, team or agent.
func (ev *Evidence) Of(u Unit) bool {
	switch u.Kind {
	case UnitOrg:
		return true
	case UnitDepartment:
		return ev.Department == u.ID
	case UnitTeam:
		return ev.Team == u.ID
	case UnitAgent:
		return ev.Agent == u.ID
	}
	return false
}

// In reports whether the evidence line is behind metric's value in the
// span's period (given that it is of the unit, see Of), and its outcome
// there. A complaint of a created or resolved cohort is in it when the
// cohort's month is one of the period's months. A snapshot metric (the
// backlog) counts the complaints open at the period's snapshot: in it when
// the snapshot month is in the range of months the complaint was open at,
// a hit when it was past its deadline then (from the month its reason's
// past_from argument names), else a miss. Metrics from input files have no lines.
func (ev *Evidence) In(metric Info, s Span) (Outcome, bool) {
	o, ok := ev.Outcomes[metric.ID]
	if !ok {
		return Outcome{}, false
	}
	switch metric.Cohort {
	case CohortCreated, CohortResolved:
		m := ev.Periods[metric.Cohort]
		return o, m != "" && s.First <= m && m <= s.Last
	case CohortSnapshot:
		from, to, _ := strings.Cut(ev.Periods[CohortSnapshot], "..")
		if from == "" || s.Snapshot < from || s.Snapshot > cmp.Or(to, from) {
			return Outcome{}, false
		}
		_, snap, _ := parsePeriodID(s.Snapshot)
		past, ok := o.Reason.Arg("past_from")
		if i, isMonth := past.MonthIndex(); ok && isMonth && monthIndex(i) <= snap {
			if s.AtAsOf {
				return Outcome{Result: Hit, Reason: reason.New(reason.SnapshotPastAsOf, past)}, true
			}
			return Outcome{Result: Hit, Reason: reason.New(reason.SnapshotPast, reason.Month(int(snap)), past)}, true
		}
		if s.AtAsOf {
			return Outcome{Result: Miss, Reason: reason.New(reason.SnapshotWithinAsOf)}, true
		}
		return Outcome{Result: Miss, Reason: reason.New(reason.SnapshotWithin, reason.Month(int(snap)))}, true
	}
	return Outcome{}, false
}

// Tally counts the lines behind a metric value by outcome.
type Tally struct {
	Hit, Miss, Counted, Pending, Excluded int
	Measured                              []float64 // measured values (durations in seconds, scores), sorted by Check
}

// Add counts one outcome.
func (t *Tally) Add(o Outcome) {
	switch o.Result {
	case Hit:
		t.Hit++
	case Miss:
		t.Miss++
	case Counted:
		t.Counted++
	case Pending:
		t.Pending++
	case Excluded:
		t.Excluded++
	case Measured:
		t.Measured = append(t.Measured, o.Seconds)
	}
}

// N is the number of lines in the value's denominator.
func (t *Tally) N() int { return t.Hit + t.Miss + t.Counted + len(t.Measured) }

// Tally counts the explanation's lines.
func (ex *Explanation) Tally() Tally {
	var t Tally
	for _, l := range ex.Lines {
		t.Add(l.Outcome)
	}
	return t
}

// Check reports how result r of metric disagrees with the lines counted in
// t (nil when they agree), as SPEC §12 relates them: a rate's numerator is
// its hits and its denominator its hits and misses (the complaint rate's
// denominator is the business volume, an input); a count is its counted
// lines, a snapshot's numerator those past their deadline (hits); a
// duration's or score's denominator is the measured lines, its numerator
// their sum, its median and p90 theirs. A metric from input files has no
// lines.
func (t *Tally) Check(metric Info, r MetricResult) error {
	if r.Status == StatusNotApplicable {
		return nil
	}
	near := func(a, b, tol float64) bool { return math.Abs(a-b) <= tol }
	value := func(want float64) error {
		if r.Value == nil || !near(*r.Value, want, 1e-6*max(1, math.Abs(want))) {
			return fmt.Errorf("value %v, but the lines give %v", derefOr(r.Value), want)
		}
		return nil
	}
	if metric.Cohort == CohortInput {
		if t.N()+t.Pending+t.Excluded > 0 {
			return fmt.Errorf("%d lines behind a value from input files", t.N()+t.Pending+t.Excluded)
		}
		return nil
	}
	switch metric.Value {
	case ValueRate:
		if r.Numerator != float64(t.Hit) {
			return fmt.Errorf("numerator %v, but %d lines are hits", r.Numerator, t.Hit)
		}
		if metric.Tally {
			return nil
		}
		if n := t.Hit + t.Miss; r.Denominator != float64(n) {
			return fmt.Errorf("denominator %v, but %d lines are hits or misses", r.Denominator, n)
		} else if n > 0 {
			return value(float64(t.Hit) / float64(n))
		} else if r.Value != nil {
			return fmt.Errorf("value %v without lines", *r.Value)
		}
	case ValueCount:
		n := t.N()
		if metric.Cohort == CohortSnapshot && r.Numerator != float64(t.Hit) {
			return fmt.Errorf("numerator %v, but %d lines are past their deadline", r.Numerator, t.Hit)
		}
		if metric.Cohort != CohortSnapshot && r.Numerator != float64(n) {
			return fmt.Errorf("numerator %v, but %d lines are counted", r.Numerator, n)
		}
		if r.Denominator != float64(n) {
			return fmt.Errorf("denominator %v, but %d lines are counted", r.Denominator, n)
		}
		return value(float64(n))
	case ValueDuration, ValueScore:
		n := len(t.Measured)
		if r.Denominator != float64(n) {
			return fmt.Errorf("denominator %v, but %d lines are measured", r.Denominator, n)
		}
		if n == 0 {
			return nil
		}
		slices.Sort(t.Measured)
		sum := 0.0
		for _, v := range t.Measured {
			sum += v
		}
		// Evidence files hold values to 6 decimals.
		if !near(r.Numerator, sum, 1e-6*float64(n)+1e-6*math.Abs(sum)) {
			return fmt.Errorf("numerator %v, but the measured lines sum to %v", r.Numerator, sum)
		}
		if err := value(sum / float64(n)); err != nil {
			return err
		}
		if med := medianOf(t.Measured); r.Median == nil || !near(*r.Median, med, 1e-5*max(1, med)) {
			return fmt.Errorf("median %v, but the measured lines' is %v", derefOr(r.Median), med)
		}
		if p90 := nearestRank(t.Measured, 0.9); r.P90 == nil || !near(*r.P90, p90, 1e-5*max(1, p90)) {
			return fmt.Errorf("p90 %v, but the measured lines' is %v", derefOr(r.P90), p90)
		}
	}
	return nil
}

func derefOr(p *float64) any {
	if p == nil {
		return "null"
	}
	return *p
}

// SLADisagreements counts the lines of a deadline metric whose verdict on
// the team calendar and by the source's SLA record differ (sla.go): their
// reasons give both verdicts and their elapsed times.
func (ex *Explanation) SLADisagreements() int {
	n := 0
	for _, l := range ex.Lines {
		if c := l.Outcome.Reason.Code; c == reason.SourceVerdictDiffers || c == reason.CalendarVerdictDiffers {
			n++
		}
	}
	return n
}
