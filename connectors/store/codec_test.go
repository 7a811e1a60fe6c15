package store

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/kpidesk/kpidesk/connectors"
)

// marshal is what encoding/json writes for v with HTML escaping off.
func marshal(t testing.TB, v any) string {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return string(bytes.TrimSuffix(buf.Bytes(), []byte{'\n'}))
}

func FuzzAppendString(f *testing.F) {
	for _, s := range []string{"", "plain", `"quoted" \ back`, "tab\tnew\nline\r\x00\x1f\x7f", "<b>&</b>",
		"中文投诉", "\u2028\u2029", "bad \xff utf8 \xe4\xb8", "emoji 😀"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := string(appendString(nil, s))
		if want := marshal(t, s); got != want {
			t.Errorf("appendString(%q) = %s, want %s", s, got, want)
		}
	})
}

// blobsOf returns the JSON text the encoder writes for each JSON field of
// c, by column ("" for NULL).
func blobsOf(t testing.TB, c *connectors.Complaint) map[string]string {
	t.Helper()
	e := newEncoder()
	for _, f := range jsonFields {
		if err := e.blob(f, c); err != nil {
			t.Fatal(err)
		}
	}
	out := map[string]string{}
	for i, v := range e.text() {
		if v != nil {
			out[jsonFields[i].Column] = v.(string)
		}
	}
	return out
}

// The hand encoder writes what encoding/json would write for the types the
// decoder reads.
func TestEncoderMatchesJSON(t *testing.T) {
	at := time.Date(2026, 10, 1, 2, 3, 4, 5e6, time.UTC)
	c := complaint(3)
	c.Labels = append(c.Labels, "a \"b\"\n")
	c.Components = []string{"Payments & Refunds", "<mobile>\u2028"}
	c.Events = append(c.Events, connectors.Event{Kind: connectors.EventLabel, From: "x\ty", To: "<z>"})
	c.SLA = append(c.SLA, connectors.SLA{Name: "paused", Paused: true, Goal: -1})
	c.Fields = map[string]any{"z": nil, "s": "<&>\u2028", "b": false, "f": 1.5e-9, "i": -3, "i64": int64(1) << 60,
		"n": json.Number("12"), "t": at, "m": map[string]int{"b": 2, "a": 1}, "l": []any{"x", 2.5}, "": "empty key"}
	tests := []struct {
		name string
		csat *connectors.CSAT
	}{
		{name: "csat", csat: &connectors.CSAT{Value: 4.5, Scale: 5, At: at, Comment: "fine"}},
		{name: "bare csat", csat: &connectors.CSAT{Value: 1e-7, Scale: 1e21}},
		{name: "negative", csat: &connectors.CSAT{Value: -0.000001, Scale: 123456789e20}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c.CSAT = tc.csat
			b := blobsOf(t, &c)
			var evs []eventJSON
			for _, e := range c.Events {
				evs = append(evs, eventJSON{At: jsonMillis(e.At), Kind: e.Kind, Actor: e.Actor, Role: e.Role, Public: e.Public, From: e.From, To: e.To})
			}
			for _, x := range []struct {
				name      string
				got, want string
			}{
				{"labels", b["labels"], marshal(t, c.Labels)},
				{"components", b["components"], marshal(t, c.Components)},
				{"events", b["events"], marshal(t, evs)},
				{"sla", b["sla"], marshal(t, c.SLA)},
			} {
				if x.got != x.want {
					t.Errorf("%s = %s, want %s", x.name, x.got, x.want)
				}
			}
			if got, want := b["csat"], marshal(t, csatJSON{tc.csat.Value, tc.csat.Scale, jsonMillis(tc.csat.At), tc.csat.Comment}); got != want {
				t.Errorf("csat = %s, want %s", got, want)
			}
			if got, want := b["fields"], marshal(t, c.Fields); got != want {
				t.Errorf("fields = %s, want %s", got, want)
			}
		})
	}
}

// FuzzDecode holds the hand decoders to encoding/json: for any input,
// both fail or both give the same value.
func FuzzDecode(f *testing.F) {
	c := complaint(7)
	c.Labels = append(c.Labels, "tab\t\"q\" \u2028 中")
	c.Components = []string{"支付", "mobile app"}
	b := blobsOf(f, &c)
	for _, s := range []string{b["labels"], b["components"], b["events"], b["sla"], b["csat"], b["fields"],
		`null`, `[]`, `{}`, `[null]`, ` [ "a" , "b" ] `, `{"AT":5,"Kind":"x","ſcale":2,"\u212aind":"k"}`,
		`["\ud83d\ude00 \ud800 \udc00x \ud800\u0041"]`, `{"a":[1,-0,1e3,1.5e-7,{"b":null}],"a":true}`,
		`[{"at":1.5}]`, `[{"at":1e2}]`, `{"value":1e400}`, `[{"public":null,"role":null}]`, `"str"`, `[1,]`, `{"a" 1}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		check := func(name string, got any, gotErr error, want any, wantErr error) {
			t.Helper()
			if (gotErr != nil) != (wantErr != nil) {
				t.Fatalf("%s(%q): err %v, encoding/json err %v", name, data, gotErr, wantErr)
			}
			if gotErr != nil {
				return
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Fatalf("%s(%q) differs from encoding/json (-json +ours):\n%s", name, data, diff)
			}
		}

		var labels []string
		werr := json.Unmarshal(data, &labels)
		got, err := decodeLabels(data, nil)
		check("decodeLabels", got, err, labels, werr)

		var evs []eventJSON
		werr = json.Unmarshal(data, &evs)
		var want []connectors.Event
		if evs != nil {
			want = []connectors.Event{}
		}
		for _, e := range evs {
			want = append(want, connectors.Event{At: fromJSONMillis(e.At), Kind: e.Kind, Actor: e.Actor, Role: e.Role, Public: e.Public, From: e.From, To: e.To})
		}
		var scratch []connectors.Event
		gotEvs, err := decodeEvents(data, newInterner(), &scratch)
		check("decodeEvents", gotEvs, err, want, werr)

		var sla []connectors.SLA
		werr = json.Unmarshal(data, &sla)
		gotSLA, err := decodeSLA(data, newInterner())
		check("decodeSLA", gotSLA, err, sla, werr)

		var cj *csatJSON
		werr = json.Unmarshal(data, &cj)
		var wantCSAT *connectors.CSAT
		if cj != nil {
			wantCSAT = &connectors.CSAT{Value: cj.Value, Scale: cj.Scale, At: fromJSONMillis(cj.At), Comment: cj.Comment}
		}
		gotCSAT, err := decodeCSAT(data)
		check("decodeCSAT", gotCSAT, err, wantCSAT, werr)

		var fields map[string]any
		werr = json.Unmarshal(data, &fields)
		gotFields, err := decodeFields(data)
		check("decodeFields", gotFields, err, fields, werr)
	})
}
