package file

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"time"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/kpidesk/kpidesk/connectors"
)

// EncodeJSONL writes complaints in the import format, one JSON object per
// line with keys in the order of the format's documentation; Decode with
// the complaints' source as Options.Source reads them back as they were.
//
// id is the complaint's ID. Zero times, zero counts, empty strings and
// empty lists are left out, except where Decode would otherwise derive a
// different value from the events: there the field is written explicitly
// (null for a zero time). The format has no place for UpdatedAt, SLA, or a
// FirstResolvedAt that is neither the events' first resolution nor
// ResolvedAt; those do not survive a round trip.
func EncodeJSONL(w io.Writer, cs []connectors.Complaint) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	// Invalid UTF-8 from a source is written as U+FFFD rather than failing
	// the whole export.
	enc := jsontext.NewEncoder(bw, jsontext.AllowInvalidUTF8(true))
	var dc connectors.Complaint // scratch, see encodeComplaint
	for i := range cs {
		if err := encodeComplaint(enc, &cs[i], &dc); err != nil {
			return fmt.Errorf("file: encode %s: %w", cs[i].ID, err)
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("file: write: %w", err)
	}
	return nil
}

// objWriter writes the members of one object, keeping the first error.
type objWriter struct {
	enc *jsontext.Encoder
	err error
}

func (o *objWriter) tok(t jsontext.Token) {
	if o.err == nil {
		o.err = o.enc.WriteToken(t)
	}
}

func (o *objWriter) str(name, v string) {
	if v != "" {
		o.tok(jsontext.String(name))
		o.tok(jsontext.String(v))
	}
}

// strs writes a list of strings unless it is empty.
func (o *objWriter) strs(name string, v []string) {
	if len(v) == 0 {
		return
	}
	o.tok(jsontext.String(name))
	o.tok(jsontext.BeginArray)
	for _, s := range v {
		o.tok(jsontext.String(s))
	}
	o.tok(jsontext.EndArray)
}

// time writes t, or null when force is set and t is zero.
func (o *objWriter) time(name string, t time.Time, force bool) {
	switch {
	case !t.IsZero():
		o.tok(jsontext.String(name))
		o.tok(jsontext.String(t.UTC().Format(time.RFC3339Nano)))
	case force:
		o.tok(jsontext.String(name))
		o.tok(jsontext.Null)
	}
}

func (o *objWriter) int(name string, v int, force bool) {
	if v != 0 || force {
		o.tok(jsontext.String(name))
		o.tok(jsontext.Int(int64(v)))
	}
}

// encodeComplaint writes c; dc is scratch space for the fields derived
// from its events.
func encodeComplaint(enc *jsontext.Encoder, c, dc *connectors.Complaint) error {
	// With events, a derived field is written whenever Decode would derive
	// something else from them: dc holds what it would derive.
	ev := len(c.Events) > 0
	if ev {
		connectors.Derive(c.Events).Apply(dc)
		// Decode takes escalated_at from the events only when the line
		// makes the complaint escalated (takeDerived).
		if !c.Escalated {
			dc.EscalatedAt = time.Time{}
		}
	}
	o := &objWriter{enc: enc}
	o.tok(jsontext.BeginObject)
	for f := range field(numFields) {
		d, name := f.def(), f.String()
		force := func(differs bool) bool { return ev && d.Derived && differs }
		switch d.Kind {
		case connectors.FieldString:
			o.str(name, *d.Str(c))
		case connectors.FieldTime:
			t := *d.Time(c)
			o.time(name, t, force(!d.Time(dc).Equal(t)))
		case connectors.FieldCount:
			n := *d.Count(c)
			o.int(name, n, force(*d.Count(dc) != n))
		case connectors.FieldBool:
			if v := *d.Bool(c); v || force(*d.Bool(dc) != v) {
				o.tok(jsontext.String(name))
				o.tok(jsontext.Bool(v))
			}
		case connectors.FieldList:
			o.strs(name, *d.List(c))
		case connectors.FieldCSAT:
			if s := *d.CSAT(c); s != nil {
				o.tok(jsontext.String(name))
				o.tok(jsontext.BeginObject)
				o.tok(jsontext.String("value"))
				o.tok(jsontext.Float(s.Value))
				o.tok(jsontext.String("scale"))
				o.tok(jsontext.Float(s.Scale))
				o.time("at", s.At, false)
				o.str("comment", s.Comment)
				o.tok(jsontext.EndObject)
			}
		case connectors.FieldEvents:
			if evs := *d.Events(c); len(evs) > 0 {
				o.tok(jsontext.String(name))
				o.tok(jsontext.BeginArray)
				for _, e := range evs {
					o.tok(jsontext.BeginObject)
					o.time("at", e.At, true)
					o.str("kind", string(e.Kind))
					o.str("actor", e.Actor)
					o.str("role", string(e.Role))
					if e.Public {
						o.tok(jsontext.String("public"))
						o.tok(jsontext.True)
					}
					o.str("from", e.From)
					o.str("to", e.To)
					o.tok(jsontext.EndObject)
				}
				o.tok(jsontext.EndArray)
			}
		case connectors.FieldMap:
			if m := *d.Map(c); len(m) > 0 {
				o.tok(jsontext.String(name))
				o.any(m)
			}
		default:
			panic("file: no writer for field " + name + " of kind " + d.Kind.String())
		}
	}
	o.tok(jsontext.EndObject)
	return o.err
}

// any writes a value of Fields: the types Decode produces, plus the other
// numbers and slices a connector may put there; anything else goes through
// encoding/json. Map keys are sorted, so the output is deterministic.
func (o *objWriter) any(v any) {
	switch v := v.(type) {
	case nil:
		o.tok(jsontext.Null)
	case string:
		o.tok(jsontext.String(v))
	case bool:
		o.tok(jsontext.Bool(v))
	case float64:
		o.tok(jsontext.Float(v))
	case float32:
		o.tok(jsontext.Float(float64(v)))
	case int:
		o.tok(jsontext.Int(int64(v)))
	case int64:
		o.tok(jsontext.Int(v))
	case int32:
		o.tok(jsontext.Int(int64(v)))
	case uint64:
		o.tok(jsontext.Uint(v))
	case []any:
		o.tok(jsontext.BeginArray)
		for _, e := range v {
			o.any(e)
		}
		o.tok(jsontext.EndArray)
	case []string:
		o.tok(jsontext.BeginArray)
		for _, e := range v {
			o.tok(jsontext.String(e))
		}
		o.tok(jsontext.EndArray)
	case map[string]any:
		o.tok(jsontext.BeginObject)
		for _, k := range slices.Sorted(maps.Keys(v)) {
			o.tok(jsontext.String(k))
			o.any(v[k])
		}
		o.tok(jsontext.EndObject)
	default:
		b, err := json.Marshal(v)
		if err != nil {
			if o.err == nil {
				o.err = err
			}
			return
		}
		if o.err == nil {
			o.err = o.enc.WriteValue(b)
		}
	}
}
