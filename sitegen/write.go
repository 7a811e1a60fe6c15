package sitegen

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"sync"
	"sync/atomic"
)

// Stats counts what a build put into the site folder: the files it wrote
// and the ones it kept from the previous site (Options.Previous) because
// their bytes had not changed.
type Stats struct {
	Written, Kept           int64 // files
	WrittenBytes, KeptBytes int64
}

// writeStats is a build's Stats while pages are written on several
// goroutines; it is shared by the languages of one build.
type writeStats struct {
	written, kept           atomic.Int64
	writtenBytes, keptBytes atomic.Int64
	dirs                    sync.Map // the folders made so far: a page's MkdirAll is a stat
}

// madeDir reports whether dir is known to exist in the stage.
func (w *writeStats) madeDir(dir string) bool {
	_, ok := w.dirs.Load(dir)
	return ok
}

func (w *writeStats) stats() Stats {
	return Stats{Written: w.written.Load(), Kept: w.kept.Load(), WrittenBytes: w.writtenBytes.Load(), KeptBytes: w.keptBytes.Load()}
}

// writeFile puts data at rel in this language's folder of the stage. When
// the previous site has a regular file with the same bytes at the same
// place, that file is hard-linked instead: a rebuild that changes nothing
// writes no page, and one that changes a month rewrites only the pages
// and lists that show it. The previous site stays whole until the stage is
// switched in, and a failed link falls back to writing.
func (s *site) writeFile(rel string, data []byte) error {
	name := filepath.Join(s.dir, filepath.FromSlash(rel))
	if dir := filepath.Dir(name); !s.stats.madeDir(dir) {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("sitegen: %w", err)
		}
		s.stats.dirs.Store(dir, true)
	}
	if s.prev != "" && s.keep(filepath.Join(s.prev, filepath.FromSlash(rel)), name, data) {
		s.stats.kept.Add(1)
		s.stats.keptBytes.Add(int64(len(data)))
		return nil
	}
	if err := os.WriteFile(name, data, 0o644); err != nil {
		return fmt.Errorf("sitegen: %w", err)
	}
	s.stats.written.Add(1)
	s.stats.writtenBytes.Add(int64(len(data)))
	return nil
}

// keep links old to name when old is a regular file holding exactly data.
// Only a file's own bytes are compared: a symbolic link in the previous
// site is never followed.
func (s *site) keep(old, name string, data []byte) bool {
	fi, err := os.Lstat(old)
	if err != nil || !fi.Mode().IsRegular() || fi.Size() != int64(len(data)) {
		return false
	}
	f, err := os.Open(old)
	if err != nil {
		return false
	}
	defer f.Close()
	if !sameBytes(f, data) {
		return false
	}
	return os.Link(old, name) == nil
}

// sameBytes reports whether r holds exactly data, reading it in chunks.
func sameBytes(r io.Reader, data []byte) bool {
	buf := make([]byte, 64<<10)
	for {
		n, err := io.ReadFull(r, buf)
		if n > len(data) || !bytes.Equal(buf[:n], data[:n]) {
			return false
		}
		data = data[n:]
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return len(data) == 0
		}
		if err != nil {
			return false
		}
	}
}

// copyAssets copies the stylesheet and the static assets into the site.
func (s *site) copyAssets() error {
	for _, a := range assetFiles {
		data, err := readAll(s, a[0])
		if err != nil {
			return fmt.Errorf("sitegen: copy %s: %w", path.Base(a[1]), err)
		}
		if err := s.writeFile(a[1], data); err != nil {
			return err
		}
	}
	return nil
}

func readAll(s *site, name string) ([]byte, error) {
	f, err := s.files().Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(f)
}
