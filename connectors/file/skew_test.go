package file

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestDecodeClockSkew: a time before created_at within Options.ClockSkew
// keeps the line, as written, and lists the skew; beyond it the line is
// bad (SPEC §13.12).
func TestDecodeClockSkew(t *testing.T) {
	const created = `"id":"A","created_at":"2026-03-02T10:00:00Z"`
	tests := []struct {
		name     string
		in       string
		tol      time.Duration
		skews    []string
		problems []string
	}{
		{name: "reply 5 s early", in: `{` + created + `,"first_response_at":"2026-03-02T09:59:55Z"}`, tol: time.Hour,
			skews: []string{`in.jsonl:1: first_response_at: clock skew: first response 2026-03-02T09:59:55Z is 5s before created_at 2026-03-02T10:00:00Z; its duration counts 0`}},
		{name: "resolution from events 3 s early, and the status change before it", tol: time.Minute,
			in: `{` + created + `,"events":[{"at":"2026-03-02T09:59:50Z","kind":"status","to":"open"},{"at":"2026-03-02T09:59:57Z","kind":"resolved"}]}`,
			skews: []string{
				`in.jsonl:1: resolved_at: clock skew: resolution (from events) 2026-03-02T09:59:57Z is 3s before created_at 2026-03-02T10:00:00Z; its duration counts 0`,
				`in.jsonl:1: events: clock skew: event status (the earliest of 2 events before created_at) 2026-03-02T09:59:50Z is 10s before created_at 2026-03-02T10:00:00Z; its duration counts 0`,
			}},
		{name: "exactly the tolerance", in: `{` + created + `,"escalated":true,"escalated_at":"2026-03-02T09:00:00Z"}`, tol: time.Hour,
			skews: []string{`in.jsonl:1: escalated_at: clock skew: escalation 2026-03-02T09:00:00Z is 1h0m0s before created_at 2026-03-02T10:00:00Z; its duration counts 0`}},
		{name: "reply 2 h early", in: `{` + created + `,"first_response_at":"2026-03-02T08:00:00Z"}`, tol: time.Hour,
			problems: []string{`in.jsonl:1: first_response_at: first response 2026-03-02T08:00:00Z is 2h0m0s before created_at 2026-03-02T10:00:00Z: more than the clock-skew tolerance of 1h0m0s`}},
		{name: "event 2 h early", in: `{` + created + `,"events":[{"at":"2026-03-02T08:00:00Z","kind":"comment","role":"customer","public":true}]}`, tol: time.Hour,
			problems: []string{`in.jsonl:1: events: event comment 2026-03-02T08:00:00Z is 2h0m0s before created_at 2026-03-02T10:00:00Z: more than the clock-skew tolerance of 1h0m0s`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, res := decodeAll(t, "in.jsonl", tc.in, Options{ClockSkew: tc.tol})
			if diff := cmp.Diff(tc.problems, problemTexts(res.Problems)); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.skews, problemTexts(res.Skews)); diff != "" {
				t.Errorf("skews (-want +got):\n%s", diff)
			}
			if want := len(tc.problems) == 0; (len(got) == 1) != want {
				t.Errorf("imported %d complaints, want the line imported: %v", len(got), want)
			}
			for _, s := range res.Skews {
				if s.ID != "A" {
					t.Errorf("skew %v: ID %q, want A", s, s.ID)
				}
			}
		})
	}
}
