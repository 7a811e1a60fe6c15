package scoring

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sort"
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
