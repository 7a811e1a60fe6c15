package scoring

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/kpidesk/kpidesk/config"
)

func val(t *testing.T, s string) config.Value {
	t.Helper()
	v, err := config.ParseValue(s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestPoints(t *testing.T) {
	day := 8 * time.Hour
	linearUp := config.Rule{Type: "linear", Target: val(t, "90%"), Floor: val(t, "50%")}
	linearDown := config.Rule{Type: "linear", Direction: "lower", Target: val(t, "5%"), Floor: val(t, "20%")}
	step := config.Rule{Type: "step", Target: val(t, "90%"), Step: val(t, "5%"), Points: 8}
	base := config.Rule{Type: "baseline", Direction: "lower", Baseline: val(t, "2wd"), Tolerance: 0.2, Floor: val(t, "6wd")}
	twoSided := config.Rule{Type: "baseline", Baseline: val(t, "10h"), Tolerance: 0.2}
	h := 3600.0
	tests := []struct {
		name  string
		rule  config.Rule
		value float64
		want  float64
	}{
		{"linear at target", linearUp, 0.90, 100},
		{"linear beyond target", linearUp, 0.99, 100},
		{"linear at floor", linearUp, 0.50, 0},
		{"linear below floor", linearUp, 0.10, 0},
		{"linear between", linearUp, 0.70, 50},
		{"lower at target", linearDown, 0.05, 100},
		{"lower better than target", linearDown, 0.01, 100},
		{"lower at floor", linearDown, 0.20, 0},
		{"lower between", linearDown, 0.125, 50},
		{"step at target", step, 0.90, 100},
		{"step less than one step short", step, 0.851, 100},
		{"step one step short", step, 0.85, 92},
		{"step two steps short", step, 0.80, 84},
		{"step never below zero", step, 0.0, 0},
		// 2 working days of 8 h = 16 h; +20 % = 19.2 h full; 6 wd = 48 h zero.
		{"baseline inside tolerance", base, 19.2 * h, 100},
		{"baseline well below (lower is better)", base, 1 * h, 100},
		{"baseline halfway to floor", base, (19.2 + 48) / 2 * h, 50},
		{"baseline at floor", base, 48 * h, 0},
		{"two-sided below tolerance", twoSided, 4 * h, 50},
		{"two-sided above: zero at 2× baseline", twoSided, 16 * h, 50},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := valuePoints(tc.rule, tc.value, day); math.Abs(got-tc.want) > 1e-9 {
				t.Errorf("Points(%s, %v) = %v, want %v", tc.rule.Type, tc.value, got, tc.want)
			}
		})
	}
}

func TestMedianNearestRank(t *testing.T) {
	tests := []struct {
		xs          []float64
		median, p90 float64
	}{
		{[]float64{5}, 5, 5},
		{[]float64{1, 3}, 2, 3},
		{[]float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 5.5, 9},
		{[]float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, 6, 10},
	}
	for _, tc := range tests {
		if got := medianOf(tc.xs); got != tc.median {
			t.Errorf("Median(%v) = %v, want %v", tc.xs, got, tc.median)
		}
		if got := nearestRank(tc.xs, 0.9); got != tc.p90 {
			t.Errorf("NearestRank(%v, 0.9) = %v, want %v", tc.xs, got, tc.p90)
		}
	}
}

func TestSafeCell(t *testing.T) {
	tests := map[string]string{
		`=HYPERLINK("http://evil.example","click")`: `'=HYPERLINK("http://evil.example","click")`,
		"+SUM(A1)": "'+SUM(A1)", "-1+2": "'-1+2", "@cmd": "'@cmd", "\tx": "'\tx", "plain": "plain", "": "",
	}
	for in, want := range tests {
		if got := safeCell(in); got != want {
			t.Errorf("SafeCell(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestMetricCatalog checks that the catalogue config checks references
// against is every registered metric, with its value kind.
func TestMetricCatalog(t *testing.T) {
	cat := MetricCatalog()
	var ids []string
	for _, info := range Catalog() {
		ids = append(ids, info.ID)
		if cat[info.ID] != (info.Value == ValueDuration) {
			t.Errorf("catalogue says %s is a duration: %v", info.ID, cat[info.ID])
		}
	}
	if got := cat.IDs(); !equal(got, ids) {
		t.Errorf("MetricCatalog().IDs() = %v, want the catalogue %v", got, ids)
	}
}

func TestRulePoints(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	bandsUp := config.Rule{Type: "bands", Bands: []config.Band{
		{AtLeast: val(t, "95%"), Points: 100}, {AtLeast: val(t, "90%"), Points: 80}, {AtLeast: val(t, "80%"), Points: 60}}}
	bandsDown := config.Rule{Type: "bands", Direction: "lower", Bands: []config.Band{
		{AtMost: val(t, "4h"), Points: 100}, {AtMost: val(t, "8h"), Points: 70}}}
	// Seed 001: complaint rate 10 % lower than the previous month gets
	// full points; here no change gets half, a 10 % rise none.
	change := config.Rule{Type: "change", Direction: "lower", Target: val(t, "-10%"), Floor: val(t, "10%")}
	// Seed 001: every 1 % drop in repeat complaints adds points (5 a step
	// on a base of 80, at most 100).
	bonus := config.Rule{Type: "bonus", Direction: "lower", Base: 80, Step: val(t, "1%"), Points: 5, Cap: 100}
	// Seed 003: every mishandled quality complaint costs 5 points.
	deduction := config.Rule{Type: "deduction", Points: 5}
	tests := []struct {
		name   string
		rule   config.Rule
		in     ruleInput
		want   float64
		wantOK bool
	}{
		{"band exactly at the top threshold", bandsUp, ruleInput{Value: 0.95}, 100, true},
		{"band just below it", bandsUp, ruleInput{Value: 0.9499}, 80, true},
		{"band at the lowest threshold", bandsUp, ruleInput{Value: 0.80}, 60, true},
		{"below every band", bandsUp, ruleInput{Value: 0.5}, 0, true},
		{"lower band at its limit", bandsDown, ruleInput{Value: 4 * 3600}, 100, true},
		{"lower band beyond the last", bandsDown, ruleInput{Value: 9 * 3600}, 0, true},
		{"change at target (-10 %)", change, ruleInput{Value: 0.0045, Previous: f(0.005)}, 100, true},
		{"change beyond target", change, ruleInput{Value: 0.003, Previous: f(0.005)}, 100, true},
		{"no change", change, ruleInput{Value: 0.005, Previous: f(0.005)}, 50, true},
		{"change at floor (+10 %)", change, ruleInput{Value: 0.0055, Previous: f(0.005)}, 0, true},
		{"change without a previous period", change, ruleInput{Value: 0.005}, 0, false},
		{"change from a zero previous value", change, ruleInput{Value: 0.005, Previous: f(0)}, 0, false},
		{"bonus: no improvement", bonus, ruleInput{Value: 0.10, Previous: f(0.10)}, 80, true},
		{"bonus: worse is still the base", bonus, ruleInput{Value: 0.12, Previous: f(0.10)}, 80, true},
		{"bonus: 2 points of improvement", bonus, ruleInput{Value: 0.08, Previous: f(0.10)}, 90, true},
		{"bonus: capped", bonus, ruleInput{Value: 0.0, Previous: f(0.10)}, 100, true},
		{"bonus without a previous period", bonus, ruleInput{Value: 0.08}, 0, false},
		{"deduction: none", deduction, ruleInput{Numerator: 0}, 100, true},
		{"deduction: three incidents", deduction, ruleInput{Numerator: 3}, 85, true},
		{"deduction: never below zero", deduction, ruleInput{Numerator: 40}, 0, true},
		{"linear through RulePoints", config.Rule{Type: "linear", Target: val(t, "90%"), Floor: val(t, "50%")}, ruleInput{Value: 0.7}, 50, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := rulePoints(tc.rule, tc.in)
			if ok != tc.wantOK || math.Abs(got-tc.want) > 1e-9 {
				t.Errorf("RulePoints(%s, %+v) = %v, %v, want %v, %v", tc.rule.Type, tc.in, got, ok, tc.want, tc.wantOK)
			}
		})
	}
}

func TestChangeRuleUsesPreviousPeriod(t *testing.T) {
	cfg := loadTestConfig(t, "testdata/small.yaml")
	cfg.Metrics.MinSample = 1
	// resolution_rate keeps March graded, so that its volume item shows
	// the neutral points (a scorecard without any item scored from data is
	// not graded at all).
	cfg.Scorecards[0].Items = []config.Item{{Metric: "volume", Weight: 0.5,
		Rule: config.Rule{Type: "change", Direction: "lower", Target: val(t, "-50%"), Floor: val(t, "50%")}},
		{Metric: "resolution_rate", Weight: 0.5, Rule: config.Rule{Type: "linear", Target: val(t, "90%"), Floor: val(t, "0%")}}}
	cs := smallFixture()
	// One more complaint in April: 1 against March's 5, an 80 % drop.
	april := cs[0]
	april.ID, april.CreatedAt = "t:7", at("2026-04-06T10:00:00Z")
	cs = append(cs, april)
	s, err := Score(context.Background(), cs, Options{Config: cfg, AsOf: at("2026-04-30T00:00:00Z")})
	if err != nil {
		t.Fatal(err)
	}
	if r := find(t, s, "2026-04", "org:org").Metrics["volume"]; r.Points == nil || *r.Points != 100 {
		t.Errorf("April volume points = %v, want 100 (−80 %% against March)", deref(r.Points))
	}
	// March has no February: insufficient, neutral 60.
	if r := find(t, s, "2026-03", "org:org").Metrics["volume"]; r.Status != StatusInsufficient || *r.Points != 60 {
		t.Errorf("March volume = %s %v, want insufficient with the neutral 60", r.Status, deref(r.Points))
	}
}
