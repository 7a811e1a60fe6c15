package scoring

import (
	"fmt"
	"sort"
	"time"

	"github.com/kpidesk/kpidesk/config"
	"github.com/kpidesk/kpidesk/connectors"
	"github.com/kpidesk/kpidesk/scoring/calendar"
)

// Engine evaluates complaints under one config. It is safe for concurrent
// Evaluate calls.
type Engine struct {
	cfg       *config.Config
	cals      map[string]*calendar.Calendar
	teamCal   map[string]*calendar.Calendar
	teamDept  map[string]string
	metrics   []Metric
	kinds     map[string]bool
	window    time.Duration
	matchTeam func(c *connectors.Complaint) string
}

// NewEngine prepares calendars and lookups for cfg.
func NewEngine(cfg *config.Config) (*Engine, error) {
	cals, err := Calendars(cfg)
	if err != nil {
		return nil, err
	}
	e := &Engine{cfg: cfg, cals: cals, teamCal: map[string]*calendar.Calendar{}, teamDept: map[string]string{}, kinds: map[string]bool{}}
	for _, t := range cfg.Teams {
		e.teamCal[t.ID] = cals[t.Calendar]
		e.teamDept[t.ID] = t.Department
	}
	for _, id := range metricIDs() {
		e.metrics = append(e.metrics, registry[id])
	}
	for _, k := range cfg.Kinds {
		e.kinds[k] = true
	}
	e.window, err = time.ParseDuration(cfg.Metrics.Repeat.Window)
	if err != nil {
		return nil, fmt.Errorf("metrics.repeat_rate.window: %w", err)
	}
	byAssignee, byLabel, byComponent := map[string]string{}, map[string]string{}, map[string]string{}
	// The first team that lists a value wins, in config order.
	first := func(m map[string]string, k, team string) {
		if _, ok := m[k]; !ok {
			m[k] = team
		}
	}
	for _, t := range cfg.Teams {
		for _, a := range t.Match.Assignees {
			first(byAssignee, a, t.ID)
		}
		for _, l := range t.Match.Labels {
			first(byLabel, l, t.ID)
		}
		for _, c := range t.Match.Components {
			first(byComponent, c, t.ID)
		}
	}
	for _, a := range cfg.Agents {
		if a.Team != "" {
			byAssignee[a.ID] = a.Team
		}
	}
	e.matchTeam = func(c *connectors.Complaint) string {
		if c.Team != "" {
			return c.Team
		}
		if t, ok := byAssignee[c.Assignee]; ok {
			return t
		}
		for _, comp := range c.Components {
			if t, ok := byComponent[comp]; ok {
				return t
			}
		}
		for _, l := range c.Labels {
			if t, ok := byLabel[l]; ok {
				return t
			}
		}
		return ""
	}
	return e, nil
}

// Metrics returns the IDs of the metrics the engine evaluates, sorted.
func (e *Engine) Metrics() []string {
	ids := make([]string, len(e.metrics))
	for i, m := range e.metrics {
		ids[i] = m.Info().ID
	}
	return ids
}

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
func (e *Engine) Counts(c *connectors.Complaint) bool {
	k := c.Kind
	if k == "" {
		k = connectors.KindComplaint
	}
	return e.kinds[k]
}

// AsOfView returns c as it stood at asOf: what happened later is cleared.
// Reopens and replies after asOf are not subtracted, since they are known
// only from events; the store is normally scored as of its last sync, where
// nothing lies after.
func AsOfView(c connectors.Complaint, asOf time.Time) connectors.Complaint {
	after := func(t time.Time) bool { return !t.IsZero() && t.After(asOf) }
	if after(c.FirstResponseAt) {
		c.FirstResponseAt = time.Time{}
	}
	if after(c.ResolvedAt) {
		c.ResolvedAt = time.Time{}
	}
	if after(c.FirstResolvedAt) {
		c.FirstResolvedAt = time.Time{}
	}
	if after(c.EscalatedAt) {
		c.Escalated, c.EscalatedAt = false, time.Time{}
	}
	if c.CSAT != nil && after(c.CSAT.At) {
		c.CSAT = nil
	}
	return c
}

// Evaluate judges one complaint with every metric. repeat says whether an
// earlier complaint of the same customer and category lies in the window.
func (e *Engine) Evaluate(c *connectors.Complaint, p Placement, asOf time.Time, repeat, explain bool) map[string]Outcome {
	x := &Context{AsOf: asOf, Calendar: p.Calendar, Config: e.cfg, Repeat: repeat, Explain: explain}
	out := make(map[string]Outcome, len(e.metrics))
	for _, m := range e.metrics {
		out[m.Info().ID] = m.Evaluate(c, x)
	}
	return out
}

// Repeats marks, for each complaint that counts, whether the same customer
// complained about the same category 0 < Δ ≤ window before (SPEC §13.9),
// in any team. cs must be the complaints as of the evaluation instant.
func (e *Engine) Repeats(cs []connectors.Complaint) []bool {
	type key struct{ customer, category string }
	groups := map[key][]int{}
	for i := range cs {
		c := &cs[i]
		if c.Customer == "" || !e.Counts(c) {
			continue
		}
		k := key{c.Customer, c.Category}
		groups[k] = append(groups[k], i)
	}
	rep := make([]bool, len(cs))
	for _, idx := range groups {
		sort.SliceStable(idx, func(a, b int) bool { return cs[idx[a]].CreatedAt.Before(cs[idx[b]].CreatedAt) })
		// last is the latest complaint strictly earlier than the current
		// one; a tie (Δ = 0) is not a repeat.
		last := -1
		for j, i := range idx {
			for last+1 < j && cs[idx[last+1]].CreatedAt.Before(cs[i].CreatedAt) {
				last++
			}
			if last >= 0 {
				d := cs[i].CreatedAt.Sub(cs[idx[last]].CreatedAt)
				rep[i] = d > 0 && d <= e.window
			}
		}
	}
	return rep
}
