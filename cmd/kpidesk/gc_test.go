package main

import (
	"runtime/debug"
	"testing"
)

func TestGCPercent(t *testing.T) {
	for _, c := range []struct {
		live uint64
		want int
	}{
		{0, 400},         // nothing measured yet
		{40 << 20, 400},  // the demo: five times 40 MiB is in the budget
		{64 << 20, 300},  // 64 MiB + 300 % = 256 MiB
		{128 << 20, 100}, // 128 MiB + 100 % = the budget
		{200 << 20, 100}, // never below the default
		{2 << 30, 100},   // past the budget
	} {
		if got := gcPercent(c.live); got != c.want {
			t.Errorf("gcPercent(%d MiB) = %d, want %d", c.live>>20, got, c.want)
		}
	}
}

func TestSiteGCRestores(t *testing.T) {
	t.Setenv("GOGC", "")
	before := debug.SetGCPercent(100)
	defer debug.SetGCPercent(before)
	restore := siteGC()
	if got := debug.SetGCPercent(100); got < 100 {
		t.Errorf("GOGC during the build = %d, want at least 100", got)
	}
	debug.SetGCPercent(250)
	restore()
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("GOGC after the build = %d, want 100 again", got)
	}
}

func TestSiteGCLeavesGOGC(t *testing.T) {
	t.Setenv("GOGC", "50")
	before := debug.SetGCPercent(50)
	defer debug.SetGCPercent(before)
	siteGC()()
	if got := debug.SetGCPercent(50); got != 50 {
		t.Errorf("GOGC = %d with GOGC=50 in the environment, want 50", got)
	}
}
