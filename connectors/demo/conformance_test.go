package demo

import (
	"cmp"
	"fmt"
	"math"
	"strconv"
	"testing"

	"github.com/kpidesk/kpidesk/connectors/connectorstest"
)

// TestConformance runs the connector conformance suite on a demo of three
// batches (BatchSize is 5000).
func TestConformance(t *testing.T) {
	connectorstest.Run(t, connectorstest.Harness{
		New: func(t *testing.T) connectorstest.Fake {
			return connectorstest.Fake{Source: New(Options{Size: 2*BatchSize + 1000})}
		},
		CompareCursor: func(a, b string) (int, error) {
			x, err := cursorIndex(a)
			if err != nil {
				return 0, err
			}
			y, err := cursorIndex(b)
			if err != nil {
				return 0, err
			}
			return cmp.Compare(x, y), nil
		},
		Skip: map[connectorstest.Check]string{
			connectorstest.CheckProblems:    "the demo generates every complaint from its seed: it has no record it cannot use",
			connectorstest.CheckIncremental: "the demo's data is fixed by its options: nothing changes after a read, and a read from \"done\" yields nothing",
		},
	})
}

// cursorIndex orders demo cursors: "" is 0, "done" after every index.
func cursorIndex(c string) (int, error) {
	switch c {
	case "":
		return 0, nil
	case cursorDone:
		return math.MaxInt, nil
	}
	n, err := strconv.Atoi(c)
	if err != nil {
		return 0, fmt.Errorf("demo cursor %q: %v", c, err)
	}
	return n, nil
}
