package scoring

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/kpidesk/kpidesk/config"
	"github.com/kpidesk/kpidesk/connectors"
	"github.com/kpidesk/kpidesk/internal/reason"
)

// slaConfig judges response_rate by the source's SLA (sla: source) and
// resolution_sla_rate on the calendar (the default), both on wall-clock
// deadlines so that every elapsed time is a subtraction.
const slaConfig = `
version: 1
calendar: office
calendars:
  office:
    timezone: UTC
    hours: {mon-fri: ["09:00-17:00"]}
teams: [{id: t, calendar: office}]
kinds: [complaint]
periods: [month]
metrics:
  min_sample: 1
  response_rate:
    sla: source
    deadlines: [{within: 4h}]
  resolution_sla_rate:
    deadlines: [{within: 24h}]
scorecards:
  - id: s
    items: [{metric: volume, weight: 1, rule: {type: linear, target: 10, floor: 0}}]
`

var slaAsOf = at("2026-04-01T00:00:00Z")

const (
	ttfr = "Time to first response"
	ttr  = "Time to resolution"
)

// slaComplaints are the fixture of the SLA tests; the comment on each
// gives its verdicts, source / calendar, for response_rate (source mode,
// 4 h goal, 4 h wall-clock deadline) and resolution_sla_rate (calendar
// mode, 24 h wall-clock deadline).
func slaComplaints() []connectors.Complaint {
	mon := at("2026-03-02T09:00:00Z")
	h := func(n float64) time.Duration { return time.Duration(n * float64(time.Hour)) }
	rec := func(name string, goal, elapsed time.Duration, breached, paused bool, cycles int) connectors.SLA {
		return connectors.SLA{Name: name, Goal: int64(goal / time.Second), Elapsed: int64(elapsed / time.Second), Breached: breached, Paused: paused, Cycles: cycles}
	}
	mk := func(id string, created time.Time, f func(c *connectors.Complaint)) connectors.Complaint {
		c := connectors.Complaint{ID: "j:" + id, Source: "jira", Kind: connectors.KindComplaint, Team: "t", Assignee: "a1",
			Category: "billing", Channel: "email", Priority: connectors.PriorityNormal, CreatedAt: created}
		f(&c)
		return c
	}
	return []connectors.Complaint{
		// Answered after 2h, but breached in the first of 2 cycles (a
		// reopen restarted it; the last took 1h): miss / hit. Resolved
		// after 30h, JSM's resolution clock 5h33m20s of 24h: hit / miss.
		mk("breached", mon, func(c *connectors.Complaint) {
			c.FirstResponseAt, c.ResolvedAt = mon.Add(h(2)), mon.Add(h(30))
			c.SLA = []connectors.SLA{rec(ttfr, h(4), h(1), true, false, 2), rec(ttr, h(24), 20000*time.Second, false, false, 1)}
		}),
		// Answered after 6h wall clock, of which JSM counted 3h (it was
		// paused waiting for the customer): hit / miss. Resolved after
		// 10h, 10h of 24h: hit / hit.
		mk("paused", mon, func(c *connectors.Complaint) {
			c.FirstResponseAt, c.ResolvedAt = mon.Add(h(6)), mon.Add(h(10))
			c.SLA = []connectors.SLA{rec(ttfr, h(4), h(3), false, false, 1), rec(ttr, h(24), h(10), false, false, 1)}
		}),
		// Created 1h before as_of, unanswered, 30m of 4h, paused:
		// pending / pending. Unresolved, JSM's 8h resolution goal passed
		// (8h20m) though not marked breached: miss / pending.
		mk("pending", slaAsOf.Add(-h(1)), func(c *connectors.Complaint) {
			c.SLA = []connectors.SLA{rec(ttfr, h(4), h(0.5), false, true, 1), rec(ttr, h(8), 30000*time.Second, false, false, 1)}
		}),
		// Unanswered for a month, 5h of 4h, not marked breached: miss /
		// miss (overdue on both sides).
		mk("overdue", mon, func(c *connectors.Complaint) {
			c.SLA = []connectors.SLA{rec(ttfr, h(4), h(5), false, false, 1)}
		}),
		// Created 6h before as_of, unanswered; JSM's business-hours clock
		// has counted 1h: pending / miss.
		mk("src-pending", slaAsOf.Add(-h(6)), func(c *connectors.Complaint) {
			c.SLA = []connectors.SLA{rec(ttfr, h(4), h(1), false, false, 1)}
		}),
		// A GitHub issue: no SLA record, judged on the calendar: hit.
		mk("no-record", mon, func(c *connectors.Complaint) {
			c.Source = "github"
			c.FirstResponseAt = mon.Add(h(1))
		}),
		// Answered after 1h, met after 1h: hit / hit.
		mk("agree", mon, func(c *connectors.Complaint) {
			c.FirstResponseAt = mon.Add(h(1))
			c.SLA = []connectors.SLA{rec(strings.ToLower(ttfr), h(4), h(1), false, false, 1)} // names match without case
		}),
		// A record without a goal is none: judged on the calendar, hit.
		mk("no-goal", mon, func(c *connectors.Complaint) {
			c.FirstResponseAt = mon.Add(h(1))
			c.SLA = []connectors.SLA{rec(ttfr, 0, h(1), false, false, 1)}
		}),
		// Only the resolution SLA: the response is judged on the calendar,
		// answered after 5h: miss.
		mk("other-name", mon, func(c *connectors.Complaint) {
			c.FirstResponseAt = mon.Add(h(5))
			c.SLA = []connectors.SLA{rec(ttr, h(24), h(1), false, false, 1)}
		}),
		// February: answered after 5h, breached: miss / miss.
		mk("feb", at("2026-02-02T09:00:00Z"), func(c *connectors.Complaint) {
			c.FirstResponseAt = c.CreatedAt.Add(h(5))
			c.SLA = []connectors.SLA{rec(ttfr, h(4), h(5), true, false, 1)}
		}),
	}
}

func slaCfg(t *testing.T, yaml string) *config.Config {
	t.Helper()
	cfg, err := config.ParseWith([]byte(yaml), "sla.yaml", MetricCatalog())
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// TestSLAVerdicts: each complaint's outcome per deadline metric, the
// source's verdict in source mode and the calendar's otherwise.
func TestSLAVerdicts(t *testing.T) {
	want := map[string][2]string{ // response_rate (source), resolution_sla_rate (calendar)
		"j:breached":    {Miss, Miss},
		"j:paused":      {Hit, Hit},
		"j:pending":     {Pending, Pending},
		"j:overdue":     {Miss, Miss},
		"j:src-pending": {Pending, Pending},
		"j:no-record":   {Hit, Miss},
		"j:agree":       {Hit, Miss},
		"j:no-goal":     {Hit, Miss},
		"j:other-name":  {Miss, Miss},
		"j:feb":         {Miss, Miss},
	}
	// On the calendar alone the response verdicts differ where the two
	// sides do.
	calendar := map[string]string{"j:breached": Hit, "j:paused": Miss, "j:src-pending": Miss}
	for _, mode := range []string{"source", "calendar"} {
		t.Run(mode, func(t *testing.T) {
			cfg := slaCfg(t, strings.Replace(slaConfig, "sla: source", "sla: "+mode, 1))
			got := map[string][2]string{}
			_, err := Score(context.Background(), slaComplaints(), Options{Config: cfg, AsOf: slaAsOf, Evidence: func(ev *Evidence) error {
				got[ev.ID] = [2]string{ev.Outcomes["response_rate"].Result, ev.Outcomes["resolution_sla_rate"].Result}
				return nil
			}})
			if err != nil {
				t.Fatal(err)
			}
			for id, w := range want {
				if r, ok := calendar[id]; ok && mode == "calendar" {
					w[0] = r
				}
				if got[id] != w {
					t.Errorf("%s: response_rate, resolution_sla_rate = %v, want %v", id, got[id], w)
				}
			}
		})
	}
}

// TestSLAReconciliation: the counts per metric and month, by hand from the
// comments of slaComplaints; and the rates that follow.
func TestSLAReconciliation(t *testing.T) {
	s, err := Score(context.Background(), slaComplaints(), Options{Config: slaCfg(t, slaConfig), AsOf: slaAsOf})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]SLAReconciliation{
		"response_rate": {Name: ttfr, Verdict: "source", Months: map[string]SLACounts{
			"2026-02": {Compared: 1, Agree: 1},
			// breached (source miss, calendar hit), paused (hit, miss),
			// src-pending (pending, miss); pending, overdue and agree
			// agree; no-record, no-goal and other-name have no record.
			"2026-03": {Compared: 6, Agree: 3, SourceMissCalendarHit: 1, SourceHitCalendarMiss: 1, SourcePending: 1, NoRecord: 3},
		}},
		// Calendar mode: only the complaints with the record count;
		// breached (source hit, calendar miss), paused agree, pending
		// (source miss, calendar pending), other-name (open a month, 1h
		// of its 24h goal: source pending, calendar miss).
		"resolution_sla_rate": {Name: ttr, Verdict: "calendar", Months: map[string]SLACounts{
			"2026-03": {Compared: 4, Agree: 1, SourceHitCalendarMiss: 1, CalendarPending: 1, SourcePending: 1},
		}},
	}
	if d := cmp.Diff(want, s.SLAReconciliation); d != "" {
		t.Errorf("SLAReconciliation (-want +got):\n%s", d)
	}
	if n := s.SLAReconciliation["response_rate"].Disagreements(); n != 3 {
		t.Errorf("response_rate disagreements = %d, want 3", n)
	}
	org := func(metric string) MetricResult {
		for _, sc := range s.Scorecards {
			if sc.Unit.Kind == UnitOrg && sc.Period == "2026-03" {
				return sc.Metrics[metric]
			}
		}
		t.Fatalf("no org scorecard for 2026-03")
		return MetricResult{}
	}
	// Source mode in March: hits paused, no-record, agree, no-goal;
	// misses breached, overdue, other-name: 4/7. Calendar: breached,
	// no-record, agree, no-goal hit; paused, overdue, src-pending,
	// other-name miss: 4/8.
	if r := org("response_rate"); r.Numerator != 4 || r.Denominator != 7 {
		t.Errorf("response_rate = %v/%v, want 4/7", r.Numerator, r.Denominator)
	}
	calCfg := slaCfg(t, strings.Replace(slaConfig, "sla: source", "sla: calendar", 1))
	cal, err := Score(context.Background(), slaComplaints(), Options{Config: calCfg, AsOf: slaAsOf})
	if err != nil {
		t.Fatal(err)
	}
	for _, sc := range cal.Scorecards {
		if r := sc.Metrics["response_rate"]; sc.Unit.Kind == UnitOrg && sc.Period == "2026-03" && (r.Numerator != 4 || r.Denominator != 8) {
			t.Errorf("calendar response_rate = %v/%v, want 4/8", r.Numerator, r.Denominator)
		}
	}
	// In calendar mode, no complaint without a record is counted.
	if got := cal.SLAReconciliation["response_rate"].Months["2026-03"]; got.NoRecord != 0 || got.Compared != 6 {
		t.Errorf("calendar mode response_rate 2026-03 = %+v, want 6 compared, none without a record", got)
	}
}

// TestSLAReconciliationAbsent: without SLA records on the calendar
// nothing is counted, and scores.json has no sla_reconciliation key.
func TestSLAReconciliationAbsent(t *testing.T) {
	cs := slaComplaints()
	for i := range cs {
		cs[i].SLA = nil
	}
	cfg := slaCfg(t, strings.Replace(slaConfig, "sla: source", "sla: calendar", 1))
	s, err := Score(context.Background(), cs, Options{Config: cfg, AsOf: slaAsOf})
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	if s.SLAReconciliation != nil || strings.Contains(string(b), "sla_reconciliation") {
		t.Errorf("SLAReconciliation = %v, want none in %s", s.SLAReconciliation, b[:min(len(b), 200)])
	}
	// In source mode the complaints without a record are counted.
	s, err = Score(context.Background(), cs, Options{Config: slaCfg(t, slaConfig), AsOf: slaAsOf})
	if err != nil {
		t.Fatal(err)
	}
	if got := s.SLAReconciliation["response_rate"].Months["2026-03"]; got != (SLACounts{NoRecord: 9}) {
		t.Errorf("source mode without records, 2026-03 = %+v, want 9 without a record", got)
	}
}

// TestSLAExcludedNotCompared: a complaint without a deadline rule has no
// calendar verdict: in source mode it takes the source's when it has the
// record and is out otherwise; in calendar mode it is out. Neither is
// compared.
func TestSLAExcludedNotCompared(t *testing.T) {
	// A deadline rule for urgent complaints only: the others have no
	// calendar verdict. In source mode they take the source's; in calendar
	// mode they are out and not compared.
	yaml := strings.Replace(slaConfig, "deadlines: [{within: 4h}]", "deadlines: [{within: 4h, priority: [urgent]}]", 1)
	for _, tc := range []struct {
		mode string
		want SLACounts
	}{
		{mode: "source", want: SLACounts{NoRecord: 0}},
		{mode: "calendar", want: SLACounts{}},
	} {
		cfg := slaCfg(t, strings.Replace(yaml, "sla: source", "sla: "+tc.mode, 1))
		var got []string
		s, err := Score(context.Background(), slaComplaints(), Options{Config: cfg, AsOf: slaAsOf, Evidence: func(ev *Evidence) error {
			if ev.ID == "j:breached" || ev.ID == "j:no-record" {
				got = append(got, ev.Outcomes["response_rate"].Result)
			}
			return nil
		}})
		if err != nil {
			t.Fatal(err)
		}
		want := []string{Miss, Excluded} // breached by the source; no record and no rule
		if tc.mode == "calendar" {
			want = []string{Excluded, Excluded}
		}
		if !cmp.Equal(got, want) {
			t.Errorf("%s: breached, no-record = %v, want %v", tc.mode, got, want)
		}
		if n := s.SLAReconciliation["response_rate"].Months["2026-03"]; n != tc.want {
			t.Errorf("%s: 2026-03 = %+v, want %+v", tc.mode, n, tc.want)
		}
	}
}

// TestSLAExplain: the reasons explain gives, with both verdicts and their
// elapsed times where they differ.
func TestSLAExplain(t *testing.T) {
	ctx := context.Background()
	cfg := slaCfg(t, slaConfig)
	lines := func(metric string) map[string]string {
		ex, err := Explain(ctx, SliceFeed(slaComplaints()), Options{Config: cfg, AsOf: slaAsOf}, "org", metric, "2026-03")
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]string{}
		for _, l := range ex.Lines {
			out[l.ID] = reason.Explained(l.Outcome.Result, l.Outcome.Reason, reason.EN)
		}
		tally := ex.Tally()
		if err := tally.Check(ex.Metric, ex.Result); err != nil {
			t.Errorf("%s: %v", metric, err)
		}
		return out
	}
	got := lines("response_rate")
	for id, want := range map[string]string{
		"j:breached":    "source SLA Time to first response, cycle 2: breached, 1h of goal 4h on the SLA's calendar → miss; the team calendar gives hit: 2h elapsed, deadline 4h",
		"j:paused":      "source SLA Time to first response, cycle 1: met, 3h of goal 4h on the SLA's calendar → hit; the team calendar gives miss: 6h elapsed, deadline 4h",
		"j:src-pending": "source SLA Time to first response, cycle 1: running, 1h of goal 4h on the SLA's calendar → pending; the team calendar gives miss: 6h elapsed, deadline 4h",
		"j:overdue":     "source SLA Time to first response, cycle 1: overdue, 5h of goal 4h on the SLA's calendar → miss",
		"j:pending":     "source SLA Time to first response, cycle 1: running, 30m of goal 4h on the SLA's calendar → pending",
		"j:agree":       "source SLA time to first response, cycle 1: met, 1h of goal 4h on the SLA's calendar → hit",
		"j:no-record":   "no source SLA Time to first response with a goal, judged on the team calendar: 1h elapsed, deadline 4h → hit",
		"j:no-goal":     "no source SLA Time to first response with a goal, judged on the team calendar: 1h elapsed, deadline 4h → hit",
	} {
		if got[id] != want {
			t.Errorf("response_rate %s:\n got %q\nwant %q", id, got[id], want)
		}
	}
	got = lines("resolution_sla_rate")
	for id, want := range map[string]string{
		"j:breached": "team calendar: 30h elapsed, deadline 24h → miss; source SLA Time to resolution gives hit: cycle 1, met, 5h33m of goal 24h on the SLA's calendar",
		"j:pending":  "team calendar: 1h elapsed, deadline 24h → pending; source SLA Time to resolution gives miss: cycle 1, overdue, 8h20m of goal 8h on the SLA's calendar",
		// Agreeing, or without a record: the calendar's own reasons.
		"j:paused":  "resolved 10h after creation, deadline 24h → hit",
		"j:overdue": "not resolved by 2026-04-01T00:00:00Z (711h elapsed), deadline 24h passed → miss",
	} {
		if got[id] != want {
			t.Errorf("resolution_sla_rate %s:\n got %q\nwant %q", id, got[id], want)
		}
	}
	// The Chinese rendering of a disagreement translates its verdicts.
	ex, err := Explain(ctx, SliceFeed(slaComplaints()), Options{Config: cfg, AsOf: slaAsOf}, "org", "response_rate", "2026-03")
	if err != nil {
		t.Fatal(err)
	}
	if n := ex.SLADisagreements(); n != 3 {
		t.Errorf("SLADisagreements() = %d, want 3 (breached, paused, src-pending)", n)
	}
	for _, l := range ex.Lines {
		if l.ID == "j:breached" {
			want := "来源服务时限 Time to first response（第 2 周期）：已违反，按其日历已用 1小时，目标 4小时 → 未达标；按团队日历则为达标：已用 2小时，时限 4h"
			if zh := reason.Render(l.Outcome.Reason, reason.ZH); zh != want {
				t.Errorf("zh:\n got %q\nwant %q", zh, want)
			}
		}
	}
}

// TestSLANoAllocation: judging a deadline metric allocates nothing without
// explain, with or without the source's record, in either mode.
func TestSLANoAllocation(t *testing.T) {
	for _, mode := range []string{"source", "calendar"} {
		e, err := NewEngine(slaCfg(t, strings.Replace(slaConfig, "sla: source", "sla: "+mode, 1)))
		if err != nil {
			t.Fatal(err)
		}
		cs := slaComplaints()
		for i := range cs {
			c := &cs[i]
			p := e.Place(c)
			x := Context{AsOf: slaAsOf, Calendar: p.Calendar, Team: p.Team, Settings: e.set}
			for _, m := range []Metric{responseRate{}, resolutionSLARate{}} {
				if n := testing.AllocsPerRun(20, func() { m.Evaluate(c, &x) }); n != 0 {
					t.Errorf("%s %s %s allocates %v times", mode, c.ID, m.Info().ID, n)
				}
			}
		}
	}
}

// slaReasonOutcomes are outcomes that give each of the SLA reason codes,
// for TestReasonsAreCodes.
func slaReasonOutcomes(t *testing.T) []Outcome {
	t.Helper()
	e, err := NewEngine(slaCfg(t, slaConfig))
	if err != nil {
		t.Fatal(err)
	}
	var out []Outcome
	for _, c := range slaComplaints() {
		switch c.ID {
		case "j:breached", "j:agree", "j:no-record":
			o := e.Evaluate(&c, e.Place(&c), slaAsOf, true)
			out = append(out, o["response_rate"], o["resolution_sla_rate"])
		}
	}
	return out
}
