package interval

import (
	"fmt"
	"math"
	"sort"

	"gonum.org/v1/gonum/mathext"
	"gonum.org/v1/gonum/stat/distuv"
)

// Wilson returns the Wilson score interval, without continuity correction,
// for a proportion of k successes in n trials at the given two-sided
// confidence level (0.95 for 95 %). It is method 3 of Newcombe (1998).
//
// ok is false when n == 0: there is no proportion to bound. k == 0 gives
// lo == 0 and k == n gives hi == 1 exactly, and the bounds always satisfy
// 0 ≤ lo ≤ k/n ≤ hi ≤ 1.
//
// Wilson panics if k < 0, k > n, or level is not in (0, 1): those are
// caller bugs, not data.
func Wilson(k, n int, level float64) (lo, hi float64, ok bool) {
	mustLevel("Wilson", level)
	if k < 0 || k > n {
		panic(fmt.Sprintf("interval: Wilson(%d, %d): need 0 ≤ k ≤ n", k, n))
	}
	if n == 0 {
		return 0, 0, false
	}
	z := Z(level)
	z2 := z * z
	nf, kf := float64(n), float64(k)
	d := nf + z2
	center := (kf + z2/2) / d
	half := z * math.Sqrt(kf*(nf-kf)/nf+z2/4) / d
	// The bound nearer to its end of [0, 1] would lose digits to
	// cancellation in center ∓ half (k = 1 of a million). Compute the far
	// bound directly and the near one from the exact products
	//	lo·hi = k²/(n·d)   and   (1−lo)(1−hi) = (n−k)²/(n·d),
	// which also make k == 0 give lo == 0 and k == n give hi == 1 exactly.
	if 2*k <= n {
		hi = center + half
		lo = kf * kf / (nf * d * hi)
	} else {
		lo = center - half
		hi = 1 - (nf-kf)*(nf-kf)/(nf*d*(1-lo))
	}
	return max(lo, 0), min(hi, 1), true
}

// Z returns the two-sided standard normal critical value for a confidence
// level: z = Φ⁻¹(1 − α/2) with α = 1 − level, from gonum's
// distuv.UnitNormal.Quantile. Z(0.95) = 1.959963984540054.
func Z(level float64) float64 {
	mustLevel("Z", level)
	return distuv.UnitNormal.Quantile(1 - (1-level)/2)
}

// QuantileRanks returns 1-based ranks lo < hi into a sorted sample of n
// observations such that the closed interval [X_(lo), X_(hi)] covers the
// population q-quantile with probability coverage ≥ level, whatever the
// distribution. It uses the equal-tailed convention of Conover and of
// Campbell & Gardner (see the package doc): with B ~ Binomial(n, q) and
// α = 1 − level,
//
//	lo = the largest l with P(B ≤ l−1) ≤ α/2
//	hi = the smallest u with P(B ≥ u) ≤ α/2
//	coverage = 1 − P(B ≤ lo−1) − P(B ≥ hi)
//
// coverage is exact for a continuous distribution and a lower bound
// otherwise (ties).
//
// ok is false when n < MinQuantileN(q, level): then X_(1) or X_(n) is not
// extreme enough to bound that tail at α/2 (the median needs n ≥ 6 at
// 95 %, the 90th percentile n ≥ 36).
//
// QuantileRanks panics if n < 0, or q or level is not in (0, 1).
func QuantileRanks(n int, q, level float64) (lo, hi int, coverage float64, ok bool) {
	mustLevel("QuantileRanks", level)
	mustQ("QuantileRanks", q)
	if n < 0 {
		panic(fmt.Sprintf("interval: QuantileRanks(%d): negative n", n))
	}
	tail := (1 - level) / 2
	if !feasible(n, q, tail) {
		return 0, 0, 0, false
	}
	// P(B ≤ l−1) grows with l; lo is one below the first l where it
	// exceeds the tail. feasible guarantees P(B ≤ 0) ≤ tail, so lo ≥ 1.
	lo = sort.Search(n, func(i int) bool { return lowerTail(n, q, i) > tail })
	// P(B ≥ u) falls with u; hi is the first u where it is within the
	// tail. feasible guarantees P(B ≥ n) ≤ tail, so hi ≤ n.
	hi = 1 + sort.Search(n, func(i int) bool { return upperTail(n, q, i+1) <= tail })
	coverage = 1 - lowerTail(n, q, lo-1) - upperTail(n, q, hi)
	return lo, hi, coverage, true
}

// Quantile returns the distribution-free confidence interval
// [sorted[lo−1], sorted[hi−1]] for the population q-quantile, with the
// ranks of QuantileRanks(len(sorted), q, level). ok is false when the
// sample is too small (see MinQuantileN).
//
// sorted must be in increasing order, as for gonum's stat.Quantile;
// Quantile panics if it is not, or if q or level is not in (0, 1).
func Quantile(sorted []float64, q, level float64) (lo, hi float64, ok bool) {
	if !sort.Float64sAreSorted(sorted) {
		panic("interval: Quantile: input not sorted")
	}
	l, h, _, ok := QuantileRanks(len(sorted), q, level)
	if !ok {
		return 0, 0, false
	}
	return sorted[l-1], sorted[h-1], true
}

// MinQuantileN returns the smallest sample size for which QuantileRanks(n,
// q, level) is ok: the smallest n with max(q, 1−q)ⁿ ≤ (1 − level)/2, for
// then neither X_(1) nor X_(n) misses the quantile with probability more
// than α/2. At 95 % it is 6 for the median and 36 for the 10th or 90th
// percentile; at 90 %, 5 and 29; at 99 %, 8 and 51.
//
// MinQuantileN panics if q or level is not in (0, 1).
func MinQuantileN(q, level float64) int {
	mustLevel("MinQuantileN", level)
	mustQ("MinQuantileN", q)
	tail := (1 - level) / 2
	// Start from the closed form and settle the last step with the same
	// test QuantileRanks uses, so the two never disagree.
	n := max(1, int(math.Ceil(math.Log(tail)/math.Log(max(q, 1-q)))))
	for !feasible(n, q, tail) {
		n++
	}
	for n > 1 && feasible(n-1, q, tail) {
		n--
	}
	return n
}

// feasible reports whether both tails can be held to tail: the chance that
// all n observations lie above the quantile, P(B ≤ 0) = (1−q)ⁿ, and that all
// lie at or below it, P(B ≥ n) = qⁿ.
func feasible(n int, q, tail float64) bool {
	return n > 0 && lowerTail(n, q, 0) <= tail && upperTail(n, q, n) <= tail
}

// lowerTail returns P(B ≤ m) for B ~ Binomial(n, q), as the regularized
// incomplete beta I_{1−q}(n−m, m+1). Each tail is computed on its own
// rather than as 1 − the other, so that small tails keep their relative
// precision at large n.
func lowerTail(n int, q float64, m int) float64 {
	switch {
	case m < 0:
		return 0
	case m >= n:
		return 1
	}
	return mathext.RegIncBeta(float64(n-m), float64(m+1), 1-q)
}

// upperTail returns P(B ≥ m) for B ~ Binomial(n, q), as I_q(m, n−m+1).
func upperTail(n int, q float64, m int) float64 {
	switch {
	case m <= 0:
		return 1
	case m > n:
		return 0
	}
	return mathext.RegIncBeta(float64(m), float64(n-m+1), q)
}

func mustLevel(fn string, level float64) {
	if !(level > 0 && level < 1) {
		panic(fmt.Sprintf("interval: %s: level %v not in (0, 1)", fn, level))
	}
}

func mustQ(fn string, q float64) {
	if !(q > 0 && q < 1) {
		panic(fmt.Sprintf("interval: %s: quantile %v not in (0, 1)", fn, q))
	}
}
