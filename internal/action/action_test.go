package action

import (
	"bufio"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/kpidesk/kpidesk/scoring"
)

// kpideskBin is the kpidesk TestMain builds for the script to run.
var kpideskBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "kpidesk-action-")
	if err != nil {
		panic(err)
	}
	kpideskBin = filepath.Join(dir, "kpidesk")
	code := 0
	if out, err := exec.Command("go", "build", "-o", kpideskBin, "../../cmd/kpidesk").CombinedOutput(); err != nil {
		os.Stderr.Write(out)
		code = 1
	} else {
		code = m.Run()
	}
	os.RemoveAll(dir)
	os.Exit(code)
}

// config is a workspace's kpidesk.yaml: the demo source (no network), one
// scorecard, and a gate on the organization's final score with the given
// minimum. extra is appended under sources.
func config(gateMin int, extra string) string {
	return `version: 1
sources:
  - {name: demo, type: demo, seed: 1, size: 300}
` + extra + `scorecards:
  - id: s
    items: [{metric: response_rate, weight: 1, rule: {type: linear, target: 100%, floor: 0%}}]
gates:
  - {name: org floor, metric: final, min: ` + strconv.Itoa(gateMin) + `}
`
}

// runner is a fake runner's workspace: the GitHub files the action's
// steps write into, and the action's inputs.
type runner struct {
	ws, output, summary string
	env                 []string
}

func newRunner(t *testing.T) *runner {
	t.Helper()
	ws, tmp := t.TempDir(), t.TempDir()
	r := &runner{ws: ws, output: filepath.Join(tmp, "github_output"), summary: filepath.Join(tmp, "step_summary")}
	// What earlier steps wrote: the script appends, never replaces.
	for _, f := range []string{r.output, r.summary} {
		if err := os.WriteFile(f, []byte("earlier\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	r.env = append(os.Environ(),
		"KPIDESK="+kpideskBin,
		"KPIDESK_CONFIG=kpidesk.yaml",
		"KPIDESK_STORE=kpidesk.db",
		"KPIDESK_SITE=site",
		"KPIDESK_SCORES=out",
		"KPIDESK_LANGUAGES=en",
		"GITHUB_OUTPUT="+r.output,
		"GITHUB_STEP_SUMMARY="+r.summary,
	)
	return r
}

// run writes kpidesk.yaml and runs steps.sh in the workspace, as the
// action's kpidesk step does; it returns the exit status and the log.
func (r *runner) run(t *testing.T, cfg string) (int, string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(r.ws, "kpidesk.yaml"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	script, err := filepath.Abs("steps.sh")
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("bash", script)
	cmd.Dir, cmd.Env = r.ws, r.env
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return 0, string(out)
	case errors.As(err, &exit):
		return exit.ExitCode(), string(out)
	}
	t.Fatalf("run steps.sh: %v", err)
	return 0, ""
}

// outputs reads $GITHUB_OUTPUT after the line an earlier step wrote.
func (r *runner) outputs(t *testing.T) map[string]string {
	t.Helper()
	f, err := os.Open(r.output)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if sc.Text() == "earlier" {
			continue
		}
		name, value, ok := strings.Cut(sc.Text(), "=")
		if !ok {
			t.Fatalf("%s: line %q is not name=value", r.output, sc.Text())
		}
		if _, dup := out[name]; dup {
			t.Errorf("%s: %s written twice", r.output, name)
		}
		out[name] = value
	}
	return out
}

// checkBuilt checks what a run whose build finished leaves: the site, the
// job summary (what was there, then summary.md) and outputs equal to
// scores.json's organization in the latest complete month.
func (r *runner) checkBuilt(t *testing.T, status, gatesPassed string) {
	t.Helper()
	if _, err := os.Stat(filepath.Join(r.ws, "site", "index.html")); err != nil {
		t.Errorf("no site: %v", err)
	}
	summary, err := os.ReadFile(filepath.Join(r.ws, "out", "summary.md"))
	if err != nil {
		t.Fatal(err)
	}
	if got, err := os.ReadFile(r.summary); err != nil || string(got) != "earlier\n"+string(summary) {
		t.Errorf("$GITHUB_STEP_SUMMARY is not what it held, then summary.md (%v):\n%s", err, got)
	}
	f, err := os.Open(filepath.Join(r.ws, "out", "scores.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	scores, err := scoring.ReadJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	got := r.outputs(t)
	period := scoring.LatestMonth(scores)
	want := map[string]string{"status": status, "period": period, "gates_passed": gatesPassed}
	for _, c := range scores.Scorecards {
		if c.Unit.Kind == scoring.UnitOrg && c.Period == period && c.Final != nil {
			want["final"], want["grade"] = strconv.FormatFloat(*c.Final, 'f', -1, 64), c.Grade
		}
	}
	if want["final"] == "" || want["grade"] == "" {
		t.Fatalf("scores.json has no final score and grade of the organization in %s", period)
	}
	for name, v := range want {
		if got[name] != v {
			t.Errorf("output %s = %q, want %q (scores.json)", name, got[name], v)
		}
	}
	if len(got) != len(want) {
		t.Errorf("outputs %v, want those of %v", got, want)
	}
}

// TestSteps runs steps.sh as the action does: a build that passes its
// gates, one that fails a gate (recorded, the site and summary still
// written, the step itself successful so that the site is uploaded before
// the job fails), and a sync that fails (the step fails and the store is
// left for the action to save).
func TestSteps(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("no bash")
	}
	t.Run("gates pass", func(t *testing.T) {
		r := newRunner(t)
		if code, log := r.run(t, config(0, "")); code != 0 {
			t.Fatalf("steps.sh exited %d:\n%s", code, log)
		}
		r.checkBuilt(t, "0", "true")
		// --languages en: the site's one language at its root.
		if _, err := os.Stat(filepath.Join(r.ws, "site", "en")); err == nil {
			t.Error("KPIDESK_LANGUAGES=en built a site/en folder")
		}
	})
	t.Run("a gate fails", func(t *testing.T) {
		r := newRunner(t)
		code, log := r.run(t, config(100, ""))
		if code != 0 {
			t.Fatalf("steps.sh exited %d on a failed gate, want 0 (the action fails the job after the upload):\n%s", code, log)
		}
		if !strings.Contains(log, `quality gate "org floor" failed`) {
			t.Errorf("the log does not name the failed gate:\n%s", log)
		}
		r.checkBuilt(t, "3", "false")
	})
	t.Run("the sync fails", func(t *testing.T) {
		r := newRunner(t)
		if code, log := r.run(t, config(0, "")); code != 0 {
			t.Fatalf("first run: steps.sh exited %d:\n%s", code, log)
		}
		before, err := os.Stat(filepath.Join(r.ws, "kpidesk.db"))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range []string{r.output, r.summary} {
			if err := os.WriteFile(f, nil, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		// A source whose token variable is not set: the sync fails.
		r.env = append(r.env, "KPIDESK_TEST_UNSET_TOKEN=")
		code, log := r.run(t, config(0, "  - {name: gh, type: github, repos: [o/r], token_env: KPIDESK_TEST_UNSET_TOKEN}\n"))
		if code == 0 {
			t.Fatalf("steps.sh exited 0 on a failed sync:\n%s", log)
		}
		after, err := os.Stat(filepath.Join(r.ws, "kpidesk.db"))
		if err != nil || after.Size() != before.Size() {
			t.Errorf("a failed sync left the store %v (%v), want it as it was for the action to save", after, err)
		}
		if got := r.outputs(t); got["status"] != "" {
			t.Errorf("a failed sync recorded a build status: %v", got)
		}
		if b, _ := os.ReadFile(r.summary); !strings.Contains(string(b), "kpidesk sync failed") {
			t.Errorf("the job summary does not say the sync failed:\n%s", b)
		}
	})
}

// The keys GitHub documents for an action's metadata file (action.yml),
// with the step keys of a composite action ("Metadata syntax for GitHub
// Actions").
var (
	actionKeys = []string{"name", "description", "author", "inputs", "outputs", "runs", "branding"}
	inputKeys  = []string{"description", "required", "default", "deprecationMessage"}
	outputKeys = []string{"description", "value"}
	runsKeys   = []string{"using", "steps"}
	stepKeys   = []string{"name", "id", "if", "run", "shell", "uses", "with", "env", "working-directory", "continue-on-error"}
)

// pinned is a uses: of another repository's action at a version tag or a
// commit SHA.
var pinned = regexp.MustCompile(`^[\w.-]+/[\w.-]+(/[\w./-]+)?@(v\d+(\.\d+){0,2}|[0-9a-f]{40})$`)

type actionFile struct {
	Name        string                       `yaml:"name"`
	Description string                       `yaml:"description"`
	Inputs      map[string]map[string]string `yaml:"inputs"`
	Outputs     map[string]map[string]string `yaml:"outputs"`
	Runs        struct {
		Using string           `yaml:"using"`
		Steps []map[string]any `yaml:"steps"`
	} `yaml:"runs"`
}

// TestActionMetadata checks action.yml against the keys GitHub documents,
// and that every run step names its shell, every uses is pinned, and every
// input, step and step output it refers to exists: the kpidesk step's
// outputs are those steps.sh and kpidesk build --outputs write.
func TestActionMetadata(t *testing.T) {
	b, err := os.ReadFile("../../action.yml")
	if err != nil {
		t.Fatal(err)
	}
	var raw map[string]any
	if err := yaml.Unmarshal(b, &raw); err != nil {
		t.Fatal(err)
	}
	onlyKeys(t, "action.yml", raw, actionKeys)
	var a actionFile
	if err := yaml.Unmarshal(b, &a); err != nil {
		t.Fatal(err)
	}
	if a.Name == "" || a.Description == "" {
		t.Error("action.yml: name and description are required")
	}
	for name, in := range a.Inputs {
		onlyKeys(t, "inputs."+name, in, inputKeys)
		if in["description"] == "" {
			t.Errorf("inputs.%s: no description", name)
		}
	}
	for name, out := range a.Outputs {
		onlyKeys(t, "outputs."+name, out, outputKeys)
		if out["description"] == "" || out["value"] == "" {
			t.Errorf("outputs.%s: a composite action's output needs a description and a value", name)
		}
	}
	onlyKeys(t, "runs", raw["runs"].(map[string]any), runsKeys)
	if a.Runs.Using != "composite" {
		t.Errorf("runs.using = %q, want composite", a.Runs.Using)
	}

	// What each step ID gives: the outputs a later step or the action's
	// outputs may read.
	stepOutputs := map[string][]string{}
	known := map[string][]string{ // of the actions used, the outputs read
		"actions/cache/restore":         {"cache-hit", "cache-primary-key", "cache-matched-key"},
		"actions/upload-pages-artifact": {"artifact_id"},
	}
	echoed := regexp.MustCompile(`echo "([a-z_-]+)=`)
	ref := regexp.MustCompile(`\b(inputs|steps)\.([A-Za-z0-9_-]+)(?:\.(outputs|outcome|conclusion)(?:\.([A-Za-z0-9_-]+))?)?`)
	expr := regexp.MustCompile(`\$\{\{(.*?)\}\}`)
	used := map[string]bool{}
	check := func(where, text string, defined map[string]bool) {
		for _, m := range ref.FindAllStringSubmatch(text, -1) {
			switch {
			case m[1] == "inputs":
				used[m[2]] = true
				if _, ok := a.Inputs[m[2]]; !ok {
					t.Errorf("%s: inputs.%s is not an input", where, m[2])
				}
			case !defined[m[2]]:
				t.Errorf("%s: steps.%s is not a step before it", where, m[2])
			case m[3] == "outputs" && !slices.Contains(stepOutputs[m[2]], m[4]):
				t.Errorf("%s: steps.%s.outputs.%s is not an output of that step (it has %v)", where, m[2], m[4], stepOutputs[m[2]])
			}
		}
	}
	defined := map[string]bool{}
	for i, st := range a.Runs.Steps {
		where := "runs.steps[" + strconv.Itoa(i) + "]"
		if n, ok := st["name"].(string); ok {
			where += " (" + n + ")"
		}
		onlyKeys(t, where, st, stepKeys)
		run, isRun := st["run"].(string)
		uses, isUses := st["uses"].(string)
		switch {
		case isRun == isUses:
			t.Errorf("%s: a step has either run or uses", where)
		case isRun && st["shell"] == nil:
			t.Errorf("%s: a run step of a composite action must name its shell", where)
		case isUses && (st["shell"] != nil || st["working-directory"] != nil):
			t.Errorf("%s: shell and working-directory are for run steps", where)
		case isUses && !pinned.MatchString(uses):
			t.Errorf("%s: uses %q is not pinned to a version tag or commit SHA", where, uses)
		case isRun && st["with"] != nil:
			t.Errorf("%s: with is for uses steps", where)
		}
		walkStrings(st, func(s string) {
			for _, m := range expr.FindAllStringSubmatch(s, -1) {
				check(where, m[1], defined)
			}
		})
		if cond, ok := st["if"].(string); ok && !strings.Contains(cond, "${{") {
			check(where, cond, defined) // an if is an expression without ${{ }}
		}
		id, _ := st["id"].(string)
		if id == "" {
			continue
		}
		defined[id] = true
		switch {
		case id == "kpidesk":
			stepOutputs[id] = kpideskOutputs(t)
		case isRun:
			for _, m := range echoed.FindAllStringSubmatch(run, -1) {
				stepOutputs[id] = append(stepOutputs[id], m[1])
			}
		case isUses:
			stepOutputs[id] = known[strings.Split(uses, "@")[0]]
		}
	}
	for name, out := range a.Outputs {
		for _, m := range expr.FindAllStringSubmatch(out["value"], -1) {
			check("outputs."+name, m[1], defined)
		}
	}
	for name := range a.Inputs {
		if !used[name] {
			t.Errorf("inputs.%s is never used", name)
		}
	}
}

// kpideskOutputs runs steps.sh once and returns the names it wrote to
// $GITHUB_OUTPUT.
func kpideskOutputs(t *testing.T) []string {
	t.Helper()
	r := newRunner(t)
	if code, log := r.run(t, config(0, "")); code != 0 {
		t.Fatalf("steps.sh exited %d:\n%s", code, log)
	}
	var names []string
	for name := range r.outputs(t) {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

// onlyKeys reports the keys of m that GitHub does not document where.
func onlyKeys[V any](t *testing.T, where string, m map[string]V, allowed []string) {
	t.Helper()
	for k := range m {
		if !slices.Contains(allowed, k) {
			t.Errorf("%s: key %q is not one GitHub documents (%s)", where, k, strings.Join(allowed, ", "))
		}
	}
}

// walkStrings calls fn with every string value in v.
func walkStrings(v any, fn func(string)) {
	switch v := v.(type) {
	case string:
		fn(v)
	case map[string]any:
		for _, x := range v {
			walkStrings(x, fn)
		}
	case []any:
		for _, x := range v {
			walkStrings(x, fn)
		}
	}
}

// TestPublishExample checks that examples/github/publish.yml gives the
// action only inputs it has, reads only outputs it sets, and pins every
// other action it uses.
func TestPublishExample(t *testing.T) {
	var a actionFile
	b, err := os.ReadFile("../../action.yml")
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(b, &a); err != nil {
		t.Fatal(err)
	}
	b, err = os.ReadFile("../../examples/github/publish.yml")
	if err != nil {
		t.Fatal(err)
	}
	var wf struct {
		Jobs map[string]struct {
			Outputs map[string]string `yaml:"outputs"`
			Steps   []struct {
				ID   string            `yaml:"id"`
				If   string            `yaml:"if"`
				Uses string            `yaml:"uses"`
				With map[string]string `yaml:"with"`
			} `yaml:"steps"`
		} `yaml:"jobs"`
	}
	if err := yaml.Unmarshal(b, &wf); err != nil {
		t.Fatal(err)
	}
	ref := regexp.MustCompile(`steps\.kpidesk\.outputs\.([A-Za-z0-9_-]+)`)
	var texts []string
	found := false
	for name, job := range wf.Jobs {
		for _, v := range job.Outputs {
			texts = append(texts, v)
		}
		for _, st := range job.Steps {
			texts = append(texts, st.If)
			repo, _, _ := strings.Cut(st.Uses, "@")
			switch {
			case repo == "kpidesk/kpidesk":
				found = true
				for k := range st.With {
					if _, ok := a.Inputs[k]; !ok {
						t.Errorf("jobs.%s: with.%s is not an input of action.yml", name, k)
					}
				}
			case st.Uses != "" && !pinned.MatchString(st.Uses):
				t.Errorf("jobs.%s: uses %q is not pinned to a version tag or commit SHA", name, st.Uses)
			}
		}
	}
	if !found {
		t.Fatal("examples/github/publish.yml does not use kpidesk/kpidesk")
	}
	for _, s := range texts {
		for _, m := range ref.FindAllStringSubmatch(s, -1) {
			if _, ok := a.Outputs[m[1]]; !ok {
				t.Errorf("examples/github/publish.yml reads steps.kpidesk.outputs.%s, which action.yml does not set", m[1])
			}
		}
	}
}
