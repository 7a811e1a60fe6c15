package extension_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kpidesk/kpidesk/config"
	"github.com/kpidesk/kpidesk/connectors"
	"github.com/kpidesk/kpidesk/connectors/demo"
	"github.com/kpidesk/kpidesk/internal/reason"
	"github.com/kpidesk/kpidesk/scoring"
	"github.com/kpidesk/kpidesk/sitegen"
)

// weekendShare is the metric this test adds: the share of complaints
// created on a Saturday or Sunday (UTC). Nothing outside this file names
// it.
type weekendShare struct{}

func init() { scoring.Register(weekendShare{}) }

func (weekendShare) Info() scoring.Info {
	return scoring.Info{ID: "weekend_share", Name: "周末投诉占比", NameEN: "Weekend share",
		Value: scoring.ValueRate, Cohort: scoring.CohortCreated,
		Help: "周末创建的投诉占比。", HelpEN: "Share of complaints created on a weekend."}
}

func (weekendShare) Evaluate(c *connectors.Complaint, x *scoring.Context) scoring.Outcome {
	if weekend(c.CreatedAt) {
		return scoring.Outcome{Result: scoring.Hit, Reason: reason.New(reason.Received, reason.Instant(c.CreatedAt))}
	}
	return scoring.Outcome{Result: scoring.Miss}
}

func weekend(t time.Time) bool {
	d := t.UTC().Weekday()
	return d == time.Saturday || d == time.Sunday
}

const extensionYAML = `version: 1
org: {name: 示例, name_en: Example}
scorecards:
  - id: s
    units: [org, team, agent]
    items:
      - {metric: ftr_rate, weight: 0.5, rule: {type: linear, target: 90%, floor: 50%}}
      - {metric: weekend_share, weight: 0.5, rule: {type: linear, direction: lower, target: 20%, floor: 40%}}
`

func TestMetricDefinedInATestFile(t *testing.T) {
	ctx := context.Background()
	cfg, err := config.ParseWith([]byte(extensionYAML), "ext.yaml", scoring.MetricCatalog())
	if err != nil {
		t.Fatalf("a config naming the test's metric: %v", err)
	}
	eng, ps := scoring.Compile(cfg)
	if len(ps) > 0 {
		t.Fatal(ps)
	}
	var cs []connectors.Complaint
	var asOf time.Time
	err = demo.New(demo.Options{Seed: 7, Size: 600}).Fetch(ctx, "", func(b connectors.Batch) error {
		cs = append(cs, b.Complaints...)
		asOf = b.AsOf
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var evidence bytes.Buffer
	opt := scoring.Options{Config: cfg, Engine: eng, AsOf: asOf, EvidenceOut: &evidence}
	scores, err := scoring.Score(ctx, cs, opt)
	if err != nil {
		t.Fatal(err)
	}

	// scores.json: the org's value in a month, against a count by hand
	// over the complaints of the month (created in it, counted kinds).
	month := scores.Periods[len(scores.Periods)/2]
	var num, den int
	for i := range cs {
		c := &cs[i]
		if !c.IsComplaint() || c.CreatedAt.Before(month.Start) || !c.CreatedAt.Before(month.End) || c.CreatedAt.After(asOf) {
			continue
		}
		den++
		if weekend(c.CreatedAt) {
			num++
		}
	}
	if den == 0 || num == 0 {
		t.Fatalf("fixture: month %s has %d weekend complaints of %d", month.ID, num, den)
	}
	var found bool
	for _, sc := range scores.Scorecards {
		if sc.Unit.Kind != scoring.UnitOrg || sc.Period != month.ID {
			continue
		}
		r, ok := sc.Metrics["weekend_share"]
		if !ok {
			t.Fatalf("the org's %s scorecard has no weekend_share: %v", month.ID, sc.Metrics)
		}
		if int(r.Numerator) != num || int(r.Denominator) != den {
			t.Errorf("weekend_share %s = %v/%v, want %d/%d", month.ID, r.Numerator, r.Denominator, num, den)
		}
		found = true
	}
	if !found {
		t.Fatalf("no org scorecard for %s", month.ID)
	}
	var js bytes.Buffer
	if err := scoring.WriteJSON(&js, scores); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(js.String(), `"weekend_share"`) {
		t.Error("scores.json does not name weekend_share")
	}

	// evidence.jsonl: one outcome per complaint.
	lines := strings.Split(strings.TrimSpace(evidence.String()), "\n")
	with := 0
	for _, l := range lines {
		if strings.Contains(l, `"weekend_share":`) {
			with++
		}
	}
	if with == 0 || with < len(lines)/2 {
		t.Errorf("%d of %d evidence lines carry weekend_share", with, len(lines))
	}

	// explain: the lines behind the org's month add up to the result.
	ex, err := scoring.Explain(ctx, scoring.SliceFeed(cs), opt, "org", "weekend_share", month.ID)
	if err != nil {
		t.Fatal(err)
	}
	if int(ex.Result.Numerator) != num || int(ex.Result.Denominator) != den {
		t.Errorf("explain weekend_share = %v/%v, want %d/%d", ex.Result.Numerator, ex.Result.Denominator, num, den)
	}

	// The site: the methodology lists it, a drill-down list shows it.
	out := filepath.Join(t.TempDir(), "site")
	err = sitegen.Build(ctx, sitegen.Options{Out: out, Config: cfg, Scores: scores, Metrics: eng.Catalog(),
		Evidence: func(fn func(*scoring.Evidence) error) error {
			return scoring.ReadEvidence(bytes.NewReader(evidence.Bytes()), fn)
		}})
	if err != nil {
		t.Fatal(err)
	}
	method, err := os.ReadFile(filepath.Join(out, "methodology.html"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(method), "周末投诉占比") || !strings.Contains(string(method), "周末创建的投诉占比。") {
		t.Error("methodology.html does not describe weekend_share")
	}
	lists, err := filepath.Glob(filepath.Join(out, "complaints", "team-*-"+month.ID+".html"))
	if err != nil || len(lists) == 0 {
		t.Fatalf("no team drill-down list for %s: %v", month.ID, err)
	}
	for _, l := range lists {
		drill, err := os.ReadFile(l)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(drill), "周末投诉占比") {
			t.Errorf("%s has no weekend_share column", filepath.Base(l))
		}
	}
}
