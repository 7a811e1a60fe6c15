package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestScoreAsOfBeforeReopen is issue 11's reproduction end to end: three
// complaints imported with the same history up to 2026-11-03, resolved on
// 2 November, X1 reopened on the 5th, X2 reopened and resolved again on the
// 6th. `score --as-of 2026-11-03T00:00:00Z` must see all three resolved,
// which needs the events the store holds; at the store's own as_of (the
// last event, on the 6th) X1 is open.
func TestScoreAsOfBeforeReopen(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"kpidesk.yaml": `version: 1
calendar: c
calendars: {c: {timezone: UTC, always: true}}
teams: [{id: t, calendar: c}]
periods: [month]
metrics: {min_sample: 1}
scorecards:
  - {id: s, units: [team], items: [{metric: resolution_rate, weight: 1, rule: {type: linear, target: 95%, floor: 70%}}]}
`,
		"x.jsonl": `{"id":"X1","created_at":"2026-11-02T01:00:00Z","team":"t","events":[{"at":"2026-11-02T02:00:00Z","kind":"comment","role":"agent","public":true},{"at":"2026-11-02T03:00:00Z","kind":"resolved","role":"agent"},{"at":"2026-11-05T00:00:00Z","kind":"reopened","role":"customer"}]}
{"id":"X2","created_at":"2026-11-02T01:00:00Z","team":"t","events":[{"at":"2026-11-02T02:00:00Z","kind":"comment","role":"agent","public":true},{"at":"2026-11-02T03:00:00Z","kind":"resolved","role":"agent"},{"at":"2026-11-05T00:00:00Z","kind":"reopened","role":"customer"},{"at":"2026-11-06T00:00:00Z","kind":"resolved","role":"agent"}]}
{"id":"X3","created_at":"2026-11-02T01:00:00Z","team":"t","events":[{"at":"2026-11-02T02:00:00Z","kind":"comment","role":"agent","public":true},{"at":"2026-11-02T03:00:00Z","kind":"resolved","role":"agent"}]}
`,
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cfg, db := filepath.Join(dir, "kpidesk.yaml"), filepath.Join(dir, "s.db")
	exec := func(args ...string) {
		t.Helper()
		var out, errb bytes.Buffer
		if code := run(context.Background(), args, &out, &errb); code != 0 {
			t.Fatalf("kpidesk %v exited %d: %s", args, code, errb.String())
		}
	}
	exec("import", filepath.Join(dir, "x.jsonl"), "--store", db, "--config", cfg, "-q")

	type metric struct {
		Numerator, Denominator float64
		IDs                    []string `json:"ids"`
	}
	teamMetrics := func(out string) map[string]metric {
		t.Helper()
		b, err := os.ReadFile(filepath.Join(out, "scores.json"))
		if err != nil {
			t.Fatal(err)
		}
		var s struct {
			Scorecards []struct {
				Unit    struct{ Kind, ID string }
				Period  string
				Metrics map[string]metric
			}
		}
		if err := json.Unmarshal(b, &s); err != nil {
			t.Fatal(err)
		}
		for _, sc := range s.Scorecards {
			if sc.Unit.Kind == "team" && sc.Unit.ID == "t" && sc.Period == "2026-11" {
				return sc.Metrics
			}
		}
		t.Fatalf("%s/scores.json: no scorecard for team t in 2026-11", out)
		return nil
	}
	type want struct {
		metric     string
		num, denom float64
	}
	for _, tc := range []struct {
		name string
		args []string
		want []want
	}{
		{name: "as of 2026-11-03", args: []string{"--as-of", "2026-11-03T00:00:00Z"},
			want: []want{{"resolution_rate", 3, 3}, {"handling_time", 3 * 7200, 3}, {"backlog", 0, 0}, {"reopen_rate", 0, 3}}},
		{name: "as of the store", args: nil,
			// X2's resolution at the store's as_of is not before the backlog
			// snapshot there (SPEC §13.10): X1 and X2 are in it.
			want: []want{{"resolution_rate", 2, 3}, {"backlog", 2, 2}, {"reopen_rate", 1, 2}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out")
			exec(append([]string{"score", "--store", db, "--config", cfg, "--ids", "--out", out, "-q"}, tc.args...)...)
			ms := teamMetrics(out)
			for _, w := range tc.want {
				if m := ms[w.metric]; m.Numerator != w.num || m.Denominator != w.denom {
					t.Errorf("%s = %v / %v (ids %v), want %v / %v", w.metric, m.Numerator, m.Denominator, m.IDs, w.num, w.denom)
				}
			}
			// explain, at the same instant, says the same.
			var stdout, errb bytes.Buffer
			args := append([]string{"explain", "--store", db, "--config", cfg, "team:t", "resolution_rate", "2026-11"}, tc.args...)
			if code := run(context.Background(), args, &stdout, &errb); code != 0 {
				t.Fatalf("kpidesk %v exited %d: %s", args, code, errb.String())
			}
			w := tc.want[0]
			if want := fmt.Sprintf("= %v / %v,", w.num, w.denom); !strings.Contains(stdout.String(), want) {
				t.Errorf("explain says %q, want %q in it", stdout.String(), want)
			}
		})
	}
}
