package store

import (
	"context"
	"os"
	"testing"

	"github.com/kpidesk/kpidesk/connectors"
)

// BenchmarkReadStore reads a store made elsewhere, as scoring does: the
// keys pass, then every complaint without events, with and without their
// fields. Give it the store of a large demo:
//
//	kpidesk demo --size 1000000 --out /tmp/d1m
//	KPIDESK_BENCH_STORE=/tmp/d1m/kpidesk.db go test -run '^$' -bench ReadStore -benchtime 3x ./connectors/store/
func BenchmarkReadStore(b *testing.B) {
	path := os.Getenv("KPIDESK_BENCH_STORE")
	if path == "" {
		b.Skip("KPIDESK_BENCH_STORE is not set")
	}
	ctx := context.Background()
	s := openAt(b, path)
	n, err := s.Count(ctx)
	if err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct {
		name string
		q    Query
		keys bool
	}{
		{name: "keys", keys: true},
		{name: "complaints", q: Query{SkipFields: true}},
		{name: "complaints+fields", q: Query{}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			start := cpuTime()
			for b.Loop() {
				if bc.keys {
					if _, err := s.Keys(ctx, KeysOptions{}); err != nil {
						b.Fatal(err)
					}
					continue
				}
				if err := s.EachBatch(ctx, bc.q, func([]connectors.Complaint) error { return nil }); err != nil {
					b.Fatal(err)
				}
			}
			report(b, n, cpuTime()-start)
		})
	}
}
