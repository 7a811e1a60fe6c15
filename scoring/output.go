package scoring

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/kpidesk/kpidesk/internal/control"
	"github.com/kpidesk/kpidesk/internal/reason"
)

// WriteJSON writes scores.json: sorted keys, floats fixed to six decimals,
// so the same input gives the same bytes (SPEC §12).
func WriteJSON(w io.Writer, s *Scores) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", " ")
	return enc.Encode(s)
}

// ReadJSON reads scores.json back, refusing another schema.
func ReadJSON(r io.Reader) (*Scores, error) {
	var s Scores
	if err := json.NewDecoder(r).Decode(&s); err != nil {
		return nil, fmt.Errorf("read scores: %w", err)
	}
	if s.Schema != Schema {
		return nil, fmt.Errorf("read scores: schema %q, want %q", s.Schema, Schema)
	}
	return &s, nil
}

// csvHeader is the header row of scores.csv: one row per scorecard metric.
// status is the metric's (ok, insufficient, not_applicable);
// scorecard_status the scorecard's (ok, no_data); partial is true when the
// period is not complete at as_of (the grade is provisional), secondary
// when the scorecard does not decide the unit's grade. The 95 % intervals
// follow (empty when there is none): interval_low and interval_high of a
// rate's value or a mean, median_low/high and p90_low/high of a duration's
// median and p90; borderline is true when one metric moved within its
// interval would change the grade.
var csvHeader = []string{"scorecard", "period", "unit_kind", "unit_id", "unit_name", "metric", "value", "numerator",
	"denominator", "median", "p90", "points", "weight", "status", "total", "coefficient", "final", "grade",
	"scorecard_status", "partial", "secondary", "interval_low", "interval_high", "median_low", "median_high",
	"p90_low", "p90_high", "borderline"}

// WriteCSV writes scores.csv. Text from the helpdesk or config that a
// spreadsheet would take for a formula is neutralized (SPEC §11).
func WriteCSV(w io.Writer, s *Scores) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(csvHeader); err != nil {
		return err
	}
	for _, sc := range s.Scorecards {
		for _, id := range slices.Sorted(maps.Keys(sc.Metrics)) {
			m := sc.Metrics[id]
			// Every text cell goes through SafeCell, even those kpidesk
			// names itself: a scorecard, unit or grade id comes from the
			// config or a helpdesk. Numbers are formatted here and are safe.
			row := []string{safeCell(sc.Scorecard), safeCell(sc.Period), safeCell(sc.Unit.Kind), safeCell(sc.Unit.ID), safeCell(sc.Unit.Name), safeCell(id),
				num(m.Value), strconv.FormatFloat(m.Numerator, 'f', -1, 64), strconv.FormatFloat(m.Denominator, 'f', -1, 64),
				num(m.Median), num(m.P90), num(m.Points), strconv.FormatFloat(m.Weight, 'f', -1, 64), safeCell(m.Status),
				num(sc.Total), num(sc.Coefficient), num(sc.Final), safeCell(sc.Grade),
				safeCell(sc.Status), strconv.FormatBool(sc.Partial), strconv.FormatBool(sc.Secondary)}
			iv := m.ValueInterval()
			row = append(row, bound(iv, 0), bound(iv, 1), bound(m.MedianInterval, 0), bound(m.MedianInterval, 1),
				bound(m.P90Interval, 0), bound(m.P90Interval, 1), strconv.FormatBool(sc.Borderline))
			if err := cw.Write(row); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

// bound is one end of an interval, or "" without one.
func bound(iv *[2]float64, i int) string {
	if iv == nil {
		return ""
	}
	return strconv.FormatFloat(iv[i], 'f', -1, 64)
}

func num(p *float64) string {
	if p == nil {
		return ""
	}
	return strconv.FormatFloat(*p, 'f', -1, 64)
}

// SafeCell is safeCell for kpidesk's other CSV writers (the BI export,
// scoring/export): one guard for every CSV kpidesk writes.
func SafeCell(s string) string { return safeCell(s) }

// safeCell makes text safe to put in a CSV cell that a spreadsheet opens
// (SPEC §11), following OWASP's CSV Injection guidance, which also warns
// that a separator inside a cell can start a new cell:
//
//   - A control character other than tab, line feed and carriage return
//     becomes U+FFFD, so that no NUL or escape sequence reaches the file
//     raw (internal/control).
//   - Every segment a spreadsheet could read as a formula gets an
//     apostrophe in front of it, which makes it text. A segment is the
//     whole cell, and the text after each character that a spreadsheet, an
//     import dialog or a locale may take as a cell or row boundary: comma,
//     semicolon, |, tab, carriage return, line feed and double quote. It is
//     a formula when it starts, after any spaces, with = + - or @, and the
//     cell is one when it starts with a tab, carriage return or line feed.
//     Excel in a locale whose list separator is ";" splits
//     x;=cmd|' /C calc'!A0 into x and a formula; safeCell writes
//     x;'=cmd|' /C calc'!A0.
//   - A segment that is a plain decimal number (-5, +2, -0.25) is left
//     alone: a spreadsheet reads it as that number, never as a formula.
//     Dates and periods (2026-11-02) start with a digit and are left alone.
//
// The apostrophe shows in a text editor; in a spreadsheet it is hidden.
func safeCell(s string) string {
	if !mayNeedDefusing(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 4)
	start := true // at the start of a segment
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if start {
			switch r {
			case ' ':
				// Spaces before a formula do not stop every spreadsheet.
			case '=', '+', '-', '@':
				if !plainNumber(s[i:segmentEnd(s, i)]) {
					b.WriteByte('\'')
				}
				start = false
			case '\t', '\r', '\n':
				if i == 0 {
					b.WriteByte('\'')
				}
			default:
				start = false
			}
		}
		if control.Is(r) && r != '\t' && r != '\r' && r != '\n' {
			b.WriteRune(utf8.RuneError)
		} else {
			b.WriteString(s[i : i+size])
		}
		if cellBoundary(r) {
			start = true
		}
		i += size
	}
	return b.String()
}

// cellBoundary reports whether some spreadsheet, dialog or locale may start
// a new cell or row after r.
func cellBoundary(r rune) bool {
	switch r {
	case ',', ';', '|', '\t', '\r', '\n', '"':
		return true
	}
	return false
}

// mayNeedDefusing reports whether s has a formula character or a control
// character; text with neither is safe as it is.
func mayNeedDefusing(s string) bool {
	if i, _ := control.Index(s); i >= 0 {
		return true
	}
	return strings.ContainsAny(s, "=+-@")
}

// segmentEnd returns the index of the first cell boundary in s at or after
// i, or len(s).
func segmentEnd(s string, i int) int {
	if j := strings.IndexFunc(s[i:], cellBoundary); j >= 0 {
		return i + j
	}
	return len(s)
}

// plainNumber reports whether s is a decimal number with a sign: -5, +2.5.
func plainNumber(s string) bool {
	if len(s) < 2 || (s[0] != '-' && s[0] != '+') {
		return false
	}
	digits, dot := 0, false
	for i := 1; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			digits++
		case c == '.' && !dot && digits > 0 && i < len(s)-1:
			dot = true
		default:
			return false
		}
	}
	return digits > 0
}

// EvidenceWriter writes evidence.jsonl, one complaint per line.
type EvidenceWriter struct {
	bw  *bufio.Writer
	enc *json.Encoder
}

// NewEvidenceWriter returns a writer; call Flush when done.
func NewEvidenceWriter(w io.Writer) *EvidenceWriter {
	bw := bufio.NewWriterSize(w, 1<<16)
	return &EvidenceWriter{bw: bw, enc: json.NewEncoder(bw)}
}

// Write appends one line.
func (w *EvidenceWriter) Write(e *Evidence) error { return w.enc.Encode(e) }

// Flush writes what is buffered.
func (w *EvidenceWriter) Flush() error { return w.bw.Flush() }

// ReadEvidence streams evidence.jsonl to fn, in file order. Lines are
// decoded on every core in batches; fn runs on the calling goroutine.
// Each line is a new Evidence, never reused: fn may keep it or hand it
// to another goroutine.
func ReadEvidence(r io.Reader, fn func(*Evidence) error) error {
	type batch struct {
		first int // line number of lines[0]
		lines [][]byte
		evs   []Evidence
		err   error
		upto  int // lines before upto are good; the rest are not delivered
		done  chan struct{}
	}
	const batchLines = 1024
	workers := runtime.GOMAXPROCS(0)
	ordered := make(chan *batch, 2*workers)
	work := make(chan *batch, workers)
	stop := make(chan struct{})
	defer close(stop)
	var readErr error // set before ordered closes
	go func() {
		defer close(ordered)
		defer close(work)
		br := bufio.NewReaderSize(r, 1<<16)
		cur := &batch{first: 1, done: make(chan struct{})}
		flush := func() bool {
			select {
			case ordered <- cur:
			case <-stop:
				return false
			}
			select {
			case work <- cur:
			case <-stop:
				return false
			}
			return true
		}
		for line := 1; ; line++ {
			b, err := br.ReadBytes('\n')
			cur.lines = append(cur.lines, b)
			if len(cur.lines) == batchLines || err != nil {
				if err != nil && err != io.EOF {
					// Deliver what was read, then the error.
					cur.lines = cur.lines[:len(cur.lines)-1]
					readErr = err
				}
				if !flush() || err != nil {
					return
				}
				cur = &batch{first: line + 1, done: make(chan struct{})}
			}
		}
	}()
	for range workers {
		go func() {
			in := newInterner()
			for b := range work {
				b.evs = make([]Evidence, len(b.lines))
				b.upto = len(b.lines)
				for i, l := range b.lines {
					if len(bytes.TrimSpace(l)) == 0 {
						continue
					}
					if err := decodeEvidence(l, &b.evs[i], in); err != nil {
						b.err, b.upto = fmt.Errorf("evidence.jsonl:%d: %w", b.first+i, err), i
						break
					}
				}
				close(b.done)
			}
		}()
	}
	for b := range ordered {
		<-b.done
		for i := range b.evs[:b.upto] {
			if len(bytes.TrimSpace(b.lines[i])) == 0 {
				continue
			}
			if err := fn(&b.evs[i]); err != nil {
				return err
			}
		}
		if b.err != nil {
			return b.err
		}
	}
	return readErr
}

// decodeEvidence decodes one line of evidence.jsonl into the zero e, as
// json.Unmarshal does. The form kpidesk writes (known keys, strings
// without escapes) is read without reflection, which took most of a
// build's evidence pass; any other line, and every error, is left to
// json.Unmarshal.
func decodeEvidence(line []byte, e *Evidence, in interner) error {
	if (&evidenceScanner{b: line, in: in}).evidence(e) {
		return nil
	}
	*e = Evidence{}
	return json.Unmarshal(line, e)
}

// interner shares the strings that repeat from line to line (units,
// metric IDs, results, months) within one decoding goroutine, and the
// reasons read from them: a month's exclusions repeat a few messages
// thousands of times, and each parse tries the catalogue's patterns.
type interner struct {
	strs    map[string]string
	reasons map[string]reason.Reason
}

func newInterner() interner {
	return interner{strs: map[string]string{}, reasons: map[string]reason.Reason{}}
}

// internMax bounds an interner: past it, strings are no longer shared.
const internMax = 1 << 14

func (in interner) str(b []byte) string {
	if s, ok := in.strs[string(b)]; ok {
		return s
	}
	s := string(b)
	if len(in.strs) < internMax {
		in.strs[s] = s
	}
	return s
}

// reason is reason.Parse(s), parsed once per distinct s. The Reason is
// shared: its Args are never changed.
func (in interner) reason(s string) reason.Reason {
	if r, ok := in.reasons[s]; ok {
		return r
	}
	r := reason.Parse(s)
	if len(in.reasons) < internMax {
		in.reasons[s] = r
	}
	return r
}

// evidenceScanner reads one line in the form EvidenceWriter writes. Its
// methods report false on anything else, valid JSON or not.
type evidenceScanner struct {
	b  []byte
	i  int
	in interner
}

func (sc *evidenceScanner) space() {
	for sc.i < len(sc.b) {
		switch sc.b[sc.i] {
		case ' ', '\t', '\n', '\r':
			sc.i++
		default:
			return
		}
	}
}

// next reports whether the next byte after spaces is c, and consumes it
// if so.
func (sc *evidenceScanner) next(c byte) bool {
	sc.space()
	if sc.i < len(sc.b) && sc.b[sc.i] == c {
		sc.i++
		return true
	}
	return false
}

// str reads a string without escapes or control characters, whose UTF-8
// is valid: the bytes between its quotes, which JSON decodes to
// themselves.
func (sc *evidenceScanner) str() ([]byte, bool) {
	if !sc.next('"') {
		return nil, false
	}
	start, ascii := sc.i, true
	for ; sc.i < len(sc.b); sc.i++ {
		switch c := sc.b[sc.i]; {
		case c == '"':
			s := sc.b[start:sc.i]
			sc.i++
			return s, ascii || utf8.Valid(s)
		case c == '\\' || c < 0x20:
			return nil, false
		case c >= 0x80:
			ascii = false
		}
	}
	return nil, false
}

// number reads a JSON number.
func (sc *evidenceScanner) number() ([]byte, bool) {
	sc.space()
	b, start := sc.b, sc.i
	i := start
	digits := func() bool {
		j := i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		return i > j
	}
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && b[i] >= '1' && b[i] <= '9':
		digits()
	default:
		return nil, false
	}
	if i < len(b) && b[i] == '.' {
		i++
		if !digits() {
			return nil, false
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if !digits() {
			return nil, false
		}
	}
	sc.i = i
	return b[start:i], true
}

// object reads {"key": value, ...}, calling field for each key with the
// scanner at its value.
func (sc *evidenceScanner) object(field func(key []byte) bool) bool {
	if !sc.next('{') {
		return false
	}
	if sc.next('}') {
		return true
	}
	for {
		k, ok := sc.str()
		if !ok || !sc.next(':') || !field(k) {
			return false
		}
		if sc.next('}') {
			return true
		}
		if !sc.next(',') {
			return false
		}
	}
}

// time reads a string into t as time.Time's UnmarshalJSON, which
// json.Unmarshal calls, does.
func (sc *evidenceScanner) time(t *time.Time) bool {
	sc.space()
	start := sc.i
	if _, ok := sc.str(); !ok {
		return false
	}
	return t.UnmarshalJSON(sc.b[start:sc.i]) == nil
}

// outcome reads a result, a measured value or {result: reason}, as
// Outcome.UnmarshalJSON does; results and reasons repeat, so they are
// shared.
func (sc *evidenceScanner) outcome(o *Outcome) bool {
	sc.space()
	if sc.i >= len(sc.b) {
		return false
	}
	switch c := sc.b[sc.i]; {
	case c == '"':
		s, ok := sc.str()
		if !ok {
			return false
		}
		*o = Outcome{Result: sc.in.str(s)}
		return true
	case c == '{':
		var res, why []byte
		n := 0
		ok := sc.object(func(k []byte) bool {
			n++
			res = k
			v, ok := sc.str()
			why = v
			return ok
		})
		if !ok || n != 1 {
			return false
		}
		*o = Outcome{Result: sc.in.str(res), Reason: sc.in.reason(sc.in.str(why))}
		return true
	}
	num, ok := sc.number()
	return ok && o.UnmarshalJSON(num) == nil
}

// evidence reads a whole line into the zero e. Each key is one of
// Evidence's, spelt as its tag, and given once; a null is left to
// json.Unmarshal.
func (sc *evidenceScanner) evidence(e *Evidence) bool {
	var seen uint32
	ok := sc.object(func(key []byte) bool {
		var bit uint32
		var dst *string
		shared := true
		switch string(key) {
		case "agent":
			bit, dst = 1<<0, &e.Agent
		case "category":
			bit, dst = 1<<1, &e.Category
		case "channel":
			bit, dst = 1<<2, &e.Channel
		case "department":
			bit, dst = 1<<3, &e.Department
		case "id":
			bit, dst, shared = 1<<4, &e.ID, false
		case "key":
			bit, dst, shared = 1<<5, &e.Key, false
		case "kind":
			bit, dst = 1<<6, &e.Kind
		case "priority":
			bit, dst = 1<<7, &e.Priority
		case "team":
			bit, dst = 1<<8, &e.Team
		case "title":
			bit, dst, shared = 1<<9, &e.Title, false
		case "url":
			bit, dst, shared = 1<<10, &e.URL, false
		case "created":
			bit = 1 << 11
		case "resolved":
			bit = 1 << 12
		case "outcomes":
			bit = 1 << 13
		case "periods":
			bit = 1 << 14
		default:
			return false
		}
		if seen&bit != 0 {
			return false
		}
		seen |= bit
		switch {
		case dst != nil:
			s, ok := sc.str()
			if !ok {
				return false
			}
			if shared {
				*dst = sc.in.str(s)
			} else {
				*dst = string(s)
			}
			return true
		case bit == 1<<11:
			return sc.time(&e.Created)
		case bit == 1<<12:
			return sc.time(&e.Resolved)
		case bit == 1<<13:
			e.Outcomes = make(map[string]Outcome, 16)
			return sc.object(func(k []byte) bool {
				var o Outcome
				if !sc.outcome(&o) {
					return false
				}
				e.Outcomes[sc.in.str(k)] = o
				return true
			})
		default:
			e.Periods = make(map[string]string, 4)
			return sc.object(func(k []byte) bool {
				v, ok := sc.str()
				if ok {
					e.Periods[sc.in.str(k)] = sc.in.str(v)
				}
				return ok
			})
		}
	})
	sc.space()
	return ok && sc.i == len(sc.b)
}
