package main

import (
	"bytes"
	"testing"
	"time"
)

// TestProgressInALog checks progress where stderr is not a terminal (a CI
// log): no line while a step is young, then a plain line at most every
// logEvery, and one line with the duration when the step is done.
func TestProgressInALog(t *testing.T) {
	var buf bytes.Buffer
	p := &progress{w: &buf, start: time.Now()}
	p.update("sync: %d issues", 100)
	if buf.Len() != 0 {
		t.Fatalf("a young step logged %q", buf.String())
	}
	p.start = p.start.Add(-logEvery - time.Second) // the step has run a while
	p.update("sync: %d issues", 200)
	p.update("sync: %d issues", 300) // too soon after the last line
	if got, want := buf.String(), "sync: 200 issues\n"; got != want {
		t.Fatalf("log = %q, want %q", got, want)
	}
	p.last = p.last.Add(-logEvery - time.Second)
	p.update("sync: %d issues", 400)
	p.done("synced %d issues", 400)
	want := "sync: 200 issues\nsync: 400 issues\nsynced 400 issues ("
	if got := buf.String(); len(got) < len(want) || got[:len(want)] != want {
		t.Errorf("log = %q, want it to start %q", got, want)
	}
	var quiet bytes.Buffer
	q := &progress{w: &quiet, quiet: true, start: time.Now().Add(-time.Hour)}
	q.update("x")
	q.done("y")
	if quiet.Len() != 0 {
		t.Errorf("a quiet progress wrote %q", quiet.String())
	}
}
