package interval_test

import (
	"fmt"

	"github.com/kpidesk/kpidesk/scoring/interval"
)

// A resolution rate of 81 out of 263 complaints, Newcombe's (1998) first
// example, and a team with no reopened complaints out of 20.
func ExampleWilson() {
	for _, c := range []struct{ k, n int }{{81, 263}, {0, 20}, {0, 0}} {
		lo, hi, ok := interval.Wilson(c.k, c.n, 0.95)
		if !ok {
			fmt.Printf("%d/%d: no interval\n", c.k, c.n)
			continue
		}
		fmt.Printf("%d/%d: 95 %% CI %.4f–%.4f\n", c.k, c.n, lo, hi)
	}
	// Output:
	// 81/263: 95 % CI 0.2553–0.3662
	// 0/20: 95 % CI 0.0000–0.1611
	// 0/0: no interval
}

// Which sorted observations bound the median and p90 of 100 handling
// times, and how small a sample can have an interval at all.
func ExampleQuantileRanks() {
	for _, q := range []float64{0.5, 0.9} {
		lo, hi, cov, _ := interval.QuantileRanks(100, q, 0.95)
		fmt.Printf("q=%.1f n=100: X(%d)–X(%d), coverage %.4f; needs n ≥ %d\n",
			q, lo, hi, cov, interval.MinQuantileN(q, 0.95))
	}
	_, _, _, ok := interval.QuantileRanks(35, 0.9, 0.95)
	fmt.Println("p90 of 35:", ok)
	// Output:
	// q=0.5 n=100: X(40)–X(61), coverage 0.9648; needs n ≥ 6
	// q=0.9 n=100: X(84)–X(96), coverage 0.9557; needs n ≥ 36
	// p90 of 35: false
}

// The median handling time of ten complaints, in business minutes.
func ExampleQuantile() {
	minutes := []float64{12, 15, 18, 25, 31, 40, 44, 58, 90, 240} // sorted
	lo, hi, ok := interval.Quantile(minutes, 0.5, 0.95)
	fmt.Println(lo, hi, ok)
	_, _, ok = interval.Quantile(minutes, 0.9, 0.95)
	fmt.Println("p90:", ok)
	// Output:
	// 15 90 true
	// p90: false
}
