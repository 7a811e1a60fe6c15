package main

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// snapshotFixture imports a small store for build --snapshot: in March
// 2026, ann answers A-1 in time and A-2 late, bob answers B-1 in time;
// the site is in English and Chinese, with an appeals file that holds one
// appeal still in progress. It returns the folder, the config and the
// store.
func snapshotFixture(t *testing.T) (dir, cfg, db string) {
	t.Helper()
	dir = t.TempDir()
	files := map[string]string{
		"kpidesk.yaml": `version: 1
calendar: c
calendars: {c: {timezone: UTC, always: true}}
teams: [{id: t1, calendar: c}]
periods: [month, quarter]
metrics: {min_sample: 1}
appeals: appeals.yaml
site: {languages: [en, zh]}
scorecards:
  - {id: s, units: [agent, team, org], items: [{metric: response_rate, weight: 1, rule: {type: linear, target: 100%, floor: 0%}}]}
`,
		"appeals.yaml": snapshotAppeals(false),
		"c.jsonl": `{"id":"A-1","created_at":"2026-03-02T10:00:00Z","first_response_at":"2026-03-02T11:00:00Z","assignee":"ann","team":"t1"}
{"id":"A-2","created_at":"2026-03-02T10:00:00Z","first_response_at":"2026-03-05T11:00:00Z","assignee":"ann","team":"t1"}
{"id":"B-1","created_at":"2026-03-04T10:00:00Z","first_response_at":"2026-03-04T11:00:00Z","assignee":"bob","team":"t1"}
`,
	}
	cfg, db = importFiles(t, dir, files)
	return dir, cfg, db
}

// snapshotAppeals is the appeals file: A-9 in progress; with decided,
// also A-1, accepted, which leaves ann's late A-2 out of response_rate.
func snapshotAppeals(decided bool) string {
	text := `- id: A-9
  unit: agent:bob
  period: 2026-03
  claim: still being looked at
  filed: 2026-04-01
  stage: hr_review
`
	if decided {
		text += `- id: A-1
  unit: agent:ann
  period: 2026-03
  metric: response_rate
  complaints: [file:A-2]
  claim: the customer was called back in time
  filed: 2026-04-01
  stage: agreement
  history:
    - {stage: hr_review, date: 2026-04-01}
    - {stage: data_recheck, date: 2026-04-01}
    - {stage: three_party_meeting, date: 2026-04-01}
  decision: {outcome: accepted, by: three_party_meeting, date: 2026-04-01, reason: the call log shows the call, changes: [{exclude: file:A-2}]}
`
	}
	return text
}

// snapshotFiles lists the files of the snapshots folder, relative to it,
// with their contents.
func snapshotFiles(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		out[filepath.ToSlash(rel)] = string(b)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func readText(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestSnapshotAppealDecided builds with --snapshot, then decides an
// appeal and builds again: the snapshots folder keeps the first snapshot
// of each complete period as it was and adds one, and the scorecard,
// appeals.html and summary.md show the change since published, old → new,
// with the appeal. A third build that changes nothing adds no file.
func TestSnapshotAppealDecided(t *testing.T) {
	dir, cfg, db := snapshotFixture(t)
	snaps, site, out := filepath.Join(dir, "snapshots"), filepath.Join(dir, "site"), filepath.Join(dir, "out")
	build := func() string {
		t.Helper()
		code, _, stderr := kpidesk(t, "build", "--out", site, "--scores", out, "--snapshot", snaps, "--as-of", "2026-04-02",
			"--config", cfg, "--store", db, "-q")
		if code != exitOK {
			t.Fatalf("build exited %d: %s", code, stderr)
		}
		return stderr
	}

	build()
	first := snapshotFiles(t, snaps)
	var names []string
	for name := range first {
		names = append(names, name)
	}
	slices.Sort(names)
	// March and the first quarter are complete at 2 April; April and the
	// second quarter are not, and are not kept.
	if want := []string{".kpidesk-snapshots", "2026-03/0001.json", "2026-Q1/0001.json"}; !slices.Equal(names, want) {
		t.Fatalf("snapshots after the first build: %v, want %v", names, want)
	}
	for _, want := range []string{`"schema": "kpidesk.snapshot/v1"`, `"appeals": []`, `"id": "ann"`, `"version": "s@start"`} {
		if !strings.Contains(first["2026-03/0001.json"], want) {
			t.Errorf("2026-03/0001.json lacks %s:\n%s", want, first["2026-03/0001.json"])
		}
	}
	for _, page := range []string{filepath.Join(out, "summary.md"), filepath.Join(site, "agent", "ann.html"), filepath.Join(site, "appeals.html")} {
		if text := readText(t, page); strings.Contains(text, "Changed since published") {
			t.Errorf("%s shows a change since published after the first build", page)
		}
	}

	// The appeal is decided: ann's response rate goes from 1 of 2 to 1 of 1.
	if err := os.WriteFile(filepath.Join(dir, "appeals.yaml"), []byte(snapshotAppeals(true)), 0o644); err != nil {
		t.Fatal(err)
	}
	stderr := build()
	if !strings.Contains(stderr, "changed since published: 2026-Q1, 2026-03") {
		t.Errorf("the second build's stderr does not say what changed since published:\n%s", stderr)
	}
	second := snapshotFiles(t, snaps)
	for name, text := range first {
		if second[name] != text {
			t.Errorf("%s was rewritten by the second build", name)
		}
	}
	for _, name := range []string{"2026-03/0002.json", "2026-Q1/0002.json"} {
		if !strings.Contains(second[name], `"appeals": [`+"\n"+`  "A-1"`) {
			t.Errorf("%s is missing or does not list the appeal applied:\n%s", name, second[name])
		}
	}
	if len(second) != len(first)+2 {
		t.Errorf("the second build left %d files, want %d", len(second), len(first)+2)
	}

	summary := readText(t, filepath.Join(out, "summary.md"))
	for _, want := range []string{
		"### Changed since published",
		"**2026-03** · published ",
		"| ann | s | 50.0 → 100.0 | Needs improvement → Excellent | Appeals A-1; metrics changed: 1 |",
		"| Organization | s | 66.7 → 100.0 |",
		"**2026-Q1**",
	} {
		if !strings.Contains(summary, want) {
			t.Errorf("summary.md lacks %q:\n%s", want, summary)
		}
	}
	ann := readText(t, filepath.Join(site, "agent", "ann.html"))
	for _, want := range []string{"Changed since published", "50.0 → <strong>100.0</strong>", `<a href="../appeals.html#A-1">A-1</a>`, "metrics changed: 1"} {
		if !strings.Contains(ann, want) {
			t.Errorf("agent/ann.html lacks %q", want)
		}
	}
	if bob := readText(t, filepath.Join(site, "agent", "bob.html")); strings.Contains(bob, "Changed since published") {
		t.Error("agent/bob.html shows a change since published, but bob's scorecard did not change")
	}
	annZH := readText(t, filepath.Join(site, "zh", "agent", "ann.html"))
	for _, want := range []string{"发布后已变更", "50.0 → <strong>100.0</strong>", "A-1", "1 项指标变动"} {
		if !strings.Contains(annZH, want) {
			t.Errorf("zh/agent/ann.html lacks %q", want)
		}
	}
	appealsPage := readText(t, filepath.Join(site, "appeals.html"))
	for _, want := range []string{`id="published"`, "2026-03 · published", "(2026-03/0001.json)", `<a href="agent/ann.html">ann</a>`,
		`<a href="team/t1.html">t1</a>`, "66.7 → <strong>100.0</strong>", `<a href="appeals.html#A-1">A-1</a>`} {
		if !strings.Contains(appealsPage, want) {
			t.Errorf("appeals.html lacks %q", want)
		}
	}
	// The team's row names the agent's appeal: the site knows ann's team
	// from the evidence.
	if i := strings.Index(appealsPage, `<a href="team/t1.html">t1</a>`); i >= 0 {
		if row := appealsPage[i:]; !strings.Contains(row[:strings.Index(row, "</tr>")], "A-1") {
			t.Errorf("appeals.html: team t1's row does not name appeal A-1:\n%s", row[:strings.Index(row, "</tr>")])
		}
	}
	if i := strings.Index(appealsPage, `id="published"`); i >= 0 && strings.Contains(appealsPage[i:], ">bob<") {
		t.Error("appeals.html lists bob as changed since published")
	}

	// Nothing changed: no file is added, and the pages still show what
	// changed since the period was first published.
	stderr = build()
	if third := snapshotFiles(t, snaps); len(third) != len(second) {
		t.Errorf("a build that changed nothing left %d files, want %d", len(third), len(second))
	}
	if strings.Contains(stderr, "changed since published") {
		t.Errorf("a build that changed nothing says something changed:\n%s", stderr)
	}
	if !strings.Contains(readText(t, filepath.Join(out, "summary.md")), "A-1") {
		t.Error("summary.md of the third build no longer shows the change since published")
	}

	// compare reads a snapshot file as the scores of its period.
	code, stdout, stderr := kpidesk(t, "compare", "--base", filepath.Join(snaps, "2026-03", "0001.json"), "--head", out)
	if code != exitOK {
		t.Fatalf("compare exited %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "| agent:ann | s | 50.0 → 100.0 |") {
		t.Errorf("compare of the first snapshot with the scores lacks ann's change:\n%s", stdout)
	}
}

// TestSnapshotScore keeps snapshots from kpidesk score, with --ids: the
// complaint IDs are not kept.
func TestSnapshotScore(t *testing.T) {
	dir, cfg, db := snapshotFixture(t)
	snaps := filepath.Join(dir, "snapshots")
	code, _, stderr := kpidesk(t, "score", "--out", filepath.Join(dir, "out"), "--ids", "--snapshot", snaps, "--as-of", "2026-04-02",
		"--config", cfg, "--store", db, "-q")
	if code != exitOK {
		t.Fatalf("score exited %d: %s", code, stderr)
	}
	text := readText(t, filepath.Join(snaps, "2026-03", "0001.json"))
	if strings.Contains(text, `"ids"`) || strings.Contains(text, "file:A-1") {
		t.Errorf("a snapshot keeps complaint IDs:\n%s", text)
	}
}

// TestSnapshotFolderRefused refuses, before scoring, a snapshots folder
// that holds files kpidesk did not write, one inside the site or scores
// folder, and one that holds the config.
func TestSnapshotFolderRefused(t *testing.T) {
	dir, cfg, db := snapshotFixture(t)
	foreign := filepath.Join(dir, "mine")
	if err := os.MkdirAll(foreign, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(foreign, "notes.txt"), []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	site, out := filepath.Join(dir, "site"), filepath.Join(dir, "out")
	for _, tc := range []struct {
		name, snapshot string
		code           int
		want           string
	}{
		{name: "foreign", snapshot: foreign, code: exitError, want: "holds files kpidesk did not write (notes.txt): the snapshots folder holds only the files kpidesk adds to it"},
		{name: "inside the site", snapshot: filepath.Join(site, "snapshots"), code: exitUsage, want: "overlaps the output folder"},
		{name: "holds the scores", snapshot: dir + string(filepath.Separator), code: exitUsage, want: "overlaps the output folder"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := kpidesk(t, "build", "--out", site, "--scores", out, "--snapshot", tc.snapshot, "--as-of", "2026-04-02",
				"--config", cfg, "--store", db, "-q")
			if code != tc.code || !strings.Contains(stderr, tc.want) {
				t.Errorf("build --snapshot %s exited %d: %s; want %d and %q", tc.snapshot, code, stderr, tc.code, tc.want)
			}
			if _, err := os.Stat(out); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("a refused --snapshot left %s written", out)
			}
		})
	}
	if b, err := os.ReadFile(filepath.Join(foreign, "notes.txt")); err != nil || string(b) != "mine" {
		t.Errorf("the foreign folder's file was touched: %q, %v", b, err)
	}
}
