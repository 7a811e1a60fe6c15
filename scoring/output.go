package scoring

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"runtime"
	"sort"
	"strconv"
	"strings"
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

// CSVHeader is the header row of scores.csv: one row per scorecard metric.
var CSVHeader = []string{"scorecard", "period", "unit_kind", "unit_id", "unit_name", "metric", "value", "numerator",
	"denominator", "median", "p90", "points", "weight", "status", "total", "coefficient", "final", "grade"}

// WriteCSV writes scores.csv. Text from the helpdesk or config that a
// spreadsheet would take for a formula is neutralized (SPEC §11).
func WriteCSV(w io.Writer, s *Scores) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(CSVHeader); err != nil {
		return err
	}
	for _, sc := range s.Scorecards {
		ids := make([]string, 0, len(sc.Metrics))
		for id := range sc.Metrics {
			ids = append(ids, id)
		}
		sort.Strings(ids)
		for _, id := range ids {
			m := sc.Metrics[id]
			row := []string{SafeCell(sc.Scorecard), sc.Period, sc.Unit.Kind, SafeCell(sc.Unit.ID), SafeCell(sc.Unit.Name), id,
				num(m.Value), strconv.FormatFloat(m.Numerator, 'f', -1, 64), strconv.FormatFloat(m.Denominator, 'f', -1, 64),
				num(m.Median), num(m.P90), num(m.Points), strconv.FormatFloat(m.Weight, 'f', -1, 64), m.Status,
				num(sc.Total), num(sc.Coefficient), num(sc.Final), sc.Grade}
			if err := cw.Write(row); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

func num(p *float64) string {
	if p == nil {
		return ""
	}
	return strconv.FormatFloat(*p, 'f', -1, 64)
}

// SafeCell defuses spreadsheet formula injection: a cell that starts with
// =, +, -, @, a tab or a carriage return gets a leading apostrophe, as
// OWASP recommends, so that Excel and LibreOffice show it as text.
func SafeCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
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
			for b := range work {
				b.evs = make([]Evidence, len(b.lines))
				b.upto = len(b.lines)
				for i, l := range b.lines {
					if len(bytes.TrimSpace(l)) == 0 {
						continue
					}
					if err := json.Unmarshal(l, &b.evs[i]); err != nil {
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
