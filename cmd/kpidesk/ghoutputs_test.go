package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kpidesk/kpidesk/scoring"
)

// orgHeadline reads the organization's card of period from scores.json in
// dir: the figures --outputs must repeat.
func orgHeadline(t *testing.T, dir, period string) (final, grade string) {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, "scores.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s, err := scoring.ReadJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range s.Scorecards {
		if c.Unit.Kind == scoring.UnitOrg && c.Period == period && !c.Secondary {
			if c.Final == nil {
				t.Fatalf("scores.json: the organization has no final in %s", period)
			}
			return strconv.FormatFloat(*c.Final, 'f', -1, 64), c.Grade
		}
	}
	t.Fatalf("scores.json: no organization scorecard in %s", period)
	return "", ""
}

// TestOutputsFlag runs score and build with --outputs on a store whose
// gates fail: the lines are appended after what the file held, even with
// exit status 3, and repeat scores.json's figures for the organization in
// the latest complete month.
func TestOutputsFlag(t *testing.T) {
	dir, cfg, db := junitStore(t)
	for _, args := range [][]string{
		{"score", "--out", filepath.Join(dir, "out")},
		{"build", "--out", filepath.Join(dir, "site"), "--scores", filepath.Join(dir, "out2")},
	} {
		t.Run(args[0], func(t *testing.T) {
			path := filepath.Join(dir, args[0]+".env")
			if err := os.WriteFile(path, []byte("earlier=step\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			code, _, stderr := kpidesk(t, append(args, "--outputs", path, "--config", cfg, "--store", db, "-q")...)
			if code != exitGate {
				t.Fatalf("%s exited %d, want %d; stderr:\n%s", args[0], code, exitGate, stderr)
			}
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			final, grade := orgHeadline(t, args[len(args)-1], "2026-03")
			want := "earlier=step\nperiod=2026-03\nfinal=" + final + "\ngrade=" + grade + "\ngates_passed=false\n"
			if diff := cmp.Diff(want, string(b)); diff != "" {
				t.Errorf("%s (-want +got):\n%s", path, diff)
			}
		})
	}
}

// TestOutputsPaths checks that --outputs refuses, before scoring, a path
// that is a folder, the config, the store or inside an output folder.
func TestOutputsPaths(t *testing.T) {
	dir, cfg, db := junitStore(t)
	if err := os.Mkdir(filepath.Join(dir, "folder"), 0o755); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	for _, tc := range []struct {
		name, path, stderr string
	}{
		{name: "a folder", path: filepath.Join(dir, "folder"), stderr: "is a folder"},
		{name: "the config", path: cfg, stderr: "which kpidesk reads"},
		{name: "the store", path: db, stderr: "which kpidesk reads"},
		{name: "in the scores folder", path: filepath.Join(out, "outputs.env"), stderr: "lies inside the output folder"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfgBefore, _ := os.ReadFile(cfg)
			code, _, stderr := kpidesk(t, "score", "--out", out, "--outputs", tc.path, "--config", cfg, "--store", db, "-q")
			if code != exitError || !strings.Contains(stderr, tc.stderr) {
				t.Errorf("score --outputs %s: exit %d, stderr %q; want %d and %q", tc.path, code, stderr, exitError, tc.stderr)
			}
			if _, err := os.Stat(out); err == nil {
				t.Errorf("score --outputs %s was refused but wrote %s", tc.path, out)
			}
			if b, _ := os.ReadFile(cfg); string(b) != string(cfgBefore) {
				t.Errorf("score --outputs %s changed the config", tc.path)
			}
		})
	}
}

// TestLanguagesFlag builds with --languages: the site and summary.md are
// in those languages instead of the config's (zh and en by default), and a
// language kpidesk does not speak is a usage error.
func TestLanguagesFlag(t *testing.T) {
	dir, cfg, db := junitStore(t)
	site, out := filepath.Join(dir, "site"), filepath.Join(dir, "out")
	code, _, stderr := kpidesk(t, "build", "--languages", "en", "--out", site, "--scores", out, "--config", cfg, "--store", db, "-q")
	if code != exitGate {
		t.Fatalf("build --languages en exited %d; stderr:\n%s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(site, "en")); err == nil {
		t.Errorf("build --languages en wrote %s/en: the one language is at the root", site)
	}
	summary, err := os.ReadFile(filepath.Join(out, "summary.md"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(summary), "Latest complete month") {
		t.Errorf("summary.md of build --languages en is not in English:\n%s", summary)
	}
	for _, bad := range []string{"fr", "en,en"} {
		code, _, stderr := kpidesk(t, "build", "--languages", bad, "--out", site, "--scores", out, "--config", cfg, "--store", db, "-q")
		if code != exitUsage || !strings.Contains(stderr, "--languages") {
			t.Errorf("build --languages %s: exit %d, stderr %q; want %d naming --languages", bad, code, stderr, exitUsage)
		}
	}
}
