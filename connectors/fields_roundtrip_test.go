package connectors_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/go-json-experiment/json/jsontext"
	"github.com/google/go-cmp/cmp"

	"github.com/kpidesk/kpidesk/connectors"
	"github.com/kpidesk/kpidesk/connectors/file"
	"github.com/kpidesk/kpidesk/connectors/store"
)

// sampleValue returns a value of field f that every format carrying f
// accepts: a priority of its values, an absolute URL, UTC times to the
// millisecond (what the store keeps), JSON numbers as float64.
func sampleValue(f *connectors.Field) any {
	at := time.Date(2026, 3, 2, 9, 30, 15, 123e6, time.UTC)
	switch f.Kind {
	case connectors.FieldString:
		switch {
		case f.Values != nil:
			return f.Values[len(f.Values)-1]
		case f.Column == "url":
			return "https://helpdesk.example.com/browse/SD-1"
		case f.Column == "id":
			return "file:SD-9" // qualified by the source, as an export writes it
		}
		return "value of " + f.Column + " 中文"
	case connectors.FieldTime:
		return at.Add(time.Hour)
	case connectors.FieldCount:
		return 3
	case connectors.FieldBool:
		return true
	case connectors.FieldList:
		return []string{"first " + f.Column, "second"}
	case connectors.FieldEvents:
		return []connectors.Event{
			{At: at.Add(time.Minute), Kind: connectors.EventComment, Actor: "li.na", Role: connectors.RoleAgent, Public: true},
			{At: at.Add(time.Hour), Kind: connectors.EventStatus, Actor: "bot", Role: connectors.RoleBot, From: "open", To: "pending"},
		}
	case connectors.FieldSLA:
		return []connectors.SLA{{Name: "Time to resolution", Goal: 86400, Elapsed: 3600, Breached: true, Cycles: 1, Calendar: "cn"}}
	case connectors.FieldCSAT:
		return &connectors.CSAT{Value: 4, Scale: 5, At: at.Add(2 * time.Hour), Comment: "thanks"}
	case connectors.FieldMap:
		return map[string]any{"order_value": 82.62, "refund_dispute": true, "tags": []any{"a", 2.0}}
	}
	panic(fmt.Sprintf("no sample for %s", f.Kind))
}

// withField returns a complaint the import accepts, with field f set to
// its sample value.
func withField(t *testing.T, f *connectors.Field) connectors.Complaint {
	t.Helper()
	c := connectors.Complaint{ID: "file:SD-1", Source: "file", Key: "SD-1", Kind: connectors.KindComplaint,
		CreatedAt: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	if f.Name == "escalated_at" {
		c.Escalated = true // an escalation time needs an escalation
	}
	if err := f.Set(&c, sampleValue(f)); err != nil {
		t.Fatal(err)
	}
	return c
}

// TestFieldsRoundTrip walks connectors.Fields: every field survives the
// store (Put, then Each with events), and every field with an import name
// survives EncodeJSONL then Decode, and a CSV file whose cells are written
// as the format documents (SPEC §12). A field added to the table without
// its store column or its import reader fails here.
func TestFieldsRoundTrip(t *testing.T) {
	ctx := context.Background()
	for i := range connectors.Fields {
		f := &connectors.Fields[i]
		t.Run(f.Label(), func(t *testing.T) {
			c := withField(t, f)
			want := f.Get(&c)

			// Store.
			s, err := store.Open(ctx, ":memory:")
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if err := s.Put(ctx, "file", connectors.Batch{Complaints: []connectors.Complaint{c}}); err != nil {
				t.Fatal(err)
			}
			var got []connectors.Complaint
			if err := s.Each(ctx, store.Query{WithEvents: true}, func(c *connectors.Complaint) error {
				got = append(got, *c)
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			if len(got) != 1 {
				t.Fatalf("store: read %d complaints, want 1", len(got))
			}
			if diff := cmp.Diff(want, f.Get(&got[0])); diff != "" {
				t.Errorf("store: %s (-put +read):\n%s", f.Label(), diff)
			}
			if diff := cmp.Diff(c, got[0]); diff != "" {
				t.Errorf("store: complaint (-put +read):\n%s", diff)
			}

			// JSON Lines.
			var buf bytes.Buffer
			if err := file.EncodeJSONL(&buf, []connectors.Complaint{c}); err != nil {
				t.Fatal(err)
			}
			line := buf.String()
			if f.Name == "" {
				// Not in the format: the export leaves it out.
				if strings.Contains(line, `"`+f.Column+`"`) {
					t.Errorf("export writes %s, which the import format lacks: %s", f.Column, line)
				}
				return
			}
			if !strings.Contains(line, `"`+f.Name+`":`) {
				t.Errorf("export does not write %s: %s", f.Name, line)
			}
			dec := decodeOne(t, "in.jsonl", line)
			if diff := cmp.Diff(want, f.Get(&dec)); diff != "" {
				t.Errorf("JSONL: %s (-encoded +decoded):\n%s", f.Name, diff)
			}

			// CSV: the columns id, created_at and the field, each cell
			// written as the format documents it for the field's kind.
			cells := exportedValues(t, line)
			header := []string{"id", "created_at"}
			row := []string{csvCell(cells["id"], connectors.FieldString), csvCell(cells["created_at"], connectors.FieldTime)}
			if f.Name == "escalated_at" {
				header, row = append(header, "escalated"), append(row, "yes")
			}
			if f.Name != "id" && f.Name != "created_at" {
				header, row = append(header, f.Name), append(row, csvCell(cells[f.Name], f.Kind))
			}
			csv := strings.Join(header, ",") + "\n" + csvLine(row) + "\n"
			dec = decodeOne(t, "in.csv", csv)
			if diff := cmp.Diff(want, f.Get(&dec)); diff != "" {
				t.Errorf("CSV: %s (-encoded +decoded):\n%s\n%s", f.Name, diff, csv)
			}
		})
	}
}

// decodeOne decodes in, which must hold one valid complaint.
func decodeOne(t *testing.T, name, in string) connectors.Complaint {
	t.Helper()
	var got []connectors.Complaint
	res, err := file.Decode(strings.NewReader(in), name, file.Options{Source: "file"}, func(c *connectors.Complaint) error {
		got = append(got, *c)
		return nil
	})
	if err != nil || res.Invalid() || len(got) != 1 {
		t.Fatalf("Decode(%s): %v, problems %v, %d complaints\n%s", name, err, res.Problems, len(got), in)
	}
	return got[0]
}

// exportedValues returns the members of the exported JSON object.
func exportedValues(t *testing.T, line string) map[string]jsontext.Value {
	t.Helper()
	d := jsontext.NewDecoder(strings.NewReader(line))
	if _, err := d.ReadToken(); err != nil {
		t.Fatal(err)
	}
	out := map[string]jsontext.Value{}
	for d.PeekKind() != '}' {
		tok, err := d.ReadToken()
		if err != nil {
			t.Fatal(err)
		}
		name := tok.String()
		v, err := d.ReadValue()
		if err != nil {
			t.Fatal(err)
		}
		out[name] = v.Clone()
	}
	return out
}

// csvCell writes a JSON value as a CSV cell of the import format: strings
// and times as their text, numbers and booleans as written, lists of
// strings joined by ";", objects and other arrays as JSON text.
func csvCell(v jsontext.Value, kind connectors.FieldKind) string {
	switch {
	case kind == connectors.FieldList:
		var items []string
		d := jsontext.NewDecoder(bytes.NewReader(v))
		d.ReadToken()
		for d.PeekKind() != ']' {
			tok, err := d.ReadToken()
			if err != nil {
				panic(err)
			}
			items = append(items, tok.String())
		}
		return strings.Join(items, ";")
	case v.Kind() == '"':
		s, _ := jsontext.AppendUnquote(nil, v)
		return string(s)
	}
	return string(v)
}

// csvLine quotes every cell.
func csvLine(cells []string) string {
	for i, c := range cells {
		cells[i] = `"` + strings.ReplaceAll(c, `"`, `""`) + `"`
	}
	return strings.Join(cells, ",")
}
