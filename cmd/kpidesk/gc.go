package main

import (
	"os"
	"runtime/debug"
	"runtime/metrics"
	"time"
)

// siteHeapBudget is how far siteGC lets the heap grow between
// collections while the site is built.
const siteHeapBudget = 256 << 20

// siteGC lets the heap grow further between collections while the site
// is built, and returns what puts the setting back. Building a site
// allocates much and keeps little (a page is rendered, written and
// dropped), so at the default GOGC=100 a demo build collects about 75
// times, a tenth of its CPU (GODEBUG=gctrace=1) before assists and write
// barriers; GOGC=400 made it about 15 % faster. The heap may grow to five
// times what is live, but not past siteHeapBudget: the setting follows
// the live heap as the build goes (a store of a million complaints ends
// with a few hundred MB live), down to the default, never below.
// GOGC in the environment wins.
func siteGC() (restore func()) {
	if os.Getenv("GOGC") != "" {
		return func() {}
	}
	live := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	percent := func() int {
		metrics.Read(live)
		if live[0].Value.Kind() != metrics.KindUint64 {
			return 100
		}
		return gcPercent(live[0].Value.Uint64())
	}
	cur := percent()
	old := debug.SetGCPercent(cur)
	stop, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				// Set only on a change: each setting starts the
				// collector's pacing over.
				if p := percent(); p != cur {
					debug.SetGCPercent(p)
					cur = p
				}
			}
		}
	}()
	return func() {
		close(stop)
		<-done
		debug.SetGCPercent(old)
	}
}

// gcPercent is the GOGC that lets a heap of live bytes grow to five
// times its size but not past siteHeapBudget, and never below the
// default 100.
func gcPercent(live uint64) int {
	const most, least = 400, 100
	if live == 0 {
		return most
	}
	p := int((siteHeapBudget - min(live, siteHeapBudget)) * 100 / live)
	return max(least, min(most, p))
}
