package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"modernc.org/sqlite"
)

// SQLite's primary result codes that a store kpidesk cannot write gives.
const (
	sqliteReadOnly = 8  // SQLITE_READONLY and its extended codes (1544: the directory)
	sqliteCantOpen = 14 // SQLITE_CANTOPEN: cannot create or open a file
)

// openError explains an Open that failed because kpidesk may not write
// where the store is: which folder or file, and why. Every command writes
// to the store's folder, even one that only reads: the store is in WAL
// mode, and SQLite keeps the write-ahead log (path-wal) and its
// shared-memory index (path-shm) beside the file, creating them when the
// store is opened. Other errors are returned as they are.
func openError(path string, err error) error {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return err
	}
	switch se.Code() & 0xff {
	case sqliteReadOnly, sqliteCantOpen:
	default:
		return err
	}
	dir := filepath.Dir(path)
	_, serr := os.Stat(path)
	if werr := canCreateIn(dir); werr != nil && errors.Is(serr, os.ErrNotExist) {
		return fmt.Errorf("cannot create the store in folder %s (%v); choose another with --store: %w", dir, werr, err)
	} else if werr != nil {
		return fmt.Errorf("cannot write in folder %s (%v): kpidesk needs to, even to read the store, because SQLite keeps the store's write-ahead log (%s-wal, %s-shm) beside it; make the folder writable, or copy the store to one that is: %w",
			dir, werr, filepath.Base(path), filepath.Base(path), err)
	}
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		f, werr := os.OpenFile(p, os.O_WRONLY, 0)
		if errors.Is(werr, os.ErrNotExist) {
			continue
		}
		if werr != nil {
			return fmt.Errorf("cannot write %s (%v): make it writable, or copy the store: %w", p, errors.Unwrap(werr), err)
		}
		f.Close()
	}
	return err
}

// canCreateIn checks that a file can be created in dir.
func canCreateIn(dir string) error {
	f, err := os.CreateTemp(dir, ".kpidesk-write-check-*")
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			return pe.Err
		}
		return err
	}
	name := f.Name()
	f.Close()
	return os.Remove(name)
}
