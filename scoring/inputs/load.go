package inputs

import (
	"bufio"
	"cmp"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// Load reads input files, CSV (.csv) or YAML (.yaml, .yml) by their
// extension, into one Set. It reads every file and reports every problem,
// as Problems ("FILE:LINE: field: reason", one per line); with any problem
// it returns no Set, so that a scorecard is never scored on half its
// inputs. A value given twice, in one file or in two, is a problem.
func Load(paths ...string) (*Set, error) {
	l := &loader{}
	for _, p := range paths {
		l.files = append(l.files, p)
		format, ok := formatOf(p)
		if !ok {
			l.problem(p, 0, "(file)", formatReason(p))
			continue
		}
		f, err := os.Open(p)
		if err != nil {
			l.problem(p, 0, "(file)", ioReason(err))
			continue
		}
		l.read(f, p, format)
		f.Close()
	}
	return l.finish()
}

// Parse reads one input file from r; name gives its format by extension,
// as for Load, and is the file in problems and rows.
func Parse(r io.Reader, name string) (*Set, error) {
	l := &loader{files: []string{name}}
	if format, ok := formatOf(name); ok {
		l.read(r, name, format)
	} else {
		l.problem(name, 0, "(file)", formatReason(name))
	}
	return l.finish()
}

type format int

const (
	formatCSV format = iota
	formatYAML
)

func formatOf(name string) (format, bool) {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".csv":
		return formatCSV, true
	case ".yaml", ".yml":
		return formatYAML, true
	}
	return 0, false
}

func formatReason(name string) string {
	return fmt.Sprintf("unknown format %s (want .csv, .yaml or .yml)", quote(filepath.Ext(name)))
}

// ioReason words an I/O error without the path, which the problem gives.
func ioReason(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Op + ": " + pe.Err.Error()
	}
	return err.Error()
}

// columns are the names of a row's fields: CSV columns and YAML keys.
var columns = [...]string{"metric", "unit", "period", "value", "rater"}

const (
	colMetric = iota
	colUnit
	colPeriod
	colValue
	colRater
	numCols
)

// cell is one field of a row as read, before it is checked.
type cell struct {
	text   string
	line   int      // 0: the row's line
	number *float64 // a YAML number, read by yaml.v3 (0x1F, 1_000, .inf)
	bad    bool     // already reported
}

// loader collects rows and problems from every file of one Load.
type loader struct {
	files    []string
	problems []Problem
	rows     []Row
	texts    []string // the value of rows[i] as written
	pcts     []bool   // whether rows[i] was written as a percentage
}

func (l *loader) problem(file string, line int, field, reason string) {
	l.problems = append(l.problems, Problem{File: file, Line: line, Field: field, Reason: reason})
}

func (l *loader) read(r io.Reader, name string, f format) {
	br := bufio.NewReader(r)
	// A UTF-8 byte order mark, as Excel writes, is not part of the text.
	if b, err := br.Peek(3); err == nil && string(b) == "\ufeff" {
		br.Discard(3)
	}
	var err error
	switch f {
	case formatCSV:
		err = l.readCSV(br, name)
	case formatYAML:
		err = l.readYAML(br, name)
	}
	if err != nil {
		l.problem(name, 0, "(file)", ioReason(err))
	}
}

// row checks the cells of one row read at file:line, and keeps it if they
// are all valid and no problem was found in the row since the loader had n.
func (l *loader) row(file string, line int, cells *[numCols]cell, n int) {
	text := func(c int) string { return strings.TrimSpace(cells[c].text) }
	check := func(c int, reason string) {
		if reason != "" && !cells[c].bad {
			l.problem(file, cmp.Or(cells[c].line, line), columns[c], reason)
		}
	}
	r := Row{File: file, Line: line, Metric: text(colMetric), Period: text(colPeriod), Rater: text(colRater)}
	check(colMetric, checkIdent(r.Metric, "orders"))
	var reason string
	r.Unit, reason = checkUnit(text(colUnit))
	check(colUnit, reason)
	check(colPeriod, checkPeriod(r.Period))
	var pct bool
	r.Value, pct, reason = parseValue(text(colValue))
	if v := cells[colValue].number; reason != "" && v != nil {
		r.Value, pct, reason = *v, false, ""
		if math.IsInf(*v, 0) || math.IsNaN(*v) {
			reason = quote(text(colValue)) + " is not a finite number"
		}
	}
	check(colValue, reason)
	if r.Rater != "" {
		check(colRater, checkIdent(r.Rater, "supervisor"))
	}
	if len(l.problems) == n {
		l.rows = append(l.rows, r)
		l.texts = append(l.texts, text(colValue))
		l.pcts = append(l.pcts, pct)
	}
}

// where names row r's position as seen from a problem in file.
func where(r Row, file string) string {
	if r.File == file {
		return "line " + strconv.Itoa(r.Line)
	}
	return r.File + ":" + strconv.Itoa(r.Line)
}

// finish checks the rows against each other, across files, and makes the
// Set, or returns every problem sorted by file (in the order given) and
// line.
func (l *loader) finish() (*Set, error) {
	type rated struct {
		key
		rater string
	}
	first := make(map[rated]int)
	withRater := make(map[key]int)
	without := make(map[key]int)
	pctAt := make(map[string]int)   // metric → first row written as a percentage
	plainAt := make(map[string]int) // metric → first row written as a plain number above 1
	mixed := make(map[key]bool)     // keys reported for rows with and without a rater
	scaled := make(map[string]bool) // metrics reported for mixed scales
	for i, r := range l.rows {
		k := r.key()
		if j, dup := first[rated{k, r.Rater}]; dup {
			by := ""
			if r.Rater != "" {
				by = " by " + r.Rater
			}
			l.problem(r.File, r.Line, "(row)", fmt.Sprintf("duplicate of %s: %s%s", where(l.rows[j], r.File), k, by))
			continue
		}
		first[rated{k, r.Rater}] = i
		mine, other := without, withRater
		if r.Rater != "" {
			mine, other = withRater, without
		}
		if _, ok := mine[k]; !ok {
			mine[k] = i
		}
		if j, ok := other[k]; ok && !mixed[k] {
			mixed[k] = true
			l.problem(r.File, r.Line, "(row)", fmt.Sprintf("%s has rows with a rater and without one (%s): give every row a rater, or give one row without", k, where(l.rows[j], r.File)))
		}
		l.checkScale(i, pctAt, plainAt, scaled)
	}
	if len(l.problems) > 0 {
		order := make(map[string]int)
		for i, f := range l.files {
			if _, ok := order[f]; !ok {
				order[f] = i
			}
		}
		slices.SortStableFunc(l.problems, func(a, b Problem) int {
			return cmp.Or(cmp.Compare(order[a.File], order[b.File]), cmp.Compare(a.Line, b.Line))
		})
		// A bad key of the nested YAML form is found again under each of
		// its periods; say it once.
		seen := make(map[Problem]bool)
		ps := l.problems[:0]
		for _, p := range l.problems {
			if !seen[p] {
				seen[p] = true
				ps = append(ps, p)
			}
		}
		return nil, Problems(ps)
	}
	return newSet(l.rows), nil
}

// checkScale reports a metric with values written as percentages ("85%",
// read as 0.85) and others as plain numbers above 1 ("90"): one of them is
// almost surely 100 times off. It is reported once per metric, at the
// later row.
func (l *loader) checkScale(i int, pctAt, plainAt map[string]int, reported map[string]bool) {
	r := l.rows[i]
	switch {
	case l.pcts[i]:
		if _, ok := pctAt[r.Metric]; !ok {
			pctAt[r.Metric] = i
		}
	case math.Abs(r.Value) > 1:
		if _, ok := plainAt[r.Metric]; !ok {
			plainAt[r.Metric] = i
		}
	default:
		return
	}
	p, okP := pctAt[r.Metric]
	q, okQ := plainAt[r.Metric]
	if !okP || !okQ || reported[r.Metric] {
		return
	}
	reported[r.Metric] = true
	pctText, plainText := l.texts[p]+" here", l.texts[q]+" ("+where(l.rows[q], r.File)+")"
	if i == q {
		pctText, plainText = l.texts[p]+" ("+where(l.rows[p], r.File)+")", l.texts[q]+" here"
	}
	l.problem(r.File, r.Line, "value", fmt.Sprintf("%s mixes scales: %s is read as the fraction %s, but %s is above 1; write every %s value with %% or as a fraction",
		r.Metric, pctText, strconv.FormatFloat(l.rows[p].Value, 'g', -1, 64), plainText, r.Metric))
}
