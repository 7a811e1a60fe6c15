package appeals

import (
	"fmt"
	"slices"
	"time"
)

// validate checks what involves more than one value: the flow, the
// dates, the decision against the stage and the complaints, and appeals
// against each other.
func (p *parser) validate(f *File) {
	first := map[string]int{}
	for i := range f.Appeals {
		a := &f.Appeals[i]
		p.cur = p.metas[i]
		if a.ID != "" {
			if j, dup := first[a.ID]; dup {
				p.add("id", "%s is used twice (first at line %d)", quote(a.ID), f.Appeals[j].Line)
			} else {
				first[a.ID] = i
			}
		}
		p.flow(a)
		p.dates(a)
		if a.Decision != nil {
			if a.Stage == "" || decided(a.Stage) { // else flow reported the decision
				p.decider(a)
			}
			p.changes(a)
		}
	}
	p.conflicts(f)
}

// flow checks that the history and the stage follow seed 001's flow. A
// history may leave stages out, and may list one stage on several steps
// (two meetings), but never goes back or takes both ways of a branch.
func (p *parser) flow(a *Appeal) {
	prev, where := StageFiled, ""
	for i, s := range a.History {
		if s.Stage == "" {
			continue
		}
		if s.Stage != prev && !follows(prev, s.Stage) {
			p.add(fmt.Sprintf("history[%d].stage", i), "%s cannot come after %s%s (the flow: %s)", s.Stage, prev, where, flowText)
			continue
		}
		prev, where = s.Stage, fmt.Sprintf(" in history[%d]", i)
	}
	if a.Stage != "" && a.Stage != prev && !follows(prev, a.Stage) {
		p.add("stage", "%s cannot come after %s%s (the flow: %s)", a.Stage, prev, where, flowText)
	}
	switch {
	case a.Decision != nil && a.Stage != "" && !decided(a.Stage):
		p.add("decision", "contradicts stage %s: a decision is recorded at agreement, arbitration or closed", a.Stage)
	case a.Decision == nil && decided(a.Stage) && !p.cur.bad["decision"]:
		p.add("stage", "%s needs a decision (outcome, by, date, reason)", a.Stage)
	}
}

func day(t time.Time) string { return t.Format(time.DateOnly) }

// dates checks filed ≤ each history date ≤ the next ≤ decision date.
func (p *parser) dates(a *Appeal) {
	var last time.Time
	var lastPath string
	for i, s := range a.History {
		if s.Date.IsZero() {
			continue
		}
		q := fmt.Sprintf("history[%d].date", i)
		switch {
		case !a.Filed.IsZero() && s.Date.Before(a.Filed):
			p.add(q, "%s is before filed (%s)", day(s.Date), day(a.Filed))
		case !last.IsZero() && s.Date.Before(last):
			p.add(q, "%s is before %s (%s)", day(s.Date), lastPath, day(last))
		}
		if !s.Date.Before(last) {
			last, lastPath = s.Date, q
		}
	}
	d := a.Decision
	if d == nil || d.Date.IsZero() {
		return
	}
	switch {
	case !a.Filed.IsZero() && d.Date.Before(a.Filed):
		p.add("decision.date", "%s is before filed (%s)", day(d.Date), day(a.Filed))
	case !last.IsZero() && d.Date.Before(last):
		p.add("decision.date", "%s is before %s (%s)", day(d.Date), lastPath, day(last))
	}
}

// decider checks who decided against the flow: the three-party meeting
// decides when it reaches agreement, the committee after arbitration.
func (p *parser) decider(a *Appeal) {
	reached := func(stage string) bool {
		return a.Stage == stage || slices.ContainsFunc(a.History, func(s Step) bool { return s.Stage == stage })
	}
	switch a.Decision.By {
	case ByCommittee:
		if !reached(StageArbitration) {
			p.add("decision.by", "the committee rules only after arbitration, but neither stage nor history reaches arbitration")
		}
	case ByThreePartyMeeting:
		if !reached(StageAgreement) {
			p.add("decision.by", "the three-party meeting decides only by agreement, but neither stage nor history reaches agreement")
		}
	}
}

// changes checks the decision's changes against its outcome, the appeal's
// complaints and metric, and each other.
func (p *parser) changes(a *Appeal) {
	d := a.Decision
	switch {
	case d.Outcome == Rejected && len(d.Changes) > 0:
		p.add("decision.changes", "contradicts outcome rejected: a rejected appeal changes nothing")
	case d.Applies() && len(d.Changes) == 0 && !p.cur.bad["decision.changes"]:
		line := p.cur.at("decision.outcome")
		if l, ok := p.cur.lines["decision.changes"]; ok {
			line = l
		}
		p.addLine(line, "decision.changes", "outcome %s needs changes (exclude, correct or override_points) for scoring to apply", d.Outcome)
	}
	listed := func(id string) bool { return slices.Contains(a.Complaints, id) }
	excluded := map[string]int{}  // complaint → change
	corrected := map[string]int{} // complaint → first change correcting it
	fields := map[[2]string]int{} // complaint, field → change
	override := -1
	for i, c := range d.Changes {
		q := fmt.Sprintf("decision.changes[%d]", i)
		switch {
		case c.Exclude != "":
			id := c.Exclude
			if !listed(id) {
				p.add(q+".exclude", "%s is not listed under complaints", id)
			}
			if j, ok := excluded[id]; ok {
				p.add(q+".exclude", "%s is already excluded by changes[%d]", id, j)
				break
			}
			if j, ok := corrected[id]; ok {
				p.add(q+".exclude", "contradicts changes[%d], which corrects %s: a complaint is either left out or corrected", j, id)
			}
			excluded[id] = i
		case c.Correct != nil:
			id := c.Correct.Complaint
			if !listed(id) {
				p.add(q+".correct.complaint", "%s is not listed under complaints", id)
			}
			if j, ok := excluded[id]; ok {
				p.add(q+".correct", "contradicts changes[%d], which excludes %s: a complaint is either left out or corrected", j, id)
			}
			k := [2]string{id, c.Correct.Field}
			if j, ok := fields[k]; ok {
				p.add(q+".correct.field", "%s of %s is already corrected by changes[%d]", k[1], id, j)
			} else {
				fields[k] = i
			}
			if _, ok := corrected[id]; !ok {
				corrected[id] = i
			}
		case c.OverridePoints != nil:
			switch {
			case override >= 0:
				p.add(q+".override_points", "the points are already overridden by changes[%d]", override)
			case a.Metric == "" && !p.cur.bad["metric"]:
				p.add(q+".override_points", "needs the appeal's metric: set metric to the metric whose points are overridden")
			}
			if override < 0 {
				override = i
			}
		}
	}
}

// conflicts checks accepted appeals against each other: two of them may
// not override the same points, nor correct one field of one complaint to
// different values, since scoring could apply only one.
func (p *parser) conflicts(f *File) {
	type ref struct {
		a     *Appeal
		value any
	}
	overrides := map[[3]string][]*Appeal{} // unit, period, metric → appeals
	corrections := map[[2]string]ref{}
	for i := range f.Appeals {
		a := &f.Appeals[i]
		if !a.Decision.Applies() {
			continue
		}
		p.cur = p.metas[i]
		overridden := false
		for j, c := range a.Decision.Changes {
			q := fmt.Sprintf("decision.changes[%d]", j)
			switch {
			case c.OverridePoints != nil && !overridden && a.Unit != "" && a.Period != "" && a.Metric != "":
				overridden = true
				k := [3]string{a.Unit, a.Period, a.Metric}
				for _, b := range overrides[k] {
					if b.Scorecard == a.Scorecard || b.Scorecard == "" || a.Scorecard == "" {
						p.add(q+".override_points", "appeals %s (line %d) and %s (line %d) are both accepted and override %s of %s in %s %s: only one can apply",
							b.ID, b.Line, a.ID, a.Line, a.Metric, a.Unit, a.Period, scorecards(b.Scorecard, a.Scorecard))
					}
				}
				overrides[k] = append(overrides[k], a)
			case c.Correct != nil:
				k := [2]string{c.Correct.Complaint, c.Correct.Field}
				b, ok := corrections[k]
				switch {
				case !ok:
					corrections[k] = ref{a, c.Correct.Value}
				case b.a != a && !sameValue(b.value, c.Correct.Value):
					p.add(q+".correct.value", "appeals %s (line %d) and %s (line %d) are both accepted and correct %s of %s to different values",
						b.a.ID, b.a.Line, a.ID, a.Line, k[1], k[0])
				}
			}
		}
	}
}

func scorecards(a, b string) string {
	name := func(s string) string {
		if s == "" {
			return "on every scorecard"
		}
		return "on scorecard " + s
	}
	if a == b {
		return name(a)
	}
	return name(a) + " and " + name(b)
}

func sameValue(a, b any) bool {
	if ta, ok := a.(time.Time); ok {
		tb, ok := b.(time.Time)
		return ok && ta.Equal(tb)
	}
	return a == b
}
