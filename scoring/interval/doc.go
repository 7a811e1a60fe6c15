// Package interval says how sure a number is (issue 11 §5): a 95 % Wilson
// score interval for every rate, and a distribution-free (order-statistic)
// 95 % interval for the median and p90 of durations. It is pure arithmetic
// on counts and sorted samples; it knows nothing of complaints.
//
// # Rates: the Wilson score interval
//
// For k successes in n trials, p̂ = k/n, and z = Φ⁻¹(1 − α/2) with
// α = 1 − level (z = 1.959963984540054 at 95 %, from gonum's
// distuv.UnitNormal.Quantile; not the rounded 1.96), the interval is the set
// of p whose score test |p̂ − p| ≤ z·√(p(1−p)/n) does not reject (Wilson
// 1927). Solving that quadratic in p gives
//
//	center = (k + z²/2) / (n + z²)
//	half   = z·√(k(n−k)/n + z²/4) / (n + z²)
//	lo, hi = center − half, center + half
//
// with no continuity correction: method 3 of Newcombe (1998). Unlike the
// textbook Wald interval p̂ ± z√(p̂(1−p̂)/n) it never leaves [0, 1], does not
// shrink to zero width at k = 0 or k = n, and is pulled towards ½ for small
// n. At k = 0 it is [0, z²/(n+z²)]: 0 of 20 gives [0, 0.1611].
//
// Two exact identities, lo·hi = k²/(n(n+z²)) and
// (1−lo)(1−hi) = (n−k)²/(n(n+z²)), let Wilson compute the bound nearer its
// end of [0, 1] without cancellation, and make k = 0 give lo = 0 and k = n
// give hi = 1 exactly. Width 2·half shrinks strictly as n grows with p̂
// fixed: the derivative of (np̂(1−p̂) + z²/4)/(n+z²)² has the sign of
// p̂(1−p̂)(z² − n) − z²/2 < 0.
//
// Checked against Newcombe (1998) Table I, method 3, to 4 decimals:
// 81/263 → 0.2553–0.3662, 15/148 → 0.0624–0.1605, 0/20 → 0.0000–0.1611,
// 1/29 → 0.0061–0.1718.
//
// # Median and p90: order-statistic intervals
//
// Let ξ be the population q-quantile (q = 0.5 for the median, 0.9 for p90)
// and X_(1) ≤ … ≤ X_(n) the sorted sample. The number B of observations at
// or below ξ is Binomial(n, q) for a continuous distribution, and
// X_(l) ≤ ξ < X_(u) exactly when l ≤ B ≤ u−1. So for ranks l < u
//
//	P(X_(l) ≤ ξ ≤ X_(u)) = P(l ≤ B ≤ u−1) = 1 − P(B ≤ l−1) − P(B ≥ u)
//
// whatever the distribution; with ties (discrete data) it is at least that
// (Conover, ch. 3; Campbell & Gardner 1988). The ranks follow the
// equal-tailed convention of Conover's quantile test and of Campbell &
// Gardner's table: each way of missing ξ is held to α/2 on its own,
//
//	lo = the largest l with P(B ≤ l−1) ≤ α/2
//	hi = the smallest u with P(B ≥ u) ≤ α/2
//
// so [X_(lo), X_(hi)] is also a pair of one-sided 1 − α/2 bounds, and for
// the median the ranks are symmetric, hi = n + 1 − lo. Moving either rank
// inwards would let its own tail exceed α/2. It is not always the shortest
// pair whose total coverage reaches the level: for the median of n = 100
// the table's ranks 40 and 61 cover 96.48 %, and ranks 41 and 61 would
// still cover 95.40 %, with one tail at 2.84 %. We keep the published
// convention so that the ranks can be checked against the tables.
//
// The binomial tails are computed separately (never as 1 − the other), as
// regularized incomplete beta functions with gonum's mathext.RegIncBeta:
//
//	P(B ≤ m) = I_{1−q}(n−m, m+1)      P(B ≥ m) = I_q(m, n−m+1)
//
// and the ranks are found by bisection, so n in the millions costs a few
// dozen evaluations (about 50 µs at n = 10⁶). RegIncBeta's relative error
// grows like n·10⁻¹⁵ (1.5·10⁻⁹ at n = 10⁶, against an independent sum in
// the tests), so a rank can differ from exact arithmetic only when a tail
// lies that close to α/2; up to n = 300 the ranks equal an exact rational
// enumeration for every n.
//
// An interval needs (1−q)ⁿ ≤ α/2 and qⁿ ≤ α/2, or even X_(1) or X_(n)
// would miss ξ too often: at 95 % the median needs n ≥ 6 and p90 needs
// n ≥ 36 (0.9³⁵ = 0.02503 > 0.025 ≥ 0.9³⁶ = 0.02253); MinQuantileN gives the
// bound for any q and level. Below it QuantileRanks reports ok = false and
// the number is shown without an interval.
//
// Checked against the 95 % median ranks of Campbell & Gardner (1988) and of
// Nair (1940) as tabulated by Dixon & Massey: n = 10 → 2, 9 (97.9 %);
// 20 → 6, 15 (95.9 %); 30 → 10, 21 (95.7 %); 50 → 18, 33 (96.7 %);
// 100 → 40, 61. The p90 ranks are checked against an independent exact
// enumeration in rational arithmetic (math/big) in the tests.
//
// # References
//
//   - E. B. Wilson (1927). Probable inference, the law of succession, and
//     statistical inference. Journal of the American Statistical
//     Association 22:209–212.
//   - R. G. Newcombe (1998). Two-sided confidence intervals for the single
//     proportion: comparison of seven methods. Statistics in Medicine
//     17:857–872.
//   - W. J. Conover (1999). Practical Nonparametric Statistics, 3rd ed.,
//     Wiley: ch. 3, the quantile test and the confidence interval for a
//     quantile.
//   - M. J. Campbell, M. J. Gardner (1988). Calculating confidence intervals
//     for some non-parametric analyses. British Medical Journal
//     296:1454–1456; reprinted in Altman et al., Statistics with
//     Confidence (2nd ed., 2000), ch. 5.
package interval
