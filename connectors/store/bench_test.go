package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
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

// eachStore is the store BenchmarkEach reads: a file of a million
// complaints (1.2 GB), imported once per test binary into a temporary
// directory that TestMain removes.
var eachStore struct {
	once sync.Once
	dir  string
	err  error
}

const eachStoreSize = 1_000_000

func eachStorePath(b *testing.B) string {
	eachStore.once.Do(func() {
		if eachStore.dir, eachStore.err = os.MkdirTemp("", "kpidesk-bench-"); eachStore.err != nil {
			return
		}
		ctx := context.Background()
		s, err := Open(ctx, filepath.Join(eachStore.dir, "kpidesk.db"))
		if err != nil {
			eachStore.err = err
			return
		}
		err = s.Import(ctx, "demo", func(put func(connectors.Batch) error) error {
			for i := 0; i < eachStoreSize; i += 1000 {
				if err := put(connectors.Batch{Complaints: complaints(i, 1000)}); err != nil {
					return err
				}
			}
			return nil
		})
		eachStore.err = errors.Join(err, s.Close())
	})
	if eachStore.err != nil {
		b.Fatal(eachStore.err)
	}
	return filepath.Join(eachStore.dir, "kpidesk.db")
}

func TestMain(m *testing.M) {
	code := m.Run()
	if eachStore.dir != "" {
		os.RemoveAll(eachStore.dir)
	}
	os.Exit(code)
}

// BenchmarkEach measures reading a million complaints from a freshly
// opened file store, with and without their events, through Each and
// EachBatch:
//
//	go test -run '^$' -bench Each -benchtime 3x ./connectors/store/
func BenchmarkEach(b *testing.B) {
	path := eachStorePath(b)
	ctx := context.Background()
	for _, bc := range []struct {
		name  string
		q     Query
		batch bool
	}{
		{name: "events=false", q: Query{}},
		{name: "events=true", q: Query{WithEvents: true}},
		{name: "batch/events=false", q: Query{}, batch: true},
	} {
		b.Run(bc.name, func(b *testing.B) {
			s := openAt(b, path)
			b.ReportAllocs()
			start := cpuTime()
			for b.Loop() {
				got := 0
				var err error
				if bc.batch {
					err = s.EachBatch(ctx, bc.q, func(cs []connectors.Complaint) error { got += len(cs); return nil })
				} else {
					err = s.Each(ctx, bc.q, func(*connectors.Complaint) error { got++; return nil })
				}
				if err != nil {
					b.Fatal(err)
				}
				if got != eachStoreSize {
					b.Fatalf("read %d complaints, want %d", got, eachStoreSize)
				}
			}
			report(b, eachStoreSize, cpuTime()-start)
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
