package store

import (
	"bytes"
	"testing"

	"github.com/go-json-experiment/json/jsontext"
	"github.com/google/go-cmp/cmp"

	"github.com/kpidesk/kpidesk/connectors"
)

// The store codec is written by hand; these benchmarks measure what
// jsontext, the JSON engine of the importer and the export, would cost in
// its place on the hottest blob, a complaint's events (six on average in
// the demo, half the bytes of a store):
//
//	go test -run '^$' -bench Engine -benchtime 200000x ./connectors/store/
//
// The jsontext versions below read and write the same JSON as the hand
// codec (TestEngineEquivalent), with interning and scratch reuse as the
// hand decoder has, so that only the engine differs.

func engineEvents() ([]connectors.Event, []byte) {
	c := complaint(3)
	c.Events = append(c.Events, c.Events...)
	b := (&encoder{}).events(nil, c.Events)
	return c.Events, b
}

// jsontextEvents decodes an events blob through a jsontext.Decoder.
func jsontextEvents(d *jsontext.Decoder, b []byte, strs *interner, scratch []connectors.Event) ([]connectors.Event, []connectors.Event, error) {
	d.Reset(bytes.NewReader(b), jsontext.AllowDuplicateNames(true))
	evs := scratch[:0]
	if _, err := d.ReadToken(); err != nil {
		return nil, evs, err
	}
	str := func() (string, error) {
		v, err := d.ReadValue()
		if err != nil {
			return "", err
		}
		if v.Kind() == 'n' {
			return "", nil
		}
		if bytes.IndexByte(v, '\\') < 0 {
			return strs.get(v[1 : len(v)-1]), nil // no escapes: as the hand decoder does
		}
		u, err := jsontext.AppendUnquote(nil, v)
		return strs.get(u), err
	}
	for d.PeekKind() != ']' {
		var e connectors.Event
		if _, err := d.ReadToken(); err != nil {
			return nil, evs, err
		}
		for d.PeekKind() != '}' {
			name, err := d.ReadValue()
			if err != nil {
				return nil, evs, err
			}
			var s string
			switch string(name) {
			case `"at"`:
				tok, err := d.ReadToken()
				if err != nil {
					return nil, evs, err
				}
				e.At = fromJSONMillis(tok.Int())
			case `"kind"`:
				s, err = str()
				e.Kind = connectors.EventKind(s)
			case `"actor"`:
				e.Actor, err = str()
			case `"role"`:
				s, err = str()
				e.Role = connectors.Role(s)
			case `"public"`:
				var tok jsontext.Token
				tok, err = d.ReadToken()
				e.Public = err == nil && tok.Kind() == 't'
			case `"from"`:
				e.From, err = str()
			case `"to"`:
				e.To, err = str()
			default:
				err = d.SkipValue()
			}
			if err != nil {
				return nil, evs, err
			}
		}
		if _, err := d.ReadToken(); err != nil {
			return nil, evs, err
		}
		evs = append(evs, e)
	}
	_, err := d.ReadToken()
	return exact(evs, true), evs, err
}

// jsontextEncodeEvents writes an events blob through a jsontext.Encoder.
func jsontextEncodeEvents(enc *jsontext.Encoder, evs []connectors.Event) error {
	str := func(name, v string) {
		if v != "" {
			enc.WriteToken(jsontext.String(name))
			enc.WriteToken(jsontext.String(v))
		}
	}
	enc.WriteToken(jsontext.BeginArray)
	for i := range evs {
		e := &evs[i]
		enc.WriteToken(jsontext.BeginObject)
		if ms := jsonMillis(e.At); ms != 0 {
			enc.WriteToken(jsontext.String("at"))
			enc.WriteToken(jsontext.Int(ms))
		}
		enc.WriteToken(jsontext.String("kind"))
		enc.WriteToken(jsontext.String(string(e.Kind)))
		str("actor", e.Actor)
		str("role", string(e.Role))
		if e.Public {
			enc.WriteToken(jsontext.String("public"))
			enc.WriteToken(jsontext.True)
		}
		str("from", e.From)
		str("to", e.To)
		enc.WriteToken(jsontext.EndObject)
	}
	return enc.WriteToken(jsontext.EndArray)
}

func TestEngineEquivalent(t *testing.T) {
	evs, b := engineEvents()
	var d jsontext.Decoder
	got, _, err := jsontextEvents(&d, b, newInterner(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(evs, got); diff != "" {
		t.Errorf("jsontext decoder (-hand +jsontext):\n%s", diff)
	}
	var buf bytes.Buffer
	enc := jsontext.NewEncoder(&buf, jsontext.AllowInvalidUTF8(true), jsontext.AllowDuplicateNames(true))
	if err := jsontextEncodeEvents(enc, evs); err != nil {
		t.Fatal(err)
	}
	if got := bytes.TrimSuffix(buf.Bytes(), []byte("\n")); !bytes.Equal(got, b) {
		t.Errorf("jsontext encoder wrote\n%s\nwant\n%s", got, b)
	}
}

func BenchmarkEngine(b *testing.B) {
	evs, blob := engineEvents()
	b.Run("decode/hand", func(b *testing.B) {
		d := decoder{strs: newInterner()}
		b.SetBytes(int64(len(blob)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := d.events(blob); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("decode/jsontext", func(b *testing.B) {
		var d jsontext.Decoder
		strs := newInterner()
		var scratch []connectors.Event
		b.SetBytes(int64(len(blob)))
		b.ReportAllocs()
		for b.Loop() {
			var err error
			if _, scratch, err = jsontextEvents(&d, blob, strs, scratch); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("encode/hand", func(b *testing.B) {
		e := &encoder{}
		b.SetBytes(int64(len(blob)))
		b.ReportAllocs()
		for b.Loop() {
			e.buf = e.events(e.buf[:0], evs)
		}
	})
	b.Run("encode/jsontext", func(b *testing.B) {
		var buf bytes.Buffer
		enc := jsontext.NewEncoder(&buf, jsontext.AllowInvalidUTF8(true), jsontext.AllowDuplicateNames(true))
		b.SetBytes(int64(len(blob)))
		b.ReportAllocs()
		for b.Loop() {
			buf.Reset()
			enc.Reset(&buf, jsontext.AllowInvalidUTF8(true), jsontext.AllowDuplicateNames(true))
			if err := jsontextEncodeEvents(enc, evs); err != nil {
				b.Fatal(err)
			}
		}
	})
}
