package scoring

import (
	"fmt"
	"slices"
	"strings"

	"github.com/kpidesk/kpidesk/config"
	"github.com/kpidesk/kpidesk/internal/reason"
	"github.com/kpidesk/kpidesk/scoring/inputs"
)

// Verdicts that are fair to the people they judge (SPEC §7, issue 11 §3–§4).
//
// Not applicable. A metric computed from complaints applies to every kind
// of unit: each complaint belongs to the organization and to its
// department, team and agent. A metric whose value needs an input file's
// values (inputDriven: complaint_rate needs the business volume,
// inputs.volume; a manual metric its own rows) applies to a kind of unit
// only when the inputs of the run give that input for at least one unit of
// that kind, in any period. Otherwise it can never have a value there (the
// complaint rate of an agent when orders are known per team): it is
// StatusNotApplicable for every unit of the kind, its weight is 0 and the
// other items' weights are renormalized to sum 1, in the scorecards and in
// the weights in force; it never gets neutral points. `kpidesk config
// check` warns about such items (CheckScorecards).
//
// Input coverage. An input-driven metric takes the input row of the period
// itself, or else rows for every month of the period; when one is missing
// (the months of a year after as_of, a month nobody entered) the metric has
// no value and is insufficient. Unlike a small sample, which the
// scorecard's insufficient policy scores with neutral points or leaves
// out, a missing input is always left out with the weights renormalized:
// neutral points would stand in for a value that was never measured.
//
// No data. A scorecard is graded only when at least one of its items is
// scored from the unit's data in the period: status ok, or points set by an
// accepted appeal. Otherwise (no complaint in any item's cohort, no input
// value, or only samples too small to judge) its status is ScorecardNoData:
// no points, total, coefficient or final, grade "", left out of the grade
// distribution and the service star. A grade made of neutral points alone
// would judge a person on nothing.
//
// Partial. A period whose end is after as_of is Partial, and so are its
// scorecards: their values are what happened so far and their grades are
// provisional.
//
// Primary. For each period and kind of unit, among the scorecard versions
// in force that cover the kind, the first in config order with
// `primary: true` decides the grade, else the first of them. The others
// are Secondary for that kind. The service star and the gates read the
// primary scorecard.

// inputDriven is a metric whose value comes from input rows: input returns
// the input metric it needs.
type inputDriven interface {
	input(cfg *config.Config) string
}

// notApplicable returns, per kind of unit, which of e's metrics (by index)
// can never have a value for a unit of that kind with the inputs in.
func (e *Engine) notApplicable(in *inputs.Set) map[string][]bool {
	given := map[string]map[string]bool{} // input metric → unit kinds with a row
	for _, r := range in.Rows() {
		kind, _, _ := strings.Cut(r.Unit, ":")
		if given[r.Metric] == nil {
			given[r.Metric] = map[string]bool{}
		}
		given[r.Metric][kind] = true
	}
	out := map[string][]bool{}
	for _, kind := range []string{UnitOrg, UnitDepartment, UnitTeam, UnitAgent} {
		na := make([]bool, len(e.metrics))
		for mi, m := range e.metrics {
			if d, ok := m.(inputDriven); ok {
				na[mi] = !given[d.input(e.cfg)][kind]
			}
		}
		out[kind] = na
	}
	return out
}

// CheckScorecards returns warnings about cfg's scorecards with the inputs
// in (nil: none): an item that can never have a value for a kind of unit
// the scorecard covers, which is not applicable there. They are positioned
// at the item's metric.
func CheckScorecards(e *Engine, in *inputs.Set) ([]config.Problem, error) {
	cfg := e.cfg
	na := e.notApplicable(in)
	index := map[string]int{}
	for mi, id := range e.ids {
		index[id] = mi
	}
	var out []config.Problem
	for i, sc := range cfg.Scorecards {
		for j, it := range sc.Items {
			mi, ok := index[it.Metric]
			if !ok {
				continue
			}
			var kinds []string
			for _, kind := range sc.Units {
				if na[kind] != nil && na[kind][mi] {
					kinds = append(kinds, kind)
				}
			}
			if len(kinds) == 0 {
				continue
			}
			need := e.metrics[mi].(inputDriven).input(cfg)
			why := fmt.Sprintf("it needs %s per unit and period, and no input file is configured (inputs.files)", need)
			if in.Len() > 0 {
				why = fmt.Sprintf("the input files give %s for no %s", need, strings.Join(kinds, " or "))
			}
			out = append(out, cfg.Problem(fmt.Sprintf("scorecards[%d].items[%d].metric", i, j),
				"%s can never have a value for %s units: %s; it is not applicable to them (weight 0, the other items' weights renormalized)",
				it.Metric, strings.Join(kinds, ", "), why))
		}
	}
	return out, nil
}

// dropNotApplicable sets the weight of w's items that are not applicable
// to its kind of unit to 0 and renormalizes the others to sum 1.
func (a *aggregate) dropNotApplicable(w *WeightsInForce, sc config.Scorecard) {
	na := a.na[w.UnitKind]
	var dropped []string
	kept := 0.0
	for _, it := range sc.Items {
		if mi, ok := a.metricIdx[it.Metric]; ok && na[mi] {
			dropped = append(dropped, it.Metric)
		} else {
			kept += w.Weights[it.Metric]
		}
	}
	if len(dropped) == 0 {
		return
	}
	for _, it := range sc.Items {
		switch {
		case slices.Contains(dropped, it.Metric):
			w.Weights[it.Metric] = 0
		case kept > 0:
			w.Weights[it.Metric] /= kept
		}
	}
	roundWeights(w.Weights)
	w.Why = append(w.Why, reason.New(reason.NotApplicableDropped, reason.List(dropped...), reason.Term(w.UnitKind)))
	w.Note = noteText(w.Why, reason.EN)
}

// primaries returns, for the scorecard versions in force in a period
// (indexes into cfg.Scorecards, in config order), the ID of the primary
// scorecard of each kind of unit they cover.
func primaries(cfg *config.Config, inForce []int) map[string]string {
	out := map[string]string{}
	for _, primaryOnly := range []bool{true, false} {
		for _, si := range inForce {
			sc := cfg.Scorecards[si]
			if primaryOnly && !sc.Primary {
				continue
			}
			for _, kind := range sc.Units {
				if _, ok := out[kind]; !ok {
					out[kind] = sc.ID
				}
			}
		}
	}
	return out
}
