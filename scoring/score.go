package scoring

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/kpidesk/kpidesk/config"
	"github.com/kpidesk/kpidesk/connectors"
	"github.com/kpidesk/kpidesk/scoring/calendar"
)

// Options control one scoring run.
type Options struct {
	Config *config.Config
	// AsOf is the evaluation instant (SPEC §13.6); the caller defaults it to
	// the store's last sync, never the wall clock. Complaints created after
	// it are ignored, and what happened after it did not happen yet.
	AsOf time.Time
	// IDs adds each metric's complaint IDs to the scorecards (score --ids).
	IDs bool
	// Names gives display names to agents that the config does not name.
	Names map[string]string
	// Evidence, when set, receives one line per complaint in ID order.
	Evidence func(*Evidence) error
}

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
	byAssignee, byLabel := map[string]string{}, map[string]string{}
	for _, t := range cfg.Teams {
		for _, a := range t.Match.Assignees {
			byAssignee[a] = t.ID
		}
		for _, l := range t.Match.Labels {
			byLabel[l] = t.ID
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

// cell accumulates one metric's outcomes for one unit and one month.
type cell struct {
	n, hit, miss, pending, excluded int
	sum                             float64
	high                            int // scores ≥ 80 (4–5 of 5), for CSAT's share of positive ratings
	vals                            []float64
	ids, numIDs                     []string
}

func (c *cell) add(o Outcome, id string, withIDs bool) {
	switch o.Result {
	case Hit:
		c.hit++
		c.n++
		if withIDs {
			c.ids = append(c.ids, id)
			c.numIDs = append(c.numIDs, id)
		}
	case Miss:
		c.miss++
		c.n++
		if withIDs {
			c.ids = append(c.ids, id)
		}
	case Pending:
		c.pending++
	case Excluded:
		c.excluded++
	case Counted:
		c.n++
		if withIDs {
			c.ids = append(c.ids, id)
			c.numIDs = append(c.numIDs, id)
		}
	case Measured:
		c.n++
		c.sum += o.Seconds
		c.vals = append(c.vals, o.Seconds)
		if o.Seconds >= 80 {
			c.high++
		}
		if withIDs {
			c.ids = append(c.ids, id)
		}
	}
}

func (c *cell) merge(o *cell) {
	c.n += o.n
	c.hit += o.hit
	c.miss += o.miss
	c.pending += o.pending
	c.excluded += o.excluded
	c.sum += o.sum
	c.high += o.high
	c.vals = append(c.vals, o.vals...)
	c.ids = append(c.ids, o.ids...)
	c.numIDs = append(c.numIDs, o.numIDs...)
}

// Score evaluates and aggregates complaints into scorecards. cs is sorted
// by ID in place, so that evidence and any ID lists come out in a stable
// order.
func Score(ctx context.Context, cs []connectors.Complaint, opt Options) (*Scores, error) {
	e, err := NewEngine(opt.Config)
	if err != nil {
		return nil, err
	}
	if opt.AsOf.IsZero() {
		return nil, fmt.Errorf("scoring: no evaluation instant (as_of): sync or import first, or pass --as-of")
	}
	sort.Slice(cs, func(i, j int) bool { return cs[i].ID < cs[j].ID })

	// Keep what existed at as_of, as it stood then.
	view := make([]connectors.Complaint, 0, len(cs))
	for i := range cs {
		if cs[i].CreatedAt.After(opt.AsOf) {
			continue
		}
		view = append(view, AsOfView(cs[i], opt.AsOf))
	}
	repeats := e.Repeats(view)

	a := newAggregate(e, opt)
	for i := range view {
		if i%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		if err := a.add(&view[i], repeats[i]); err != nil {
			return nil, err
		}
	}
	return a.scores(), nil
}

// aggregate holds cells per metric × unit × month.
type aggregate struct {
	e        *Engine
	opt      Options
	metrics  []string
	infos    []Info
	units    []Unit
	unitIdx  map[string]int
	cells    map[[3]int]*cell // metric, unit, month
	minMonth monthIndex
	maxMonth monthIndex
	orgLoc   *time.Location
	// agentDept is the department of each agent's first complaint in ID
	// order, for the department coefficient.
	agentDept map[string]string
}

func newAggregate(e *Engine, opt Options) *aggregate {
	a := &aggregate{e: e, opt: opt, unitIdx: map[string]int{}, agentDept: map[string]string{}, cells: map[[3]int]*cell{}, minMonth: math.MaxInt32, orgLoc: e.DefaultCalendar().Location()}
	for _, m := range e.metrics {
		a.metrics = append(a.metrics, m.Info().ID)
		a.infos = append(a.infos, m.Info())
	}
	return a
}

func (a *aggregate) unit(kind, id string) int {
	key := kind + ":" + id
	if i, ok := a.unitIdx[key]; ok {
		return i
	}
	a.unitIdx[key] = len(a.units)
	a.units = append(a.units, Unit{Kind: kind, ID: id, Name: a.name(kind, id)})
	return len(a.units) - 1
}

func (a *aggregate) name(kind, id string) string {
	cfg := a.e.cfg
	en := cfg.Site.Language == "en"
	pick := func(zh, enName string) string {
		if en && enName != "" {
			return enName
		}
		if zh != "" {
			return zh
		}
		return enName
	}
	switch kind {
	case UnitOrg:
		if n := pick(cfg.Org.Name, cfg.Org.NameEN); n != "" {
			return n
		}
		return "Organization"
	case UnitDepartment:
		for _, d := range cfg.Departments {
			if d.ID == id {
				if n := pick(d.Name, d.NameEN); n != "" {
					return n
				}
			}
		}
	case UnitTeam:
		for _, t := range cfg.Teams {
			if t.ID == id {
				if n := pick(t.Name, t.NameEN); n != "" {
					return n
				}
			}
		}
	case UnitAgent:
		for _, ag := range cfg.Agents {
			if ag.ID == id && ag.Name != "" {
				return ag.Name
			}
		}
		if n := a.opt.Names[id]; n != "" {
			return n
		}
	}
	return id
}

func (a *aggregate) add(c *connectors.Complaint, repeat bool) error {
	p := a.e.Place(c)
	counts := a.e.Counts(c)
	var outs map[string]Outcome
	if counts {
		outs = a.e.Evaluate(c, p, a.opt.AsOf, repeat, false)
	} else {
		outs = map[string]Outcome{}
		for _, id := range a.metrics {
			outs[id] = excluded("kind %s is not counted as a complaint", c.Kind)
		}
	}
	periods := map[string]string{}
	months := map[string]monthIndex{}
	created := monthOf(p.Calendar.LocalDate(c.CreatedAt))
	months[CohortCreated] = created
	periods[CohortCreated] = created.ID()
	if c.Resolved() {
		r := monthOf(p.Calendar.LocalDate(c.ResolvedAt))
		months[CohortResolved] = r
		periods[CohortResolved] = r.ID()
	}
	if a.opt.Evidence != nil {
		kind := c.Kind
		if kind == "" {
			kind = connectors.KindComplaint
		}
		ev := &Evidence{ID: c.ID, Key: c.Key, URL: c.URL, Title: c.Title, Kind: kind, Agent: p.Agent, Team: p.Team,
			Department: p.Department, Periods: periods, Outcomes: outs}
		if err := a.opt.Evidence(ev); err != nil {
			return err
		}
	}
	if !counts {
		return nil
	}
	units := []int{a.unit(UnitOrg, "org")}
	if p.Department != "" {
		units = append(units, a.unit(UnitDepartment, p.Department))
	}
	if p.Team != "" {
		units = append(units, a.unit(UnitTeam, p.Team))
	}
	if p.Agent != "" {
		units = append(units, a.unit(UnitAgent, p.Agent))
		if _, ok := a.agentDept[p.Agent]; !ok {
			a.agentDept[p.Agent] = p.Department
		}
	}
	for mi, id := range a.metrics {
		m, ok := months[a.infos[mi].Cohort]
		if !ok {
			continue
		}
		a.minMonth, a.maxMonth = min(a.minMonth, m), max(a.maxMonth, m)
		o := outs[id]
		for _, u := range units {
			k := [3]int{mi, u, int(m)}
			cl := a.cells[k]
			if cl == nil {
				cl = &cell{}
				a.cells[k] = cl
			}
			cl.add(o, c.ID, a.opt.IDs)
		}
	}
	return nil
}

// scores rolls months up into every configured period and builds the
// scorecards.
func (a *aggregate) scores() *Scores {
	s := &Scores{Schema: Schema, AsOf: a.opt.AsOf.UTC(), Versions: map[string]string{}, Scorecards: []Scorecard{}, Stars: []Star{}, Periods: []Period{}}
	if len(a.cells) == 0 {
		return s
	}
	last := min(a.maxMonth, monthOf(calendar.DateOf(a.opt.AsOf.In(a.orgLoc))))
	seen := map[string]bool{}
	var periods []Period
	for m := a.minMonth; m <= last; m++ {
		for _, kind := range a.e.cfg.Periods {
			p := periodOf(kind, m, a.orgLoc)
			if !seen[p.ID] {
				seen[p.ID] = true
				periods = append(periods, p)
			}
		}
	}
	sort.SliceStable(periods, func(i, j int) bool {
		if !periods[i].Start.Equal(periods[j].Start) {
			return periods[i].Start.Before(periods[j].Start)
		}
		return kindOrder(periods[i].Kind) < kindOrder(periods[j].Kind)
	})
	s.Periods = periods

	unitOrder := make([]int, len(a.units))
	for i := range unitOrder {
		unitOrder[i] = i
	}
	sort.Slice(unitOrder, func(i, j int) bool {
		x, y := a.units[unitOrder[i]], a.units[unitOrder[j]]
		if kindOrder(x.Kind) != kindOrder(y.Kind) {
			return kindOrder(x.Kind) < kindOrder(y.Kind)
		}
		return x.ID < y.ID
	})

	for _, p := range periods {
		s.Versions[p.ID] = fmt.Sprint(a.e.cfg.Version)
		first := monthOf(calendar.DateOf(p.Start.In(a.orgLoc)))
		end := monthOf(calendar.DateOf(p.End.In(a.orgLoc)))
		for _, u := range unitOrder {
			results := map[string]MetricResult{}
			any := false
			for mi, id := range a.metrics {
				var sum cell
				for m := first; m < end; m++ {
					if cl := a.cells[[3]int{mi, u, int(m)}]; cl != nil {
						sum.merge(cl)
					}
				}
				if sum.n+sum.pending+sum.excluded > 0 {
					any = true
				}
				results[id] = a.result(a.infos[mi], &sum)
			}
			if !any {
				continue
			}
			for _, sc := range a.e.cfg.Scorecards {
				if !slices.Contains(sc.Units, a.units[u].Kind) {
					continue
				}
				s.Scorecards = append(s.Scorecards, a.scorecard(sc, p, a.units[u], results))
			}
		}
	}
	s.Stars = stars(s, a.e.cfg)
	return s
}

func kindOrder(kind string) int {
	switch kind {
	case UnitOrg, Month:
		return 0
	case UnitDepartment, Quarter:
		return 1
	case UnitTeam, Half:
		return 2
	default:
		return 3
	}
}

// result turns a cell into a metric value (SPEC §12).
func (a *aggregate) result(info Info, c *cell) MetricResult {
	r := MetricResult{Status: StatusOK}
	switch info.Value {
	case ValueRate:
		r.Numerator, r.Denominator = float64(c.hit), float64(c.hit+c.miss)
		if c.hit+c.miss > 0 {
			r.Value = ptr(float64(c.hit) / float64(c.hit+c.miss))
		}
	case ValueCount:
		r.Numerator, r.Denominator = float64(c.n), float64(c.n)
		r.Value = ptr(float64(c.n))
	case ValueDuration, ValueScore:
		r.Numerator, r.Denominator = c.sum, float64(c.n)
		if c.n > 0 {
			r.Value = ptr(c.sum / float64(c.n))
			slices.Sort(c.vals)
			r.Median, r.P90 = ptr(Median(c.vals)), ptr(NearestRank(c.vals, 0.9))
		}
		if info.Value == ValueScore {
			r.Extra = map[string]float64{}
			if c.n > 0 {
				r.Extra["share_positive"] = round6(float64(c.high) / float64(c.n))
			}
			if c.n+c.excluded > 0 {
				r.Extra["survey_rate"] = round6(float64(c.n) / float64(c.n+c.excluded))
			}
		}
	}
	if info.Value != ValueCount && r.Denominator < float64(a.e.cfg.Metrics.MinSample) {
		r.Status = StatusInsufficient
	}
	if a.opt.IDs {
		r.IDs, r.NumeratorIDs = sortedCopy(c.ids), sortedCopy(c.numIDs)
		if r.IDs == nil {
			r.IDs = []string{}
		}
		if r.NumeratorIDs == nil && info.Value != ValueDuration && info.Value != ValueScore {
			r.NumeratorIDs = []string{}
		}
	}
	r.Numerator = round6(r.Numerator)
	r.Value = roundPtr(r.Value)
	r.Median = roundPtr(r.Median)
	r.P90 = roundPtr(r.P90)
	return r
}

// Median is the middle value of sorted xs, or the mean of the two middle
// values for an even count (SPEC §13.7).
func Median(xs []float64) float64 {
	n := len(xs)
	if n == 0 {
		return math.NaN()
	}
	if n%2 == 1 {
		return xs[n/2]
	}
	return (xs[n/2-1] + xs[n/2]) / 2
}

// NearestRank is the ⌈q·n⌉-th smallest of sorted xs (SPEC §13.7).
func NearestRank(xs []float64, q float64) float64 {
	n := len(xs)
	if n == 0 {
		return math.NaN()
	}
	k := int(math.Ceil(q*float64(n) - 1e-9))
	k = max(1, min(n, k))
	return xs[k-1]
}

func ptr(v float64) *float64 { return &v }

func roundPtr(v *float64) *float64 {
	if v == nil {
		return nil
	}
	return ptr(round6(*v))
}

func sortedCopy(s []string) []string {
	if s == nil {
		return nil
	}
	out := slices.Clone(s)
	sort.Strings(out)
	return out
}

// scorecard applies a scorecard definition to one unit's metric results:
// points, weights, total, coefficient, final and grade (SPEC §5–§7).
func (a *aggregate) scorecard(sc config.Scorecard, p Period, u Unit, all map[string]MetricResult) Scorecard {
	out := Scorecard{Scorecard: sc.ID, Period: p.ID, Unit: u, Metrics: map[string]MetricResult{}, Appeals: []string{}}
	for id, r := range all {
		out.Metrics[id] = r
	}
	daily := a.e.DefaultCalendar().DailyWork()
	sumW := 0.0
	for _, it := range sc.Items {
		sumW += it.Weight
	}
	var weighted, used float64
	for _, it := range sc.Items {
		r := out.Metrics[it.Metric]
		w := it.Weight
		if sc.Weights.Normalize && sumW > 0 {
			w = it.Weight / sumW
		}
		r.Weight = round6(w)
		if r.Value == nil && r.Status == StatusOK {
			r.Status = StatusInsufficient
		}
		var pts float64
		switch {
		case r.Status == StatusInsufficient && sc.Insufficient == "exclude":
			out.Metrics[it.Metric] = r
			continue
		case r.Status == StatusInsufficient:
			pts = sc.Neutral
		default:
			pts = Points(it.Rule, *r.Value, daily)
		}
		r.Points = ptr(round6(pts))
		out.Metrics[it.Metric] = r
		weighted += w * pts
		used += w
	}
	if used > 0 {
		total := weighted
		if sc.Insufficient == "exclude" {
			// Renormalize over the metrics that could be scored.
			total = weighted / used
			for _, it := range sc.Items {
				r := out.Metrics[it.Metric]
				if r.Points != nil {
					r.Weight = round6(r.Weight / used)
					out.Metrics[it.Metric] = r
				}
			}
		}
		coef := a.coefficient(u)
		out.Total = ptr(round6(total))
		out.Coefficient = ptr(round6(coef))
		out.Final = ptr(round6(total * coef))
		out.Grade = Grade(a.e.cfg.Grades, *out.Final)
	}
	return out
}

// coefficient is the department coefficient of seed 001 (fixed per
// department in this version; 1 for the organization).
func (a *aggregate) coefficient(u Unit) float64 {
	dept := ""
	switch u.Kind {
	case UnitDepartment:
		dept = u.ID
	case UnitTeam:
		dept = a.e.teamDept[u.ID]
	case UnitAgent:
		dept = a.agentDept[u.ID]
	}
	for _, d := range a.e.cfg.Departments {
		if d.ID == dept && d.Coefficient > 0 {
			return d.Coefficient
		}
	}
	return 1
}

// Grade returns the ID of the first grade whose minimum final reaches.
func Grade(grades []config.Grade, final float64) string {
	for _, g := range grades {
		if final >= g.Min-1e-9 {
			return g.ID
		}
	}
	return ""
}

// stars picks each month's top agent among those with no insufficient
// metric: highest final, then more complaints, then ID (seed 001's 月度服务之星).
func stars(s *Scores, cfg *config.Config) []Star {
	best := map[string]*Scorecard{}
	var order []string
	for i := range s.Scorecards {
		sc := &s.Scorecards[i]
		if sc.Unit.Kind != UnitAgent || sc.Final == nil || !strings.Contains(sc.Period, "-") || strings.ContainsAny(sc.Period, "QH") {
			continue
		}
		if sc.Scorecard != cfg.Scorecards[0].ID {
			continue
		}
		ok := true
		for _, it := range cfg.Scorecards[0].Items {
			if sc.Metrics[it.Metric].Status != StatusOK {
				ok = false
			}
		}
		if !ok {
			continue
		}
		cur, seen := best[sc.Period]
		if !seen {
			order = append(order, sc.Period)
		}
		if !seen || better(sc, cur) {
			best[sc.Period] = sc
		}
	}
	out := []Star{}
	for _, p := range order {
		sc := best[p]
		full := fullPoints(sc, cfg.Scorecards[0])
		n := int(sc.Metrics["volume"].Numerator)
		reason := fmt.Sprintf("final %.2f, %d complaints", *sc.Final, n)
		if len(full) > 0 {
			reason += "; full points on " + strings.Join(full, ", ")
		}
		out = append(out, Star{Period: p, Unit: sc.Unit, Final: *sc.Final, Complaints: n, FullPoints: full, Reason: reason})
	}
	return out
}

func better(a, b *Scorecard) bool {
	if *a.Final != *b.Final {
		return *a.Final > *b.Final
	}
	va, vb := a.Metrics["volume"].Numerator, b.Metrics["volume"].Numerator
	if va != vb {
		return va > vb
	}
	return a.Unit.ID < b.Unit.ID
}

// fullPoints lists the scorecard items that earned full points.
func fullPoints(sc *Scorecard, def config.Scorecard) []string {
	full := []string{}
	for _, it := range def.Items {
		if r := sc.Metrics[it.Metric]; r.Points != nil && *r.Points >= 100 {
			full = append(full, it.Metric)
		}
	}
	return full
}
