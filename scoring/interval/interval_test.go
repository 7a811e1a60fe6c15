package interval

import (
	"math"
	"math/big"
	"testing"
)

// round4 rounds to 4 decimals, as the published tables print.
func round4(x float64) float64 { return math.Round(x*1e4) / 1e4 }

func TestZ(t *testing.T) {
	for _, tc := range []struct {
		level, want float64
	}{
		{0.90, 1.6448536269514722},
		{0.95, 1.959963984540054},
		{0.99, 2.5758293035489004},
	} {
		if got := Z(tc.level); math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("Z(%v) = %v, want %v", tc.level, got, tc.want)
		}
	}
}

// Newcombe (1998), Statistics in Medicine 17:857–872, Table I, method 3
// (score interval without continuity correction), 95 %.
func TestWilsonNewcombe(t *testing.T) {
	for _, tc := range []struct {
		name   string
		k, n   int
		lo, hi float64
	}{
		{name: "81/263", k: 81, n: 263, lo: 0.2553, hi: 0.3662},
		{name: "15/148", k: 15, n: 148, lo: 0.0624, hi: 0.1605},
		{name: "0/20", k: 0, n: 20, lo: 0.0000, hi: 0.1611},
		{name: "1/29", k: 1, n: 29, lo: 0.0061, hi: 0.1718},
	} {
		t.Run(tc.name, func(t *testing.T) {
			lo, hi, ok := Wilson(tc.k, tc.n, 0.95)
			if !ok || round4(lo) != tc.lo || round4(hi) != tc.hi {
				t.Errorf("Wilson(%d, %d, 0.95) = %.6f, %.6f, %v, want %.4f, %.4f, true",
					tc.k, tc.n, lo, hi, ok, tc.lo, tc.hi)
			}
		})
	}
}

func TestWilsonEdges(t *testing.T) {
	if lo, hi, ok := Wilson(0, 0, 0.95); ok {
		t.Errorf("Wilson(0, 0, 0.95) = %v, %v, true, want ok false", lo, hi)
	}
	z2 := Z(0.95) * Z(0.95)
	for _, n := range []int{1, 2, 5, 20, 29, 1000, 1 << 30} {
		lo, hi, _ := Wilson(0, n, 0.95)
		want := z2 / (float64(n) + z2)
		if lo != 0 || math.Abs(hi-want) > 1e-15*want {
			t.Errorf("Wilson(0, %d, 0.95) = %v, %v, want 0, %v", n, lo, hi, want)
		}
		lo, hi, _ = Wilson(n, n, 0.95)
		// lo sits next to 1, where float64 spacing is 1.1e-16.
		if hi != 1 || math.Abs(lo-(1-want)) > 2e-16 {
			t.Errorf("Wilson(%d, %d, 0.95) = %v, %v, want %v, 1", n, n, lo, hi, 1-want)
		}
	}
	for _, tc := range []struct {
		name  string
		k, n  int
		level float64
	}{
		{name: "k > n", k: 3, n: 2, level: 0.95},
		{name: "k < 0", k: -1, n: 2, level: 0.95},
		{name: "level 1", k: 1, n: 2, level: 1},
		{name: "level 0", k: 1, n: 2, level: 0},
		{name: "level NaN", k: 1, n: 2, level: math.NaN()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Errorf("Wilson(%d, %d, %v) did not panic", tc.k, tc.n, tc.level)
				}
			}()
			Wilson(tc.k, tc.n, tc.level)
		})
	}
}

// The bounds bracket the estimate and stay in [0, 1]; strictly for 0 < k < n.
func TestWilsonContainsEstimate(t *testing.T) {
	for _, level := range []float64{0.5, 0.9, 0.95, 0.99, 0.999} {
		for n := 1; n <= 300; n++ {
			for k := 0; k <= n; k++ {
				lo, hi, ok := Wilson(k, n, level)
				p := float64(k) / float64(n)
				if !ok || lo < 0 || hi > 1 || lo > p || p > hi ||
					(k > 0 && lo >= p) || (k < n && hi <= p) {
					t.Fatalf("Wilson(%d, %d, %v) = %v, %v, %v, want 0 ≤ lo < %v < hi ≤ 1",
						k, n, level, lo, hi, ok, p)
				}
			}
		}
	}
}

// With the same estimate, more trials give a strictly narrower interval, and
// a higher level a strictly wider one.
func TestWilsonNarrowsWithN(t *testing.T) {
	for _, f := range [][2]int{{0, 1}, {1, 1}, {1, 2}, {1, 3}, {1, 10}, {9, 10}, {81, 263}} {
		prev := math.Inf(1)
		for m := 1; m <= 500; m++ {
			k, n := m*f[0], m*f[1]
			lo, hi, _ := Wilson(k, n, 0.95)
			if w := hi - lo; !(w < prev) {
				t.Fatalf("Wilson(%d, %d, 0.95) width %v, not below %v at n = %d", k, n, w, prev, n-f[1])
			} else {
				prev = w
			}
		}
	}
	for _, kn := range [][2]int{{0, 20}, {1, 29}, {15, 148}, {81, 263}, {29, 29}} {
		prev := 0.0
		for _, level := range []float64{0.5, 0.8, 0.9, 0.95, 0.99} {
			lo, hi, _ := Wilson(kn[0], kn[1], level)
			if w := hi - lo; !(w > prev) {
				t.Errorf("Wilson(%d, %d, %v) width %v, not above %v", kn[0], kn[1], level, w, prev)
			} else {
				prev = w
			}
		}
	}
}

// The product identities agree with the textbook center ∓ half evaluated in
// 256-bit arithmetic, including where float64 center − half would lose most
// digits (1 of a billion).
func TestWilsonPrecision(t *testing.T) {
	for _, kn := range [][2]int{{1, 1_000_000_000}, {1, 29}, {81, 263}, {500, 1000}, {999_999_999, 1_000_000_000}, {7, 1_000_000}} {
		k, n := kn[0], kn[1]
		lo, hi, _ := Wilson(k, n, 0.95)
		wantLo, wantHi := wilsonBig(k, n, Z(0.95))
		if math.Abs(lo-wantLo) > 1e-13*wantLo || math.Abs((1-hi)-(1-wantHi)) > 1e-13*(1-wantHi)+1e-16 {
			t.Errorf("Wilson(%d, %d, 0.95) = %v, %v, want %v, %v", k, n, lo, hi, wantLo, wantHi)
		}
	}
}

func wilsonBig(k, n int, z float64) (lo, hi float64) {
	const prec = 256
	f := func(x float64) *big.Float { return new(big.Float).SetPrec(prec).SetFloat64(x) }
	kf, nf, zf := f(float64(k)), f(float64(n)), f(z)
	z2 := new(big.Float).Mul(zf, zf)
	d := new(big.Float).Add(nf, z2)
	c := new(big.Float).Quo(z2, f(2))
	c.Add(c, kf).Quo(c, d)
	r := new(big.Float).Sub(nf, kf)
	r.Mul(r, kf).Quo(r, nf)
	r.Add(r, new(big.Float).Quo(z2, f(4)))
	r.Sqrt(r).Mul(r, zf).Quo(r, d)
	lo, _ = new(big.Float).Sub(c, r).Float64()
	hi, _ = new(big.Float).Add(c, r).Float64()
	return lo, hi
}

// The 95 % ranks for the median published by Campbell & Gardner (1988) and
// by Nair (1940), tabulated in Dixon & Massey: (k, n+1−k) and the exact
// level in %, to one decimal. n = 100 is the worked example of Statistics
// with Confidence (2nd ed.), ch. 5; its level is not printed there.
func TestQuantileRanksMedianPublished(t *testing.T) {
	for _, tc := range []struct {
		n, lo, hi int
		pct       float64 // published exact confidence, %; 0 if not printed
	}{
		{n: 6, lo: 1, hi: 6, pct: 96.9},
		{n: 9, lo: 2, hi: 8, pct: 96.1},
		{n: 10, lo: 2, hi: 9, pct: 97.9},
		{n: 12, lo: 3, hi: 10, pct: 96.1},
		{n: 15, lo: 4, hi: 12, pct: 96.5},
		{n: 17, lo: 5, hi: 13, pct: 95.1},
		{n: 20, lo: 6, hi: 15, pct: 95.9},
		{n: 30, lo: 10, hi: 21, pct: 95.7},
		{n: 40, lo: 14, hi: 27, pct: 96.2},
		{n: 50, lo: 18, hi: 33, pct: 96.7},
		{n: 65, lo: 25, hi: 41, pct: 95.4},
		{n: 100, lo: 40, hi: 61},
	} {
		lo, hi, cov, ok := QuantileRanks(tc.n, 0.5, 0.95)
		if !ok || lo != tc.lo || hi != tc.hi {
			t.Errorf("QuantileRanks(%d, 0.5, 0.95) = %d, %d, %v, %v, want %d, %d",
				tc.n, lo, hi, cov, ok, tc.lo, tc.hi)
			continue
		}
		if tc.pct != 0 && math.Round(cov*1000)/10 != tc.pct {
			t.Errorf("QuantileRanks(%d, 0.5, 0.95) coverage = %.4f, want %.1f %%", tc.n, cov, tc.pct)
		}
		_, _, exact := exactRanks(tc.n, big.NewRat(1, 2), big.NewRat(1, 40))
		if round4(cov) != round4(exact) || math.Abs(cov-exact) > 1e-12 {
			t.Errorf("QuantileRanks(%d, 0.5, 0.95) coverage = %.15f, want %.15f", tc.n, cov, exact)
		}
	}
	if lo, hi, cov, ok := QuantileRanks(5, 0.5, 0.95); ok {
		t.Errorf("QuantileRanks(5, 0.5, 0.95) = %d, %d, %v, true, want ok false (93.8 %% at best)", lo, hi, cov)
	}
}

// p90 ranks at 95 %. No published table was found, so the expected values
// come from exactRanks: a different algorithm (enumerate every rank pair
// with binomial tails summed exactly in rational arithmetic) from the one
// under test (bisection on the incomplete beta function).
func TestQuantileRanksP90Exact(t *testing.T) {
	for _, tc := range []struct {
		n, lo, hi int
		cov       float64 // exact coverage to 4 decimals
	}{
		{n: 36, lo: 29, hi: 36, cov: 0.9540},
		{n: 40, lo: 32, hi: 40, cov: 0.9697},
		{n: 50, lo: 41, hi: 50, cov: 0.9703},
		{n: 100, lo: 84, hi: 96, cov: 0.9557},
		{n: 200, lo: 171, hi: 189, cov: 0.9669},
		{n: 500, lo: 436, hi: 464, cov: 0.9634},
	} {
		lo, hi, cov, ok := QuantileRanks(tc.n, 0.9, 0.95)
		if !ok || lo != tc.lo || hi != tc.hi || round4(cov) != tc.cov {
			t.Errorf("QuantileRanks(%d, 0.9, 0.95) = %d, %d, %.6f, %v, want %d, %d, %.4f, true",
				tc.n, lo, hi, cov, ok, tc.lo, tc.hi, tc.cov)
		}
	}
	for _, n := range []int{1, 2, 10, 29, 35} {
		if lo, hi, cov, ok := QuantileRanks(n, 0.9, 0.95); ok {
			t.Errorf("QuantileRanks(%d, 0.9, 0.95) = %d, %d, %v, true, want ok false", n, lo, hi, cov)
		}
	}
}

// The float64 search agrees with the exact enumeration for every n up to
// 300 at several quantiles and levels.
func TestQuantileRanksMatchesExact(t *testing.T) {
	if testing.Short() {
		t.Skip("exact rational arithmetic")
	}
	for _, tc := range []struct {
		q, level float64
		qr, tail *big.Rat
	}{
		{q: 0.5, level: 0.95, qr: big.NewRat(1, 2), tail: big.NewRat(1, 40)},
		{q: 0.9, level: 0.95, qr: big.NewRat(9, 10), tail: big.NewRat(1, 40)},
		{q: 0.1, level: 0.95, qr: big.NewRat(1, 10), tail: big.NewRat(1, 40)},
		{q: 0.9, level: 0.9, qr: big.NewRat(9, 10), tail: big.NewRat(1, 20)},
		{q: 0.25, level: 0.99, qr: big.NewRat(1, 4), tail: big.NewRat(1, 200)},
	} {
		for n := 1; n <= 300; n++ {
			lo, hi, cov, ok := QuantileRanks(n, tc.q, tc.level)
			wlo, whi, wcov := exactRanks(n, tc.qr, tc.tail)
			wok := wlo > 0
			if ok != wok || lo != wlo || hi != whi || math.Abs(cov-wcov) > 1e-12 {
				t.Errorf("QuantileRanks(%d, %v, %v) = %d, %d, %.15f, %v, want %d, %d, %.15f, %v",
					n, tc.q, tc.level, lo, hi, cov, ok, wlo, whi, wcov, wok)
			}
		}
	}
}

// exactRanks is the reference: the binomial probabilities of
// Binomial(n, q) as exact rationals, every pair 1 ≤ l < u ≤ n whose two
// miss probabilities P(B ≤ l−1) and P(B ≥ u) are both ≤ tail, and of those
// the narrowest. It returns lo == 0 when no pair qualifies.
//
// With q = a/d, P(B = b) = C(n, b)·aᵇ·(d−a)ⁿ⁻ᵇ / dⁿ, so it sums the integer
// numerators and compares P ≤ tail as num·tail.Denom ≤ tail.Num·dⁿ.
func exactRanks(n int, q, tail *big.Rat) (lo, hi int, coverage float64) {
	a, d := q.Num(), q.Denom()
	c := new(big.Int).Sub(d, a)
	num := make([]*big.Int, n+1)
	for b := 0; b <= n; b++ {
		x := new(big.Int).Binomial(int64(n), int64(b))
		x.Mul(x, new(big.Int).Exp(a, big.NewInt(int64(b)), nil))
		num[b] = x.Mul(x, new(big.Int).Exp(c, big.NewInt(int64(n-b)), nil))
	}
	dn := new(big.Int).Exp(d, big.NewInt(int64(n)), nil)
	limit := new(big.Int).Mul(tail.Num(), dn) // P ≤ tail ⇔ P·dⁿ·tail.Denom ≤ limit
	within := func(sum *big.Int) bool {
		return new(big.Int).Mul(sum, tail.Denom()).Cmp(limit) <= 0
	}
	// below[l] = P(B ≤ l−1)·dⁿ, above[u] = P(B ≥ u)·dⁿ.
	below := make([]*big.Int, n+2)
	above := make([]*big.Int, n+2)
	below[0] = new(big.Int)
	for l := 1; l <= n+1; l++ {
		below[l] = new(big.Int).Add(below[l-1], num[l-1])
	}
	above[n+1] = new(big.Int)
	for u := n; u >= 0; u-- {
		above[u] = new(big.Int).Add(above[u+1], num[u])
	}
	lowOK := make([]bool, n+2)
	highOK := make([]bool, n+2)
	for r := 1; r <= n; r++ {
		lowOK[r], highOK[r] = within(below[r]), within(above[r])
	}
	for l := 1; l <= n; l++ {
		for u := l + 1; u <= n; u++ {
			if lowOK[l] && highOK[u] && (lo == 0 || u-l < hi-lo) {
				lo, hi = l, u
			}
		}
	}
	if lo == 0 {
		return 0, 0, 0
	}
	in := new(big.Int).Sub(dn, below[lo])
	coverage, _ = new(big.Rat).SetFrac(in.Sub(in, above[hi]), dn).Float64()
	return lo, hi, coverage
}

// Properties of the convention for many n, q and levels: coverage reaches
// the level; each tail is within α/2; moving either rank inwards would put
// its own tail above α/2; ok exactly from MinQuantileN on.
func TestQuantileRanksProperties(t *testing.T) {
	for _, q := range []float64{0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95} {
		for _, level := range []float64{0.8, 0.9, 0.95, 0.99} {
			tail := (1 - level) / 2
			minN := MinQuantileN(q, level)
			for _, n := range sizes() {
				lo, hi, cov, ok := QuantileRanks(n, q, level)
				if ok != (n >= minN) {
					t.Errorf("QuantileRanks(%d, %v, %v) ok = %v, MinQuantileN = %d", n, q, level, ok, minN)
				}
				if !ok {
					continue
				}
				below, above := lowerTail(n, q, lo-1), upperTail(n, q, hi)
				switch {
				case !(1 <= lo && lo < hi && hi <= n):
					t.Errorf("QuantileRanks(%d, %v, %v) = %d, %d, want 1 ≤ lo < hi ≤ n", n, q, level, lo, hi)
				case cov < level || below > tail || above > tail:
					t.Errorf("QuantileRanks(%d, %v, %v) = %d, %d: coverage %v, tails %v, %v, want ≥ %v, ≤ %v",
						n, q, level, lo, hi, cov, below, above, level, tail)
				case lowerTail(n, q, lo) <= tail:
					t.Errorf("QuantileRanks(%d, %v, %v): lo %d not minimal, rank %d misses with %v ≤ %v",
						n, q, level, lo, lo+1, lowerTail(n, q, lo), tail)
				case upperTail(n, q, hi-1) <= tail:
					t.Errorf("QuantileRanks(%d, %v, %v): hi %d not minimal, rank %d misses with %v ≤ %v",
						n, q, level, hi, hi-1, upperTail(n, q, hi-1), tail)
				case q == 0.5 && lo+hi != n+1:
					t.Errorf("QuantileRanks(%d, 0.5, %v) = %d, %d, want symmetric", n, level, lo, hi)
				}
			}
		}
	}
}

func sizes() []int {
	var ns []int
	for n := 0; n <= 400; n++ {
		ns = append(ns, n)
	}
	return append(ns, 1000, 1234, 10_000, 99_999, 1_000_000)
}

// Equal tails is not "shortest": for the median of 100 the published ranks
// 40 and 61 could each move in by one and the pair would still cover 95 %.
// Documented in the package doc; this pins the numbers it quotes.
func TestQuantileRanksNotShortest(t *testing.T) {
	lo, hi, cov, _ := QuantileRanks(100, 0.5, 0.95)
	shrunk := 1 - lowerTail(100, 0.5, lo) - upperTail(100, 0.5, hi)
	if lo != 40 || hi != 61 || round4(cov) != 0.9648 || round4(shrunk) != 0.9540 ||
		round4(lowerTail(100, 0.5, lo)) != 0.0284 {
		t.Errorf("QuantileRanks(100, 0.5, 0.95) = %d, %d, %.4f; (lo+1, hi) covers %.4f, want 40, 61, 0.9648; 0.9540",
			lo, hi, cov, shrunk)
	}
}

// At large n the ranks sit near nq ∓ z·√(nq(1−q)) (+1 for hi), and the
// tails agree with an independent computation that needs no special
// functions: binomial terms by the ratio recurrence from the mode,
// normalized by their total, each tail summed from its far end.
func TestQuantileRanksLargeN(t *testing.T) {
	for _, n := range []int{10_000, 100_000, 1_000_000} {
		for _, q := range []float64{0.5, 0.9} {
			lo, hi, cov, ok := QuantileRanks(n, q, 0.95)
			sd := math.Sqrt(float64(n) * q * (1 - q))
			mid := float64(n) * q
			if !ok || math.Abs(float64(lo)-(mid-1.96*sd)) > 2 || math.Abs(float64(hi)-(mid+1.96*sd+1)) > 2 ||
				cov < 0.95 || cov > 0.95+0.01 {
				t.Errorf("QuantileRanks(%d, %v, 0.95) = %d, %d, %v, %v, want near %.1f, %.1f",
					n, q, lo, hi, cov, ok, mid-1.96*sd, mid+1.96*sd+1)
				continue
			}
			// gonum's RegIncBeta forms its prefactor from logarithms of
			// size n, so its relative error grows like n·1e-15.
			tol := max(1e-12, 5e-15*float64(n))
			below, above := recurrenceTails(n, q)
			for _, m := range []int{lo - 1, lo} {
				if got, want := lowerTail(n, q, m), below(m); math.Abs(got-want) > tol*want {
					t.Errorf("P(B ≤ %d), B ~ Bin(%d, %v) = %v, want %v", m, n, q, got, want)
				}
			}
			for _, m := range []int{hi - 1, hi} {
				if got, want := upperTail(n, q, m), above(m); math.Abs(got-want) > tol*want {
					t.Errorf("P(B ≥ %d), B ~ Bin(%d, %v) = %v, want %v", m, n, q, got, want)
				}
			}
		}
	}
}

// recurrenceTails returns P(B ≤ m) and P(B ≥ m) for B ~ Binomial(n, q)
// from w(b+1)/w(b) = (n−b)/(b+1) · q/(1−q), with w(mode) = 1, dropping
// terms below 1e-300 of the mode's.
func recurrenceTails(n int, q float64) (below, above func(m int) float64) {
	r := q / (1 - q)
	mode := min(n, int(float64(n+1)*q))
	w := make([]float64, n+1)
	w[mode] = 1
	for b := mode; b > 0 && w[b] > 1e-300; b-- {
		w[b-1] = w[b] * float64(b) / (float64(n-b+1) * r)
	}
	for b := mode; b < n && w[b] > 1e-300; b++ {
		w[b+1] = w[b] * float64(n-b) / float64(b+1) * r
	}
	sum := func(from, to int) float64 { // smallest terms first
		s := 0.0
		if from <= mode {
			for b := from; b <= to; b++ {
				s += w[b]
			}
			return s
		}
		for b := to; b >= from; b-- {
			s += w[b]
		}
		return s
	}
	total := sum(0, mode) + sum(mode+1, n)
	below = func(m int) float64 { return sum(0, m) / total }
	above = func(m int) float64 { return sum(m, n) / total }
	return below, above
}

func TestMinQuantileN(t *testing.T) {
	for _, tc := range []struct {
		q, level float64
		want     int
	}{
		{q: 0.5, level: 0.95, want: 6},
		{q: 0.9, level: 0.95, want: 36},
		{q: 0.1, level: 0.95, want: 36},
		{q: 0.5, level: 0.90, want: 5},
		{q: 0.9, level: 0.90, want: 29},
		{q: 0.5, level: 0.99, want: 8},
		{q: 0.9, level: 0.99, want: 51},
	} {
		if got := MinQuantileN(tc.q, tc.level); got != tc.want {
			t.Errorf("MinQuantileN(%v, %v) = %d, want %d", tc.q, tc.level, got, tc.want)
		}
	}
}

func TestQuantile(t *testing.T) {
	sorted := make([]float64, 100)
	for i := range sorted {
		sorted[i] = float64(10 * (i + 1)) // X_(r) = 10r
	}
	for _, tc := range []struct {
		name   string
		x      []float64
		q      float64
		lo, hi float64
		ok     bool
	}{
		{name: "median of 100", x: sorted, q: 0.5, lo: 400, hi: 610, ok: true},
		{name: "p90 of 100", x: sorted, q: 0.9, lo: 840, hi: 960, ok: true},
		{name: "p90 of 35", x: sorted[:35], q: 0.9},
		{name: "median of 5", x: sorted[:5], q: 0.5},
		{name: "empty", x: nil, q: 0.5},
		{name: "ties", x: []float64{1, 2, 2, 2, 2, 2, 3, 9, 9, 9}, q: 0.5, lo: 2, hi: 9, ok: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			lo, hi, ok := Quantile(tc.x, tc.q, 0.95)
			if lo != tc.lo || hi != tc.hi || ok != tc.ok {
				t.Errorf("Quantile(%s, %v, 0.95) = %v, %v, %v, want %v, %v, %v",
					tc.name, tc.q, lo, hi, ok, tc.lo, tc.hi, tc.ok)
			}
		})
	}
	defer func() {
		if recover() == nil {
			t.Errorf("Quantile(unsorted) did not panic")
		}
	}()
	Quantile([]float64{3, 1, 2, 4, 5, 6}, 0.5, 0.95)
}

func BenchmarkQuantileRanks(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		QuantileRanks(1_000_000, 0.9, 0.95)
	}
}

func BenchmarkWilson(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		Wilson(81, 263, 0.95)
	}
}
