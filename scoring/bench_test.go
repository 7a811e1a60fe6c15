package scoring

import (
	"context"
	"testing"

	"github.com/kpidesk/kpidesk/config"
	"github.com/kpidesk/kpidesk/connectors"
	"github.com/kpidesk/kpidesk/connectors/demo"
)

// demoComplaints generates n demo complaints without events, as scoring
// reads them from the store.
func demoComplaints(b *testing.B, n int) []connectors.Complaint {
	b.Helper()
	cs := make([]connectors.Complaint, 0, n)
	err := demo.New(demo.Options{Size: n}).Fetch(context.Background(), "", func(batch connectors.Batch) error {
		for _, c := range batch.Complaints {
			c.Events = nil
			cs = append(cs, c)
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return cs
}

func benchmarkScore(b *testing.B, n int) {
	cs := demoComplaints(b, n)
	cfg := config.Default()
	asOf := demo.New(demo.Options{}).AsOf()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Score(context.Background(), cs, Options{Config: cfg, AsOf: asOf}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "complaints/s")
}

// BenchmarkScore measures evaluation and aggregation of demo complaints
// held in memory (reading the store is measured in connectors/store):
//
//	go test ./scoring -run '^$' -bench Score -benchtime 3x
func BenchmarkScore10k(b *testing.B)  { benchmarkScore(b, 10_000) }
func BenchmarkScore100k(b *testing.B) { benchmarkScore(b, 100_000) }
func BenchmarkScore1M(b *testing.B)   { benchmarkScore(b, 1_000_000) }
