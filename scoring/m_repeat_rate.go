package scoring

import (
	"cmp"
	"hash/maphash"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/kpidesk/kpidesk/connectors"
	"github.com/kpidesk/kpidesk/internal/reason"
)

func init() { register(repeatRate{}) }

// repeatRate judges each complaint against the earlier ones of its
// customer in a key pass (keyJudge), before any complaint is evaluated;
// Evaluate reads the mark as Context.Marked.
type repeatRate struct{}

func (repeatRate) Info() Info {
	return Info{ID: "repeat_rate", Name: "重复投诉率", NameEN: "Repeat complaints", Value: ValueRate, Cohort: CohortCreated,
		Help:      "同一客户在窗口期（默认 30 天）内就同一类别再次投诉的占比。",
		HelpEN:    "Share of complaints whose customer already complained about the same category within the window (default 30 days).",
		Reference: "001, 002"}
}

func (repeatRate) Evaluate(c *connectors.Complaint, x *Context) Outcome {
	if c.Customer == "" {
		return excluded(reason.NoCustomer)
	}
	if x.Marked {
		return hit(x, func() reason.Reason {
			return reason.New(reason.Repeat, reason.Quoted(c.Category), reason.Text(x.Settings.RepeatWindowText))
		})
	}
	return miss(x, func() reason.Reason {
		return reason.New(reason.NoRepeat, reason.Quoted(c.Category), reason.Text(x.Settings.RepeatWindowText))
	})
}

// judgeKeys marks, for each complaint that counts, whether the same
// customer complained about the same category 0 < Δ ≤ window before (SPEC
// §13.9), in any team; customers are merged across channels first when
// config says how. Complaints created after asOf do not exist yet. It
// walks the complaints in time order keeping, per customer and category,
// the latest creation time and the latest one strictly before it (for
// ties).
func (repeatRate) judgeKeys(e *Engine, keys []Key, asOf time.Time) []bool {
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
