package scoring

import (
	"math"
	"strconv"
	"time"

	"github.com/kpidesk/kpidesk/internal/jsonstr"
	"github.com/kpidesk/kpidesk/internal/reason"
)

// evidenceEncoder writes evidence.jsonl lines, byte for byte what
// encoding/json makes of an Evidence (sorted keys, omitempty as tagged, HTML
// escaping), without reflection: at a million complaints the generic
// encoder was a third of scoring. TestAppendEvidenceMatchesJSON and
// FuzzAppendJSONString hold it to encoding/json.
type evidenceEncoder struct {
	keys []string // `"metric_id":` for each metric, in sorted order
	// fixed holds the encoded outcomes that do not vary from complaint
	// to complaint: a bare result ("hit") and a result with a reason
	// without arguments ({"excluded":"not resolved"}), most outcomes of
	// a large evidence file, encoded once rather than once per line.
	// It is indexed by fixedResult and by code (reason.None for none).
	fixed [len(fixedResults)][][]byte
}

// fixedResults are the results an outcome of fixed encoding may have.
var fixedResults = [...]string{Hit, Miss, Pending, Excluded, Counted}

// fixedResult returns r's index in fixedResults, or -1.
func fixedResult(r string) int {
	switch r {
	case Hit:
		return 0
	case Miss:
		return 1
	case Pending:
		return 2
	case Excluded:
		return 3
	case Counted:
		return 4
	}
	return -1
}

// newEvidenceEncoder quotes the metric IDs once, not once per line.
func newEvidenceEncoder(ids []string) *evidenceEncoder {
	x := &evidenceEncoder{keys: make([]string, len(ids))}
	for i, id := range ids {
		x.keys[i] = string(appendJSONString(nil, id)) + ":"
	}
	codes := reason.Codes()
	for ri, result := range fixedResults {
		x.fixed[ri] = make([][]byte, int(codes[len(codes)-1])+1)
		x.fixed[ri][reason.None] = appendOutcome(nil, Outcome{Result: result})
		for _, code := range codes {
			if reason.Arity(code) == 0 {
				x.fixed[ri][code] = appendOutcome(nil, Outcome{Result: result, Reason: reason.New(code)})
			}
		}
	}
	return x
}

// append appends e's line; outs are the outcomes of the encoder's metrics,
// and one with an empty Result is left out (e.Outcomes is not read).
func (x *evidenceEncoder) append(b []byte, e *Evidence, outs []Outcome) []byte {
	b = append(b, '{')
	if e.Agent != "" {
		b = appendJSONString(append(b, `"agent":`...), e.Agent)
		b = append(b, ',')
	}
	if e.Category != "" {
		b = appendJSONString(append(b, `"category":`...), e.Category)
		b = append(b, ',')
	}
	if e.Channel != "" {
		b = appendJSONString(append(b, `"channel":`...), e.Channel)
		b = append(b, ',')
	}
	if !e.Created.IsZero() {
		b = appendJSONTime(append(b, `"created":`...), e.Created)
		b = append(b, ',')
	}
	if e.Department != "" {
		b = appendJSONString(append(b, `"department":`...), e.Department)
		b = append(b, ',')
	}
	b = appendJSONString(append(b, `"id":`...), e.ID)
	if e.Key != "" {
		b = appendJSONString(append(b, `,"key":`...), e.Key)
	}
	b = appendJSONString(append(b, `,"kind":`...), e.Kind)
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
		b = append(b, x.keys[i]...)
		if ri := fixedResult(o.Result); ri >= 0 && len(o.Reason.Args) == 0 && int(o.Reason.Code) < len(x.fixed[ri]) {
			if enc := x.fixed[ri][o.Reason.Code]; enc != nil {
				b = append(b, enc...)
				continue
			}
		}
		b = appendOutcome(b, o)
	}
	b = append(b, `},"periods":{`...)
	// Periods has at most three keys, in sorted order.
	first = true
	for _, k := range [...]string{CohortCreated, CohortResolved, CohortSnapshot} {
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
	if e.Priority != "" {
		b = appendJSONString(append(b, `,"priority":`...), e.Priority)
	}
	if !e.Resolved.IsZero() {
		b = appendJSONTime(append(b, `,"resolved":`...), e.Resolved)
	}
	if e.Team != "" {
		b = appendJSONString(append(b, `,"team":`...), e.Team)
	}
	if e.Title != "" {
		b = appendJSONString(append(b, `,"title":`...), e.Title)
	}
	if e.URL != "" {
		b = appendJSONString(append(b, `,"url":`...), e.URL)
	}
	return append(b, '}', '\n')
}

// appendJSONTime appends t as time.Time's MarshalJSON does: RFC 3339 with
// the fraction it needs, quoted.
func appendJSONTime(b []byte, t time.Time) []byte {
	b = append(b, '"')
	b = t.AppendFormat(b, time.RFC3339Nano)
	return append(b, '"')
}

func appendOutcome(b []byte, o Outcome) []byte {
	switch {
	case o.Result == Measured:
		return appendJSONFloat(b, round6(o.Seconds))
	case !o.Reason.IsZero():
		b = append(b, '{')
		b = appendJSONString(b, o.Result)
		b = append(b, ':')
		b = appendJSONString(b, reason.Render(o.Reason, reason.EN))
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
