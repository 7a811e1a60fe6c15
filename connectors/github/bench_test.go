package github

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kpidesk/kpidesk/connectors"
)

// BenchmarkSync syncs 50,000 generated issues with comments and
// timelines from a loopback fake (no added latency), then, after 1 % of
// them changed, syncs incrementally from the final cursor. It reports
// issues/s of the full sync, the peak heap above the fake's own data
// (sampled every 5ms), the rate-limited requests (answers other than 304)
// of both, and fails when the incremental sync costs more than 2 % of the
// full sync's. Run it once: go test -run '^$' -bench Sync -benchtime 1x.
func BenchmarkSync(b *testing.B) {
	max := func(a, b time.Time) time.Time {
		if b.After(a) {
			return b
		}
		return a
	}
	const n = 50_000
	f := newFakeGH(b)
	issues := genIssues(11, n)
	f.addRepo("acme/support", issues...)
	f.remaining.Store(1 << 40) // a quota that lasts: the stop at a spent quota is TestFaults'
	s := testSource(b, f, []string{"acme/support"})
	ctx := context.Background()

	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	baseline := ms.HeapInuse
	var peak atomic.Uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				var m runtime.MemStats
				runtime.ReadMemStats(&m)
				if m.HeapInuse > peak.Load() {
					peak.Store(m.HeapInuse)
				}
			}
		}
	}()

	b.ResetTimer()
	var cursor string
	var full, got int
	var elapsed time.Duration
	for range b.N {
		got, cursor = 0, ""
		before := f.rateLimited.Load()
		start := time.Now()
		err := s.Fetch(ctx, "", func(bt connectors.Batch) error {
			got += len(bt.Complaints)
			cursor = bt.Cursor
			return nil
		})
		elapsed += time.Since(start)
		if err != nil {
			b.Fatal(err)
		}
		full = int(f.rateLimited.Load() - before)
	}
	b.StopTimer()
	close(stop)
	wg.Wait()

	// 1 % changed: a comment each, after the cursor.
	f.mu.Lock()
	var later time.Time
	for _, fi := range issues {
		later = max(later, fi.updated.Add(time.Hour))
	}
	want := 0
	for i := 0; i < n/100; i++ {
		fi := issues[i*100]
		if !fi.pr {
			want++
		}
		fi.updated = later.Add(time.Duration(i) * time.Second)
		fi.timeline = append(fi.timeline, event("commented", fi.updated, "agent-1", map[string]any{"author_association": "MEMBER", "body": "update"}))
	}
	f.mu.Unlock()
	before := f.rateLimited.Load()
	changed := 0
	err := s.Fetch(ctx, cursor, func(bt connectors.Batch) error { changed += len(bt.Complaints); return nil })
	if err != nil {
		b.Fatal(err)
	}
	incr := int(f.rateLimited.Load() - before)

	b.ReportMetric(float64(got)*float64(b.N)/elapsed.Seconds(), "issues/s")
	b.ReportMetric(float64(peak.Load()-min(baseline, peak.Load()))/(1<<20), "peak-MiB")
	b.ReportMetric(float64(full), "full-requests")
	b.ReportMetric(float64(incr), "incr-requests")
	b.ReportMetric(100*float64(incr)/float64(full), "incr-%")
	if changed < want {
		b.Errorf("incremental sync read %d complaints, want the %d issues changed (pull requests left out)", changed, want)
	}
	if float64(incr) > 0.02*float64(full) {
		b.Errorf("incremental sync cost %d rate-limited requests, more than 2%% of the full sync's %d", incr, full)
	}
}
