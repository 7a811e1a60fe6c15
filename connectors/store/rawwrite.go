package store

import (
	"database/sql"
	"errors"
	"fmt"
	"reflect"
	"unsafe"

	"modernc.org/libc"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/kpidesk/kpidesk/connectors"
)

// A rawWriter writes the upserts of a writer's groups through SQLite's C
// API (modernc.org/sqlite/lib, as the scanner reads), on the connection
// and in the transaction of the writer's database/sql Tx, which it reaches
// through sql.Conn.Raw.
//
// Through database/sql, binding was half the cost of an upsert and most of
// an import's allocation: the driver converts a thousand arguments a
// statement into driver.NamedValues, then copies each string into memory
// of its own (malloc and free per value). A rawWriter copies a group's
// text once into one buffer of C memory that it reuses, and binds every
// value without allocating.
//
// Only the upserts of complaints and events take this path; everything
// else in the transaction (index upkeep, problems, the cursor, commit)
// stays with database/sql. Any failure of a group here sends the group
// through database/sql again, which names the complaint at fault with the
// driver's own errors (openError reads their codes): the fast path never
// decides what an error says. TestRawWriterMatchesDriver holds the two
// paths to the same rows.
type rawWriter struct {
	conn *sql.Conn
	tls  *libc.TLS // the connection's own: used only inside conn.Raw
	db   uintptr   // its sqlite3 handle

	stmts map[int]*[2]uintptr // by group size: the two upserts
	text  []byte              // a group's text, to copy into arena
	args  []rawArg            // a group's arguments, in order
	arena uintptr             // C memory holding text while bound
	size  int                 // of arena
}

// rawArg is one argument: NULL, an integer, or text[off:off+n].
type rawArg struct {
	kind   uint8
	off, n int32
	i      int64
}

const (
	argNull = iota
	argInt
	argText
)

// modernc.org/sqlite's driver connection type and the two fields a
// rawWriter reads from it: the sqlite3 handle and its TLS.
const (
	driverConnType = "*sqlite.conn"
	driverConnPkg  = "modernc.org/sqlite"
)

// newRawWriter returns a rawWriter on conn, or nil when conn's driver
// connection is not the one this file was written for: the writer then
// uses database/sql alone, correct and slower.
func newRawWriter(conn *sql.Conn) *rawWriter {
	w := &rawWriter{conn: conn, stmts: map[int]*[2]uintptr{}}
	err := conn.Raw(func(dc any) error {
		v := reflect.ValueOf(dc)
		if v.Kind() != reflect.Pointer || v.Type().String() != driverConnType || v.Elem().Type().PkgPath() != driverConnPkg {
			return fmt.Errorf("driver connection is a %T", dc)
		}
		db, tls := v.Elem().FieldByName("db"), v.Elem().FieldByName("tls")
		if !db.IsValid() || db.Kind() != reflect.Uintptr || !tls.IsValid() || tls.Type() != reflect.TypeFor[*libc.TLS]() {
			return fmt.Errorf("driver connection %T has no db and tls", dc)
		}
		w.db = uintptr(db.Uint())
		w.tls = (*libc.TLS)(unsafe.Pointer(tls.Pointer()))
		if w.db == 0 || w.tls == nil {
			return fmt.Errorf("driver connection %T is closed", dc)
		}
		return nil
	})
	if err != nil {
		return nil
	}
	return w
}

// check fails when dc is no longer the connection w was made for: closed
// (its handle is then freed) or another. It runs inside conn.Raw, which
// holds the connection against a concurrent Close.
func (w *rawWriter) check(dc any) error {
	if db := reflect.ValueOf(dc).Elem().FieldByName("db"); uintptr(db.Uint()) != w.db {
		return errors.New("connection closed")
	}
	return nil
}

// close finalizes the statements and frees the arena. The Tx must be over
// or not use them any more.
func (w *rawWriter) close() {
	w.conn.Raw(func(dc any) error {
		if err := w.check(dc); err != nil {
			return err // closed with the connection
		}
		for _, st := range w.stmts {
			for _, p := range st {
				if p != 0 {
					sqlite3.Xsqlite3_finalize(w.tls, p)
				}
			}
		}
		if w.arena != 0 {
			libc.Xfree(w.tls, w.arena)
		}
		return nil
	})
	w.stmts, w.arena, w.size = nil, 0, 0
}

func (w *rawWriter) str(s string) {
	w.args = append(w.args, rawArg{kind: argText, off: int32(len(w.text)), n: int32(len(s))})
	w.text = append(w.text, s...)
}

func (w *rawWriter) int(i int64) { w.args = append(w.args, rawArg{kind: argInt, i: i}) }

func (w *rawWriter) null() { w.args = append(w.args, rawArg{}) }

// blob adds a JSON value the encoder wrote, by its span in buf.
func (w *rawWriter) blob(buf []byte, sp span) {
	if sp.start < 0 {
		w.null()
		return
	}
	w.args = append(w.args, rawArg{kind: argText, off: int32(len(w.text)), n: int32(sp.end - sp.start)})
	w.text = append(w.text, buf[sp.start:sp.end]...)
}

// putGroup upserts cs, whose JSON values enc holds in order (as
// writer.putGroup encoded them), under source.
func (w *rawWriter) putGroup(cs []connectors.Complaint, source string, enc *encoder) error {
	w.text, w.args = w.text[:0], w.args[:0]
	spans := enc.spans
	for i := range cs {
		c := &cs[i]
		w.str(source)
		for _, f := range complaintFields {
			switch f.Kind {
			case connectors.FieldString:
				w.str(*f.Str(c))
			case connectors.FieldTime:
				if t := *f.Time(c); t.IsZero() {
					w.null()
				} else {
					w.int(t.UnixMilli())
				}
			case connectors.FieldCount:
				w.int(int64(*f.Count(c)))
			case connectors.FieldBool:
				if *f.Bool(c) {
					w.int(1)
				} else {
					w.int(0)
				}
			default:
				w.blob(enc.buf, spans[0])
				spans = spans[1:]
			}
		}
		spans = spans[1:] // the events, bound by the second statement
	}
	complaintArgs := len(w.args)
	spans = enc.spans
	for i := range cs {
		spans = spans[len(jsonFields)-1:]
		w.blob(enc.buf, spans[0])
		spans = spans[1:]
		w.str(cs[i].ID)
	}
	return w.conn.Raw(func(dc any) error {
		if err := w.check(dc); err != nil {
			return err
		}
		// database/sql rolls the Tx back on its own when the Tx's context
		// is cancelled, from another goroutine. Outside a transaction
		// SQLite would commit this group on its own, so write only while
		// the transaction is open: the connection's lock, held here, keeps
		// that rollback from landing between this check and the write.
		if sqlite3.Xsqlite3_get_autocommit(w.tls, w.db) != 0 {
			return errors.New("no transaction open")
		}
		st, err := w.statements(len(cs))
		if err != nil {
			return err
		}
		w.copyText()
		if err := w.exec(st[0], w.args[:complaintArgs]); err != nil {
			return err
		}
		return w.exec(st[1], w.args[complaintArgs:])
	})
}

// statements returns the two upserts of n complaints, preparing them the
// first time.
func (w *rawWriter) statements(n int) (*[2]uintptr, error) {
	if st, ok := w.stmts[n]; ok {
		return st, nil
	}
	st := new([2]uintptr)
	for i, q := range [2]string{upsertComplaints(n), upsertEvents(n)} {
		p, err := w.prepare(q)
		if err != nil {
			if st[0] != 0 {
				sqlite3.Xsqlite3_finalize(w.tls, st[0])
			}
			return nil, err
		}
		st[i] = p
	}
	w.stmts[n] = st
	return st, nil
}

func (w *rawWriter) prepare(query string) (uintptr, error) {
	zsql, err := libc.CString(query)
	if err != nil {
		return 0, err
	}
	defer libc.Xfree(w.tls, zsql)
	pp := w.tls.Alloc(int(unsafe.Sizeof(uintptr(0))))
	defer w.tls.Free(int(unsafe.Sizeof(uintptr(0))))
	if rc := sqlite3.Xsqlite3_prepare_v2(w.tls, w.db, zsql, -1, pp, 0); rc != sqlite3.SQLITE_OK {
		return 0, w.err(rc)
	}
	return *(*uintptr)(cptr(pp)), nil
}

// copyText copies w.text into the arena, growing it as needed.
func (w *rawWriter) copyText() {
	if len(w.text) > w.size || w.arena == 0 {
		if w.arena != 0 {
			libc.Xfree(w.tls, w.arena)
		}
		w.size = max(2*len(w.text), 64<<10)
		w.arena = libc.Xmalloc(w.tls, uint64(w.size))
		if w.arena == 0 {
			panic("store: out of C memory")
		}
	}
	if len(w.text) > 0 {
		copy(unsafe.Slice((*byte)(cptr(w.arena)), len(w.text)), w.text)
	}
}

// exec binds args to st, steps it to the end and resets it, so that it
// holds no bindings into the arena and no lock past the call.
func (w *rawWriter) exec(st uintptr, args []rawArg) error {
	defer func() {
		sqlite3.Xsqlite3_reset(w.tls, st)
		sqlite3.Xsqlite3_clear_bindings(w.tls, st)
	}()
	for i, a := range args {
		var rc int32
		switch a.kind {
		case argNull:
			rc = sqlite3.Xsqlite3_bind_null(w.tls, st, int32(i+1))
		case argInt:
			rc = sqlite3.Xsqlite3_bind_int64(w.tls, st, int32(i+1), a.i)
		default:
			// SQLITE_STATIC (0): the arena outlives the binding, which
			// the deferred clear_bindings ends.
			rc = sqlite3.Xsqlite3_bind_text(w.tls, st, int32(i+1), w.arena+uintptr(a.off), a.n, 0)
		}
		if rc != sqlite3.SQLITE_OK {
			return w.err(rc)
		}
	}
	if rc := sqlite3.Xsqlite3_step(w.tls, st); rc != sqlite3.SQLITE_DONE {
		return w.err(rc)
	}
	return nil
}

// err returns SQLite's message for the last failed call; the writer only
// uses it to decide to retry through database/sql.
func (w *rawWriter) err(rc int32) error {
	return fmt.Errorf("%s (%d)", libc.GoString(sqlite3.Xsqlite3_errmsg(w.tls, w.db)), rc)
}
