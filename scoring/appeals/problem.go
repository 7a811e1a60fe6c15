package appeals

import (
	"strconv"
	"unicode/utf8"

	"github.com/kpidesk/kpidesk/internal/problem"
)

// Problem is one thing wrong with an appeals file, with its position.
// Field is a path within the appeal ("decision.changes[1].exclude"), or
// "(yaml)", "(file)" and "(appeal)" for a problem of the whole document,
// file or appeal.
type Problem = problem.Problem

// Problems is every problem of one file, ordered by line.
type Problems = problem.List

// quote quotes s for a reason, cut short so that a stray megabyte value
// does not make a megabyte error.
func quote(s string) string {
	const max = 60
	if len(s) > max {
		cut := max
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		return strconv.Quote(s[:cut]) + "…"
	}
	return strconv.Quote(s)
}
