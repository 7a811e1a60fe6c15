package sitegen

import (
	"bytes"
	"context"
	"errors"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kpidesk/kpidesk/internal/reason"
	"github.com/kpidesk/kpidesk/scoring"
)

// passFixture is fixture f's options with its evidence varied where the
// pass branches: a complaint every metric of its page excluded, a backlog
// outcome over several month ends (a snapshot metric, Evidence.In), an
// agent without a team and a team without an agent, and units that have
// no page.
func passFixture(t testing.TB, f fixture) Options {
	t.Helper()
	opt := f.options(t)
	opt.Metrics = append(slices.Clone(opt.Metrics), scoring.Info{ID: "backlog", Name: "积压", NameEN: "Backlog",
		Value: scoring.ValueCount, Cohort: scoring.CohortSnapshot})
	inner := opt.Evidence
	opt.Evidence = func(fn func(*scoring.Evidence) error) error {
		n := 0
		return inner(func(e *scoring.Evidence) error {
			n++
			switch n % 11 {
			case 1:
				for id := range e.Outcomes {
					e.Outcomes[id] = scoring.Outcome{Result: scoring.Excluded, Reason: reason.New(reason.NoSurveyAnswer)}
				}
			case 2:
				e.Team = ""
			case 3:
				e.Agent = ""
			case 4:
				e.Agent = "nobody"
			case 5:
				e.Team = "no-such-team"
			}
			if c := e.Periods[scoring.CohortCreated]; n%3 == 0 && c != "" {
				e.Periods[scoring.CohortSnapshot] = c + ".." + c[:5] + "12"
				e.Outcomes["backlog"] = scoring.Outcome{Result: scoring.Miss}
			}
			return fn(e)
		})
	}
	return opt
}

// serialPass is readEvidence as it was before it ran on several cores:
// the reference the pass must match.
func serialPass(s *site) (recs []map[string]*drillRec, agentTeams map[string]map[string]int, err error) {
	agentTeams = map[string]map[string]int{}
	err = s.opt.Evidence(func(e *scoring.Evidence) error {
		if e.Agent != "" && e.Team != "" {
			m := agentTeams[e.Agent]
			if m == nil {
				m = map[string]int{}
				agentTeams[e.Agent] = m
			}
			m[e.Team]++
		}
		line := map[string]*drillRec{}
		for _, ref := range [2][2]string{{scoring.UnitAgent, e.Agent}, {scoring.UnitTeam, e.Team}} {
			if ref[1] == "" {
				continue
			}
			key := ref[0] + ":" + ref[1]
			if s.units[key] == nil {
				continue
			}
			outs := map[string]map[string]scoring.Outcome{}
			for metric, o := range e.Outcomes {
				info := s.metric(metric)
				for _, month := range cohortMonths(e.Periods[info.Cohort]) {
					p := s.drill[drillKey{key, month}]
					if p == nil || !slices.Contains(p.metrics, metric) {
						continue
					}
					out := o
					if info.Cohort == scoring.CohortSnapshot {
						if so, ok := e.In(info, scoring.MonthSpan(scoring.Period{ID: month})); ok {
							out = so
						}
					}
					if outs[month] == nil {
						outs[month] = map[string]scoring.Outcome{}
					}
					outs[month][metric] = out
				}
			}
			for month, out := range outs {
				p := s.drill[drillKey{key, month}]
				kept := false
				for metric, o := range out {
					if o.Result != scoring.Excluded {
						kept = true
					}
					if counted(o) {
						p.counts[metric]++
					}
				}
				if !kept {
					continue
				}
				p.rows++
				r := line[month]
				if r == nil {
					r = &drillRec{Team: e.Team, ID: e.ID, Key: e.Key, Title: e.Title, URL: e.URL,
						Created: e.Periods[scoring.CohortCreated], Resolved: e.Periods[scoring.CohortResolved],
						At: unixMilli(e.Created), Done: unixMilli(e.Resolved),
						Priority: e.Priority, Channel: e.Channel, Category: e.Category,
						Agent: e.Agent, Out: map[string]scoring.Outcome{}}
					line[month] = r
				}
				maps.Copy(r.Out, out)
				r.Pages = append(r.Pages, key)
			}
		}
		recs = append(recs, line)
		return nil
	})
	return recs, agentTeams, err
}

// passPages is what the pass leaves on the drill-down pages.
type passPageState struct {
	Rows   int
	Counts map[string]int
}

func pageStates(s *site) map[drillKey]passPageState {
	out := map[drillKey]passPageState{}
	for k, p := range s.drill {
		out[k] = passPageState{Rows: p.rows, Counts: maps.Clone(p.counts)}
	}
	return out
}

// readSpills reads back every month's spill file of dir, as the lists do.
func readSpills(t *testing.T, s *site, dir string) map[string][]*drillRec {
	t.Helper()
	out := map[string][]*drillRec{}
	for _, p := range s.months {
		recs, err := s.monthRecs(dir, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if recs != nil {
			out[p.ID] = recs
		}
	}
	return out
}

// TestEvidencePassMatchesSerial: the pass on several cores leaves the
// same counts, spill files, records per line (what facts.add is handed,
// in evidence order) and agents' teams as the serial pass it replaced.
func TestEvidencePassMatchesSerial(t *testing.T) {
	for _, tc := range []struct {
		name string
		f    fixture
	}{
		{name: "golden", f: golden},
		{name: "several batches", f: fixture{agents: 8, months: 4, perAgent: 40}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opt := passFixture(t, tc.f)
			want, err := newSiteIn(opt, "zh")
			if err != nil {
				t.Fatal(err)
			}
			want.planDrill()
			wantRecs, wantTeams, err := serialPass(want)
			if err != nil {
				t.Fatal(err)
			}

			got, err := newSiteIn(opt, "zh")
			if err != nil {
				t.Fatal(err)
			}
			got.planDrill()
			dir := t.TempDir()
			var gotRecs []map[string]*drillRec
			var order []string
			none := map[string]*drillRec{}
			ep := got.startEvidencePass(func(l *passLine, spill []byte) error {
				order = append(order, l.e.ID)
				r := l.recs
				if r == nil {
					r = none
				}
				gotRecs = append(gotRecs, r)
				return nil
			})
			if err := got.opt.Evidence(ep.feed); err != nil {
				t.Fatal(err)
			}
			gotTeams := map[string]map[string]int{}
			if err := ep.finish(gotTeams); err != nil {
				t.Fatal(err)
			}
			if len(gotRecs) < 2*passBatchLines && tc.name == "several batches" {
				t.Fatalf("%d lines, want more than two batches", len(gotRecs))
			}
			if diff := cmp.Diff(wantRecs, gotRecs, cmp.AllowUnexported(drillRec{})); diff != "" {
				t.Errorf("records per line (-serial +pass):\n%s", diff)
			}
			if !slices.IsSorted(order) {
				t.Errorf("lines consumed out of evidence order: %v", order[:min(len(order), 10)])
			}
			if diff := cmp.Diff(wantTeams, gotTeams); diff != "" {
				t.Errorf("agents' teams (-serial +pass):\n%s", diff)
			}
			if diff := cmp.Diff(pageStates(want), pageStates(got), cmp.AllowUnexported(drillKey{})); diff != "" {
				t.Errorf("pages (-serial +pass):\n%s", diff)
			}

			// The whole readEvidence: its spill files hold each line's
			// records in evidence order.
			full, err := newSiteIn(opt, "zh")
			if err != nil {
				t.Fatal(err)
			}
			full.planDrill()
			if err := full.readEvidence(context.Background(), dir, nil); err != nil {
				t.Fatal(err)
			}
			wantSpill := map[string][]*drillRec{}
			for _, line := range wantRecs {
				for m, r := range line {
					wantSpill[m] = append(wantSpill[m], r)
				}
			}
			if diff := cmp.Diff(wantSpill, readSpills(t, full, dir), cmp.AllowUnexported(drillRec{})); diff != "" {
				t.Errorf("spill files (-serial +pass):\n%s", diff)
			}
			if diff := cmp.Diff(pageStates(want), pageStates(full), cmp.AllowUnexported(drillKey{})); diff != "" {
				t.Errorf("readEvidence's pages (-serial +pass):\n%s", diff)
			}
		})
	}
}

// TestEvidencePassStopsOnError: an error of the ordered stage (a spill
// file that cannot be created) stops the evidence and is the error
// readEvidence returns, without a deadlock.
func TestEvidencePassStopsOnError(t *testing.T) {
	opt := passFixture(t, golden)
	s, err := newSiteIn(opt, "zh")
	if err != nil {
		t.Fatal(err)
	}
	s.planDrill()
	// The fixture's evidence over and over, until fn fails: however
	// many lines the stages hold, the error must reach the evidence.
	const rounds = 10000
	inner, stopped := s.opt.Evidence, false
	s.opt.Evidence = func(fn func(*scoring.Evidence) error) error {
		for range rounds {
			if err := inner(fn); err != nil {
				stopped = true
				return err
			}
		}
		return nil
	}
	missing := filepath.Join(t.TempDir(), "missing", "dir")
	err = s.readEvidence(context.Background(), missing, nil)
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("readEvidence into a missing folder = %v, want an error wrapping %v", err, os.ErrNotExist)
	}
	if !stopped {
		t.Errorf("the evidence was read %d times over, want it stopped by the error", rounds)
	}
}

// BenchmarkEvidencePass runs readEvidence over a generated fixture's
// evidence.jsonl, decoded by scoring.ReadEvidence as a build does.
func BenchmarkEvidencePass(b *testing.B) {
	f := fixture{agents: 40, months: 12, perAgent: 100} // 48,000 lines
	opt := passFixture(b, f)
	var buf bytes.Buffer
	w := scoring.NewEvidenceWriter(&buf)
	if err := opt.Evidence(w.Write); err != nil {
		b.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	opt.Evidence = func(fn func(*scoring.Evidence) error) error {
		return scoring.ReadEvidence(bytes.NewReader(buf.Bytes()), fn)
	}
	b.ReportAllocs()
	b.SetBytes(int64(buf.Len()))
	for b.Loop() {
		b.StopTimer()
		s, err := newSiteIn(opt, "zh")
		if err != nil {
			b.Fatal(err)
		}
		s.planDrill()
		dir := b.TempDir()
		facts := newEvidenceFacts()
		b.StartTimer()
		if err := s.readEvidence(context.Background(), dir, facts); err != nil {
			b.Fatal(err)
		}
	}
}
