package scoring

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/kpidesk/kpidesk/internal/reason"
)

func TestAppendEvidenceMatchesJSON(t *testing.T) {
	ids := []string{"a_metric", "b_metric", "c_metric", "d_metric", "e_metric"}
	outs := []Outcome{{Result: Hit}, {Result: Measured, Seconds: 1234.5678901}, {}, {Result: Excluded, Reason: reason.New(reason.NoEvent, reason.Event(`label:"survey" <answer> & more`))}, {Result: Measured, Seconds: 0}}
	for _, e := range []Evidence{
		{ID: "x:1", Kind: "complaint", Periods: map[string]string{"created": "2025-10"}},
		{ID: "x:2", Key: "K-2", Kind: "suggestion", Agent: "a", Team: "t", Department: "d", Title: "<script>alert(\"x\")</script>\u2028\x01\t",
			URL: "https://h.example/browse/K-2?a=1&b=2", Periods: map[string]string{"created": "2025-10", "resolved": "2025-11", "snapshot": "2025-10..2025-11"}},
		{ID: "x:3", Kind: "complaint", Title: "bad utf-8: \xff\xfe end", Periods: map[string]string{}},
		{ID: "x:4", Kind: "complaint", Department: "d", Team: "t", Periods: map[string]string{"resolved": "2025-11"}},
		{ID: "x:5", Kind: "complaint", Agent: "a&b", URL: "u", Periods: map[string]string{"snapshot": "2025-10..2025-10"}},
		{ID: "x:6", Kind: "complaint", Category: "billing<&>", Channel: "phone", Priority: "high", Team: "t",
			Created: time.Date(2025, 10, 3, 4, 5, 6, 123000000, time.UTC), Resolved: time.Date(2025, 11, 1, 0, 0, 0, 0, time.UTC),
			Periods: map[string]string{"created": "2025-10", "resolved": "2025-11"}},
		{ID: "x:7", Kind: "complaint", Channel: "chat", Created: time.Date(2025, 10, 3, 4, 5, 6, 0, time.UTC), Periods: map[string]string{"created": "2025-10"}},
	} {
		e.Outcomes = map[string]Outcome{}
		for i, o := range outs {
			if o.Result != "" {
				e.Outcomes[ids[i]] = o
			}
		}
		want, err := json.Marshal(&e)
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, '\n')
		if got := newEvidenceEncoder(ids).append(nil, &e, outs); string(got) != string(want) {
			t.Errorf("appendEvidence =\n%s\nwant\n%s", got, want)
		}
	}
}

func FuzzAppendJSONString(f *testing.F) {
	for _, s := range []string{"", "plain", `"quoted" \ back`, "<>&", "\u2028\u2029", "\x00\x1f\x7f", "\xff", "中文", "\b\f\n\r\t"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, _ := json.Marshal(s)
		if got := appendJSONString(nil, s); string(got) != string(want) {
			t.Errorf("appendJSONString(%q) = %s, want %s", s, got, want)
		}
	})
}

func FuzzAppendJSONFloat(f *testing.F) {
	for _, v := range []float64{0, 1, -1, 0.5, 1e-7, 1e21, 123456.789, 1e-6} {
		f.Add(v)
	}
	f.Fuzz(func(t *testing.T, v float64) {
		want, err := json.Marshal(v)
		if err != nil {
			return // NaN and infinities are never written
		}
		if got := appendJSONFloat(nil, v); string(got) != string(want) {
			t.Errorf("appendJSONFloat(%v) = %s, want %s", v, got, want)
		}
	})
}

func TestOutcomeUnmarshal(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Outcome
		bad  bool
	}{
		{in: `"hit"`, want: Outcome{Result: Hit}},
		{in: `"mi\u0073s"`, want: Outcome{Result: Miss}}, // an escape: through the decoder
		{in: `"待定"`, want: Outcome{Result: "待定"}},
		{in: `1234.5`, want: Outcome{Result: Measured, Seconds: 1234.5}},
		{in: `-0.25`, want: Outcome{Result: Measured, Seconds: -0.25}},
		{in: `1e3`, want: Outcome{Result: Measured, Seconds: 1000}},
		{in: `0`, want: Outcome{Result: Measured}},
		{in: `{"excluded":"not resolved"}`, want: Outcome{Result: Excluded, Reason: reason.New(reason.NotResolved)}},
		{in: `true`, bad: true},
		{in: `{"a":"x","b":"y"}`, bad: true},
		{in: `[1]`, bad: true},
	} {
		var got Outcome
		err := json.Unmarshal([]byte(tc.in), &got)
		if tc.bad {
			if err == nil {
				t.Errorf("%s: no error, got %+v", tc.in, got)
			}
			continue
		}
		if err != nil || got.Result != tc.want.Result || got.Seconds != tc.want.Seconds || got.Reason.Code != tc.want.Reason.Code {
			t.Errorf("%s: got %+v, %v; want %+v", tc.in, got, err, tc.want)
		}
	}
}
