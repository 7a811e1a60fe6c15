package scoring

import (
	"cmp"
	"slices"
)

// The kinds of a ScorecardChange.
const (
	// ChangeChanged is a scorecard both runs have, whose figures differ.
	ChangeChanged = "changed"
	// ChangeNew is a scorecard only the new run has (a unit or period
	// scored for the first time, a scorecard added to the config).
	ChangeNew = "new"
	// ChangeVanished is a scorecard only the old run has.
	ChangeVanished = "vanished"
)

// ScorecardChange is what moved on one unit's scorecard for one period
// between two runs (Changes): its final score, grade and status, and the
// metrics whose figures moved. Old is nil for a new scorecard, New for a
// vanished one. Fields are in alphabetical order of their JSON keys, as
// in scores.json.
type ScorecardChange struct {
	// Change is ChangeChanged, ChangeNew or ChangeVanished.
	Change string `json:"change"`
	// Metrics are the metrics whose figures moved, sorted by metric ID:
	// every metric of a new or vanished scorecard.
	Metrics   []MetricChange `json:"metrics"`
	New       *CardFigures   `json:"new"`
	Old       *CardFigures   `json:"old"`
	Period    string         `json:"period"`
	Scorecard string         `json:"scorecard"`
	Unit      Unit           `json:"unit"`
}

// CardFigures are the figures of a scorecard that a change compares.
type CardFigures struct {
	Final     *float64 `json:"final"`
	Grade     string   `json:"grade"`
	Secondary bool     `json:"secondary,omitempty"`
	Status    string   `json:"status"`
	Version   string   `json:"version,omitempty"`
}

// MetricChange is one metric of a ScorecardChange: its figures in the old
// run and in the new one, nil where that run does not have the metric on
// the scorecard.
type MetricChange struct {
	Metric string         `json:"metric"`
	New    *MetricFigures `json:"new"`
	Old    *MetricFigures `json:"old"`
}

// MetricFigures are the figures of a scorecard metric that a change
// compares: what the scorecard shows of it (value, numerator and
// denominator, points, weight, status). Intervals and complaint IDs are
// left out: they follow from these.
type MetricFigures struct {
	Denominator float64  `json:"denominator"`
	Numerator   float64  `json:"numerator"`
	Points      *float64 `json:"points"`
	Status      string   `json:"status"`
	Value       *float64 `json:"value"`
	Weight      float64  `json:"weight"`
}

// FinalMoved reports whether the final score differs between the runs (a
// new or vanished scorecard with a final score counts as moved).
func (c ScorecardChange) FinalMoved() bool {
	var a, b *float64
	if c.Old != nil {
		a = c.Old.Final
	}
	if c.New != nil {
		b = c.New.Final
	}
	return !sameNumber(a, b)
}

// GradeMoved reports whether the grade differs between the runs (a new or
// vanished scorecard with a grade counts as moved).
func (c ScorecardChange) GradeMoved() bool {
	var a, b string
	if c.Old != nil {
		a = c.Old.Grade
	}
	if c.New != nil {
		b = c.New.Grade
	}
	return a != b
}

// Moved reports whether the unit's final score or grade moved, or the
// scorecard is new or vanished: what a reader of the change looks for
// first. A scorecard whose metrics moved with neither has not moved.
func (c ScorecardChange) Moved() bool {
	return c.Change != ChangeChanged || c.FinalMoved() || c.GradeMoved()
}

// Changes compares the scorecards of two runs, old and new (as scores.json
// holds them, or a part of one), and lists each unit × period × scorecard
// whose final score, grade, status or metric figures differ, and each
// scorecard only one of them has. Numbers are compared exactly: both runs
// fix them to six decimals (scores.json), so an unchanged figure is equal
// bit for bit. Scorecards equal in these figures are left out; so is what
// differs only in intervals, borderline marks, appeals listed, the config
// version or as_of.
//
// The order is deterministic: by period (its start, then month, quarter,
// half and year, then ID; a period neither run lists comes first, by ID),
// then by unit as in scores.json (organization, departments, teams,
// agents, each by ID), then by scorecard ID. Either argument may be nil,
// meaning no scorecards.
func Changes(old, new *Scores) []ScorecardChange {
	type key struct{ unit, period, scorecard string }
	cards := func(s *Scores) map[key]*Scorecard {
		m := map[key]*Scorecard{}
		if s == nil {
			return m
		}
		for i := range s.Scorecards {
			c := &s.Scorecards[i]
			m[key{c.Unit.Key(), c.Period, c.Scorecard}] = c
		}
		return m
	}
	before, after := cards(old), cards(new)
	periods := map[string]Period{}
	for _, s := range []*Scores{old, new} {
		if s != nil {
			for _, p := range s.Periods {
				periods[p.ID] = p
			}
		}
	}

	var out []ScorecardChange
	for k, b := range before {
		if c, ok := compareCards(b, after[k]); ok {
			out = append(out, c)
		}
	}
	for k, a := range after {
		if _, ok := before[k]; !ok {
			c, _ := compareCards(nil, a)
			out = append(out, c)
		}
	}
	slices.SortFunc(out, func(x, y ScorecardChange) int {
		px, okx := periods[x.Period]
		py, oky := periods[y.Period]
		if okx != oky {
			if !okx {
				return -1
			}
			return 1
		}
		return cmp.Or(
			px.Start.Compare(py.Start),
			cmp.Compare(kindOrder(px.Kind), kindOrder(py.Kind)),
			cmp.Compare(x.Period, y.Period),
			cmp.Compare(kindOrder(x.Unit.Kind), kindOrder(y.Unit.Kind)),
			cmp.Compare(x.Unit.ID, y.Unit.ID),
			cmp.Compare(x.Unit.Kind, y.Unit.Kind),
			cmp.Compare(x.Scorecard, y.Scorecard),
		)
	})
	return out
}

// compareCards compares one scorecard in two runs, either of which may be
// nil, and reports whether anything Changes lists moved.
func compareCards(old, new *Scorecard) (ScorecardChange, bool) {
	c := ScorecardChange{Change: ChangeChanged, Metrics: []MetricChange{}}
	switch {
	case old == nil:
		c.Change = ChangeNew
	case new == nil:
		c.Change = ChangeVanished
	}
	var ids []string
	for _, sc := range []*Scorecard{old, new} {
		if sc == nil {
			continue
		}
		c.Period, c.Scorecard, c.Unit = sc.Period, sc.Scorecard, sc.Unit
		for id := range sc.Metrics {
			if !slices.Contains(ids, id) {
				ids = append(ids, id)
			}
		}
	}
	slices.Sort(ids)
	c.Old, c.New = cardFigures(old), cardFigures(new)
	for _, id := range ids {
		m := MetricChange{Metric: id, Old: metricFigures(old, id), New: metricFigures(new, id)}
		if !sameMetric(m.Old, m.New) {
			c.Metrics = append(c.Metrics, m)
		}
	}
	moved := c.Change != ChangeChanged || len(c.Metrics) > 0 || c.Moved() || c.Old.Status != c.New.Status
	return c, moved
}

func cardFigures(sc *Scorecard) *CardFigures {
	if sc == nil {
		return nil
	}
	return &CardFigures{Final: sc.Final, Grade: sc.Grade, Secondary: sc.Secondary, Status: sc.Status, Version: sc.Version}
}

func metricFigures(sc *Scorecard, id string) *MetricFigures {
	if sc == nil {
		return nil
	}
	m, ok := sc.Metrics[id]
	if !ok {
		return nil
	}
	return &MetricFigures{Denominator: m.Denominator, Numerator: m.Numerator, Points: m.Points, Status: m.Status, Value: m.Value, Weight: m.Weight}
}

func sameMetric(a, b *MetricFigures) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Denominator == b.Denominator && a.Numerator == b.Numerator && sameNumber(a.Points, b.Points) &&
		a.Status == b.Status && sameNumber(a.Value, b.Value) && a.Weight == b.Weight
}

// sameNumber reports whether two optional numbers are both absent or
// equal.
func sameNumber(a, b *float64) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return *a == *b
}
