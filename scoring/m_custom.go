package scoring

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/kpidesk/kpidesk/config"
	"github.com/kpidesk/kpidesk/connectors"
	"github.com/kpidesk/kpidesk/internal/reason"
	"github.com/kpidesk/kpidesk/scoring/calendar"
)

// customMetric is a metric defined in config (metrics.custom): a rate, a
// duration between two events, or the time spent in statuses or labels.
type customMetric struct {
	def  config.CustomMetric
	info Info
	// The exclusions whose arguments come from the definition, built
	// once rather than per complaint.
	noFrom, noTo, unknown, neverIn reason.Reason
}

func newCustom(def config.CustomMetric) *customMetric {
	info := Info{ID: def.ID, Name: def.Name, NameEN: def.NameEN, Cohort: CohortCreated, Higher: def.Higher, Value: ValueDuration}
	if def.Cohort == "resolved" {
		info.Cohort = CohortResolved
	}
	// Time in a status or label, and durations from or to a status or
	// label event, read the events; filters on fields read the fields.
	info.Needs = Needs{
		Events: def.Type == "time_in" || strings.Contains(def.From, ":") || strings.Contains(def.To, ":"),
		Fields: len(def.Where.Fields) > 0 || len(def.Of.Fields) > 0,
	}
	if info.Name == "" {
		info.Name = def.ID
	}
	if info.NameEN == "" {
		info.NameEN = def.ID
	}
	switch def.Type {
	case "rate":
		info.Value = ValueRate
		info.Help = "自定义比率：满足条件的投诉占比。"
		info.HelpEN = "Custom rate: the share of complaints that match its filter."
	case "duration":
		info.Help = fmt.Sprintf("自定义时长：从 %s 到 %s。", def.From, def.To)
		info.HelpEN = fmt.Sprintf("Custom duration: from %s to %s.", def.From, def.To)
	case "time_in":
		what := strings.Join(append(slices.Clone(def.Statuses), def.Labels...), ", ")
		info.Help = "处于以下状态或标签的时长：" + what + "。"
		info.HelpEN = "Time spent in: " + what + "."
	}
	return &customMetric{def: def, info: info,
		noFrom:  reason.New(reason.NoEvent, reason.Event(def.From)),
		noTo:    reason.New(reason.NoEventAfter, reason.Event(def.To), reason.Event(def.From)),
		unknown: reason.New(reason.UnknownCustomType, reason.Quoted(def.Type)),
		neverIn: reason.New(reason.NeverIn, reason.List(append(slices.Clone(def.Statuses), def.Labels...)...))}
}

func (m *customMetric) Info() Info { return m.info }

func (m *customMetric) Evaluate(c *connectors.Complaint, x *Context) Outcome {
	if m.info.Cohort == CohortResolved && !c.Resolved() {
		return excluded(reason.NotResolved)
	}
	switch m.def.Type {
	case "rate":
		if !m.def.Of.Empty() && !matches(c, m.def.Of) {
			return excluded(reason.OutsidePopulation)
		}
		if matches(c, m.def.Where) {
			return hit(x, func() reason.Reason { return reason.New(reason.FilterMatch) })
		}
		return miss(x, func() reason.Reason { return reason.New(reason.FilterNoMatch) })
	case "duration":
		from, ok := instant(c, m.def.From, x.AsOf)
		if !ok {
			return Outcome{Result: Excluded, Reason: m.noFrom}
		}
		to, ok := instant(c, m.def.To, x.AsOf)
		if !ok || to.Before(from) {
			return Outcome{Result: Excluded, Reason: m.noTo}
		}
		d := m.clock(x, from, to)
		return measured(x, seconds(d), func() reason.Reason {
			return reason.New(reason.CustomDuration, reason.Duration(d, false), reason.Event(m.def.From), reason.Event(m.def.To))
		})
	case "time_in":
		end := x.AsOf
		if c.Resolved() {
			end = c.ResolvedAt
		}
		var total time.Duration
		ivs := stateIntervals(c, m.def.Statuses, m.def.Labels, end)
		if len(ivs) == 0 && m.def.Absent == "exclude" {
			return Outcome{Result: Excluded, Reason: m.neverIn}
		}
		for _, iv := range ivs {
			total += m.clock(x, iv.Start, iv.End)
		}
		return measured(x, seconds(total), func() reason.Reason {
			return reason.New(reason.TimeIn, reason.Duration(total, false), reason.List(append(slices.Clone(m.def.Statuses), m.def.Labels...)...))
		})
	}
	return Outcome{Result: Excluded, Reason: m.unknown}
}

// clock measures without pauses: a custom duration says what it measures.
func (m *customMetric) clock(x *Context, from, to time.Time) time.Duration {
	if m.def.Clock == "wall" || x.Calendar == nil {
		return wallExcluding(from, to, nil)
	}
	return x.Calendar.Between(from, to)
}

// matches reports whether c passes every part of f.
func matches(c *connectors.Complaint, f config.Filter) bool {
	kind := c.Kind
	if kind == "" {
		kind = connectors.KindComplaint
	}
	switch {
	case len(f.Kind) > 0 && !slices.Contains(f.Kind, kind),
		len(f.Category) > 0 && !slices.Contains(f.Category, c.Category),
		len(f.Channel) > 0 && !slices.Contains(f.Channel, c.Channel),
		len(f.Priority) > 0 && !slices.Contains(f.Priority, c.Priority):
		return false
	}
	if len(f.Label) > 0 && !slices.ContainsFunc(c.Labels, func(l string) bool { return slices.Contains(f.Label, l) }) {
		return false
	}
	for k, want := range f.Fields {
		v, ok := c.Fields[k]
		if !ok || fmt.Sprint(v) != want {
			return false
		}
	}
	return true
}

// instant finds the instant an event spec names (SPEC §4 custom durations):
// the first one, and none after asOf.
func instant(c *connectors.Complaint, spec string, asOf time.Time) (time.Time, bool) {
	var t time.Time
	switch spec {
	case "created":
		t = c.CreatedAt
	case "first_response":
		t = c.FirstResponseAt
	case "resolved":
		t = c.ResolvedAt
	case "first_resolved":
		t = c.FirstResolvedAt
	case "escalated":
		t = c.EscalatedAt
	default:
		kind, arg, _ := strings.Cut(spec, ":")
		for _, e := range c.Events {
			if (kind == "status" && e.Kind == connectors.EventStatus && strings.EqualFold(e.To, arg)) ||
				(kind == "label" && e.Kind == connectors.EventLabel && e.To == arg) {
				t = e.At
				break
			}
		}
	}
	if t.IsZero() || t.After(asOf) {
		return time.Time{}, false
	}
	return t, true
}

// stateIntervals returns the intervals before end during which c was in
// one of statuses (from a status change into it until the next status
// change) or carried one of labels (from a label event adding it, To, until
// one removing it, From).
func stateIntervals(c *connectors.Complaint, statuses, labels []string, end time.Time) []calendar.Interval {
	var out []calendar.Interval
	var statusSince time.Time
	labelSince := map[string]time.Time{}
	inStatus := func(s string) bool {
		return slices.ContainsFunc(statuses, func(x string) bool { return strings.EqualFold(x, s) })
	}
	for _, e := range c.Events {
		if !e.At.Before(end) {
			break
		}
		switch e.Kind {
		case connectors.EventStatus:
			if !statusSince.IsZero() {
				out = append(out, calendar.Interval{Start: statusSince, End: e.At})
				statusSince = time.Time{}
			}
			if inStatus(e.To) {
				statusSince = e.At
			}
		case connectors.EventLabel:
			if slices.Contains(labels, e.To) {
				if _, on := labelSince[e.To]; !on {
					labelSince[e.To] = e.At
				}
			}
			if since, on := labelSince[e.From]; on && e.From != "" {
				out = append(out, calendar.Interval{Start: since, End: e.At})
				delete(labelSince, e.From)
			}
		}
	}
	if !statusSince.IsZero() {
		out = append(out, calendar.Interval{Start: statusSince, End: end})
	}
	for _, since := range labelSince {
		out = append(out, calendar.Interval{Start: since, End: end})
	}
	return mergedIntervals(out)
}
