package inputs

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/kpidesk/kpidesk/internal/csvrec"
)

// readCSV reads a header naming the columns (metric, unit, period, value
// and optionally rater, in any order and case), then one row per record. A
// header problem stops the file: every record would be read wrong.
func (l *loader) readCSV(r io.Reader, file string) error {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1 // checked here, to report it with a hint
	header, err := cr.Read()
	if err == io.EOF {
		return nil
	}
	if err != nil {
		var pe *csv.ParseError
		if !errors.As(err, &pe) {
			return err
		}
		l.problem(file, pe.StartLine, "(header)", "invalid CSV: "+csvrec.Reason(pe))
		return nil
	}
	headerLine, _ := cr.FieldPos(0)
	colOf := make([]int, len(header)) // header index → col*
	seen := [numCols]int{}            // col* → 1 + header index
	bad := false
	for i, h := range header {
		name := strings.ToLower(strings.TrimSpace(h))
		c := slices.Index(columns[:], name)
		switch {
		case name == "":
			l.problem(file, headerLine, "(header)", fmt.Sprintf("column %d has no name", i+1))
			bad = true
		case c < 0:
			l.problem(file, headerLine, "(header)", "unknown column "+quote(strings.TrimSpace(h))+" (known: "+strings.Join(columns[:], ", ")+")")
			bad = true
		case seen[c] > 0:
			l.problem(file, headerLine, name, fmt.Sprintf("duplicate column (columns %d and %d)", seen[c], i+1))
			bad = true
		default:
			colOf[i], seen[c] = c, i+1
		}
	}
	for c := range colRater { // rater is optional
		if seen[c] == 0 {
			l.problem(file, headerLine, columns[c], "missing column")
			bad = true
		}
	}
	if bad {
		return nil
	}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			var pe *csv.ParseError
			if !errors.As(err, &pe) {
				return err
			}
			l.problem(file, pe.StartLine, "(row)", "invalid CSV: "+csvrec.Reason(pe))
			continue
		}
		line, _ := cr.FieldPos(0)
		if csvrec.Blank(rec) { // spreadsheets leave rows of empty cells behind
			continue
		}
		if len(rec) != len(header) {
			reason := fmt.Sprintf("%d cells, but the header has %d columns", len(rec), len(header))
			if len(rec) > len(header) {
				reason += ` (quote a number with thousands separators: "12,000")`
			}
			l.problem(file, line, "(row)", reason)
			continue
		}
		var cells [numCols]cell
		for i, text := range rec {
			cellLine, _ := cr.FieldPos(i)
			cells[colOf[i]] = cell{text: text, line: cellLine}
		}
		l.row(file, line, &cells, len(l.problems))
	}
}
