package scoring

import (
	"encoding/json"
	"testing"

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
