package outdir

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// write makes the files of a tree: a name ending in "/" is a folder.
func write(t *testing.T, root string, names ...string) {
	t.Helper()
	for _, n := range names {
		p := filepath.Join(root, n)
		if strings.HasSuffix(n, "/") {
			if err := os.MkdirAll(p, 0o755); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(n), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestCheck(t *testing.T) {
	for _, tc := range []struct {
		name      string
		kind      Kind
		files     []string // under the parent; the folder is "out"
		dir       string   // default "out"
		protected []string // relative to the parent
		want      string   // "" accepts; else a substring of the error
	}{
		{name: "absent", kind: Site},
		{name: "empty", kind: Site, files: []string{"out/"}},
		{name: "marked site", kind: Site, files: []string{"out/.kpidesk-site", "out/index.html"}},
		{name: "scores replaces site", kind: Scores, files: []string{"out/.kpidesk-site", "out/index.html"}},
		{name: "site replaces scores", kind: Site, files: []string{"out/.kpidesk-scores", "out/scores.json"}},
		{name: "hand-written file", kind: Site, files: []string{"out/guide.md"}, want: "holds files kpidesk did not write (guide.md)"},
		{name: "many files named", kind: Site, files: []string{"out/a", "out/b", "out/c", "out/d", "out/e"}, want: "(a, b, c and 2 more)"},
		{name: "site without marker", kind: Site, files: []string{"out/index.html"}, want: "did not write (index.html)"},
		{name: "a file", kind: Site, files: []string{"out"}, want: "is a file, not a folder"},
		{name: "marker is a folder", kind: Site, files: []string{"out/.kpidesk-site/"}, want: "did not write (.kpidesk-site)"},
		{name: "legacy scores", kind: Scores, files: []string{"out/scores.json", "out/evidence.jsonl", "out/.evidence.jsonl.123", "out/summary.md"}},
		{name: "scores beside a store", kind: Scores, files: []string{"out/scores.json", "out/kpidesk.db"}, want: "did not write (kpidesk.db)"},
		{name: "unmarked demo", kind: Demo, files: []string{"out/kpidesk.db", "out/kpidesk.yaml", "out/site/index.html", "out/scores.json"}, want: "did not write (kpidesk.db, kpidesk.yaml, scores.json and 1 more)"},
		{name: "demo with a note", kind: Demo, files: []string{"out/kpidesk.db", "out/notes.txt"}, want: "did not write (kpidesk.db, notes.txt)"},
		{name: "site does not replace a demo", kind: Site, files: []string{"out/.kpidesk-demo"}, want: "did not write"},
		{name: "demo does not replace a site", kind: Demo, files: []string{"out/.kpidesk-site"}, want: "did not write"},
		{name: "marked export", kind: Export, files: []string{"out/.kpidesk-export", "out/complaints/month=2026-09/part-0.parquet"}},
		{name: "export does not replace a site", kind: Export, files: []string{"out/.kpidesk-site", "out/index.html"}, want: "did not write (.kpidesk-site, index.html)"},
		{name: "export does not replace scores", kind: Export, files: []string{"out/.kpidesk-scores", "out/scores.json"}, want: "did not write"},
		{name: "export does not take unmarked scores", kind: Export, files: []string{"out/scores.json"}, want: "did not write (scores.json)"},
		{name: "site does not replace an export", kind: Site, files: []string{"out/.kpidesk-export"}, want: "did not write"},
		{name: "scores do not replace an export", kind: Scores, files: []string{"out/.kpidesk-export", "out/scores.json"}, want: "did not write"},
		{name: "export beside a store", kind: Export, files: []string{"out/.kpidesk-export", "out/kpidesk.db"}, protected: []string{"out/kpidesk.db"}, want: "holds out/kpidesk.db"},
		{name: "holds the store", kind: Site, files: []string{"out/.kpidesk-site", "out/kpidesk.db"}, protected: []string{"out/kpidesk.db"}, want: "holds out/kpidesk.db"},
		{name: "is the config", kind: Scores, files: []string{"out/"}, dir: "out", protected: []string{"out"}, want: "holds out"},
		{name: "holds the config deep", kind: Site, files: []string{"out/.kpidesk-site", "out/a/b/kpidesk.yaml"}, protected: []string{"out/a/b/kpidesk.yaml"}, want: "holds"},
		{name: "protected sibling", kind: Site, files: []string{"out/", "outer/kpidesk.db"}, protected: []string{"outer/kpidesk.db"}},
		{name: "parent of the working directory", kind: Site, dir: ".", want: "holds the working directory"},
		{name: "above the working directory", kind: Site, dir: "..", want: "holds the working directory"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			parent := t.TempDir()
			write(t, parent, tc.files...)
			t.Chdir(parent)
			dir := tc.dir
			if dir == "" {
				dir = "out"
			}
			err := Check(dir, tc.kind, tc.protected...)
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("Check(%s, %s) = %v, want nil", dir, tc.kind.Name, err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Errorf("Check(%s, %s) = %v, want an error with %q", dir, tc.kind.Name, err, tc.want)
			}
		})
	}
}

func TestCheckSymlinks(t *testing.T) {
	parent := t.TempDir()
	write(t, parent, "real/.kpidesk-site", "data/kpidesk.db")
	if err := os.Symlink(filepath.Join(parent, "real"), filepath.Join(parent, "link")); err != nil {
		t.Skip(err)
	}
	if err := Check(filepath.Join(parent, "link"), Site); err == nil || !strings.Contains(err.Error(), "symbolic link") {
		t.Errorf("Check(link) = %v, want a refusal of the symbolic link", err)
	}
	// A store reached through a link into the folder is still protected.
	if err := os.Symlink(filepath.Join(parent, "real"), filepath.Join(parent, "alias")); err != nil {
		t.Fatal(err)
	}
	if err := Check(filepath.Join(parent, "real"), Site, filepath.Join(parent, "alias", "x.db")); !errors.Is(err, ErrProtected) {
		t.Errorf("Check(real) with a store at alias/x.db = %v, want ErrProtected", err)
	}
}

func TestStageCommit(t *testing.T) {
	parent := t.TempDir()
	target := filepath.Join(parent, "site")
	for gen, page := range []string{"one", "two"} {
		s, err := NewStage(target, Site)
		if err != nil {
			t.Fatal(err)
		}
		write(t, s.Dir, page)
		if err := s.Commit(); err != nil {
			t.Fatalf("generation %d: Commit: %v", gen, err)
		}
		s.Abort() // a no-op after Commit
		entries, _ := os.ReadDir(target)
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		if got, want := strings.Join(names, " "), ".kpidesk-site "+page; got != want {
			t.Errorf("generation %d: site holds %q, want %q", gen, got, want)
		}
		if err := Check(target, Site); err != nil {
			t.Errorf("generation %d: Check of the committed site: %v", gen, err)
		}
	}
	if entries, _ := os.ReadDir(parent); len(entries) != 1 {
		t.Errorf("parent holds %d entries after two commits, want only the site", len(entries))
	}
}

func TestStageAbortKeepsTarget(t *testing.T) {
	parent := t.TempDir()
	target := filepath.Join(parent, "out")
	write(t, target, ".kpidesk-scores", "scores.json")
	s, err := NewStage(target, Scores)
	if err != nil {
		t.Fatal(err)
	}
	write(t, s.Dir, "scores.json", "half")
	s.Abort()
	if b, _ := os.ReadFile(filepath.Join(target, "scores.json")); string(b) != "scores.json" {
		t.Errorf("previous scores.json = %q after Abort", b)
	}
	if entries, _ := os.ReadDir(parent); len(entries) != 1 {
		t.Errorf("parent holds %d entries after Abort, want only out", len(entries))
	}
}

func TestSweep(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no flock")
	}
	parent := t.TempDir()
	target := filepath.Join(parent, "site")
	// A live stage of another build: locked, kept.
	live, err := NewStage(target, Site)
	if err != nil {
		t.Fatal(err)
	}
	defer live.Abort()
	write(t, parent,
		".site.build-1/.kpidesk-site", ".site.build-1/index.html", // abandoned: marked, unlocked
		".site.build-2/",               // abandoned before its marker
		".site.old-3/.kpidesk-site",    // a previous generation left over
		".site.build-4/mine.txt",       // not kpidesk's: no marker
		".other.build-5/.kpidesk-site", // another folder's stage
	)
	next, err := NewStage(target, Site)
	if err != nil {
		t.Fatal(err)
	}
	defer next.Abort()
	for name, want := range map[string]bool{
		".site.build-1": false, ".site.build-2": false, ".site.old-3": false,
		".site.build-4": true, ".other.build-5": true,
		filepath.Base(live.Dir): true, filepath.Base(next.Dir): true,
	} {
		_, err := os.Stat(filepath.Join(parent, name))
		if got := err == nil; got != want {
			t.Errorf("%s exists = %v after NewStage, want %v", name, got, want)
		}
	}
}

// TestSweepAfterKill starts a process that makes a stage and is killed
// while it writes: the next stage of the same target removes it.
func TestSweepAfterKill(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no flock")
	}
	if dir := os.Getenv("OUTDIR_HELPER_STAGE"); dir != "" {
		s, err := NewStage(dir, Site)
		if err != nil {
			os.Exit(2)
		}
		os.WriteFile(filepath.Join(s.Dir, "index.html"), []byte("half"), 0o644)
		os.Stdout.WriteString(s.Dir + "\n")
		time.Sleep(time.Minute)
		os.Exit(0)
	}
	target := filepath.Join(t.TempDir(), "site")
	cmd := exec.Command(os.Args[0], "-test.run=^TestSweepAfterKill$")
	cmd.Env = append(os.Environ(), "OUTDIR_HELPER_STAGE="+target)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 4096)
	n, _ := out.Read(buf)
	stage := strings.TrimSpace(string(buf[:n]))
	if stage == "" {
		cmd.Process.Kill()
		t.Fatal("the helper process made no stage")
	}
	// While the process lives its stage is kept.
	Sweep(target)
	if _, err := os.Stat(stage); err != nil {
		t.Errorf("the stage of a live process was removed: %v", err)
	}
	cmd.Process.Kill()
	cmd.Wait()
	Sweep(target)
	if _, err := os.Stat(stage); !os.IsNotExist(err) {
		t.Errorf("the stage of a killed process survived the sweep: %v", err)
	}
}

// TestExportStage: an export is staged, switched in and replaced like the
// other kinds, and the stage a killed export left (marked, unlocked) is
// swept by the next export of the same folder, while a live one is kept.
func TestExportStage(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no flock")
	}
	parent := t.TempDir()
	target := filepath.Join(parent, "bi")
	for gen, part := range []string{"complaints/month=2026-08/part-0.csv", "complaints/month=2026-09/part-0.csv"} {
		s, err := NewStage(target, Export)
		if err != nil {
			t.Fatal(err)
		}
		write(t, s.Dir, part)
		if err := s.Commit(); err != nil {
			t.Fatalf("generation %d: Commit: %v", gen, err)
		}
		if _, err := os.Stat(filepath.Join(target, part)); err != nil {
			t.Errorf("generation %d: %v", gen, err)
		}
		if !Owned(target, Export) {
			t.Errorf("generation %d: the export lacks its marker", gen)
		}
	}
	if _, err := os.Stat(filepath.Join(target, "complaints/month=2026-08")); !os.IsNotExist(err) {
		t.Errorf("the previous generation's partition survived the switch: %v", err)
	}
	live, err := NewStage(target, Export)
	if err != nil {
		t.Fatal(err)
	}
	defer live.Abort()
	write(t, parent, ".bi.build-1/.kpidesk-export", ".bi.build-1/complaints/month=2026-09/part-0.parquet")
	next, err := NewStage(target, Export)
	if err != nil {
		t.Fatal(err)
	}
	defer next.Abort()
	if _, err := os.Stat(filepath.Join(parent, ".bi.build-1")); !os.IsNotExist(err) {
		t.Errorf("an abandoned export stage survived the sweep: %v", err)
	}
	if _, err := os.Stat(live.Dir); err != nil {
		t.Errorf("a live export stage was swept: %v", err)
	}
}
