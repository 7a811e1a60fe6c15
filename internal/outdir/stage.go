package outdir

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// Stage is the next generation of a folder, written beside it and switched
// into place by Commit.
type Stage struct {
	// Dir is where the new generation is written.
	Dir    string
	target string
	kind   Kind
	lock   *os.File // the marker, locked while this process builds
	done   bool
}

// NewStage makes an empty stage for target (which [Check] should have
// accepted), holding kind k's marker, and first removes the stages of
// target that killed processes left behind.
func NewStage(target string, k Kind) (*Stage, error) {
	abs, err := filepath.Abs(target)
	if err != nil {
		return nil, err
	}
	parent, base := filepath.Dir(abs), filepath.Base(abs)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, err
	}
	Sweep(abs)
	dir, err := os.MkdirTemp(parent, "."+base+".build-")
	if err != nil {
		return nil, fmt.Errorf("make a stage for %s: %w", target, err)
	}
	s := &Stage{Dir: dir, target: abs, kind: k}
	// MkdirTemp makes a folder only its owner can read; the outputs are
	// for everyone who can read the parent, like any folder the user makes.
	if err := os.Chmod(dir, 0o755); err != nil {
		s.Abort()
		return nil, err
	}
	f, err := os.OpenFile(filepath.Join(dir, k.Marker), os.O_CREATE|os.O_RDWR|os.O_TRUNC, 0o644)
	if err != nil {
		s.Abort()
		return nil, err
	}
	s.lock = f
	if _, err := f.Write(k.markerText()); err != nil {
		s.Abort()
		return nil, err
	}
	if err := lockFile(f); err != nil {
		s.Abort()
		return nil, fmt.Errorf("lock %s: %w", f.Name(), err)
	}
	return s, nil
}

// Commit switches the stage into place: the target, if any, and the stage
// trade places in one step, and the previous generation is removed. After
// Commit the stage's Dir is gone; its content is at the target.
func (s *Stage) Commit() error {
	if s.done {
		return errors.New("outdir: stage already ended")
	}
	if _, err := os.Lstat(s.target); errors.Is(err, os.ErrNotExist) {
		if err := os.Rename(s.Dir, s.target); err != nil {
			return fmt.Errorf("move %s into place: %w", s.kind.Name, err)
		}
		s.end()
		return nil
	}
	if err := exchange(s.Dir, s.target); err == nil {
		// The stage's name now holds the previous generation.
		s.end()
		return os.RemoveAll(s.Dir)
	}
	// No atomic exchange here: move the previous generation aside, the
	// stage in, and put the previous one back if the second step fails.
	old, err := os.MkdirTemp(filepath.Dir(s.target), "."+filepath.Base(s.target)+".old-")
	if err != nil {
		return err
	}
	if err := os.Remove(old); err != nil {
		return err
	}
	if err := os.Rename(s.target, old); err != nil {
		return fmt.Errorf("move the previous %s aside: %w", s.kind.Name, err)
	}
	if err := os.Rename(s.Dir, s.target); err != nil {
		os.Rename(old, s.target)
		return fmt.Errorf("move %s into place: %w", s.kind.Name, err)
	}
	s.end()
	return os.RemoveAll(old)
}

// Abort removes the stage, unless it was committed. It is safe to defer.
func (s *Stage) Abort() {
	if s.done {
		return
	}
	s.end()
	os.RemoveAll(s.Dir)
}

func (s *Stage) end() {
	s.done = true
	if s.lock != nil {
		s.lock.Close() // releases the lock
	}
}

// Sweep removes what killed runs left beside target: stages
// (.NAME.build-*) and previous generations (.NAME.old-*) that are empty, or
// that carry a kpidesk marker no live process holds locked. Folders of that
// name without a marker are not kpidesk's to remove and stay.
func Sweep(target string) {
	parent, base := filepath.Dir(target), filepath.Base(target)
	for _, pattern := range []string{"." + base + ".build-*", "." + base + ".old-*"} {
		matches, _ := filepath.Glob(filepath.Join(parent, globEscape(pattern)))
		for _, m := range matches {
			if abandoned(m) {
				os.RemoveAll(m)
			}
		}
	}
}

// abandoned reports whether dir is a kpidesk stage no process works in.
func abandoned(dir string) bool {
	fi, err := os.Lstat(dir)
	if err != nil || !fi.IsDir() {
		return false
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return false
	}
	if len(entries) == 0 {
		return true
	}
	for _, m := range []string{siteMarker, scoresMarker, demoMarker, exportMarker} {
		f, err := os.OpenFile(filepath.Join(dir, m), os.O_RDWR, 0)
		if err != nil {
			continue
		}
		free := tryLock(f)
		f.Close()
		return free
	}
	return false
}

// globEscape escapes the glob metacharacters of a folder name, keeping the
// final "*" of the pattern.
func globEscape(pattern string) string {
	out := make([]byte, 0, len(pattern)+4)
	for i := 0; i < len(pattern); i++ {
		c := pattern[i]
		if (c == '*' && i != len(pattern)-1) || c == '?' || c == '[' || c == '\\' {
			out = append(out, '\\')
		}
		out = append(out, c)
	}
	return string(out)
}
