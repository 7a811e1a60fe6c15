package scoring

import (
	"slices"
	"time"

	"github.com/kpidesk/kpidesk/config"
	"github.com/kpidesk/kpidesk/connectors"
	"github.com/kpidesk/kpidesk/scoring/calendar"
)

// Engine evaluates complaints under one config, compiled by Compile. It
// is safe for concurrent Evaluate calls.
type Engine struct {
	cfg      *config.Config
	set      *Settings
	cals     map[string]*calendar.Calendar
	teamCal  map[string]*calendar.Calendar
	teamDept map[string]string
	metrics  []Metric
	byID     map[string]Metric
	// pauseStatuses stop the clock (lower case).
	pauseStatuses []string
	infos         []Info   // metrics[i].Info(), computed once
	ids           []string // metric IDs, sorted
	kinds         map[string]bool
	matchTeam     func(c *connectors.Complaint) string
	// judgeBit is, for each metric that judges complaints in a key pass
	// (keyJudge), its bit in the marks; -1 for the others.
	judgeBit []int8
}

// Metrics returns the IDs of the metrics the engine evaluates, sorted.
func (e *Engine) Metrics() []string { return slices.Clone(e.ids) }

// DefaultCalendar returns the calendar of teams that name none.
func (e *Engine) DefaultCalendar() *calendar.Calendar { return e.cals[""] }

// Placement says where a complaint belongs: its units and its calendar.
type Placement struct {
	Agent, Team, Department string
	Calendar                *calendar.Calendar
}

// Place resolves a complaint's team, department and calendar from config
// when the source did not give them.
func (e *Engine) Place(c *connectors.Complaint) Placement {
	p := Placement{Agent: c.Assignee, Team: e.matchTeam(c), Department: c.Department}
	if p.Department == "" {
		p.Department = e.teamDept[p.Team]
	}
	p.Calendar = e.teamCal[p.Team]
	if p.Calendar == nil {
		p.Calendar = e.cals[""]
	}
	return p
}

// Counts reports whether a complaint's kind counts toward complaint
// metrics (SPEC §13.2).
func (e *Engine) Counts(c *connectors.Complaint) bool { return e.countsKind(c.Kind) }

func (e *Engine) countsKind(k string) bool {
	if k == "" {
		k = connectors.KindComplaint
	}
	return e.kinds[k]
}

// Evaluate judges one complaint with every metric, with none of them
// marking it in a key pass (Context.Marked): a complaint judged on its own,
// without the others.
func (e *Engine) Evaluate(c *connectors.Complaint, p Placement, asOf time.Time, explain bool) map[string]Outcome {
	outs := make([]Outcome, len(e.metrics))
	e.evaluate(c, p, asOf, 0, explain, outs)
	return e.outcomeMap(outs)
}

// evaluate fills outs, indexed like e.metrics, without allocating; marks
// are the complaint's bits of the key pass (Engine.marks).
func (e *Engine) evaluate(c *connectors.Complaint, p Placement, asOf time.Time, marks uint8, explain bool, outs []Outcome) {
	x := Context{AsOf: asOf, Calendar: p.Calendar, Team: p.Team, Settings: e.set, Explain: explain, Paused: e.paused(c, asOf)}
	for i, m := range e.metrics {
		if e.infos[i].Cohort == CohortInput {
			outs[i] = Outcome{} // read from input files, not from complaints
			continue
		}
		x.Marked = e.judgeBit[i] >= 0 && marks&(1<<e.judgeBit[i]) != 0
		outs[i] = m.Evaluate(c, &x)
	}
}

func (e *Engine) outcomeMap(outs []Outcome) map[string]Outcome {
	m := make(map[string]Outcome, len(outs))
	for i, o := range outs {
		if o.Result != "" {
			m[e.ids[i]] = o
		}
	}
	return m
}

// marks runs the key pass of the metrics that judge a complaint against
// the others (keyJudge) before any complaint is evaluated, and returns
// per complaint, in key order, a bit per such metric (judgeBit) that its
// Evaluate reads as Context.Marked.
func (e *Engine) marks(keys []Key, asOf time.Time) []uint8 {
	out := make([]uint8, len(keys))
	for i, m := range e.metrics {
		if bit := e.judgeBit[i]; bit >= 0 {
			for k, marked := range m.(keyJudge).judgeKeys(e, keys, asOf) {
				if marked {
					out[k] |= 1 << bit
				}
			}
		}
	}
	return out
}

// Catalog returns the descriptions of the metrics this engine evaluates:
// the built-in ones and the config's custom ones, sorted by ID.
func (e *Engine) Catalog() []Info { return slices.Clone(e.infos) }

// paused returns the intervals c spent in a pause status, up to its final
// resolution or asOf. Events are needed; without them nothing is paused.
func (e *Engine) paused(c *connectors.Complaint, asOf time.Time) []calendar.Interval {
	if len(e.pauseStatuses) == 0 || len(c.Events) == 0 {
		return nil
	}
	end := asOf
	if c.Resolved() && c.ResolvedAt.Before(end) {
		end = c.ResolvedAt
	}
	return stateIntervals(c, e.pauseStatuses, nil, end)
}

// NeedsFields reports whether scoring under cfg reads the complaints'
// mapped source fields: teams matched by request type, or a metric in use
// that declares it reads them (Info.Needs; custom metrics that filter on
// fields). Customer identity rules read them in the keys.
func NeedsFields(cfg *config.Config) bool {
	for _, t := range cfg.Teams {
		if len(t.Match.RequestTypes) > 0 {
			return true
		}
	}
	return needs(cfg).Fields
}

// NeedsEvents reports whether scoring under cfg reads events and not only
// the derived fields: whether a metric in use declares it reads them
// (Info.Needs), such as durations under pause statuses, custom durations
// between status or label events, time in status or label, escalation by
// label or priority. Scoring as of an instant earlier than the data's end
// needs them whatever the config, to undo what happened after it
// (connectors.Rewind).
func NeedsEvents(cfg *config.Config) bool { return needs(cfg).Events }

// needs is the union of the needs the metrics evaluated under cfg declare:
// every registered metric (the engine evaluates them all, whether or not a
// scorecard lists them) and the config's custom and input metrics.
func needs(cfg *config.Config) Needs {
	var n Needs
	add := func(m Metric) {
		d := m.Info().Needs.under(cfg)
		n.Events, n.Fields = n.Events || d.Events, n.Fields || d.Fields
	}
	for _, m := range registry {
		add(m)
	}
	for _, def := range cfg.Metrics.Custom {
		add(newCustom(def))
	}
	for _, def := range cfg.Inputs.Metrics {
		add(newManual(def))
	}
	return n
}
