package scoring

import (
	"bytes"
	"context"
	"encoding/csv"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/kpidesk/kpidesk/config"
	"github.com/kpidesk/kpidesk/connectors"
	"github.com/kpidesk/kpidesk/scoring/inputs"
)

// verdictYAML is a 24×7 team t1 with agents a1, a2 and a3, scored by
// scorecard a over agents and teams: response rate 0.4, complaint rate 0.4
// (complaints ÷ orders, given per team only) and escalation rate 0.2,
// whose min_sample of 100 keeps it insufficient (neutral 60 points).
const verdictYAML = `version: 1
calendar: c
calendars: {c: {timezone: UTC, always: true}}
teams: [{id: t1}]
periods: [month, quarter]
metrics:
  min_sample: 1
  min_sample_by: {escalation_rate: 100}
inputs:
  metrics: [{id: qa_score}]
scorecards:
  - id: a
    units: [agent, team]
    items:
      - {metric: response_rate, weight: 0.4, rule: {type: linear, target: 100%, floor: 0%}}
      - {metric: complaint_rate, weight: 0.4, rule: {type: linear, target: 2%, floor: 6%}}
      - {metric: escalation_rate, weight: 0.2, rule: {type: linear, target: 0%, floor: 20%}}
`

// verdictInputs gives orders for the team in January and February but not
// March, and QA scores for a1 in every month of Q1 and for a2 in two.
const verdictInputs = `metric,unit,period,value
orders,team:t1,2026-01,100
orders,team:t1,2026-02,100
qa_score,agent:a1,2026-01,90
qa_score,agent:a1,2026-02,80
qa_score,agent:a1,2026-03,70
qa_score,agent:a2,2026-01,90
qa_score,agent:a2,2026-02,80
`

// verdictAsOf is in the middle of March: March and Q1 are partial.
var verdictAsOf = at("2026-03-15T00:00:00Z")

// verdictFixture: in January a1 and a2 answer one complaint each within
// the hour and a3 never answers hers (j3, open ever since); in February a1
// answers two, a2 one of two, a3 has none; in March a1 answers one.
func verdictFixture() []connectors.Complaint {
	mk := func(id, agent, created string, answered bool) connectors.Complaint {
		var events []connectors.Event
		if answered {
			events = append(events, connectors.Event{At: at(created).Add(time.Hour), Kind: connectors.EventComment, Role: connectors.RoleAgent, Public: true, Actor: agent})
		}
		c := connectors.Complaint{ID: id, Key: id, Kind: "complaint", Assignee: agent, Team: "t1", Customer: id, Category: "x",
			Priority: "normal", Channel: "email", CreatedAt: at(created), Events: events}
		connectors.Derive(events).Apply(&c)
		return c
	}
	return []connectors.Complaint{
		mk("j1", "a1", "2026-01-05T10:00:00Z", true),
		mk("j2", "a2", "2026-01-06T10:00:00Z", true),
		mk("j3", "a3", "2026-01-10T10:00:00Z", false),
		mk("f1", "a1", "2026-02-03T10:00:00Z", true),
		mk("f2", "a1", "2026-02-04T10:00:00Z", true),
		mk("f3", "a2", "2026-02-05T10:00:00Z", true),
		mk("f4", "a2", "2026-02-06T10:00:00Z", false),
		mk("m1", "a1", "2026-03-02T10:00:00Z", true),
	}
}

func verdictConfig(t *testing.T, extra string) *config.Config {
	t.Helper()
	cfg, err := config.Parse([]byte(verdictYAML+extra), "k.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func verdictScores(t *testing.T, cfg *config.Config) *Scores {
	t.Helper()
	in, err := inputs.Parse(strings.NewReader(verdictInputs), "in.csv")
	if err != nil {
		t.Fatal(err)
	}
	s, err := Score(context.Background(), verdictFixture(), Options{Config: cfg, AsOf: verdictAsOf, Inputs: in})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func near(got *float64, want float64) bool { return got != nil && math.Abs(*got-want) < 1e-6 }

// TestNotApplicable: orders are given per team only, so the complaint rate
// can never have a value for an agent. It is not applicable there: no
// points, weight 0, and the agents' other weights renormalized (0.4 and 0.2
// become 2/3 and 1/3), never the neutral 60 at 40 %. Teams keep it.
func TestNotApplicable(t *testing.T) {
	s := verdictScores(t, verdictConfig(t, ""))
	a1 := find(t, s, "2026-02", "agent:a1")
	cr := a1.Metrics["complaint_rate"]
	if cr.Status != StatusNotApplicable || cr.Points != nil || cr.Weight != 0 || cr.Value != nil {
		t.Errorf("a1 complaint_rate = %s, points %v, weight %v; want not_applicable, no points, weight 0", cr.Status, deref(cr.Points), cr.Weight)
	}
	if w := a1.Metrics["response_rate"].Weight; w != 0.666667 {
		t.Errorf("a1 response_rate weight = %v, want 0.666667", w)
	}
	// a1 answered both: 100 points × 2/3 + the neutral 60 of the escalation
	// rate × 1/3.
	if want := 0.666667*100 + 0.333333*60; !near(a1.Total, want) || a1.Grade != "meets" {
		t.Errorf("a1 total = %v (%s), want %v (meets)", deref(a1.Total), a1.Grade, want)
	}
	// a2 answered one of two: 50 points.
	if a2, want := find(t, s, "2026-02", "agent:a2"), 0.666667*50+0.333333*60; !near(a2.Total, want) {
		t.Errorf("a2 total = %v, want %v", deref(a2.Total), want)
	}
	// The team has orders: 4 complaints ÷ 100 = 4 % → 50 points; response
	// 3/4 → 75; escalation 60: 0.4 × 75 + 0.4 × 50 + 0.2 × 60 = 62.
	team := find(t, s, "2026-02", "team:t1")
	if r := team.Metrics["complaint_rate"]; r.Status != StatusOK || !near(r.Points, 50) || r.Weight != 0.4 {
		t.Errorf("team complaint_rate = %s, points %v, weight %v; want ok, 50, 0.4", r.Status, deref(r.Points), r.Weight)
	}
	if !near(team.Total, 62) {
		t.Errorf("team total = %v, want 62", deref(team.Total))
	}
	// The weights in force say the same.
	for _, w := range s.Weights {
		if w.Period != "2026-02" || w.Scorecard != "a" {
			continue
		}
		want := map[string]float64{"response_rate": 0.4, "complaint_rate": 0.4, "escalation_rate": 0.2}
		if w.UnitKind == UnitAgent {
			want = map[string]float64{"response_rate": 0.666667, "complaint_rate": 0, "escalation_rate": 0.333333}
			if !strings.Contains(w.Note, "complaint_rate not applicable to agent units") {
				t.Errorf("agent weights note = %q, want it to say complaint_rate is not applicable", w.Note)
			}
		}
		if diff := cmp.Diff(want, w.Weights); diff != "" {
			t.Errorf("%s weights (-want +got):\n%s", w.UnitKind, diff)
		}
	}
	// A manual metric with rows for agents only is not applicable to teams.
	if r := team.Metrics["qa_score"]; r.Status != StatusNotApplicable {
		t.Errorf("team qa_score = %s, want not_applicable", r.Status)
	}
}

// TestNoData: a3 has no complaint in February, only January's unanswered
// one still open (in her backlog). No item of her scorecard is scored from
// data (the escalation rate would only give neutral points), so she is not
// graded: no points, total, coefficient or final, grade "", no star.
func TestNoData(t *testing.T) {
	s := verdictScores(t, verdictConfig(t, ""))
	a3 := find(t, s, "2026-02", "agent:a3")
	if a3.Status != ScorecardNoData || a3.Total != nil || a3.Final != nil || a3.Coefficient != nil || a3.Grade != "" {
		t.Errorf("a3 February: status %s, total %v, coefficient %v, final %v, grade %q; want no_data and no grade",
			a3.Status, deref(a3.Total), deref(a3.Coefficient), deref(a3.Final), a3.Grade)
	}
	for id, r := range a3.Metrics {
		if r.Points != nil {
			t.Errorf("a3 February %s has %v points, want none", id, *r.Points)
		}
	}
	if b := a3.Metrics["backlog"]; b.Value == nil || *b.Value != 1 {
		t.Errorf("a3 February backlog = %v, want 1 (her values are still shown)", deref(b.Value))
	}
	// In January she did answer (or rather miss) one: graded.
	if jan := find(t, s, "2026-01", "agent:a3"); jan.Status != ScorecardOK || !near(jan.Total, 0.333333*60) {
		t.Errorf("a3 January: %s, total %v; want ok, %v", jan.Status, deref(jan.Total), 0.333333*60)
	}
	for _, st := range s.Stars {
		if st.Unit.ID == "a3" {
			t.Errorf("a3 is the star of %s", st.Period)
		}
	}
}

func starOf(s *Scores, period string) string {
	for _, st := range s.Stars {
		if st.Period == period {
			return st.Unit.ID
		}
	}
	return ""
}

// TestPartialPeriod: as of 15 March, March and Q1 are not complete: they
// and their scorecards are partial, in scores.json and scores.csv. The
// team's orders stop in February, so its complaint rate in March and Q1
// is insufficient and left out, though the scorecard's policy is neutral:
// March is (0.4 × 100 + 0.2 × 60) / 0.6 and Q1, with 6 of 8 answered,
// (0.4 × 75 + 0.2 × 60) / 0.6 = 70, not 76 and 66 with a neutral 60 for
// orders never entered.
func TestPartialPeriod(t *testing.T) {
	s := verdictScores(t, verdictConfig(t, ""))
	partial := map[string]bool{}
	for _, p := range s.Periods {
		partial[p.ID] = p.Partial
	}
	if diff := cmp.Diff(map[string]bool{"2026-01": false, "2026-02": false, "2026-03": true, "2026-Q1": true}, partial); diff != "" {
		t.Errorf("partial periods (-want +got):\n%s", diff)
	}
	for _, c := range s.Scorecards {
		if c.Partial != partial[c.Period] {
			t.Errorf("%s %s partial = %v, want %v", c.Period, c.Unit.Key(), c.Partial, partial[c.Period])
		}
	}
	for _, tc := range []struct {
		period string
		total  float64
	}{{"2026-03", (0.4*100 + 0.2*60) / 0.6}, {"2026-Q1", 70}} {
		team := find(t, s, tc.period, "team:t1")
		r := team.Metrics["complaint_rate"]
		if r.Status != StatusInsufficient || r.Value != nil || r.Points != nil {
			t.Errorf("team %s complaint_rate = %s %v, points %v; want insufficient without a value or points", tc.period, r.Status, deref(r.Value), deref(r.Points))
		}
		if !near(team.Total, tc.total) {
			t.Errorf("team %s total = %v, want %v", tc.period, deref(team.Total), tc.total)
		}
		// The small sample keeps its neutral points, renormalized weight.
		if e := team.Metrics["escalation_rate"]; !near(e.Points, 60) || e.Weight != 0.333333 {
			t.Errorf("team %s escalation_rate = %v points at %v, want 60 at 0.333333", tc.period, deref(e.Points), e.Weight)
		}
	}
	// A manual metric over a quarter needs a row for each of its months:
	// a1 has three (mean 80), a2 two, which is no value.
	if r := find(t, s, "2026-Q1", "agent:a1").Metrics["qa_score"]; !near(r.Value, 80) || r.Denominator != 3 {
		t.Errorf("a1 Q1 qa_score = %v over %v rows, want 80 over 3", deref(r.Value), r.Denominator)
	}
	if r := find(t, s, "2026-Q1", "agent:a2").Metrics["qa_score"]; r.Value != nil || r.Status != StatusInsufficient {
		t.Errorf("a2 Q1 qa_score = %v (%s), want none: March is missing", deref(r.Value), r.Status)
	}

	// scores.csv says it too: the scorecard's status, partial, secondary.
	var buf bytes.Buffer
	if err := WriteCSV(&buf, s); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := func(name string) int { return slices.Index(rows[0], name) }
	want := map[[2]string][3]string{
		{"2026-03", "t1"}: {"ok", "true", "false"},
		{"2026-02", "a3"}: {"no_data", "false", "false"},
		{"2026-02", "a1"}: {"ok", "false", "false"},
	}
	seen := 0
	for _, row := range rows[1:] {
		w, ok := want[[2]string{row[col("period")], row[col("unit_id")]}]
		if !ok || row[col("metric")] != "complaint_rate" {
			continue
		}
		seen++
		if got := [3]string{row[col("scorecard_status")], row[col("partial")], row[col("secondary")]}; got != w {
			t.Errorf("scores.csv %s %s: scorecard_status, partial, secondary = %v, want %v", row[col("period")], row[col("unit_id")], got, w)
		}
		if row[col("unit_id")] == "a1" && row[col("status")] != StatusNotApplicable {
			t.Errorf("scores.csv a1 complaint_rate status = %q, want not_applicable", row[col("status")])
		}
	}
	if seen != len(want) {
		t.Errorf("scores.csv has %d of the %d rows checked", seen, len(want))
	}
}

// TestPrimaryScorecard: scorecard b (response rate, lower is better, so
// that it ranks the agents the other way round) says primary: true. It
// decides the grade: a is secondary for agents and teams, the February
// star is a2 (50 points on b; a1 has 0), and a gate on the team's final
// reads b's 25 (3/4 answered), not a's 62.
func TestPrimaryScorecard(t *testing.T) {
	cfg := verdictConfig(t, `  - id: b
    primary: true
    units: [agent, team]
    items:
      - {metric: response_rate, weight: 1, rule: {type: linear, target: 0%, floor: 100%}}
gates:
  - {unit: "team:t1", metric: final, min: 60}
`)
	s := verdictScores(t, cfg)
	for _, c := range s.Scorecards {
		if c.Secondary != (c.Scorecard == "a") {
			t.Errorf("%s %s %s secondary = %v, want %v", c.Scorecard, c.Period, c.Unit.Key(), c.Secondary, c.Scorecard == "a")
		}
	}
	if got := starOf(s, "2026-02"); got != "a2" {
		t.Errorf("February star = %q, want a2 (judged on the primary scorecard b)", got)
	}
	gates := CheckGates(cfg, s)
	if len(gates) != 1 || gates[0].Period != "2026-02" || !near(gates[0].Value, 25) || gates[0].Result != GateFail {
		t.Errorf("gates = %+v, want team:t1 final 25 in 2026-02, failed", gates)
	}
}

// TestPrimaries: without primary: true the first scorecard in force that
// covers a kind of unit is its primary.
func TestPrimaries(t *testing.T) {
	cfg := &config.Config{Scorecards: []config.Scorecard{
		{ID: "teams", Units: []string{UnitTeam}},
		{ID: "all", Units: []string{UnitAgent, UnitTeam, UnitOrg}},
		{ID: "org", Units: []string{UnitOrg}, Primary: true},
	}}
	for _, tc := range []struct {
		name    string
		inForce []int
		want    map[string]string
	}{
		{"config order, and a primary", []int{0, 1, 2}, map[string]string{UnitTeam: "teams", UnitAgent: "all", UnitOrg: "org"}},
		{"the primary not in force", []int{0, 1}, map[string]string{UnitTeam: "teams", UnitAgent: "all", UnitOrg: "all"}},
		{"one scorecard", []int{1}, map[string]string{UnitTeam: "all", UnitAgent: "all", UnitOrg: "all"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, primaries(cfg, tc.inForce)); diff != "" {
				t.Errorf("primaries (-want +got):\n%s", diff)
			}
		})
	}
}

// TestCheckScorecards: config check warns, at the item's line, that the
// complaint rate can never have a value for agents when the inputs give
// orders per team only, and for every kind without input files.
func TestCheckScorecards(t *testing.T) {
	cfg := verdictConfig(t, "")
	in, err := inputs.Parse(strings.NewReader(verdictInputs), "in.csv")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		in   *inputs.Set
		want []string
	}{
		{"orders per team", in, []string{"k.yaml:16: scorecards[0].items[1].metric: complaint_rate can never have a value for agent units: " +
			"the input files give orders for no agent; it is not applicable to them (weight 0, the other items' weights renormalized)"}},
		{"no input files", nil, []string{"k.yaml:16: scorecards[0].items[1].metric: complaint_rate can never have a value for agent, team units: " +
			"it needs orders per unit and period, and no input file is configured (inputs.files); it is not applicable to them (weight 0, the other items' weights renormalized)"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, err := NewEngine(cfg)
			if err != nil {
				t.Fatal(err)
			}
			ps, err := CheckScorecards(e, tc.in)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, p := range ps {
				got = append(got, p.Error())
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("CheckScorecards (-want +got):\n%s", diff)
			}
		})
	}
}

// TestBacklogOfPeriodNotOver: with as_of at a month's end, a period not
// over then (the year) takes the snapshot at as_of, like its last month:
// the fixture's eight complaints, none resolved, are its backlog too, never
// an empty one (the demo's 2026 showed 0 where 2026-06 showed 1309).
func TestBacklogOfPeriodNotOver(t *testing.T) {
	cfg, err := config.Parse([]byte(strings.Replace(verdictYAML, "periods: [month, quarter]", "periods: [month, quarter, year]", 1)), "k.yaml")
	if err != nil {
		t.Fatal(err)
	}
	s, err := Score(context.Background(), verdictFixture(), Options{Config: cfg, AsOf: at("2026-04-01T00:00:00Z")})
	if err != nil {
		t.Fatal(err)
	}
	for _, period := range []string{"2026-03", "2026-Q1", "2026"} {
		r := find(t, s, period, "team:t1").Metrics["backlog"]
		if r.Value == nil || *r.Value != 8 {
			t.Errorf("%s backlog = %v, want 8 (all open at as_of)", period, deref(r.Value))
		}
	}
}
