// Package export writes the results of one scoring run as tables for BI
// tools and warehouses (kpidesk export): one row per complaint with its
// fields and its outcome per metric, and one row per scorecard × unit ×
// period × metric, in CSV or Parquet, partitioned Hive-style
// (complaints/month=2025-10/part-0.parquet) so that DuckDB, Power BI and
// Tableau read a folder or a glob of them.
//
// It computes nothing: the outcomes are the evidence lines of the run
// (scoring.ReadEvidence), the unit rows its scores (scoring.Scores), and a
// complaint's fields are the store's as scoring judged them (rewound to
// as_of, with the accepted appeals' corrections). Memory stays flat: the
// evidence and the store are streamed side by side in ID order, and each
// partition writes its rows as they come, a row group at a time.
package export

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/parquet-go/parquet-go"

	"github.com/kpidesk/kpidesk/connectors"
	"github.com/kpidesk/kpidesk/scoring"
	"github.com/kpidesk/kpidesk/scoring/appeals"
)

// Format is a file format of the export.
type Format string

// The formats.
const (
	CSV     Format = "csv"
	Parquet Format = "parquet"
)

// Formats lists the formats, for messages and help.
var Formats = []Format{CSV, Parquet}

// ParseFormat reads a format's name.
func ParseFormat(s string) (Format, error) {
	for _, f := range Formats {
		if strings.EqualFold(s, string(f)) {
			return f, nil
		}
	}
	return "", fmt.Errorf("unknown export format %q: want csv or parquet", s)
}

// ext is the file name extension of the format.
func (f Format) ext() string { return "." + string(f) }

// Options say what to export and how.
type Options struct {
	Format Format
	// Metrics are the run's metrics (its engine's Catalog):
	// the complaint table has three columns for each that judges
	// complaints.
	Metrics []scoring.Info
	// AsOf is the run's evaluation instant: complaints created after it
	// have no evidence line, and what happened after it did not happen yet.
	AsOf time.Time
	// Appeals are the run's appeals (nil for none): their accepted
	// corrections apply to the complaints' fields, as scoring applied them.
	Appeals *appeals.File
	// MaxOpen bounds the partition files open at once per table (0: 24);
	// a partition evicted is continued in its next part file.
	MaxOpen int
}

// Writer writes an export into a folder.
type Writer struct {
	dir        string
	opt        Options
	metrics    []scoring.Info
	complaints *table
	units      *table
	// corrections are the accepted appeals' corrections by complaint.
	corrections map[string][]appeals.AppliedCorrection
	// Months counts the complaint rows per month partition.
	Months map[string]int
	// UnitRows counts the unit rows.
	UnitRows int
}

// New prepares an export into dir, which the caller owns (an outdir
// stage): the tables' folders are made there as rows arrive.
func New(dir string, opt Options) (*Writer, error) {
	if _, err := ParseFormat(string(opt.Format)); err != nil {
		return nil, err
	}
	if opt.MaxOpen <= 0 {
		opt.MaxOpen = 24
	}
	metrics := complaintMetrics(opt.Metrics)
	cols, err := complaintColumns(metrics)
	if err != nil {
		return nil, err
	}
	meta := map[string]string{"kpidesk.as_of": opt.AsOf.UTC().Format(time.RFC3339), "kpidesk.schema": scoring.Schema}
	w := &Writer{dir: dir, opt: opt, metrics: metrics, Months: map[string]int{},
		complaints:  newTable(dir, ComplaintsTable, "month", cols, opt, meta),
		units:       newTable(dir, UnitMetricsTable, "period", unitColumns, opt, meta),
		corrections: map[string][]appeals.AppliedCorrection{}}
	if opt.Appeals != nil {
		for _, c := range opt.Appeals.Corrections() {
			w.corrections[c.Complaint] = append(w.corrections[c.Complaint], c)
		}
	}
	return w, nil
}

// Each streams complaints in ID order, as scoring read them: a store's
// EachBatch with the query scoring used (its events when as_of is earlier
// than the store's).
type Each func(ctx context.Context, fn func([]connectors.Complaint) error) error

// Complaints writes one row per line of evidence (evidence.jsonl of the
// run), joined with the complaint of the same ID from each. Both are in ID
// order; a complaint created after as_of has no line and is skipped. An ID
// out of step means the store changed since the run: an error.
func (w *Writer) Complaints(ctx context.Context, evidence io.Reader, each Each) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	batches := make(chan []connectors.Complaint, 4)
	readErr := make(chan error, 1)
	go func() {
		defer close(batches)
		readErr <- each(ctx, func(run []connectors.Complaint) error {
			select {
			case batches <- run:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		})
	}()
	var (
		cur []connectors.Complaint
		c   connectors.Complaint
		row []cell
	)
	// next returns the next complaint the run judged, as it judged it.
	next := func() (*connectors.Complaint, bool) {
		for {
			for len(cur) == 0 {
				b, ok := <-batches
				if !ok {
					return nil, false
				}
				cur = b
			}
			c, cur = cur[0], cur[1:]
			if !c.CreatedAt.After(w.opt.AsOf) && connectors.EventsAfter(c.Events, w.opt.AsOf) {
				connectors.Rewind(&c, w.opt.AsOf)
			}
			for _, cr := range w.corrections[c.ID] {
				cr.Apply(&c)
			}
			if c.CreatedAt.After(w.opt.AsOf) {
				continue // no evidence line: not yet created at as_of
			}
			connectors.Rewind(&c, w.opt.AsOf)
			return &c, true
		}
	}
	err := scoring.ReadEvidence(evidence, func(ev *scoring.Evidence) error {
		c, ok := next()
		if !ok {
			return fmt.Errorf("export: evidence line %s has no complaint in the store: the store changed since scoring; export again", ev.ID)
		}
		if c.ID != ev.ID {
			return fmt.Errorf("export: the store's complaint %s is not the evidence's %s: the store changed since scoring; export again", c.ID, ev.ID)
		}
		month := ev.Periods[scoring.CohortCreated]
		row = complaintRow(row, ev, c, w.opt.AsOf, w.metrics)
		if err := w.complaints.write(month, row); err != nil {
			return err
		}
		w.Months[month]++
		return nil
	})
	if err == nil {
		if c, ok := next(); ok {
			err = fmt.Errorf("export: the store's complaint %s has no evidence line: the store changed since scoring; export again", c.ID)
		}
	}
	if err == nil {
		// The complaints are all written: their files are closed before
		// the unit table's are opened.
		err = w.complaints.close()
	}
	cancel()
	for range batches {
	}
	if rerr := <-readErr; err == nil && rerr != nil && !errors.Is(rerr, context.Canceled) {
		err = rerr
	}
	return err
}

// Scores writes one row per scorecard × unit × period × metric of s, the
// run's scores: period by period in the order of scores.json's periods,
// each partition written whole and closed before the next, and within one
// the scorecards in the order of scores.json with the metrics sorted.
func (w *Writer) Scores(s *scoring.Scores) error {
	byPeriod := make(map[string][]int, len(s.Periods))
	for i := range s.Scorecards {
		byPeriod[s.Scorecards[i].Period] = append(byPeriod[s.Scorecards[i].Period], i)
	}
	var row []cell
	for _, p := range s.Periods {
		for _, i := range byPeriod[p.ID] {
			sc := &s.Scorecards[i]
			for _, id := range slices.Sorted(maps.Keys(sc.Metrics)) {
				m := sc.Metrics[id]
				row = unitRow(row, sc, p, id, &m)
				if err := w.units.write(p.ID, row); err != nil {
					return err
				}
				w.UnitRows++
			}
		}
		delete(byPeriod, p.ID)
		if err := w.units.closePart(p.ID); err != nil {
			return err
		}
	}
	for period, idx := range byPeriod {
		sc := &s.Scorecards[idx[0]]
		return fmt.Errorf("export: scorecard %s of %s: period %q is not in the scores' periods", sc.Scorecard, sc.Unit.Key(), period)
	}
	return nil
}

// Close ends every open file; the export is complete once it returns nil.
func (w *Writer) Close() error {
	return errors.Join(w.complaints.close(), w.units.close())
}

// Abort closes what is open without caring for errors; the caller removes
// the folder.
func (w *Writer) Abort() {
	w.complaints.close()
	w.units.close()
}

// table writes the partitions of one table: dir/NAME/KEY=VALUE/part-N.EXT.
// At most opt.MaxOpen files are open; the one used least recently is
// closed to open another, and its partition goes on in a new part file.
type table struct {
	dir, name, key string
	cols           []column
	format         Format
	schema         *parquet.Schema
	meta           map[string]string
	maxOpen        int
	open           map[string]*openPart
	parts          map[string]int // the next part number per partition
	tick           int
}

type openPart struct {
	w    partWriter
	used int
}

func newTable(dir, name, key string, cols []column, opt Options, meta map[string]string) *table {
	t := &table{dir: dir, name: name, key: key, cols: cols, format: opt.Format, meta: meta, maxOpen: opt.MaxOpen,
		open: map[string]*openPart{}, parts: map[string]int{}}
	if opt.Format == Parquet {
		t.schema = parquetSchema(name, cols)
	}
	return t
}

// validPartition reports whether v may name a partition folder: a month
// or period ID (2025-10, 2025-Q4), nothing that could leave the folder.
func validPartition(v string) bool {
	if v == "" || len(v) > 32 {
		return false
	}
	for _, r := range v {
		if !(r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

func (t *table) write(part string, row []cell) error {
	t.tick++
	p := t.open[part]
	if p == nil {
		if !validPartition(part) {
			return fmt.Errorf("export: %s: %q cannot name a partition", t.name, part)
		}
		if len(t.open) >= t.maxOpen {
			if err := t.evict(); err != nil {
				return err
			}
		}
		dir := filepath.Join(t.dir, t.name, t.key+"="+part)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		n := t.parts[part]
		t.parts[part] = n + 1
		path := filepath.Join(dir, "part-"+strconv.Itoa(n)+t.format.ext())
		var w partWriter
		var err error
		if t.format == Parquet {
			w, err = newParquetPart(path, t.schema, t.cols, t.meta)
		} else {
			w, err = newCSVPart(path, t.cols)
		}
		if err != nil {
			return err
		}
		p = &openPart{w: w}
		t.open[part] = p
	}
	p.used = t.tick
	if err := p.w.write(row); err != nil {
		return fmt.Errorf("export: write %s/%s=%s: %w", t.name, t.key, part, err)
	}
	return nil
}

// evict closes the partition file used least recently.
func (t *table) evict() error {
	var oldest string
	for k, p := range t.open {
		if oldest == "" || p.used < t.open[oldest].used {
			oldest = k
		}
	}
	p := t.open[oldest]
	delete(t.open, oldest)
	return p.w.close()
}

// closePart closes the open file of one partition, if any.
func (t *table) closePart(part string) error {
	p := t.open[part]
	if p == nil {
		return nil
	}
	delete(t.open, part)
	return p.w.close()
}

// close closes every open file, in partition order.
func (t *table) close() error {
	keys := make([]string, 0, len(t.open))
	for k := range t.open {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var errs []error
	for _, k := range keys {
		errs = append(errs, t.open[k].w.close())
		delete(t.open, k)
	}
	return errors.Join(errs...)
}
