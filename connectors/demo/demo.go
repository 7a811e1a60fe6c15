package demo

import (
	"context"
	"fmt"
	"runtime"
	"strconv"
	"sync"
	"time"

	"github.com/kpidesk/kpidesk/connectors"
)

// Defaults of Options.
const (
	DefaultSeed   = 1
	DefaultSize   = 60000
	DefaultMonths = 18
)

// DefaultStart is the default first instant of the demo period.
var DefaultStart = time.Date(2025, 1, 1, 0, 0, 0, 0, cst)

// BatchSize is the number of complaints in one emitted batch.
const BatchSize = 5000

// cursorDone is the cursor after the last complaint.
const cursorDone = "done"

// Options configures the generator. Zero values take the defaults.
type Options struct {
	Seed   uint64    // default 1 (0 means the default)
	Size   int       // number of contacts, default 60000
	Start  time.Time // default 2025-01-01T00:00:00+08:00
	Months int       // default 18, so the data ends 2026-07-01T00:00+08:00
}

// Source generates the demo data. It implements connectors.Source; it is
// safe for concurrent use, each Fetch being independent.
type Source struct {
	seed       uint64
	size       int
	start, end int64 // unix seconds
	asOf       time.Time
	pool       int // customers in the pool
	cal        *calendar
	arr        *arrivals
}

// New returns a demo source for opt.
func New(opt Options) *Source {
	if opt.Seed == 0 {
		opt.Seed = DefaultSeed
	}
	if opt.Size <= 0 {
		opt.Size = DefaultSize
	}
	if opt.Start.IsZero() {
		opt.Start = DefaultStart
	}
	if opt.Months <= 0 {
		opt.Months = DefaultMonths
	}
	end := opt.Start.AddDate(0, opt.Months, 0)
	s := &Source{
		seed:  opt.Seed,
		size:  opt.Size,
		start: opt.Start.Unix(),
		end:   end.Unix(),
		asOf:  end.UTC(),
		// About half as many customers as contacts: most customers write once
		// or twice in 18 months, and chance repeats stay rare.
		pool: max(1000, opt.Size/2),
	}
	// Keep working days well past the end: replies and resolutions that
	// fall after it are generated and then cut, as a real export would be.
	endDay := int((s.end-s.start)/daySec) + 1
	s.cal = newCalendar(opt.Start, endDay+400)
	s.cal.planDays(s.seed, endDay)
	s.arr = newArrivals(s.cal, s.start, s.end)
	return s
}

// Name returns "demo".
func (s *Source) Name() string { return "demo" }

// AsOf returns the end of the demo period: the data is complete up to it.
func (s *Source) AsOf() time.Time { return s.asOf }

// Fetch generates complaints from the index in cursor ("" is 0) to the end,
// in batches of BatchSize. Each batch's Cursor is the index of the next
// complaint, or "done" after the last; fetching from a cursor yields exactly
// the tail of a full fetch. Only the batch being emitted is held in memory.
func (s *Source) Fetch(ctx context.Context, cursor string, emit func(connectors.Batch) error) error {
	next, err := s.parseCursor(cursor)
	if err != nil {
		return err
	}
	workers := runtime.GOMAXPROCS(0)
	gens := make([]*gen, workers)
	for w := range gens {
		gens[w] = newGen(s)
	}
	for next < s.size {
		if err := ctx.Err(); err != nil {
			return err
		}
		end := min(next+BatchSize, s.size)
		b := connectors.Batch{
			Complaints: make([]connectors.Complaint, end-next),
			Cursor:     strconv.Itoa(end),
			AsOf:       s.asOf,
			Done:       end,
			Total:      s.size,
		}
		if end == s.size {
			b.Cursor = cursorDone
		}
		s.generate(gens, next, b.Complaints)
		if err := emit(b); err != nil {
			return err
		}
		next = end
	}
	return nil
}

func (s *Source) parseCursor(cursor string) (int, error) {
	switch cursor {
	case "":
		return 0, nil
	case cursorDone:
		return s.size, nil
	}
	n, err := strconv.Atoi(cursor)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("demo: parse cursor %q: want a complaint index or %q", cursor, cursorDone)
	}
	return min(n, s.size), nil
}

// generate fills out with complaints first, first+1, … using the workers in
// parallel; each complaint depends only on its index.
func (s *Source) generate(gens []*gen, first int, out []connectors.Complaint) {
	n := len(out)
	workers := min(len(gens), (n+255)/256)
	if workers <= 1 {
		for k := range out {
			gens[0].complaint(first+k, &out[k])
		}
		return
	}
	var wg sync.WaitGroup
	chunk := (n + workers - 1) / workers
	for w := range workers {
		lo, hi := w*chunk, min((w+1)*chunk, n)
		g := gens[w]
		wg.Go(func() {
			for k := lo; k < hi; k++ {
				g.complaint(first+k, &out[k])
			}
		})
	}
	wg.Wait()
}
