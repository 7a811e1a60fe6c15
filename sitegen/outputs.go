package sitegen

import (
	"fmt"

	"github.com/kpidesk/kpidesk/scoring"
)

// Headline is the organization's standing in the latest complete month as
// summary.md opens with it: the final score and grade of the scorecard
// that decides the organization's grade, and whether the quality gates
// passed. A CI job's outputs (kpidesk build --outputs) are these figures,
// so that they never disagree with the job's summary.
type Headline struct {
	// Period is the latest complete month (scoring.LatestMonth), "" when
	// the scores have no month.
	Period string
	// Scorecard is the ID of the scorecard that decides the
	// organization's grade in Period, "" when the organization has none.
	Scorecard string
	// Final and Grade are that scorecard's, as scores.json has them: the
	// final score unrounded, the grade's ID. Final is nil and Grade ""
	// when the organization has no final score (no data, or no
	// scorecard).
	Final *float64
	Grade string
	// GatesPassed is false when a gate of Options.Gates failed; a gate
	// with insufficient data does not fail.
	GatesPassed bool
}

// LatestHeadline returns the headline of summary.md (Summary) for opt:
// the same month, the same scorecard, the same gates. Only Config, Scores
// and Gates of opt are read.
func LatestHeadline(opt Options) (Headline, error) {
	if opt.Config == nil || opt.Scores == nil {
		return Headline{}, fmt.Errorf("sitegen: config and scores are required")
	}
	s, err := newSite(opt)
	if err != nil {
		return Headline{}, err
	}
	h := Headline{Period: s.latest, GatesPassed: len(scoring.GateFailures(opt.Gates)) == 0}
	if s.org == nil || s.latest == "" {
		return h, nil
	}
	if c := s.card(s.org, s.latest); c != nil {
		h.Scorecard, h.Final, h.Grade = c.Scorecard, c.Final, c.Grade
	}
	return h, nil
}
