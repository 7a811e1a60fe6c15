package scoring

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/kpidesk/kpidesk/config"
	"github.com/kpidesk/kpidesk/scoring/inputs"
)

// TestInputMetrics scores complaint_rate against orders and two manual
// metrics, one a 360° review weighted by rater, from input rows.
func TestInputMetrics(t *testing.T) {
	cfg := loadTestConfig(t, "testdata/small.yaml")
	cfg.Inputs.Metrics = []config.InputMetric{
		{ID: "employee_satisfaction", Value: "rate"},
		{ID: "review_360", Raters: map[string]float64{"self": 0.2, "supervisor": 0.5, "qa": 0.3}},
	}
	in, err := inputs.Parse(strings.NewReader(`metric,unit,period,value,rater
orders,org,2026-03,2000,
orders,team:t1,2026-01,100,
orders,team:t1,2026-02,100,
orders,team:t1,2026-03,50,
employee_satisfaction,team:t1,2026-03,82%,
review_360,agent:a1,2026-03,90,self
review_360,agent:a1,2026-03,80,supervisor
review_360,agent:a1,2026-03,70,qa
`), "in.csv")
	if err != nil {
		t.Fatal(err)
	}
	s, err := Score(context.Background(), smallFixture(), Options{Config: cfg, AsOf: at("2026-03-31T00:00:00Z"), Inputs: in})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		period, unit, metric string
		value, num, den      float64
	}{
		// 5 complaints in March over 2,000 orders.
		{"2026-03", "org:org", "complaint_rate", 0.0025, 5, 2000},
		// Q1 has no row of its own: the three months' orders add up (250).
		{"2026-Q1", "team:t1", "complaint_rate", 0.02, 5, 250},
		{"2026-03", "team:t1", "employee_satisfaction", 0.82, 0.82, 1},
		// 0.2 × 90 + 0.5 × 80 + 0.3 × 70 = 79.
		{"2026-03", "agent:a1", "review_360", 79, 79, 3},
	}
	for _, tc := range tests {
		r := find(t, s, tc.period, tc.unit).Metrics[tc.metric]
		if r.Value == nil || math.Abs(*r.Value-tc.value) > 1e-9 || r.Numerator != tc.num || r.Denominator != tc.den {
			t.Errorf("%s %s %s = %v (%v/%v), want %v (%v/%v)", tc.period, tc.unit, tc.metric, deref(r.Value), r.Numerator, r.Denominator, tc.value, tc.num, tc.den)
		}
	}
	// Q1 of the organization has March only: no complete volume.
	if r := find(t, s, "2026-Q1", "org:org").Metrics["complaint_rate"]; r.Value != nil || r.Status != StatusInsufficient {
		t.Errorf("org Q1 complaint_rate = %v (%s), want none: January and February orders are missing", deref(r.Value), r.Status)
	}
	// A quarter without its own row needs a row for each of its months:
	// March alone does not cover it.
	if r := find(t, s, "2026-Q1", "agent:a1").Metrics["review_360"]; r.Value != nil || r.Status != StatusInsufficient {
		t.Errorf("a1 Q1 review_360 = %v (%s), want none: January and February rows are missing", deref(r.Value), r.Status)
	}
	if r := find(t, s, "2026-03", "agent:a2").Metrics["review_360"]; r.Value != nil || r.Status != StatusInsufficient {
		t.Errorf("a2 review_360 = %v, want none", deref(r.Value))
	}
}
