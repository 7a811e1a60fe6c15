package appeals_test

import (
	"errors"
	"os"
	"testing"

	"github.com/kpidesk/kpidesk/scoring/appeals"
)

func FuzzParse(f *testing.F) {
	demo, err := os.ReadFile("testdata/appeals.yaml")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(demo)
	f.Add([]byte(""))
	f.Add([]byte("- {}\n- hello\n- [a]\n"))
	f.Add([]byte("- &a {id: A-1, unit: org, period: 2025, claim: c, filed: 2025-11-03, stage: filed}\n- *a\n"))
	f.Add([]byte("- id: A-1\n  decision: {changes: [{correct: {complaint: demo:1, field: csat, value: [1]}}, {override_points: .nan}]}\n"))
	f.Add([]byte("- {id: A-1, history: [{stage: closed}, {stage: filed, date: 2025-02-30}], complaints: {a: b}}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := appeals.Parse(data, "fuzz.yaml")
		if err != nil {
			if file != nil {
				t.Fatalf("Parse returned a file and %v", err)
			}
			var ps appeals.Problems
			if !errors.As(err, &ps) || len(ps) == 0 {
				t.Fatalf("Parse error %T %v, want Problems", err, err)
			}
			for _, p := range ps {
				if p.File != "fuzz.yaml" || p.Field == "" || p.Reason == "" {
					t.Fatalf("problem without file, field or reason: %+v", p)
				}
			}
			return
		}
		if file == nil {
			t.Fatal("Parse returned neither a file nor an error")
		}
		// Whatever validated must be safe for scoring to apply.
		for id, exs := range file.Exclusions() {
			for _, ex := range exs {
				a, ok := file.Lookup(ex.AppealID)
				if !ok || !a.Decision.Applies() || id == "" {
					t.Fatalf("exclusion of %q by %s, which is not an accepted appeal", id, ex.AppealID)
				}
			}
		}
		for _, c := range file.Corrections() {
			if c.Complaint == "" || c.Field == "" {
				t.Fatalf("correction without complaint or field: %+v", c)
			}
		}
		for _, o := range file.Overrides() {
			if o.Points < 0 || o.Points > 100 || o.Metric == "" {
				t.Fatalf("override outside 0–100 or without metric: %+v", o)
			}
		}
	})
}
