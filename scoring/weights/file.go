package weights

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// FileError is a problem in an input file, reported as
// FILE:LINE: field: reason (SPEC §12). Line is 1-based, 0 when unknown;
// Field is empty when the problem is not in one field.
type FileError struct {
	Path  string
	Line  int
	Field string
	Err   error
}

func (e *FileError) Error() string {
	var b strings.Builder
	b.WriteString(e.Path)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	if e.Field != "" {
		b.WriteString(": " + e.Field)
	}
	b.WriteString(": " + e.Err.Error())
	return b.String()
}

func (e *FileError) Unwrap() error { return e.Err }

func fileErr(path string, line int, field, format string, args ...any) error {
	return &FileError{Path: path, Line: line, Field: field, Err: fmt.Errorf(format, args...)}
}

// yamlLine finds the position yaml.v3 puts in its syntax errors.
var yamlLine = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)

// ReadAHPFile reads a pairwise comparison matrix for AHP (SPEC §12), YAML
// or JSON:
//
//	criteria: [response time, handling time, FTR, CSAT]
//	matrix:
//	  - [1,   3,   1/2, 5]
//	  - [1/3, 1,   1/4, 2]
//	  ...
//
// A cell is a number or a fraction such as "1/3" (quoted in JSON). The
// matrix is checked with ValidateMatrix, so a returned matrix is ready for
// AHP; every problem is a *FileError with the line of the offending cell,
// wrapping a *MatrixError for matrix problems.
func ReadAHPFile(path string) (criteria []string, matrix [][]float64, err error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		msg := strings.TrimPrefix(err.Error(), "yaml: ")
		if sm := yamlLine.FindStringSubmatch(msg); sm != nil {
			line, _ := strconv.Atoi(sm[1])
			return nil, nil, fileErr(path, line, "", "%s", sm[2])
		}
		return nil, nil, fileErr(path, 0, "", "%s", msg)
	}
	if len(doc.Content) == 0 {
		return nil, nil, fileErr(path, 0, "", "empty file, want {criteria: [...], matrix: [[...]]}")
	}
	root := deref(doc.Content[0])
	if root.Kind != yaml.MappingNode {
		return nil, nil, fileErr(path, root.Line, "", "want a mapping with criteria and matrix")
	}
	var critNode, matNode *yaml.Node
	for i := 0; i+1 < len(root.Content); i += 2 {
		key, val := root.Content[i], deref(root.Content[i+1])
		switch key.Value {
		case "criteria":
			critNode = val
		case "matrix":
			matNode = val
		default:
			return nil, nil, fileErr(path, key.Line, key.Value, "unknown key (known: criteria, matrix)")
		}
	}
	if critNode == nil {
		return nil, nil, fileErr(path, root.Line, "criteria", "missing")
	}
	if matNode == nil {
		return nil, nil, fileErr(path, root.Line, "matrix", "missing")
	}

	if critNode.Kind != yaml.SequenceNode || len(critNode.Content) == 0 {
		return nil, nil, fileErr(path, critNode.Line, "criteria", "want a list of names")
	}
	seen := map[string]bool{}
	for i, c := range critNode.Content {
		c = deref(c)
		field := fmt.Sprintf("criteria[%d]", i)
		switch {
		case c.Kind != yaml.ScalarNode:
			return nil, nil, fileErr(path, c.Line, field, "want a name")
		case strings.TrimSpace(c.Value) == "":
			return nil, nil, fileErr(path, c.Line, field, "empty name")
		case seen[c.Value]:
			return nil, nil, fileErr(path, c.Line, field, "%q is listed twice", c.Value)
		}
		seen[c.Value] = true
		criteria = append(criteria, c.Value)
	}
	if len(criteria) > MaxAHPSize {
		return nil, nil, fileErr(path, critNode.Line, "criteria", "%d criteria, AHP supports at most %d", len(criteria), MaxAHPSize)
	}

	if matNode.Kind != yaml.SequenceNode {
		return nil, nil, fileErr(path, matNode.Line, "matrix", "want a list of rows")
	}
	rows := make([]*yaml.Node, len(matNode.Content))
	cells := make([][]*yaml.Node, len(matNode.Content))
	for i, r := range matNode.Content {
		r = deref(r)
		rows[i] = r
		field := fmt.Sprintf("matrix[%d]", i)
		if r.Kind != yaml.SequenceNode {
			return nil, nil, fileErr(path, r.Line, field, "want a row of values")
		}
		row := make([]float64, len(r.Content))
		for j, c := range r.Content {
			c = deref(c)
			cells[i] = append(cells[i], c)
			if c.Kind != yaml.ScalarNode {
				return nil, nil, fileErr(path, c.Line, fmt.Sprintf("matrix[%d][%d]", i, j), "want a number or a fraction like 1/3")
			}
			v, err := parseCell(c.Value)
			if err != nil {
				return nil, nil, fileErr(path, c.Line, fmt.Sprintf("matrix[%d][%d]", i, j), "%v", err)
			}
			row[j] = v
		}
		matrix = append(matrix, row)
	}
	if err := ValidateMatrix(matrix, len(criteria)); err != nil {
		line := matNode.Line
		var me *MatrixError
		if errors.As(err, &me) {
			switch {
			case me.Row >= 0 && me.Col >= 0:
				line = cells[me.Row][me.Col].Line
			case me.Row >= 0:
				line = rows[me.Row].Line
			}
		}
		return nil, nil, &FileError{Path: path, Line: line, Field: "matrix", Err: err}
	}
	return criteria, matrix, nil
}

// deref follows YAML aliases.
func deref(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

// parseCell parses a matrix cell: a number (3, 0.5) or a fraction (1/3).
func parseCell(s string) (float64, error) {
	s = strings.TrimSpace(s)
	num, den, isFrac := strings.Cut(s, "/")
	var v float64
	var err error
	if isFrac {
		var a, b float64
		a, err = strconv.ParseFloat(strings.TrimSpace(num), 64)
		if err == nil {
			b, err = strconv.ParseFloat(strings.TrimSpace(den), 64)
		}
		if err == nil && b == 0 {
			return 0, fmt.Errorf("%q divides by zero", s)
		}
		v = a / b
	} else {
		v, err = strconv.ParseFloat(s, 64)
	}
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("%q is not a number or a fraction like 1/3", s)
	}
	return v, nil
}

// ReadEntropyCSV reads the data for the entropy method (SPEC §12): a header
// row, then one row per unit; the first column is the unit, every other
// column a criterion (metric), e.g.
//
//	team,response_rate,handling_time,csat
//	north,0.93,5.1,88
//	south,0.88,7.4,91
//
// Values are plain numbers. A problem is a *FileError,
// FILE:LINE: column: reason.
func ReadEntropyCSV(path string) (criteria, units []string, values [][]float64, err error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, nil, err
	}
	data = bytes.TrimPrefix(data, []byte("\ufeff")) // spreadsheet exports
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1 // checked below, with a better message
	csvErr := func(err error) error {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return &FileError{Path: path, Line: pe.Line, Err: pe.Err}
		}
		return &FileError{Path: path, Err: err}
	}
	header, err := r.Read()
	if err == io.EOF {
		return nil, nil, nil, fileErr(path, 0, "", "empty file, want a header row: unit, then one column per criterion")
	}
	if err != nil {
		return nil, nil, nil, csvErr(err)
	}
	if len(header) < 2 {
		return nil, nil, nil, fileErr(path, 1, "", "the header has %d column(s), want the unit column and at least one criterion", len(header))
	}
	unitCol := strings.TrimSpace(header[0])
	if unitCol == "" {
		unitCol = "unit"
	}
	seen := map[string]bool{}
	for j, h := range header[1:] {
		h = strings.TrimSpace(h)
		line, _ := r.FieldPos(j + 1)
		switch {
		case h == "":
			return nil, nil, nil, fileErr(path, line, fmt.Sprintf("column %d", j+2), "empty criterion name in the header")
		case seen[h]:
			return nil, nil, nil, fileErr(path, line, h, "criterion is listed twice in the header")
		}
		seen[h] = true
		criteria = append(criteria, h)
	}
	lineOf := map[string]int{}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, nil, nil, csvErr(err)
		}
		line, _ := r.FieldPos(0)
		if len(rec) != len(header) {
			return nil, nil, nil, fileErr(path, line, "", "%d fields, the header has %d", len(rec), len(header))
		}
		unit := strings.TrimSpace(rec[0])
		if unit == "" {
			return nil, nil, nil, fileErr(path, line, unitCol, "empty unit")
		}
		if prev, ok := lineOf[unit]; ok {
			return nil, nil, nil, fileErr(path, line, unitCol, "%q is already on line %d", unit, prev)
		}
		lineOf[unit] = line
		row := make([]float64, len(criteria))
		for j := range criteria {
			s := strings.TrimSpace(rec[j+1])
			fl, _ := r.FieldPos(j + 1)
			if s == "" {
				return nil, nil, nil, fileErr(path, fl, criteria[j], "empty value")
			}
			v, err := strconv.ParseFloat(s, 64)
			if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, nil, nil, fileErr(path, fl, criteria[j], "%q is not a number", s)
			}
			row[j] = v
		}
		units = append(units, unit)
		values = append(values, row)
	}
	if len(units) == 0 {
		return nil, nil, nil, fileErr(path, 0, "", "no data rows after the header")
	}
	return criteria, units, values, nil
}
