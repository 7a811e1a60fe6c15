package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"time"
	"unsafe"

	"github.com/kpidesk/kpidesk/connectors"
)

// Query selects the complaints Each reads. The zero Query reads every
// complaint without its events.
type Query struct {
	// WithEvents also reads each complaint's events. Scoring needs only
	// the derived scalar fields for most metrics; leaving the events out
	// skips their table and their decoding, the bulk of a read.
	WithEvents bool
	// Source keeps the complaints stored under this source name (the name
	// given to Put, Sync or Import); "" keeps all.
	Source string
	// CreatedFrom and CreatedBefore keep complaints created in
	// [CreatedFrom, CreatedBefore); a zero bound is open. A complaint
	// without CreatedAt falls outside any bounded range.
	CreatedFrom, CreatedBefore time.Time
	// IncludeMissing also reads the complaints a full sync found missing
	// from their source (deleted or moved); scoring leaves them out.
	IncludeMissing bool
	// SkipFields leaves each complaint's Fields nil: most scoring needs
	// none of them, and decoding a map a complaint is a fifth of a read.
	SkipFields bool
}

// A column is one value a read selects: a field of connectors.Fields.
type column struct {
	f    *connectors.Field
	expr string // in the SELECT
	// off is the offset of the field in a Complaint, through which the
	// decoder sets it without the accessor's call and type assertion
	// (TestFastPathMatchesDriver holds the two to the same values).
	off uintptr
	// integer: the column holds an integer or NULL (times, counts,
	// flags); otherwise text or NULL.
	integer bool
}

// columns are the columns a read selects, in this order, made from
// connectors.Fields: first and together the strings that are not shared
// among complaints (IDs, titles, customers: numCopied of them, which share
// one allocation, see decoder.row), then the strings of few values
// (interned), the integers, the JSON, and last the events (only with
// Query.WithEvents).
var columns, numCopied = func() ([]column, int) {
	rank := func(f *connectors.Field) int {
		switch f.Kind {
		case connectors.FieldString:
			if f.Few {
				return 1
			}
			return 0
		case connectors.FieldTime, connectors.FieldCount, connectors.FieldBool:
			return 2
		case connectors.FieldEvents:
			return 4
		}
		return 3
	}
	var cols []column
	copied := 0
	for r := range 5 {
		for i := range connectors.Fields {
			f := &connectors.Fields[i]
			if rank(f) != r {
				continue
			}
			var probe connectors.Complaint
			col := column{f: f, expr: "c." + f.Column, integer: r == 2,
				off: reflect.ValueOf(f.Ptr(&probe)).Pointer() - uintptr(unsafe.Pointer(&probe))}
			if r == 4 {
				col.expr = "e." + f.Column
			}
			if r == 0 {
				copied++
			}
			cols = append(cols, col)
		}
	}
	if cols[len(cols)-1].f.Kind != connectors.FieldEvents || rank(cols[len(cols)-2].f) == 4 {
		panic("store: want one events field")
	}
	return cols, copied
}()

// numColumns is the number of columns of a read with events.
var numColumns = len(columns)

// at returns a pointer to the field of c at offset off, of type T.
func at[T any](c *connectors.Complaint, off uintptr) *T {
	return (*T)(unsafe.Add(unsafe.Pointer(c), off))
}

// sql returns the SELECT for q and its arguments.
func (q Query) sql() (string, []any) {
	var b strings.Builder
	b.WriteString("SELECT ")
	for i, col := range columns[:q.columns()] {
		if i > 0 {
			b.WriteString(", ")
		}
		if q.SkipFields && col.f.Kind == connectors.FieldMap {
			b.WriteString("NULL")
		} else {
			b.WriteString(col.expr)
		}
	}
	if q.WithEvents {
		b.WriteString(" FROM complaints c LEFT JOIN complaint_events e ON e.rid = c.rid")
	} else {
		b.WriteString(" FROM complaints c")
	}
	var where []string
	var args []any
	if !q.IncludeMissing {
		where = append(where, "c.missing_since IS NULL")
	}
	if q.Source != "" {
		where = append(where, "c.origin = ?")
		args = append(args, q.Source)
	}
	if !q.CreatedFrom.IsZero() {
		where = append(where, "c.created_at >= ?")
		args = append(args, q.CreatedFrom.UnixMilli())
	}
	if !q.CreatedBefore.IsZero() {
		where = append(where, "c.created_at < ?")
		args = append(args, q.CreatedBefore.UnixMilli())
	}
	if len(where) > 0 {
		b.WriteString(" WHERE " + strings.Join(where, " AND "))
	}
	b.WriteString(" ORDER BY c.id")
	return b.String(), args
}

// columns is the number of columns q selects.
func (q Query) columns() int {
	if q.WithEvents {
		return numColumns
	}
	return numColumns - 1
}

// Each calls fn for every complaint that opt selects, in ID order (byte
// order), streaming them from the database rather than loading them all.
// fn gets a new Complaint each time and may keep it. If fn returns an
// error Each stops and returns it unchanged.
//
// A complaint reads back as it was put, except that times are UTC and
// truncated to the millisecond, nil and empty slices and maps both read
// back as nil, Events is nil unless opt.WithEvents, and Fields holds what
// encoding/json makes of its values (numbers are float64). Repeated
// strings of the fields with few values (connectors.Field.Few: teams,
// channels, agents) are shared among the complaints of one read, and a
// complaint's other strings (ID, key, customer, title, URL) share one
// allocation.
//
// Each reads one consistent snapshot even while a sync writes. fn may call
// the store's other methods (on a ":memory:" store, not ones that write).
// fn runs on the calling goroutine while other goroutines read and decode
// the complaints that follow; see [Store.EachBatch].
func (s *Store) Each(ctx context.Context, opt Query, fn func(*connectors.Complaint) error) error {
	return s.read(ctx, opt, false, func(ch *chunk) error {
		for _, c := range ch.ptrs {
			if err := ctx.Err(); err != nil {
				return fmt.Errorf("store: read complaints: %w", err)
			}
			if err := fn(c); err != nil {
				return err
			}
		}
		return nil
	})
}

// EachBatch is Each for callers that keep what they read: it calls fn
// with consecutive runs of the complaints opt selects, in ID order, up to
// a few hundred at a time, each run in a new slice that fn may keep. A
// caller that collects every complaint saves an allocation a complaint
// over Each; one that keeps only some should copy them, as a kept element
// keeps its whole run in memory.
//
// A read is a pipeline. One goroutine steps through the rows of one
// statement (one snapshot) and copies each run of them out of SQLite; up
// to GOMAXPROCS goroutines (at most four) decode runs side by side; and
// fn gets the decoded runs in order, on the calling goroutine.
func (s *Store) EachBatch(ctx context.Context, opt Query, fn func([]connectors.Complaint) error) error {
	return s.read(ctx, opt, true, func(ch *chunk) error {
		if len(ch.out) == 0 {
			return nil
		}
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("store: read complaints: %w", err)
		}
		return fn(ch.out)
	})
}

const (
	// chunkRows is the most rows in a chunk: enough that handing a chunk
	// from goroutine to goroutine is cheap per row, few enough that a
	// read holds little memory.
	chunkRows = 256
	// maxDecoders bounds the decoding goroutines of a read. Decoding a row
	// takes about as long as reading it, so beyond two or three more only
	// wait for the one reading goroutine.
	maxDecoders = 4
)

// A chunk is a run of rows on its way through the pipeline: copied out of
// SQLite by the reading goroutine, then decoded by a decoding one.
type chunk struct {
	rows  int
	ncol  int
	buf   []byte // the text of all values
	cells []cell // rows × ncol

	// Set by the decoder: the complaints, in out (EachBatch) or ptrs
	// (Each), and the error, if any, that ends the read after them.
	out  []connectors.Complaint
	ptrs []*connectors.Complaint
	err  error
	done chan struct{} // closed when out, ptrs and err are set
}

// A cell is one value of a row: an integer v, or text at buf[v:v+n].
type cell struct {
	v    int64
	n    int32
	null bool
}

// row returns the cells of row i.
func (ch *chunk) row(i int) []cell { return ch.cells[i*ch.ncol : (i+1)*ch.ncol] }

// text returns the text of c.
func (ch *chunk) text(c cell) []byte { return ch.buf[c.v : c.v+int64(c.n)] }

// fill steps st for up to chunkRows rows and copies them into ch. It
// reports whether there may be more rows.
func (ch *chunk) fill(st *stmt) (more bool, err error) {
	ch.rows, ch.buf = 0, ch.buf[:0]
	if len(ch.cells) < chunkRows*ch.ncol {
		ch.cells = make([]cell, chunkRows*ch.ncol)
	}
	for ch.rows < chunkRows {
		if ok, err := st.step(); err != nil || !ok {
			return false, err
		}
		cells := ch.row(ch.rows)
		for i := range cells {
			c := cell{v: int64(len(ch.buf))}
			v := st.value(i)
			if columns[i].integer {
				switch st.valueType(v) {
				case typeNull:
					c.null = true
				case typeInteger:
					c.v = st.valueInt64(v)
				default:
					b, _ := st.valueText(v)
					return false, fmt.Errorf("column %s: %q is not an integer", columns[i].expr, b)
				}
			} else {
				b, ok := st.valueText(v)
				ch.buf = append(ch.buf, b...)
				c.n, c.null = int32(len(b)), !ok
			}
			cells[i] = c
		}
		ch.rows++
	}
	return true, nil
}

// read runs the pipeline for q and calls deliver with each decoded chunk,
// in order, on the calling goroutine. slab says whether the decoders fill
// chunk.out (EachBatch) or chunk.ptrs (Each).
func (s *Store) read(ctx context.Context, q Query, slab bool, deliver func(*chunk) error) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("store: read complaints: %w", err)
	}
	sc, err := s.scanner()
	if err != nil {
		return fmt.Errorf("store: read complaints: %w", err)
	}
	defer s.release(sc)
	// A step can take long (the first, when the rows must be sorted):
	// cancelling ctx interrupts it.
	interrupted := make(chan struct{})
	stop := context.AfterFunc(ctx, func() {
		sc.interrupt()
		close(interrupted)
	})
	defer func() {
		if !stop() {
			<-interrupted // before sc is given back
		}
	}()
	query, args := q.sql()
	st, err := sc.prepare(query)
	if err != nil {
		return fmt.Errorf("store: read complaints: %w", err)
	}
	defer st.close()
	if err := st.bind(args...); err != nil {
		return fmt.Errorf("store: read complaints: %w", err)
	}

	// The goroutines end before read returns, and so before st and sc
	// are closed.
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer wg.Wait()
	defer cancel()
	decoders := min(runtime.GOMAXPROCS(0), maxDecoders)
	order := make(chan *chunk, 2*decoders)  // chunks in row order, to deliver
	work := make(chan *chunk, decoders)     // chunks to decode
	free := make(chan *chunk, 3*decoders+2) // delivered chunks, to reuse
	send := func(to chan<- *chunk, ch *chunk) bool {
		select {
		case to <- ch:
			return true
		case <-ctx.Done():
			return false
		}
	}
	wg.Go(func() {
		defer close(work)
		defer close(order)
		for {
			var ch *chunk
			select {
			case ch = <-free:
			default:
				ch = &chunk{ncol: q.columns()}
			}
			ch.done = make(chan struct{})
			more, err := ch.fill(st)
			if ch.rows > 0 && !(send(order, ch) && send(work, ch)) {
				return
			}
			if err != nil {
				if ctx.Err() != nil {
					err = ctx.Err() // rather than SQLite's "interrupted"
				}
				// After the rows read before it, the error.
				failed := &chunk{err: fmt.Errorf("store: read complaints: %w", err), done: make(chan struct{})}
				close(failed.done)
				send(order, failed)
				return
			}
			if !more {
				return
			}
		}
	})
	for range decoders {
		wg.Go(func() {
			var d decoder
			for ch := range work {
				if ctx.Err() == nil {
					d.chunk(ch, slab)
				}
				close(ch.done)
			}
		})
	}

	for ch := range order {
		select {
		case <-ch.done:
		case <-ctx.Done():
			return fmt.Errorf("store: read complaints: %w", ctx.Err())
		}
		if err := deliver(ch); err != nil {
			return err
		}
		if ch.err != nil {
			return ch.err
		}
		clear(ch.ptrs)
		ch.out, ch.ptrs = nil, ch.ptrs[:0]
		select {
		case free <- ch:
		default:
		}
	}
	// The reading goroutine also stops early when ctx is done.
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("store: read complaints: %w", err)
	}
	return nil
}

// A decoder turns chunks into complaints. Each decoding goroutine has its
// own, and with it its own interned strings and scratch space.
type decoder struct {
	strs *interner // nil copies every string

	// Scratch space. A slice is decoded here, then copied to one of the
	// exact length: one allocation instead of a growing slice's several.
	labelBuf []string
	slaBuf   []connectors.SLA
	eventBuf []connectors.Event
	anyBuf   []any
}

// chunk decodes ch, stopping at the first complaint it cannot decode.
func (d *decoder) chunk(ch *chunk, slab bool) {
	if d.strs == nil {
		d.strs = newInterner()
	}
	if slab {
		ch.out = make([]connectors.Complaint, ch.rows)
	}
	for i := range ch.rows {
		var c *connectors.Complaint
		if slab {
			c = &ch.out[i]
		} else {
			c = new(connectors.Complaint)
		}
		if err := d.row(c, ch, ch.row(i)); err != nil {
			ch.err = fmt.Errorf("store: read complaint %s: %w", c.ID, err)
			if slab {
				ch.out = ch.out[:i]
			}
			return
		}
		if !slab {
			ch.ptrs = append(ch.ptrs, c)
		}
	}
}

// row decodes the row whose values are cells into c.
func (d *decoder) row(c *connectors.Complaint, ch *chunk, cells []cell) error {
	// The strings not shared among complaints are adjacent in ch.buf: one
	// allocation holds them all.
	start := cells[0].v
	last := cells[numCopied-1]
	copied := string(ch.buf[start : last.v+int64(last.n)])
	for i, cl := range cells[:numCopied] {
		*at[string](c, columns[i].off) = copied[cl.v-start : cl.v-start+int64(cl.n)]
	}
	var errs []error
	for i := numCopied; i < len(cells); i++ {
		col, cl := &columns[i], cells[i]
		switch col.f.Kind {
		case connectors.FieldString:
			*at[string](c, col.off) = d.strs.get(ch.text(cl))
		case connectors.FieldTime:
			if !cl.null {
				*at[time.Time](c, col.off) = time.UnixMilli(cl.v).UTC()
			}
		case connectors.FieldCount:
			*at[int](c, col.off) = int(cl.v)
		case connectors.FieldBool:
			*at[bool](c, col.off) = cl.v != 0
		default:
			if cl.null {
				continue
			}
			var err error
			b := ch.text(cl)
			switch col.f.Kind {
			case connectors.FieldList:
				*at[[]string](c, col.off), err = d.labels(b)
			case connectors.FieldSLA:
				*at[[]connectors.SLA](c, col.off), err = d.sla(b)
			case connectors.FieldCSAT:
				*at[*connectors.CSAT](c, col.off), err = d.csat(b)
			case connectors.FieldMap:
				*at[map[string]any](c, col.off), err = d.fields(b)
			case connectors.FieldEvents:
				*at[[]connectors.Event](c, col.off), err = d.events(b)
			default:
				panic("store: cannot read field " + col.f.Column + " of kind " + col.f.Kind.String())
			}
			if err != nil {
				errs = append(errs, err)
			}
		}
	}
	return errors.Join(errs...)
}

// Count returns the number of complaints in the store, leaving out those
// a full sync found missing from their source.
func (s *Store) Count(ctx context.Context) (int, error) {
	var n int
	if err := s.db.QueryRowContext(ctx, "SELECT count(*) FROM complaints WHERE missing_since IS NULL").Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count complaints: %w", err)
	}
	return n, nil
}

// Cursor returns the cursor last committed for source, "" if none.
func (s *Store) Cursor(ctx context.Context, source string) (string, error) {
	var c string
	err := s.db.QueryRowContext(ctx, "SELECT cursor FROM sync WHERE source = ?", source).Scan(&c)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("store: read cursor for %s: %w", source, err)
	}
	return c, nil
}

// syncsQuery counts each source's present complaints from index
// complaints_origin alone (TestSyncsCountFromIndex).
const syncsQuery = `SELECT s.source, s.cursor, s.as_of, s.synced_at,
	(SELECT count(*) FROM complaints c WHERE c.origin = s.source AND c.missing_since IS NULL)
	FROM sync s ORDER BY s.source`

// Syncs returns one record per source that has committed a batch, sorted
// by source name.
func (s *Store) Syncs(ctx context.Context) ([]connectors.SyncInfo, error) {
	rows, err := s.db.QueryContext(ctx, syncsQuery)
	if err != nil {
		return nil, fmt.Errorf("store: read syncs: %w", err)
	}
	defer rows.Close()
	var out []connectors.SyncInfo
	for rows.Next() {
		var si connectors.SyncInfo
		var asOf, syncedAt sql.NullInt64
		if err := rows.Scan(&si.Source, &si.Cursor, &asOf, &syncedAt, &si.Count); err != nil {
			return nil, fmt.Errorf("store: read syncs: %w", err)
		}
		si.AsOf, si.SyncedAt = fromMillis(asOf), fromMillis(syncedAt)
		out = append(out, si)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: read syncs: %w", err)
	}
	return out, nil
}

// AsOf returns the latest as_of over all sources, the default evaluation
// instant (SPEC §13.6), or the zero time if no source has recorded one.
func (s *Store) AsOf(ctx context.Context) (time.Time, error) {
	var ms sql.NullInt64
	if err := s.db.QueryRowContext(ctx, "SELECT max(as_of) FROM sync").Scan(&ms); err != nil {
		return time.Time{}, fmt.Errorf("store: read as_of: %w", err)
	}
	return fromMillis(ms), nil
}

// agentNamesQuery takes each assignee's display name from its latest
// complaint that carries one: the latest update (creation, for an import,
// which has no update time), then the latest stored (SQLite gives a bare
// column the values of the row that max() picked). It reads through the
// partial index complaints_assignee_name: a store whose sources give no
// names costs nothing.
const agentNamesQuery = `SELECT assignee, assignee_name,
	max(printf('%020d%020d', coalesce(updated_at, created_at, 0), rowid)) FROM complaints
	WHERE assignee_name <> '' AND missing_since IS NULL GROUP BY assignee`

// AgentNames returns the display names the sources gave the assignees
// (Complaint.AssigneeName), by assignee ID: the latest one of each.
func (s *Store) AgentNames(ctx context.Context) (map[string]string, error) {
	rows, err := s.db.QueryContext(ctx, agentNamesQuery)
	if err != nil {
		return nil, fmt.Errorf("store: read agent names: %w", err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var id, name, latest string
		if err := rows.Scan(&id, &name, &latest); err != nil {
			return nil, fmt.Errorf("store: read agent names: %w", err)
		}
		out[id] = name
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: read agent names: %w", err)
	}
	return out, nil
}
