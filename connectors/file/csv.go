package file

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/kpidesk/kpidesk/connectors"
	"github.com/kpidesk/kpidesk/internal/control"
	"github.com/kpidesk/kpidesk/internal/csvrec"
)

// readCSV reads a header row naming the columns, then one complaint per
// record. A header problem (unknown, duplicate or missing required column)
// stops the import before any record: every record would be read wrong.
//
// A record longer than maxLine or with more than maxCells cells is a
// problem at its first line; a csvLimit between br and encoding/csv keeps
// it from being read into memory.
func (im *importer) readCSV(br *bufio.Reader) error {
	lim := &csvLimit{r: br, maxBytes: maxLine, maxCells: maxCells}
	// base is the number of lines before the current csv.Reader's first:
	// after a refused record a new Reader starts, counting from 1 again.
	base := 0
	newReader := func() *csv.Reader {
		cr := csv.NewReader(lim)
		cr.FieldsPerRecord = -1 // checked here, to report it as a problem
		cr.ReuseRecord = true
		base = lim.lines
		return cr
	}
	cr := newReader()

	header, err := cr.Read()
	if err == io.EOF {
		return nil
	}
	if err != nil {
		var pe *csv.ParseError
		switch {
		case errors.Is(err, errRecordTooBig):
			lim.skip()
			im.addProblem(Problem{File: im.file, Line: lim.recLine, Field: "(header)", Reason: lim.reason()})
			return nil
		case errors.As(err, &pe):
			im.addProblem(Problem{File: im.file, Line: pe.StartLine, Field: "(header)", Reason: "invalid CSV: " + csvrec.Reason(pe)})
			return nil
		}
		return fmt.Errorf("file: read %s: %w", im.file, err)
	}
	cols := make([]field, len(header))
	seen := make([]bool, numFields)
	headerLine, _ := cr.FieldPos(0)
	headerLine += base
	bad := false
	for i, name := range header {
		name = strings.ToLower(strings.TrimSpace(name))
		f, ok := lookupField([]byte(name))
		switch {
		case !ok:
			im.addProblem(Problem{File: im.file, Line: headerLine, Field: fieldLabel([]byte(header[i])), Reason: strings.Replace(unknownKey([]byte(name), fieldNames), "key", "column", 1)})
			bad = true
		case seen[f]:
			im.addProblem(Problem{File: im.file, Line: headerLine, Field: name, Reason: "duplicate column"})
			bad = true
		default:
			cols[i], seen[f] = f, true
		}
	}
	for _, f := range [...]field{fID, fCreatedAt} {
		if !seen[f] {
			im.addProblem(Problem{File: im.file, Line: headerLine, Field: f.String(), Reason: "missing column (required)"})
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
			switch {
			case errors.Is(err, errRecordTooBig):
				err := lim.skip()
				im.lineProblem(lim.recLine, "(line)", lim.reason())
				if err == io.EOF {
					return nil
				} else if err != nil {
					return fmt.Errorf("file: read %s: %w", im.file, err)
				}
				cr = newReader()
			case errors.As(err, &pe):
				pe.StartLine += base
				pe.Line += base
				im.lineProblem(pe.StartLine, "(line)", "invalid CSV: "+csvrec.Reason(pe))
			default:
				return fmt.Errorf("file: read %s: %w", im.file, err)
			}
			continue
		}
		line, _ := cr.FieldPos(0)
		line += base
		if csvrec.Blank(rec) { // spreadsheets leave rows of empty cells behind
			continue
		}
		if len(rec) != len(cols) {
			im.lineProblem(line, "(line)", fmt.Sprintf("%d cells, but the header has %d columns", len(rec), len(cols)))
			continue
		}
		b := &im.b
		b.reset(line)
		for i, cell := range rec {
			b.cellField(cols[i], cell)
		}
		b.finish()
		if err := im.emit(); err != nil {
			return err
		}
	}
}

// cellField sets field f from a CSV cell. An empty cell is absent; the
// word null in a derived field's cell means "none" as JSON null does.
func (b *builder) cellField(f field, cell string) {
	cell = strings.TrimSpace(cell)
	if cell == "" {
		return
	}
	if !utf8.ValidString(cell) {
		b.mark(f)
		b.bad(f.String(), "not valid UTF-8: save the file as UTF-8")
		return
	}
	if f.derived() && cell == "null" {
		b.setNull(f)
		return
	}
	switch f.typ() {
	case connectors.FieldString:
		b.setString(f, cell)
	case connectors.FieldTime:
		setTime(b, f, cell)
	case connectors.FieldCount:
		setCount(b, f, cell)
	case connectors.FieldBool:
		v, ok := parseBool(cell)
		if !ok {
			b.mark(f)
			b.bad(f.String(), "want true, false, yes, no, 1 or 0, got "+quoteShort(cell))
			return
		}
		b.setBool(f, v)
	case connectors.FieldList:
		b.mark(f)
		var labels []string
		for l := range strings.SplitSeq(cell, ";") {
			if l = strings.TrimSpace(l); l != "" {
				if reason := control.Check(l); reason != "" {
					b.bad(f.String(), reason)
					continue
				}
				labels = append(labels, l)
			}
		}
		*b.list(f) = labels
	case connectors.FieldCSAT, connectors.FieldEvents, connectors.FieldMap:
		b.jsonCell(f, cell)
	default:
		panic("file: no reader for field " + f.String() + " of kind " + f.typ().String())
	}
}

func parseBool(s string) (v, ok bool) {
	switch strings.ToLower(s) {
	case "true", "yes", "1":
		return true, true
	case "false", "no", "0":
		return false, true
	}
	return false, false
}
