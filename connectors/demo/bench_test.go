package demo

import (
	"context"
	"testing"

	"github.com/kpidesk/kpidesk/connectors"
)

// BenchmarkGenerate measures a full fetch of the default size and of a
// million contacts, emitting into a callback that drops the batches.
//
//	go test ./connectors/demo/ -run '^$' -bench Generate -benchtime 3x
func BenchmarkGenerate(b *testing.B) {
	for _, bc := range []struct {
		name string
		size int
	}{
		{"60k", DefaultSize},
		{"1M", 1_000_000},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			s := New(Options{Size: bc.size})
			n := 0
			for b.Loop() {
				err := s.Fetch(context.Background(), "", func(bt connectors.Batch) error {
					n += len(bt.Complaints)
					return nil
				})
				if err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "complaints/s")
		})
	}
}
