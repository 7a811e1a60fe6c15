package scoring

import (
	"math"
)

// Median is the middle value of sorted xs, or the mean of the two middle
// values for an even count (SPEC §13.7).
func Median(xs []float64) float64 {
	n := len(xs)
	if n == 0 {
		return math.NaN()
	}
	if n%2 == 1 {
		return xs[n/2]
	}
	return (xs[n/2-1] + xs[n/2]) / 2
}

// NearestRank is the ⌈q·n⌉-th smallest of sorted xs (SPEC §13.7).
func NearestRank(xs []float64, q float64) float64 {
	n := len(xs)
	if n == 0 {
		return math.NaN()
	}
	k := int(math.Ceil(q*float64(n) - 1e-9))
	k = max(1, min(n, k))
	return xs[k-1]
}
