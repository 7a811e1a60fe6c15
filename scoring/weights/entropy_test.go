package weights

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// names returns c1, c2, … cn.
func names(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s%d", prefix, i+1)
	}
	return out
}

// Published worked examples of the entropy weight method with p = x/Σx
// (the default sum normalization). The expected weights are the papers'
// figures, as also used by the test suite of energyinpython/pyrepo-mcda
// (tests/test_weighting_methods.py), which applies the same formulas.
var publishedEntropy = []struct {
	name   string
	source string
	values [][]float64
	want   []float64
	tol    float64
}{
	{
		name: "Xu 2004",
		// Xu, X. (2004), "A note on the subjective and objective integrated
		// approach to determine attribute weights", European Journal of
		// Operational Research 156(2), 530–532, doi:10.1016/S0377-2217(03)00146-2,
		// the numerical example (4 alternatives × 4 attributes). The fourth
		// attribute barely varies (29, 29, 28.9, 29) and gets weight 0.0000.
		values: [][]float64{
			{30, 30, 38, 29},
			{19, 54, 86, 29},
			{19, 15, 85, 28.9},
			{68, 70, 60, 29},
		},
		want: []float64{0.4630, 0.3992, 0.1378, 0.0000},
		tol:  5e-5,
	},
	{
		name: "Zavadskas and Podvezko 2016",
		// Zavadskas, E. K. and Podvezko, V. (2016), "Integrated determination
		// of objective criteria weights in MCDM", International Journal of
		// Information Technology & Decision Making 15(2), 267–283,
		// doi:10.1142/S0219622016500036, the illustrative example
		// (4 alternatives × 4 criteria), entropy weights.
		values: [][]float64{
			{3.0, 100, 10, 7},
			{2.5, 80, 8, 5},
			{1.8, 50, 20, 11},
			{2.2, 70, 12, 9},
		},
		want: []float64{0.1146, 0.1981, 0.4185, 0.2689},
		tol:  5e-5,
	},
	{
		name: "Lee and Chang 2018",
		// Lee, H. C. and Chang, C. T. (2018), "Comparative analysis of MCDM
		// methods for ranking renewable energy sources in Taiwan", Renewable
		// and Sustainable Energy Reviews 92, 883–896,
		// doi:10.1016/j.rser.2018.05.007, entropy weights of the ten
		// criteria for five energy sources (given to 3 decimals).
		values: [][]float64{
			{4550, 30, 6.74, 20, 15, 5, 85, 150, 0.87, 4.76},
			{3005, 60.86, 2.4, 35, 27, 4, 26, 200, 0.17, 4.51},
			{2040, 14.85, 1.7, 90, 25, 5, 26, 500, 0.27, 4.19},
			{3370, 99.4, 3.25, 25.3, 54, 3, 45, 222, 0.21, 3.78},
			{3920, 112.6, 4.93, 11.4, 71.7, 2, 50, 100, 0.25, 4.11},
		},
		want: []float64{0.026, 0.154, 0.089, 0.199, 0.115, 0.04, 0.08, 0.123, 0.172, 0.002},
		tol:  5e-4,
	},
}

func TestEntropyPublished(t *testing.T) {
	for _, tc := range publishedEntropy {
		t.Run(tc.name, func(t *testing.T) {
			criteria := names("c", len(tc.want))
			res, err := Entropy(criteria, names("a", len(tc.values)), tc.values, EntropyOptions{})
			if err != nil {
				t.Fatalf("Entropy error: %v", err)
			}
			sum := 0.0
			for j, c := range criteria {
				if got := res.Weights[c]; !near(got, tc.want[j], tc.tol) {
					t.Errorf("weight of %s = %.5f, want %.4f", c, got, tc.want[j])
				}
				if !near(res.Divergence[c], 1-res.Entropy[c], 1e-15) {
					t.Errorf("divergence of %s = %v, want 1 − %v", c, res.Divergence[c], res.Entropy[c])
				}
				sum += res.Weights[c]
			}
			if !near(sum, 1, 1e-12) {
				t.Errorf("weights add up to %v, want 1", sum)
			}
			if len(res.Constant) != 0 {
				t.Errorf("Constant = %v, want none", res.Constant)
			}
		})
	}
}

// plogp is the entropy term −Σ p ln p of shares p, for the hand-computed
// expectations below.
func plogp(p ...float64) float64 {
	h := 0.0
	for _, x := range p {
		if x > 0 {
			h -= x * math.Log(x)
		}
	}
	return h
}

func TestEntropyHand(t *testing.T) {
	ln2, ln3 := math.Log(2), math.Log(3)
	tests := []struct {
		name      string
		criteria  []string
		values    [][]float64
		opt       EntropyOptions
		entropy   []float64
		weights   []float64
		constant  []string
		tolerance float64
	}{
		{
			// x = (1, 3): p = ¼, ¾, e = 0.811278; y = (0, 4): p = 0, 1, so
			// 0·ln 0 = 0 and e = 0. d = 0.188722, 1; w = d/1.188722.
			name:     "two units, zero share",
			criteria: []string{"x", "y"},
			values:   [][]float64{{1, 0}, {3, 4}},
			entropy:  []float64{plogp(0.25, 0.75) / ln2, 0},
			weights:  []float64{0.158760, 0.841240},
		},
		{
			// c = (5, 5, 5) has no variation: every share is ⅓, e = 1, d = 0,
			// weight 0, listed as constant. x = (1, 2, 3): p = ⅙, ⅓, ½,
			// e = 0.920620, and takes all the weight.
			name:     "constant column",
			criteria: []string{"x", "c"},
			values:   [][]float64{{1, 5}, {2, 5}, {3, 5}},
			entropy:  []float64{plogp(1.0/6, 1.0/3, 0.5) / ln3, 1},
			weights:  []float64{1, 0},
			constant: []string{"c"},
		},
		{
			// An all-zero column has no shares: treated as constant.
			name:     "all-zero column",
			criteria: []string{"zero", "x"},
			values:   [][]float64{{0, 1}, {0, 2}, {0, 3}},
			entropy:  []float64{1, plogp(1.0/6, 1.0/3, 0.5) / ln3},
			weights:  []float64{0, 1},
			constant: []string{"zero"},
		},
		{
			// Scaling a column does not change its shares or its weight.
			name:     "scale invariant",
			criteria: []string{"x", "x100"},
			values:   [][]float64{{1, 100}, {2, 200}, {3, 300}},
			entropy:  []float64{plogp(1.0/6, 1.0/3, 0.5) / ln3, plogp(1.0/6, 1.0/3, 0.5) / ln3},
			weights:  []float64{0.5, 0.5},
		},
		{
			// minmax, time lower-better: (10, 20, 40) → z = (40 − v)/30 =
			// 1, ⅔, 0 → p = 0.6, 0.4, 0, e = 0.612602. csat higher-better:
			// (80, 90, 70) → z = 0.5, 1, 0 → p = ⅓, ⅔, 0, e = 0.579380.
			// d = 0.387398, 0.420620 → w = 0.479442, 0.520558.
			name:     "minmax lower-better",
			criteria: []string{"time", "csat"},
			values:   [][]float64{{10, 80}, {20, 90}, {40, 70}},
			opt:      EntropyOptions{Normalize: "minmax", LowerBetter: map[string]bool{"time": true}},
			entropy:  []float64{plogp(0.6, 0.4) / ln3, plogp(1.0/3, 2.0/3) / ln3},
			weights:  []float64{0.479442, 0.520558},
		},
		{
			// The same data without the reversal: time z = 0, ⅓, 1 →
			// p = 0, ¼, ¾, e = 0.511860; so the direction matters here.
			// d = 0.488140, 0.420620 → w = 0.537151, 0.462849.
			name:     "minmax higher-better",
			criteria: []string{"time", "csat"},
			values:   [][]float64{{10, 80}, {20, 90}, {40, 70}},
			opt:      EntropyOptions{Normalize: "minmax"},
			entropy:  []float64{plogp(0.25, 0.75) / ln3, plogp(1.0/3, 2.0/3) / ln3},
			weights:  []float64{0.537151, 0.462849},
		},
		{
			// minmax accepts negative values (it is shift invariant) and
			// treats a constant column as weight 0.
			name:     "minmax negative and constant",
			criteria: []string{"delta", "flat"},
			values:   [][]float64{{-5, 2}, {0, 2}, {5, 2}},
			opt:      EntropyOptions{Normalize: "minmax"},
			entropy:  []float64{plogp(1.0/3, 2.0/3) / ln3, 1},
			weights:  []float64{1, 0},
			constant: []string{"flat"},
		},
		{
			// Under sum, lower-better does not change the shares.
			name:     "sum ignores direction",
			criteria: []string{"x", "y"},
			values:   [][]float64{{1, 0}, {3, 4}},
			opt:      EntropyOptions{Normalize: "sum", LowerBetter: map[string]bool{"x": true}},
			entropy:  []float64{plogp(0.25, 0.75) / ln2, 0},
			weights:  []float64{0.158760, 0.841240},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			units := names("u", len(tc.values))
			res, err := Entropy(tc.criteria, units, tc.values, tc.opt)
			if err != nil {
				t.Fatalf("Entropy error: %v", err)
			}
			for j, c := range tc.criteria {
				if !near(res.Entropy[c], tc.entropy[j], 1e-12) {
					t.Errorf("entropy of %s = %.6f, want %.6f", c, res.Entropy[c], tc.entropy[j])
				}
				if !near(res.Weights[c], tc.weights[j], 2e-6) { // hand figures have 6 decimals
					t.Errorf("weight of %s = %.6f, want %.6f", c, res.Weights[c], tc.weights[j])
				}
			}
			if diff := cmp.Diff(tc.constant, res.Constant); diff != "" {
				t.Errorf("Constant mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(units, res.Units); diff != "" {
				t.Errorf("Units mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestEntropyErrors(t *testing.T) {
	two := []string{"a", "b"}
	tests := []struct {
		name     string
		criteria []string
		units    []string
		values   [][]float64
		opt      EntropyOptions
		want     string
	}{
		{name: "one unit", criteria: two, units: []string{"north"}, values: [][]float64{{1, 2}},
			want: "1 unit(s), the entropy method needs at least 2"},
		{name: "no units", criteria: two, units: nil, values: nil,
			want: "0 unit(s)"},
		{name: "negative", criteria: []string{"csat", "frt"}, units: []string{"north", "south"}, values: [][]float64{{1, 2}, {3, -4}},
			want: `unit "south", criterion "frt": -4 is negative`},
		{name: "NaN", criteria: two, units: []string{"n", "s"}, values: [][]float64{{1, math.NaN()}, {3, 4}},
			want: `unit "n", criterion "b": NaN is not a number`},
		{name: "all constant", criteria: two, units: []string{"n", "s"}, values: [][]float64{{1, 0}, {1, 0}},
			want: "no criterion varies across the units"},
		{name: "short row", criteria: two, units: []string{"n", "s"}, values: [][]float64{{1, 2}, {3}},
			want: `unit "s" has 1 values for 2 criteria`},
		{name: "rows", criteria: two, units: []string{"n", "s"}, values: [][]float64{{1, 2}},
			want: "1 rows of values for 2 units"},
		{name: "normalization", criteria: two, units: []string{"n", "s"}, values: [][]float64{{1, 2}, {3, 4}}, opt: EntropyOptions{Normalize: "zscore"},
			want: `unknown normalization "zscore" (known: sum, minmax)`},
		{name: "lower-better typo", criteria: two, units: []string{"n", "s"}, values: [][]float64{{1, 2}, {3, 4}}, opt: EntropyOptions{LowerBetter: map[string]bool{"c": true}},
			want: `lower-better criterion "c" is not among the criteria`},
		{name: "duplicate unit", criteria: two, units: []string{"n", "n"}, values: [][]float64{{1, 2}, {3, 4}},
			want: `unit "n" is listed twice`},
		{name: "duplicate criterion", criteria: []string{"a", "a"}, units: []string{"n", "s"}, values: [][]float64{{1, 2}, {3, 4}},
			want: `criterion "a" is listed twice`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Entropy(tc.criteria, tc.units, tc.values, tc.opt)
			if err == nil {
				t.Fatalf("Entropy = %+v, want an error containing %q", res, tc.want)
			}
			if !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "entropy weights: ") {
				t.Errorf("error = %q, want it to start with \"entropy weights: \" and contain %q", err, tc.want)
			}
		})
	}
}

func TestEntropyJSON(t *testing.T) {
	res, err := Entropy([]string{"x", "y", "c"}, []string{"u1", "u2"}, [][]float64{{1, 0, 2}, {3, 4, 2}}, EntropyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"weights":{"c":0,"x":0.15876,"y":0.84124},"entropy":{"c":1,"x":0.811278,"y":0},"divergence":{"c":0,"x":0.188722,"y":1}}`
	if string(got) != want {
		t.Errorf("json.Marshal(Entropy) =\n%s\nwant\n%s", got, want)
	}
}
