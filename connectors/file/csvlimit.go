package file

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"math"
)

// maxCells is the most cells a CSV record may have. The format has 24
// columns; the limit only stops a line of commas from costing encoding/csv
// some 40 bytes of bookkeeping per cell.
const maxCells = 1024

// errRecordTooBig is returned by csvLimit.Read once the current record has
// passed a limit; csvLimit.reason says which.
var errRecordTooBig = errors.New("file: CSV record too big")

// csvState is where csvLimit is in a record, following encoding/csv's rules
// (comma-separated, RFC 4180 quotes, LazyQuotes off).
type csvState uint8

const (
	csvStart    csvState = iota // before a record: a line feed here is a blank line
	csvField                    // at the start of a cell
	csvUnquoted                 // in a cell that does not start with a quote
	csvQuoted                   // in a quoted cell
	csvQuote                    // after a quote in a quoted cell: "" or the cell's end
	csvQuoteCR                  // after a quote and a carriage return
	csvBad                      // after a quote error: encoding/csv drops the rest of the line
)

// csvLimit sits between the file and encoding/csv, whose Reader holds a
// whole record (and a line of it twice) in memory however long it is. It
// follows the records as encoding/csv will read them and passes the bytes
// through until a record passes maxBytes or maxCells; Read then returns
// errRecordTooBig, which encoding/csv returns from its Read as it is. skip
// then drops the rest of that record, and a new csv.Reader reads on from
// the next one. Memory stays bounded by the limits for any file size.
type csvLimit struct {
	r                  *bufio.Reader
	maxBytes, maxCells int

	st      csvState
	n       int // bytes of the current record so far
	cells   int // cells of the current record so far
	lines   int // line feeds passed (and skipped)
	recLine int // the line the current record starts on
	over    bool
	open    bool // skip met the end of the file in a quoted cell
}

// Read passes on the bytes of whole records, and of the current record up
// to the limits.
func (l *csvLimit) Read(p []byte) (int, error) {
	if l.over {
		return 0, errRecordTooBig
	}
	if l.r.Buffered() == 0 {
		if _, err := l.r.Peek(1); err != nil {
			return 0, err
		}
	}
	buf, _ := l.r.Peek(min(l.r.Buffered(), len(p)))
	k, _ := l.advance(buf, false)
	copy(p, buf[:k])
	l.r.Discard(k)
	if k == 0 {
		return 0, errRecordTooBig
	}
	return k, nil
}

// reason words why the current record was refused.
func (l *csvLimit) reason() string {
	if l.cells > l.maxCells {
		return fmt.Sprintf("more than %d cells", l.maxCells)
	}
	r := fmt.Sprintf("record longer than %d MiB", l.maxBytes>>20)
	if l.open {
		r += " (is a quote left open?)"
	}
	return r
}

// skip reads past the rest of the refused record, to the start of the
// next; call reason after it.
func (l *csvLimit) skip() error {
	for {
		if l.r.Buffered() == 0 {
			if _, err := l.r.Peek(1); err != nil {
				l.open = l.st == csvQuoted
				l.over, l.st = false, csvStart
				return err
			}
		}
		buf, _ := l.r.Peek(l.r.Buffered())
		k, ended := l.advance(buf, true)
		l.r.Discard(k)
		if ended {
			l.over = false
			return nil
		}
	}
}

// advance follows the records in buf. Reading, it stops before the byte
// that takes the current record past a limit and sets l.over; skipping, it
// stops after the line feed that ends the current record (ended). It
// returns the number of bytes it went through.
func (l *csvLimit) advance(buf []byte, skipping bool) (k int, ended bool) {
	st, n, cells, lines := l.st, l.n, l.cells, l.lines
	defer func() { l.st, l.n, l.cells, l.lines = st, n, cells, lines }()
	limit := l.maxBytes
	if skipping {
		limit = math.MaxInt
	}
	i := 0
	for i < len(buf) {
		if st == csvStart {
			if buf[i] == '\n' {
				lines++
				i++
				continue // a blank line, which encoding/csv skips
			}
			st, n, cells, l.recLine = csvField, 0, 1, lines+1
		}
		// Runs of bytes that change nothing but the counts.
		var j int
		switch st {
		case csvQuoted:
			if j = bytes.IndexByte(buf[i:], '"'); j < 0 {
				j = len(buf) - i
			}
		case csvUnquoted:
			for j = 0; i+j < len(buf) && !unquotedStop[buf[i+j]]; j++ {
			}
		case csvBad:
			if j = bytes.IndexByte(buf[i:], '\n'); j < 0 {
				j = len(buf) - i
			}
		}
		if j > 0 {
			if n+j > limit {
				j = limit - n
				l.over = true
			}
			if st == csvQuoted {
				lines += bytes.Count(buf[i:i+j], []byte{'\n'})
			}
			n += j
			i += j
			if l.over {
				return i, false
			}
			continue
		}

		c := buf[i]
		if n++; n > limit {
			n--
			l.over = true
			return i, false
		}
		end := false
		switch st {
		case csvField:
			switch c {
			case '"':
				st = csvQuoted
			case ',':
				cells++
			case '\n':
				end = true
			default:
				st = csvUnquoted
			}
		case csvUnquoted:
			switch c {
			case ',':
				st = csvField
				cells++
			case '\n':
				end = true
			case '"':
				st = csvBad // a bare quote
			}
		case csvQuoted: // at a quote
			st = csvQuote
		case csvQuote:
			switch c {
			case '"':
				st = csvQuoted
			case ',':
				st = csvField
				cells++
			case '\n':
				end = true
			case '\r':
				st = csvQuoteCR
			default:
				st = csvBad
			}
		case csvQuoteCR:
			st = csvBad
			end = c == '\n'
		case csvBad: // at a line feed
			end = true
		}
		if c == '\n' {
			lines++
		}
		i++
		if end {
			st = csvStart
			if skipping {
				return i, true
			}
			continue
		}
		if !skipping && cells > l.maxCells {
			l.over = true
			return i, false
		}
	}
	return len(buf), false
}

// unquotedStop marks the bytes that end a run in an unquoted cell.
var unquotedStop = [256]bool{',': true, '"': true, '\n': true}
