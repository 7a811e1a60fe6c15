package store

import (
	"fmt"
	"unsafe"

	"modernc.org/libc"
	sqlite3 "modernc.org/sqlite/lib"
)

// A scanner is a read connection of its own, through which Each reads
// complaints by calling SQLite's C API (modernc.org/sqlite/lib, the same
// library and version the database/sql driver wraps) directly.
//
// Through database/sql a complaint cost about 4 µs to read before any
// decoding, three quarters of it in the driver: three calls into SQLite
// per column, each taking the connection's mutex, and a new Go string for
// every text value, even the ones Each interns. A scanner is opened
// without that mutex (SQLITE_OPEN_NOMUTEX: one goroutine uses it at a
// time) and decodes values in place, copying only the bytes it keeps; the
// same read costs about 1 µs.
//
// A scanner only reads (PRAGMA query_only). Store keeps a few idle ones
// and closes them with the store.
type scanner struct {
	tls *libc.TLS
	db  uintptr
}

// The modernc.org/sqlite and modernc.org/libc versions the fast paths
// (this file's reads, rawwrite.go's writes) were last checked with:
// TestFastPathMatchesDriver and TestRawWriterMatchesDriver compare them with
// database/sql, and TestFastPathModules fails when the build links another
// pair, saying what to check before these change.
const (
	fastPathSQLite = "v1.62.0"
	fastPathLibc   = "v1.80.1"
)

// scanPragmas are run on every scanner. Memory-mapped I/O (mmap_size) was
// measured and left off: it read a million complaints 13% slower from a
// store written in ID order (SQLite copies every value off a mapped page)
// and 24% faster from one written in random order (no read call a row).
var scanPragmas = []string{
	"PRAGMA query_only = 1",
	"PRAGMA cache_size = -32768", // KiB, as pragmas
	"PRAGMA temp_store = MEMORY",
}

// openScanner opens uri, a SQLite URI filename naming an existing
// database, for reading.
func openScanner(uri string) (_ *scanner, err error) {
	sc := &scanner{tls: libc.NewTLS()}
	defer func() {
		if err != nil {
			sc.close()
		}
	}()
	name, err := libc.CString(uri)
	if err != nil {
		return nil, err
	}
	defer libc.Xfree(sc.tls, name)
	pdb := sc.tls.Alloc(int(unsafe.Sizeof(uintptr(0))))
	defer sc.tls.Free(int(unsafe.Sizeof(uintptr(0))))
	rc := sqlite3.Xsqlite3_open_v2(sc.tls, name, pdb,
		sqlite3.SQLITE_OPEN_READWRITE|sqlite3.SQLITE_OPEN_NOMUTEX|sqlite3.SQLITE_OPEN_URI, 0)
	// The handle is set even when open fails, to carry the message.
	sc.db = *(*uintptr)(cptr(pdb))
	if rc != sqlite3.SQLITE_OK {
		return nil, sc.err(rc)
	}
	sqlite3.Xsqlite3_busy_timeout(sc.tls, sc.db, 10_000) // ms, as pragmas
	for _, p := range scanPragmas {
		if err := sc.exec(p); err != nil {
			return nil, err
		}
	}
	return sc, nil
}

func (sc *scanner) close() {
	if sc.db != 0 {
		sqlite3.Xsqlite3_close_v2(sc.tls, sc.db)
		sc.db = 0
	}
	sc.tls.Close()
}

// interrupt makes a step running on sc fail. Unlike the other methods it
// may run beside them, on another goroutine: it uses a TLS of its own, as
// a libc.TLS is not safe for concurrent use.
func (sc *scanner) interrupt() {
	tls := libc.NewTLS()
	sqlite3.Xsqlite3_interrupt(tls, sc.db)
	tls.Close()
}

// releaseMemory frees the page cache, which an idle scanner need not keep.
func (sc *scanner) releaseMemory() {
	sqlite3.Xsqlite3_db_release_memory(sc.tls, sc.db)
}

// err returns SQLite's message for the last failed call, in the form of
// the driver's errors: "message (code)".
func (sc *scanner) err(rc int32) error {
	msg := libc.GoString(sqlite3.Xsqlite3_errstr(sc.tls, rc))
	if sc.db != 0 {
		msg = libc.GoString(sqlite3.Xsqlite3_errmsg(sc.tls, sc.db))
	}
	return fmt.Errorf("%s (%d)", msg, rc)
}

// exec runs sql, a statement without results or parameters.
func (sc *scanner) exec(sql string) error {
	st, err := sc.prepare(sql)
	if err != nil {
		return err
	}
	defer st.close()
	for {
		if ok, err := st.step(); err != nil || !ok {
			return err
		}
	}
}

// stmt is a prepared statement of a scanner.
type stmt struct {
	sc *scanner
	p  uintptr
}

// prepare prepares query.
func (sc *scanner) prepare(query string) (*stmt, error) {
	zsql, err := libc.CString(query)
	if err != nil {
		return nil, err
	}
	defer libc.Xfree(sc.tls, zsql)
	pp := sc.tls.Alloc(int(unsafe.Sizeof(uintptr(0))))
	defer sc.tls.Free(int(unsafe.Sizeof(uintptr(0))))
	if rc := sqlite3.Xsqlite3_prepare_v2(sc.tls, sc.db, zsql, -1, pp, 0); rc != sqlite3.SQLITE_OK {
		return nil, sc.err(rc)
	}
	return &stmt{sc: sc, p: *(*uintptr)(cptr(pp))}, nil
}

// bind resets the statement to run again and binds args, each a string or
// an int64, to its parameters.
func (st *stmt) bind(args ...any) error {
	// reset's result repeats the error of a failed step, which step
	// has already returned.
	sqlite3.Xsqlite3_reset(st.sc.tls, st.p)
	for i, arg := range args {
		var rc int32
		switch v := arg.(type) {
		case int64:
			rc = sqlite3.Xsqlite3_bind_int64(st.sc.tls, st.p, int32(i+1), v)
		case string:
			z, err := libc.CString(v)
			if err != nil {
				return err
			}
			// SQLITE_TRANSIENT: SQLite copies the text before bind returns.
			rc = sqlite3.Xsqlite3_bind_text(st.sc.tls, st.p, int32(i+1), z, int32(len(v)), sqlite3.SQLITE_TRANSIENT)
			libc.Xfree(st.sc.tls, z)
		default:
			panic(fmt.Sprintf("store: cannot bind %T", arg))
		}
		if rc != sqlite3.SQLITE_OK {
			return st.sc.err(rc)
		}
	}
	return nil
}

// step moves to the next row and reports whether there is one.
func (st *stmt) step() (bool, error) {
	switch rc := sqlite3.Xsqlite3_step(st.sc.tls, st.p); rc {
	case sqlite3.SQLITE_ROW:
		return true, nil
	case sqlite3.SQLITE_DONE:
		return false, nil
	default:
		return false, st.sc.err(rc)
	}
}

// Column types (SQLITE_INTEGER, …).
const (
	typeInteger = sqlite3.SQLITE_INTEGER
	typeNull    = sqlite3.SQLITE_NULL
)

func (st *stmt) columnType(i int) int32 {
	return sqlite3.Xsqlite3_column_type(st.sc.tls, st.p, int32(i))
}

func (st *stmt) int64(i int) int64 {
	return sqlite3.Xsqlite3_column_int64(st.sc.tls, st.p, int32(i))
}

// text returns column i as text, in SQLite's memory: valid only until the
// next step. ok is false for NULL: SQLite returns a null pointer for NULL
// alone, and a pointer to an empty string for the empty string.
func (st *stmt) text(i int) (b []byte, ok bool) {
	p := sqlite3.Xsqlite3_column_text(st.sc.tls, st.p, int32(i))
	if p == 0 {
		return nil, false
	}
	n := sqlite3.Xsqlite3_column_bytes(st.sc.tls, st.p, int32(i))
	return unsafe.Slice((*byte)(cptr(p)), n), true
}

// value returns column i of the current row as SQLite's value, valid
// until the next step, to read with the value methods. A read takes its
// columns this way: column_text and column_bytes each enter and leave the
// connection's API (columnMem, columnMallocFailure), value_text and
// value_bytes neither, which made stepping through a million rows a tenth
// cheaper. (SQLite calls such a value unprotected: not safe for concurrent
// use, as nothing of a scanner is.)
func (st *stmt) value(i int) uintptr {
	return sqlite3.Xsqlite3_column_value(st.sc.tls, st.p, int32(i))
}

func (st *stmt) valueType(v uintptr) int32 { return sqlite3.Xsqlite3_value_type(st.sc.tls, v) }

func (st *stmt) valueInt64(v uintptr) int64 { return sqlite3.Xsqlite3_value_int64(st.sc.tls, v) }

// valueText is text for a value: in SQLite's memory, valid only until the
// next step; ok is false for NULL.
func (st *stmt) valueText(v uintptr) (b []byte, ok bool) {
	p := sqlite3.Xsqlite3_value_text(st.sc.tls, v)
	if p == 0 {
		return nil, false
	}
	n := sqlite3.Xsqlite3_value_bytes(st.sc.tls, v)
	return unsafe.Slice((*byte)(cptr(p)), n), true
}

// close finalizes the statement. Its result would repeat the error of a
// failed step, which step has already returned.
func (st *stmt) close() {
	sqlite3.Xsqlite3_finalize(st.sc.tls, st.p)
}

// cptr turns the address of C memory (allocated by modernc.org/libc, not
// by Go, so never moved or collected) into a pointer.
func cptr(p uintptr) unsafe.Pointer {
	return *(*unsafe.Pointer)(unsafe.Pointer(&p))
}
