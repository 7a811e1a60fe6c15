package scoring

import (
	"slices"

	"github.com/kpidesk/kpidesk/connectors"
	"github.com/kpidesk/kpidesk/internal/reason"
	"github.com/kpidesk/kpidesk/scoring/appeals"
)

// appealIndex holds the accepted appeals' changes for fast lookup while
// complaints stream through scoring (SPEC §9).
type appealIndex struct {
	exclusions  map[string][]appeals.Exclusion         // complaint ID →
	corrections map[string][]appeals.AppliedCorrection // complaint ID →
	overrides   map[[3]string][]appeals.Override       // unit, period, metric →
	byTarget    map[[2]string][]string                 // unit, period → appeal IDs (every appeal, decided or not)
}

func newAppealIndex(f *appeals.File) *appealIndex {
	ix := &appealIndex{exclusions: map[string][]appeals.Exclusion{}, corrections: map[string][]appeals.AppliedCorrection{},
		overrides: map[[3]string][]appeals.Override{}, byTarget: map[[2]string][]string{}}
	if f == nil {
		return ix
	}
	ix.exclusions = f.Exclusions()
	for _, c := range f.Corrections() {
		ix.corrections[c.Complaint] = append(ix.corrections[c.Complaint], c)
	}
	for _, o := range f.Overrides() {
		k := [3]string{o.Unit, o.Period, o.Metric}
		ix.overrides[k] = append(ix.overrides[k], o)
	}
	for _, a := range f.Appeals {
		k := [2]string{a.Unit, a.Period}
		ix.byTarget[k] = append(ix.byTarget[k], a.ID)
	}
	for k := range ix.byTarget {
		slices.Sort(ix.byTarget[k])
	}
	return ix
}

// corrects reports whether complaint id has accepted corrections.
func (ix *appealIndex) corrects(id string) bool { return len(ix.corrections[id]) > 0 }

// correct applies accepted corrections to c (a copy the caller owns), each
// through the complaint schema's field table (appeals.Correction.Apply).
func (ix *appealIndex) correct(c *connectors.Complaint) {
	for _, cr := range ix.corrections[c.ID] {
		cr.Apply(c)
	}
}

// exclude replaces the outcomes of the metrics an accepted appeal took the
// complaint out of.
func (ix *appealIndex) exclude(id string, ids []string, outs []Outcome) {
	for _, ex := range ix.exclusions[id] {
		var why reason.Reason // one per appeal, shared by the outcomes it replaces
		for i, m := range ids {
			if (ex.Metric == "" || ex.Metric == m) && outs[i].Result != "" {
				if why.IsZero() {
					why = reason.New(reason.ExcludedByAppeal, reason.Text(ex.AppealID))
				}
				outs[i] = Outcome{Result: Excluded, Reason: why}
			}
		}
	}
}

// override returns the points an accepted appeal set for a metric of a
// scorecard, if any.
func (ix *appealIndex) override(unit, period, scorecard, metric string) (float64, string, bool) {
	for _, o := range ix.overrides[[3]string{unit, period, metric}] {
		if o.Scorecard == "" || o.Scorecard == scorecard {
			return o.Points, o.AppealID, true
		}
	}
	return 0, "", false
}
