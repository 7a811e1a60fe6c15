// Package linediff names the first line where two texts differ, for tests
// that compare whole outputs (scores.json, evidence.jsonl) byte for byte
// and must say where they part without printing megabytes.
package linediff

import (
	"fmt"
	"strings"
)

// First returns the first differing line of a and b, labelled with their
// names, or "no difference".
func First(a, b []byte, nameA, nameB string) string {
	la, lb := strings.Split(string(a), "\n"), strings.Split(string(b), "\n")
	w := max(len(nameA), len(nameB)) + 1
	for i := range max(len(la), len(lb)) {
		var x, y string
		if i < len(la) {
			x = la[i]
		}
		if i < len(lb) {
			y = lb[i]
		}
		if x != y {
			return fmt.Sprintf("line %d:\n  %-*s %s\n  %-*s %s", i+1, w, nameA+":", x, w, nameB+":", y)
		}
	}
	return "no difference"
}
