package scoring

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/kpidesk/kpidesk/config"
	"github.com/kpidesk/kpidesk/connectors"
	"github.com/kpidesk/kpidesk/internal/reason"
)

const customConfig = `
version: 1
calendar: office
calendars:
  office:
    timezone: UTC
    hours: {mon-fri: ["09:00-17:00"]}
metrics:
  min_sample: 1
  resolution_sla_rate:
    deadlines: [{within: 8h, clock: business}]
  custom:
    - {id: refund_rate, type: rate, where: {category: [refund]}}
    - {id: vip_refund_rate, type: rate, where: {category: [refund]}, of: {label: [vip]}}
    - {id: return_time, type: duration, from: "label:return", to: resolved, cohort: resolved}
    - {id: waiting_time, type: time_in, statuses: [Waiting for customer], cohort: resolved}
    - {id: return_label_time, type: time_in, labels: [return], cohort: resolved, clock: wall}
scorecards:
  - id: s
    items: [{metric: refund_rate, weight: 1, rule: {type: linear, direction: lower, target: 1%, floor: 10%}}]
`

// pausedComplaint sits in "Waiting for customer" from 10:00 to 14:00 on
// Monday 2 March 2026 and is resolved Tuesday 12:00; it carries the label
// "return" from 11:00 to 15:00 on Monday.
func pausedComplaint() connectors.Complaint {
	evs := []connectors.Event{
		ev("2026-03-02T09:30:00Z", connectors.EventComment, connectors.RoleAgent, true),
		{At: at("2026-03-02T10:00:00Z"), Kind: connectors.EventStatus, From: "Open", To: "Waiting for customer"},
		{At: at("2026-03-02T11:00:00Z"), Kind: connectors.EventLabel, To: "return"},
		{At: at("2026-03-02T14:00:00Z"), Kind: connectors.EventStatus, From: "Waiting for customer", To: "In progress"},
		{At: at("2026-03-02T15:00:00Z"), Kind: connectors.EventLabel, From: "return"},
		ev("2026-03-03T12:00:00Z", connectors.EventResolved, connectors.RoleAgent, false),
	}
	c := connectors.Complaint{ID: "p:1", Kind: "complaint", Team: "t", Category: "refund", Labels: []string{"vip"},
		CreatedAt: at("2026-03-02T09:00:00Z"), Events: evs}
	connectors.Derive(evs).Apply(&c)
	return c
}

func TestCustomMetricsAndPause(t *testing.T) {
	other := connectors.Complaint{ID: "p:2", Kind: "complaint", Team: "t", Category: "delivery", CreatedAt: at("2026-03-02T09:00:00Z")}
	tests := []struct {
		name   string
		pause  bool
		metric string
		value  float64
	}{
		// One of the two complaints is a refund.
		{"rate", false, "refund_rate", 0.5},
		// Only p:1 carries the label vip: the population is one complaint.
		{"rate over a population", false, "vip_refund_rate", 1},
		// Monday 11:00 to Tuesday 12:00: 6 + 3 business hours.
		{"duration between events", false, "return_time", 9 * 3600},
		{"time in a status", false, "waiting_time", 4 * 3600},
		{"time with a label, wall clock", false, "return_label_time", 4 * 3600},
		// Monday 8 h + Tuesday 3 h = 11 h; paused 4 h → 7 h.
		{"handling time without pause", false, "handling_time", 11 * 3600},
		{"handling time with pause", true, "handling_time", 7 * 3600},
		// Deadline 8 business hours: 11 h is late, 7 h paused-adjusted is in
		// time; p:2, still open with its 8 h long past, is a miss either way.
		{"deadline without pause", false, "resolution_sla_rate", 0},
		{"deadline with pause", true, "resolution_sla_rate", 0.5},
		// The first reply came before the pause: unchanged.
		{"first response before the pause", true, "first_response_time", 1800},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := config.Parse([]byte(customConfig), "custom.yaml")
			if err != nil {
				t.Fatal(err)
			}
			if tc.pause {
				cfg.Metrics.Pause.Statuses = []string{"waiting for customer"}
			}
			s, err := Score(context.Background(), []connectors.Complaint{pausedComplaint(), other}, Options{Config: cfg, AsOf: at("2026-03-31T00:00:00Z")})
			if err != nil {
				t.Fatal(err)
			}
			r := find(t, s, "2026-03", "org:org").Metrics[tc.metric]
			if r.Value == nil || *r.Value != tc.value {
				t.Errorf("%s = %v (%v/%v), want %v", tc.metric, deref(r.Value), r.Numerator, r.Denominator, tc.value)
			}
		})
	}
}

func TestCustomMetricConfigErrors(t *testing.T) {
	_, err := config.ParseWith([]byte(`
version: 1
metrics:
  custom:
    - {id: Bad-Id, type: rate}
    - {id: csat, type: duration, from: opened, to: resolved}
    - {id: x, type: time_in}
`), "c.yaml", MetricCatalog())
	if err == nil {
		t.Fatal("Parse accepted bad custom metrics")
	}
	for _, want := range []string{
		`c.yaml:5: metrics.custom[0].id: "Bad-Id" is not a metric id`,
		`c.yaml:5: metrics.custom[0].where: a rate metric needs a where filter`,
		`c.yaml:6: metrics.custom[1].id: "csat" is a built-in metric`,
		`c.yaml:6: metrics.custom[1].from: "opened" is not an event`,
		`c.yaml:7: metrics.custom[2].statuses: a time_in metric needs statuses or labels`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("errors lack %q:\n%v", want, err)
		}
	}
}

// TestTimeInAbsent: with absent: exclude, a complaint that never carried
// the label is left out of a time_in metric (issue-metrics' rule); by
// default it counts 0 s. One that carried it is measured either way.
func TestTimeInAbsent(t *testing.T) {
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	never := connectors.Complaint{ID: "t:1", CreatedAt: at}
	labeled := connectors.Complaint{ID: "t:2", CreatedAt: at, Events: []connectors.Event{
		{At: at.Add(time.Hour), Kind: connectors.EventLabel, To: "triage", Role: connectors.RoleAgent},
		{At: at.Add(3 * time.Hour), Kind: connectors.EventLabel, From: "triage", Role: connectors.RoleAgent},
	}}
	x := &Context{AsOf: at.Add(24 * time.Hour), Settings: &Settings{}}
	for _, tc := range []struct {
		absent       string
		never, label Outcome
	}{
		{"", Outcome{Result: Measured, Seconds: 0}, Outcome{Result: Measured, Seconds: 7200}},
		{"zero", Outcome{Result: Measured, Seconds: 0}, Outcome{Result: Measured, Seconds: 7200}},
		{"exclude", Outcome{Result: Excluded}, Outcome{Result: Measured, Seconds: 7200}},
	} {
		m := newCustom(config.CustomMetric{ID: "in_triage", Type: "time_in", Labels: []string{"triage"}, Clock: "wall", Absent: tc.absent})
		got := m.Evaluate(&never, x)
		if got.Result != tc.never.Result || got.Seconds != tc.never.Seconds {
			t.Errorf("absent %q, never labeled: %+v, want %+v", tc.absent, got, tc.never)
		}
		if tc.absent == "exclude" && reason.Render(got.Reason, reason.EN) != "never in triage" {
			t.Errorf("absent exclude: reason %q", reason.Render(got.Reason, reason.EN))
		}
		if got := m.Evaluate(&labeled, x); got.Result != tc.label.Result || got.Seconds != tc.label.Seconds {
			t.Errorf("absent %q, labeled 2 h: %+v, want %+v", tc.absent, got, tc.label)
		}
	}
}
