package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"gopkg.in/yaml.v3"

	"github.com/kpidesk/kpidesk/scoring"
)

// hostileUnit is an agent name from the helpdesk with Markdown in it.
const hostileUnit = "*Eve* | [x](javascript:1) <b>"

// compareRuns writes two scores.json: base into a folder, head as a file.
// Between them, in September the hostile agent eve moves from 58.21 (C)
// to 58.24 (C), ann from 72 (B) to 80 (A), team t1 changes its
// response_rate counts only (2/4 → 3/6), bob is the same; in August, dan
// is gone and cat is new.
func compareRuns(t *testing.T) (base, head string) {
	t.Helper()
	f := func(v float64) *float64 { return &v }
	month := func(m time.Month) scoring.Period {
		return scoring.Period{ID: time.Date(2026, m, 1, 0, 0, 0, 0, time.UTC).Format("2006-01"), Kind: scoring.Month,
			Start: time.Date(2026, m, 1, 0, 0, 0, 0, time.UTC), End: time.Date(2026, m+1, 1, 0, 0, 0, 0, time.UTC)}
	}
	card := func(id, name, kind, period string, final float64, grade string, num, den float64) scoring.Scorecard {
		return scoring.Scorecard{Scorecard: "s", Period: period, Unit: scoring.Unit{ID: id, Kind: kind, Name: name}, Final: f(final),
			Grade: grade, Status: scoring.ScorecardOK, Appeals: []string{},
			Metrics: map[string]scoring.MetricResult{"response_rate": {Numerator: num, Denominator: den, Value: f(num / den), Points: f(100 * num / den),
				Status: scoring.StatusOK, Weight: 1}}}
	}
	asOf := time.Date(2026, 10, 2, 0, 0, 0, 0, time.UTC)
	periods := []scoring.Period{month(8), month(9)}
	old := &scoring.Scores{Schema: scoring.Schema, AsOf: asOf, Periods: periods, Scorecards: []scoring.Scorecard{
		card("ann", "Ann", scoring.UnitAgent, "2026-09", 72, "B", 18, 25),
		card("bob", "", scoring.UnitAgent, "2026-09", 90, "A", 9, 10),
		card("dan", "Dan", scoring.UnitAgent, "2026-08", 50, "C", 1, 2),
		card("eve", hostileUnit, scoring.UnitAgent, "2026-09", 58.21, "C", 1, 2),
		card("t1", "Team 1", scoring.UnitTeam, "2026-09", 65, "B", 2, 4),
	}}
	new := &scoring.Scores{Schema: scoring.Schema, AsOf: asOf, Periods: periods, Scorecards: []scoring.Scorecard{
		card("ann", "Ann", scoring.UnitAgent, "2026-09", 80, "A", 20, 25),
		card("bob", "", scoring.UnitAgent, "2026-09", 90, "A", 9, 10),
		card("cat", "Cat", scoring.UnitAgent, "2026-08", 95, "A", 1, 1),
		card("eve", hostileUnit, scoring.UnitAgent, "2026-09", 58.24, "C", 1, 2),
		card("t1", "Team 1", scoring.UnitTeam, "2026-09", 65, "B", 3, 6),
	}}
	dir := t.TempDir()
	base, head = filepath.Join(dir, "base"), filepath.Join(dir, "head.json")
	if err := os.MkdirAll(base, 0o755); err != nil {
		t.Fatal(err)
	}
	for path, s := range map[string]*scoring.Scores{filepath.Join(base, "scores.json"): old, head: new} {
		w, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := scoring.WriteJSON(w, s); err != nil {
			t.Fatal(err)
		}
		w.Close()
	}
	return base, head
}

func TestCompareMarkdown(t *testing.T) {
	base, head := compareRuns(t)
	code, stdout, stderr := kpidesk(t, "compare", "--base", base, "--head", head)
	if code != exitOK {
		t.Fatalf("compare exited %d: %s", code, stderr)
	}
	basePath := filepath.Join(base, "scores.json")
	want := "### kpidesk: what changes\n\n" +
		basePath + " (as of 2026-10-02 00:00 UTC) → " + head + " (as of 2026-10-02 00:00 UTC)\n\n" +
		"4 scorecards' final score or grade move, in 2 periods. 1 more change in their metrics only.\n" +
		"\n#### 2026-09\n\n| unit | scorecard | final | grade | what moved |\n|---|---|---:|---|---|\n" +
		"| Ann (agent:ann) | s | 72.0 → 80.0 | B → A | response\\_rate |\n" +
		`| \*Eve\* \| \[x\](javascript:1) &lt;b> (agent:eve) | s | 58.21 → 58.24 | C → C | —` + " |\n" +
		"\n#### 2026-08\n\n| unit | scorecard | final | grade | what moved |\n|---|---|---:|---|---|\n" +
		"| Cat (agent:cat) | s | — → 95.0 | — → A | new scorecard |\n" +
		"| Dan (agent:dan) | s | 50.0 → — | C → — | scorecard gone |\n"
	if diff := cmp.Diff(want, stdout); diff != "" {
		t.Errorf("compare (-want +got):\n%s", diff)
	}

	// The same scores: nothing moves, and the exit status is still 0.
	code, stdout, stderr = kpidesk(t, "compare", "--base", base, "--head", base)
	if code != exitOK || !strings.Contains(stdout, "No unit's final score or grade moves.\n") {
		t.Errorf("compare of a run with itself exited %d: %s%s", code, stdout, stderr)
	}
}

func TestCompareJSON(t *testing.T) {
	base, head := compareRuns(t)
	code, stdout, stderr := kpidesk(t, "compare", "--base", base, "--head", head, "--format", "json")
	if code != exitOK {
		t.Fatalf("compare exited %d: %s", code, stderr)
	}
	var r compareReport
	if err := json.Unmarshal([]byte(stdout), &r); err != nil {
		t.Fatalf("compare --format json: %v\n%s", err, stdout)
	}
	if r.Base.Path != filepath.Join(base, "scores.json") || r.Head.Path != head {
		t.Errorf("base %q, head %q; want %q, %q", r.Base.Path, r.Head.Path, filepath.Join(base, "scores.json"), head)
	}
	var got []string
	for _, c := range r.Changes {
		got = append(got, c.Period+" "+c.Unit.Key()+" "+c.Change)
	}
	// scoring.Changes' order: periods oldest first, then units.
	want := []string{"2026-08 agent:cat new", "2026-08 agent:dan vanished", "2026-09 team:t1 changed", "2026-09 agent:ann changed", "2026-09 agent:eve changed"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("changes (-want +got):\n%s", diff)
	}
	if m := r.Changes[2].Metrics; len(m) != 1 || m[0].Old.Numerator != 2 || m[0].New.Numerator != 3 {
		t.Errorf("team t1's metrics: %+v, want response_rate 2/4 → 3/6", m)
	}
}

func TestCompareErrors(t *testing.T) {
	base, _ := compareRuns(t)
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{name: "no head", args: []string{"--base", base}, code: exitUsage, want: "want --base and --head"},
		{name: "bad format", args: []string{"--base", base, "--head", base, "--format", "html"}, code: exitUsage, want: `--format "html"`},
		{name: "missing", args: []string{"--base", base, "--head", filepath.Join(base, "nothing")}, code: exitError, want: "no such file"},
		{name: "not scores", args: []string{"--base", base, "--head", filepath.Join(base, "..")}, code: exitError, want: "scores.json"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := kpidesk(t, append([]string{"compare"}, tc.args...)...)
			if code != tc.code || !strings.Contains(stderr, tc.want) {
				t.Errorf("compare %v exited %d: %s; want %d and %q", tc.args, code, stderr, tc.code, tc.want)
			}
		})
	}
}

// TestPRCheckWorkflow reads examples/github/pr-check.yml as YAML and
// checks what the check depends on: it runs on pull requests that touch
// the config's files, may comment, restores the store without ever saving
// it, scores with the base branch's and the pull request's config, and
// compares. Its kpidesk command lines are checked against the command
// tree by TestDocumentedCommandsParse.
func TestPRCheckWorkflow(t *testing.T) {
	b, err := os.ReadFile("../../examples/github/pr-check.yml")
	if err != nil {
		t.Fatal(err)
	}
	var wf struct {
		On struct {
			PullRequest struct {
				Paths []string `yaml:"paths"`
			} `yaml:"pull_request"`
		} `yaml:"on"`
		Permissions map[string]string `yaml:"permissions"`
		Jobs        map[string]struct {
			Steps []struct {
				Uses string            `yaml:"uses"`
				Run  string            `yaml:"run"`
				With map[string]string `yaml:"with"`
			} `yaml:"steps"`
		} `yaml:"jobs"`
	}
	if err := yaml.Unmarshal(b, &wf); err != nil {
		t.Fatalf("pr-check.yml: %v", err)
	}
	for _, p := range []string{"kpidesk.yaml", "appeals.yaml", "inputs/**"} {
		if !strings.Contains(strings.Join(wf.On.PullRequest.Paths, " "), p) {
			t.Errorf("on.pull_request.paths %v lacks %s", wf.On.PullRequest.Paths, p)
		}
	}
	if wf.Permissions["pull-requests"] != "write" || wf.Permissions["contents"] != "read" || len(wf.Permissions) != 2 {
		t.Errorf("permissions %v, want contents: read and pull-requests: write", wf.Permissions)
	}
	var runs []string
	restored, commented := false, false
	for _, job := range wf.Jobs {
		for _, st := range job.Steps {
			switch {
			case strings.HasPrefix(st.Uses, "actions/cache/restore@"):
				restored = true
			case strings.HasPrefix(st.Uses, "actions/cache@") || strings.HasPrefix(st.Uses, "actions/cache/save@"):
				t.Errorf("step uses %s, which saves the cache: the check must read the store only", st.Uses)
			case strings.HasPrefix(st.Uses, "actions/github-script@"):
				commented = strings.Contains(st.With["script"], "updateComment") && strings.Contains(st.With["script"], "createComment")
			}
			runs = append(runs, st.Run)
		}
	}
	if !restored || !commented {
		t.Errorf("restores the store: %v, creates or updates its comment: %v; want both", restored, commented)
	}
	script := strings.Join(runs, "\n")
	for _, want := range []string{
		"kpidesk score --config base/kpidesk.yaml --store kpidesk.db --out scores-base",
		"kpidesk score --config head/kpidesk.yaml --store kpidesk.db --out scores-head",
		"kpidesk compare --base scores-base --head scores-head",
	} {
		if !strings.Contains(script, want) {
			t.Errorf("pr-check.yml does not run %q", want)
		}
	}
}
