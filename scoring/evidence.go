package scoring

import (
	"encoding/json"
	"fmt"
	"math"

	"github.com/kpidesk/kpidesk/internal/reason"
)

// Outcome results (SPEC §4, §12).
const (
	Hit      = "hit"
	Miss     = "miss"
	Pending  = "pending"
	Excluded = "excluded"
	Measured = "duration" // Seconds holds the measured value
	Counted  = "counted"  // counted in a volume-like metric
)

// Outcome is what one metric made of one complaint.
type Outcome struct {
	Result  string
	Seconds float64 // for Measured: business (or wall) seconds; for scores such as CSAT, the value
	// Reason says why excluded, missed or pending (and with
	// Options.Reasons, why a hit or the measured value): a code of the
	// catalogue with its arguments, which internal/reason renders in the
	// reader's language. The zero Reason is none.
	Reason reason.Reason
}

// MarshalJSON writes "hit", "miss", "pending", "counted", a number for a
// measured value, or {"excluded": reason}. With a reason, hit/miss/pending
// become {"miss": reason}. The reason is the catalogue's English rendering
// (SPEC §12).
func (o Outcome) MarshalJSON() ([]byte, error) {
	switch {
	case o.Result == Measured:
		return json.Marshal(round6(o.Seconds))
	case !o.Reason.IsZero():
		return json.Marshal(map[string]string{o.Result: reason.Render(o.Reason, reason.EN)})
	default:
		return json.Marshal(o.Result)
	}
}

// UnmarshalJSON reads what MarshalJSON writes; a reason is read back into
// its code (reason.Parse).
func (o *Outcome) UnmarshalJSON(b []byte) error {
	var s string
	if json.Unmarshal(b, &s) == nil {
		*o = Outcome{Result: s}
		return nil
	}
	var f float64
	if json.Unmarshal(b, &f) == nil {
		*o = Outcome{Result: Measured, Seconds: f}
		return nil
	}
	var m map[string]string
	if err := json.Unmarshal(b, &m); err != nil || len(m) != 1 {
		return fmt.Errorf("outcome %s: want a string, a number or {result: reason}", b)
	}
	for k, v := range m {
		*o = Outcome{Result: k, Reason: reason.Parse(v)}
	}
	return nil
}

// Evidence is one line of evidence.jsonl: one complaint, the units it
// belongs to, the month of each cohort it falls in, and its outcome per
// metric. A unit's list for a metric is the evidence filtered by unit and
// period.
type Evidence struct {
	Agent      string             `json:"agent,omitempty"`
	Department string             `json:"department,omitempty"`
	ID         string             `json:"id"`
	Key        string             `json:"key,omitempty"`
	Kind       string             `json:"kind"`
	Outcomes   map[string]Outcome `json:"outcomes"`
	Periods    map[string]string  `json:"periods"` // cohort (created, resolved) → month ID; snapshot → "2025-10..2025-12", the month ends it was open at
	Team       string             `json:"team,omitempty"`
	Title      string             `json:"title,omitempty"`
	URL        string             `json:"url,omitempty"`
}

// round6 fixes floats to 6 decimals so that output is byte-identical for
// the same input whatever the order of summation (SPEC §12).
func round6(v float64) float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0
	}
	return math.Round(v*1e6) / 1e6
}
