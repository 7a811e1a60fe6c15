package store

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/kpidesk/kpidesk/connectors"
	"github.com/kpidesk/kpidesk/internal/jsonstr"
)

// millis is how a time is stored: unix milliseconds UTC, NULL when zero.
func millis(t time.Time) sql.NullInt64 {
	if t.IsZero() {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: t.UnixMilli(), Valid: true}
}

// millisArg is millis as a statement argument: an int64, or nil for NULL.
func millisArg(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixMilli()
}

// fromMillis is the inverse of millis.
func fromMillis(n sql.NullInt64) time.Time {
	if !n.Valid {
		return time.Time{}
	}
	return time.UnixMilli(n.Int64).UTC()
}

// jsonMillis is a time inside a JSON blob: unix milliseconds, 0 (and so
// omitted) when zero. The epoch itself reads back as the zero time.
func jsonMillis(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

func fromJSONMillis(ms int64) time.Time {
	if ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms).UTC()
}

// eventJSON is the shape of an Event in complaint_events.events; its time
// is unix milliseconds like every other time in the store. The encoder and
// decoder do not use it (they work by hand); the tests hold them to it.
type eventJSON struct {
	At     int64                `json:"at,omitempty"`
	Kind   connectors.EventKind `json:"kind"`
	Actor  string               `json:"actor,omitempty"`
	Role   connectors.Role      `json:"role,omitempty"`
	Public bool                 `json:"public,omitempty"`
	From   string               `json:"from,omitempty"`
	To     string               `json:"to,omitempty"`
}

// csatJSON is the shape of a CSAT in complaints.csat, as eventJSON is.
type csatJSON struct {
	Value   float64 `json:"value"`
	Scale   float64 `json:"scale"`
	At      int64   `json:"at,omitempty"`
	Comment string  `json:"comment,omitempty"`
}

// encoder turns the slices and maps of a group of complaints into JSON
// text, end to end in one buffer that it reuses from group to group.
// Events, labels (and components, stored alike), SLA records and CSAT are
// written by hand, byte for byte what encoding/json writes for eventJSON,
// csatJSON, connectors.SLA and the Fields map: at six events a complaint,
// reflection was a third of the cost of an import.
type encoder struct {
	buf   []byte
	spans []span // one per JSON value appended since reset
	keys  []string
	js    bytes.Buffer
	enc   *json.Encoder
}

// span is where one JSON value lies in encoder.buf; start < 0 is NULL.
type span struct{ start, end int }

func newEncoder() *encoder {
	e := &encoder{}
	e.enc = json.NewEncoder(&e.js)
	// Stored as written; escaping for HTML is the renderer's job.
	e.enc.SetEscapeHTML(false)
	return e
}

// reset empties the buffer for the next group.
func (e *encoder) reset() { e.buf, e.spans = e.buf[:0], e.spans[:0] }

// blob appends the JSON text of field f of c, a field of a JSON kind, and
// records its span: NULL (no span) when it is nil or empty.
func (e *encoder) blob(f *connectors.Field, c *connectors.Complaint) error {
	start := len(e.buf)
	var err error
	switch f.Kind {
	case connectors.FieldList:
		if v := *f.List(c); len(v) > 0 {
			e.buf = e.labels(e.buf, v)
		}
	case connectors.FieldSLA:
		if v := *f.SLA(c); len(v) > 0 {
			e.buf = e.sla(e.buf, v)
		}
	case connectors.FieldCSAT:
		if v := *f.CSAT(c); v != nil {
			e.buf, err = appendCSAT(e.buf, v)
		}
	case connectors.FieldEvents:
		if v := *f.Events(c); len(v) > 0 {
			e.buf = e.events(e.buf, v)
		}
	case connectors.FieldMap:
		if v := *f.Map(c); len(v) > 0 {
			e.buf, err = e.fields(e.buf, v)
		}
	default:
		panic("store: no JSON for field " + f.Column + " of kind " + f.Kind.String())
	}
	if err != nil {
		e.buf = e.buf[:start]
		return fmt.Errorf("%s: %w", f.Column, err)
	}
	sp := span{start, len(e.buf)}
	if sp.end == start {
		sp.start = -1
	}
	e.spans = append(e.spans, sp)
	return nil
}

// text returns the JSON values appended since reset, in order, as strings
// that share one allocation, or nil for NULL.
func (e *encoder) text() []any {
	all := string(e.buf)
	out := make([]any, len(e.spans))
	for i, sp := range e.spans {
		if sp.start >= 0 {
			out[i] = all[sp.start:sp.end]
		}
	}
	return out
}

// fields writes m as encoding/json does, keys sorted; it writes the usual
// scalar values itself and hands anything else to encoding/json.
func (e *encoder) fields(buf []byte, m map[string]any) ([]byte, error) {
	e.keys = e.keys[:0]
	for k := range m {
		e.keys = append(e.keys, k)
	}
	slices.Sort(e.keys)
	buf = append(buf, '{')
	for i, k := range e.keys {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = appendString(buf, k)
		buf = append(buf, ':')
		var err error
		switch v := m[k].(type) {
		case nil:
			buf = append(buf, "null"...)
		case string:
			buf = appendString(buf, v)
		case bool:
			buf = strconv.AppendBool(buf, v)
		case float64:
			buf, err = appendFloat(buf, v)
		case int:
			buf = strconv.AppendInt(buf, int64(v), 10)
		case int64:
			buf = strconv.AppendInt(buf, v, 10)
		default:
			e.js.Reset()
			if err = e.enc.Encode(v); err == nil {
				buf = append(buf, bytes.TrimSuffix(e.js.Bytes(), []byte{'\n'})...)
			}
		}
		if err != nil {
			return buf, fmt.Errorf("%s: %w", k, err)
		}
	}
	return append(buf, '}'), nil
}

func (e *encoder) labels(buf []byte, labels []string) []byte {
	buf = append(buf, '[')
	for i, l := range labels {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = appendString(buf, l)
	}
	return append(buf, ']')
}

func (e *encoder) events(buf []byte, evs []connectors.Event) []byte {
	buf = append(buf, '[')
	for i := range evs {
		ev := &evs[i]
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = append(buf, '{')
		if ms := jsonMillis(ev.At); ms != 0 {
			buf = append(buf, `"at":`...)
			buf = strconv.AppendInt(buf, ms, 10)
			buf = append(buf, ',')
		}
		buf = append(buf, `"kind":`...)
		buf = appendString(buf, string(ev.Kind))
		buf = appendField(buf, "actor", ev.Actor)
		buf = appendField(buf, "role", string(ev.Role))
		if ev.Public {
			buf = append(buf, `,"public":true`...)
		}
		buf = appendField(buf, "from", ev.From)
		buf = appendField(buf, "to", ev.To)
		buf = append(buf, '}')
	}
	return append(buf, ']')
}

func (e *encoder) sla(buf []byte, slas []connectors.SLA) []byte {
	buf = append(buf, '[')
	for i := range slas {
		r := &slas[i]
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = append(buf, `{"name":`...)
		buf = appendString(buf, r.Name)
		buf = appendInt(buf, "goal_seconds", r.Goal)
		buf = appendInt(buf, "elapsed_seconds", r.Elapsed)
		if r.Breached {
			buf = append(buf, `,"breached":true`...)
		}
		if r.Paused {
			buf = append(buf, `,"paused":true`...)
		}
		buf = appendInt(buf, "cycles", int64(r.Cycles))
		buf = appendField(buf, "calendar", r.Calendar)
		buf = append(buf, '}')
	}
	return append(buf, ']')
}

func appendCSAT(buf []byte, c *connectors.CSAT) ([]byte, error) {
	buf = append(buf, `{"value":`...)
	buf, err := appendFloat(buf, c.Value)
	if err != nil {
		return buf, fmt.Errorf("value: %w", err)
	}
	buf = append(buf, `,"scale":`...)
	if buf, err = appendFloat(buf, c.Scale); err != nil {
		return buf, fmt.Errorf("scale: %w", err)
	}
	buf = appendInt(buf, "at", jsonMillis(c.At))
	buf = appendField(buf, "comment", c.Comment)
	return append(buf, '}'), nil
}

// appendField appends ,"name":"v" unless v is empty (omitempty).
func appendField(buf []byte, name, v string) []byte {
	if v == "" {
		return buf
	}
	buf = append(buf, ',', '"')
	buf = append(buf, name...)
	buf = append(buf, '"', ':')
	return appendString(buf, v)
}

// appendInt appends ,"name":n unless n is 0 (omitempty).
func appendInt(buf []byte, name string, n int64) []byte {
	if n == 0 {
		return buf
	}
	buf = append(buf, ',', '"')
	buf = append(buf, name...)
	buf = append(buf, '"', ':')
	return strconv.AppendInt(buf, n, 10)
}

// appendFloat appends f as encoding/json does (ES6 number formatting);
// JSON has no NaN or infinity.
func appendFloat(buf []byte, f float64) ([]byte, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return buf, fmt.Errorf("unsupported value %v", f)
	}
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	buf = strconv.AppendFloat(buf, f, format, -1, 64)
	if n := len(buf); format == 'e' && n >= 4 && buf[n-4] == 'e' && buf[n-3] == '-' && buf[n-2] == '0' {
		buf[n-2] = buf[n-1] // e-09 to e-9
		buf = buf[:n-1]
	}
	return buf, nil
}

// appendString appends s as a JSON string the way encoding/json does
// without HTML escaping.
func appendString(buf []byte, s string) []byte { return jsonstr.Append(buf, s, false) }
