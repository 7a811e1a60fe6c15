package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// applicationID marks a SQLite file as a kpidesk store ("kpid"), so that
// Open refuses some other program's database instead of migrating it.
const applicationID = 0x6b706964

// Pragmas set on every connection. WAL lets readers run while a sync
// writes; synchronous=NORMAL is safe in WAL mode (a power cut may lose the
// last commits, never corrupt the file) and makes bulk imports several
// times faster; journal_size_limit keeps the WAL from staying at the size
// of the largest import after it is checkpointed.
var pragmas = []string{
	"busy_timeout(10000)",
	"foreign_keys(1)",
	"synchronous(NORMAL)",
	"cache_size(-32768)", // KiB: 32 MiB per connection
	"temp_store(MEMORY)",
	"journal_size_limit(67108864)",
}

//go:embed migrations/*.sql
var migrationFS embed.FS

// migration is one embedded schema step; version is the number its file
// name starts with, and the schema's user_version once it is applied.
type migration struct {
	version int
	name    string
	sql     string
}

// migrations returns the embedded migrations in order. They must be
// numbered 1, 2, 3… without gaps; anything else is a bug in this package.
func migrations() ([]migration, error) {
	names, err := fs.Glob(migrationFS, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	var ms []migration
	for _, name := range names {
		base := path.Base(name)
		num, _, ok := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("migration %s: name must start with a positive number and '_'", base)
		}
		b, err := migrationFS.ReadFile(name)
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{version: v, name: base, sql: string(b)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	for i, m := range ms {
		if m.version != i+1 {
			return nil, fmt.Errorf("migration %s: want version %d", m.name, i+1)
		}
	}
	return ms, nil
}

// SchemaVersion is the schema version this package writes and reads: the
// number of its newest migration, kept in the file's PRAGMA user_version.
func SchemaVersion() int {
	ms, err := migrations()
	if err != nil {
		panic("store: " + err.Error())
	}
	return len(ms)
}

// Store is a kpidesk SQLite store. Its methods are safe for concurrent use;
// SQLite lets one transaction write at a time and the others wait for it
// (busy_timeout), while readers proceed.
type Store struct {
	// Now returns the wall-clock time recorded as a source's SyncedAt. It
	// is time.Now when nil; tests set it for deterministic output.
	Now func() time.Time

	path   string
	uri    string // the database as a SQLite URI filename, for scanners
	closed atomic.Bool
	db     *sql.DB
	pin    *sql.Conn // keeps an in-memory database alive while the Store is open

	scanMu sync.Mutex
	idle   []*scanner // scanners not in use, at most maxIdleScanners
}

var memSeq atomic.Uint64

// Open opens the store at path, creating the file (and its directory) if
// it is missing, and brings its schema up to date.
//
// The path ":memory:" opens a fresh database that lives in memory, private
// to this Store, until Close. It has no WAL, so a read and a write wait for
// each other: an Each callback must not write to it.
//
// Open fails, changing nothing, when the file was written by a newer
// kpidesk (a higher schema version) or is not a kpidesk store.
func Open(ctx context.Context, path string) (*Store, error) {
	q := make([]string, 0, len(pragmas)+3)
	for _, p := range pragmas {
		q = append(q, "_pragma="+p)
	}
	// Every write transaction is BEGIN IMMEDIATE: it takes the write lock
	// up front, waiting for it under busy_timeout, instead of failing with
	// SQLITE_BUSY when a read turns into a write.
	q = append(q, "_txlock=immediate")
	mem := path == ":memory:"
	var dsn, uri string
	if mem {
		// The memdb VFS shares a database named with a leading slash among
		// the connections of this process; ":memory:" would give every
		// pooled connection its own empty database.
		uri = fmt.Sprintf("file:/kpidesk-memory-%d?vfs=memdb", memSeq.Add(1))
		dsn = uri + "&"
	} else {
		// page_size only takes on a new file: 8 KiB pages made bulk
		// imports about 10% faster than the default 4 KiB. WAL, which
		// changes the file, waits until the file is known to be ours.
		q = append(q, "_pragma=page_size(8192)")
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return nil, fmt.Errorf("store %s: %w", path, err)
		}
		uri = "file:" + escapePath(path)
		if strings.HasPrefix(path, "/") {
			uri = "file://" + escapePath(path) // an empty authority, then the path
		}
		dsn = uri + "?"
	}
	dsn += strings.Join(q, "&")

	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("store %s: %w", path, err)
	}
	// A few connections: one writer, readers beside it (an Each whose
	// callback asks for a Count), each with its own page cache.
	db.SetMaxOpenConns(4)
	db.SetMaxIdleConns(4)
	s := &Store{path: path, uri: uri, db: db}
	if mem {
		if s.pin, err = db.Conn(ctx); err != nil {
			db.Close()
			return nil, fmt.Errorf("store %s: %w", path, err)
		}
	}
	err = s.migrate(ctx)
	if err == nil && !mem {
		err = s.wal(ctx)
	}
	if err != nil {
		s.closeDB()
		if !mem {
			err = openError(path, err)
		}
		return nil, fmt.Errorf("store %s: %w", path, err)
	}
	return s, nil
}

// wal switches the file to write-ahead logging, a setting the file keeps.
func (s *Store) wal(ctx context.Context) error {
	var mode string
	if err := s.db.QueryRowContext(ctx, "PRAGMA journal_mode = WAL").Scan(&mode); err != nil {
		return fmt.Errorf("set journal_mode: %w", err)
	}
	if !strings.EqualFold(mode, "wal") {
		return fmt.Errorf("set journal_mode: got %s, want wal", mode)
	}
	return nil
}

// escapePath turns a file name into the path of a SQLite URI, so that a
// name with '?', '#' or '%' in it still names that file.
func escapePath(p string) string {
	return strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(p)
}

// migrate applies the embedded migrations that the file lacks, all in one
// transaction, so that a failed upgrade leaves the previous schema intact.
func (s *Store) migrate(ctx context.Context) error {
	ms, err := migrations()
	if err != nil {
		return err
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()

	var app, version int
	if err := tx.QueryRowContext(ctx, "PRAGMA application_id").Scan(&app); err != nil {
		return err
	}
	if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return err
	}
	if app != 0 && app != applicationID {
		return fmt.Errorf("not a kpidesk store (application_id %#x)", app)
	}
	if version > len(ms) {
		return fmt.Errorf("schema version %d is newer than this kpidesk supports (%d); upgrade kpidesk", version, len(ms))
	}
	if app == 0 {
		if version != 0 {
			return fmt.Errorf("not a kpidesk store (user_version %d without application_id)", version)
		}
		var tables int
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_schema").Scan(&tables); err != nil {
			return err
		}
		if tables != 0 {
			return errors.New("not a kpidesk store (it has tables but no kpidesk application_id)")
		}
		if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA application_id = %d", applicationID)); err != nil {
			return err
		}
	}
	if version == len(ms) {
		return tx.Commit() // records application_id on a new file, else a no-op
	}
	for _, m := range ms[version:] {
		if _, err := tx.ExecContext(ctx, m.sql); err != nil {
			return fmt.Errorf("migrate to schema version %d (%s): %w", m.version, m.name, err)
		}
		// PRAGMA user_version is part of the database header and so part
		// of the transaction: it is rolled back with a failed migration.
		if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", m.version)); err != nil {
			return fmt.Errorf("migrate to schema version %d: %w", m.version, err)
		}
	}
	return tx.Commit()
}

// Close closes the store. The last connection to close checkpoints the WAL
// into the database file, so after Close the file alone is the store and
// can be cached or copied.
func (s *Store) Close() error {
	if s.closed.Swap(true) {
		return nil
	}
	// Scanners in use close when their Each returns.
	s.scanMu.Lock()
	for _, sc := range s.idle {
		sc.close()
	}
	s.idle = nil
	s.scanMu.Unlock()
	// Cheap statistics upkeep for the query planner; a failure is harmless.
	s.db.Exec("PRAGMA optimize")
	if err := s.closeDB(); err != nil {
		return fmt.Errorf("store %s: close: %w", s.path, err)
	}
	return nil
}

func (s *Store) closeDB() error {
	var err error
	if s.pin != nil {
		err = s.pin.Close()
	}
	if cerr := s.db.Close(); cerr != nil && err == nil {
		err = cerr
	}
	return err
}

func (s *Store) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// maxIdleScanners is how many scanners a Store keeps open between reads,
// for reads side by side (an Each whose callback runs another).
const maxIdleScanners = 2

// errClosed is returned by reads from a closed Store.
var errClosed = errors.New("store is closed")

// scanner returns an idle scanner or opens a new one; release gives it back.
func (s *Store) scanner() (*scanner, error) {
	s.scanMu.Lock()
	if s.closed.Load() {
		s.scanMu.Unlock()
		return nil, errClosed
	}
	if n := len(s.idle); n > 0 {
		sc := s.idle[n-1]
		s.idle = s.idle[:n-1]
		s.scanMu.Unlock()
		return sc, nil
	}
	s.scanMu.Unlock()
	return openScanner(s.uri)
}

func (s *Store) release(sc *scanner) {
	sc.releaseMemory() // an idle scanner keeps no page cache
	s.scanMu.Lock()
	if !s.closed.Load() && len(s.idle) < maxIdleScanners {
		s.idle = append(s.idle, sc)
		sc = nil
	}
	s.scanMu.Unlock()
	if sc != nil {
		sc.close()
	}
}
