package scoring

import (
	"bytes"
	"context"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/kpidesk/kpidesk/config"
	"github.com/kpidesk/kpidesk/connectors"
)

// TestCSATMetrics: agent a1's complaints resolved in March 2026 were
// rated 5/5, 4/5, 3/5, 8/10 and 2/3; one more was resolved without an
// answer, and one is not resolved (its early rating does not count).
// Positive (≥ 80 % of the scale): 5/5, 4/5, 8/10, so 3 of 5 answers
// (Wilson 0.2307–0.8824); 2/3 is 67 %, not positive. Answered: 5 of 6
// resolved (0.4365–0.9699). Both are metrics like any other: scorecard
// items, gates, CSV rows, evidence; csat's extra keys copy them.
func TestCSATMetrics(t *testing.T) {
	cfg := confidenceConfig(t, `{metric: csat_positive_rate, weight: 0.5, rule: {type: linear, target: 100%, floor: 0%}},
    {metric: csat_response_rate, weight: 0.5, rule: {type: linear, target: 100%, floor: 0%}}`)
	gates, err := config.Parse([]byte("version: 1\ngates: [{unit: agents, metric: csat_positive_rate, min: 70%}]\n"), "gates.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cfg.Gates = gates.Gates
	var cs []connectors.Complaint
	for i, r := range [][2]float64{{5, 5}, {4, 5}, {3, 5}, {8, 10}, {2, 3}, {0, 0}, {5, 5}} {
		c := resolvedComplaint("a1", i, time.Hour, true)
		if r[1] > 0 {
			c.CSAT = &connectors.CSAT{Value: r[0], Scale: r[1], At: c.ResolvedAt}
		}
		if i == 6 {
			c.ResolvedAt = time.Time{}
		}
		cs = append(cs, c)
	}
	outcomes := map[string]map[string]Outcome{}
	s, err := Score(context.Background(), cs, Options{Config: cfg, AsOf: at("2026-04-01T00:00:00Z"), Evidence: func(ev *Evidence) error {
		outcomes[ev.ID] = ev.Outcomes
		return nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	sc := find(t, s, "2026-03", "agent:a1")
	for _, tc := range []struct {
		metric   string
		num, den float64
		interval [2]float64
	}{
		{metric: "csat_positive_rate", num: 3, den: 5, interval: [2]float64{0.2307, 0.8824}},
		{metric: "csat_response_rate", num: 5, den: 6, interval: [2]float64{0.4365, 0.9699}},
	} {
		r := sc.Metrics[tc.metric]
		if r.Numerator != tc.num || r.Denominator != tc.den || r.Value == nil || math.Abs(*r.Value-round6(tc.num/tc.den)) > 1e-12 {
			t.Errorf("%s = %v (%v / %v), want %v / %v", tc.metric, deref(r.Value), r.Numerator, r.Denominator, tc.num, tc.den)
		}
		if !nearIv(r.Interval, tc.interval[0], tc.interval[1], 5e-5) {
			t.Errorf("%s interval = %v, want %v", tc.metric, deref2(r.Interval), tc.interval)
		}
		if want := 100 * round6(tc.num/tc.den); r.Points == nil || math.Abs(*r.Points-want) > 1e-6 || r.Weight != 0.5 {
			t.Errorf("%s points %v weight %v, want %v and 0.5", tc.metric, deref(r.Points), r.Weight, want)
		}
	}
	if want := (60 + 83.3333) / 2; sc.Final == nil || math.Abs(*sc.Final-want) > 1e-6 {
		t.Errorf("final = %v, want %v", deref(sc.Final), want)
	}
	if x := sc.Metrics["csat"].Extra; x["share_positive"] != 0.6 || x["survey_rate"] != 0.833333 {
		t.Errorf("csat extra = %v, want share_positive 0.6, survey_rate 0.833333", x)
	}
	for id, want := range map[string][2]string{
		"x:a1-0003": {Hit, Hit},       // 8 of 10
		"x:a1-0004": {Miss, Hit},      // 2 of 3
		"x:a1-0005": {Excluded, Miss}, // resolved, no answer
		"x:a1-0006": {Excluded, Excluded},
	} {
		got := [2]string{outcomes[id]["csat_positive_rate"].Result, outcomes[id]["csat_response_rate"].Result}
		if got != want {
			t.Errorf("%s outcomes (positive, response) = %v, want %v", id, got, want)
		}
	}
	var gate *GateResult
	for _, g := range CheckGates(cfg, s) {
		if g.Unit.ID == "a1" {
			gate = &g
		}
	}
	if gate == nil || gate.Result != GateFail || gate.Value == nil || *gate.Value != 0.6 {
		t.Errorf("gate on csat_positive_rate for a1 = %+v, want fail at 0.6", gate)
	}
	var csv bytes.Buffer
	if err := WriteCSV(&csv, s); err != nil {
		t.Fatal(err)
	}
	for _, m := range []string{",csat_positive_rate,0.6,3,5,", ",csat_response_rate,0.833333,5,6,"} {
		if !strings.Contains(csv.String(), m) {
			t.Errorf("scores.csv has no row with %q:\n%s", m, csv.String())
		}
	}
}

// TestPositiveRating: at least 80 % of the scale, whatever the scale.
func TestPositiveRating(t *testing.T) {
	for _, tc := range []struct {
		value, scale float64
		want         bool
	}{
		{4, 5, true}, {3, 5, false}, {5, 5, true},
		{8, 10, true}, {7, 10, false},
		{6, 7, true}, {5, 7, false},
		{3, 3, true}, {2, 3, false},
		{80, 100, true}, {79.9, 100, false},
		{1, 0, false},
	} {
		if got := positive(&connectors.CSAT{Value: tc.value, Scale: tc.scale}); got != tc.want {
			t.Errorf("positive(%v of %v) = %v, want %v", tc.value, tc.scale, got, tc.want)
		}
	}
}
