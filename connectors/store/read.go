package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"time"

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

// The columns a read selects, in this order: the strings unique to a
// complaint first and together (they share one allocation, see
// decoder.row), then the interned strings, the integers and the JSON.
const (
	colID = iota
	colKey
	colURL
	colTitle
	colSource
	colKind
	colCategory
	colChannel
	colPriority
	colCustomer
	colOrganization
	colAssignee
	colTeam
	colDepartment
	colCreated
	colUpdated
	colFirstResponse
	colFirstResolved
	colResolved
	colReopens
	colEscalated
	colEscalatedAt
	colAgentReplies
	colLabels
	colComponents
	colSLA
	colCSAT
	colFields
	colEvents // only with Query.WithEvents
	numColumns
)

var columnNames = [numColumns]string{
	"c.id", "c.key", "c.url", "c.title",
	"c.source", "c.kind", "c.category", "c.channel", "c.priority",
	"c.customer", "c.organization", "c.assignee", "c.team", "c.department",
	"c.created_at", "c.updated_at", "c.first_response_at", "c.first_resolved_at", "c.resolved_at",
	"c.reopens", "c.escalated", "c.escalated_at", "c.agent_replies",
	"c.labels", "c.components", "c.sla", "c.csat", "c.fields",
	"e.events",
}

// sql returns the SELECT for q and its arguments.
func (q Query) sql() (string, []any) {
	var b strings.Builder
	b.WriteString("SELECT ")
	cols := columnNames
	if q.SkipFields {
		cols[colFields] = "NULL"
	}
	if q.WithEvents {
		b.WriteString(strings.Join(cols[:], ", "))
		b.WriteString(" FROM complaints c LEFT JOIN complaint_events e ON e.rid = c.rid")
	} else {
		b.WriteString(strings.Join(cols[:colEvents], ", "))
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
	return colEvents
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
// strings are shared among the complaints of one read, and a complaint's
// ID, Key, URL and Title share one allocation.
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
			if colCreated <= i && i <= colAgentReplies {
				switch st.columnType(i) {
				case typeNull:
					c.null = true
				case typeInteger:
					c.v = st.int64(i)
				default:
					b, _ := st.text(i)
					return false, fmt.Errorf("column %s: %q is not an integer", columnNames[i], b)
				}
			} else {
				b, ok := st.text(i)
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
	// The strings unique to a complaint are adjacent in ch.buf: one
	// allocation holds them all.
	start := cells[colID].v
	unique := string(ch.buf[start : cells[colTitle].v+int64(cells[colTitle].n)])
	sub := func(i int) string { return unique[cells[i].v-start : cells[i].v-start+int64(cells[i].n)] }
	c.ID, c.Key, c.URL, c.Title = sub(colID), sub(colKey), sub(colURL), sub(colTitle)

	str := func(i int) string { return d.strs.get(ch.text(cells[i])) }
	c.Source, c.Kind, c.Category = str(colSource), str(colKind), str(colCategory)
	c.Channel, c.Priority, c.Customer = str(colChannel), str(colPriority), str(colCustomer)
	c.Organization, c.Assignee = str(colOrganization), str(colAssignee)
	c.Team, c.Department = str(colTeam), str(colDepartment)

	at := func(i int) time.Time {
		if cells[i].null {
			return time.Time{}
		}
		return time.UnixMilli(cells[i].v).UTC()
	}
	c.CreatedAt, c.UpdatedAt = at(colCreated), at(colUpdated)
	c.FirstResponseAt, c.FirstResolvedAt = at(colFirstResponse), at(colFirstResolved)
	c.ResolvedAt, c.EscalatedAt = at(colResolved), at(colEscalatedAt)
	c.Reopens, c.AgentReplies = int(cells[colReopens].v), int(cells[colAgentReplies].v)
	c.Escalated = cells[colEscalated].v != 0

	var errs [6]error
	if b := cells[colLabels]; !b.null {
		c.Labels, errs[0] = d.labels(ch.text(b))
	}
	if b := cells[colComponents]; !b.null {
		c.Components, errs[1] = d.labels(ch.text(b))
	}
	if b := cells[colSLA]; !b.null {
		c.SLA, errs[2] = d.sla(ch.text(b))
	}
	if b := cells[colCSAT]; !b.null {
		c.CSAT, errs[3] = d.csat(ch.text(b))
	}
	if b := cells[colFields]; !b.null {
		c.Fields, errs[4] = d.fields(ch.text(b))
	}
	if len(cells) > colEvents && !cells[colEvents].null {
		c.Events, errs[5] = d.events(ch.text(cells[colEvents]))
	}
	if errs == [len(errs)]error{} {
		return nil
	}
	return errors.Join(errs[:]...)
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
