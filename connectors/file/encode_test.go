package file

import (
	"bytes"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/kpidesk/kpidesk/connectors"
)

func TestEncodeJSONL(t *testing.T) {
	cs := []connectors.Complaint{
		{
			ID: "file:A", Source: "file", Key: "A", Kind: "complaint", Title: "<b>\"hi\"</b>",
			CreatedAt: ts("2026-03-02T00:00:00Z"), Reopens: 0, AgentReplies: 1,
			FirstResponseAt: ts("2026-03-02T01:00:00.25Z"),
			Events: []connectors.Event{
				{At: ts("2026-03-02T01:00:00.25Z"), Kind: "comment", Role: "agent", Public: true},
				{At: ts("2026-03-02T02:00:00Z"), Kind: "resolved"},
			},
			// Resolved per the events, but given as open: written as null.
			FirstResolvedAt: ts("2026-03-02T02:00:00Z"),
			Labels:          []string{"vip"},
			Components:      []string{"Payments", "移动端"},
			Fields:          map[string]any{"z": 1.5, "a": []any{true, nil}},
		},
		{ID: "file:B", Source: "file", Key: "B", Kind: "inquiry", CreatedAt: ts("2026-03-02T00:00:00+08:00"), CSAT: &connectors.CSAT{Value: 9, Scale: 10}},
	}
	var buf bytes.Buffer
	if err := EncodeJSONL(&buf, cs); err != nil {
		t.Fatal(err)
	}
	want := `{"id":"file:A","created_at":"2026-03-02T00:00:00Z","first_response_at":"2026-03-02T01:00:00.25Z","resolved_at":null,"agent_replies":1,"kind":"complaint","title":"<b>\"hi\"</b>","labels":["vip"],"components":["Payments","移动端"],"events":[{"at":"2026-03-02T01:00:00.25Z","kind":"comment","role":"agent","public":true},{"at":"2026-03-02T02:00:00Z","kind":"resolved"}],"fields":{"a":[true,null],"z":1.5}}
{"id":"file:B","created_at":"2026-03-01T16:00:00Z","kind":"inquiry","csat":{"value":9,"scale":10}}
`
	if diff := cmp.Diff(want, buf.String()); diff != "" {
		t.Errorf("EncodeJSONL mismatch (-want +got):\n%s", diff)
	}
}

func TestEncodeJSONLError(t *testing.T) {
	cs := []connectors.Complaint{{ID: "file:A", CreatedAt: ts("2026-03-02T00:00:00Z"), Fields: map[string]any{"x": func() {}}}}
	err := EncodeJSONL(&bytes.Buffer{}, cs)
	if err == nil || !strings.Contains(err.Error(), "file:A") {
		t.Errorf("EncodeJSONL of an unencodable field: error = %v, want one naming the complaint", err)
	}
}

// roundTrip encodes cs and decodes the result.
func roundTrip(t testing.TB, cs []connectors.Complaint, source string) ([]connectors.Complaint, Result) {
	t.Helper()
	var buf bytes.Buffer
	if err := EncodeJSONL(&buf, cs); err != nil {
		t.Fatalf("EncodeJSONL: %v", err)
	}
	var got []connectors.Complaint
	res, err := Decode(&buf, "roundtrip.jsonl", Options{Source: source}, func(c *connectors.Complaint) error {
		got = append(got, *c)
		return nil
	})
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	return got, res
}

func TestRoundTrip(t *testing.T) {
	fromFile := func(name string) []connectors.Complaint {
		got, _ := decodeAll(t, name, readFixture(t, name), Options{})
		return got
	}
	zendesk := genComplaints(50, 2)
	for i := range zendesk {
		c := &zendesk[i]
		c.Source, c.ID = "zendesk", "zendesk:"+c.Key
	}
	tests := []struct {
		name   string
		source string
		cs     []connectors.Complaint
	}{
		{name: "generated", cs: genComplaints(2000, 1)},
		{name: "other source", source: "zendesk", cs: zendesk},
		{name: "full.jsonl", cs: fromFile("full.jsonl")},
		{name: "complaints.csv", cs: fromFile("complaints.csv")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, res := roundTrip(t, tc.cs, tc.source)
			if len(res.Problems) > 0 {
				t.Fatalf("problems: %q", problemTexts(res.Problems[:min(len(res.Problems), 5)]))
			}
			if diff := cmp.Diff(tc.cs, got); diff != "" {
				t.Errorf("EncodeJSONL → Decode mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestGeneratedShape(t *testing.T) {
	// The benchmark's complaints should look like the target: about six
	// events each.
	cs := genComplaints(1000, 1)
	events := 0
	for _, c := range cs {
		events += len(c.Events)
	}
	if avg := float64(events) / float64(len(cs)); avg < 4.5 || avg > 7 {
		t.Errorf("generated complaints have %.1f events on average, want about 6", avg)
	}
}

func TestParseTime(t *testing.T) {
	tests := []struct {
		in   string
		want time.Time
		ok   bool
	}{
		{in: "2026-03-02T09:30:00+08:00", want: ts("2026-03-02T01:30:00Z"), ok: true},
		{in: "2026-03-02T09:30:00Z", want: ts("2026-03-02T09:30:00Z"), ok: true},
		{in: "2026-03-02t09:30:00z", want: ts("2026-03-02T09:30:00Z"), ok: true},
		{in: "2026-03-02 09:30:00-05:30", want: ts("2026-03-02T15:00:00Z"), ok: true},
		{in: "2026-03-02T09:30:00.123456789Z", want: ts("2026-03-02T09:30:00.123456789Z"), ok: true},
		{in: "2026-03-02T09:30:00.1234567891Z", want: ts("2026-03-02T09:30:00.123456789Z"), ok: true},
		{in: "2024-02-29T00:00:00Z", want: ts("2024-02-29T00:00:00Z"), ok: true},
		{in: "2026-12-31T23:59:59-23:59", want: ts("2027-01-01T23:58:59Z"), ok: true},
		{in: "2026-03-02T09:30:00"},
		{in: "2026-03-02T09:30:00.5"},
		{in: "2026-03-02"},
		{in: "2025-02-29T00:00:00Z"},
		{in: "2100-02-29T00:00:00Z"},
		{in: "2026-13-01T00:00:00Z"},
		{in: "2026-00-01T00:00:00Z"},
		{in: "2026-03-02T24:00:00Z"},
		{in: "2026-03-02T23:60:00Z"},
		{in: "2026-03-02T23:59:60Z"},
		{in: "2026-03-02T09:30:00.Z"},
		{in: "2026-03-02T09:30:00+0800"},
		{in: "2026-03-02T09:30:00+24:00"},
		{in: "2026-03-02T09:30:00Z "},
		{in: "2026-03-02T09:30:00ZZ"},
		{in: "+026-03-02T09:30:00Z"},
		{in: "2026-03-02X09:30:00Z"},
		{in: "1900-01-01T00:00:00Z", want: ts("1900-01-01T00:00:00Z"), ok: true},
		{in: "1899-12-30T00:00:00Z"},
		{in: "0001-01-01T00:00:00Z"},
		{in: "9999-12-31T23:59:59-01:00"},
	}
	for _, tc := range tests {
		got, reason := parseTime(tc.in)
		if ok := reason == ""; ok != tc.ok || !got.Equal(tc.want) || (ok && got.Location() != time.UTC) {
			t.Errorf("parseTime(%q) = %v, %q, want %v, ok %v", tc.in, got, reason, tc.want, tc.ok)
		}
	}
}

// FuzzParseTime checks parseTime against time.Parse: what parseTime
// accepts, time.Parse accepts as RFC 3339 too (after writing the T and Z
// that RFC 3339 lets be a space and lower case), with the same instant.
// time.Parse is more lenient (a one-digit hour, offset minute 60), so the
// converse is TestParseTimeFormats.
func FuzzParseTime(f *testing.F) {
	for _, s := range []string{"2026-03-02T09:30:00+08:00", "2026-03-02 09:30:00.123z", "2024-02-29T23:59:59-00:30"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, reason := parseTime(s)
		if reason != "" {
			return
		}
		norm := []byte(s)
		norm[10] = 'T'
		if norm[len(norm)-1] == 'z' {
			norm[len(norm)-1] = 'Z'
		}
		want, err := time.Parse(time.RFC3339Nano, string(norm))
		if err != nil || !got.Equal(want) || got.Location() != time.UTC {
			t.Errorf("parseTime(%q) = %v; time.Parse = %v, %v", s, got, want, err)
		}
	})
}

// TestParseTimeFormats parses random instants as Format writes them, in
// random zones and precisions.
func TestParseTimeFormats(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	layouts := []string{time.RFC3339, time.RFC3339Nano, "2006-01-02T15:04:05.000Z07:00", "2006-01-02 15:04:05.999999Z07:00"}
	lo, hi := ts("1900-01-02T00:00:00Z").Unix(), ts("9999-12-30T00:00:00Z").Unix()
	for range 20_000 {
		tm := time.Unix(lo+r.Int64N(hi-lo), r.Int64N(1e9))
		zone := time.FixedZone("", (r.IntN(2*1439+1)-1439)*60) // ±23:59
		s := tm.In(zone).Format(layouts[r.IntN(len(layouts))])
		want, err := time.Parse(time.RFC3339Nano, strings.Replace(s, " ", "T", 1))
		if err != nil {
			t.Fatal(err)
		}
		got, reason := parseTime(s)
		if reason != "" || !got.Equal(want) {
			t.Fatalf("parseTime(%q) = %v, %q, want %v", s, got, reason, want)
		}
	}
}
