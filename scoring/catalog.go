package scoring

import "github.com/kpidesk/kpidesk/config"

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

// Needs says what of a complaint a metric reads beyond the derived fields.
type Needs struct {
	Events bool // the events (c.Events)
	Fields bool // the mapped source fields (c.Fields)
	// Under, when set, adds what the metric reads under a config: pause
	// statuses stop a duration's clock, escalation by label reads events.
	Under func(cfg *config.Config) Needs `json:"-"`
}

// under returns n's needs under cfg.
func (n Needs) under(cfg *config.Config) Needs {
	if n.Under != nil {
		m := n.Under(cfg)
		n.Events, n.Fields = n.Events || m.Events, n.Fields || m.Fields
	}
	n.Under = nil
	return n
}

// pauses is the need of a metric that measures a clock the configured
// pause statuses stop: their intervals are read from the events.
var pauses = Needs{Under: func(cfg *config.Config) Needs {
	return Needs{Events: len(cfg.Metrics.Pause.Statuses) > 0}
}}

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
	Tally bool
	// ComplaintCount marks the count of a unit's complaints (volume): a
	// star reports it and breaks ties on it. At most one metric sets it.
	ComplaintCount bool
	// Extra copies other metrics' values into this one's extra keys of
	// scores.json (key → metric ID), for readers of an older schema.
	Extra map[string]string
	// Needs is what of a complaint the metric reads beyond the derived
	// fields; the store reads events and fields only for a config whose
	// metrics need them (NeedsEvents, NeedsFields).
	Needs Needs
	// Wall marks a duration whose outcomes also carry the span on the
	// wall clock (Outcome.Wall): scores.json gives the mean beside the
	// business-time value, which the site shows (SPEC §3).
	Wall      bool
	Help      string // one sentence, Chinese
	HelpEN    string // one sentence, English
	Reference string // seed reference, e.g. "000, 001"
}
