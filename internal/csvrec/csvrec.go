// Package csvrec holds what kpidesk's CSV readers (complaint import, input
// files) share about encoding/csv records and errors.
package csvrec

import (
	"encoding/csv"
	"fmt"
	"strings"
)

// Blank reports whether every cell of a record is empty or spaces.
func Blank(rec []string) bool {
	for _, c := range rec {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// Reason words a csv.ParseError without its position, which the caller's
// FILE:LINE already gives.
func Reason(pe *csv.ParseError) string {
	if pe.Line != pe.StartLine {
		return fmt.Sprintf("%v (line %d)", pe.Err, pe.Line)
	}
	return fmt.Sprintf("%v (column %d)", pe.Err, pe.Column)
}
