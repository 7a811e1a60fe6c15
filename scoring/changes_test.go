package scoring

import (
	"bytes"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// changesRuns are two hand-made runs: between them, ann's September
// scorecard moves from 72.5 (B) to 75 (A) with response_rate 4/5 → 9/10;
// team t1's keeps its final but its response_rate counts 2/4 → 3/6 (the
// same 50 %); bob's is the same; cat is scored for the first time and
// dan's August scorecard is gone; the organization's quarter moves from no
// data to 60 (C); csat of ann stays as it was.
func changesRuns() (old, new *Scores) {
	f := func(v float64) *float64 { return &v }
	utc := func(y int, m time.Month) time.Time { return time.Date(y, m, 1, 0, 0, 0, 0, time.UTC) }
	periods := []Period{
		{ID: "2026-Q3", Kind: Quarter, Start: utc(2026, 7), End: utc(2026, 10)},
		{ID: "2026-08", Kind: Month, Start: utc(2026, 8), End: utc(2026, 9)},
		{ID: "2026-09", Kind: Month, Start: utc(2026, 9), End: utc(2026, 10)},
	}
	card := func(unit Unit, period string, final *float64, grade string, metrics map[string]MetricResult) Scorecard {
		status := ScorecardOK
		if final == nil {
			status = ScorecardNoData
		}
		return Scorecard{Scorecard: "s", Version: "2026-01", Period: period, Unit: unit, Final: final, Grade: grade, Status: status, Metrics: metrics, Appeals: []string{}}
	}
	rate := func(num, den, points float64) MetricResult {
		return MetricResult{Numerator: num, Denominator: den, Value: f(num / den), Points: f(points), Status: StatusOK, Weight: 0.5}
	}
	ann := Unit{ID: "ann", Kind: UnitAgent, Name: "Ann"}
	bob := Unit{ID: "bob", Kind: UnitAgent}
	cat := Unit{ID: "cat", Kind: UnitAgent}
	dan := Unit{ID: "dan", Kind: UnitAgent}
	t1 := Unit{ID: "t1", Kind: UnitTeam}
	org := Unit{ID: "org", Kind: UnitOrg}
	csat := MetricResult{Numerator: 9, Denominator: 2, Value: f(4.5), Points: f(90), Status: StatusOK, Weight: 0.5}
	old = &Scores{Schema: Schema, Periods: periods, Scorecards: []Scorecard{
		card(ann, "2026-09", f(72.5), "B", map[string]MetricResult{"response_rate": rate(4, 5, 80), "csat": csat}),
		card(bob, "2026-09", f(80), "A", map[string]MetricResult{"response_rate": rate(1, 1, 100)}),
		card(dan, "2026-08", f(50), "C", map[string]MetricResult{"response_rate": rate(1, 2, 50)}),
		card(t1, "2026-09", f(65), "B", map[string]MetricResult{"response_rate": rate(2, 4, 50)}),
		card(org, "2026-Q3", nil, "", map[string]MetricResult{}),
	}}
	new = &Scores{Schema: Schema, Periods: periods, Scorecards: []Scorecard{
		card(org, "2026-Q3", f(60), "C", map[string]MetricResult{}),
		card(t1, "2026-09", f(65), "B", map[string]MetricResult{"response_rate": rate(3, 6, 50)}),
		card(cat, "2026-09", f(90), "A", map[string]MetricResult{"response_rate": rate(1, 1, 100)}),
		card(bob, "2026-09", f(80), "A", map[string]MetricResult{"response_rate": rate(1, 1, 100)}),
		card(ann, "2026-09", f(75), "A", map[string]MetricResult{"response_rate": rate(9, 10, 90), "csat": csat}),
	}}
	return old, new
}

func TestChanges(t *testing.T) {
	old, new := changesRuns()
	f := func(v float64) *float64 { return &v }
	figs := func(num, den, points float64) *MetricFigures {
		return &MetricFigures{Numerator: num, Denominator: den, Value: f(num / den), Points: f(points), Status: StatusOK, Weight: 0.5}
	}
	want := []ScorecardChange{
		{Change: ChangeChanged, Period: "2026-Q3", Scorecard: "s", Unit: Unit{ID: "org", Kind: UnitOrg},
			Old:     &CardFigures{Status: ScorecardNoData, Version: "2026-01"},
			New:     &CardFigures{Final: f(60), Grade: "C", Status: ScorecardOK, Version: "2026-01"},
			Metrics: []MetricChange{}},
		{Change: ChangeVanished, Period: "2026-08", Scorecard: "s", Unit: Unit{ID: "dan", Kind: UnitAgent},
			Old:     &CardFigures{Final: f(50), Grade: "C", Status: ScorecardOK, Version: "2026-01"},
			Metrics: []MetricChange{{Metric: "response_rate", Old: figs(1, 2, 50)}}},
		{Change: ChangeChanged, Period: "2026-09", Scorecard: "s", Unit: Unit{ID: "t1", Kind: UnitTeam},
			Old:     &CardFigures{Final: f(65), Grade: "B", Status: ScorecardOK, Version: "2026-01"},
			New:     &CardFigures{Final: f(65), Grade: "B", Status: ScorecardOK, Version: "2026-01"},
			Metrics: []MetricChange{{Metric: "response_rate", Old: figs(2, 4, 50), New: figs(3, 6, 50)}}},
		{Change: ChangeChanged, Period: "2026-09", Scorecard: "s", Unit: Unit{ID: "ann", Kind: UnitAgent, Name: "Ann"},
			Old:     &CardFigures{Final: f(72.5), Grade: "B", Status: ScorecardOK, Version: "2026-01"},
			New:     &CardFigures{Final: f(75), Grade: "A", Status: ScorecardOK, Version: "2026-01"},
			Metrics: []MetricChange{{Metric: "response_rate", Old: figs(4, 5, 80), New: figs(9, 10, 90)}}},
		{Change: ChangeNew, Period: "2026-09", Scorecard: "s", Unit: Unit{ID: "cat", Kind: UnitAgent},
			New:     &CardFigures{Final: f(90), Grade: "A", Status: ScorecardOK, Version: "2026-01"},
			Metrics: []MetricChange{{Metric: "response_rate", New: figs(1, 1, 100)}}},
	}
	got := Changes(old, new)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Changes (-want +got):\n%s", diff)
	}

	moved := map[string][3]bool{} // unit → final, grade, moved
	for _, c := range got {
		moved[c.Unit.ID] = [3]bool{c.FinalMoved(), c.GradeMoved(), c.Moved()}
	}
	wantMoved := map[string][3]bool{
		"org": {true, true, true}, "dan": {true, true, true}, "t1": {false, false, false},
		"ann": {true, true, true}, "cat": {true, true, true},
	}
	if diff := cmp.Diff(wantMoved, moved); diff != "" {
		t.Errorf("FinalMoved, GradeMoved, Moved (-want +got):\n%s", diff)
	}
}

// TestChangesSame compares a run with itself, with a copy of itself read
// back from scores.json, and with nothing.
func TestChangesSame(t *testing.T) {
	_, run := changesRuns()
	if got := Changes(run, run); len(got) != 0 {
		t.Errorf("Changes(run, run) = %+v, want none", got)
	}
	var buf bytes.Buffer
	if err := WriteJSON(&buf, run); err != nil {
		t.Fatal(err)
	}
	back, err := ReadJSON(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if got := Changes(run, back); len(got) != 0 {
		t.Errorf("Changes(run, run read back from JSON) = %+v, want none", got)
	}
	if got := Changes(nil, nil); len(got) != 0 {
		t.Errorf("Changes(nil, nil) = %+v, want none", got)
	}
	all := Changes(nil, run)
	if len(all) != len(run.Scorecards) {
		t.Fatalf("Changes(nil, run) lists %d scorecards, want all %d", len(all), len(run.Scorecards))
	}
	for _, c := range all {
		if c.Change != ChangeNew || c.Old != nil || c.New == nil {
			t.Errorf("Changes(nil, run): %s %s is %q (old %v), want new", c.Unit.Key(), c.Period, c.Change, c.Old)
		}
	}
	for _, c := range Changes(run, nil) {
		if c.Change != ChangeVanished || c.New != nil {
			t.Errorf("Changes(run, nil): %s %s is %q, want vanished", c.Unit.Key(), c.Period, c.Change)
		}
	}
}

// TestChangesIgnores checks what does not make a change: the config
// version, appeals listed, intervals, borderline marks and as_of.
func TestChangesIgnores(t *testing.T) {
	_, run := changesRuns()
	var buf bytes.Buffer
	if err := WriteJSON(&buf, run); err != nil {
		t.Fatal(err)
	}
	other, err := ReadJSON(&buf)
	if err != nil {
		t.Fatal(err)
	}
	other.AsOf = other.AsOf.Add(time.Hour)
	for i := range other.Scorecards {
		c := &other.Scorecards[i]
		c.Version, c.Appeals, c.Borderline = "2026-06", []string{"A-1"}, true
		for id, m := range c.Metrics {
			m.Interval = &[2]float64{0, 1}
			c.Metrics[id] = m
		}
	}
	if got := Changes(run, other); len(got) != 0 {
		t.Errorf("Changes = %+v, want none", got)
	}
	// A metric's status alone is a change; so is a card's.
	other.Scorecards[0].Status = ScorecardNoData
	m := other.Scorecards[1].Metrics["response_rate"]
	m.Status = StatusInsufficient
	other.Scorecards[1].Metrics["response_rate"] = m
	got := Changes(run, other)
	if len(got) != 2 {
		t.Fatalf("Changes lists %d scorecards, want 2: %+v", len(got), got)
	}
	for _, c := range got {
		if c.Moved() {
			t.Errorf("%s: Moved() = true for a change of status alone", c.Unit.Key())
		}
	}
}
