package scoring

import (
	"strings"
	"testing"
	"time"

	"github.com/kpidesk/kpidesk/config"
)

func gateScores() *Scores {
	f := func(v float64) *float64 { return &v }
	month := func(id string, start time.Time) Period {
		return Period{ID: id, Kind: Month, Start: start, End: start.AddDate(0, 1, 0)}
	}
	card := func(u Unit, period string, final float64, rate *float64, status string) Scorecard {
		return Scorecard{Unit: u, Period: period, Scorecard: "sc", Final: f(final),
			Metrics: map[string]MetricResult{"response_rate": {Value: rate, Status: status}}}
	}
	org := Unit{Kind: UnitOrg, ID: "org"}
	t1, t2 := Unit{Kind: UnitTeam, ID: "t1"}, Unit{Kind: UnitTeam, ID: "t2"}
	may, jun, jul := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)
	return &Scores{
		// As of the 15th of July: June is the latest complete month.
		AsOf:    jul.AddDate(0, 0, 14),
		Periods: []Period{month("2026-05", may), month("2026-06", jun), month("2026-07", jul)},
		Scorecards: []Scorecard{
			card(org, "2026-06", 88, f(0.96), StatusOK),
			card(t1, "2026-06", 91, f(0.99), StatusOK),
			card(t2, "2026-06", 55, f(0.90), StatusInsufficient),
			card(org, "2026-07", 20, f(0.10), StatusOK), // incomplete: never read
			card(t1, "2026-05", 10, f(0.10), StatusOK),
		},
	}
}

func TestLatestMonth(t *testing.T) {
	s := gateScores()
	if got := LatestMonth(s); got != "2026-06" {
		t.Errorf("LatestMonth = %q, want 2026-06", got)
	}
	s.AsOf = time.Date(2026, 5, 20, 0, 0, 0, 0, time.UTC) // no month complete yet
	if got := LatestMonth(s); got != "2026-07" {
		t.Errorf("LatestMonth without a complete month = %q, want the last, 2026-07", got)
	}
}

func TestCheckGates(t *testing.T) {
	val := func(s string) config.Value {
		v, err := config.ParseValue(s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	cfg := &config.Config{Scorecards: []config.Scorecard{{ID: "sc"}}, Gates: []config.Gate{
		{Metric: "response_rate", Min: val("95%")},                       // org 96 %: pass
		{Name: "floor", Unit: "teams", Metric: "final", Min: val("60")},  // t1 91 pass, t2 55 fail
		{Unit: "teams", Metric: "response_rate", Min: val("95%")},        // t1 pass, t2 insufficient: no data
		{Unit: "team:t1", Metric: "response_rate", Max: val("98%")},      // 99 %: fail
		{Unit: "agent:nobody", Metric: "final", Min: val("1")},           // no scorecard: no data
		{Unit: "org", Metric: "final", Min: val("88"), Max: val("88.0")}, // exactly on both bounds: pass
	}}
	got := CheckGates(cfg, gateScores())
	want := []struct{ name, unit, result, bound string }{
		{"org response_rate", "org:org", GatePass, ""},
		{"floor", "team:t1", GatePass, ""},
		{"floor", "team:t2", GateFail, "min 60"},
		{"team:t1 response_rate", "team:t1", GatePass, ""},
		{"team:t2 response_rate", "team:t2", GateNoData, ""},
		{"team:t1 response_rate", "team:t1", GateFail, "max 98%"},
		{"agent:nobody final", "agent:nobody", GateNoData, ""},
		{"org final", "org:org", GatePass, ""},
	}
	if len(got) != len(want) {
		t.Fatalf("CheckGates gave %d results, want %d: %+v", len(got), len(want), got)
	}
	for i, w := range want {
		g := got[i]
		if g.Name != w.name || g.Unit.Key() != w.unit || g.Result != w.result || g.Bound != w.bound || g.Period != "2026-06" {
			t.Errorf("result %d = %s %s %s %q %s, want %s %s %s %q 2026-06", i, g.Name, g.Unit.Key(), g.Result, g.Bound, g.Period, w.name, w.unit, w.result, w.bound)
		}
	}
	if n := len(GateFailures(got)); n != 2 {
		t.Errorf("%d failures, want 2", n)
	}
	rate := Info{Value: ValueRate}
	for r, want := range map[*GateResult]string{
		&got[5]: "team:t1 response_rate 2026-06: 99.0%, above max 98%",
		&got[2]: "team:t2 final 2026-06: 55.0 points, below min 60",
		&got[4]: "team:t2 response_rate 2026-06: no value (insufficient data), not checked",
	} {
		if d := r.Describe(rate); d != want {
			t.Errorf("Describe = %q, want %q", d, want)
		}
	}
	if d := (GateResult{Gate: config.Gate{Metric: "first_response_time"}, Unit: Unit{Kind: UnitOrg, ID: "org"}, Period: "2026-06", Value: ptrTo(5400.4), Result: GatePass}).Describe(Info{Value: ValueDuration}); !strings.Contains(d, "1h30m0s") {
		t.Errorf("a duration described as %q", d)
	}
}

func ptrTo(v float64) *float64 { return &v }
