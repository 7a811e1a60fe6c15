package scoring

// Value kinds of a metric: how its value reads and how the site shows it.
const (
	ValueRate     = "rate"     // fraction in [0, 1], shown as a percentage
	ValueDuration = "duration" // seconds, shown as 3h12m
	ValueCount    = "count"    // a number of complaints
	ValueScore    = "score"    // 0–100, e.g. CSAT
)

// Cohorts: which complaints a metric looks at in a period (SPEC §4).
const (
	CohortCreated  = "created"
	CohortResolved = "resolved"
	CohortSnapshot = "snapshot"
)

// Info describes a metric for readers: the site, `kpidesk explain`, docs.
type Info struct {
	ID     string
	Name   string // Chinese
	NameEN string
	Value  string // ValueRate, ValueDuration, ValueCount, ValueScore
	Cohort string
	Higher bool // higher is better
	// Tally marks a rate whose numerator is every complaint of the cohort
	// (the complaint rate: complaints ÷ business volume): a complaint's
	// hit is a count, not a judgement of how it was handled.
	Tally     bool
	Help      string // one sentence, Chinese
	HelpEN    string // one sentence, English
	Reference string // seed reference, e.g. "000, 001"
}
