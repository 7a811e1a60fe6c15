package scoring

import (
	"time"

	"github.com/kpidesk/kpidesk/internal/reason"
)

// Schema is the version tag of scores.json (SPEC §12).
const Schema = "kpidesk.scores/v1"

// Unit kinds, from the whole organization down to one agent.
const (
	UnitOrg        = "org"
	UnitDepartment = "department"
	UnitTeam       = "team"
	UnitAgent      = "agent"
)

// Metric statuses (SPEC §7, §13.11). A metric is not applicable to a unit
// when it cannot have a value for that kind of unit (the complaint rate of
// an agent, when business volume is known per team only): it gets no
// points and no weight.
const (
	StatusOK            = "ok"
	StatusInsufficient  = "insufficient"
	StatusNotApplicable = "not_applicable"
)

// Scorecard statuses: a unit without any data in a period is not graded.
const (
	ScorecardOK     = "ok"
	ScorecardNoData = "no_data"
)

// Unit is what a scorecard evaluates: the organization, a department, a
// team or an agent.
type Unit struct {
	ID   string `json:"id"`
	Kind string `json:"kind"`
	Name string `json:"name"`
}

// Key returns "kind:id", unique across kinds.
func (u Unit) Key() string { return u.Kind + ":" + u.ID }

// Period is one month, quarter, half-year or year, in the organization's
// calendar time zone. End is exclusive.
type Period struct {
	End  time.Time `json:"end"`
	ID   string    `json:"id"`   // "2025-10", "2025-Q4", "2025-H2", "2025"
	Kind string    `json:"kind"` // month, quarter, half, year
	// Partial is true when the period is not complete at as_of: its grades
	// are provisional.
	Partial bool      `json:"partial,omitempty"`
	Start   time.Time `json:"start"`
}

// Scores is the content of scores.json. Struct fields are declared in
// alphabetical order of their JSON keys, so that every object in the file
// has sorted keys (SPEC §12); maps are sorted by encoding/json.
type Scores struct {
	AsOf time.Time `json:"as_of"`
	// Kinds counts every contact by kind per month of creation, for the
	// organization: suggestions and inquiries are kept and reported apart
	// from complaints (SPEC §13.2, seed 003).
	Kinds      map[string]map[string]int `json:"kinds"`
	Mix        Mix                       `json:"mix"`
	Periods    []Period                  `json:"periods"`
	Schema     string                    `json:"schema"`
	Scorecards []Scorecard               `json:"scorecards"`
	// SLAReconciliation compares, per deadline metric (metric ID) and
	// month, its verdicts on the team calendar and by the source's own SLA
	// record (sla.go); absent when no complaint was compared or, in source
	// mode, judged on the calendar for lack of the record.
	SLAReconciliation map[string]SLAReconciliation `json:"sla_reconciliation,omitempty"`
	Stars             []Star                       `json:"stars"`
	Versions          map[string]string            `json:"versions"` // period ID → config version in force
	// Weights lists the weights in force per scorecard, period and kind of
	// unit, with what derived them (SPEC §6).
	Weights []WeightsInForce `json:"weights"`
}

// Mix counts the organization's complaints (the kinds that count) by
// month: created and resolved, and the created ones by category and by
// channel (SPEC §10: created vs resolved, the category Pareto, the channel
// mix, and the distributions of durations). "" stands for a complaint
// without a category or channel.
type Mix struct {
	// Buckets are the upper bounds of the duration histograms, in seconds
	// (DurationBuckets); the last bucket is open.
	Buckets    []float64                 `json:"buckets,omitempty"`
	Categories map[string]map[string]int `json:"categories"` // month → category → created
	Channels   map[string]map[string]int `json:"channels"`   // month → channel → created
	Created    map[string]int            `json:"created"`    // month → created
	// Durations counts the measured durations by bucket: metric → month →
	// one count per bucket, the organization's complaints of the metric's
	// cohort (SPEC §10: distributions of response and handling times).
	Durations map[string]map[string][]int `json:"durations,omitempty"`
	Resolved  map[string]int              `json:"resolved"` // month → finally resolved
	// TeamCategories splits Categories by team: team → month → category
	// → created, for each team's Pareto of root causes.
	TeamCategories map[string]map[string]map[string]int `json:"team_categories,omitempty"`
}

// WeightsInForce is one scorecard's item weights for one period and kind
// of unit. AHP adds its consistency figures, entropy its table.
type WeightsInForce struct {
	AHP     *AHPFigures     `json:"ahp,omitempty"`
	Entropy *EntropyFigures `json:"entropy,omitempty"`
	Method  string          `json:"method"`
	Note    string          `json:"note,omitempty"` // Why in English, e.g. why entropy fell back
	// Why is the note as codes of the catalogue, which a page renders in
	// its reader's language (NoteIn).
	Why       []reason.Reason    `json:"-"`
	Period    string             `json:"period"`
	Scorecard string             `json:"scorecard"`
	UnitKind  string             `json:"unit_kind"`
	Weights   map[string]float64 `json:"weights"` // metric → weight, summing to 1
}

// AHPFigures are an AHP matrix, in item order, and its consistency
// figures.
type AHPFigures struct {
	CI        float64     `json:"ci"`
	CR        float64     `json:"cr"`
	Criteria  []string    `json:"criteria"`
	LambdaMax float64     `json:"lambda_max"`
	Matrix    [][]float64 `json:"matrix"`
	RI        float64     `json:"ri"`
}

// EntropyFigures is the entropy table of one period: per metric the
// entropy e and divergence d = 1 − e, and the units it was computed over.
type EntropyFigures struct {
	Divergence map[string]float64 `json:"divergence"`
	Entropy    map[string]float64 `json:"entropy"`
	Units      int                `json:"units"`
}

// Scorecard is one unit's result for one period under one scorecard
// definition. Total, Final and Coefficient are nil when no metric could be
// scored.
type Scorecard struct {
	Appeals []string `json:"appeals"`
	// Borderline is true when moving one metric within its interval
	// (BorderlineMetrics lists which) would move the final across a grade
	// boundary.
	Borderline        bool                    `json:"borderline,omitempty"`
	BorderlineMetrics []string                `json:"borderline_metrics,omitempty"`
	Coefficient       *float64                `json:"coefficient"`
	Final             *float64                `json:"final"`
	Grade             string                  `json:"grade"`
	Metrics           map[string]MetricResult `json:"metrics"`
	// Partial is true when the period is not complete at as_of: the grade
	// is provisional.
	Partial   bool   `json:"partial,omitempty"`
	Period    string `json:"period"`
	Scorecard string `json:"scorecard"`
	// Secondary is true when this scorecard does not decide the unit's
	// grade (another one is the primary for its kind of unit).
	Secondary bool `json:"secondary,omitempty"`
	// Status is ScorecardOK, or ScorecardNoData for a unit without any
	// data in the period, which is not graded.
	Status  string   `json:"status"`
	Total   *float64 `json:"total"`
	Unit    Unit     `json:"unit"`
	Version string   `json:"version,omitempty"` // the scorecard's effective_from in force
}

// MetricResult is one metric's value for one unit and period, with what is
// needed to explain it: numerator and denominator, and with --ids the
// complaints behind them. Value is nil when the denominator is 0.
// Durations are seconds; rates are fractions in [0, 1]; points are 0–100.
type MetricResult struct {
	Denominator float64            `json:"denominator"`
	Extra       map[string]float64 `json:"extra,omitempty"`
	IDs         []string           `json:"ids,omitzero"`
	// Interval is the 95 % Wilson score interval of a rate's value.
	Interval *[2]float64 `json:"interval,omitempty"`
	// MeanInterval is the 95 % Student t interval of a mean (the value of
	// a duration, in seconds, or of csat), from MinMeanN values up: the
	// range a borderline test moves that value in.
	MeanInterval *[2]float64 `json:"mean_interval,omitempty"`
	Median       *float64    `json:"median,omitempty"`
	// MedianInterval and P90Interval are 95 % distribution-free
	// (order-statistic) intervals of a duration's median and p90, in
	// seconds; nil when the sample is too small for one.
	MedianInterval *[2]float64 `json:"median_interval,omitempty"`
	Numerator      float64     `json:"numerator"`
	NumeratorIDs   []string    `json:"numerator_ids,omitzero"`
	P90            *float64    `json:"p90,omitempty"`
	P90Interval    *[2]float64 `json:"p90_interval,omitempty"`
	Points         *float64    `json:"points"`
	Status         string      `json:"status"`
	Value          *float64    `json:"value"`
	// Wall is a business-time duration's mean on the wall clock, in
	// seconds: the same spans, less pauses, nights and holidays counted
	// (SPEC §3: the site shows it beside the value). Absent for other
	// metrics and with metrics.clock: wall.
	Wall   *float64 `json:"wall,omitempty"`
	Weight float64  `json:"weight"`
}

// ValueInterval is the 95 % interval of the value itself: a rate's Wilson
// interval or a mean's t interval; nil without one.
func (r MetricResult) ValueInterval() *[2]float64 {
	if r.Interval != nil {
		return r.Interval
	}
	return r.MeanInterval
}

// Star is the month's top agent, the "service star" of seed 001. Why is
// the reason as codes of the catalogue (internal/reason), which a page
// renders in its reader's language; Reason is their English rendering for
// scores.json, as evidence.jsonl has its reasons. Complaints, FullPoints
// and Tied carry the same facts as data.
type Star struct {
	Complaints int      `json:"complaints"`
	Final      float64  `json:"final"`
	FullPoints []string `json:"full_points"` // scorecard metrics with 100 points, in scorecard order
	Period     string   `json:"period"`
	Reason     string   `json:"reason"`
	// Why is the reason in parts: reason.Star, then StarFullPoints and
	// StarTied or StarTiedMore when they apply.
	Why []reason.Reason `json:"-"`
	// Tied lists the agents whose final could reach the winner's with
	// their metrics moved within their intervals: the lead is within noise.
	Tied []Unit `json:"tied,omitempty"`
	Unit Unit   `json:"unit"`
}
