package scoring

import (
	"math"
	"strings"
	"time"

	"github.com/kpidesk/kpidesk/config"
	"github.com/kpidesk/kpidesk/internal/reason"
)

// scorecard applies a scorecard definition to one unit's metric results:
// points, weights, total, coefficient, final and grade (SPEC §5–§7).
func (a *aggregate) scorecard(sc config.Scorecard, p Period, u Unit, all, prev map[string]MetricResult, weights map[string]float64) Scorecard {
	out := Scorecard{Scorecard: sc.ID, Version: sc.EffectiveFrom, Period: p.ID, Unit: u, Metrics: map[string]MetricResult{}, Appeals: []string{}, Status: ScorecardOK, Partial: p.Partial}
	out.Appeals = append(out.Appeals, a.appeals.byTarget[[2]string{u.Key(), p.ID}]...)
	for id, r := range all {
		out.Metrics[id] = r
	}
	daily := a.e.DefaultCalendar().DailyWork()
	var weighted, used float64
	scored, left := false, false // an item scored from data; an item left out
	for _, it := range sc.Items {
		r := out.Metrics[it.Metric]
		w := weights[it.Metric]
		r.Weight = w
		if r.Status == StatusNotApplicable {
			// No points, no weight: the weights in force are renormalized
			// over the other items (verdict.go).
			r.Weight = 0
			out.Metrics[it.Metric] = r
			continue
		}
		if r.Value == nil && r.Status == StatusOK {
			r.Status = StatusInsufficient
		}
		// An input that does not cover the period is left out whatever the
		// policy: neutral points would stand for a value never measured.
		_, fromInput := a.e.byID[it.Metric].(inputDriven)
		missing := fromInput && r.Value == nil
		var pts float64
		if r.Status != StatusInsufficient {
			in := ruleInput{Value: *r.Value, Numerator: r.Numerator, DailyWork: daily}
			if pr, ok := prev[it.Metric]; ok && pr.Value != nil && pr.Status == StatusOK {
				in.Previous = pr.Value
			}
			var ok bool
			if pts, ok = rulePoints(it.Rule, in); !ok {
				// change and bonus need the previous period's value
				r.Status = StatusInsufficient
			}
		}
		overridden := false
		if v, _, ok := a.appeals.override(u.Key(), p.ID, sc.ID, it.Metric); ok {
			pts, overridden = v, true // an accepted appeal set the points
		}
		switch {
		case overridden:
		case r.Status == StatusInsufficient && (sc.Insufficient == "exclude" || missing):
			out.Metrics[it.Metric] = r
			left = true
			continue
		case r.Status == StatusInsufficient:
			pts = sc.Neutral
		}
		scored = scored || overridden || r.Status == StatusOK
		r.Points = ptr(round6(pts))
		out.Metrics[it.Metric] = r
		weighted += w * pts
		used += w
	}
	if !scored {
		// No item is scored from the unit's data in the period: no grade
		// (verdict.go), not even one of neutral points.
		out.Status = ScorecardNoData
		for _, it := range sc.Items {
			r := out.Metrics[it.Metric]
			r.Points = nil
			out.Metrics[it.Metric] = r
		}
		return out
	}
	if used > 0 {
		total := weighted
		if sc.Insufficient == "exclude" || left {
			// Renormalize over the metrics that could be scored.
			total = weighted / used
			for _, it := range sc.Items {
				r := out.Metrics[it.Metric]
				if r.Points != nil {
					r.Weight = round6(r.Weight / used)
					out.Metrics[it.Metric] = r
				}
			}
		}
		if u.Kind == UnitDepartment {
			a.deptTotals[[3]string{sc.ID, p.ID, u.ID}] = round6(total)
		}
		coef := a.coefficient(u, sc.ID, p.ID)
		out.Total = ptr(round6(total))
		out.Coefficient = ptr(round6(coef))
		out.Final = ptr(round6(total * coef))
		out.Grade = gradeOf(a.e.cfg.Grades, *out.Final)
	}
	return out
}

// coefficient is the department coefficient of seed 001: a fixed number
// per department, or its goal completion (the department's total in the
// period ÷ its goal target, clamped) for its teams and agents; 1 for the
// organization. Departments are scored before their teams and agents in a
// period, so their totals are known.
func (a *aggregate) coefficient(u Unit, scorecard, period string) float64 {
	dept := ""
	switch u.Kind {
	case UnitDepartment:
		dept = u.ID
	case UnitTeam:
		dept = a.e.teamDept[u.ID]
	case UnitAgent:
		dept = a.agentDept[u.ID]
	}
	for _, d := range a.e.cfg.Departments {
		switch {
		case d.ID != dept:
		case d.Goal != nil && u.Kind != UnitDepartment:
			total, ok := a.deptTotals[[3]string{scorecard, period, dept}]
			if !ok {
				return 1
			}
			return math.Max(d.Goal.Min, math.Min(d.Goal.Max, total/d.Goal.Target))
		case d.Coefficient > 0:
			return d.Coefficient
		}
	}
	return 1
}

// gradeOf returns the ID of the first grade whose minimum final reaches.
func gradeOf(grades []config.Grade, final float64) string {
	for _, g := range grades {
		if final >= g.Min-1e-9 {
			return g.ID
		}
	}
	return ""
}

// stars picks each month's top agent among those with no insufficient
// metric, on the agents' primary scorecard (graded ones only; no data is
// never a star): highest final, then more complaints, then ID (seed 001's
// 月度服务之星).
// Items that no agent has a value for that month are not held against
// anyone. reaches gives tieStar the agents the winner's lead is within
// noise of.
func stars(s *Scores, cfg *config.Config, reaches map[*Scorecard]reach) []Star {
	if len(cfg.Scorecards) == 0 {
		return []Star{}
	}
	// The star is judged on the agents' primary scorecard (Secondary is
	// false), in the version in force.
	def := func(card *Scorecard) config.Scorecard {
		for _, sc := range cfg.Scorecards {
			if sc.ID == card.Scorecard && sc.EffectiveFrom == card.Version {
				return sc
			}
		}
		return cfg.Scorecards[0]
	}
	best := map[string]*Scorecard{}
	rivals := map[string][]*Scorecard{} // the month's eligible agents, for tieStar
	var order []string
	// An item that no agent of the month has a value for (the complaint
	// rate, when business volume is known per team only) cannot decide.
	valued := map[[2]string]bool{} // period, metric
	for i := range s.Scorecards {
		sc := &s.Scorecards[i]
		if sc.Unit.Kind != UnitAgent || sc.Secondary {
			continue
		}
		for _, it := range def(sc).Items {
			if sc.Metrics[it.Metric].Value != nil {
				valued[[2]string{sc.Period, it.Metric}] = true
			}
		}
	}
	for i := range s.Scorecards {
		sc := &s.Scorecards[i]
		if sc.Unit.Kind != UnitAgent || sc.Final == nil || !strings.Contains(sc.Period, "-") || strings.ContainsAny(sc.Period, "QH") {
			continue
		}
		if sc.Secondary || sc.Status != ScorecardOK {
			continue
		}
		ok := true
		for _, it := range def(sc).Items {
			if sc.Metrics[it.Metric].Status != StatusOK && valued[[2]string{sc.Period, it.Metric}] {
				ok = false
			}
		}
		if !ok {
			continue
		}
		rivals[sc.Period] = append(rivals[sc.Period], sc)
		cur, seen := best[sc.Period]
		if !seen {
			order = append(order, sc.Period)
		}
		if !seen || better(sc, cur) {
			best[sc.Period] = sc
		}
	}
	out := []Star{}
	for _, p := range order {
		sc := best[p]
		full := fullPoints(sc, def(sc))
		n := int(sc.Metrics[complaintCount].Numerator)
		st := Star{Period: p, Unit: sc.Unit, Final: *sc.Final, Complaints: n, FullPoints: full,
			Why: []reason.Reason{reason.New(reason.Star, reason.Points(*sc.Final), reason.Int(n))}}
		if len(full) > 0 {
			st.Why = append(st.Why, reason.New(reason.StarFullPoints, reason.List(full...)))
		}
		tieStar(&st, sc, rivals[p], reaches) // confidence.go
		st.Reason = st.Text(reason.EN)
		out = append(out, st)
	}
	return out
}

// Text renders the star's reason in lang (reason.EN, else Chinese).
func (st *Star) Text(lang string) string {
	var b strings.Builder
	for _, r := range st.Why {
		b.WriteString(reason.Render(r, lang))
	}
	return b.String()
}

func better(a, b *Scorecard) bool {
	if *a.Final != *b.Final {
		return *a.Final > *b.Final
	}
	va, vb := a.Metrics[complaintCount].Numerator, b.Metrics[complaintCount].Numerator
	if va != vb {
		return va > vb
	}
	return a.Unit.ID < b.Unit.ID
}

// fullPoints lists the scorecard items that earned full points.
func fullPoints(sc *Scorecard, def config.Scorecard) []string {
	full := []string{}
	for _, it := range def.Items {
		if r := sc.Metrics[it.Metric]; r.Points != nil && *r.Points >= 100 {
			full = append(full, it.Metric)
		}
	}
	return full
}

// scorecardsInForce returns, per scorecard ID in config order, the index of
// the version in force for a period starting at start: the one with the
// latest effective_from on or before it (SPEC §8). The dates are local
// midnights of the default calendar.
func (e *Engine) scorecardsInForce(start time.Time) []int {
	loc := e.DefaultCalendar().Location()
	best := map[string]int{}
	var order []string
	for i, sc := range e.cfg.Scorecards {
		from, _ := config.ParseEffective(sc.EffectiveFrom)
		if !from.IsZero() {
			from = time.Date(from.Year(), from.Month(), from.Day(), 0, 0, 0, 0, loc)
			if from.After(start) {
				continue
			}
		}
		j, seen := best[sc.ID]
		if !seen {
			order = append(order, sc.ID)
		}
		if !seen || e.effective(i).After(e.effective(j)) {
			best[sc.ID] = i
		}
	}
	out := make([]int, len(order))
	for k, id := range order {
		out[k] = best[id]
	}
	return out
}

func (e *Engine) effective(i int) time.Time {
	t, _ := config.ParseEffective(e.cfg.Scorecards[i].EffectiveFrom)
	return t
}
