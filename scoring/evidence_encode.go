package scoring

import (
	"math"
	"strconv"

	"github.com/kpidesk/kpidesk/internal/jsonstr"
)

// appendEvidence appends one evidence.jsonl line, byte for byte what
// encoding/json makes of an Evidence (sorted keys, omitempty as tagged, HTML
// escaping), without reflection: at a million complaints the generic
// encoder was a third of scoring. ids and outs are the metric IDs in sorted
// order and their outcomes; an outcome with an empty Result is left out.
// TestAppendEvidenceMatchesJSON and FuzzAppendJSONString hold it to
// encoding/json.
func appendEvidence(b []byte, e *Evidence, ids []string, outs []Outcome) []byte {
	b = append(b, '{')
	field := func(name, v string, omitEmpty bool) {
		if omitEmpty && v == "" {
			return
		}
		if b[len(b)-1] != '{' {
			b = append(b, ',')
		}
		b = appendJSONString(b, name)
		b = append(b, ':')
		b = appendJSONString(b, v)
	}
	field("agent", e.Agent, true)
	field("department", e.Department, true)
	field("id", e.ID, false)
	field("key", e.Key, true)
	field("kind", e.Kind, false)
	b = append(b, `,"outcomes":{`...)
	first := true
	for i, o := range outs {
		if o.Result == "" {
			continue
		}
		if !first {
			b = append(b, ',')
		}
		first = false
		b = appendJSONString(b, ids[i])
		b = append(b, ':')
		b = appendOutcome(b, o)
	}
	b = append(b, `},"periods":{`...)
	// Periods has at most three keys, in sorted order.
	first = true
	for _, k := range []string{CohortCreated, CohortResolved, CohortSnapshot} {
		v, ok := e.Periods[k]
		if !ok {
			continue
		}
		if !first {
			b = append(b, ',')
		}
		first = false
		b = appendJSONString(b, k)
		b = append(b, ':')
		b = appendJSONString(b, v)
	}
	b = append(b, '}')
	field("team", e.Team, true)
	field("title", e.Title, true)
	field("url", e.URL, true)
	return append(b, '}', '\n')
}

func appendOutcome(b []byte, o Outcome) []byte {
	switch {
	case o.Result == Measured:
		return appendJSONFloat(b, round6(o.Seconds))
	case o.Reason != "":
		b = append(b, '{')
		b = appendJSONString(b, o.Result)
		b = append(b, ':')
		b = appendJSONString(b, o.Reason)
		return append(b, '}')
	default:
		return appendJSONString(b, o.Result)
	}
}

// appendJSONFloat formats like encoding/json.
func appendJSONFloat(b []byte, f float64) []byte {
	abs := math.Abs(f)
	format := byte('f')
	if abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	n := len(b)
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		// Like encoding/json: 1e-07 becomes 1e-7.
		if m := len(b) - n; m >= 4 && b[len(b)-4] == 'e' && b[len(b)-3] == '-' && b[len(b)-2] == '0' {
			b[len(b)-2] = b[len(b)-1]
			b = b[:len(b)-1]
		}
	}
	return b
}

// appendJSONString quotes s like encoding/json with HTML escaping.
func appendJSONString(b []byte, s string) []byte { return jsonstr.Append(b, s, true) }
