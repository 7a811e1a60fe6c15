package scoring

import (
	"context"
	"testing"

	"github.com/kpidesk/kpidesk/config"
	"github.com/kpidesk/kpidesk/connectors"
	"github.com/kpidesk/kpidesk/internal/reason"
)

// cnConfig is the built-in office calendar: Asia/Shanghai, the cn holiday
// schedule, 09:00–12:00 and 13:30–18:00 (7.5 working hours a day).
const cnConfig = `
version: 1
calendar: office
calendars:
  office:
    timezone: Asia/Shanghai
    holidays: cn
    hours: {mon-fri: ["09:00-12:00", "13:30-18:00"]}
metrics: {min_sample: 1}
scorecards:
  - id: s
    items: [{metric: response_rate, weight: 1, rule: {type: linear, target: 100%, floor: 0%}}]
`

// TestEdgeCases checks the outcomes that the calendar and the period rules
// decide, each computed by hand in its comment.
func TestEdgeCases(t *testing.T) {
	cfg, err := config.Parse([]byte(cnConfig), "cn.yaml")
	if err != nil {
		t.Fatal(err)
	}
	e, err := NewEngine(cfg)
	if err != nil {
		t.Fatal(err)
	}
	asOf := at("2025-12-31T00:00:00Z")
	agent := func(ts string) connectors.Event {
		return connectors.Event{At: at(ts), Kind: connectors.EventComment, Role: connectors.RoleAgent, Public: true}
	}
	mk := func(created string, events ...connectors.Event) connectors.Complaint {
		c := connectors.Complaint{ID: "x", Kind: "complaint", Team: "t", Channel: "email", Priority: "normal", CreatedAt: at(created), Events: events}
		connectors.Derive(events).Apply(&c)
		return c
	}
	kind := func(ts string, k connectors.EventKind) connectors.Event { return connectors.Event{At: at(ts), Kind: k} }

	tests := []struct {
		name    string
		c       connectors.Complaint
		metric  string
		want    Outcome
		created string // month of the created cohort
	}{
		{
			// Created on the National Day holiday (Friday 3 October 2025),
			// answered Thursday 9 October 09:30, the first working day:
			// 30 business minutes, but 6 days of wall clock against 24 h:
			// 5 days 23.5 h, 516,600 s.
			name: "created on a holiday: business time", metric: "first_response_time",
			c:    mk("2025-10-03T10:00:00+08:00", agent("2025-10-09T09:30:00+08:00")),
			want: Outcome{Result: Measured, Seconds: 1800, Wall: 516600}, created: "2025-10",
		},
		{
			name: "created on a holiday: wall-clock deadline", metric: "response_rate",
			c:    mk("2025-10-03T10:00:00+08:00", agent("2025-10-09T09:30:00+08:00")),
			want: Outcome{Result: Miss}, created: "2025-10",
		},
		{
			// Created Monday 11:00, answered 12:45 during the lunch break:
			// only 11:00–12:00 is working time; 1 h 45 min on the wall clock.
			name: "answered during the lunch break", metric: "first_response_time",
			c:    mk("2025-09-15T11:00:00+08:00", agent("2025-09-15T12:45:00+08:00")),
			want: Outcome{Result: Measured, Seconds: 3600, Wall: 6300}, created: "2025-09",
		},
		{
			// Resolved 30 September, reopened 9 October, resolved again 10
			// October: handling runs to the final resolution. Mon 29 Sep
			// 10:00–18:00 is 6.5 h, Tue 30 Sep 7.5 h, 1–8 Oct are holidays,
			// Thu 9 Oct 7.5 h, Fri 10 Oct 09:00–10:00 1 h: 22.5 h.
			name: "reopened across a month boundary", metric: "handling_time",
			c: mk("2025-09-29T10:00:00+08:00", agent("2025-09-29T11:00:00+08:00"),
				kind("2025-09-30T10:00:00+08:00", connectors.EventResolved),
				kind("2025-10-09T10:00:00+08:00", connectors.EventReopened),
				kind("2025-10-10T10:00:00+08:00", connectors.EventResolved)),
			want: Outcome{Result: Measured, Seconds: 81000, Wall: 11 * 86400}, created: "2025-09", // 11 days on the wall clock
		},
		{
			name: "reopened: not first-contact", metric: "ftr_rate",
			c: mk("2025-09-29T10:00:00+08:00", agent("2025-09-29T11:00:00+08:00"),
				kind("2025-09-30T10:00:00+08:00", connectors.EventResolved),
				kind("2025-10-09T10:00:00+08:00", connectors.EventReopened),
				kind("2025-10-10T10:00:00+08:00", connectors.EventResolved)),
			want: Outcome{Result: Miss}, created: "2025-09",
		},
		{
			// 2025-09-30T17:30Z is 1 October 01:30 in Shanghai (SPEC §13.1).
			name: "period by local date", metric: "volume",
			c:    mk("2025-09-30T17:30:00Z"),
			want: Outcome{Result: Counted}, created: "2025-10",
		},
		{
			// Created Friday 17:00, deadline 3 working days = 22.5 business
			// hours: Fri 1 h, Mon 7.5 h, Tue 7.5 h, then Wed 09:00–12:00 and
			// 13:30–17:00 → Wed 17:00. Resolved at 17:00 exactly: inside
			// (inclusive).
			name: "resolved exactly at the deadline", metric: "resolution_sla_rate",
			c:    mk("2025-11-07T17:00:00+08:00", kind("2025-11-12T17:00:00+08:00", connectors.EventResolved)),
			want: Outcome{Result: Hit}, created: "2025-11",
		},
		{
			name: "resolved a minute after the deadline", metric: "resolution_sla_rate",
			c:    mk("2025-11-07T17:00:00+08:00", kind("2025-11-12T17:01:00+08:00", connectors.EventResolved)),
			want: Outcome{Result: Miss}, created: "2025-11",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := e.Place(&tc.c)
			got := e.Evaluate(&tc.c, p, asOf, false)[tc.metric]
			got.Reason = reason.Reason{}
			if got.Result != tc.want.Result || got.Seconds != tc.want.Seconds || got.Wall != tc.want.Wall || !got.Reason.Equal(tc.want.Reason) {
				t.Errorf("%s = %+v, want %+v", tc.metric, got, tc.want)
			}
			if m := monthID(tc.c.CreatedAt, p.Calendar.Location()); m != tc.created {
				t.Errorf("created month = %s, want %s", m, tc.created)
			}
		})
	}
}

// TestWallMean: a business-time duration's result carries the mean of the
// same spans on the wall clock, computed by hand; with metrics.clock: wall
// the value is that mean already and no second one is given.
func TestWallMean(t *testing.T) {
	agent := func(ts string) connectors.Event {
		return connectors.Event{At: at(ts), Kind: connectors.EventComment, Role: connectors.RoleAgent, Public: true}
	}
	mk := func(id, created string, events ...connectors.Event) connectors.Complaint {
		c := connectors.Complaint{ID: id, Kind: "complaint", Team: "t", Channel: "email", Priority: "normal", CreatedAt: at(created), Events: events}
		connectors.Derive(events).Apply(&c)
		return c
	}
	cs := []connectors.Complaint{
		// Friday 17:00 → Monday 10:00: 2 business hours, 65 wall hours.
		mk("a", "2025-11-07T17:00:00+08:00", agent("2025-11-10T10:00:00+08:00")),
		// Monday 09:00 → 11:00: 2 hours either way.
		mk("b", "2025-11-10T09:00:00+08:00", agent("2025-11-10T11:00:00+08:00")),
	}
	for _, tc := range []struct {
		clock string
		value float64
		wall  *float64
	}{
		{clock: "", value: 7200, wall: ptr((65*3600 + 2*3600) / 2.0)}, // 33.5 h
		{clock: "wall", value: (65*3600 + 2*3600) / 2.0},
	} {
		cfg, err := config.Parse([]byte(cnConfig), "cn.yaml")
		if err != nil {
			t.Fatal(err)
		}
		cfg.Metrics.Clock = tc.clock
		s, err := Score(context.Background(), cs, Options{Config: cfg, AsOf: at("2025-12-01T00:00:00Z")})
		if err != nil {
			t.Fatal(err)
		}
		var got *MetricResult
		for _, c := range s.Scorecards {
			if c.Unit.Kind == UnitOrg && c.Period == "2025-11" {
				m := c.Metrics["first_response_time"]
				got = &m
			}
		}
		if got == nil || got.Value == nil || *got.Value != tc.value || (got.Wall == nil) != (tc.wall == nil) || tc.wall != nil && *got.Wall != *tc.wall {
			t.Errorf("clock %q: first_response_time = %+v, want value %v, wall %v", tc.clock, got, tc.value, tc.wall)
		}
	}
}
