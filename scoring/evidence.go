package scoring

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"time"

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
	// Wall is, for a Measured duration of a metric with Info.Wall, the
	// same span in wall-clock seconds, less pauses. evidence.jsonl does
	// not carry it: the scores do, as each cell's mean.
	Wall float64
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
	// By its first byte, so that each outcome of a million lines is
	// decoded once rather than tried as each form in turn.
	switch {
	case len(b) > 0 && b[0] == '"':
		if s, ok := plainString(b); ok {
			*o = Outcome{Result: s}
			return nil
		}
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return fmt.Errorf("outcome %s: %w", b, err)
		}
		*o = Outcome{Result: s}
		return nil
	case len(b) > 0 && (b[0] == '-' || b[0] >= '0' && b[0] <= '9'):
		f, err := strconv.ParseFloat(string(b), 64)
		if err != nil {
			return fmt.Errorf("outcome %s: want a string, a number or {result: reason}", b)
		}
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

// plainString returns the JSON string b holds when it has no escape: the
// common case, read without the decoder.
func plainString(b []byte) (string, bool) {
	if len(b) < 2 || b[len(b)-1] != '"' {
		return "", false
	}
	in := b[1 : len(b)-1]
	for _, c := range in {
		if c == '\\' || c == '"' || c < 0x20 || c >= 0x80 {
			return "", false
		}
	}
	return string(in), true
}

// Evidence is one line of evidence.jsonl: one complaint, the units it
// belongs to, the month of each cohort it falls in, and its outcome per
// metric. A unit's list for a metric is the evidence filtered by unit and
// period.
//
// Its fields are in key order, the order encoding/json writes them in and
// evidenceEncoder follows.
type Evidence struct {
	Agent      string             `json:"agent,omitempty"`
	Category   string             `json:"category,omitempty"`
	Channel    string             `json:"channel,omitempty"`
	Created    time.Time          `json:"created,omitzero"` // UTC
	Department string             `json:"department,omitempty"`
	ID         string             `json:"id"`
	Key        string             `json:"key,omitempty"`
	Kind       string             `json:"kind"`
	Outcomes   map[string]Outcome `json:"outcomes"`
	Periods    map[string]string  `json:"periods"` // cohort (created, resolved) → month ID; snapshot → "2025-10..2025-12", the month ends it was open at
	Priority   string             `json:"priority,omitempty"`
	Resolved   time.Time          `json:"resolved,omitzero"` // UTC; zero while open at as_of
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
