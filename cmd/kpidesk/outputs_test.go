package main

import (
	"bytes"
	"context"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
)

// outputsBase is a small demo (store, config, inputs, appeals) made once
// for TestOutputs.
var outputsBase = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "kpidesk-outputs-")
	if err != nil {
		return "", err
	}
	var errb bytes.Buffer
	if code := run(context.Background(), []string{"demo", "--out", filepath.Join(dir, "d"), "--size", "400", "-q"}, &bytes.Buffer{}, &errb); code != 0 {
		return "", &os.PathError{Op: "demo", Path: dir, Err: fs.ErrInvalid}
	}
	return filepath.Join(dir, "d"), nil
})

// TestOutputs holds kpidesk to what it may replace and delete (issue 10,
// docs/security.md): each row runs commands in a folder of its own, where
// kpidesk.db is a copy of a small demo store, and checks the exit status,
// stderr, and which files survive unchanged. Extend it by one row.
//
// The row's command gets --config (the demo's) and --store kpidesk.db
// unless it names them. before runs first and must succeed; then every
// file under the row's folder is read, and the paths listed in same must
// read the same afterwards (a folder: every file in it, and no other).
func TestOutputs(t *testing.T) {
	base, err := outputsBase()
	if err != nil {
		t.Fatalf("demo: %v", err)
	}
	t.Cleanup(func() { os.RemoveAll(filepath.Dir(base)) })
	for _, tc := range []struct {
		name   string
		files  []string   // made before: "name" a file, "name/" a folder
		before [][]string // commands that must succeed first
		args   []string
		fault  string // an output file whose writing fails as on a full disk
		code   int
		stderr string   // a substring of stderr
		same   []string // files or folders unchanged by args
		exist  []string // paths that exist afterwards
		absent []string // paths that do not
	}{
		// Folders kpidesk did not write are never replaced.
		{name: "build into the working directory", files: []string{"kpidesk.yaml"}, args: []string{"build", "--out", "."},
			code: 1, stderr: "holds the working directory", same: []string{"kpidesk.db", "kpidesk.yaml"}},
		{name: "build into the parent", args: []string{"build", "--out", ".."},
			code: 1, stderr: "holds the working directory", same: []string{"kpidesk.db"}},
		{name: "build into docs", files: []string{"docs/guide.md"}, args: []string{"build", "--out", "docs"},
			code: 1, stderr: "site folder: docs holds files kpidesk did not write (guide.md)", same: []string{"docs"}},
		{name: "build onto a file", files: []string{"some-file"}, args: []string{"build", "--out", "some-file"},
			code: 1, stderr: "some-file is a file, not a folder", same: []string{"some-file"}},
		{name: "build into the store's folder", files: []string{"data/"}, args: []string{"build", "--out", "data", "--store", "data/k.db"},
			code: 1, stderr: "data holds data/k.db", absent: []string{"data/index.html"}},
		{name: "scores into the working directory", args: []string{"score", "--out", "."},
			code: 1, stderr: "scores folder: . holds the working directory", same: []string{"kpidesk.db"}},
		{name: "scores beside a hand-written file", files: []string{"out/notes.txt"}, args: []string{"score", "--out", "out"},
			code: 1, stderr: "did not write (notes.txt)", same: []string{"out"}},
		{name: "a refused scores folder stops the build before any site", files: []string{"out/notes.txt"}, args: []string{"build", "--out", "site", "--scores", "out"},
			code: 1, stderr: "scores folder: out holds", same: []string{"out"}, absent: []string{"site"}},

		// Scores and site together: one generation, whatever the nesting.
		{name: "scores in the site (the defaults' clash)", args: []string{"build", "--out", "out", "--scores", "out"},
			exist: []string{"out/index.html", "out/scores.json", "out/evidence.jsonl", "out/summary.md", "out/.kpidesk-site"}},
		{name: "scores inside the site", args: []string{"build", "--out", "public", "--scores", "public/data"},
			exist: []string{"public/index.html", "public/data/scores.csv"}},
		{name: "site inside the scores", args: []string{"build", "--out", "out/site", "--scores", "out"},
			exist: []string{"out/scores.json", "out/site/index.html", "out/site/.kpidesk-site", "out/.kpidesk-scores"}},
		{name: "a site kpidesk wrote is replaced", before: [][]string{{"build", "--out", "site", "--scores", "out"}}, files: []string{},
			args: []string{"build", "--out", "site", "--scores", "out"}, exist: []string{"site/index.html", "out/scores.json"}},
		{name: "scores of an older kpidesk are replaced", files: []string{"out/scores.json", "out/.evidence.jsonl.123"}, args: []string{"score", "--out", "out"},
			exist: []string{"out/evidence.jsonl", "out/.kpidesk-scores"}, absent: []string{"out/.evidence.jsonl.123"}},

		// Leftovers of killed runs: kpidesk's are removed, nothing else.
		{name: "abandoned stages are swept", files: []string{".site.build-1/.kpidesk-site", ".site.build-1/index.html", ".site.build-2/mine.txt", ".out.build-3/.kpidesk-scores"},
			args: []string{"build", "--out", "site", "--scores", "out"}, same: []string{".site.build-2"}, absent: []string{".site.build-1", ".out.build-3"}},

		// The demo folder.
		{name: "demo over a store", before: [][]string{{"import", "--store", "d/kpidesk.db", "testdata/one.jsonl"}},
			args: []string{"demo", "--out", "d", "--size", "300", "--store", "kpidesk.db", "--config", ""},
			code: 1, stderr: "pass --force", same: []string{"d"}},
		{name: "demo --force keeps other files", files: []string{"d/notes.txt", "d/kpidesk.yaml"},
			args:  []string{"demo", "--out", "d", "--size", "300", "--force", "--config", ""},
			same:  []string{"d/notes.txt"},
			exist: []string{"d/kpidesk.db", "d/site/index.html", "d/scores.json"}, absent: []string{"d/.kpidesk-demo"}},
		{name: "demo over a demo", before: [][]string{{"demo", "--out", "d", "--size", "300", "--config", ""}},
			args: []string{"demo", "--out", "d", "--size", "350", "--config", ""}, exist: []string{"d/.kpidesk-demo", "d/kpidesk.db"}},

		// A failure at any output leaves the previous generation whole.
		{name: "full disk at scores.json", before: [][]string{{"score", "--out", "out", "--as-of", "2026-03-31"}},
			args: []string{"score", "--out", "out"}, fault: "scores.json", code: 1, stderr: "no space left on device", same: []string{"out"}},
		{name: "full disk at scores.csv", before: [][]string{{"score", "--out", "out", "--as-of", "2026-03-31"}},
			args: []string{"score", "--out", "out"}, fault: "scores.csv", code: 1, stderr: "no space left on device", same: []string{"out"}},
		{name: "full disk at evidence.jsonl", before: [][]string{{"score", "--out", "out", "--as-of", "2026-03-31"}},
			args: []string{"score", "--out", "out"}, fault: "evidence.jsonl", code: 1, stderr: "no space left on device", same: []string{"out"}},
		{name: "full disk at summary.md", before: [][]string{{"score", "--out", "out", "--as-of", "2026-03-31"}},
			args: []string{"score", "--out", "out"}, fault: "summary.md", code: 1, stderr: "no space left on device", same: []string{"out"}},
		{name: "full disk during a build", before: [][]string{{"build", "--out", "site", "--scores", "out", "--as-of", "2026-03-31"}},
			args: []string{"build", "--out", "site", "--scores", "out"}, fault: "summary.md", code: 1, stderr: "no space left on device", same: []string{"out", "site"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			copyFile(t, filepath.Join(base, "kpidesk.db"), filepath.Join(dir, "kpidesk.db"))
			if err := os.MkdirAll(filepath.Join(dir, "testdata"), 0o755); err != nil {
				t.Fatal(err)
			}
			one := `{"id":"U1","created_at":"2026-01-02T01:00:00Z","team":"t"}` + "\n"
			if err := os.WriteFile(filepath.Join(dir, "testdata", "one.jsonl"), []byte(one), 0o644); err != nil {
				t.Fatal(err)
			}
			for _, f := range tc.files {
				p := filepath.Join(dir, f)
				if strings.HasSuffix(f, "/") {
					if err := os.MkdirAll(p, 0o755); err != nil {
						t.Fatal(err)
					}
					continue
				}
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, []byte("hand-written "+f), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			t.Chdir(dir)
			cli := func(args []string) []string {
				var out []string
				if !slices.Contains(args, "--config") {
					out = append(out, "--config", filepath.Join(base, "kpidesk.yaml"))
				}
				if !slices.Contains(args, "--store") {
					out = append(out, "--store", "kpidesk.db")
				}
				for i := 0; i < len(args); i++ {
					if args[i] == "--config" && args[i+1] == "" {
						i++ // the built-in config
						continue
					}
					out = append(out, args[i])
				}
				return append(out, "-q")
			}
			for _, b := range tc.before {
				var errb bytes.Buffer
				if code := run(context.Background(), cli(b), &bytes.Buffer{}, &errb); code != 0 {
					t.Fatalf("before: kpidesk %v exited %d: %s", b, code, errb.String())
				}
			}
			before := map[string]map[string][]byte{}
			for _, p := range tc.same {
				before[p] = snapshot(t, p)
			}
			failWrite = tc.fault
			var errb bytes.Buffer
			code := run(context.Background(), cli(tc.args), &bytes.Buffer{}, &errb)
			failWrite = ""
			if code != tc.code {
				t.Errorf("kpidesk %v exited %d, want %d; stderr: %s", tc.args, code, tc.code, errb.String())
			}
			if !strings.Contains(errb.String(), tc.stderr) {
				t.Errorf("stderr = %q, want it to contain %q", errb.String(), tc.stderr)
			}
			if tc.code != 0 && strings.Count(strings.TrimSpace(errb.String()), "\n") > 0 {
				t.Errorf("stderr has %d lines, want the one line that says why: %q", strings.Count(errb.String(), "\n"), errb.String())
			}
			for _, p := range tc.same {
				if after := snapshot(t, p); !maps.EqualFunc(before[p], after, bytes.Equal) {
					t.Errorf("%s changed: %v before, %v after", p, slices.Sorted(maps.Keys(before[p])), slices.Sorted(maps.Keys(after)))
				}
			}
			for _, p := range tc.exist {
				if _, err := os.Lstat(p); err != nil {
					t.Errorf("%s: %v, want it to exist", p, err)
				}
			}
			for _, p := range tc.absent {
				if _, err := os.Lstat(p); !os.IsNotExist(err) {
					t.Errorf("%s exists (%v), want it absent", p, err)
				}
			}
			// No stage of this run is left behind.
			entries, _ := os.ReadDir(".")
			for _, e := range entries {
				if n := e.Name(); strings.Contains(n, ".build-") || strings.Contains(n, ".old-") {
					if !slices.Contains(tc.files, n+"/") && !slices.ContainsFunc(tc.files, func(f string) bool { return strings.HasPrefix(f, n+"/") && slices.Contains(tc.same, n) }) {
						t.Errorf("left behind: %s", n)
					}
				}
			}
		})
	}
}

// snapshot reads a file, or every file under a folder, by path; an absent
// path reads as nothing.
func snapshot(t *testing.T, root string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if os.IsNotExist(err) {
			return nil
		}
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		out[p] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o644); err != nil {
		t.Fatal(err)
	}
}
