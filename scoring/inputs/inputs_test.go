package inputs_test

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/kpidesk/kpidesk/scoring/inputs"
)

const reviews = `review_360:
  agent:a1:
    2025-10: {self: 90, supervisor: 80, qa: 70}
    2025-11: {self: 90, supervisor: 80}
    2025-12: {peer: 60, self: 90}
  agent:a2:
    2025-10: {self: 100}
    2025-11: 84
attitude:
  agent:a1:
    2025-10: 4.5
  org:
    2025: 4.2
`

func mustParse(t *testing.T, name, text string) *inputs.Set {
	t.Helper()
	s, err := inputs.Parse(strings.NewReader(text), name)
	if err != nil {
		t.Fatalf("Parse %s: %v", name, err)
	}
	return s
}

func TestValue(t *testing.T) {
	s := mustParse(t, "r.yaml", reviews)
	w360 := map[string]float64{"self": 0.2, "supervisor": 0.5, "qa": 0.3}
	tests := []struct {
		name                 string
		metric, unit, period string
		weights              map[string]float64
		want                 float64
		wantOK               bool
		wantRaters           []string
	}{
		{
			// 0.2·90 + 0.5·80 + 0.3·70 = 18 + 40 + 21 = 79
			name: "weighted mean of three raters", metric: "review_360", unit: "agent:a1", period: "2025-10",
			weights: w360, want: 79, wantOK: true, wantRaters: []string{"qa", "self", "supervisor"},
		},
		{
			// no QA row: (0.2·90 + 0.5·80) / (0.2 + 0.5) = 58 / 0.7
			name: "missing rater renormalized", metric: "review_360", unit: "agent:a1", period: "2025-11",
			weights: w360, want: 58 / 0.7, wantOK: true, wantRaters: []string{"self", "supervisor"},
		},
		{
			name: "weights that do not sum to 1 are normalized", metric: "review_360", unit: "agent:a1", period: "2025-10",
			weights: map[string]float64{"self": 2, "supervisor": 5, "qa": 3}, want: 79, wantOK: true, wantRaters: []string{"qa", "self", "supervisor"},
		},
		{
			name: "nil weights: plain mean", metric: "review_360", unit: "agent:a1", period: "2025-10",
			want: 80, wantOK: true, wantRaters: []string{"qa", "self", "supervisor"},
		},
		{
			name: "empty weights: plain mean", metric: "review_360", unit: "agent:a1", period: "2025-12",
			weights: map[string]float64{}, want: 75, wantOK: true, wantRaters: []string{"peer", "self"},
		},
		{
			name: "one rater present", metric: "review_360", unit: "agent:a2", period: "2025-10",
			weights: w360, want: 100, wantOK: true, wantRaters: []string{"self"},
		},
		{
			name: "rater without weight: not ok, rows given", metric: "review_360", unit: "agent:a1", period: "2025-12",
			weights: w360, wantOK: false, wantRaters: []string{"peer", "self"},
		},
		{
			name: "raters all of weight 0: not ok", metric: "review_360", unit: "agent:a2", period: "2025-10",
			weights: map[string]float64{"self": 0, "supervisor": 1}, wantOK: false, wantRaters: []string{"self"},
		},
		{
			name: "a value without rater ignores weights", metric: "review_360", unit: "agent:a2", period: "2025-11",
			weights: w360, want: 84, wantOK: true, wantRaters: []string{""},
		},
		{
			name: "org is org:org", metric: "attitude", unit: "org", period: "2025",
			want: 4.2, wantOK: true, wantRaters: []string{""},
		},
		{
			name: "org:org", metric: "attitude", unit: "org:org", period: "2025",
			want: 4.2, wantOK: true, wantRaters: []string{""},
		},
		{name: "no such period", metric: "attitude", unit: "agent:a1", period: "2025-11"},
		{name: "no such unit", metric: "attitude", unit: "agent:a3", period: "2025-10"},
		{name: "no such metric", metric: "orders", unit: "agent:a1", period: "2025-10"},
		{name: "a quarter is not its months", metric: "review_360", unit: "agent:a1", period: "2025-Q4"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v, ok, rows := s.Value(tc.metric, tc.unit, tc.period, tc.weights)
			if ok != tc.wantOK || math.Abs(v-tc.want) > 1e-9 {
				t.Errorf("Value(%s, %s, %s) = %v, %v, want %v, %v", tc.metric, tc.unit, tc.period, v, ok, tc.want, tc.wantOK)
			}
			var raters []string
			for _, r := range rows {
				raters = append(raters, r.Rater)
				if r.Metric != tc.metric || r.Period != tc.period || r.File != "r.yaml" || r.Line == 0 {
					t.Errorf("Value(%s, %s, %s) row %+v is not one of its rows", tc.metric, tc.unit, tc.period, r)
				}
			}
			if diff := cmp.Diff(tc.wantRaters, raters); diff != "" {
				t.Errorf("Value(%s, %s, %s) raters (-want +got):\n%s", tc.metric, tc.unit, tc.period, diff)
			}
		})
	}
}

func TestValueRowsAreCopies(t *testing.T) {
	s := mustParse(t, "r.yaml", reviews)
	_, _, rows := s.Value("attitude", "agent:a1", "2025-10", nil)
	rows[0].Value = 0
	s.Rows()[0].Value = 0
	if v, _, _ := s.Value("attitude", "agent:a1", "2025-10", nil); v != 4.5 {
		t.Errorf("Value after changing returned rows = %v, want 4.5", v)
	}
}

func TestNilSet(t *testing.T) {
	var s *inputs.Set
	if v, ok, rows := s.Value("orders", "org", "2025", nil); ok || v != 0 || rows != nil {
		t.Errorf("nil Set Value = %v, %v, %v; want 0, false, nil", v, ok, rows)
	}
	if s.Metrics() != nil || s.Rows() != nil || s.Len() != 0 || s.Validate(map[string]map[string]float64{"x": {"a": 1}}) != nil {
		t.Error("nil Set is not empty")
	}
}

func TestValidate(t *testing.T) {
	s := mustParse(t, "r.yaml", reviews)
	tests := []struct {
		name    string
		weights map[string]map[string]float64
		want    string
	}{
		{
			name: "no weights: plain means, nothing to check",
		},
		{
			name:    "unknown rater positioned",
			weights: map[string]map[string]float64{"review_360": {"self": 0.2, "supervisor": 0.5, "qa": 0.3}},
			want:    `r.yaml:5: rater: unknown rater "peer" for review_360 (known: qa, self, supervisor)`,
		},
		{
			name:    "every rater known",
			weights: map[string]map[string]float64{"review_360": {"self": 0.2, "supervisor": 0.4, "qa": 0.3, "peer": 0.1}},
		},
		{
			name:    "only raters of weight 0",
			weights: map[string]map[string]float64{"review_360": {"self": 0, "supervisor": 0.5, "qa": 0.5, "peer": 0}},
			want:    "r.yaml:5: rater: review_360 for agent:a1 in 2025-12 has only raters of weight 0 (peer, self)\nr.yaml:7: rater: review_360 for agent:a2 in 2025-10 has only raters of weight 0 (self)",
		},
		{
			name:    "bad weights, then rows",
			weights: map[string]map[string]float64{"review_360": {"self": -1, "supervisor": math.NaN(), "qa": 1}},
			want:    "weights.review_360.self: -1 is not a finite weight ≥ 0\nweights.review_360.supervisor: NaN is not a finite weight ≥ 0\nr.yaml:5: rater: unknown rater \"peer\" for review_360 (known: qa, self, supervisor)",
		},
		{
			name:    "empty weights: plain mean, not checked",
			weights: map[string]map[string]float64{"review_360": {}},
		},
		{
			name:    "a metric without raters is not checked",
			weights: map[string]map[string]float64{"attitude": {"self": 1}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := s.Validate(tc.weights)
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tc.want {
				t.Errorf("Validate error:\n%s\nwant:\n%s", got, tc.want)
			}
		})
	}
}

func TestMerge(t *testing.T) {
	base := mustParse(t, "base.csv", "metric,unit,period,value,rater\n"+
		"orders,team:t1,2025-10,100,\n"+
		"orders,team:t2,2025-10,200,\n"+
		"review_360,agent:a1,2025-10,90,self\n"+
		"review_360,agent:a1,2025-10,70,qa\n")
	fix := mustParse(t, "fix.yaml", "orders:\n  team:t2:\n    2025-10: 250\nreview_360:\n  agent:a1:\n    2025-10: {supervisor: 80}\n")
	more := mustParse(t, "more.csv", "metric,unit,period,value\nqa_score,agent:a1,2025-10,92\n")

	got := inputs.Merge(base, nil, fix, more)
	want := []inputs.Row{
		{Metric: "orders", Unit: "team:t1", Period: "2025-10", Value: 100, File: "base.csv", Line: 2},
		{Metric: "orders", Unit: "team:t2", Period: "2025-10", Value: 250, File: "fix.yaml", Line: 3},
		{Metric: "qa_score", Unit: "agent:a1", Period: "2025-10", Value: 92, File: "more.csv", Line: 2},
		// the correction replaces the whole review, not just one rater
		{Metric: "review_360", Unit: "agent:a1", Period: "2025-10", Value: 80, Rater: "supervisor", File: "fix.yaml", Line: 6},
	}
	if diff := cmp.Diff(want, got.Rows()); diff != "" {
		t.Errorf("Merge rows (-want +got):\n%s", diff)
	}
	if v, ok, _ := got.Value("orders", "team:t2", "2025-10", nil); !ok || v != 250 {
		t.Errorf("merged Value(orders, team:t2, 2025-10) = %v, %v, want 250, true", v, ok)
	}
	if n := base.Len(); n != 4 {
		t.Errorf("Merge changed its input: base has %d rows, want 4", n)
	}
	if v, _, _ := base.Value("orders", "team:t2", "2025-10", nil); v != 200 {
		t.Errorf("Merge changed its input: base orders = %v, want 200", v)
	}
	if diff := cmp.Diff([]string{"orders", "qa_score", "review_360"}, got.Metrics()); diff != "" {
		t.Errorf("merged Metrics (-want +got):\n%s", diff)
	}
	if n := inputs.Merge().Len(); n != 0 {
		t.Errorf("Merge() has %d rows, want 0", n)
	}
	// Merge in the other order: the base wins.
	if v, _, _ := inputs.Merge(fix, base).Value("orders", "team:t2", "2025-10", nil); v != 200 {
		t.Errorf("Merge(fix, base) orders = %v, want 200", v)
	}
}

func TestMetrics(t *testing.T) {
	s := mustParse(t, "m.csv", "metric,unit,period,value\nqa_score,org,2025,1\norders,org,2025,1\norders,org,2026,1\nattitude,org,2025,1\n")
	if diff := cmp.Diff([]string{"attitude", "orders", "qa_score"}, s.Metrics(), cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("Metrics (-want +got):\n%s", diff)
	}
}

func ExampleSet_Value() {
	review := `review_360:
  agent:li.wei:
    2025-10: {self: 90, supervisor: 80, qa: 70}
    2025-11: {self: 90, supervisor: 80}
`
	s, err := inputs.Parse(strings.NewReader(review), "review.yaml")
	if err != nil {
		fmt.Println(err)
		return
	}
	weights := map[string]float64{"self": 0.2, "supervisor": 0.5, "qa": 0.3}
	for _, period := range []string{"2025-10", "2025-11"} {
		v, ok, rows := s.Value("review_360", "agent:li.wei", period, weights)
		fmt.Printf("%s: %.2f %v from %d raters\n", period, v, ok, len(rows))
	}
	// Output:
	// 2025-10: 79.00 true from 3 raters
	// 2025-11: 82.86 true from 2 raters
}
