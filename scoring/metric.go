package scoring

import (
	"fmt"
	"sort"
	"time"

	"github.com/kpidesk/kpidesk/config"
	"github.com/kpidesk/kpidesk/connectors"
	"github.com/kpidesk/kpidesk/scoring/calendar"
)

// Metric judges one complaint. Evaluate must not keep c or x; it is called
// concurrently for different complaints.
type Metric interface {
	Info() Info
	Evaluate(c *connectors.Complaint, x *Context) Outcome
}

// Context is what a metric may know beyond the complaint itself.
type Context struct {
	AsOf     time.Time
	Calendar *calendar.Calendar // the owning team's calendar
	Team     string             // the owning team, as placed by source or config
	Config   *config.Config
	Repeat   bool // an earlier complaint of the same customer and category lies within the window
	// Explain asks metrics to give a reason for every outcome, not only for
	// exclusions; `kpidesk explain` sets it.
	Explain bool
	// Paused holds the intervals the complaint's clock was stopped in
	// (configured pause statuses); durations and deadlines exclude them.
	Paused []calendar.Interval

	within map[*config.Deadline][]config.Value // parsed deadlines, by the address of a rule list's first rule
}

var registry = map[string]Metric{}

// register adds a metric to the catalogue; each metric file calls it from
// init.
func register(m Metric) {
	id := m.Info().ID
	if _, dup := registry[id]; dup {
		panic("scoring: metric registered twice: " + id)
	}
	registry[id] = m
	config.RegisterMetric(id, m.Info().Value == ValueDuration)
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

// InfoOf returns the description of one metric.
func InfoOf(id string) (Info, bool) {
	m, ok := registry[id]
	if !ok {
		return Info{}, false
	}
	return m.Info(), true
}

// Helpers for outcomes.

// The reason of a hit, miss, pending or measured outcome is a function, so
// that it costs nothing unless `kpidesk explain` asks for it.

func hit(x *Context, why func() string) Outcome {
	return Outcome{Result: Hit, Reason: reason(x, why)}
}

func miss(x *Context, why func() string) Outcome {
	return Outcome{Result: Miss, Reason: reason(x, why)}
}

func pending(x *Context, why func() string) Outcome {
	return Outcome{Result: Pending, Reason: reason(x, why)}
}

func excluded(format string, args ...any) Outcome {
	if len(args) == 0 {
		return Outcome{Result: Excluded, Reason: format} // the common case, without formatting
	}
	return Outcome{Result: Excluded, Reason: fmt.Sprintf(format, args...)}
}

func measured(x *Context, v float64, why func() string) Outcome {
	return Outcome{Result: Measured, Seconds: v, Reason: reason(x, why)}
}

func reason(x *Context, why func() string) string {
	if x == nil || !x.Explain {
		return ""
	}
	return why()
}

// HumanDuration prints a duration as readers of a helpdesk expect:
// "26h12m", "3m20s", "45s".
func HumanDuration(d time.Duration) string {
	if d < 0 {
		return "-" + HumanDuration(-d)
	}
	d = d.Round(time.Second)
	h, m, s := int(d/time.Hour), int(d/time.Minute)%60, int(d/time.Second)%60
	switch {
	case h > 0 && m > 0:
		return fmt.Sprintf("%dh%02dm", h, m)
	case h > 0:
		return fmt.Sprintf("%dh", h)
	case m > 0 && s > 0:
		return fmt.Sprintf("%dm%02ds", m, s)
	case m > 0:
		return fmt.Sprintf("%dm", m)
	default:
		return fmt.Sprintf("%ds", s)
	}
}

// seconds converts business or wall time to seconds as a float.
func seconds(d time.Duration) float64 { return d.Seconds() }

// duration measures [from, to) in the metric clock, business time of the
// team calendar unless config says wall, less paused intervals.
func duration(x *Context, from, to time.Time) time.Duration {
	if x.Config.Metrics.Clock == "wall" || x.Calendar == nil {
		return wallExcluding(from, to, x.Paused)
	}
	if len(x.Paused) == 0 {
		return x.Calendar.Between(from, to)
	}
	return x.Calendar.BetweenExcluding(from, to, x.Paused)
}
