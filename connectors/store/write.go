package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/kpidesk/kpidesk/connectors"
)

// complaintFields are the fields of connectors.Fields kept in table
// complaints, in the order put writes them (after origin); the events
// live in complaint_events.
var complaintFields = func() []*connectors.Field {
	var fs []*connectors.Field
	for i := range connectors.Fields {
		if f := &connectors.Fields[i]; f.Kind != connectors.FieldEvents {
			fs = append(fs, f)
		}
	}
	return fs
}()

// jsonFields are the fields the store keeps as JSON text: those of
// complaintFields that are neither strings nor integers, in their order,
// then the events.
var jsonFields = func() []*connectors.Field {
	var fs, events []*connectors.Field
	for i := range connectors.Fields {
		switch f := &connectors.Fields[i]; f.Kind {
		case connectors.FieldString, connectors.FieldTime, connectors.FieldCount, connectors.FieldBool:
		case connectors.FieldEvents:
			events = append(events, f)
		default:
			fs = append(fs, f)
		}
	}
	if len(events) != 1 {
		panic("store: want one events field")
	}
	return append(fs, events...)
}()

// numComplaintColumns is the number of columns put writes, one ? each:
// origin and the complaint's fields.
var numComplaintColumns = 1 + len(complaintFields)

// upsertComplaints returns the upsert of rows complaints, whose IDs must
// be distinct. A row written again replaces every column but rid, and is
// no longer missing from its source.
func upsertComplaints(rows int) string {
	cols := []string{"origin"}
	set := []string{"origin = excluded.origin"}
	for _, f := range complaintFields {
		cols = append(cols, f.Column)
		if f.Column != "id" {
			set = append(set, f.Column+" = excluded."+f.Column)
		}
	}
	set = append(set, "missing_since = NULL")
	return "INSERT INTO complaints (" + strings.Join(cols, ", ") + ") VALUES " + placeholders(rows, numComplaintColumns) +
		"\nON CONFLICT (id) DO UPDATE SET " + strings.Join(set, ", ")
}

// upsertEvents returns the upsert of the events of rows complaints, given
// as (events, id) pairs, whose IDs must be distinct. It finds each rid
// itself: an Exec is much cheaper through database/sql than a RETURNING
// query, and the index pages it reads were just written. ("WHERE true"
// tells SQLite's parser that ON CONFLICT is the upsert's, not the join's.)
func upsertEvents(rows int) string {
	return `INSERT INTO complaint_events (rid, events)
SELECT c.rid, v.column1 FROM (VALUES ` + placeholders(rows, 2) + `) AS v
JOIN complaints c ON c.id = v.column2 WHERE true
ON CONFLICT (rid) DO UPDATE SET events = excluded.events`
}

// placeholders returns rows groups of cols parameters: "(?, ?), (?, ?)".
func placeholders(rows, cols int) string {
	row := "(" + strings.Repeat("?, ", cols-1) + "?)"
	return strings.Repeat(row+", ", rows-1) + row
}

// groupRows is how many complaints one statement of put upserts. Each
// statement costs about as much again as the rows it writes in
// database/sql, the driver and SQLite's statement set-up and journal;
// writing 32 rows a statement made the writer of an import about a fifth
// cheaper. (About 30 × 32 parameters stay well below SQLite's limit of
// 32766.)
const groupRows = 32

// The cursor is replaced; as_of only moves forward, and a zero AsOf
// leaves it as it was (max of the coalesced pair is NULL only when both are).
const upsertSync = `INSERT INTO sync (source, cursor, as_of, synced_at) VALUES (?, ?, ?, ?)
ON CONFLICT (source) DO UPDATE SET
	cursor = excluded.cursor,
	as_of = max(coalesce(excluded.as_of, as_of), coalesce(as_of, excluded.as_of)),
	synced_at = excluded.synced_at`

// writer is one write transaction with its prepared statements.
type writer struct {
	tx     *sql.Tx
	conn   *sql.Conn  // tx's connection
	raw    *rawWriter // nil: database/sql alone
	source string
	enc    *encoder
	// one[0] and one[1] upsert one complaint and its events; group[0]
	// and group[1] upsert groupRows of them, prepared when first needed.
	one, group [2]*sql.Stmt
	args       []any // of a group's complaints
	events     []any // of a group's events: (events, id) pairs
}

func (s *Store) begin(ctx context.Context, source string) (*writer, error) {
	if source == "" {
		return nil, errors.New("empty source name")
	}
	// A connection of its own, so that the rawWriter reaches the very
	// connection the Tx runs on.
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		conn.Close()
		return nil, err
	}
	w := &writer{tx: tx, conn: conn, source: source, enc: newEncoder()}
	if !noRawWriter {
		w.raw = newRawWriter(conn)
	}
	return w, nil
}

// noRawWriter turns the rawWriter off, for tests that compare it with
// database/sql; rawGroups and rawFallbacks count the groups it wrote and
// the ones it left to database/sql, for tests that check it is used.
var (
	noRawWriter  = false
	rawGroups    atomic.Int64
	rawFallbacks atomic.Int64
)

// rollback ends the transaction unless it was committed (closing the Tx
// also closes the statements prepared on it), then gives the connection
// back. It must be called once the writer is done, committed or not.
func (w *writer) rollback() {
	w.tx.Rollback()
	if w.raw != nil {
		w.raw.close()
	}
	w.conn.Close()
}

// statements returns the upserts of n complaints (1 or groupRows),
// preparing them the first time.
func (w *writer) statements(ctx context.Context, n int) (*[2]*sql.Stmt, error) {
	st := &w.one
	if n > 1 {
		st = &w.group
	}
	if st[0] == nil {
		var err error
		if st[0], err = w.tx.PrepareContext(ctx, upsertComplaints(n)); err != nil {
			return nil, err
		}
		if st[1], err = w.tx.PrepareContext(ctx, upsertEvents(n)); err != nil {
			return nil, err
		}
	}
	return st, nil
}

// put upserts complaints by ID, groupRows to a statement where it can.
// Its errors name the offending complaint.
func (w *writer) put(ctx context.Context, cs []connectors.Complaint) error {
	for i := 0; i < len(cs); {
		// A group holds distinct IDs, so that the order in which SQLite
		// upserts its rows cannot matter; a repeated ID starts the next.
		n := 1
		if len(cs)-i >= groupRows {
			n = groupRows
			for j := i + 1; j < i+groupRows; j++ {
				if slices.ContainsFunc(cs[i:j], func(c connectors.Complaint) bool { return c.ID == cs[j].ID }) {
					n = 1
					break
				}
			}
		}
		if err := w.putGroup(ctx, cs[i:i+n], i); err != nil {
			return err
		}
		i += n
	}
	return nil
}

// putGroup upserts cs, the complaints from index first of a batch, in one
// statement. When it fails, each is written alone to name the one at fault
// (the failed statement changed nothing).
func (w *writer) putGroup(ctx context.Context, cs []connectors.Complaint, first int) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	w.events = w.events[:0]
	// The JSON of the whole group first, in one buffer, then the
	// arguments: its values share one string. Each argument is of a type
	// the driver takes as it is (string, int64, bool or nil), which spares
	// database/sql a conversion by reflection for each of a thousand.
	w.enc.reset()
	for i := range cs {
		c := &cs[i]
		if c.ID == "" {
			return fmt.Errorf("complaint %d: empty id", first+i)
		}
		for _, f := range jsonFields {
			if err := w.enc.blob(f, c); err != nil {
				return fmt.Errorf("complaint %s: encode: %w", c.ID, err)
			}
		}
	}
	if w.raw != nil {
		if err := w.raw.putGroup(cs, w.source, w.enc); err == nil {
			rawGroups.Add(1)
			return nil
		}
		// Written again below, where an error names its complaint.
		rawFallbacks.Add(1)
	}
	blobs := w.enc.text()
	w.args = w.args[:0]
	for i := range cs {
		c := &cs[i]
		w.args = append(w.args, w.source)
		for _, f := range complaintFields {
			switch f.Kind {
			case connectors.FieldString:
				w.args = append(w.args, *f.Str(c))
			case connectors.FieldTime:
				w.args = append(w.args, millisArg(*f.Time(c)))
			case connectors.FieldCount:
				w.args = append(w.args, int64(*f.Count(c)))
			case connectors.FieldBool:
				w.args = append(w.args, *f.Bool(c))
			default:
				w.args = append(w.args, blobs[0])
				blobs = blobs[1:]
			}
		}
		w.events = append(w.events, blobs[0], c.ID) // the events come last
		blobs = blobs[1:]
	}
	st, err := w.statements(ctx, len(cs))
	if err != nil {
		return err
	}
	if _, err := st[0].ExecContext(ctx, w.args...); err != nil {
		if len(cs) > 1 && ctx.Err() == nil {
			return w.putEach(ctx, cs, first, err)
		}
		return fmt.Errorf("complaint %s: %w", cs[0].ID, cause(ctx, err))
	}
	if _, err := st[1].ExecContext(ctx, w.events...); err != nil {
		if len(cs) > 1 && ctx.Err() == nil {
			return w.putEach(ctx, cs, first, err)
		}
		return fmt.Errorf("complaint %s: events: %w", cs[0].ID, cause(ctx, err))
	}
	return nil
}

// putEach writes cs one by one after their group failed with err, and
// returns the error of the one at fault (err if none is).
func (w *writer) putEach(ctx context.Context, cs []connectors.Complaint, first int, err error) error {
	for i := range cs {
		if err := w.putGroup(ctx, cs[i:i+1], first+i); err != nil {
			return err
		}
	}
	return fmt.Errorf("complaints %s to %s: %w", cs[0].ID, cs[len(cs)-1].ID, err)
}

// problems records a batch's problems in w's transaction, replacing those
// of their records ([Store.ReplaceProblems]).
func (w *writer) problems(ctx context.Context, ps []connectors.Problem) error {
	if len(ps) == 0 {
		return nil
	}
	if err := checkProblems(w.source, ps); err != nil {
		return err
	}
	if err := replaceProblems(ctx, w.tx, w.source, nil, ps); err != nil {
		return cause(ctx, err)
	}
	return nil
}

// commit records the source's cursor, as_of and sync time, then commits.
func (w *writer) commit(ctx context.Context, cursor string, asOf, now time.Time) error {
	if _, err := w.tx.ExecContext(ctx, upsertSync, w.source, cursor, millis(asOf), now.UnixMilli()); err != nil {
		return fmt.Errorf("record cursor: %w", cause(ctx, err))
	}
	if err := w.tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", cause(ctx, err))
	}
	return nil
}

// cause returns ctx's error in place of err once ctx is done: database/sql
// rolls a transaction back when its context is cancelled, and a statement
// that loses that race fails with "statement is closed" or "transaction
// has already been committed or rolled back" instead.
func cause(ctx context.Context, err error) error {
	if ctxErr := ctx.Err(); ctxErr != nil {
		return ctxErr
	}
	return err
}

// Put upserts the batch's complaints by ID and records b.Cursor as the
// source's cursor, b.AsOf as its as_of (if later than the one stored) and
// the wall clock as its sync time, all in one transaction with b.Problems
// (which replace the problems of their records): either the whole batch,
// its problems and its cursor are committed, or nothing is. A batch without
// complaints still records its cursor and as_of.
//
// Complaints are stored as given; source is recorded apart from
// Complaint.Source as the name the rows were stored under ([SyncInfo.Count],
// [Query.Source]). Times are kept to the millisecond.
func (s *Store) Put(ctx context.Context, source string, b connectors.Batch) error {
	if err := s.put(ctx, source, b); err != nil {
		return fmt.Errorf("store: put batch for %s: %w", source, err)
	}
	return nil
}

func (s *Store) put(ctx context.Context, source string, b connectors.Batch) error {
	w, err := s.begin(ctx, source)
	if err != nil {
		return err
	}
	defer w.rollback()
	if err := w.put(ctx, b.Complaints); err != nil {
		return err
	}
	if err := w.problems(ctx, b.Problems); err != nil {
		return err
	}
	return w.commit(ctx, b.Cursor, b.AsOf, s.now())
}

// Sync fetches what changed in src since its stored cursor and Puts each
// batch, so every batch commits with the cursor that follows it. progress,
// if not nil, is called after each commit.
//
// An error, from the source or the store, stops the sync with every batch
// before it committed: the next Sync resumes from the last committed
// cursor. Cancelling ctx does the same; the batch being written when it is
// cancelled is rolled back whole. Errors from src are returned as src
// returned them.
func (s *Store) Sync(ctx context.Context, src connectors.Source, progress func(connectors.Batch)) error {
	name := src.Name()
	cursor, err := s.Cursor(ctx, name)
	if err != nil {
		return err
	}
	return src.Fetch(ctx, cursor, func(b connectors.Batch) error {
		if err := s.Put(ctx, name, b); err != nil {
			return err
		}
		if progress != nil {
			progress(b)
		}
		return nil
	})
}

// Import writes everything fn puts in ONE transaction, for `kpidesk
// import`: fn calls put as often as it likes, and the import commits only
// when fn returns nil and every put succeeded. Otherwise nothing is
// written, and Import returns fn's error unchanged (or put's, if fn
// swallowed it).
//
// Each batch's complaints are upserted, and its problems recorded, as by
// Put. At commit the source records the last batch's Cursor, the latest
// AsOf of all batches and the wall clock; an import that put no batch leaves the source's record as it
// was. Done and Total are not used. put must not be called after fn returns.
func (s *Store) Import(ctx context.Context, source string, fn func(put func(connectors.Batch) error) error) error {
	w, err := s.begin(ctx, source)
	if err != nil {
		return fmt.Errorf("store: import %s: %w", source, err)
	}
	defer w.rollback()
	// Into an empty store, the keys index is built once at the end rather
	// than kept up to date row by row.
	rebuild, err := w.deferIndex(ctx, "complaints_keys")
	if err != nil {
		return fmt.Errorf("store: import %s: %w", source, err)
	}

	var (
		putErr  error
		batches int
		cursor  string
		asOf    time.Time
		done    bool
	)
	put := func(b connectors.Batch) error {
		switch {
		case done:
			return fmt.Errorf("store: import %s: put after the import returned", source)
		case putErr != nil:
			return putErr // the transaction is already lost
		}
		if err := w.put(ctx, b.Complaints); err != nil {
			putErr = fmt.Errorf("store: import %s: %w", source, openError(s.path, err))
			return putErr
		}
		if err := w.problems(ctx, b.Problems); err != nil {
			putErr = fmt.Errorf("store: import %s: %w", source, err)
			return putErr
		}
		batches++
		cursor = b.Cursor
		if b.AsOf.After(asOf) {
			asOf = b.AsOf
		}
		return nil
	}
	err = fn(put)
	done = true
	switch {
	case err != nil:
		return err
	case putErr != nil:
		return putErr
	case batches == 0:
		return nil // nothing to write
	}
	if err := rebuild(); err != nil {
		return fmt.Errorf("store: import %s: %w", source, err)
	}
	if err := w.commit(ctx, cursor, asOf, s.now()); err != nil {
		return fmt.Errorf("store: import %s: %w", source, err)
	}
	return nil
}

// deferIndex drops index name when table complaints is empty and returns
// the function that creates it again, from its own definition; otherwise
// that function does nothing. Both run inside w's transaction.
func (w *writer) deferIndex(ctx context.Context, name string) (rebuild func() error, err error) {
	nothing := func() error { return nil }
	var empty bool
	if err := w.tx.QueryRowContext(ctx, "SELECT NOT EXISTS (SELECT 1 FROM complaints)").Scan(&empty); err != nil || !empty {
		return nothing, err
	}
	var ddl string
	if err := w.tx.QueryRowContext(ctx, "SELECT sql FROM sqlite_schema WHERE type = 'index' AND name = ?", name).Scan(&ddl); err != nil {
		return nothing, fmt.Errorf("index %s: %w", name, err)
	}
	if _, err := w.tx.ExecContext(ctx, "DROP INDEX "+name); err != nil {
		return nothing, err
	}
	return func() error {
		_, err := w.tx.ExecContext(ctx, ddl)
		return err
	}, nil
}
