package scoring

import (
	"sort"
	"time"

	"github.com/kpidesk/kpidesk/connectors"
	"github.com/kpidesk/kpidesk/internal/reason"
	"github.com/kpidesk/kpidesk/scoring/calendar"
)

// Metric judges one complaint. Evaluate must not keep c or x; it is called
// concurrently for different complaints.
type Metric interface {
	Info() Info
	Evaluate(c *connectors.Complaint, x *Context) Outcome
}

// keyJudge is a metric that judges each complaint against the others
// before any complaint is evaluated, from the keys alone (who complained,
// about what, when): repeat_rate. It returns a mark per key, in key order,
// which reaches its Evaluate as Context.Marked. The engine runs every such
// metric's pass (Engine.marks) and names none.
type keyJudge interface {
	judgeKeys(e *Engine, keys []Key, asOf time.Time) []bool
}

// Context is what a metric may know beyond the complaint itself.
type Context struct {
	AsOf     time.Time
	Calendar *calendar.Calendar // the owning team's calendar
	Team     string             // the owning team, as placed by source or config
	// Settings are the config's metric options, compiled (Compile).
	Settings *Settings
	// Marked is what the metric's own key pass found for this complaint,
	// for a metric that judges complaints against the others (keyJudge):
	// for repeat_rate, that an earlier complaint of the same customer and
	// category lies within the window. False for the other metrics.
	Marked bool
	// Explain asks metrics to give a reason for every outcome, not only for
	// exclusions; `kpidesk explain` sets it.
	Explain bool
	// Paused holds the intervals the complaint's clock was stopped in
	// (configured pause statuses); durations and deadlines exclude them.
	Paused []calendar.Interval
}

var registry = map[string]Metric{}

// complaintCount is the ID of the registered metric whose Info says it
// counts a unit's complaints (Info.ComplaintCount).
var complaintCount string

// Register adds a metric defined outside this package (a test, a fork) to
// the catalogue, from an init function as the metric files here do: it is
// then evaluated, checked in configs (MetricCatalog), aggregated, written
// to scores.json and evidence.jsonl, explained and shown on the site like
// the built-in ones. It panics on an ID registered twice.
func Register(m Metric) { register(m) }

// register adds a metric to the catalogue; each metric file calls it from
// init.
func register(m Metric) {
	id := m.Info().ID
	if _, dup := registry[id]; dup {
		panic("scoring: metric registered twice: " + id)
	}
	registry[id] = m
	if m.Info().ComplaintCount {
		if complaintCount != "" {
			panic("scoring: two metrics count complaints: " + complaintCount + ", " + id)
		}
		complaintCount = id
	}
}

// Catalog returns every metric's description, sorted by ID.
func Catalog() []Info {
	out := make([]Info, 0, len(registry))
	for _, m := range registry {
		out = append(out, m.Info())
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Helpers for outcomes.

// The reason of a hit, miss, pending or measured outcome is a function, so
// that it costs nothing unless `kpidesk explain` asks for it. Reasons are
// codes of the catalogue (internal/reason); scoring never writes prose.

func hit(x *Context, why func() reason.Reason) Outcome {
	return Outcome{Result: Hit, Reason: because(x, why)}
}

func miss(x *Context, why func() reason.Reason) Outcome {
	return Outcome{Result: Miss, Reason: because(x, why)}
}

func pending(x *Context, why func() reason.Reason) Outcome {
	return Outcome{Result: Pending, Reason: because(x, why)}
}

// excluded is always given its reason: the evidence file records why a
// complaint is out of a metric. Without arguments it allocates nothing.
func excluded(code reason.Code, args ...reason.Arg) Outcome {
	return Outcome{Result: Excluded, Reason: reason.Reason{Code: code, Args: args}}
}

func measured(x *Context, v float64, why func() reason.Reason) Outcome {
	return Outcome{Result: Measured, Seconds: v, Reason: because(x, why)}
}

// measuredSpan is a duration d measured from from to to, with the same
// span on the wall clock less pauses (Outcome.Wall).
func measuredSpan(x *Context, d time.Duration, from, to time.Time, why func() reason.Reason) Outcome {
	o := measured(x, seconds(d), why)
	o.Wall = seconds(wallExcluding(from, to, x.Paused))
	return o
}

func because(x *Context, why func() reason.Reason) reason.Reason {
	if x == nil || !x.Explain {
		return reason.Reason{}
	}
	return why()
}

// seconds converts business or wall time to seconds as a float.
func seconds(d time.Duration) float64 { return d.Seconds() }

// duration measures [from, to) in the metric clock, business time of the
// team calendar unless config says wall, less paused intervals.
func duration(x *Context, from, to time.Time) time.Duration {
	if x.Settings.Wall || x.Calendar == nil {
		return wallExcluding(from, to, x.Paused)
	}
	if len(x.Paused) == 0 {
		return x.Calendar.Between(from, to)
	}
	return x.Calendar.BetweenExcluding(from, to, x.Paused)
}
