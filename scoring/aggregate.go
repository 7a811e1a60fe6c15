package scoring

import (
	"cmp"
	"context"
	"fmt"
	"hash/maphash"
	"io"
	"math"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/kpidesk/kpidesk/config"
	"github.com/kpidesk/kpidesk/connectors"
	"github.com/kpidesk/kpidesk/internal/reason"
	"github.com/kpidesk/kpidesk/scoring/appeals"
	"github.com/kpidesk/kpidesk/scoring/calendar"
	"github.com/kpidesk/kpidesk/scoring/inputs"
	"golang.org/x/sync/errgroup"
)

// Options control one scoring run.
type Options struct {
	Config *config.Config
	// Engine is Config compiled (Compile); nil compiles Config. A command
	// compiles its config once and passes the engine to every run.
	Engine *Engine
	// AsOf is the evaluation instant (SPEC §13.6); the caller defaults it to
	// the store's last sync, never the wall clock. Complaints created after
	// it are ignored, and what happened after it did not happen yet: each
	// complaint is rewound to it (connectors.Rewind), which needs its
	// events when AsOf is earlier than the data's end.
	AsOf time.Time
	// IDs adds each metric's complaint IDs to the scorecards (score --ids).
	IDs bool
	// Names gives display names to agents that the config does not name.
	Names map[string]string
	// Evidence, when set, receives one line per complaint in ID order.
	Evidence func(*Evidence) error
	// Reasons asks every metric for the reason of each outcome in the
	// evidence, hits and measured values too, not only exclusions
	// (kpidesk explain; slower).
	Reasons bool
	// EvidenceOut, when set, receives evidence.jsonl itself: the lines are
	// encoded on every core and written in ID order (faster than Evidence
	// at scale; the two are exclusive).
	EvidenceOut io.Writer
	// Inputs holds values that do not come from tickets (business volume,
	// manual metrics); nil means none.
	Inputs *inputs.Set
	// Appeals are applied as decided: corrections and exclusions when the
	// complaints are judged, points overrides on the scorecards (SPEC §9).
	Appeals *appeals.File
}

// cell accumulates one metric's outcomes for one unit and one month.
type cell struct {
	n, hit, miss, pending, excluded int32
	sum                             float64
	wall                            float64   // the measured durations' sum on the wall clock (Outcome.Wall)
	vals                            []float64 // measured values; sorted once all complaints are in
	ids, numIDs                     []string
}

func (c *cell) add(o *Outcome, id string, withIDs bool) {
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
		c.wall += o.Wall
		c.vals = append(c.vals, o.Seconds)
		if withIDs {
			c.ids = append(c.ids, id)
		}
	}
}

// merge adds o's counts to c. Values and IDs are appended unsorted; the
// caller sorts (or merges sorted runs) where order matters.
func (c *cell) merge(o *cell) {
	c.n += o.n
	c.hit += o.hit
	c.miss += o.miss
	c.pending += o.pending
	c.excluded += o.excluded
	c.sum += o.sum
	c.wall += o.wall
	c.vals = append(c.vals, o.vals...)
	c.ids = append(c.ids, o.ids...)
	c.numIDs = append(c.numIDs, o.numIDs...)
}

// placed is what the sequential first pass learns of a complaint.
type placed struct {
	p       Placement
	units   [4]int32 // org, department, team, agent; -1 when absent
	created monthIndex
	resolve monthIndex // -1 when not resolved
	skip    bool       // created after as_of
	counts  bool       // its kind counts as a complaint
}

// chunkSize is how many complaints one worker evaluates at a time; the
// evidence of a chunk is held until it is written in ID order.
const chunkSize = 4096

// encPool recycles the chunks' evidence buffers (about 3 MB each), which
// would otherwise be most of what scoring allocates.
var encPool = sync.Pool{New: func() any { b := make([]byte, 0, chunkSize*1024); return &b }}

// Score evaluates and aggregates complaints into scorecards (SPEC §1: each
// complaint on its own, in parallel, then the outcomes by unit and period).
// cs is sorted by ID in place if it is not already, so that evidence and ID
// lists come out in a stable order; complaints are not modified otherwise.
func Score(ctx context.Context, cs []connectors.Complaint, opt Options) (*Scores, error) {
	byID := func(a, b connectors.Complaint) int { return strings.Compare(a.ID, b.ID) }
	if !slices.IsSortedFunc(cs, byID) {
		slices.SortFunc(cs, byID)
	}
	return ScoreFeed(ctx, SliceFeed(cs), opt)
}

// Key is what the repeat rule needs of a complaint, read in a light first
// pass; Fields holds the customer identity fields (customers.merge_by).
type Key = connectors.Key

// Feed gives scoring the complaints twice, both times in the same order
// (by ID): first the keys alone, then the complaints whole. A store can
// stream the complaints without holding a million of them in memory.
type Feed interface {
	// Keys returns every complaint's key; Fields may be left out unless
	// withFields.
	Keys(ctx context.Context, withFields bool) ([]Key, error)
	// Complaints calls fn with consecutive runs of the complaints. Scoring
	// holds on to a run until it has judged its complaints, and never
	// modifies them.
	Complaints(ctx context.Context, fn func([]connectors.Complaint) error) error
}

// SliceFeed is a Feed over complaints in memory, already in ID order.
type SliceFeed []connectors.Complaint

// Keys implements Feed.
func (f SliceFeed) Keys(ctx context.Context, withFields bool) ([]Key, error) {
	keys := make([]Key, len(f))
	for i := range f {
		c := &f[i]
		keys[i] = Key{ID: c.ID, Customer: c.Customer, Category: c.Category, Kind: c.Kind, CreatedAt: c.CreatedAt}
		if withFields {
			keys[i].Fields = c.Fields
		}
	}
	return keys, nil
}

// Complaints implements Feed.
func (f SliceFeed) Complaints(ctx context.Context, fn func([]connectors.Complaint) error) error {
	for run := range slices.Chunk(f, 1024) {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := fn(run); err != nil {
			return err
		}
	}
	return nil
}

// ScoreFeed is Score over a Feed: it reads the keys to find repeats and the
// month range, then streams the complaints through the evaluation in
// chunks, so that memory holds the keys and the cells, not the complaints.
func ScoreFeed(ctx context.Context, feed Feed, opt Options) (*Scores, error) {
	e, err := opt.engine()
	if err != nil {
		return nil, err
	}
	if opt.AsOf.IsZero() {
		return nil, fmt.Errorf("scoring: no evaluation instant (as_of): sync or import first, or pass --as-of")
	}
	keys, err := feed.Keys(ctx, len(e.cfg.Customers.MergeBy) > 0)
	if err != nil {
		return nil, err
	}
	marks := e.marks(keys, opt.AsOf)
	a := newAggregate(e, opt)
	a.bounds(keys)
	ids := newIDSums(keys)
	keys = nil // a hundred megabytes at a million complaints, which the GC need not walk
	if err := a.evaluateAll(ctx, feed, ids, marks); err != nil {
		return nil, err
	}
	return a.scores(), nil
}

// idSums stands for the IDs of the first pass in the second, which checks
// that it reads the same complaints in the same order (a sync may commit
// in between): a 64-bit hash each, which holds no pointers.
type idSums struct {
	seed maphash.Seed
	sums []uint64
}

func newIDSums(keys []Key) idSums {
	ids := idSums{seed: maphash.MakeSeed(), sums: make([]uint64, len(keys))}
	for i := range keys {
		ids.sums[i] = maphash.String(ids.seed, keys[i].ID)
	}
	return ids
}

// match reports whether id is the nth ID of the first pass.
func (ids idSums) match(n int, id string) bool {
	return n < len(ids.sums) && ids.sums[n] == maphash.String(ids.seed, id)
}

// aggregate holds cells per unit × month × metric.
type aggregate struct {
	e       *Engine
	opt     Options
	metrics []string
	infos   []Info
	units   []Unit
	unitIdx map[[2]string]int32
	cells   [][]cell // by unit, then (month - lo) × metric; nil for a unit not seen
	// lo and hi bound every month a complaint can fall in (the cells'
	// layout); minMonth and maxMonth are the months that have data.
	lo, hi             monthIndex
	minMonth, maxMonth monthIndex
	orgLoc             *time.Location
	// agentDept is the department of each agent's first complaint in ID
	// order, for the department coefficient.
	agentDept map[string]string
	// kinds counts contacts by month of creation and kind.
	kinds map[string]map[string]int
	// mix counts the complaints that count, for the overview's charts.
	mix mixCounts
	// deptTotals keeps departments' totals by scorecard, period and
	// department, for the goal-completion coefficient.
	deptTotals map[[3]string]float64
	appeals    *appealIndex
	// na says, per kind of unit, which metrics (by index) are not
	// applicable there; metricIdx indexes the metrics by ID (verdict.go).
	na        map[string][]bool
	metricIdx map[string]int
	// sla reconciles the deadline metrics with the source's SLA records
	// (sla.go).
	sla slaAgg
}

func newAggregate(e *Engine, opt Options) *aggregate {
	a := &aggregate{e: e, opt: opt, unitIdx: map[[2]string]int32{}, agentDept: map[string]string{}, kinds: map[string]map[string]int{}, mix: newMixCounts(), deptTotals: map[[3]string]float64{}, appeals: newAppealIndex(opt.Appeals),
		metrics: e.ids, infos: e.infos, orgLoc: e.DefaultCalendar().Location(), na: e.notApplicable(opt.Inputs), metricIdx: map[string]int{}}
	for mi, id := range e.ids {
		a.metricIdx[id] = mi
	}
	a.initSLA()
	return a
}

func (a *aggregate) unit(kind, id string) int32 {
	key := [2]string{kind, id}
	if i, ok := a.unitIdx[key]; ok {
		return i
	}
	i := int32(len(a.units))
	a.unitIdx[key] = i
	a.units = append(a.units, Unit{Kind: kind, ID: id, Name: a.name(kind, id)})
	return i
}

// bounds fixes the months the cells span: from the earliest creation to
// as_of, in whichever calendar zone puts them furthest apart.
func (a *aggregate) bounds(keys []Key) {
	a.minMonth, a.maxMonth = math.MaxInt32, -1 // no data yet
	first := a.opt.AsOf
	for i := range keys {
		if keys[i].CreatedAt.Before(first) {
			first = keys[i].CreatedAt
		}
	}
	a.lo, a.hi = math.MaxInt32, -1
	for _, cal := range a.e.cals {
		a.lo = min(a.lo, monthOf(cal.LocalDate(first)))
		a.hi = max(a.hi, monthOf(cal.LocalDate(a.opt.AsOf)))
	}
}

// placeOne resolves a complaint's units and cohort months. It runs in one
// goroutine, in ID order, so that unit numbers are stable.
func (a *aggregate) placeOne(c *connectors.Complaint) placed {
	var pl placed
	if c.CreatedAt.After(a.opt.AsOf) {
		pl.skip = true
		return pl
	}
	pl.p = a.e.Place(c)
	pl.counts = a.e.Counts(c)
	pl.created = monthOf(pl.p.Calendar.LocalDate(c.CreatedAt))
	kind := c.Kind
	if kind == "" {
		kind = connectors.KindComplaint
	}
	if a.kinds[pl.created.ID()] == nil {
		a.kinds[pl.created.ID()] = map[string]int{}
	}
	a.kinds[pl.created.ID()][kind]++
	pl.resolve = -1
	if !c.ResolvedAt.IsZero() && !c.ResolvedAt.After(a.opt.AsOf) {
		pl.resolve = monthOf(pl.p.Calendar.LocalDate(c.ResolvedAt))
		a.maxMonth = max(a.maxMonth, pl.resolve)
	}
	if pl.counts {
		a.mix.add(pl.created, pl.resolve, pl.p.Team, c.Category, c.Channel)
	}
	if pl.resolve < 0 && pl.counts {
		// Open at as_of: it is in the backlog snapshot of the month that
		// as_of ends (as_of at midnight on the 1st ends the month before).
		a.maxMonth = max(a.maxMonth, monthOf(pl.p.Calendar.LocalDate(a.opt.AsOf.Add(-time.Nanosecond))))
	}
	// The month range covers the months that have data, nothing more:
	// scores.json lists no empty periods.
	a.minMonth = min(a.minMonth, pl.created)
	a.maxMonth = max(a.maxMonth, pl.created)
	pl.units = [4]int32{-1, -1, -1, -1}
	if !pl.counts {
		return pl
	}
	pl.units[0] = a.unit(UnitOrg, "org")
	if pl.p.Department != "" {
		pl.units[1] = a.unit(UnitDepartment, pl.p.Department)
	}
	if pl.p.Team != "" {
		pl.units[2] = a.unit(UnitTeam, pl.p.Team)
	}
	if pl.p.Agent != "" {
		pl.units[3] = a.unit(UnitAgent, pl.p.Agent)
		if _, ok := a.agentDept[pl.p.Agent]; !ok {
			a.agentDept[pl.p.Agent] = pl.p.Department
		}
	}
	return pl
}

// partial is one worker's share of the cells.
type partial struct {
	cells [][]cell
	sla   []SLACounts // the reconciliation's counts (sla.go), nil until one
}

func (a *aggregate) months() int { return int(a.hi-a.lo) + 1 }

func (w *partial) cell(a *aggregate, unit int32, m monthIndex, metric int) *cell {
	for int(unit) >= len(w.cells) {
		w.cells = append(w.cells, nil) // units appear as the stream goes
	}
	row := w.cells[unit]
	if row == nil {
		row = make([]cell, a.months()*len(a.metrics))
		w.cells[unit] = row
	}
	return &row[int(m-a.lo)*len(a.metrics)+metric]
}

// chunkResult carries one chunk's evidence to the in-order writer.
type chunkResult struct {
	index    int
	evidence []*Evidence
	encoded  []byte // evidence.jsonl lines, with EvidenceOut
}

// job is one chunk of complaints on its way to a worker, with what the
// reader learned of them. The complaints are the feed's, or copies with
// appeal corrections applied.
type job struct {
	index  int
	cs     []*connectors.Complaint
	places []placed
	marks  []uint8 // the complaints' bits of the key pass (Engine.marks)
}

// evaluateAll streams the feed's complaints in chunks: one goroutine reads
// them in ID order and places them (units, months), workers on every core
// evaluate the chunks, each summing into its own cells, and one goroutine
// writes the evidence in ID order. At most a few chunks are in memory.
func (a *aggregate) evaluateAll(ctx context.Context, feed Feed, ids idSums, marks []uint8) error {
	workers := runtime.GOMAXPROCS(0)
	jobs := make(chan job, workers)
	results := make(chan chunkResult, workers)
	parts := make([]*partial, workers)
	g, gctx := errgroup.WithContext(ctx)
	// A free list bounds the chunks in flight and reuses their memory.
	free := make(chan job, 2*workers+2)
	for range cap(free) {
		free <- job{cs: make([]*connectors.Complaint, 0, chunkSize), places: make([]placed, 0, chunkSize)}
	}
	g.Go(func() error {
		defer close(jobs)
		i, n := 0, 0
		var cur job
		send := func() error {
			select {
			case jobs <- cur:
			case <-gctx.Done():
				return gctx.Err()
			}
			i++
			cur = job{}
			return nil
		}
		err := feed.Complaints(gctx, func(run []connectors.Complaint) error {
			for k := range run {
				c := &run[k]
				if !ids.match(n, c.ID) {
					return fmt.Errorf("scoring: the complaints changed between the two passes over them (at %s); score again", c.ID)
				}
				if cur.cs == nil {
					select {
					case cur = <-free:
					case <-gctx.Done():
						return gctx.Err()
					}
					cur = job{index: i, cs: cur.cs[:0], places: cur.places[:0], marks: marks[n:n]}
				}
				// What the events after as_of changed is undone before
				// the complaint is placed: its resolution month, assignee,
				// labels and so its team are those at as_of. Scoring at the
				// store's own as_of finds nothing after it, and copies
				// nothing. Appeals correct the complaint as it was then.
				rewind := !c.CreatedAt.After(a.opt.AsOf) && connectors.EventsAfter(c.Events, a.opt.AsOf)
				if rewind || a.appeals.corrects(c.ID) {
					fixed := *c
					if rewind {
						connectors.Rewind(&fixed, a.opt.AsOf)
					}
					a.appeals.correct(&fixed)
					c = &fixed
				}
				cur.cs = append(cur.cs, c)
				cur.places = append(cur.places, a.placeOne(c))
				cur.marks = cur.marks[:len(cur.marks)+1]
				n++
				if len(cur.cs) == chunkSize {
					if err := send(); err != nil {
						return err
					}
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		if n != len(ids.sums) {
			return fmt.Errorf("scoring: the complaints changed between the two passes over them (%d then %d); score again", len(ids.sums), n)
		}
		if cur.cs != nil {
			return send()
		}
		return nil
	})
	evEnc := newEvidenceEncoder(a.metrics)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		part := &partial{}
		parts[w] = part
		wg.Add(1)
		g.Go(func() error {
			defer wg.Done()
			outs := make([]Outcome, len(a.metrics))
			view := new(connectors.Complaint) // reused: one copy per complaint, no allocation
			line := new(Evidence)             // reused for evidence.jsonl, encoded at once
			for jb := range jobs {
				var evs []*Evidence
				var enc []byte
				if a.opt.EvidenceOut != nil {
					enc = (*encPool.Get().(*[]byte))[:0]
				}
				if a.opt.Evidence != nil {
					evs = make([]*Evidence, 0, len(jb.cs))
				}
				for j := range jb.cs {
					if jb.places[j].skip {
						continue
					}
					*view = *jb.cs[j]
					connectors.Rewind(view, a.opt.AsOf) // clears what the source dated after as_of
					switch {
					case a.opt.EvidenceOut != nil:
						a.evaluateOne(part, view, &jb.places[j], jb.marks[j], outs, line)
						enc = evEnc.append(enc, line, outs)
					case a.opt.Evidence != nil:
						ev := new(Evidence)
						a.evaluateOne(part, view, &jb.places[j], jb.marks[j], outs, ev)
						ev.Outcomes = a.e.outcomeMap(outs)
						evs = append(evs, ev)
					default:
						a.evaluateOne(part, view, &jb.places[j], jb.marks[j], outs, nil)
					}
				}
				clear(jb.cs) // drop the references before the chunk is reused
				clear(jb.places)
				free <- job{cs: jb.cs[:0], places: jb.places[:0]}
				select {
				case results <- chunkResult{index: jb.index, evidence: evs, encoded: enc}:
				case <-gctx.Done():
					return gctx.Err()
				}
			}
			// Each worker sorts its own values, so that the sorting runs on
			// every core; the merge below keeps them sorted.
			for _, row := range part.cells {
				for k := range row {
					slices.Sort(row[k].vals)
				}
			}
			return nil
		})
	}
	go func() { wg.Wait(); close(results) }()
	// Write evidence in chunk order; hold chunks that arrive early.
	g.Go(func() error {
		held := map[int]chunkResult{}
		want := 0
		for r := range results {
			held[r.index] = r
			for {
				r, ok := held[want]
				if !ok {
					break
				}
				delete(held, want)
				want++
				if a.opt.EvidenceOut != nil {
					if _, err := a.opt.EvidenceOut.Write(r.encoded); err != nil {
						return err
					}
					buf := r.encoded[:0]
					encPool.Put(&buf)
				}
				for _, ev := range r.evidence {
					if err := a.opt.Evidence(ev); err != nil {
						return err
					}
				}
			}
		}
		return nil
	})
	if err := g.Wait(); err != nil {
		return err
	}
	// Sum the workers' cells; the values stay sorted by merging.
	a.cells = make([][]cell, len(a.units))
	for _, part := range parts {
		for u, row := range part.cells {
			if row == nil {
				continue
			}
			if a.cells[u] == nil {
				a.cells[u] = row
				continue
			}
			for k := range row {
				dst, src := &a.cells[u][k], &row[k]
				vals := mergeSorted(dst.vals, src.vals)
				src.vals, dst.vals = nil, nil
				dst.merge(src)
				dst.vals = vals
			}
		}
	}
	a.mergeSLA(parts)
	return nil
}

// evaluateOne judges one complaint and adds its outcomes to part; it fills
// ev, when not nil, with the complaint's evidence line but its outcomes
// (those are outs).
func (a *aggregate) evaluateOne(part *partial, c *connectors.Complaint, pl *placed, marks uint8, outs []Outcome, ev *Evidence) {
	if pl.counts {
		a.e.evaluate(c, pl.p, a.opt.AsOf, marks, a.opt.Reasons, outs)
		a.appeals.exclude(c.ID, a.metrics, outs)
	} else {
		o := excluded(reason.KindNotCounted, reason.Term(c.Kind)) // one reason shared by the complaint's outcomes
		for i := range outs {
			outs[i] = o
			if a.infos[i].Cohort == CohortInput {
				outs[i] = Outcome{}
			}
		}
	}
	if ev != nil {
		kind := c.Kind
		if kind == "" {
			kind = connectors.KindComplaint
		}
		periods := ev.Periods
		if periods == nil {
			periods = make(map[string]string, 3)
		}
		clear(periods)
		periods[CohortCreated] = pl.created.ID()
		if pl.resolve >= 0 {
			periods[CohortResolved] = pl.resolve.ID()
		}
		*ev = Evidence{ID: c.ID, Key: c.Key, URL: c.URL, Title: c.Title, Kind: kind, Agent: pl.p.Agent, Team: pl.p.Team,
			Department: pl.p.Department, Periods: periods,
			Category: c.Category, Channel: c.Channel, Priority: c.Priority, Created: c.CreatedAt.UTC(), Resolved: c.ResolvedAt.UTC()}
	}
	if !pl.counts {
		return
	}
	a.reconcile(part, c, pl, outs)
	for mi := range a.metrics {
		var m monthIndex
		switch a.infos[mi].Cohort {
		case CohortCreated:
			m = pl.created
		case CohortResolved:
			if pl.resolve < 0 {
				continue
			}
			m = pl.resolve
		case CohortSnapshot:
			if outs[mi].Result == Excluded {
				continue // an accepted appeal took it out of every snapshot
			}
			var first, last monthIndex
			outs[mi], first, last = a.snapshots(part, c, pl, mi)
			if ev != nil && first >= 0 {
				ev.Periods[CohortSnapshot] = first.ID() + ".." + last.ID()
			}
			continue
		default:
			continue
		}
		for _, u := range pl.units {
			if u >= 0 {
				part.cell(a, u, m, mi).add(&outs[mi], c.ID, a.opt.IDs)
			}
		}
	}
}

// snapshots adds a complaint's outcomes at the month ends it is in the
// snapshot of, as its snapshot metric judges them (snapshotter), to its
// units' cells. It returns the outcome for the evidence and the first and
// last months (-1 when none).
func (a *aggregate) snapshots(part *partial, c *connectors.Complaint, pl *placed, mi int) (Outcome, monthIndex, monthIndex) {
	x := Context{AsOf: a.opt.AsOf, Calendar: pl.p.Calendar, Settings: a.e.set, Paused: a.e.paused(c, a.opt.AsOf)}
	first, last := monthIndex(-1), monthIndex(-1)
	o := a.e.metrics[mi].(snapshotter).snapshots(c, &x, pl.created, a.hi, func(m monthIndex, o *Outcome) {
		if first < 0 {
			first = m
		}
		last = m
		for _, u := range pl.units {
			if u >= 0 {
				part.cell(a, u, m, mi).add(o, c.ID, a.opt.IDs)
			}
		}
	})
	return o, first, last
}

// unitResults returns unit u's metric results for period p (months
// [first, end)), or nil when no complaint of the period concerns it; buf is
// the caller's scratch space for rollups.
func (a *aggregate) unitResults(u int, p Period, first, end monthIndex, months []string, buf *[]float64) map[string]MetricResult {
	results := make(map[string]MetricResult, len(a.metrics))
	any := false
	for mi, id := range a.metrics {
		var sum cell
		sum, *buf = a.rollup(int32(u), mi, first, end, *buf)
		if sum.n+sum.pending+sum.excluded > 0 {
			any = true
		}
		r := a.result(a.infos[mi], &sum)
		if f, ok := a.e.metrics[mi].(finisher); ok {
			f.finish(&r, a.units[u], p, months, a.opt.Inputs, a.e.cfg.Inputs.Volume)
		}
		if na := a.na[a.units[u].Kind]; na != nil && na[mi] {
			r.Status = StatusNotApplicable // verdict.go
		}
		intervals(a.infos[mi], &r, sum.vals) // confidence.go
		results[id] = r
	}
	if !any {
		return nil
	}
	a.extras(results)
	return results
}

// extras fills the extra keys of the metrics whose Info names them
// (Info.Extra): copies of other metrics' values, never computed apart.
func (a *aggregate) extras(results map[string]MetricResult) {
	for mi, info := range a.infos {
		if info.Extra == nil {
			continue
		}
		id := a.metrics[mi]
		r, ok := results[id]
		if !ok {
			continue
		}
		r.Extra = map[string]float64{}
		for key, from := range info.Extra {
			if v := results[from].Value; v != nil {
				r.Extra[key] = *v
			}
		}
		results[id] = r
	}
}

// rollup sums a unit's month cells of one metric over [first, end): counts
// add, and the sorted values of the months are merged into one sorted
// slice (buf is reused between calls).
func (a *aggregate) rollup(u int32, mi int, first, end monthIndex, buf []float64) (cell, []float64) {
	var sum cell
	row := a.cells[u]
	if row == nil {
		return sum, buf
	}
	first, end = max(first, a.lo), min(end, a.hi+1)
	if a.infos[mi].Cohort == CohortSnapshot {
		// A snapshot period is its last month's snapshot.
		if end <= first {
			return sum, buf
		}
		return row[int(end-1-a.lo)*len(a.metrics)+mi], buf
	}
	if end-first == 1 {
		return row[int(first-a.lo)*len(a.metrics)+mi], buf
	}
	buf = buf[:0]
	for m := first; m < end; m++ {
		c := &row[int(m-a.lo)*len(a.metrics)+mi]
		vals := c.vals
		c2 := *c
		c2.vals = nil
		sum.merge(&c2)
		buf = mergeSorted(buf, vals)
	}
	sum.vals = buf
	return sum, buf
}

// mergeSorted merges sorted b into sorted a, in place at a's end.
func mergeSorted(a, b []float64) []float64 {
	if len(b) == 0 {
		return a
	}
	n := len(a)
	a = append(a, b...)
	if n == 0 || a[n-1] <= b[0] {
		return a
	}
	// Merge from the back so that no second buffer is needed.
	i, j, k := n-1, len(b)-1, len(a)-1
	for j >= 0 {
		if i >= 0 && a[i] > b[j] {
			a[k] = a[i]
			i--
		} else {
			a[k] = b[j]
			j--
		}
		k--
	}
	return a
}

// scores rolls months up into every configured period and builds the
// scorecards.
func (a *aggregate) scores() *Scores {
	s := &Scores{Schema: Schema, AsOf: a.opt.AsOf.UTC(), Versions: map[string]string{}, Scorecards: []Scorecard{}, Stars: []Star{}, Periods: []Period{}, Kinds: a.kinds, Mix: a.mix.result(), Weights: []WeightsInForce{}}
	s.SLAReconciliation = a.slaReconciliation()
	if len(a.units) == 0 || a.maxMonth < a.minMonth {
		return s
	}
	a.durationHistograms(&s.Mix)
	last := min(a.maxMonth, monthOf(calendar.DateOf(a.opt.AsOf.In(a.orgLoc))))
	seen := map[string]bool{}
	var periods []Period
	for m := a.minMonth; m <= last; m++ {
		for _, kind := range a.e.cfg.Periods {
			p := periodOf(kind, m, a.orgLoc)
			p.Partial = p.End.After(a.opt.AsOf) // not complete at as_of: grades are provisional
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

	// Results by unit and period, for rules that compare with the previous
	// period (change, bonus); periods are in order, so it is always there.
	done := map[[2]string]map[string]MetricResult{}
	workers := runtime.GOMAXPROCS(0)
	bufs := make([][]float64, workers)
	unitResults := make([]map[string]MetricResult, len(unitOrder))
	for _, p := range periods {
		inForce := a.e.scorecardsInForce(p.Start)
		var vs []string
		for _, si := range inForce {
			sc := a.e.cfg.Scorecards[si]
			vs = append(vs, sc.ID+"@"+cmp.Or(sc.EffectiveFrom, "start"))
		}
		s.Versions[p.ID] = strings.Join(vs, ",")
		primary := primaries(a.e.cfg, inForce) // unit kind → the scorecard that decides the grade
		first := monthOf(calendar.DateOf(p.Start.In(a.orgLoc)))
		end := monthOf(calendar.DateOf(p.End.In(a.orgLoc)))
		var months []string
		for m := first; m < end; m++ {
			months = append(months, m.ID())
		}
		prevID := periodOf(p.Kind, first-1, a.orgLoc).ID
		// The units' metrics, on every core (rollups merge sorted values):
		// unitResults[i] is unitOrder[i]'s, nil when it has no data.
		var wg sync.WaitGroup
		for w := range workers {
			wg.Go(func() {
				for i := w; i < len(unitOrder); i += workers {
					unitResults[i] = a.unitResults(unitOrder[i], p, first, end, months, &bufs[w])
				}
			})
		}
		wg.Wait()
		var present []int // units with data in the period, in order
		for i, u := range unitOrder {
			if unitResults[i] == nil {
				continue
			}
			done[[2]string{a.units[u].Key(), p.ID}] = unitResults[i]
			present = append(present, u)
		}
		// Weights may depend on the period's data (entropy across the
		// units of a kind), so they are set once all units are in.
		for _, si := range inForce {
			sc := a.e.cfg.Scorecards[si]
			byKind := map[string][]map[string]MetricResult{}
			for _, u := range present {
				if k := a.units[u].Kind; slices.Contains(sc.Units, k) {
					byKind[k] = append(byKind[k], done[[2]string{a.units[u].Key(), p.ID}])
				}
			}
			kindWeights := map[string]map[string]float64{}
			for _, kind := range []string{UnitOrg, UnitDepartment, UnitTeam, UnitAgent} {
				if rows := byKind[kind]; len(rows) > 0 {
					w := a.e.weightsFor(si, rows)
					w.Scorecard, w.Period, w.UnitKind = sc.ID, p.ID, kind
					a.dropNotApplicable(&w, sc)
					s.Weights = append(s.Weights, w)
					kindWeights[kind] = w.Weights
				}
			}
			for _, u := range present {
				key := a.units[u].Key()
				if w, ok := kindWeights[a.units[u].Kind]; ok {
					card := a.scorecard(sc, p, a.units[u], done[[2]string{key, p.ID}], done[[2]string{key, prevID}], w)
					card.Secondary = primary[a.units[u].Kind] != sc.ID
					s.Scorecards = append(s.Scorecards, card)
				}
			}
		}
	}
	reaches := a.confidence(s, done) // borderline grades (confidence.go)
	s.Stars = stars(s, a.e.cfg, reaches)
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
		if info.Cohort == CohortSnapshot {
			// Backlog: the numerator is the part past its deadline.
			r.Numerator = float64(c.hit)
		}
	case ValueDuration, ValueScore:
		r.Numerator, r.Denominator = c.sum, float64(c.n)
		if c.n > 0 {
			r.Value = ptr(c.sum / float64(c.n))
			med, p90 := a.e.set.quantiles(c.vals)
			r.Median, r.P90 = ptr(med), ptr(p90)
			if info.Wall && !a.e.set.Wall {
				r.Wall = ptr(c.wall / float64(c.n))
			}
		}
	}
	minSample := a.e.cfg.Metrics.MinSample
	if n, ok := a.e.cfg.Metrics.MinSampleBy[info.ID]; ok {
		minSample = n
	}
	if info.Value != ValueCount && r.Denominator < float64(minSample) {
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
	r.Wall = roundPtr(r.Wall)
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

// name is a unit's name in scores.json: the config's name, else its
// English name. Scoring does not read the site's language; the site and
// the summary name units in their reader's language themselves.
func (a *aggregate) name(kind, id string) string {
	cfg := a.e.cfg
	pick := cmp.Or[string]
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

// mixCounts gathers Mix while the complaints stream by, keyed by month
// index rather than month ID: it runs once a complaint, on the goroutine
// that places them.
type mixCounts struct {
	created, resolved  map[monthIndex]int
	categories, channs map[mixKey]int
	teams              map[teamMixKey]int
}

type mixKey struct {
	month monthIndex
	value string
}

type teamMixKey struct {
	team string
	mixKey
}

func newMixCounts() mixCounts {
	return mixCounts{created: map[monthIndex]int{}, resolved: map[monthIndex]int{}, categories: map[mixKey]int{}, channs: map[mixKey]int{},
		teams: map[teamMixKey]int{}}
}

// add counts a complaint of team created in month created and finally
// resolved in month resolved (-1: not resolved).
func (m *mixCounts) add(created, resolved monthIndex, team, category, channel string) {
	m.created[created]++
	if resolved >= 0 {
		m.resolved[resolved]++
	}
	m.categories[mixKey{created, category}]++
	m.channs[mixKey{created, channel}]++
	if team != "" {
		m.teams[teamMixKey{team, mixKey{created, category}}]++
	}
}

func (m *mixCounts) result() Mix {
	mix := Mix{Categories: map[string]map[string]int{}, Channels: map[string]map[string]int{}, Created: map[string]int{}, Resolved: map[string]int{}}
	for k, n := range m.created {
		mix.Created[k.ID()] = n
	}
	for k, n := range m.resolved {
		mix.Resolved[k.ID()] = n
	}
	for into, from := range map[*map[string]map[string]int]map[mixKey]int{&mix.Categories: m.categories, &mix.Channels: m.channs} {
		for k, n := range from {
			if (*into)[k.month.ID()] == nil {
				(*into)[k.month.ID()] = map[string]int{}
			}
			(*into)[k.month.ID()][k.value] = n
		}
	}
	if len(m.teams) > 0 {
		mix.TeamCategories = map[string]map[string]map[string]int{}
	}
	for k, n := range m.teams {
		byMonth := mix.TeamCategories[k.team]
		if byMonth == nil {
			byMonth = map[string]map[string]int{}
			mix.TeamCategories[k.team] = byMonth
		}
		if byMonth[k.month.ID()] == nil {
			byMonth[k.month.ID()] = map[string]int{}
		}
		byMonth[k.month.ID()][k.value] = n
	}
	return mix
}

// DurationBuckets are the upper bounds, in seconds of business time, of the
// histogram buckets of Mix.Durations; the last bucket has none.
var DurationBuckets = []float64{3600, 2 * 3600, 4 * 3600, 8 * 3600, 24 * 3600, 48 * 3600}

// durationHistograms counts the organization's measured durations (first
// response, handling, custom durations) by month into DurationBuckets, from
// the values its cells keep for the median and p90.
func (a *aggregate) durationHistograms(mix *Mix) {
	org, ok := a.unitIdx[[2]string{UnitOrg, "org"}]
	if !ok || a.cells[org] == nil {
		return
	}
	mix.Buckets = DurationBuckets
	mix.Durations = map[string]map[string][]int{}
	for mi, info := range a.infos {
		if info.Value != ValueDuration {
			continue
		}
		for m := a.minMonth; m <= a.maxMonth; m++ {
			if m < a.lo || m > a.hi {
				continue
			}
			vals := a.cells[org][int(m-a.lo)*len(a.metrics)+mi].vals
			if len(vals) == 0 {
				continue
			}
			counts := make([]int, len(DurationBuckets)+1)
			for _, v := range vals {
				b, _ := slices.BinarySearch(DurationBuckets, v)
				if b < len(DurationBuckets) && v == DurationBuckets[b] {
					b++ // a bucket's bound belongs to the next one: [lo, hi)
				}
				counts[b]++
			}
			if mix.Durations[info.ID] == nil {
				mix.Durations[info.ID] = map[string][]int{}
			}
			mix.Durations[info.ID][m.ID()] = counts
		}
	}
}
