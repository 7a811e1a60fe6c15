package scoring

import (
	"math"
)

// medianOf is the middle value of sorted xs, or the mean of the two middle
// values for an even count (SPEC §13.7).
func medianOf(xs []float64) float64 {
	n := len(xs)
	if n == 0 {
		return math.NaN()
	}
	if n%2 == 1 {
		return xs[n/2]
	}
	return (xs[n/2-1] + xs[n/2]) / 2
}

// nearestRank is the ⌈q·n⌉-th smallest of sorted xs (SPEC §13.7).
func nearestRank(xs []float64, q float64) float64 {
	n := len(xs)
	if n == 0 {
		return math.NaN()
	}
	k := int(math.Ceil(q*float64(n) - 1e-9))
	k = max(1, min(n, k))
	return xs[k-1]
}

// linearPercentile is the q-quantile of sorted xs interpolated between order
// statistics: with h = q·(n−1) (0-based), the value at ⌊h⌋ plus the
// fraction h − ⌊h⌋ of the step to the next one. It is numpy's default
// percentile method ("linear", type 7 of Hyndman and Fan), which
// github-community-projects/issue-metrics reports; at q = 0.5 it is the
// Median. It differs from NearestRank in never jumping to a value that is
// not there: the p90 of 10 values lies between the 9th and 10th.
func linearPercentile(xs []float64, q float64) float64 {
	n := len(xs)
	if n == 0 {
		return math.NaN()
	}
	h := q * float64(n-1)
	lo := int(math.Floor(h))
	lo = max(0, min(n-1, lo))
	if lo == n-1 {
		return xs[lo]
	}
	return xs[lo] + (h-float64(lo))*(xs[lo+1]-xs[lo])
}

// quantiles returns the median and p90 of sorted xs by the config's
// percentile method (metrics.percentile, Settings.Linear). The median is
// the same under both: the mean of the two middle values of an even count
// is also the linear interpolation at q = 0.5.
func (s *Settings) quantiles(xs []float64) (median, p90 float64) {
	if s != nil && s.Linear {
		return linearPercentile(xs, 0.5), linearPercentile(xs, 0.9)
	}
	return medianOf(xs), nearestRank(xs, 0.9)
}
