package scoring

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kpidesk/kpidesk/config"
	"github.com/kpidesk/kpidesk/connectors"
	"github.com/kpidesk/kpidesk/connectors/demo"
)

// confidenceConfig scores agents of one team on an always-open calendar
// (business time is wall time), one month at a time, with min_sample 1
// and the default grades (excellent ≥ 90, meets ≥ 70).
func confidenceConfig(t *testing.T, items string) *config.Config {
	t.Helper()
	cfg, err := config.Parse([]byte(`version: 1
calendar: c
calendars: {c: {timezone: UTC, always: true}}
teams: [{id: t, calendar: c}]
periods: [month]
metrics: {min_sample: 1}
scorecards:
  - {id: s, units: [agent], items: [`+items+`]}
`), "confidence.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// resolvedComplaint is a complaint of team t created on 2 March 2026 at
// 00:00Z plus n minutes, answered an hour later and resolved after
// handling; ftr says whether it took at most one public agent reply.
func resolvedComplaint(agent string, n int, handling time.Duration, ftr bool) connectors.Complaint {
	created := at("2026-03-02T00:00:00Z").Add(time.Duration(n) * time.Minute)
	replies := 1
	if !ftr {
		replies = 3
	}
	return connectors.Complaint{ID: fmt.Sprintf("x:%s-%04d", agent, n), Kind: connectors.KindComplaint, Team: "t", Assignee: agent,
		CreatedAt: created, FirstResponseAt: created.Add(time.Hour), ResolvedAt: created.Add(handling), AgentReplies: replies}
}

// ftrComplaints gives agent hits of total complaints a first-contact
// resolution.
func ftrComplaints(agent string, hits, total int) []connectors.Complaint {
	var cs []connectors.Complaint
	for i := range total {
		cs = append(cs, resolvedComplaint(agent, i, 2*time.Hour, i < hits))
	}
	return cs
}

func scoreMarch(t *testing.T, cfg *config.Config, cs []connectors.Complaint) *Scores {
	t.Helper()
	s, err := Score(context.Background(), cs, Options{Config: cfg, AsOf: at("2026-04-01T00:00:00Z")})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func nearIv(got *[2]float64, lo, hi, tol float64) bool {
	return got != nil && math.Abs(got[0]-lo) <= tol && math.Abs(got[1]-hi) <= tol
}

// TestRateInterval: 3 first-contact resolutions of 4 have the Wilson
// interval 0.3006–0.9544 (z = 1.95996: centre (3 + z²/2)/(4 + z²) =
// 0.62753, half-width z·√(3·1/4 + z²/4)/(4 + z²) = 0.32689).
func TestRateInterval(t *testing.T) {
	cfg := confidenceConfig(t, `{metric: ftr_rate, weight: 1, rule: {type: linear, target: 100%, floor: 0%}}`)
	s := scoreMarch(t, cfg, ftrComplaints("a1", 3, 4))
	r := find(t, s, "2026-03", "agent:a1").Metrics["ftr_rate"]
	if !nearIv(r.Interval, 0.3006, 0.9544, 5e-5) {
		t.Errorf("ftr_rate 3/4 interval = %v, want [0.3006 0.9544]", deref2(r.Interval))
	}
	// A count has no interval; a duration's value is a mean, not a rate.
	if v := find(t, s, "2026-03", "agent:a1").Metrics["volume"]; v.Interval != nil {
		t.Errorf("volume interval = %v, want none", *v.Interval)
	}
	// scores.csv carries it: interval_low and interval_high of the row.
	var buf bytes.Buffer
	if err := WriteCSV(&buf, s); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := func(name string) int { return slices.Index(rows[0], name) }
	found := false
	for _, row := range rows[1:] {
		if row[col("period")] == "2026-03" && row[col("unit_id")] == "a1" && row[col("metric")] == "ftr_rate" {
			found = true
			lo, _ := strconv.ParseFloat(row[col("interval_low")], 64)
			hi, _ := strconv.ParseFloat(row[col("interval_high")], 64)
			if !nearIv(&[2]float64{lo, hi}, 0.3006, 0.9544, 5e-5) {
				t.Errorf("scores.csv ftr_rate interval = %s–%s, want 0.3006–0.9544", row[col("interval_low")], row[col("interval_high")])
			}
		}
	}
	if !found {
		t.Error("scores.csv has no ftr_rate row for a1 in 2026-03")
	}
}

// TestDurationIntervals: handling times of 1, 2, …, n hours.
//   - n = 10: the median's ranks are 2 and 9 (Campbell & Gardner; 97.9 %),
//     so 2 h–9 h; p90 needs n ≥ 36 and the mean n ≥ 30: none.
//   - n = 40: the median's ranks are 14 and 27 (96.2 %), p90's 32 and 40
//     (96.97 %), exact binomial sums; the mean 20.5 h with s = 11.6905 h
//     has the t interval 20.5 ± t(0.975, 39) · s/√40 = 20.5 ± 2.0227 ·
//     1.84842 = 16.7612 h–24.2388 h.
func TestDurationIntervals(t *testing.T) {
	cfg := confidenceConfig(t, `{metric: handling_time, weight: 1, rule: {type: linear, direction: lower, target: 20h, floor: 30h}}`)
	hours := func(n int) []connectors.Complaint {
		var cs []connectors.Complaint
		for i := range n {
			cs = append(cs, resolvedComplaint("a1", i, time.Duration(i+1)*time.Hour, true))
		}
		return cs
	}
	const h = 3600.0
	r := find(t, scoreMarch(t, cfg, hours(10)), "2026-03", "agent:a1").Metrics["handling_time"]
	if !nearIv(r.MedianInterval, 2*h, 9*h, 0) {
		t.Errorf("n = 10: median interval = %v, want [7200 32400]", deref2(r.MedianInterval))
	}
	if r.P90Interval != nil || r.MeanInterval != nil {
		t.Errorf("n = 10: p90 interval %v, mean interval %v, want none (too few)", deref2(r.P90Interval), deref2(r.MeanInterval))
	}
	sc := find(t, scoreMarch(t, cfg, hours(40)), "2026-03", "agent:a1")
	r = sc.Metrics["handling_time"]
	if !nearIv(r.MedianInterval, 14*h, 27*h, 0) || !nearIv(r.P90Interval, 32*h, 40*h, 0) {
		t.Errorf("n = 40: median interval %v, p90 interval %v, want [14h 27h] and [32h 40h]", deref2(r.MedianInterval), deref2(r.P90Interval))
	}
	if !nearIv(r.MeanInterval, 16.7612*h, 24.2388*h, 0.0001*h) {
		t.Errorf("n = 40: mean interval = %v h, want [16.7612 24.2388] h", scale2(r.MeanInterval, 1/h))
	}
	// The rule scores the mean, 20.5 h, at 95 points (excellent); within
	// its interval it scores 57.6–100: borderline on handling time.
	if *sc.Final != 95 || !sc.Borderline || !slices.Equal(sc.BorderlineMetrics, []string{"handling_time"}) {
		t.Errorf("final %v, borderline %v %v, want 95, true [handling_time]", *sc.Final, sc.Borderline, sc.BorderlineMetrics)
	}
}

// TestBorderline: a1 has 899 first-contact resolutions of 1000, final
// 89.9 under a linear rule from 0 % to 100 % ("meets", 0.1 below
// "excellent"); the Wilson interval 0.8788–0.9162 would score up to
// 91.62, across 90: borderline. a2's 800 of 1000 scores 80 and within
// 0.7741–0.8236 stays between 77.4 and 82.4, inside "meets": not
// borderline.
func TestBorderline(t *testing.T) {
	cfg := confidenceConfig(t, `{metric: ftr_rate, weight: 1, rule: {type: linear, target: 100%, floor: 0%}}`)
	s := scoreMarch(t, cfg, append(ftrComplaints("a1", 899, 1000), ftrComplaints("a2", 800, 1000)...))
	for _, tc := range []struct {
		agent      string
		final      float64
		grade      string
		borderline bool
		interval   [2]float64
	}{
		{agent: "a1", final: 89.9, grade: "meets", borderline: true, interval: [2]float64{0.8788, 0.9162}},
		{agent: "a2", final: 80, grade: "meets", borderline: false, interval: [2]float64{0.7741, 0.8236}},
	} {
		sc := find(t, s, "2026-03", "agent:"+tc.agent)
		if sc.Final == nil || math.Abs(*sc.Final-tc.final) > 1e-9 || sc.Grade != tc.grade {
			t.Fatalf("%s: final %v %s, want %v %s", tc.agent, deref(sc.Final), sc.Grade, tc.final, tc.grade)
		}
		if iv := sc.Metrics["ftr_rate"].Interval; !nearIv(iv, tc.interval[0], tc.interval[1], 5e-5) {
			t.Errorf("%s: interval %v, want %v", tc.agent, deref2(iv), tc.interval)
		}
		var want []string
		if tc.borderline {
			want = []string{"ftr_rate"}
		}
		if sc.Borderline != tc.borderline || !slices.Equal(sc.BorderlineMetrics, want) {
			t.Errorf("%s: borderline %v %v, want %v %v", tc.agent, sc.Borderline, sc.BorderlineMetrics, tc.borderline, want)
		}
	}
	// a1 wins the star; a2 at most 82.4 cannot reach a1's lowest, 87.88.
	if len(s.Stars) != 1 || s.Stars[0].Unit.ID != "a1" || len(s.Stars[0].Tied) != 0 || strings.Contains(s.Stars[0].Reason, "noise") {
		t.Errorf("stars = %+v, want a1 alone", s.Stars)
	}
}

// TestStarTie: a1's 9 of 10 (final 90) beats a2's 8 of 10 (80), but
// a1's interval 0.5958–0.9821 reaches down to 59.6 and a2's 0.4902–0.9433
// up to 94.3: the lead is within noise.
func TestStarTie(t *testing.T) {
	cfg := confidenceConfig(t, `{metric: ftr_rate, weight: 1, rule: {type: linear, target: 100%, floor: 0%}}`)
	s := scoreMarch(t, cfg, append(ftrComplaints("a1", 9, 10), ftrComplaints("a2", 8, 10)...))
	if len(s.Stars) != 1 {
		t.Fatalf("stars = %+v, want one", s.Stars)
	}
	st := s.Stars[0]
	if st.Unit.ID != "a1" || len(st.Tied) != 1 || st.Tied[0].ID != "a2" {
		t.Errorf("star %s tied with %v, want a1 tied with a2", st.Unit.ID, st.Tied)
	}
	if !strings.Contains(st.Reason, "within noise") {
		t.Errorf("reason = %q, want it to say the lead is within noise", st.Reason)
	}
}

// TestPointsWithin: the extremes of a non-monotone rule inside the
// interval, not only at its ends.
func TestPointsWithin(t *testing.T) {
	pct := func(f float64) config.Value { return config.Value{Set: true, Number: f} }
	baseline := config.Rule{Type: "baseline", Baseline: pct(0.5), Tolerance: 0.2}
	bands := config.Rule{Type: "bands", Bands: []config.Band{{AtLeast: pct(0.9), Points: 100}, {AtLeast: pct(0.5), Points: 80}, {AtLeast: pct(0.7), Points: 90}}}
	for _, tc := range []struct {
		name   string
		rule   config.Rule
		value  float64
		iv     [2]float64
		lo, hi float64
	}{
		// 0.35 scores 87.5 below the plateau 0.4–0.6, both ends 75.
		{name: "baseline", rule: baseline, value: 0.35, iv: [2]float64{0.3, 0.7}, lo: 75, hi: 100},
		{name: "bands", rule: bands, value: 0.8, iv: [2]float64{0.45, 0.95}, lo: 0, hi: 100},
	} {
		lo, hi, ok := pointsWithin(tc.rule, ruleInput{Value: tc.value}, &tc.iv)
		if !ok || math.Abs(lo-tc.lo) > 1e-9 || math.Abs(hi-tc.hi) > 1e-9 {
			t.Errorf("%s: pointsWithin = %v, %v, %v, want %v, %v", tc.name, lo, hi, ok, tc.lo, tc.hi)
		}
	}
}

func deref2(p *[2]float64) any {
	if p == nil {
		return nil
	}
	return *p
}

func scale2(p *[2]float64, f float64) any {
	if p == nil {
		return nil
	}
	return [2]float64{p[0] * f, p[1] * f}
}

// TestTotalIsWeightedPoints guards what the borderline test assumes of a
// graded scorecard: its total is Σ weight × points over the items with
// points, so that moving one item's points moves the total by its weight
// times the change.
func TestTotalIsWeightedPoints(t *testing.T) {
	var cs []connectors.Complaint
	d := demo.New(demo.Options{Size: 5000})
	if err := d.Fetch(context.Background(), "", func(b connectors.Batch) error { cs = append(cs, b.Complaints...); return nil }); err != nil {
		t.Fatal(err)
	}
	s, err := Score(context.Background(), cs, Options{Config: config.Default(), AsOf: d.AsOf()})
	if err != nil {
		t.Fatal(err)
	}
	graded := 0
	for _, sc := range s.Scorecards {
		if sc.Total == nil {
			continue
		}
		graded++
		sum := 0.0
		for _, m := range sc.Metrics {
			if m.Points != nil {
				sum += m.Weight * *m.Points
			}
		}
		if math.Abs(sum-*sc.Total) > 1e-3 {
			t.Errorf("%s %s %s: total %v, Σ weight × points %v", sc.Scorecard, sc.Period, sc.Unit.Key(), *sc.Total, sum)
		}
	}
	if graded == 0 {
		t.Fatal("no graded scorecard")
	}
}
