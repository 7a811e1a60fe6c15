package scoring

import (
	"context"
	"math"
	"slices"
	"testing"
)

// TestLinear checks the interpolated quantile against values computed by
// hand (h = q·(n−1), 0-based), which are also numpy.percentile's.
func TestLinear(t *testing.T) {
	tests := []struct {
		name string
		xs   []float64
		q    float64
		want float64
	}{
		{name: "one value", xs: []float64{5}, q: 0.9, want: 5},
		// h = 0.9: 1 + 0.9·(3 − 1).
		{name: "two values p90", xs: []float64{1, 3}, q: 0.9, want: 2.8},
		{name: "two values median", xs: []float64{1, 3}, q: 0.5, want: 2},
		// h = 8.1: the 9th value (9) + 0.1·(10 − 9); nearest rank gives 9.
		{name: "ten values p90", xs: []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, q: 0.9, want: 9.1},
		{name: "ten values median", xs: []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, q: 0.5, want: 5.5},
		// h = 9 exactly: the 10th value, as nearest rank gives.
		{name: "eleven values p90", xs: []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, q: 0.9, want: 10},
		// h = 2.7: 20 + 0.7·(100 − 20) = 76; nearest rank gives 100.
		{name: "skewed p90", xs: []float64{0, 10, 20, 100}, q: 0.9, want: 76},
		// h = 1.5: (10 + 20) / 2.
		{name: "skewed median", xs: []float64{0, 10, 20, 100}, q: 0.5, want: 15},
		{name: "q 0 is the minimum", xs: []float64{2, 4, 8}, q: 0, want: 2},
		{name: "q 1 is the maximum", xs: []float64{2, 4, 8}, q: 1, want: 8},
		// Hours as seconds: h = 1.8: 7200 + 0.8·(32400 − 7200).
		{name: "seconds", xs: []float64{3600, 7200, 32400}, q: 0.9, want: 27360},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := linearPercentile(tc.xs, tc.q); math.Abs(got-tc.want) > 1e-9 {
				t.Errorf("Linear(%v, %v) = %v, want %v", tc.xs, tc.q, got, tc.want)
			}
		})
	}
	if got := linearPercentile(nil, 0.9); !math.IsNaN(got) {
		t.Errorf("Linear(nil, 0.9) = %v, want NaN", got)
	}
}

// TestLinearMedianIsMedian: at q = 0.5 the interpolation is Median, so the
// method changes only the p90.
func TestLinearMedianIsMedian(t *testing.T) {
	xs := []float64{}
	for i := range 40 {
		xs = append(xs, float64(i*i%17))
		sorted := slices.Sorted(slices.Values(xs))
		if got, want := linearPercentile(sorted, 0.5), medianOf(sorted); got != want {
			t.Errorf("Linear(%v, 0.5) = %v, want Median's %v", sorted, got, want)
		}
	}
}

// TestPercentileSetting scores the small fixture under both values of
// metrics.percentile: the durations' p90 follows the method, the mean and
// median do not, and the intervals stay on order statistics.
func TestPercentileSetting(t *testing.T) {
	tests := []struct {
		percentile string
		frt, ht    float64 // p90 of first_response_time and handling_time, seconds
	}{
		// 1 h, 2 h, 9 h and 5 h, 12 h, 17 h (TestMetricsHandComputed).
		{percentile: "nearest_rank", frt: 32400, ht: 61200},
		// h = 1.8: 7200 + 0.8·25200; 43200 + 0.8·18000.
		{percentile: "linear", frt: 27360, ht: 57600},
	}
	for _, tc := range tests {
		t.Run(tc.percentile, func(t *testing.T) {
			cfg := loadTestConfig(t, "testdata/small.yaml")
			cfg.Metrics.Percentile = tc.percentile
			e, ps := Compile(cfg)
			if len(ps) > 0 {
				t.Fatal(ps)
			}
			if e.set.Linear != (tc.percentile == "linear") {
				t.Errorf("Compile: Settings.Linear = %v for percentile %s", e.set.Linear, tc.percentile)
			}
			s, err := Score(context.Background(), smallFixture(), Options{Config: cfg, Engine: e, AsOf: at("2026-03-31T00:00:00Z")})
			if err != nil {
				t.Fatal(err)
			}
			org := find(t, s, "2026-03", "org:org")
			for _, m := range []struct {
				id                string
				value, median, p9 float64
			}{
				{"first_response_time", 14400, 7200, tc.frt},
				{"handling_time", 40800, 43200, tc.ht},
			} {
				r := org.Metrics[m.id]
				if r.Value == nil || *r.Value != m.value || r.Median == nil || *r.Median != m.median || r.P90 == nil || *r.P90 != m.p9 {
					t.Errorf("%s: value, median, p90 = %v, %v, %v, want %v, %v, %v", m.id, deref(r.Value), deref(r.Median), deref(r.P90), m.value, m.median, m.p9)
				}
			}
		})
	}
}
