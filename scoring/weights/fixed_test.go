package weights

import (
	"math"
	"strings"
	"testing"
)

// checkWeights compares a weight map with want to 1e-12.
func checkWeights(t *testing.T, got, want map[string]float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("got %d weights %v, want %d %v", len(got), got, len(want), want)
	}
	for k, w := range want {
		if g, ok := got[k]; !ok || !near(g, w, 1e-12) {
			t.Errorf("weight of %q = %v, want %v", k, g, w)
		}
	}
}

func TestFixed(t *testing.T) {
	// Seed 000's example weights (SPEC §6) already add up to 1.
	seed000 := []string{"handling time", "handling quality", "feedback timeliness", "prevention and improvement"}
	got, err := Fixed(seed000, []float64{0.25, 0.35, 0.15, 0.25}, false)
	if err != nil {
		t.Fatalf("Fixed(seed 000) error: %v", err)
	}
	checkWeights(t, got, map[string]float64{"handling time": 0.25, "handling quality": 0.35, "feedback timeliness": 0.15, "prevention and improvement": 0.25})

	// Seed 001's table (SPEC §6) adds up to 110 %: refused as given,
	// scaled by 1/110 with normalize.
	seed001 := []string{"first_response_time", "handling_time", "ftr_rate", "csat", "escalation_rate", "complaint_rate", "repeat_rate"}
	pct := []float64{20, 15, 25, 20, 10, 10, 10}
	if _, err := Fixed(seed001, []float64{0.20, 0.15, 0.25, 0.20, 0.10, 0.10, 0.10}, false); err == nil || !strings.Contains(err.Error(), "weights add up to 1.1, not 1") {
		t.Errorf("Fixed(seed 001, no normalize) error = %v, want weights add up to 1.1", err)
	}
	got, err = Fixed(seed001, pct, true)
	if err != nil {
		t.Fatalf("Fixed(seed 001, normalize) error: %v", err)
	}
	checkWeights(t, got, map[string]float64{
		"first_response_time": 20.0 / 110, "handling_time": 15.0 / 110, "ftr_rate": 25.0 / 110, "csat": 20.0 / 110,
		"escalation_rate": 10.0 / 110, "complaint_rate": 10.0 / 110, "repeat_rate": 10.0 / 110,
	})

	// A zero weight is allowed (a metric shown but not scored).
	got, err = Fixed([]string{"a", "b"}, []float64{0, 3}, true)
	if err != nil {
		t.Fatalf("Fixed(0, 3) error: %v", err)
	}
	checkWeights(t, got, map[string]float64{"a": 0, "b": 1})
}

func TestFixedErrors(t *testing.T) {
	tests := []struct {
		name  string
		names []string
		w     []float64
		want  string
	}{
		{name: "negative", names: []string{"a", "b"}, w: []float64{0.5, -0.5}, want: `weight of "b" is -0.5`},
		{name: "all zero", names: []string{"a", "b"}, w: []float64{0, 0}, want: "the weights add up to 0"},
		{name: "NaN", names: []string{"a"}, w: []float64{math.NaN()}, want: `weight of "a" is NaN`},
		{name: "length", names: []string{"a", "b"}, w: []float64{1}, want: "1 weights for 2 names"},
		{name: "duplicate", names: []string{"a", "a"}, w: []float64{1, 1}, want: `criterion "a" is listed twice`},
		{name: "empty name", names: []string{"a", ""}, w: []float64{1, 1}, want: "criterion 1 has an empty name"},
		{name: "none", names: nil, w: nil, want: "no criterion names"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := Fixed(tc.names, tc.w, true); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Fixed error = %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

func TestExpert(t *testing.T) {
	// Three experts score four criteria on 1–10. Means: 8, 8, 6, 8 → sum
	// 30 → 8/30, 8/30, 6/30, 8/30.
	got, err := Expert([]string{"handling time", "handling quality", "feedback timeliness", "prevention"}, [][]float64{
		{8, 9, 6, 7},
		{7, 9, 5, 9},
		{9, 6, 7, 8},
	})
	if err != nil {
		t.Fatalf("Expert error: %v", err)
	}
	checkWeights(t, got, map[string]float64{"handling time": 8.0 / 30, "handling quality": 8.0 / 30, "feedback timeliness": 0.2, "prevention": 8.0 / 30})

	// One expert: the weights are that expert's normalized scores.
	got, err = Expert([]string{"a", "b"}, [][]float64{{1, 3}})
	if err != nil {
		t.Fatalf("Expert(one) error: %v", err)
	}
	checkWeights(t, got, map[string]float64{"a": 0.25, "b": 0.75})
}

func TestExpertErrors(t *testing.T) {
	tests := []struct {
		name   string
		scores [][]float64
		want   string
	}{
		{name: "no experts", scores: nil, want: "no expert scores"},
		{name: "short", scores: [][]float64{{1, 2}, {1}}, want: "expert 1 gives 1 scores for 2 criteria"},
		{name: "negative", scores: [][]float64{{1, -2}}, want: `expert 0 scores "b" -2`},
		{name: "all zero", scores: [][]float64{{0, 0}, {0, 0}}, want: "every score is 0"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := Expert([]string{"a", "b"}, tc.scores); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Expert error = %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

func TestCombined(t *testing.T) {
	subj := map[string]float64{"a": 0.6, "b": 0.4}
	obj := map[string]float64{"a": 0.2, "b": 0.8}
	tests := []struct {
		name  string
		subj  map[string]float64
		alpha float64
		want  map[string]float64
	}{
		{name: "half", subj: subj, alpha: 0.5, want: map[string]float64{"a": 0.4, "b": 0.6}},
		// 0.7·0.6 + 0.3·0.2 = 0.48; 0.7·0.4 + 0.3·0.8 = 0.52.
		{name: "0.7", subj: subj, alpha: 0.7, want: map[string]float64{"a": 0.48, "b": 0.52}},
		{name: "all subjective", subj: subj, alpha: 1, want: subj},
		{name: "all objective", subj: subj, alpha: 0, want: obj},
		// Percentages are normalized before mixing.
		{name: "percentages", subj: map[string]float64{"a": 60, "b": 40}, alpha: 0.5, want: map[string]float64{"a": 0.4, "b": 0.6}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Combined(tc.subj, obj, tc.alpha)
			if err != nil {
				t.Fatalf("Combined error: %v", err)
			}
			checkWeights(t, got, tc.want)
		})
	}
}

func TestCombinedErrors(t *testing.T) {
	ab := map[string]float64{"a": 0.5, "b": 0.5}
	tests := []struct {
		name      string
		subj, obj map[string]float64
		alpha     float64
		want      string
	}{
		{name: "alpha above 1", subj: ab, obj: ab, alpha: 1.5, want: "α = 1.5 is outside [0, 1]"},
		{name: "alpha negative", subj: ab, obj: ab, alpha: -0.1, want: "α = -0.1 is outside [0, 1]"},
		{name: "alpha NaN", subj: ab, obj: ab, alpha: math.NaN(), want: "α = NaN"},
		{name: "missing objective", subj: map[string]float64{"a": 0.5, "b": 0.3, "c": 0.2}, obj: ab, alpha: 0.5, want: `"c" has a subjective weight but no objective weight`},
		{name: "missing subjective", subj: ab, obj: map[string]float64{"a": 0.5, "b": 0.3, "c": 0.2}, alpha: 0.5, want: `"c" has an objective weight but no subjective weight`},
		{name: "negative", subj: map[string]float64{"a": -1, "b": 2}, obj: ab, alpha: 0.5, want: `subjective: weight of "a" is -1`},
		{name: "zero", subj: ab, obj: map[string]float64{"a": 0, "b": 0}, alpha: 0.5, want: "objective: the weights add up to 0"},
		{name: "empty", subj: map[string]float64{}, obj: map[string]float64{}, alpha: 0.5, want: "subjective: no weights"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := Combined(tc.subj, tc.obj, tc.alpha); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Combined error = %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

func TestTwoLevel(t *testing.T) {
	// Efficiency 40 %: response and handling half each → 0.2, 0.2.
	// Quality 60 %: CSAT 70 %, FTR 30 % → 0.42, 0.18.
	got, err := TwoLevel(
		map[string]float64{"efficiency": 0.4, "quality": 0.6},
		map[string]map[string]float64{
			"efficiency": {"first_response_time": 0.5, "handling_time": 0.5},
			"quality":    {"csat": 0.7, "ftr_rate": 0.3},
		})
	if err != nil {
		t.Fatalf("TwoLevel error: %v", err)
	}
	checkWeights(t, got, map[string]float64{"first_response_time": 0.2, "handling_time": 0.2, "csat": 0.42, "ftr_rate": 0.18})

	// Both levels in percentages give the same weights.
	got, err = TwoLevel(
		map[string]float64{"efficiency": 40, "quality": 60},
		map[string]map[string]float64{
			"efficiency": {"first_response_time": 50, "handling_time": 50},
			"quality":    {"csat": 70, "ftr_rate": 30},
		})
	if err != nil {
		t.Fatalf("TwoLevel(percentages) error: %v", err)
	}
	checkWeights(t, got, map[string]float64{"first_response_time": 0.2, "handling_time": 0.2, "csat": 0.42, "ftr_rate": 0.18})
}

func TestTwoLevelErrors(t *testing.T) {
	cats := map[string]float64{"efficiency": 0.4, "quality": 0.6}
	tests := []struct {
		name   string
		cats   map[string]float64
		within map[string]map[string]float64
		want   string
	}{
		{name: "no metrics", cats: cats, within: map[string]map[string]float64{"efficiency": {"x": 1}}, want: `category "quality" has no metrics`},
		{name: "unknown category", cats: cats, within: map[string]map[string]float64{"efficiency": {"x": 1}, "quality": {"y": 1}, "speed": {"z": 1}}, want: `category "speed", which has no weight`},
		{name: "metric twice", cats: cats, within: map[string]map[string]float64{"efficiency": {"x": 1}, "quality": {"x": 1}}, want: `metric "x" is in categories "efficiency" and "quality"`},
		{name: "negative metric", cats: cats, within: map[string]map[string]float64{"efficiency": {"x": 1}, "quality": {"y": -1, "z": 2}}, want: `category "quality": weight of "y" is -1`},
		{name: "zero categories", cats: map[string]float64{"efficiency": 0}, within: map[string]map[string]float64{"efficiency": {"x": 1}}, want: "categories: the weights add up to 0"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := TwoLevel(tc.cats, tc.within); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("TwoLevel error = %v, want it to contain %q", err, tc.want)
			}
		})
	}
}
