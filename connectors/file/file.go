package file

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/kpidesk/kpidesk/connectors"
)

// Formats of an import file.
const (
	FormatJSONL = "jsonl"
	FormatCSV   = "csv"
)

// DefaultSource is the source name recorded on imported complaints when
// Options.Source is empty.
const DefaultSource = "file"

// MaxProblems is the number of problems Decode lists; Result.Unlisted
// counts the ones past it.
const MaxProblems = 1000

// maxLine is the longest JSONL line or CSV record Decode reads (a complaint
// with a very long comment history still fits many times over). A longer
// one is a problem, read past without being held in memory.
const maxLine = 32 << 20

// Options configures Decode.
type Options struct {
	// Source is the source name recorded on complaints and used as their
	// ID prefix: id "SD-1" becomes ID "file:SD-1". Default "file". It must
	// not contain a colon or white space.
	Source string
	// Format is FormatJSONL or FormatCSV. When empty it is detected from
	// the file name: .jsonl, .ndjson and .json are JSON Lines, .csv is CSV.
	Format string
	// ClockSkew is how far before created_at a first response, resolution,
	// escalation or event may lie (SPEC §13.12): such a line is imported
	// and listed in Result.Skews, one beyond it is a problem. Zero
	// tolerates none; kpidesk passes the config's import.clock_skew
	// (default [connectors.DefaultClockSkew]).
	ClockSkew time.Duration
}

// Problem is one bad line (or CSV header) of an import file, reported as
// FILE:LINE: field: reason (SPEC §12): a positioned parse error, like
// internal/problem's. [Source.Problems] turns each into the data-quality
// [connectors.Problem] the store keeps.
type Problem struct {
	File string
	// Line is the 1-based physical line: the first line of a CSV record
	// whose quoted cell spans several lines. 0 means the whole file.
	Line int
	// Field is the key or column at fault ("created_at", "events[2].at"),
	// or "(line)" for a line that could not be read at all.
	Field  string
	Reason string
	// ID is the line's id as written in the file, when it has one, so that
	// a data-quality report can name the skipped complaint.
	ID string
}

// Error returns "FILE:LINE: field: reason", or "FILE: reason" for a problem
// with the file as a whole.
func (p Problem) Error() string {
	var b strings.Builder
	b.WriteString(p.File)
	if p.Line > 0 {
		b.WriteByte(':')
		b.WriteString(strconv.Itoa(p.Line))
	}
	b.WriteString(": ")
	if p.Field != "" {
		b.WriteString(p.Field)
		b.WriteString(": ")
	}
	b.WriteString(p.Reason)
	return b.String()
}

// Result sums up a Decode.
type Result struct {
	Format string // the format read: FormatJSONL or FormatCSV
	// Read counts the complaint lines (CSV records) read: blank lines and
	// the CSV header are not counted. Read - OK lines were bad: see Bad.
	Read int
	// OK counts the complaints passed to fn.
	OK int
	// Problems lists the problems of the bad lines (and of the CSV header)
	// in file order: the first MaxProblems of them. A line may have several.
	Problems []Problem
	// Unlisted counts the problems past MaxProblems, not in Problems.
	Unlisted int
	// Skews lists the clock skews within Options.ClockSkew of the lines
	// passed to fn (SPEC §13.12), as Problems that did not stop the line:
	// the first MaxProblems of them. UnlistedSkews counts the rest.
	Skews         []Problem
	UnlistedSkews int
	// AsOf is the latest instant of any complaint passed to fn (created,
	// first response, resolution, escalation, event or survey time): the
	// instant up to which the file's data is complete, kept by the store as
	// the import's evaluation instant (SPEC §13.6). Zero when OK is 0.
	AsOf time.Time
}

// Bad returns the number of lines (CSV records) that were not imported.
func (r Result) Bad() int { return r.Read - r.OK }

// Invalid reports whether the file had any problem: a bad line, or a CSV
// header that stopped the import.
func (r Result) Invalid() bool { return len(r.Problems) > 0 }

// ErrUnknownFormat is returned by DetectFormat for a name whose extension
// does not tell the format; the caller then asks for the format.
var ErrUnknownFormat = errors.New("unknown file format")

// DetectFormat returns the format of a file from its name's extension.
func DetectFormat(name string) (string, error) {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".jsonl", ".ndjson", ".json":
		return FormatJSONL, nil
	case ".csv":
		return FormatCSV, nil
	}
	return "", fmt.Errorf("file: cannot tell the format of %q from its name (.jsonl, .ndjson, .json or .csv): %w", name, ErrUnknownFormat)
}

// Decode reads complaints in the import format (SPEC §12, see the package
// documentation) from r and passes each valid one to fn, in file order.
// name is the file name used in problems and, when opt.Format is empty, to
// detect the format.
//
// Decode validates every line. A bad line is reported in Result.Problems
// with all of its problems and is not passed to fn; each line yields either
// one complaint or at least one problem, never both. Whether to go on after
// problems is the caller's decision: SPEC §12 writes nothing unless told to
// skip invalid lines, so a caller that must be all-or-nothing collects the
// complaints and keeps them only when Problems is empty.
//
// fn receives a new complaint each time and may keep it. If fn returns an
// error, Decode stops and returns that error as it is. Decode also returns
// an error for an unknown format, an invalid source name or a failed read;
// the Result then covers what was read before.
func Decode(r io.Reader, name string, opt Options, fn func(*connectors.Complaint) error) (Result, error) {
	return decode(r, name, opt, false, fn)
}

// decode is Decode; with reuse, fn gets the same complaint every time and
// must copy what it keeps.
func decode(r io.Reader, name string, opt Options, reuse bool, fn func(*connectors.Complaint) error) (Result, error) {
	src := opt.Source
	if src == "" {
		src = DefaultSource
	}
	if strings.ContainsFunc(src, func(r rune) bool { return r == ':' || r == ' ' || r == '\t' || r == '\n' || r == '\r' }) {
		return Result{}, fmt.Errorf("file: invalid source name %q: it must not contain a colon or white space", src)
	}
	format := opt.Format
	switch format {
	case "":
		var err error
		if format, err = DetectFormat(name); err != nil {
			return Result{}, err
		}
	case FormatJSONL, FormatCSV:
	default:
		return Result{}, fmt.Errorf("file: unknown format %q: want %s or %s", format, FormatJSONL, FormatCSV)
	}

	im := &importer{
		file: name,
		fn:   fn,
		seed: maphash.MakeSeed(),
		seen: make(map[uint64]int),
		b:    builder{src: src, prefix: src + ":", tol: opt.ClockSkew, reuse: reuse},
	}
	im.res.Format = format
	br := bufio.NewReaderSize(r, 64<<10)
	if bom, _ := br.Peek(3); bytes.Equal(bom, []byte("\uFEFF")) {
		br.Discard(3)
	}
	var err error
	if format == FormatCSV {
		err = im.readCSV(br)
	} else {
		err = im.readJSONL(br)
	}
	return im.res, err
}

// importer holds the state of one Decode.
type importer struct {
	file string
	fn   func(*connectors.Complaint) error
	res  Result
	// seen maps the hash of each complaint ID to the line it was first
	// seen on, to report duplicates. A hash (8 bytes) rather than the ID
	// keeps the memory per complaint small and fixed; two IDs of a file
	// share a 64-bit hash with a chance of about n²/2⁶⁵ (3·10⁻⁶ for ten
	// million lines), which would report a false duplicate.
	seed maphash.Seed
	seen map[uint64]int
	b    builder
}

// addProblem records p, up to MaxProblems.
func (im *importer) addProblem(p Problem) {
	if len(im.res.Problems) < MaxProblems {
		im.res.Problems = append(im.res.Problems, p)
	} else {
		im.res.Unlisted++
	}
}

// lineProblem records a problem with a whole line, which has no complaint.
func (im *importer) lineProblem(line int, field, reason string) {
	im.res.Read++
	im.addProblem(Problem{File: im.file, Line: line, Field: field, Reason: reason})
}

// emit finishes the line in im.b: it reports the line's problems, or
// passes its complaint to fn.
func (im *importer) emit() error {
	b := &im.b
	im.res.Read++
	if b.c.ID != "" {
		h := maphash.String(im.seed, b.c.ID)
		if first, ok := im.seen[h]; ok {
			b.bad("id", fmt.Sprintf("duplicate id %s (first on line %d)", quoteShort(b.id), first))
		} else {
			im.seen[h] = b.line
		}
	}
	if len(b.probs) > 0 {
		for _, p := range b.probs {
			p.File, p.Line, p.ID = im.file, b.line, b.id
			im.addProblem(p)
		}
		return nil
	}
	for _, p := range b.skews {
		p.File, p.Line, p.ID = im.file, b.line, b.id
		if len(im.res.Skews) < MaxProblems {
			im.res.Skews = append(im.res.Skews, p)
		} else {
			im.res.UnlistedSkews++
		}
	}
	c := b.c
	if t := latest(c); t.After(im.res.AsOf) {
		im.res.AsOf = t
	}
	im.res.OK++
	return im.fn(c)
}

// latest returns the latest instant recorded on c.
func latest(c *connectors.Complaint) time.Time {
	t := c.CreatedAt
	for _, u := range [...]time.Time{c.FirstResponseAt, c.FirstResolvedAt, c.ResolvedAt, c.EscalatedAt} {
		if u.After(t) {
			t = u
		}
	}
	for i := range c.Events {
		if c.Events[i].At.After(t) {
			t = c.Events[i].At
		}
	}
	if c.CSAT != nil && c.CSAT.At.After(t) {
		t = c.CSAT.At
	}
	return t
}

// readJSONL reads one complaint per line. Lines are read with ReadSlice so
// that a line of any length (up to maxLine) fits without a copy in the
// common case.
func (im *importer) readJSONL(br *bufio.Reader) error {
	var (
		long []byte // a line longer than br's buffer
		buf  bytes.Buffer
		dec  jsontext.Decoder
		n    int
	)
	for {
		line, err := br.ReadSlice('\n')
		tooLong := false
		if err == bufio.ErrBufferFull {
			long = append(long[:0], line...)
			for err == bufio.ErrBufferFull {
				line, err = br.ReadSlice('\n')
				if len(long) <= maxLine {
					long = append(long, line...)
				}
			}
			tooLong = len(long) > maxLine
			line = long
		}
		if err != nil && err != io.EOF {
			return fmt.Errorf("file: read %s: %w", im.file, err)
		}
		if len(line) > 0 {
			n++
			if tooLong {
				im.lineProblem(n, "(line)", fmt.Sprintf("longer than %d MiB", maxLine>>20))
			} else if trimmed := bytes.TrimSpace(line); len(trimmed) > 0 {
				buf.Reset()
				buf.Write(trimmed)
				dec.Reset(&buf, jsontext.AllowDuplicateNames(true)) // checked by names
				if ferr := im.jsonLine(&dec, n); ferr != nil {
					return ferr
				}
			}
		}
		if err == io.EOF {
			return nil
		}
	}
}

// jsonLine decodes one non-blank JSONL line from dec.
func (im *importer) jsonLine(dec *jsontext.Decoder, n int) error {
	b := &im.b
	b.reset(n)
	if k := dec.PeekKind(); k != '{' {
		if err := dec.SkipValue(); err != nil {
			im.lineProblem(n, "(line)", "invalid JSON: "+syntaxReason(err))
			return nil
		}
		im.lineProblem(n, "(line)", "invalid JSON: want an object with one complaint per line, got "+kindName(k))
		return nil
	}
	err := b.jsonObject(dec)
	if err == nil {
		if _, err = dec.ReadToken(); err == io.EOF {
			err = nil
		} else if err == nil {
			err = errors.New("unexpected data after the object")
		}
	}
	if err != nil {
		im.lineProblem(n, "(line)", "invalid JSON: "+syntaxReason(err))
		return nil
	}
	b.finish()
	return im.emit()
}

// syntaxReason words a jsontext error for a problem: the cause, then the
// column (1-based byte offset in the line or cell).
func syntaxReason(err error) string {
	var se *jsontext.SyntacticError
	if errors.As(err, &se) && se.Err != nil {
		msg := se.Err.Error()
		if errors.Is(se.Err, jsontext.ErrDuplicateName) {
			return msg + " " + strconv.Quote(se.JSONPointer.LastToken())
		}
		if errors.Is(se.Err, io.ErrUnexpectedEOF) {
			msg = "unexpected end of line"
		}
		return fmt.Sprintf("%s (column %d)", msg, se.ByteOffset+1)
	}
	if err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF) {
		return "unexpected end of line"
	}
	return strings.TrimPrefix(err.Error(), "jsontext: ")
}

// kindName names a JSON kind for "want X, got Y" reasons.
func kindName(k jsontext.Kind) string {
	switch k {
	case '"':
		return "a string"
	case '0':
		return "a number"
	case 't':
		return "true"
	case 'f':
		return "false"
	case 'n':
		return "null"
	case '{':
		return "an object"
	case '[':
		return "an array"
	}
	return "invalid JSON"
}
