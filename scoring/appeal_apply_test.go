package scoring

import (
	"context"
	"math"
	"testing"

	"github.com/kpidesk/kpidesk/scoring/appeals"
)

// TestAppealsApplied: A-1 excludes t:5 (response rate 2/4 → 2/3), A-2
// corrects t:3's first response to Monday 10:00 (9 h → 2 h of business
// time), A-3 overrides team t1's FTR points with 90, A-4 is in progress and
// changes nothing but is listed on a1's scorecard.
func TestAppealsApplied(t *testing.T) {
	cfg := loadTestConfig(t, "testdata/small.yaml")
	cfg.Metrics.MinSample = 1
	f, err := appeals.Load("testdata/appeals.yaml")
	if err != nil {
		t.Fatal(err)
	}
	s, err := Score(context.Background(), smallFixture(), Options{Config: cfg, AsOf: at("2026-03-31T00:00:00Z"), Appeals: f})
	if err != nil {
		t.Fatal(err)
	}
	org := find(t, s, "2026-03", "org:org")
	if r := org.Metrics["response_rate"]; r.Numerator != 2 || r.Denominator != 3 {
		t.Errorf("response_rate = %v/%v, want 2/3 with t:5 excluded", r.Numerator, r.Denominator)
	}
	// 1 h, 2 h, and t:3 now 2 h (Fri 16–17, Mon 9–10): mean 5/3 h.
	if r := org.Metrics["first_response_time"]; math.Abs(*r.Value-6000) > 1e-6 {
		t.Errorf("first_response_time = %v, want 6000 s", *r.Value)
	}
	team := find(t, s, "2026-03", "team:t1")
	if r := team.Metrics["ftr_rate"]; r.Points == nil || *r.Points != 90 {
		t.Errorf("team t1 ftr_rate points = %v, want 90 (appeal A-3)", deref(r.Points))
	}
	if !equal(team.Appeals, []string{"A-3"}) {
		t.Errorf("team t1 appeals = %v, want [A-3]", team.Appeals)
	}
	if a1 := find(t, s, "2026-03", "agent:a1"); !equal(a1.Appeals, []string{"A-1", "A-4"}) {
		t.Errorf("a1 appeals = %v, want [A-1 A-4]", a1.Appeals)
	}
	// Without the appeals file nothing changes: the golden scores hold.
	plain, err := Score(context.Background(), smallFixture(), Options{Config: cfg, AsOf: at("2026-03-31T00:00:00Z")})
	if err != nil {
		t.Fatal(err)
	}
	if r := find(t, plain, "2026-03", "org:org").Metrics["response_rate"]; r.Denominator != 4 {
		t.Errorf("without appeals response_rate denominator = %v, want 4", r.Denominator)
	}
	// An accepted appeal without a metric takes t:5, open at as_of, out of
	// every metric: the backlog too.
	all, err := appeals.Parse([]byte(`- id: A-9
  unit: agent:a1
  period: 2026-03
  complaints: [t:5]
  claim: t:5 was a test ticket.
  filed: 2026-04-01
  stage: closed
  history:
    - {stage: hr_review, date: 2026-04-02}
    - {stage: data_recheck, date: 2026-04-03}
    - {stage: three_party_meeting, date: 2026-04-06}
    - {stage: agreement, date: 2026-04-06}
  decision:
    outcome: accepted
    by: three_party_meeting
    date: 2026-04-06
    reason: A test ticket is not a complaint.
    changes:
      - exclude: t:5
`), "all.yaml")
	if err != nil {
		t.Fatal(err)
	}
	excl, err := Score(context.Background(), smallFixture(), Options{Config: cfg, AsOf: at("2026-03-31T00:00:00Z"), Appeals: all})
	if err != nil {
		t.Fatal(err)
	}
	with, without := find(t, excl, "2026-03", "org:org").Metrics["backlog"], find(t, plain, "2026-03", "org:org").Metrics["backlog"]
	if with.Value == nil || without.Value == nil || *with.Value != *without.Value-1 {
		t.Errorf("backlog = %v with A-9, %v without; want one less with t:5 excluded", deref(with.Value), deref(without.Value))
	}
}
