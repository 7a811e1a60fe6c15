package sitegen

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/kpidesk/kpidesk/internal/reason"
	"github.com/kpidesk/kpidesk/scoring"
)

func TestSpillRoundTrip(t *testing.T) {
	recs := []*drillRec{
		{ID: "x:1", Out: map[string]scoring.Outcome{}},
		{Team: "care-east", ID: "jira:SD-1", Key: "SD-1", Title: "退款 </script>\x00\u2028", URL: "https://h.example/SD-1",
			Created: "2025-10", Resolved: "2025-11", At: 1759442706123, Done: -5, Priority: "high", Channel: "phone", Category: "billing",
			Agent: "zhang.wei", Pages: []string{"agent:zhang.wei", "team:care-east"},
			Out: map[string]scoring.Outcome{
				"response_rate":       {Result: scoring.Hit},
				"first_response_time": {Result: scoring.Measured, Seconds: 7431.5},
				"csat":                {Result: scoring.Excluded, Reason: reason.New(reason.NoSurveyAnswer)},
				"custom":              {Result: scoring.Miss, Reason: reason.New(reason.NotResolved, reason.Text("a"), reason.Int(3))},
			}},
	}
	var b []byte
	for _, r := range recs {
		b = appendRec(b, r)
	}
	sr := spillReader{b: b, common: map[string]string{}}
	var got []*drillRec
	for {
		r, err := sr.next()
		if err != nil {
			t.Fatal(err)
		}
		if r == nil {
			break
		}
		got = append(got, r)
	}
	if diff := cmp.Diff(recs, got, cmp.AllowUnexported(drillRec{}, reason.Arg{}), cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("read back (-wrote +read):\n%s", diff)
	}
	// A file cut short, or with a record's bytes changed, is an error, not
	// a list with a record missing.
	longer := append([]byte{}, b...)
	longer[0]++ // the first record claims a byte of the second
	for _, bad := range [][]byte{b[:len(b)-1], b[:2], longer} {
		sr := spillReader{b: bad, common: map[string]string{}}
		var err error
		for r := (&drillRec{}); r != nil && err == nil; {
			r, err = sr.next()
		}
		if err == nil {
			t.Errorf("a corrupt spill of %d bytes reads without error", len(bad))
		}
	}
}
