package store

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/kpidesk/kpidesk/connectors"
)

// renumber gives cs fresh IDs, so that every round inserts new rows into a
// growing table instead of updating the same ones.
func renumber(cs []connectors.Complaint, round int) {
	for i := range cs {
		cs[i].ID = fmt.Sprintf("demo:%03d%06d", round, i)
	}
}

// BenchmarkImport measures bulk insert: each op imports 10,000 complaints
// with six events each, in one transaction (Import) or in batches of 100
// (Put, as a sync does), into a file store that grows as the benchmark runs.
//
//	go test -run '^$' -bench . -benchtime 20x ./connectors/store/
func BenchmarkImport(b *testing.B) {
	const n = 10_000
	for _, mode := range []string{"import", "put100"} {
		b.Run(mode, func(b *testing.B) {
			ctx := context.Background()
			s := open(b)
			cs := complaints(0, n)
			round := 0
			b.ReportAllocs()
			var cpu time.Duration
			for b.Loop() {
				b.StopTimer()
				renumber(cs, round)
				round++
				b.StartTimer()
				start := cpuTime()
				var err error
				if mode == "import" {
					err = s.Import(ctx, "demo", func(put func(connectors.Batch) error) error {
						return put(connectors.Batch{Complaints: cs, Cursor: "c", AsOf: t0})
					})
				} else {
					for i := 0; i < n && err == nil; i += 100 {
						err = s.Put(ctx, "demo", connectors.Batch{Complaints: cs[i : i+100], Cursor: "c", AsOf: t0})
					}
				}
				if err != nil {
					b.Fatal(err)
				}
				cpu += cpuTime() - start
			}
			report(b, n, cpu)
		})
	}
}

// BenchmarkEach measures reading 100,000 complaints from a file store, with
// and without their events.
func BenchmarkEach(b *testing.B) {
	const n = 100_000
	ctx := context.Background()
	s := open(b)
	if err := s.Import(ctx, "demo", func(put func(connectors.Batch) error) error {
		for i := 0; i < n; i += 1000 {
			if err := put(connectors.Batch{Complaints: complaints(i, 1000)}); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		b.Fatal(err)
	}
	for _, q := range []Query{{}, {WithEvents: true}} {
		b.Run(fmt.Sprintf("events=%v", q.WithEvents), func(b *testing.B) {
			b.ReportAllocs()
			start := cpuTime()
			for b.Loop() {
				got := 0
				if err := s.Each(ctx, q, func(*connectors.Complaint) error { got++; return nil }); err != nil {
					b.Fatal(err)
				}
				if got != n {
					b.Fatalf("Each read %d complaints, want %d", got, n)
				}
			}
			report(b, n, cpuTime()-start)
		})
	}
}

// report adds complaints per second of wall time and of CPU time (all
// threads: SQLite's work, the GC) for n complaints an op.
func report(b *testing.B, n int, cpu time.Duration) {
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "complaints/s")
	if cpu > 0 {
		b.ReportMetric(float64(n*b.N)/cpu.Seconds(), "complaints/cpu-s")
	}
}
