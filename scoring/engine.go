package scoring

import (
	"cmp"
	"hash/maphash"
	"runtime"
	"slices"
	"sync"
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

// AsOfView returns c as it stood at asOf (SPEC §13.6): its events after
// asOf are undone and its derived fields derived again from the events up
// to asOf, its snapshot instants after asOf cleared; connectors.Rewind
// gives the rule for each field.
func AsOfView(c connectors.Complaint, asOf time.Time) connectors.Complaint {
	connectors.Rewind(&c, asOf)
	return c
}

// Evaluate judges one complaint with every metric. repeat says whether an
// earlier complaint of the same customer and category lies in the window.
func (e *Engine) Evaluate(c *connectors.Complaint, p Placement, asOf time.Time, repeat, explain bool) map[string]Outcome {
	outs := make([]Outcome, len(e.metrics))
	e.evaluate(c, p, asOf, repeat, explain, outs)
	return e.outcomeMap(outs)
}

// evaluate fills outs, indexed like e.metrics, without allocating.
func (e *Engine) evaluate(c *connectors.Complaint, p Placement, asOf time.Time, repeat, explain bool, outs []Outcome) {
	x := Context{AsOf: asOf, Calendar: p.Calendar, Team: p.Team, Settings: e.set, Repeat: repeat, Explain: explain, Paused: e.paused(c, asOf)}
	for i, m := range e.metrics {
		if e.infos[i].Cohort == CohortInput {
			outs[i] = Outcome{} // read from input files, not from complaints
			continue
		}
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

// Repeats marks, for each complaint that counts, whether the same customer
// complained about the same category 0 < Δ ≤ window before (SPEC §13.9),
// in any team; customers are merged across channels first when config
// says how. Complaints created after asOf do not exist yet. It walks
// the complaints in time order keeping, per customer and category, the
// latest creation time and the latest one strictly before it (for ties).
func (e *Engine) Repeats(cs []connectors.Complaint, asOf time.Time) []bool {
	keys := make([]Key, len(cs))
	for i := range cs {
		c := &cs[i]
		keys[i] = Key{ID: c.ID, Customer: c.Customer, Category: c.Category, Kind: c.Kind, CreatedAt: c.CreatedAt, Fields: c.Fields}
	}
	return e.repeatsOfKeys(keys, asOf)
}

func (e *Engine) repeatsOfKeys(keys []Key, asOf time.Time) []bool {
	type key struct{ customer, category string }
	type seen struct{ last, before time.Time }
	order := make([]int32, 0, len(keys))
	for i := range keys {
		k := &keys[i]
		if k.Customer == "" || !e.countsKind(k.Kind) || k.CreatedAt.After(asOf) {
			continue
		}
		order = append(order, int32(i))
	}
	// By creation, ties in key order; pdqsort on ties broken by index is
	// stable, and linear on the nearly sorted order most stores have.
	slices.SortFunc(order, func(a, b int32) int {
		return cmp.Or(keys[a].CreatedAt.Compare(keys[b].CreatedAt), cmp.Compare(a, b))
	})
	merged := e.customers(keys)
	rep := make([]bool, len(keys))
	// Customers are split among the cores by a hash of their identity;
	// each core walks the whole order and judges its own customers.
	shards := runtime.GOMAXPROCS(0)
	seed := maphash.MakeSeed()
	var wg sync.WaitGroup
	for shard := range shards {
		wg.Go(func() {
			// Sized up front and pointing into one slice: at a million
			// complaints growing the map and allocating each group were
			// most of the cost.
			groups := make(map[key]int32, len(order)/shards)
			seens := make([]seen, 0, len(order)/shards)
			for _, i := range order {
				c := &keys[i]
				k := key{c.Customer, c.Category}
				if merged != nil {
					k.customer = merged[i]
				}
				if shards > 1 && maphash.String(seed, k.customer)%uint64(shards) != uint64(shard) {
					continue
				}
				gi, ok := groups[k]
				if !ok {
					groups[k] = int32(len(seens))
					seens = append(seens, seen{last: c.CreatedAt})
					continue
				}
				g := &seens[gi]
				prev := g.last
				if c.CreatedAt.Equal(g.last) {
					prev = g.before // a tie (Δ = 0) is not a repeat; look further back
				} else {
					g.before, g.last = g.last, c.CreatedAt
				}
				if !prev.IsZero() {
					d := c.CreatedAt.Sub(prev)
					rep[i] = d > 0 && d <= e.set.RepeatWindow
				}
			}
		})
	}
	wg.Wait()
	return rep
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
