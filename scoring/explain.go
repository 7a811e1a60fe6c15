package scoring

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/kpidesk/kpidesk/connectors"
)

// Line is one complaint's part in a metric value, as `kpidesk explain`
// prints it.
type Line struct {
	ID, Key string
	Outcome Outcome
}

// Explanation is a metric value with every complaint behind it.
type Explanation struct {
	Unit   Unit
	Metric Info
	Period Period
	Result MetricResult
	Lines  []Line // in ID order: counted ones, then pending and excluded
}

// Explain scores cs and explains one metric of one unit ("agent:ID",
// "team:ID", "department:ID" or "org") in one period: every complaint of
// the unit whose cohort date falls in the period, with the reason for its
// outcome. The value it reports is the one scores.json has.
func Explain(ctx context.Context, cs []connectors.Complaint, opt Options, unit, metric, period string) (*Explanation, error) {
	e, err := NewEngine(opt.Config)
	if err != nil {
		return nil, err
	}
	m, ok := e.byID[metric]
	if !ok {
		return nil, fmt.Errorf("unknown metric %q (known: %s)", metric, strings.Join(e.ids, ", "))
	}
	info := m.Info()
	if unit == "org" {
		unit = "org:org"
	}
	opt.IDs = true
	s, err := Score(ctx, cs, opt)
	if err != nil {
		return nil, err
	}
	var found *Scorecard
	for i := range s.Scorecards {
		if s.Scorecards[i].Unit.Key() == unit && s.Scorecards[i].Period == period {
			found = &s.Scorecards[i]
			break
		}
	}
	var per *Period
	for i := range s.Periods {
		if s.Periods[i].ID == period {
			per = &s.Periods[i]
		}
	}
	if per == nil {
		return nil, fmt.Errorf("no period %q in the data (periods look like 2025-10, 2025-Q4, 2025-H2, 2025)", period)
	}
	if found == nil {
		return nil, fmt.Errorf("no scorecard for %s in %s (units look like agent:ID, team:ID, department:ID, org)", unit, period)
	}
	ex := &Explanation{Unit: found.Unit, Metric: info, Period: *per, Result: found.Metrics[metric]}
	view := make([]connectors.Complaint, 0, len(cs))
	for i := range cs {
		if !cs[i].CreatedAt.After(opt.AsOf) {
			view = append(view, AsOfView(cs[i], opt.AsOf))
		}
	}
	repeats := e.Repeats(view, opt.AsOf)
	for i := range view {
		c := &view[i]
		p := e.Place(c)
		if !inUnit(found.Unit, p) {
			continue
		}
		if info.Cohort == CohortSnapshot {
			if o, ok := e.snapshotAt(c, p, opt.AsOf, per, metric); ok && e.Counts(c) {
				ex.Lines = append(ex.Lines, Line{ID: c.ID, Key: c.Key, Outcome: o})
			}
			continue
		}
		at := c.CreatedAt
		if info.Cohort == CohortResolved {
			if !c.Resolved() {
				continue
			}
			at = c.ResolvedAt
		}
		// Membership as in aggregation: the month of the local date in the
		// team's calendar (SPEC §13.1), then the period containing it.
		m := monthOf(p.Calendar.LocalDate(at))
		if periodOf(per.Kind, m, time.UTC).ID != per.ID {
			continue
		}
		if !e.Counts(c) {
			ex.Lines = append(ex.Lines, Line{ID: c.ID, Key: c.Key, Outcome: excluded("kind %s is not counted as a complaint", c.Kind)})
			continue
		}
		outs := e.Evaluate(c, p, opt.AsOf, repeats[i], true)
		ex.Lines = append(ex.Lines, Line{ID: c.ID, Key: c.Key, Outcome: outs[metric]})
	}
	sort.SliceStable(ex.Lines, func(i, j int) bool {
		ci, cj := counted(ex.Lines[i].Outcome), counted(ex.Lines[j].Outcome)
		if ci != cj {
			return ci
		}
		return ex.Lines[i].ID < ex.Lines[j].ID
	})
	return ex, nil
}

func counted(o Outcome) bool {
	return o.Result == Hit || o.Result == Miss || o.Result == Measured || o.Result == Counted
}

func inUnit(u Unit, p Placement) bool {
	switch u.Kind {
	case UnitOrg:
		return true
	case UnitDepartment:
		return p.Department == u.ID
	case UnitTeam:
		return p.Team == u.ID
	case UnitAgent:
		return p.Agent == u.ID
	}
	return false
}

// snapshotAt judges a complaint for a snapshot metric at the end of period
// per (the first instant after it in the team's zone, or asOf if earlier):
// ok is false when the complaint was not open then.
func (e *Engine) snapshotAt(c *connectors.Complaint, p Placement, asOf time.Time, per *Period, metric string) (Outcome, bool) {
	loc := p.Calendar.Location()
	end := per.End.In(loc)
	snap := time.Date(end.Year(), end.Month(), 1, 0, 0, 0, 0, loc)
	if snap.After(asOf) {
		snap = asOf
	}
	if !c.CreatedAt.Before(snap) || (!c.ResolvedAt.IsZero() && c.ResolvedAt.Before(snap)) {
		return Outcome{}, false
	}
	x := Context{AsOf: asOf, Calendar: p.Calendar, Config: e.cfg, within: e.within, Paused: e.paused(c, asOf)}
	at := snap.UTC().Format(time.RFC3339)
	if sm, ok := e.byID[metric].(snapshotter); ok && sm.past(c, &x, snap) {
		return Outcome{Result: Hit, Reason: "open at " + at + ", past its resolution deadline"}, true
	}
	return Outcome{Result: Miss, Reason: "open at " + at + ", within its resolution deadline"}, true
}
