package docs_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/kpidesk/kpidesk/config"
	"github.com/kpidesk/kpidesk/connectors"
	"github.com/kpidesk/kpidesk/connectors/demo"
	"github.com/kpidesk/kpidesk/scoring"
	"github.com/kpidesk/kpidesk/scoring/appeals"
	"github.com/kpidesk/kpidesk/scoring/inputs"
)

// The schemas of scores.json and evidence.jsonl (issue 16 §3) are a
// contract with the analysts and tools that read kpidesk's outputs. These
// tests hold the two to each other three ways:
//
//   - TestSchemasDescribeGoTypes compares every struct that encoding/json
//     writes into the files with the schema's object for it: the same keys,
//     required exactly when the field has no omitempty, nullable when it is
//     a pointer written as null. A field added to scoring.Scorecard (or any
//     other output type) fails it until the schema says so, whether or not
//     a run fills the field.
//   - TestDemoOutputsMatchSchema and TestFullOutputsMatchSchema score the
//     demo as kpidesk demo does, and a run with every optional part, write
//     the files as kpidesk score does and validate every object in them.
//   - TestSchemaRejects makes sure the schemas can fail.

// schemaFiles are the schemas, by the output they describe.
const (
	scoresSchema   = "scores.schema.json"
	evidenceSchema = "evidence.schema.json"
)

// compile compiles one schema of this folder, asserting formats
// (date-time) as well as the rest.
func compile(t *testing.T, name string) *jsonschema.Schema {
	t.Helper()
	doc := readSchema(t, name)
	id, _ := doc["$id"].(string)
	if id == "" {
		t.Fatalf("%s has no $id", name)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource(id, doc); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	sch, err := c.Compile(id)
	if err != nil {
		t.Fatalf("%s does not compile: %v", name, err)
	}
	return sch
}

// readSchema reads a schema as jsonschema reads documents.
func readSchema(t *testing.T, name string) map[string]any {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	v, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	doc, ok := v.(map[string]any)
	if !ok {
		t.Fatalf("%s is not a JSON object", name)
	}
	return doc
}

// outputs are the files of one scoring run, as kpidesk score writes them.
type outputs struct {
	scores   []byte // scores.json
	evidence []byte // evidence.jsonl
	s        *scoring.Scores
}

// demoComplaints generates the demo's contacts.
func demoComplaints(t *testing.T, seed uint64, size int) ([]connectors.Complaint, time.Time) {
	t.Helper()
	src := demo.New(demo.Options{Seed: seed, Size: size})
	var cs []connectors.Complaint
	err := src.Fetch(context.Background(), "", func(b connectors.Batch) error {
		cs = append(cs, b.Complaints...)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return cs, src.AsOf()
}

// score scores cs as kpidesk demo and kpidesk score do: the config
// yaml (with the demo's inputs.csv and appeals.yaml beside it, as kpidesk
// demo writes them), its inputs and appeals, the demo's agent names, and
// evidence.jsonl streamed by the engine's own encoder; ids is --ids.
func score(t *testing.T, cs []connectors.Complaint, asOf time.Time, seed uint64, yaml []byte, ids bool) outputs {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	each := func(fn func(*connectors.Complaint) error) error {
		for i := range cs {
			if err := fn(&cs[i]); err != nil {
				return err
			}
		}
		return nil
	}
	counts, err := demo.CountComplaints(each)
	if err != nil {
		t.Fatal(err)
	}
	var in, ap bytes.Buffer
	if err := demo.WriteInputs(&in, seed, counts); err != nil {
		t.Fatal(err)
	}
	if err := demo.WriteAppeals(&ap, each); err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{demo.InputsFile: in.Bytes(), demo.AppealsFile: ap.Bytes(), "kpidesk.yaml": yaml}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cfg, err := config.LoadWith(filepath.Join(dir, "kpidesk.yaml"), scoring.MetricCatalog())
	if err != nil {
		t.Fatal(err)
	}
	eng, ps := scoring.Compile(cfg)
	if len(ps) > 0 {
		t.Fatal(ps)
	}
	opt := scoring.Options{Config: cfg, Engine: eng, AsOf: asOf, Names: demo.AgentNames(), IDs: ids}
	if len(cfg.Inputs.Files) > 0 {
		if opt.Inputs, err = inputs.Load(cfg.Inputs.Files...); err != nil {
			t.Fatal(err)
		}
	}
	if cfg.Appeals != "" {
		if opt.Appeals, err = appeals.Load(cfg.Appeals); err != nil {
			t.Fatal(err)
		}
	}
	var ev bytes.Buffer
	opt.EvidenceOut = &ev
	s, err := scoring.Score(ctx, cs, opt)
	if err != nil {
		t.Fatal(err)
	}
	var js bytes.Buffer
	if err := scoring.WriteJSON(&js, s); err != nil {
		t.Fatal(err)
	}
	return outputs{scores: js.Bytes(), evidence: ev.Bytes(), s: s}
}

// head returns the first n lines of s, and how many more there were.
func head(s string, n int) string {
	lines := strings.Split(s, "\n")
	if len(lines) <= n {
		return s
	}
	return strings.Join(lines[:n], "\n") + fmt.Sprintf("\n… %d more lines", len(lines)-n)
}

// validate validates scores.json and every line of evidence.jsonl and
// returns the decoded lines.
func validate(t *testing.T, out outputs) []map[string]any {
	t.Helper()
	scores, evidence := compile(t, scoresSchema), compile(t, evidenceSchema)
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(out.scores))
	if err != nil {
		t.Fatal(err)
	}
	if err := scores.Validate(v); err != nil {
		t.Errorf("scores.json does not match %s:\n%s", scoresSchema, head(err.Error(), 20))
	}
	var lines []map[string]any
	sc := bufio.NewScanner(bytes.NewReader(out.evidence))
	sc.Buffer(nil, 1<<20)
	bad := 0
	for n := 1; sc.Scan(); n++ {
		v, err := jsonschema.UnmarshalJSON(bytes.NewReader(sc.Bytes()))
		if err != nil {
			t.Fatalf("evidence.jsonl:%d: %v", n, err)
		}
		if err := evidence.Validate(v); err != nil && bad < 3 {
			bad++
			t.Errorf("evidence.jsonl:%d does not match %s:\n%v\n%s", n, evidenceSchema, err, sc.Bytes())
		}
		lines = append(lines, v.(map[string]any))
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(lines) == 0 {
		t.Fatal("evidence.jsonl is empty")
	}
	return lines
}

// TestDemoOutputsMatchSchema validates what a user of kpidesk demo gets:
// the demo scored with the built-in config, its inputs and its appeals.
func TestDemoOutputsMatchSchema(t *testing.T) {
	if testing.Short() {
		t.Skip("scores the demo")
	}
	cs, asOf := demoComplaints(t, 1, 4000)
	out := score(t, cs, asOf, 1, demo.Config(config.DefaultYAML()), false)
	lines := validate(t, out)
	if len(lines) != len(cs) {
		t.Errorf("evidence.jsonl has %d lines, want one per contact: %d", len(lines), len(cs))
	}
	applied := false
	for _, sc := range out.s.Scorecards {
		applied = applied || len(sc.Appeals) > 0
	}
	if !applied {
		t.Error("no scorecard applied an appeal: the demo's appeals.yaml was not read?")
	}
}

// fullConfig is the demo's config with every optional part of the outputs
// switched on: response_rate takes the source's SLA verdict and
// resolution_sla_rate reconciles on the calendar; a scorecard of AHP
// weights and one of entropy weights; min_sample 1, so that most agents
// are eligible for the star and leads within noise are shared.
func fullConfig(t *testing.T) []byte {
	t.Helper()
	y := string(demo.Config(config.DefaultYAML()))
	edits := []struct{ old, new string }{
		{"  min_sample: 5\n", "  min_sample: 1\n"},
		{"  response_rate:\n    deadlines:", "  response_rate:\n    sla: source\n    deadlines:"},
		{"\nsite:\n", `
  - id: ahp_view
    name: AHP view
    units: [team, agent]
    weights:
      method: ahp
      matrix:
        - [1, 3, 5]
        - ["1/3", 1, 2]
        - ["1/5", "1/2", 1]
    items:
      - {metric: response_rate, weight: 0, rule: {type: linear, target: 95%, floor: 70%}}
      - {metric: first_response_time, weight: 0, rule: {type: linear, direction: lower, target: 2h, floor: 24h}}
      - {metric: backlog, weight: 0, rule: {type: deduction, points: 5}}
  - id: entropy_view
    name: Entropy view
    units: [team]
    weights: {method: entropy}
    items:
      - {metric: resolution_rate, weight: 0, rule: {type: linear, target: 95%, floor: 50%}}
      - {metric: reopen_rate, weight: 0, rule: {type: linear, direction: lower, target: 2%, floor: 20%}}
      - {metric: csat, weight: 0, rule: {type: linear, target: 90, floor: 60}}

site:
`},
	}
	for _, e := range edits {
		if !strings.Contains(y, e.old) {
			t.Fatalf("the built-in config has no %q any more: update fullConfig", e.old)
		}
		y = strings.Replace(y, e.old, e.new, 1)
	}
	return []byte(y)
}

// withSLA gives complaints the SLA records Jira Service Management keeps:
// every third a "Time to first response" of 24 h (wall clock, as
// kpidesk's response_rate judges chat within 60 s, so they disagree),
// every fourth a "Time to resolution" of 3 days, breached when over.
func withSLA(cs []connectors.Complaint, asOf time.Time) {
	rec := func(name string, goal time.Duration, from, to time.Time) connectors.SLA {
		if to.IsZero() || to.After(asOf) {
			to = asOf
		}
		elapsed := to.Sub(from)
		return connectors.SLA{Name: name, Goal: int64(goal / time.Second), Elapsed: int64(elapsed / time.Second), Breached: elapsed > goal, Cycles: 1}
	}
	for i := range cs {
		c := &cs[i]
		if i%3 == 0 {
			c.SLA = append(c.SLA, rec("Time to first response", 24*time.Hour, c.CreatedAt, c.FirstResponseAt))
		}
		if i%4 == 0 {
			c.SLA = append(c.SLA, rec("Time to resolution", 72*time.Hour, c.CreatedAt, c.ResolvedAt))
		}
	}
}

// TestFullOutputsMatchSchema validates a run that writes every optional
// part: --ids lists, sla_reconciliation in both modes, AHP and entropy
// figures, stars with ties, and checks that it did.
func TestFullOutputsMatchSchema(t *testing.T) {
	if testing.Short() {
		t.Skip("scores the demo")
	}
	cs, asOf := demoComplaints(t, 3, 3000)
	withSLA(cs, asOf)
	out := score(t, cs, asOf, 3, fullConfig(t), true)
	lines := validate(t, out)

	got := present(out.s, lines)
	var missing []string
	for _, want := range optionalParts {
		if !got[want] {
			missing = append(missing, want)
		}
	}
	if len(missing) > 0 {
		t.Errorf("the run wrote none of %s: the test no longer covers these parts of the schemas", strings.Join(missing, ", "))
	}
}

// optionalParts are the parts of the outputs that only some runs write,
// which TestFullOutputsMatchSchema must see so that the schemas' optional
// properties are validated against real output.
var optionalParts = []string{
	"sla_reconciliation(source)", "sla_reconciliation(calendar)",
	"mix.buckets", "mix.durations", "periods.partial",
	"scorecards.borderline", "scorecards.borderline_metrics", "scorecards.partial", "scorecards.secondary",
	"scorecards.version", "scorecards.appeals", "scorecards.status(no_data)",
	"metrics.extra", "metrics.ids", "metrics.numerator_ids", "metrics.interval", "metrics.mean_interval",
	"metrics.median", "metrics.p90", "metrics.median_interval", "metrics.p90_interval",
	"metrics.value(null)", "metrics.points(null)",
	"metrics.status(insufficient)", "metrics.status(not_applicable)",
	"weights.method(fixed)", "weights.method(expert)", "weights.method(ahp)", "weights.method(entropy)", "weights.method(combined)",
	"weights.ahp", "weights.entropy", "weights.note",
	"stars", "stars.tied",
	"evidence.agent", "evidence.department", "evidence.team", "evidence.key", "evidence.title", "evidence.url",
	"evidence.periods.resolved", "evidence.periods.snapshot",
	"evidence.outcome(string)", "evidence.outcome(number)", "evidence.outcome(object)",
}

// present lists the optional parts that s and the evidence lines have.
func present(s *scoring.Scores, lines []map[string]any) map[string]bool {
	got := map[string]bool{}
	for _, r := range s.SLAReconciliation {
		got["sla_reconciliation("+r.Verdict+")"] = true
	}
	got["mix.buckets"] = s.Mix.Buckets != nil
	got["mix.durations"] = s.Mix.Durations != nil
	for _, p := range s.Periods {
		got["periods.partial"] = got["periods.partial"] || p.Partial
	}
	for _, sc := range s.Scorecards {
		set := func(k string, ok bool) { got[k] = got[k] || ok }
		set("scorecards.borderline", sc.Borderline)
		set("scorecards.borderline_metrics", len(sc.BorderlineMetrics) > 0)
		set("scorecards.partial", sc.Partial)
		set("scorecards.secondary", sc.Secondary)
		set("scorecards.version", sc.Version != "")
		set("scorecards.appeals", len(sc.Appeals) > 0)
		set("scorecards.status("+sc.Status+")", true)
		for _, m := range sc.Metrics {
			set("metrics.extra", len(m.Extra) > 0)
			set("metrics.ids", len(m.IDs) > 0)
			set("metrics.numerator_ids", len(m.NumeratorIDs) > 0)
			set("metrics.interval", m.Interval != nil)
			set("metrics.mean_interval", m.MeanInterval != nil)
			set("metrics.median", m.Median != nil)
			set("metrics.p90", m.P90 != nil)
			set("metrics.median_interval", m.MedianInterval != nil)
			set("metrics.p90_interval", m.P90Interval != nil)
			set("metrics.value(null)", m.Value == nil)
			set("metrics.points(null)", m.Points == nil)
			set("metrics.status("+m.Status+")", true)
		}
	}
	for _, w := range s.Weights {
		got["weights.method("+w.Method+")"] = true
		got["weights.ahp"] = got["weights.ahp"] || w.AHP != nil
		got["weights.entropy"] = got["weights.entropy"] || w.Entropy != nil
		got["weights.note"] = got["weights.note"] || w.Note != ""
	}
	got["stars"] = len(s.Stars) > 0
	for _, st := range s.Stars {
		got["stars.tied"] = got["stars.tied"] || len(st.Tied) > 0
	}
	for _, l := range lines {
		for _, k := range []string{"agent", "department", "team", "key", "title", "url"} {
			if _, ok := l[k]; ok {
				got["evidence."+k] = true
			}
		}
		periods, _ := l["periods"].(map[string]any)
		for k := range periods {
			got["evidence.periods."+k] = true
		}
		outcomes, _ := l["outcomes"].(map[string]any)
		for _, o := range outcomes {
			switch o.(type) {
			case string:
				got["evidence.outcome(string)"] = true
			case json.Number:
				got["evidence.outcome(number)"] = true
			case map[string]any:
				got["evidence.outcome(object)"] = true
			}
		}
	}
	return got
}

// TestSchemaRejects makes sure the schemas can fail: each case breaks
// valid output one way, as a change of shape without a schema change
// would.
func TestSchemaRejects(t *testing.T) {
	scores, evidence := compile(t, scoresSchema), compile(t, evidenceSchema)
	// A small valid scores.json and evidence line, from a real run.
	cs, asOf := demoComplaints(t, 2, 600)
	out := score(t, cs, asOf, 2, demo.Config(config.DefaultYAML()), false)
	line, _, _ := bytes.Cut(out.evidence, []byte("\n"))
	// Each case validates a copy of scores.json; a few scorecards are
	// enough, and keep it quick.
	var small map[string]any
	dec := json.NewDecoder(bytes.NewReader(out.scores))
	dec.UseNumber()
	if err := dec.Decode(&small); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"scorecards", "weights", "stars"} {
		if l := small[k].([]any); len(l) > 40 {
			small[k] = l[:40]
		}
	}
	shortScores, err := json.Marshal(small)
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name   string
		schema *jsonschema.Schema
		doc    []byte
		edit   func(doc map[string]any)
	}{
		{"unknown field in a scorecard", scores, shortScores, func(d map[string]any) { scorecard(d)["rank"] = 1 }},
		{"unknown field at the top", scores, shortScores, func(d map[string]any) { d["generated_by"] = "kpidesk" }},
		{"unknown field in a metric", scores, shortScores, func(d map[string]any) { metric(d)["mean"] = 1.5 }},
		{"unknown field in a unit", scores, shortScores, func(d map[string]any) { scorecard(d)["unit"].(map[string]any)["email"] = "x@example.com" }},
		{"missing grade", scores, shortScores, func(d map[string]any) { delete(scorecard(d), "grade") }},
		{"missing final", scores, shortScores, func(d map[string]any) { delete(scorecard(d), "final") }},
		{"missing schema tag", scores, shortScores, func(d map[string]any) { delete(d, "schema") }},
		{"another schema tag", scores, shortScores, func(d map[string]any) { d["schema"] = "kpidesk.scores/v2" }},
		{"unknown scorecard status", scores, shortScores, func(d map[string]any) { scorecard(d)["status"] = "great" }},
		{"unknown metric status", scores, shortScores, func(d map[string]any) { metric(d)["status"] = "fine" }},
		{"unknown unit kind", scores, shortScores, func(d map[string]any) { scorecard(d)["unit"].(map[string]any)["kind"] = "company" }},
		{"unknown weight method", scores, shortScores, func(d map[string]any) { first(d, "weights")["method"] = "vibes" }},
		{"period kind and ID disagree", scores, shortScores, func(d map[string]any) { first(d, "periods")["id"] = "2025-Q4" }},
		{"bad period ID", scores, shortScores, func(d map[string]any) { scorecard(d)["period"] = "2025-13" }},
		{"time without zone", scores, shortScores, func(d map[string]any) { d["as_of"] = "2026-07-01T00:00:00" }},
		{"points above 100", scores, shortScores, func(d map[string]any) { metric(d)["points"] = 101 }},
		{"value as text", scores, shortScores, func(d map[string]any) { metric(d)["value"] = "0.9" }},
		{"count not an integer", scores, shortScores, func(d map[string]any) { d["mix"].(map[string]any)["created"] = map[string]any{"2025-01": 1.5} }},
		{"graded no_data", scores, shortScores, func(d map[string]any) { sc := scorecard(d); sc["status"], sc["final"] = "no_data", 80 }},
		{"unknown field in evidence", evidence, line, func(d map[string]any) { d["customer"] = "c-1" }},
		{"missing outcomes", evidence, line, func(d map[string]any) { delete(d, "outcomes") }},
		{"unknown outcome", evidence, line, func(d map[string]any) { outcome(d, "maybe") }},
		{"unknown outcome with a reason", evidence, line, func(d map[string]any) { outcome(d, map[string]any{"skipped": "why"}) }},
		{"outcome with two results", evidence, line, func(d map[string]any) { outcome(d, map[string]any{"hit": "a", "miss": "b"}) }},
		{"unknown cohort", evidence, line, func(d map[string]any) { d["periods"].(map[string]any)["closed"] = "2025-10" }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var doc map[string]any
			dec := json.NewDecoder(bytes.NewReader(tc.doc))
			dec.UseNumber()
			if err := dec.Decode(&doc); err != nil {
				t.Fatal(err)
			}
			if err := tc.schema.Validate(doc); err != nil {
				t.Fatalf("the output before the edit does not validate: %v", err)
			}
			tc.edit(doc)
			if err := tc.schema.Validate(doc); err == nil {
				t.Error("Validate accepted the edited output, want an error")
			}
		})
	}
}

// first returns the first element of the top-level array key.
func first(d map[string]any, key string) map[string]any {
	return d[key].([]any)[0].(map[string]any)
}

// scorecard returns the first graded scorecard.
func scorecard(d map[string]any) map[string]any {
	for _, sc := range d["scorecards"].([]any) {
		if sc := sc.(map[string]any); sc["status"] == "ok" {
			return sc
		}
	}
	panic("no graded scorecard")
}

// metric returns a metric of the first graded scorecard that has points.
func metric(d map[string]any) map[string]any {
	ms := scorecard(d)["metrics"].(map[string]any)
	ids := make([]string, 0, len(ms))
	for id := range ms {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		if m := ms[id].(map[string]any); m["points"] != nil {
			return m
		}
	}
	panic("no metric with points")
}

// outcome sets the line's first outcome to o.
func outcome(d map[string]any, o any) {
	outs := d["outcomes"].(map[string]any)
	ids := make([]string, 0, len(outs))
	for id := range outs {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	outs[ids[0]] = o
}

// schemaObjects maps each struct type encoding/json writes into scores.json
// or evidence.jsonl to its object in the schemas: "" is the schema's root,
// else a name under $defs. A new output type must be added here and to
// the schema.
var schemaObjects = map[reflect.Type]struct{ file, def string }{
	reflect.TypeFor[scoring.Scores]():            {scoresSchema, ""},
	reflect.TypeFor[scoring.Mix]():               {scoresSchema, "mix"},
	reflect.TypeFor[scoring.Period]():            {scoresSchema, "period"},
	reflect.TypeFor[scoring.Scorecard]():         {scoresSchema, "scorecard"},
	reflect.TypeFor[scoring.MetricResult]():      {scoresSchema, "metricResult"},
	reflect.TypeFor[scoring.Unit]():              {scoresSchema, "unit"},
	reflect.TypeFor[scoring.Star]():              {scoresSchema, "star"},
	reflect.TypeFor[scoring.WeightsInForce]():    {scoresSchema, "weightsInForce"},
	reflect.TypeFor[scoring.AHPFigures]():        {scoresSchema, "ahpFigures"},
	reflect.TypeFor[scoring.EntropyFigures]():    {scoresSchema, "entropyFigures"},
	reflect.TypeFor[scoring.SLAReconciliation](): {scoresSchema, "slaReconciliation"},
	reflect.TypeFor[scoring.SLACounts]():         {scoresSchema, "slaCounts"},
	reflect.TypeFor[scoring.Evidence]():          {evidenceSchema, ""},
}

// TestSchemasDescribeGoTypes holds every output struct to its schema
// object: the same JSON keys, required exactly when always written (no
// omitempty or omitzero), a pointer written as null allowed to be null,
// and no other key allowed (additionalProperties false).
func TestSchemasDescribeGoTypes(t *testing.T) {
	docs := map[string]map[string]any{scoresSchema: plainSchema(t, scoresSchema), evidenceSchema: plainSchema(t, evidenceSchema)}
	marshaler := reflect.TypeFor[json.Marshaler]()
	seen := map[reflect.Type]bool{}
	var walk func(typ reflect.Type, from string)
	walk = func(typ reflect.Type, from string) {
		for typ.Kind() == reflect.Pointer || typ.Kind() == reflect.Slice || typ.Kind() == reflect.Array || typ.Kind() == reflect.Map {
			typ = typ.Elem()
		}
		if typ.Kind() != reflect.Struct || seen[typ] || typ.Implements(marshaler) || reflect.PointerTo(typ).Implements(marshaler) {
			return
		}
		seen[typ] = true
		where, ok := schemaObjects[typ]
		if !ok {
			t.Errorf("%s (in %s) is written to the outputs but has no object in the schemas: describe it and add it to schemaObjects", typ, from)
			return
		}
		obj := docs[where.file]
		name := where.file
		if where.def != "" {
			obj, _ = obj["$defs"].(map[string]any)[where.def].(map[string]any)
			name += "#/$defs/" + where.def
		}
		if obj == nil {
			t.Errorf("%s has no object for %s", name, typ)
			return
		}
		if obj["additionalProperties"] != false {
			t.Errorf("%s (%s): additionalProperties is not false, so an unknown key would pass", name, typ)
		}
		props, _ := obj["properties"].(map[string]any)
		var keys, required []string
		for i := range typ.NumField() {
			f := typ.Field(i)
			tag := f.Tag.Get("json")
			if !f.IsExported() || tag == "-" {
				continue
			}
			key, opts, _ := strings.Cut(tag, ",")
			if key == "" {
				key = f.Name
			}
			keys = append(keys, key)
			optional := strings.Contains(","+opts+",", ",omitempty,") || strings.Contains(","+opts+",", ",omitzero,")
			if !optional {
				required = append(required, key)
			}
			if p, ok := props[key].(map[string]any); ok && f.Type.Kind() == reflect.Pointer && !optional && !allowsNull(p) {
				t.Errorf("%s: %q is a pointer written as null when unset (%s.%s), but its schema does not allow null", name, key, typ, f.Name)
			}
			walk(f.Type, typ.String()+"."+f.Name)
		}
		var schemaKeys []string
		for k := range props {
			schemaKeys = append(schemaKeys, k)
		}
		schemaRequired := asList(obj["required"])
		for _, l := range [][]string{keys, required, schemaKeys, schemaRequired} {
			slices.Sort(l)
		}
		if diff := cmp.Diff(keys, schemaKeys); diff != "" {
			t.Errorf("%s (%s): properties differ from the JSON keys of the Go type (-Go +schema):\n%s", name, typ, diff)
		}
		if diff := cmp.Diff(required, schemaRequired); diff != "" {
			t.Errorf("%s (%s): required differs from the keys always written (no omitempty) (-Go +schema):\n%s", name, typ, diff)
		}
	}
	walk(reflect.TypeFor[scoring.Scores](), "scores.json")
	walk(reflect.TypeFor[scoring.Evidence](), "evidence.jsonl")
	for typ := range schemaObjects {
		if !seen[typ] {
			t.Errorf("schemaObjects maps %s, which the outputs no longer contain", typ)
		}
	}
}

// plainSchema reads a schema with encoding/json.
func plainSchema(t *testing.T, name string) map[string]any {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return doc
}

// allowsNull reports whether a property's schema says its type may be null.
func allowsNull(p map[string]any) bool {
	switch typ := p["type"].(type) {
	case string:
		return typ == "null"
	case []any:
		return slices.Contains(typ, any("null"))
	}
	return false
}

func asList(v any) []string {
	var out []string
	l, _ := v.([]any)
	for _, x := range l {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}
