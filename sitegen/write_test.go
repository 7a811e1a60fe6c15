package sitegen

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"testing/iotest"

	"github.com/kpidesk/kpidesk/scoring"
)

// infos returns the FileInfo of every regular file of a site by slash path.
func infos(t *testing.T, dir string) map[string]fs.FileInfo {
	t.Helper()
	out := map[string]fs.FileInfo{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		fi, err := d.Info()
		rel, _ := filepath.Rel(dir, p)
		out[filepath.ToSlash(rel)] = fi
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// A rebuild keeps what did not change: nothing changed, no file is
// written; one complaint of the last month changed, only the files that
// show it are.
func TestRebuildKeepsUnchangedFiles(t *testing.T) {
	ctx := context.Background()
	opt := golden.options(t)
	dir := filepath.Join(t.TempDir(), "site")
	opt.Out = dir
	var first Stats
	opt.Stats = &first
	if err := Build(ctx, opt); err != nil {
		t.Fatal(err)
	}
	before := infos(t, dir)
	if first.Kept != 0 || first.Written != int64(len(before))-1 { // all but the marker
		t.Fatalf("first build: %+v, want every one of %d files written", first, len(before)-1)
	}

	var again Stats
	opt.Stats = &again
	if err := Build(ctx, opt); err != nil {
		t.Fatal(err)
	}
	if again.Written != 0 || again.Kept != first.Written || again.KeptBytes != first.WrittenBytes {
		t.Errorf("rebuild with nothing changed: %+v, want 0 written and %d (%d bytes) kept", again, first.Written, first.WrittenBytes)
	}
	after := infos(t, dir)
	for name, fi := range before {
		if name != ".kpidesk-site" && !os.SameFile(fi, after[name]) {
			t.Errorf("%s was rewritten though unchanged", name)
		}
	}

	// One complaint of the last month gets a new title.
	var last string
	for _, p := range opt.Scores.Periods {
		if p.Kind == "month" && p.ID > last {
			last = p.ID
		}
	}
	evidence := opt.Evidence
	changed := ""
	opt.Evidence = func(fn func(*scoring.Evidence) error) error {
		return evidence(func(e *scoring.Evidence) error {
			if changed == "" && e.Periods[scoring.CohortCreated] == last {
				changed = e.Key
				e.Title = "retitled " + e.Title
			}
			return fn(e)
		})
	}
	var month Stats
	opt.Stats = &month
	before = after
	if err := Build(ctx, opt); err != nil {
		t.Fatal(err)
	}
	after = infos(t, dir)
	if month.Written == 0 || month.Written+month.Kept != first.Written {
		t.Fatalf("rebuild with one title changed: %+v", month)
	}
	tree := readTree(t, dir)
	for name, fi := range after {
		shows := bytes.Contains(tree[name], []byte("retitled"))
		if shows && os.SameFile(fi, before[name]) {
			t.Errorf("%s shows the new title but was kept from the previous site", name)
		}
		if !shows && name != ".kpidesk-site" && !os.SameFile(fi, before[name]) {
			t.Errorf("%s does not show the change (%s) but was rewritten", name, changed)
		}
	}
	if month.WrittenBytes*10 > first.WrittenBytes {
		t.Errorf("one title changed rewrote %d of %d bytes", month.WrittenBytes, first.WrittenBytes)
	}
}

// A symbolic link in the previous site is never followed or linked: the
// page is written afresh.
func TestRebuildIgnoresSymlinks(t *testing.T) {
	ctx := context.Background()
	opt := golden.options(t)
	dir := filepath.Join(t.TempDir(), "site")
	opt.Out = dir
	if err := Build(ctx, opt); err != nil {
		t.Fatal(err)
	}
	page := filepath.Join(dir, "index.html")
	data, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	outside := filepath.Join(t.TempDir(), "elsewhere.html")
	if err := os.WriteFile(outside, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(page); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, page); err != nil {
		t.Fatal(err)
	}
	var st Stats
	opt.Stats = &st
	if err := Build(ctx, opt); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Lstat(page)
	if err != nil {
		t.Fatal(err)
	}
	target, _ := os.Stat(outside)
	if !fi.Mode().IsRegular() || os.SameFile(fi, target) {
		t.Errorf("index.html after rebuild: mode %v, same file as the link's target %v", fi.Mode(), os.SameFile(fi, target))
	}
	if st.Written != 1 {
		t.Errorf("rebuild wrote %d files, want 1 (index.html)", st.Written)
	}
}

func TestSameBytes(t *testing.T) {
	big := bytes.Repeat([]byte("0123456789"), 20000) // over one chunk
	for _, tc := range []struct {
		name string
		file []byte
		data []byte
		want bool
	}{
		{"equal", big, big, true},
		{"empty", nil, nil, true},
		{"file longer", append(append([]byte{}, big...), 'x'), big, false},
		{"file shorter", big[:len(big)-1], big, false},
		{"last byte differs", append(append([]byte{}, big[:len(big)-1]...), 'x'), big, false},
	} {
		if got := sameBytes(iotest.HalfReader(bytes.NewReader(tc.file)), tc.data); got != tc.want {
			t.Errorf("%s: sameBytes = %v, want %v", tc.name, got, tc.want)
		}
	}
	if sameBytes(iotest.ErrReader(os.ErrClosed), nil) {
		t.Error("sameBytes on a failing reader = true")
	}
}
