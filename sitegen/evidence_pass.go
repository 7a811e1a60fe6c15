package sitegen

import (
	"cmp"
	"encoding/binary"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/kpidesk/kpidesk/scoring"
)

// The evidence pass (drill.go readEvidence) in three stages, so that the
// work of a line that touches nothing shared runs on every core:
//
//   - the caller of Options.Evidence only batches the lines it is handed;
//   - workers make each line's drill-down records and their spill bytes,
//     and count pages' rows and complaints in tallies of their own (sums,
//     whatever the order);
//   - one consumer takes the batches in evidence order and does what
//     needs that order: facts.add and the spill files' writes.
//
// Lines are used after fn returns: scoring.ReadEvidence, which feeds
// Options.Evidence in a build, never reuses one (its doc says so), and
// neither do the tests' fixtures.

// passBatchLines is the lines of one batch: enough that the channels cost
// nothing per line, few enough that a batch fits in a core's cache.
const passBatchLines = 256

// passMetric is what the pass needs of a metric some drill-down page
// lists, worked out once rather than per outcome.
type passMetric struct {
	idx      int // in passPlan.metrics
	info     scoring.Info
	snapshot bool // a backlog-like metric, whose outcome is the month's (Evidence.In)
}

// passPage is a drill-down page as the workers see it.
type passPage struct {
	page  *drillPage
	idx   int    // in passPlan.pages
	key   string // its unit's key, as drillRec.Pages holds it
	month string
	cols  []int // per passMetric.idx, the page's column, or -1
}

// passPlan indexes the drill-down pages for the workers; it is read-only
// while they run.
type passPlan struct {
	metrics map[string]*passMetric
	pages   []*passPage
	agents  map[string]map[string]*passPage // agent ID → month → page
	teams   map[string]map[string]*passPage // team ID → month → page
}

func (s *site) newPassPlan() *passPlan {
	pl := &passPlan{metrics: map[string]*passMetric{},
		agents: map[string]map[string]*passPage{}, teams: map[string]map[string]*passPage{}}
	// In a fixed order, so that indexes do not depend on map order.
	keys := make([]drillKey, 0, len(s.drill))
	for k := range s.drill {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b drillKey) int {
		return cmp.Or(strings.Compare(a.unit, b.unit), strings.Compare(a.month, b.month))
	})
	for _, k := range keys {
		for _, id := range s.drill[k].metrics {
			if pl.metrics[id] == nil {
				info := s.metric(id)
				pl.metrics[id] = &passMetric{idx: len(pl.metrics), info: info, snapshot: info.Cohort == scoring.CohortSnapshot}
			}
		}
	}
	for _, k := range keys {
		p := s.drill[k]
		u := p.unit
		if s.units[k.unit] == nil {
			continue
		}
		var by map[string]map[string]*passPage
		switch {
		case u.Kind == scoring.UnitAgent && k.unit == u.Key():
			by = pl.agents
		case u.Kind == scoring.UnitTeam && k.unit == u.Key():
			by = pl.teams
		default:
			continue
		}
		pp := &passPage{page: p, idx: len(pl.pages), key: k.unit, month: k.month, cols: make([]int, len(pl.metrics))}
		for i := range pp.cols {
			pp.cols[i] = -1
		}
		for i, id := range p.metrics {
			pp.cols[pl.metrics[id].idx] = i
		}
		pl.pages = append(pl.pages, pp)
		if by[u.ID] == nil {
			by[u.ID] = map[string]*passPage{}
		}
		by[u.ID][k.month] = pp
	}
	return pl
}

// passLine is one evidence line after the workers.
type passLine struct {
	e      *scoring.Evidence
	recs   map[string]*drillRec // by month; nil for none
	months []string             // recs' months, sorted: the order they are spilled in
	lo, hi int                  // their spill records, in batch.spill
}

type passBatch struct {
	lines []passLine
	spill []byte
	done  chan struct{}
}

// passWorker is one worker's state: its tallies, summed into the pages
// when the pass ends, and its caches.
type passWorker struct {
	plan       *passPlan
	counts     [][]int // by page, by column: complaints counted (see counted)
	rows       []int   // by page: complaints listed
	agentTeams map[string]map[string]int
	months     map[string][]string // cohortMonths by evidence period
	ents       []passEntry
	touched    []*passPage
}

// passEntry is one outcome of a line on one page.
type passEntry struct {
	unit   int // 0 agent, 1 team
	page   *passPage
	metric string
	col    int
	out    scoring.Outcome
}

func newPassWorker(pl *passPlan) *passWorker {
	w := &passWorker{plan: pl, counts: make([][]int, len(pl.pages)), rows: make([]int, len(pl.pages)),
		agentTeams: map[string]map[string]int{}, months: map[string][]string{}}
	for i, p := range pl.pages {
		w.counts[i] = make([]int, len(p.page.metrics))
	}
	return w
}

// cohortMonths is cohortMonths, remembered: the lines share few periods.
func (w *passWorker) cohortMonths(p string) []string {
	ms, ok := w.months[p]
	if !ok {
		ms = cohortMonths(p)
		w.months[p] = ms
	}
	return ms
}

// line makes the drill-down records of one line and appends their spill
// records to b.spill; it follows what readEvidence did line by line
// before the pass ran on several cores.
func (w *passWorker) line(b *passBatch, l *passLine) {
	e := l.e
	if e.Agent != "" && e.Team != "" {
		m := w.agentTeams[e.Agent]
		if m == nil {
			m = map[string]int{}
			w.agentTeams[e.Agent] = m
		}
		m[e.Team]++
	}
	var units [2]map[string]*passPage
	if e.Agent != "" {
		units[0] = w.plan.agents[e.Agent]
	}
	if e.Team != "" {
		units[1] = w.plan.teams[e.Team]
	}
	if units[0] == nil && units[1] == nil {
		return
	}
	ents := w.ents[:0]
	for metric, o := range e.Outcomes {
		pm := w.plan.metrics[metric]
		if pm == nil {
			continue // no page lists it
		}
		for _, month := range w.cohortMonths(e.Periods[pm.info.Cohort]) {
			out, done := o, false
			for ui, u := range units {
				p := u[month]
				if p == nil || p.cols[pm.idx] < 0 {
					continue
				}
				if pm.snapshot && !done {
					// The month's backlog: past its deadline at that
					// month's end or not, as explain says (Evidence.In),
					// rather than the line's summary over every month.
					if so, ok := e.In(pm.info, scoring.MonthSpan(scoring.Period{ID: month})); ok {
						out = so
					}
					done = true
				}
				ents = append(ents, passEntry{unit: ui, page: p, metric: metric, col: p.cols[pm.idx], out: out})
			}
		}
	}
	w.ents = ents
	if len(ents) == 0 {
		return
	}
	// The pages the line is on, agent's before team's: the order of
	// drillRec.Pages.
	touched := w.touched[:0]
	for ui := range units {
		for _, en := range ents {
			if en.unit == ui && !slices.Contains(touched, en.page) {
				touched = append(touched, en.page)
			}
		}
	}
	w.touched = touched
	for _, p := range touched {
		// A complaint every metric of the page excluded (a suggestion,
		// say) is behind none of its values: leave it out.
		kept, n := false, 0
		for _, en := range ents {
			if en.page != p {
				continue
			}
			n++
			if en.out.Result != scoring.Excluded {
				kept = true
			}
			if counted(en.out) {
				w.counts[p.idx][en.col]++
			}
		}
		if !kept {
			continue
		}
		w.rows[p.idx]++
		if l.recs == nil {
			l.recs = map[string]*drillRec{}
		}
		r := l.recs[p.month]
		if r == nil {
			r = &drillRec{Team: e.Team, ID: e.ID, Key: e.Key, Title: e.Title, URL: e.URL,
				Created: e.Periods[scoring.CohortCreated], Resolved: e.Periods[scoring.CohortResolved],
				At: unixMilli(e.Created), Done: unixMilli(e.Resolved),
				Priority: e.Priority, Channel: e.Channel, Category: e.Category,
				Agent: e.Agent, Out: make(map[string]scoring.Outcome, n)}
			l.recs[p.month] = r
			l.months = append(l.months, p.month)
		}
		for _, en := range ents {
			if en.page == p {
				r.Out[en.metric] = en.out
			}
		}
		r.Pages = append(r.Pages, p.key)
	}
	slices.Sort(l.months)
	l.lo = len(b.spill)
	for _, m := range l.months {
		b.spill = appendRec(b.spill, l.recs[m])
	}
	l.hi = len(b.spill)
}

// merge adds the worker's tallies to the pages' and its agents' teams to
// agentTeams.
func (w *passWorker) merge(agentTeams map[string]map[string]int) {
	for i, p := range w.plan.pages {
		p.page.rows += w.rows[i]
		for c, n := range w.counts[i] {
			if n > 0 {
				p.page.counts[p.page.metrics[c]] += n
			}
		}
	}
	for a, teams := range w.agentTeams {
		m := agentTeams[a]
		if m == nil {
			agentTeams[a] = teams
			continue
		}
		for t, n := range teams {
			m[t] += n
		}
	}
}

// evidencePass runs the stages; feed is called with each line in
// evidence order (Options.Evidence's fn) and finish once after the last.
type evidencePass struct {
	s       *site
	plan    *passPlan
	workers []*passWorker
	work    chan *passBatch
	ordered chan *passBatch
	free    chan *passBatch // batches the consumer is done with, for reuse
	quit    chan struct{}   // closed when the consumer fails
	wg      sync.WaitGroup
	cur     *passBatch
	err     error // the consumer's, read after quit is closed
	closed  bool
}

// startEvidencePass starts the workers and the consumer, which hands each
// line to consume in evidence order.
func (s *site) startEvidencePass(consume func(l *passLine, spill []byte) error) *evidencePass {
	n := runtime.GOMAXPROCS(0)
	ep := &evidencePass{s: s, plan: s.newPassPlan(), work: make(chan *passBatch, n), ordered: make(chan *passBatch, 4*n),
		free: make(chan *passBatch, 6*n), quit: make(chan struct{})}
	for range n {
		w := newPassWorker(ep.plan)
		ep.workers = append(ep.workers, w)
		ep.wg.Add(1)
		go func() {
			defer ep.wg.Done()
			for b := range ep.work {
				for i := range b.lines {
					w.line(b, &b.lines[i])
				}
				close(b.done)
			}
		}()
	}
	ep.wg.Add(1)
	go func() {
		defer ep.wg.Done()
		failed := false
		for b := range ep.ordered {
			if failed {
				// Drain, so that nothing blocks; b may never reach a
				// worker.
				continue
			}
			<-b.done
			for i := range b.lines {
				l := &b.lines[i]
				if err := consume(l, b.spill[l.lo:l.hi]); err != nil {
					ep.err, failed = err, true
					close(ep.quit)
					break
				}
			}
			// The spill bytes are written and the lines handed on:
			// the batch's buffers can take another batch.
			clear(b.lines)
			b.lines, b.spill, b.done = b.lines[:0], b.spill[:0], make(chan struct{})
			select {
			case ep.free <- b:
			default:
			}
		}
	}()
	return ep
}

// feed takes the next line; it returns the consumer's error once there
// is one, which stops the evidence.
func (ep *evidencePass) feed(e *scoring.Evidence) error {
	if ep.cur == nil {
		select {
		case ep.cur = <-ep.free:
		default:
			ep.cur = &passBatch{lines: make([]passLine, 0, passBatchLines), done: make(chan struct{})}
		}
	}
	ep.cur.lines = append(ep.cur.lines, passLine{e: e})
	if len(ep.cur.lines) == passBatchLines {
		return ep.send()
	}
	return nil
}

func (ep *evidencePass) send() error {
	b := ep.cur
	ep.cur = nil
	select {
	case ep.ordered <- b:
	case <-ep.quit:
		return ep.err
	}
	select {
	case ep.work <- b:
	case <-ep.quit:
		// The consumer waits for no more batches; b's done is never
		// needed.
		return ep.err
	}
	return nil
}

// finish sends what is left, waits for the stages and adds up the
// workers' tallies; it returns the consumer's error.
func (ep *evidencePass) finish(agentTeams map[string]map[string]int) error {
	if ep.closed {
		return ep.err
	}
	ep.closed = true
	var err error
	if ep.cur != nil && len(ep.cur.lines) > 0 {
		err = ep.send()
	}
	close(ep.work)
	close(ep.ordered)
	ep.wg.Wait()
	for _, w := range ep.workers {
		w.merge(agentTeams)
	}
	if ep.err != nil {
		return ep.err
	}
	return err
}

// spillRecords calls fn with each record of a line's spill bytes, which
// hold one record per month of l.months, in that order.
func spillRecords(l *passLine, b []byte, fn func(month string, rec []byte) error) error {
	for _, m := range l.months {
		n := 4 + int(binary.LittleEndian.Uint32(b))
		if err := fn(m, b[:n]); err != nil {
			return err
		}
		b = b[n:]
	}
	return nil
}
