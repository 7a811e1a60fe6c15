package inputs

import (
	"fmt"
	"strings"
)

// Problem is one thing wrong with an input file, with its position.
type Problem struct {
	File   string
	Line   int // 0 when the problem is about the whole file
	Field  string
	Reason string
}

func (p Problem) Error() string {
	switch {
	case p.File == "":
		return p.Field + ": " + p.Reason
	case p.Line <= 0:
		return fmt.Sprintf("%s: %s: %s", p.File, p.Field, p.Reason)
	}
	return fmt.Sprintf("%s:%d: %s: %s", p.File, p.Line, p.Field, p.Reason)
}

// Problems is every problem found in one Load, Parse or Validate. Its Error
// lists them one per line, as config.Problems does, so that one run shows
// everything to fix.
type Problems []Problem

func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.Error()
	}
	return strings.Join(lines, "\n")
}
