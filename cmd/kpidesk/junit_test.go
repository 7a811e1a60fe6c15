package main

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kpidesk/kpidesk/config"
	"github.com/kpidesk/kpidesk/scoring"
)

// hostileGate is a gate name with markup, quotes and a CDATA end. Config
// and import refuse control characters; TestJUnitReport gives them to the
// report directly.
const hostileGate = "a<b & \"c\" 'd' ]]> </testsuite>"

// hostileAgent is an agent ID of the same kind, from the helpdesk.
const hostileAgent = "<ann & \"co\"> ]]>"

// junitStore imports a small store and writes a config whose gates, on
// 2026-03, pass (org), fail (team t1 at 50 %, and the hostile gate) and
// have insufficient data (team t2 and agent bob, one complaint each,
// min_sample 2). It returns the folder, the config and the store.
func junitStore(t *testing.T) (dir, cfg, db string) {
	t.Helper()
	dir = t.TempDir()
	annJSON, err := json.Marshal(hostileAgent)
	if err != nil {
		t.Fatal(err)
	}
	ann := string(annJSON)
	files := map[string]string{
		"kpidesk.yaml": `version: 1
calendar: c
calendars: {c: {timezone: UTC, always: true}}
teams: [{id: t1, calendar: c}, {id: t2, calendar: c}]
periods: [month]
metrics: {min_sample: 2}
scorecards:
  - {id: s, units: [agent, team, org], items: [{metric: response_rate, weight: 1, rule: {type: linear, target: 100%, floor: 0%}}]}
gates:
  - {name: org response, metric: response_rate, min: 60%}
  - {unit: teams, metric: response_rate, min: 90%}
  - {name: "a<b & \"c\" 'd' ]]> </testsuite>", unit: team:t1, metric: response_rate, max: 40%}
  - {unit: agents, metric: response_rate, min: 10%}
`,
		"c.jsonl": `{"id":"A-1","created_at":"2026-03-02T10:00:00Z","first_response_at":"2026-03-02T11:00:00Z","assignee":` + ann + `,"team":"t1"}
{"id":"A-2","created_at":"2026-03-02T10:00:00Z","first_response_at":"2026-03-03T11:00:00Z","assignee":` + ann + `,"team":"t1"}
{"id":"B-1","created_at":"2026-03-04T10:00:00Z","first_response_at":"2026-03-04T11:00:00Z","assignee":"bob","team":"t2"}
`,
	}
	cfg, db = importFiles(t, dir, files)
	return dir, cfg, db
}

// TestJUnitGates runs score and build with --junit on a store with
// passing, failing and insufficient gates: the exit status stays 3, the
// file is written anyway and is the JUnit XML of every gate and unit.
func TestJUnitGates(t *testing.T) {
	dir, cfg, db := junitStore(t)
	for _, args := range [][]string{
		{"score", "--out", filepath.Join(dir, "out"), "--junit", filepath.Join(dir, "reports", "gates.xml")},
		{"build", "--out", filepath.Join(dir, "site"), "--scores", filepath.Join(dir, "out2"), "--junit", filepath.Join(dir, "build-gates.xml")},
	} {
		t.Run(args[0], func(t *testing.T) {
			code, _, stderr := kpidesk(t, append(args, "--config", cfg, "--store", db, "-q")...)
			if code != exitGate {
				t.Fatalf("%s exited %d, want %d; stderr:\n%s", args[0], code, exitGate, stderr)
			}
			path := args[len(args)-1]
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("a failed gate left --junit unwritten: %v", err)
			}
			if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o644 {
				t.Errorf("%s: mode %v, %v; want 0644", path, fi.Mode(), err)
			}
			checkJUnitSchema(t, b)

			var got junitSuite
			if err := xml.Unmarshal(b, &got); err != nil {
				t.Fatalf("parse %s: %v\n%s", path, err, b)
			}
			if got.Name != "kpidesk gates" || got.Tests != 6 || got.Failures != 2 || got.Skipped != 2 || got.Errors != 0 {
				t.Errorf("testsuite %q tests=%d failures=%d skipped=%d errors=%d, want \"kpidesk gates\" 6, 2, 2, 0",
					got.Name, got.Tests, got.Failures, got.Skipped, got.Errors)
			}
			if diff := cmp.Diff([]junitProperty{{Name: "period", Value: "2026-03"}}, got.Properties); diff != "" {
				t.Errorf("properties (-want +got):\n%s", diff)
			}
			agentBack := "agent:" + hostileAgent + " response_rate"
			type tc struct{ Classname, Name, Failure, Skipped string }
			var cases []tc
			for _, c := range got.Cases {
				x := tc{Classname: c.Classname, Name: c.Name}
				if c.Failure != nil {
					x.Failure = c.Failure.Message
					if c.Failure.Type == "" {
						t.Errorf("%s: failure without a type", c.Name)
					}
					for _, want := range []string{c.Failure.Message, "period: 2026-03", "value: 0.5"} {
						if !strings.Contains(c.Failure.Text, want) {
							t.Errorf("%s: failure text lacks %q:\n%s", c.Name, want, c.Failure.Text)
						}
					}
				}
				if c.Skipped != nil {
					x.Skipped = c.Skipped.Message
				}
				cases = append(cases, x)
			}
			want := []tc{
				{Classname: "org response", Name: "org response_rate"},
				{Classname: "team", Name: "team:t1 response_rate", Failure: "team:t1 response_rate 2026-03: 50.0%, below min 90%"},
				{Classname: "team", Name: "team:t2 response_rate", Skipped: "team:t2 response_rate 2026-03: no value (insufficient data), not checked: a missing or insufficient value does not fail a gate"},
				{Classname: hostileGate, Name: "team:t1 response_rate", Failure: "team:t1 response_rate 2026-03: 50.0%, above max 40%"},
				{Classname: "agent", Name: agentBack},
				{Classname: "agent", Name: "agent:bob response_rate", Skipped: "agent:bob response_rate 2026-03: no value (insufficient data), not checked: a missing or insufficient value does not fail a gate"},
			}
			if diff := cmp.Diff(want, cases); diff != "" {
				t.Errorf("test cases (-want +got):\n%s", diff)
			}
			if bytes.Contains(b, []byte("a<b")) || bytes.Contains(b, []byte("<ann")) {
				t.Errorf("%s holds a name unescaped:\n%s", path, b)
			}
		})
	}
}

// TestJUnitPaths checks where --junit may write: an existing regular file
// is replaced, and nothing is scored or written when the path is a
// folder, a link, the config or the store, or lies in a folder kpidesk
// replaces whole.
func TestJUnitPaths(t *testing.T) {
	dir, cfg, db := junitStore(t)
	mk := func(rel, text string) string {
		t.Helper()
		p := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	old := mk("old.xml", "previous")
	if err := os.Symlink(old, filepath.Join(dir, "link.xml")); err != nil {
		t.Fatal(err)
	}
	mk("elsewhere/.kpidesk-scores", "")
	mk("olddir/keep.txt", "")

	for _, tc := range []struct {
		name   string
		args   []string // --out is out, --junit is given here
		code   int
		stderr string
	}{
		{name: "a folder", args: []string{"score", "--junit", filepath.Join(dir, "olddir")}, code: exitError, stderr: "is a folder"},
		{name: "a link", args: []string{"score", "--junit", filepath.Join(dir, "link.xml")}, code: exitError, stderr: "is not a regular file"},
		{name: "the config", args: []string{"score", "--junit", cfg}, code: exitError, stderr: "which kpidesk reads"},
		{name: "the store", args: []string{"score", "--junit", db}, code: exitError, stderr: "which kpidesk reads"},
		{name: "in the scores folder", args: []string{"score", "--junit", filepath.Join(dir, "out", "gates.xml")}, code: exitError, stderr: "lies inside the output folder"},
		{name: "the scores folder", args: []string{"score", "--junit", filepath.Join(dir, "out")}, code: exitError, stderr: "lies inside the output folder"},
		{name: "in the site folder", args: []string{"build", "--scores", filepath.Join(dir, "out"), "--junit", filepath.Join(dir, "site", "r", "gates.xml")}, code: exitError, stderr: "lies inside the output folder"},
		{name: "in a marked scores folder", args: []string{"score", "--junit", filepath.Join(dir, "elsewhere", "sub", "gates.xml")}, code: exitError, stderr: "a scores folder kpidesk replaces whole"},
		// Last: it replaces old.xml, which the refusals above leave alone.
		{name: "replace a regular file", args: []string{"score", "--junit", old}, code: exitGate},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(dir, "out")
			os.RemoveAll(out)
			os.RemoveAll(filepath.Join(dir, "site"))
			args := append([]string{}, tc.args...)
			if args[0] == "build" {
				args = append(args, "--out", filepath.Join(dir, "site"))
			} else {
				args = append(args, "--out", out)
			}
			cfgBefore, _ := os.ReadFile(cfg)
			code, _, stderr := kpidesk(t, append(args, "--config", cfg, "--store", db, "-q")...)
			if code != tc.code || !strings.Contains(stderr, tc.stderr) {
				t.Fatalf("exited %d, stderr %q; want %d and %q", code, stderr, tc.code, tc.stderr)
			}
			if tc.code == exitError {
				if _, err := os.Stat(out); !errors.Is(err, os.ErrNotExist) {
					t.Errorf("a refused --junit still wrote the scores folder (%v)", err)
				}
				if b, _ := os.ReadFile(cfg); !bytes.Equal(b, cfgBefore) {
					t.Errorf("the config changed")
				}
				if b, _ := os.ReadFile(old); string(b) != "previous" {
					t.Errorf("old.xml changed to %q", b)
				}
				return
			}
			b, err := os.ReadFile(old)
			if err != nil || !bytes.HasPrefix(b, []byte(xml.Header)) {
				t.Errorf("old.xml was not replaced by the report: %q, %v", b, err)
			}
		})
	}
}

// TestJUnitAtomic makes writing the report fail as on a full disk: the
// previous report stays whole and no temporary file is left.
func TestJUnitAtomic(t *testing.T) {
	dir, cfg, db := junitStore(t)
	path := filepath.Join(dir, "gates.xml")
	if err := os.WriteFile(path, []byte("previous"), 0o644); err != nil {
		t.Fatal(err)
	}
	failWrite = "gates.xml"
	t.Cleanup(func() { failWrite = "" })
	code, _, stderr := kpidesk(t, "score", "--out", filepath.Join(dir, "out"), "--junit", path, "--config", cfg, "--store", db, "-q")
	if code != exitError || !strings.Contains(stderr, "write "+path) {
		t.Fatalf("exited %d, stderr %q; want %d and the write error", code, stderr, exitError)
	}
	if b, _ := os.ReadFile(path); string(b) != "previous" {
		t.Errorf("gates.xml = %q after a failed write, want the previous report", b)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".gates.xml") {
			t.Errorf("temporary file %s left behind", e.Name())
		}
	}
}

// TestJUnitReport checks the report of gate results directly, hostile
// names and invalid UTF-8 included, and a config without gates: always a
// well-formed document that the schema check accepts.
func TestJUnitReport(t *testing.T) {
	v := func(f float64) *float64 { return &f }
	hostile := "x\"'<>&]]>\x00\x1b\xff\t\n end"
	for _, tc := range []struct {
		name  string
		gates []scoring.GateResult
		tests int
	}{
		{name: "no gates"},
		{name: "hostile", tests: 3, gates: []scoring.GateResult{
			{Gate: config.Gate{Name: hostile, Metric: "final"}, Name: hostile, Unit: scoring.Unit{Kind: "agent", ID: hostile},
				Period: "2026-06", Value: v(12), Result: scoring.GateFail, Bound: "min " + hostile},
			{Gate: config.Gate{Metric: hostile}, Name: hostile, Unit: scoring.Unit{Kind: hostile, ID: hostile},
				Period: hostile, Result: scoring.GateNoData},
			{Gate: config.Gate{Metric: "final"}, Name: "org final", Unit: scoring.Unit{Kind: "org", ID: "org"},
				Period: "2026-06", Value: v(80), Result: scoring.GatePass},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := encodeJUnit(&b, junitReport(tc.gates, "2026-06", nil)); err != nil {
				t.Fatal(err)
			}
			checkJUnitSchema(t, b.Bytes())
			var got junitSuite
			if err := xml.Unmarshal(b.Bytes(), &got); err != nil {
				t.Fatalf("parse: %v\n%s", err, b.String())
			}
			if got.Tests != tc.tests || len(got.Cases) != tc.tests {
				t.Errorf("tests=%d with %d cases, want %d", got.Tests, len(got.Cases), tc.tests)
			}
			if tc.tests > 0 && !strings.Contains(got.Cases[0].Name, "x\"'<>&]]>") {
				t.Errorf("name %q lost its markup characters", got.Cases[0].Name)
			}
		})
	}
}

// checkJUnitSchema checks a report against the structure of the common
// JUnit schema as CI servers read it (Jenkins' junit-4.xsd and the Ant
// schema): no XSD validator is at hand in Go, so the rules are written
// here. The root is a testsuite with name, tests, failures, errors,
// skipped and time; its children are properties, testcase, system-out and
// system-err; a property has name and value; a testcase has name and
// classname, and at most one of failure, error and skipped, besides
// system-out and system-err; a failure or error has message and type.
// The counts must match the cases. Decoding also checks that the document
// is well-formed XML (xml.Decoder is strict: a control character or a
// stray < fails it).
func checkJUnitSchema(t *testing.T, doc []byte) {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(doc))
	var stack []string
	counts := map[string]int{}
	var suite map[string]string
	outcomes := 0 // failure, error or skipped in the current testcase
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v\n%s", err, doc)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			name := tok.Name.Local
			attrs := map[string]string{}
			for _, a := range tok.Attr {
				attrs[a.Name.Local] = a.Value
			}
			parent := ""
			if len(stack) > 0 {
				parent = stack[len(stack)-1]
			}
			allowed := map[string][]string{
				"":           {"testsuite"},
				"testsuite":  {"properties", "testcase", "system-out", "system-err"},
				"properties": {"property"},
				"testcase":   {"failure", "error", "skipped", "system-out", "system-err"},
			}
			if !slices.Contains(allowed[parent], name) {
				t.Errorf("<%s> inside <%s>: the schema allows only %v", name, parent, allowed[parent])
			}
			required := map[string][]string{
				"testsuite": {"name", "tests", "failures", "errors", "skipped", "time"},
				"property":  {"name", "value"},
				"testcase":  {"name", "classname"},
				"failure":   {"message", "type"},
				"error":     {"message", "type"},
			}
			for _, a := range required[name] {
				if _, ok := attrs[a]; !ok {
					t.Errorf("<%s> lacks the required attribute %s", name, a)
				}
			}
			switch name {
			case "testsuite":
				suite = attrs
				if attrs["name"] == "" {
					t.Errorf("<testsuite> has an empty name")
				}
				for _, a := range []string{"tests", "failures", "errors", "skipped"} {
					if n, err := strconv.Atoi(attrs[a]); err != nil || n < 0 {
						t.Errorf("<testsuite %s=%q>: want a count", a, attrs[a])
					}
				}
				if _, err := strconv.ParseFloat(attrs["time"], 64); err != nil {
					t.Errorf("<testsuite time=%q>: want seconds", attrs["time"])
				}
			case "testcase":
				counts["tests"]++
				outcomes = 0
				if attrs["time"] != "" {
					if _, err := strconv.ParseFloat(attrs["time"], 64); err != nil {
						t.Errorf("<testcase time=%q>: want seconds", attrs["time"])
					}
				}
			case "failure", "error", "skipped":
				counts[map[string]string{"failure": "failures", "error": "errors", "skipped": "skipped"}[name]]++
				if outcomes++; outcomes > 1 {
					t.Errorf("a testcase with more than one of failure, error, skipped")
				}
			}
			stack = append(stack, name)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		}
	}
	if suite == nil {
		t.Fatalf("no <testsuite>:\n%s", doc)
	}
	for _, a := range []string{"tests", "failures", "errors", "skipped"} {
		if suite[a] != strconv.Itoa(counts[a]) {
			t.Errorf("<testsuite %s=%q>, but the document holds %d", a, suite[a], counts[a])
		}
	}
}

// importFiles writes files (kpidesk.yaml, c.jsonl and any other the config
// reads) into dir and imports c.jsonl into the store s.db there; it
// returns the config's and the store's paths.
func importFiles(t *testing.T, dir string, files map[string]string) (cfg, db string) {
	t.Helper()
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cfg, db = filepath.Join(dir, "kpidesk.yaml"), filepath.Join(dir, "s.db")
	if code, _, stderr := kpidesk(t, "import", filepath.Join(dir, "c.jsonl"), "--store", db, "--config", cfg, "-q"); code != exitOK {
		t.Fatalf("import exited %d: %s", code, stderr)
	}
	return cfg, db
}
