package scoring

import (
	"context"
	"encoding/json"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kpidesk/kpidesk/config"
	"github.com/kpidesk/kpidesk/connectors"
	"github.com/kpidesk/kpidesk/internal/reason"
)

func sortedByID(cs []connectors.Complaint) []connectors.Complaint {
	slices.SortFunc(cs, func(a, b connectors.Complaint) int { return strings.Compare(a.ID, b.ID) })
	return cs
}

// unitsOf lists the units an evidence line's complaint is counted in.
func unitsOf(ev *Evidence) []Unit {
	us := []Unit{{Kind: UnitOrg, ID: UnitOrg}}
	for _, u := range []Unit{{Kind: UnitDepartment, ID: ev.Department}, {Kind: UnitTeam, ID: ev.Team}, {Kind: UnitAgent, ID: ev.Agent}} {
		if u.ID != "" {
			us = append(us, u)
		}
	}
	return us
}

// TestExplainEqualsScores is issue 11's "explain = scores" at the scoring
// level, on random event histories in two time zones, scored as of random
// instants (mid-month too, so that quarters and years are not over and
// their backlog is the snapshot at as_of): for every unit, metric and
// period, the evidence lines that Evidence.In puts in the period tally to
// the numerator, denominator, value, median and p90 that scores.json has;
// and Explain, for a sample of them, gives that result and those lines.
func TestExplainEqualsScores(t *testing.T) {
	cfg, err := config.Parse([]byte(asOfConfig), "asof.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cfg.Periods = []string{Month, Quarter, Half, Year}
	e, err := NewEngine(cfg)
	if err != nil {
		t.Fatal(err)
	}
	infos := map[string]Info{}
	for _, m := range e.Catalog() {
		infos[m.ID] = m
	}
	start := time.Date(2026, 2, 20, 0, 0, 0, 0, time.UTC)
	rounds := 60
	if testing.Short() {
		rounds = 15
	}
	checked, explained := 0, 0
	for seed := range uint64(rounds) {
		r := rand.New(rand.NewPCG(seed, 12))
		hs := randomHistories(r, 20+r.IntN(60), start)
		asOf := asOfInstant(r, hs, start)
		var cs []connectors.Complaint
		for i := range hs {
			cs = append(cs, hs[i].at(time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)))
		}
		sortedByID(cs)
		var evs []*Evidence
		s, err := ScoreFeed(context.Background(), SliceFeed(cs), Options{Config: cfg, AsOf: asOf, Evidence: func(ev *Evidence) error {
			evs = append(evs, ev)
			return nil
		}})
		if err != nil {
			t.Fatal(err)
		}
		// What every unit, metric and period's lines add up to.
		type key struct{ unit, metric, period string }
		tallies := map[key]*Tally{}
		spans := make([]Span, len(s.Periods))
		for i, p := range s.Periods {
			spans[i] = e.Span(p, asOf)
		}
		for _, ev := range evs {
			for _, u := range unitsOf(ev) {
				for id, info := range infos {
					for _, sp := range spans {
						if o, ok := ev.In(info, sp); ok {
							k := key{u.Key(), id, sp.Period.ID}
							if tallies[k] == nil {
								tallies[k] = &Tally{}
							}
							tallies[k].Add(o)
						}
					}
				}
			}
		}
		for _, sc := range s.Scorecards {
			for id, res := range sc.Metrics {
				tl := tallies[key{sc.Unit.Key(), id, sc.Period}]
				if tl == nil {
					tl = &Tally{}
				}
				checked++
				if err := tl.Check(infos[id], res); err != nil {
					t.Errorf("seed %d, as of %s: %s %s %s: %v", seed, asOf.Format(time.RFC3339), sc.Unit.Key(), id, sc.Period, err)
				}
			}
		}
		// Explain itself, on a few of them.
		for range 4 {
			if len(s.Scorecards) == 0 {
				break
			}
			sc := s.Scorecards[r.IntN(len(s.Scorecards))]
			ids := slices.Sorted(func(yield func(string) bool) {
				for id := range sc.Metrics {
					if !yield(id) {
						return
					}
				}
			})
			id := ids[r.IntN(len(ids))]
			ex, err := Explain(context.Background(), SliceFeed(cs), Options{Config: cfg, AsOf: asOf}, sc.Unit.Key(), id, sc.Period)
			if err != nil {
				t.Fatalf("seed %d: explain %s %s %s: %v", seed, sc.Unit.Key(), id, sc.Period, err)
			}
			explained++
			if got, want := jsonOf(t, ex.Result), jsonOf(t, sc.Metrics[id]); got != want {
				t.Errorf("seed %d: explain %s %s %s = %s, scores.json has %s", seed, sc.Unit.Key(), id, sc.Period, got, want)
			}
			tl := ex.Tally()
			if err := tl.Check(infos[id], ex.Result); err != nil {
				t.Errorf("seed %d: explain %s %s %s: %v", seed, sc.Unit.Key(), id, sc.Period, err)
			}
			for _, l := range ex.Lines {
				if counted(l.Outcome) && l.Outcome.Reason.IsZero() && infos[id].Cohort != CohortSnapshot {
					t.Errorf("seed %d: explain %s %s %s: %s has no reason for its %s", seed, sc.Unit.Key(), id, sc.Period, l.ID, l.Outcome.Result)
					break
				}
			}
		}
	}
	if checked < 1000 || explained == 0 {
		t.Errorf("checked %d results and explained %d: the fixture is too thin", checked, explained)
	}
}

func jsonOf(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestSpanNotOver: a quarter and a year that as_of has not ended take
// their backlog at as_of, in the month of as_of in the zone furthest
// ahead (here Asia/Shanghai, already in April).
func TestSpanNotOver(t *testing.T) {
	cfg, err := config.Parse([]byte(asOfConfig), "asof.yaml")
	if err != nil {
		t.Fatal(err)
	}
	e, err := NewEngine(cfg)
	if err != nil {
		t.Fatal(err)
	}
	asOf := at("2026-03-31T20:00:00Z") // 1 April 04:00 in Shanghai
	loc := e.DefaultCalendar().Location()
	for _, tc := range []struct {
		id   string
		want Span
	}{
		{"2026-03", Span{First: "2026-03", Last: "2026-03", Snapshot: "2026-03"}},
		{"2026-Q1", Span{First: "2026-01", Last: "2026-03", Snapshot: "2026-03"}},
		{"2026-Q2", Span{First: "2026-04", Last: "2026-06", Snapshot: "2026-04", AtAsOf: true}},
		{"2026", Span{First: "2026-01", Last: "2026-12", Snapshot: "2026-04", AtAsOf: true}},
	} {
		kind, m, ok := parsePeriodID(tc.id)
		if !ok {
			t.Fatalf("parsePeriodID(%q) failed", tc.id)
		}
		got := e.Span(periodOf(kind, m, loc), asOf)
		if got.Period.ID != tc.id {
			t.Errorf("period %q parsed as %q", tc.id, got.Period.ID)
		}
		got.Period = Period{}
		if got != tc.want {
			t.Errorf("Span(%s) = %+v, want %+v", tc.id, got, tc.want)
		}
	}
	for _, bad := range []string{"", "25-10", "2025-13", "2025-Q5", "2025-H3", "2025-1", "abcd", "2025-"} {
		if _, _, ok := parsePeriodID(bad); ok {
			t.Errorf("parsePeriodID(%q) ok, want an error", bad)
		}
	}
}

// TestEvidenceInSnapshot reads the backlog's evidence as scoring writes
// it: in the periods whose snapshot month is in the range, past the
// deadline from the month the reason names.
func TestEvidenceInSnapshot(t *testing.T) {
	info := backlog{}.Info()
	ev := &Evidence{Outcomes: map[string]Outcome{"backlog": {Result: Counted, Reason: reason.Parse("open at the end of 2025-10..2025-12, past its resolution deadline from 2025-11")}},
		Periods: map[string]string{CohortCreated: "2025-10", CohortSnapshot: "2025-10..2025-12"}}
	for _, tc := range []struct {
		snapshot, want string
	}{
		{"2025-09", ""},
		{"2025-10", Miss},
		{"2025-11", Hit},
		{"2025-12", Hit},
		{"2026-01", ""},
	} {
		o, ok := ev.In(info, Span{Snapshot: tc.snapshot})
		if got := o.Result; got != tc.want || ok != (tc.want != "") {
			t.Errorf("In(snapshot %s) = %q, %v, want %q", tc.snapshot, got, ok, tc.want)
		}
	}
}
