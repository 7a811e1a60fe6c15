package appeals

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Problem is one thing wrong with an appeals file, with its position.
// Field is a path within the appeal ("decision.changes[1].exclude"), or
// "(yaml)", "(file)" and "(appeal)" for a problem of the whole document,
// file or appeal.
type Problem struct {
	File   string
	Line   int // 0 when the problem has no position
	Field  string
	Reason string
}

func (p Problem) Error() string {
	if p.Line > 0 {
		return fmt.Sprintf("%s:%d: %s: %s", p.File, p.Line, p.Field, p.Reason)
	}
	return fmt.Sprintf("%s: %s: %s", p.File, p.Field, p.Reason)
}

// Problems is every problem of one file; its Error lists them one per
// line, ordered by line, as config.Problems does.
type Problems []Problem

func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.Error()
	}
	return strings.Join(lines, "\n")
}

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
