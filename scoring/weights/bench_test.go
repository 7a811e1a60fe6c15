package weights

import (
	"math/rand/v2"
	"testing"
)

// BenchmarkAHP factorizes a 7×7 matrix (Saaty's wealth of nations), the
// size of seed 001's scorecard.
func BenchmarkAHP(b *testing.B) {
	ex := saatyWealth
	b.ReportAllocs()
	for b.Loop() {
		if _, err := AHP(ex.criteria, ex.matrix); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEntropy weighs 7 metrics over 60 units (agents), a large team's
// month, with seeded random values.
func BenchmarkEntropy(b *testing.B) {
	const m, n = 60, 7
	rng := rand.New(rand.NewPCG(1, 2))
	criteria, units := names("metric", n), names("agent", m)
	values := make([][]float64, m)
	for u := range values {
		values[u] = make([]float64, n)
		for j := range values[u] {
			values[u][j] = 50 + 50*rng.Float64()
		}
	}
	for _, norm := range []string{NormalizeSum, NormalizeMinMax} {
		b.Run(norm, func(b *testing.B) {
			opt := EntropyOptions{Normalize: norm, LowerBetter: map[string]bool{"metric1": true}}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Entropy(criteria, units, values, opt); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
