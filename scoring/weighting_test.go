package scoring

import (
	"context"
	"encoding/json"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/kpidesk/kpidesk/config"
	"github.com/kpidesk/kpidesk/internal/reason"
)

// TestWeightMethods scores the small fixture's agents with each weight
// method; the figures are worked out in the comments.
func TestWeightMethods(t *testing.T) {
	tests := []struct {
		name    string
		weights config.Weights
		cats    [2]string
		want    map[string]float64
	}{
		// Means 7 and 3 of 10.
		{"expert", config.Weights{Method: "expert", Experts: [][]float64{{8, 2}, {6, 4}}}, [2]string{}, map[string]float64{"response_rate": 0.7, "ftr_rate": 0.3}},
		// A consistent 3:1 judgement.
		{"ahp", config.Weights{Method: "ahp", Matrix: [][]config.Ratio{{1, 3}, {1.0 / 3, 1}}}, [2]string{}, map[string]float64{"response_rate": 0.75, "ftr_rate": 0.25}},
		// Agents a1 (response 2/3, FTR 1/2) and a2 (0 and 0): each column
		// is all in one unit, entropy 0 and divergence 1 for both.
		{"entropy", config.Weights{Method: "entropy"}, [2]string{}, map[string]float64{"response_rate": 0.5, "ftr_rate": 0.5}},
		// 0.5 × (0.75, 0.25) + 0.5 × (0.5, 0.5).
		{"combined", config.Weights{Method: "combined", Subjective: "ahp", Alpha: 0.5, Matrix: [][]config.Ratio{{1, 3}, {1.0 / 3, 1}}}, [2]string{}, map[string]float64{"response_rate": 0.625, "ftr_rate": 0.375}},
		// Category weights 0.4 and 0.6, one item in each.
		{"two-level", config.Weights{Method: "fixed", Categories: map[string]float64{"efficiency": 0.4, "quality": 0.6}}, [2]string{"efficiency", "quality"}, map[string]float64{"response_rate": 0.4, "ftr_rate": 0.6}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := loadTestConfig(t, "testdata/small.yaml")
			cfg.Metrics.MinSample = 1
			sc := &cfg.Scorecards[0]
			sc.Weights = tc.weights
			sc.Items[0].Category, sc.Items[1].Category = tc.cats[0], tc.cats[1]
			s, err := Score(context.Background(), smallFixture(), Options{Config: cfg, AsOf: at("2026-03-31T00:00:00Z")})
			if err != nil {
				t.Fatal(err)
			}
			var got *WeightsInForce
			for i := range s.Weights {
				if w := &s.Weights[i]; w.Period == "2026-03" && w.UnitKind == UnitAgent {
					got = w
				}
			}
			if got == nil {
				t.Fatal("no weights for agents in 2026-03")
			}
			for m, want := range tc.want {
				if math.Abs(got.Weights[m]-want) > 1e-6 {
					t.Errorf("weight of %s = %v, want %v (note %q)", m, got.Weights[m], want, got.Note)
				}
			}
			// The scorecard uses them: total = Σ weight × points.
			a1 := find(t, s, "2026-03", "agent:a1")
			total := 0.0
			for m := range tc.want {
				total += a1.Metrics[m].Weight * *a1.Metrics[m].Points
			}
			if math.Abs(total-*a1.Total) > 1e-4 {
				t.Errorf("a1 total = %v, Σ weight × points = %v", *a1.Total, total)
			}
		})
	}
}

func TestAHPConfigInconsistent(t *testing.T) {
	_, err := config.Parse([]byte(`version: 1
scorecards:
  - id: s
    weights:
      method: ahp
      matrix:
        - [1, 9, "1/9"]
        - ["1/9", 1, 9]
        - [9, "1/9", 1]
    items:
      - {metric: ftr_rate, weight: 0, rule: {type: linear, target: 90%, floor: 50%}}
      - {metric: csat, weight: 0, rule: {type: linear, target: 90, floor: 60}}
      - {metric: repeat_rate, weight: 0, rule: {type: linear, direction: lower, target: 5%, floor: 25%}}
`), "a.yaml")
	if err == nil {
		t.Fatal("an inconsistent AHP matrix passed the config check")
	}
	if want := "a.yaml:6: scorecards[0].weights.matrix: AHP matrix is inconsistent"; !strings.Contains(err.Error(), want) {
		t.Errorf("error = %v, want it to contain %q", err, want)
	}
}

// TestVersions recalibrates the scorecard from April 2026: March keeps the
// scorecards it had, byte for byte, and April is scored with the new
// version (SPEC §8).
func TestVersions(t *testing.T) {
	cs := smallFixture()
	april := cs[2]
	april.ID, april.CreatedAt = "t:8", at("2026-04-06T10:00:00Z")
	april.FirstResponseAt, april.ResolvedAt, april.FirstResolvedAt = at("2026-04-06T11:00:00Z"), at("2026-04-06T15:00:00Z"), at("2026-04-06T15:00:00Z")
	cs = append(cs, april)
	score := func(recalibrate bool) *Scores {
		cfg := loadTestConfig(t, "testdata/small.yaml")
		cfg.Metrics.MinSample = 1
		if recalibrate {
			v2 := cfg.Scorecards[0]
			v2.EffectiveFrom = "2026-04"
			v2.Items = []config.Item{v2.Items[0], v2.Items[1]}
			v2.Items[0].Weight, v2.Items[1].Weight = 0.9, 0.1
			cfg.Scorecards = append(cfg.Scorecards, v2)
		}
		s, err := Score(context.Background(), slices.Clone(cs), Options{Config: cfg, AsOf: at("2026-04-30T00:00:00Z")})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	before, after := score(false), score(true)
	for _, key := range []string{"org:org", "team:t1", "agent:a1", "agent:a2"} {
		b, a := find(t, before, "2026-03", key), find(t, after, "2026-03", key)
		bj, _ := json.Marshal(b)
		aj, _ := json.Marshal(a)
		if string(bj) != string(aj) {
			t.Errorf("%s 2026-03 changed with the April recalibration:\n%s\n%s", key, bj, aj)
		}
	}
	april1 := find(t, after, "2026-04", "org:org")
	if april1.Version != "2026-04" || april1.Metrics["response_rate"].Weight != 0.9 {
		t.Errorf("April version %q, response weight %v; want 2026-04 and 0.9", april1.Version, april1.Metrics["response_rate"].Weight)
	}
	if got := after.Versions["2026-04"]; got != "sc@2026-04" {
		t.Errorf("versions[2026-04] = %q, want sc@2026-04", got)
	}
	if got := after.Versions["2026-03"]; got != "sc@start" {
		t.Errorf("versions[2026-03] = %q, want sc@start", got)
	}
}

// TestGoalCoefficient: department d1's total in March is 0.5 × 50 +
// 0.5 × 33.3333 = 41.66665 (response rate 1/2, FTR 1/3, min_sample 1)
// against its goal: a goal of 50 gives its team and agents 0.833333, one of
// 75 gives 0.555556, clamped to 0.8, one of 30 gives 1.39, clamped to 1.2.
func TestGoalCoefficient(t *testing.T) {
	const total = 41.66665
	for _, tc := range []struct {
		target, want float64
	}{{75, 0.8}, {30, 1.2}, {50, 0.833333}, {total, 1}} {
		cfg := loadTestConfig(t, "testdata/small.yaml")
		cfg.Metrics.MinSample = 1
		cfg.Departments[0].Coefficient = 0
		cfg.Departments[0].Goal = &config.Goal{Target: tc.target, Min: 0.8, Max: 1.2}
		s, err := Score(context.Background(), smallFixture(), Options{Config: cfg, AsOf: at("2026-03-31T00:00:00Z")})
		if err != nil {
			t.Fatal(err)
		}
		dept := find(t, s, "2026-03", "department:d1")
		if dept.Total == nil || math.Abs(*dept.Total-total) > 1e-9 || *dept.Coefficient != 1 {
			t.Fatalf("department total/coefficient = %v/%v, want %v/1", deref(dept.Total), deref(dept.Coefficient), total)
		}
		for _, key := range []string{"team:t1", "agent:a1"} {
			sc := find(t, s, "2026-03", key)
			if math.Abs(*sc.Coefficient-tc.want) > 1e-9 || math.Abs(*sc.Final-*sc.Total*tc.want) > 1e-5 {
				t.Errorf("goal %v: %s coefficient %v final %v, want %v and total × it", tc.target, key, *sc.Coefficient, *sc.Final, tc.want)
			}
		}
	}
}

// TestEntropyDropsItemsWithoutValues: no agent has a complaint rate (no
// orders per agent), so entropy runs over the other two items and gives
// the complaint rate objective weight 0, saying so.
func TestEntropyDropsItemsWithoutValues(t *testing.T) {
	cfg := loadTestConfig(t, "testdata/small.yaml")
	cfg.Metrics.MinSample = 1
	sc := &cfg.Scorecards[0]
	sc.Weights = config.Weights{Method: "entropy"}
	sc.Items = append(sc.Items, config.Item{Metric: "complaint_rate", Rule: config.Rule{Type: "linear", Direction: "lower", Target: config.Value{Set: true, Number: 0.003}, Floor: config.Value{Set: true, Number: 0.006}}})
	s, err := Score(context.Background(), smallFixture(), Options{Config: cfg, AsOf: at("2026-03-31T00:00:00Z")})
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range s.Weights {
		if w.Period != "2026-03" || w.UnitKind != UnitAgent {
			continue
		}
		if w.Weights["complaint_rate"] != 0 || math.Abs(w.Weights["response_rate"]-0.5) > 1e-6 || !strings.Contains(w.Note, "no entropy for complaint_rate") {
			t.Errorf("agent weights = %v, note %q; want complaint_rate 0 and the others 0.5", w.Weights, w.Note)
		}
		return
	}
	t.Fatal("no agent weights for 2026-03")
}

// weightNotes scores the small fixture under weight methods that fall back
// (entropy over kinds with one unit, an expert table adding up to 0, an AHP
// matrix that is not square, an alpha outside [0, 1], an item no unit has
// a value for, an unknown normalization) and returns the notes' reasons of the weights in force.
// Config validation refuses some of these; scoring still says why.
func weightNotes(t *testing.T) []reason.Reason {
	t.Helper()
	cr := config.Item{Metric: "complaint_rate", Rule: config.Rule{Type: "linear", Direction: "lower", Target: config.Value{Set: true, Number: 0.003}, Floor: config.Value{Set: true, Number: 0.006}}}
	runs := []struct {
		w     config.Weights
		extra bool // add the complaint-rate item
	}{
		{config.Weights{Method: "entropy"}, true},
		{config.Weights{Method: "combined", Subjective: "ahp", Alpha: 0.5, Matrix: [][]config.Ratio{{1, 3}, {1.0 / 3, 1}}}, false},
		{config.Weights{Method: "expert", Experts: [][]float64{{0, 0}}}, false},
		{config.Weights{Method: "ahp", Matrix: [][]config.Ratio{{1}}}, false},
		{config.Weights{Method: "combined", Subjective: "fixed", Alpha: 2}, false},
		{config.Weights{Method: "entropy", Entropy: "zscore"}, false},
	}
	var out []reason.Reason
	for _, run := range runs {
		cfg := loadTestConfig(t, "testdata/small.yaml")
		cfg.Metrics.MinSample = 1
		sc := &cfg.Scorecards[0]
		sc.Weights = run.w
		if run.extra {
			sc.Items = append(sc.Items, cr)
		}
		s, err := Score(context.Background(), smallFixture(), Options{Config: cfg, AsOf: at("2026-03-31T00:00:00Z")})
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range s.Weights {
			out = append(out, w.Why...)
			if w.Note != w.NoteIn(reason.EN) {
				t.Errorf("note %q is not its reasons in English %q", w.Note, w.NoteIn(reason.EN))
			}
		}
	}
	return out
}

// TestWeightNotes: why a weight method fell back is codes of the
// catalogue, which the site renders in its reader's language.
func TestWeightNotes(t *testing.T) {
	seen := map[reason.Code]bool{}
	for _, r := range weightNotes(t) {
		seen[r.Code] = true
	}
	for _, c := range []reason.Code{reason.EntropyTooFewUnits, reason.FixedWeightsUsed, reason.SubjectiveAlone,
		reason.ExpertUnusable, reason.AHPUnusable, reason.CombinedUnusable, reason.EntropyUnusable} {
		if !seen[c] {
			t.Errorf("no weights in force say %s", c.Name())
		}
	}
	w := WeightsInForce{Why: []reason.Reason{reason.New(reason.EntropyTooFewUnits, reason.Int(1)), reason.New(reason.FixedWeightsUsed)}}
	if got, want := w.NoteIn(reason.EN), "1 unit of this kind: entropy needs at least two to compare; fixed weights used"; got != want {
		t.Errorf("NoteIn(en) = %q, want %q", got, want)
	}
	if got, want := w.NoteIn(reason.ZH), "此类单位只有 1 个：熵权法至少需要两个单位才能比较；改用固定权重"; got != want {
		t.Errorf("NoteIn(zh) = %q, want %q", got, want)
	}
}
