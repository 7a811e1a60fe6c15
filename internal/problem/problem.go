// Package problem is the positioned problem that kpidesk's readers of
// hand-written files (the config, input files, the appeals file) report:
// "FILE:LINE: field: reason", every problem of a file at once, so that one
// run shows everything to fix.
package problem

import (
	"fmt"
	"strings"
)

// Problem is one thing wrong with a file, with its position.
//
// It is a parse error of a hand-written file, which stops the command until
// the file is fixed, not a data-quality problem: what a source or an import
// skipped or doubted in the data it read is a [connectors.Problem], kept in
// the store and listed on the data-quality page.
//
// [connectors.Problem]: https://pkg.go.dev/github.com/kpidesk/kpidesk/connectors#Problem
type Problem struct {
	File   string
	Line   int // 0 when the problem has no line (the whole file, or no position)
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

// List is every problem found in one file or pass; its Error lists them
// one per line.
type List []Problem

func (ps List) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.Error()
	}
	return strings.Join(lines, "\n")
}
