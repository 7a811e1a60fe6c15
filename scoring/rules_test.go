package scoring

import (
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
			if got := Points(tc.rule, tc.value, day); math.Abs(got-tc.want) > 1e-9 {
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
		if got := Median(tc.xs); got != tc.median {
			t.Errorf("Median(%v) = %v, want %v", tc.xs, got, tc.median)
		}
		if got := NearestRank(tc.xs, 0.9); got != tc.p90 {
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
		if got := SafeCell(in); got != want {
			t.Errorf("SafeCell(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestCatalogRegisteredInConfig checks that every metric of the catalogue
// can be named in a scorecard, with the right value kind.
func TestCatalogRegisteredInConfig(t *testing.T) {
	var ids []string
	for _, info := range Catalog() {
		ids = append(ids, info.ID)
	}
	if got := config.MetricIDs(); !equal(got, ids) {
		t.Errorf("config.MetricIDs() = %v, want the catalogue %v", got, ids)
	}
}
