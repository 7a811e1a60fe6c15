package inputs_test

import (
	"bytes"
	"encoding/csv"
	"errors"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/kpidesk/kpidesk/scoring/inputs"
)

func FuzzParseCSV(f *testing.F) {
	orders, err := os.ReadFile("testdata/orders.csv")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(orders)
	f.Add([]byte("\ufeffRater,value,UNIT,period,metric\r\nself,87.5%,agent:a1,2025-H2,review_360\r\nqa,\"1,234.5\",agent:a1,2025-H2,review_360\r\n"))
	f.Add([]byte("metric,unit,period,value\norders,org,2025-13,1e400\norders,team:,2025-Q5,\"87,5\"\n"))
	f.Add([]byte("metric,unit,period,value\norders,\"team:t\n1\",2025,1\n\"x"))
	f.Add([]byte("metric,unit,period,value,rater\nr,org,2025,1,\nr,org,2025,2,a\nr,org,2025,1%,b\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := inputs.Parse(bytes.NewReader(data), "fuzz.csv")
		if err != nil {
			if s != nil {
				t.Fatalf("Parse returned a set and %v", err)
			}
			var ps inputs.Problems
			if !errors.As(err, &ps) || len(ps) == 0 {
				t.Fatalf("Parse error %T %v, want Problems", err, err)
			}
			for _, p := range ps {
				if p.File != "fuzz.csv" || p.Line < 1 || p.Field == "" || p.Reason == "" {
					t.Fatalf("Parse problem %+v lacks a position, field or reason", p)
				}
			}
			return
		}
		rows := s.Rows()
		for _, r := range rows {
			if math.IsInf(r.Value, 0) || math.IsNaN(r.Value) {
				t.Fatalf("Parse row %+v has a value that is not finite", r)
			}
			v, ok, got := s.Value(r.Metric, r.Unit, r.Period, nil)
			if !ok || len(got) == 0 || math.IsNaN(v) {
				t.Fatalf("Value(%s, %s, %s) = %v, %v for a parsed row", r.Metric, r.Unit, r.Period, v, ok)
			}
		}
		// Writing the rows back as CSV must give them again.
		var buf bytes.Buffer
		w := csv.NewWriter(&buf)
		w.Write([]string{"metric", "unit", "period", "value", "rater"})
		for _, r := range rows {
			w.Write([]string{r.Metric, r.Unit, r.Period, strconv.FormatFloat(r.Value, 'g', -1, 64), r.Rater})
		}
		w.Flush()
		again, err := inputs.Parse(&buf, "again.csv")
		if err != nil {
			t.Fatalf("Parse of rewritten rows: %v\n%s", err, strings.TrimSpace(buf.String()))
		}
		if diff := cmp.Diff(rows, again.Rows(), cmpopts.IgnoreFields(inputs.Row{}, "File", "Line"), cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("round trip (-first +again):\n%s", diff)
		}
	})
}

func FuzzParseYAML(f *testing.F) {
	for _, name := range []string{"testdata/review.yaml", "testdata/satisfaction.yaml"} {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("orders:\n  org: &x\n    2025: 1\n  team:t1: *x\n"))
	f.Add([]byte("- {metric: m, unit: org, period: 2025, value: .nan, rater: ~}\n---\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := inputs.Parse(bytes.NewReader(data), "fuzz.yaml")
		if err != nil {
			var ps inputs.Problems
			if s != nil || !errors.As(err, &ps) || len(ps) == 0 {
				t.Fatalf("Parse = %v, %T %v; want nil and Problems", s, err, err)
			}
			for _, p := range ps {
				if p.File != "fuzz.yaml" || p.Line < 0 || p.Field == "" || p.Reason == "" {
					t.Fatalf("Parse problem %+v lacks a file, field or reason", p)
				}
			}
			return
		}
		for _, r := range s.Rows() {
			if _, ok, _ := s.Value(r.Metric, r.Unit, r.Period, nil); !ok || math.IsInf(r.Value, 0) || math.IsNaN(r.Value) {
				t.Fatalf("parsed row %+v has no finite value", r)
			}
		}
	})
}
