package scoring

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/kpidesk/kpidesk/config"
	"github.com/kpidesk/kpidesk/connectors"
	"github.com/kpidesk/kpidesk/internal/problem"
	"github.com/kpidesk/kpidesk/scoring/calendar"
)

// Settings are a config's metric options compiled once, by Compile, into
// the typed values the metrics read: no metric parses config text while it
// judges a complaint.
type Settings struct {
	// Response and Resolution are the deadline rules of response_rate and
	// resolution_sla_rate (and the backlog's "past deadline"), in config
	// order: the first rule that matches a complaint applies.
	Response, Resolution []Deadline
	// MaxReplies and MaxReopens are first-contact resolution's thresholds.
	MaxReplies, MaxReopens int
	// EscalationBy lists what counts as escalated (event,
	// priority_increase, label:NAME, team:ID).
	EscalationBy []string
	// Wall measures durations on the wall clock, not the team calendar's
	// business time (metrics.clock: wall).
	Wall bool
	// Linear takes a duration's median and p90 by linear interpolation
	// between order statistics (metrics.percentile: linear, as numpy and
	// issue-metrics do), not by nearest rank (SPEC §13.7, the default).
	Linear bool
	// ResponseSLA and ResolutionSLA say whose verdict response_rate and
	// resolution_sla_rate take, the calendar's or the source's SLA record,
	// and which record they compare with (metrics.*.sla, sla_name; sla.go).
	ResponseSLA, ResolutionSLA SLAChoice
	// RepeatWindow is the repeat-complaint window, and RepeatWindowText
	// the window as the config writes it, for explanations.
	RepeatWindow     time.Duration
	RepeatWindowText string
}

// Deadline is one deadline rule, compiled: the filters it applies under
// and the time it gives.
type Deadline struct {
	Priority, Channel, Category []string
	// Within is the deadline: wall-clock seconds, or working days of the
	// team calendar.
	Within config.Value
	// Business counts hours on the team calendar (clock: business).
	Business bool
}

// MetricCatalog is the catalogue config checks metric references against
// (config.ParseWith, Config.CheckMetrics): every built-in metric's ID and
// whether its value is a duration.
func MetricCatalog() config.Catalog {
	out := config.Catalog{}
	for id, m := range registry {
		out[id] = m.Info().Value == ValueDuration
	}
	return out
}

// Compile checks cfg's metric references against the catalogue and builds
// the engine that scores under it, once: calendars, deadlines, metric
// options, the custom and input metrics, team matching. Every command
// compiles its config once and hands the engine to what it runs
// (Options.Engine). The problems are positioned in the config file, like
// config's own.
func Compile(cfg *config.Config) (*Engine, problem.List) {
	if ps := cfg.CheckMetrics(MetricCatalog()); len(ps) > 0 {
		return nil, ps
	}
	var ps problem.List
	cals := map[string]*calendar.Calendar{}
	for _, name := range slices.Sorted(maps.Keys(cfg.Calendars)) {
		cal, err := buildCalendar(name, cfg.Calendars[name])
		if err != nil {
			ps = append(ps, cfg.Problem("calendars."+name, "%v", err))
			continue
		}
		cals[name] = cal
	}
	if cfg.Calendar != "" {
		cals[""] = cals[cfg.Calendar]
	} else {
		cals[""] = defaultCalendar()
	}
	set := &Settings{
		EscalationBy:     slices.Clone(cfg.Metrics.Escalation.By),
		Wall:             cfg.Metrics.Clock == "wall",
		Linear:           cfg.Metrics.Percentile == "linear",
		RepeatWindowText: cfg.Metrics.Repeat.Window,
	}
	if r := cfg.Metrics.FTR.MaxReplies; r != nil {
		set.MaxReplies = *r
	}
	if r := cfg.Metrics.FTR.MaxReopens; r != nil {
		set.MaxReopens = *r
	}
	var err error
	if set.RepeatWindow, err = time.ParseDuration(cfg.Metrics.Repeat.Window); err != nil || set.RepeatWindow <= 0 {
		ps = append(ps, cfg.Problem("metrics.repeat_rate.window", "window %q is not a positive duration such as 720h", cfg.Metrics.Repeat.Window))
	}
	compile := func(path string, rules []config.Deadline) []Deadline {
		out := make([]Deadline, 0, len(rules))
		for i, r := range rules {
			v, err := config.ParseValue(r.Within)
			if err != nil || !v.Set {
				ps = append(ps, cfg.Problem(fmt.Sprintf("%s[%d].within", path, i), "%q is not a duration such as 24h or 3wd", r.Within))
				continue
			}
			out = append(out, Deadline{Priority: r.Priority, Channel: r.Channel, Category: r.Category, Within: v, Business: r.Clock == "business"})
		}
		return out
	}
	set.Response = compile("metrics.response_rate.deadlines", cfg.Metrics.Response.Deadlines)
	set.Resolution = compile("metrics.resolution_sla_rate.deadlines", cfg.Metrics.Resolution.Deadlines)
	set.ResponseSLA, set.ResolutionSLA = slaChoice(cfg.Metrics.Response), slaChoice(cfg.Metrics.Resolution)
	if len(ps) > 0 {
		return nil, ps
	}

	e := &Engine{cfg: cfg, set: set, cals: cals, teamCal: map[string]*calendar.Calendar{}, teamDept: map[string]string{}, kinds: map[string]bool{}}
	for _, t := range cfg.Teams {
		e.teamCal[t.ID] = cals[t.Calendar]
		e.teamDept[t.ID] = t.Department
	}
	e.byID = maps.Clone(registry)
	for _, def := range cfg.Metrics.Custom {
		e.byID[def.ID] = newCustom(def)
	}
	for _, def := range cfg.Inputs.Metrics {
		e.byID[def.ID] = newManual(def)
	}
	judges := 0
	for _, id := range slices.Sorted(maps.Keys(e.byID)) {
		e.metrics = append(e.metrics, e.byID[id])
		e.infos = append(e.infos, e.byID[id].Info())
		e.ids = append(e.ids, id)
		bit := int8(-1)
		if _, ok := e.byID[id].(keyJudge); ok {
			if judges == 8 {
				panic("scoring: more than 8 metrics judge complaints in a key pass") // the marks are a byte
			}
			bit = int8(judges)
			judges++
		}
		e.judgeBit = append(e.judgeBit, bit)
	}
	for _, st := range cfg.Metrics.Pause.Statuses {
		e.pauseStatuses = append(e.pauseStatuses, strings.ToLower(st))
	}
	for _, k := range cfg.Kinds {
		e.kinds[k] = true
	}
	e.matchTeam = teamMatcher(cfg)
	return e, nil
}

// NewEngine is Compile with its problems as one error, for callers that
// stop at the first failure.
func NewEngine(cfg *config.Config) (*Engine, error) {
	e, ps := Compile(cfg)
	if len(ps) > 0 {
		return nil, ps
	}
	return e, nil
}

// Config returns the config the engine was compiled from.
func (e *Engine) Config() *config.Config { return e.cfg }

// engine returns the engine opt carries, or compiles opt.Config.
func (opt *Options) engine() (*Engine, error) {
	if opt.Engine != nil {
		if opt.Config == nil {
			opt.Config = opt.Engine.cfg
		}
		return opt.Engine, nil
	}
	return NewEngine(opt.Config)
}

// teamMatcher returns the function that places a complaint the source gave
// no team in the team config matches it to: the team an agents entry gives
// the assignee, then match.assignees, the request type, components, labels;
// the first team in config order that lists a value wins.
func teamMatcher(cfg *config.Config) func(c *connectors.Complaint) string {
	byAssignee, byLabel, byComponent, byRequestType := map[string]string{}, map[string]string{}, map[string]string{}, map[string]string{}
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
		for _, r := range t.Match.RequestTypes {
			first(byRequestType, r, t.ID)
		}
	}
	for _, a := range cfg.Agents {
		if a.Team != "" {
			byAssignee[a.ID] = a.Team
		}
	}
	return func(c *connectors.Complaint) string {
		if c.Team != "" {
			return c.Team
		}
		if t, ok := byAssignee[c.Assignee]; ok {
			return t
		}
		if rt, ok := c.Fields["request_type"].(string); ok {
			if t, ok := byRequestType[rt]; ok {
				return t
			}
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
}
