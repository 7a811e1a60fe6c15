package inputs_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/kpidesk/kpidesk/scoring/inputs"
)

func parse(t *testing.T, name, text string) (*inputs.Set, error) {
	t.Helper()
	return inputs.Parse(strings.NewReader(text), name)
}

func TestParseCSV(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []inputs.Row
	}{
		{
			name: "plain",
			in:   "metric,unit,period,value\norders,team:t1,2025-10,12000\n",
			want: []inputs.Row{{Metric: "orders", Unit: "team:t1", Period: "2025-10", Value: 12000, File: "in.csv", Line: 2}},
		},
		{
			name: "columns in any order and case, with rater, sorted by rater",
			in: "Rater, VALUE ,Unit,Period,Metric\n" +
				"supervisor,80,agent:a1,2025-10,review_360\n" +
				"self,90,agent:a1,2025-10,review_360\n",
			want: []inputs.Row{
				{Metric: "review_360", Unit: "agent:a1", Period: "2025-10", Value: 90, Rater: "self", File: "in.csv", Line: 3},
				{Metric: "review_360", Unit: "agent:a1", Period: "2025-10", Value: 80, Rater: "supervisor", File: "in.csv", Line: 2},
			},
		},
		{
			name: "byte order mark and CRLF",
			in:   "\ufeffmetric,unit,period,value\r\norders,org,2025,1\r\n",
			want: []inputs.Row{{Metric: "orders", Unit: "org:org", Period: "2025", Value: 1, File: "in.csv", Line: 2}},
		},
		{
			name: "percent is a fraction",
			in:   "metric,unit,period,value\nemployee_satisfaction,department:d1,2025-H2,87.5%\nemployee_satisfaction,department:d2,2025-H2, 80 % \n",
			want: []inputs.Row{
				{Metric: "employee_satisfaction", Unit: "department:d1", Period: "2025-H2", Value: 0.875, File: "in.csv", Line: 2},
				{Metric: "employee_satisfaction", Unit: "department:d2", Period: "2025-H2", Value: 0.8, File: "in.csv", Line: 3},
			},
		},
		{
			name: "quoted thousands separators",
			in:   "metric,unit,period,value\norders,org,2025-Q4,\"1,234,567.5\"\norders,team:t1,2025-Q4,\"-12,000\"\n",
			want: []inputs.Row{
				{Metric: "orders", Unit: "org:org", Period: "2025-Q4", Value: 1234567.5, File: "in.csv", Line: 2},
				{Metric: "orders", Unit: "team:t1", Period: "2025-Q4", Value: -12000, File: "in.csv", Line: 3},
			},
		},
		{
			name: "blank rows and empty rater",
			in:   "metric,unit,period,value,rater\n,,,,\norders,org,2025-01,5,\n\n",
			want: []inputs.Row{{Metric: "orders", Unit: "org:org", Period: "2025-01", Value: 5, File: "in.csv", Line: 3}},
		},
		{
			name: "line of a row after a multi-line cell",
			in:   "metric,unit,period,value\norders,team:t1,2025-10,\"1\n\"\norders,team:t2,2025-10,2\n",
			want: []inputs.Row{
				{Metric: "orders", Unit: "team:t1", Period: "2025-10", Value: 1, File: "in.csv", Line: 2},
				{Metric: "orders", Unit: "team:t2", Period: "2025-10", Value: 2, File: "in.csv", Line: 4},
			},
		},
		{
			name: "IDs keep inner spaces and other scripts",
			in:   "metric,unit,period,value\nattitude,agent:Li Wei,2025-12,4.5\nattitude,team:售后一组,2025-12,4.8\n",
			want: []inputs.Row{
				{Metric: "attitude", Unit: "agent:Li Wei", Period: "2025-12", Value: 4.5, File: "in.csv", Line: 2},
				{Metric: "attitude", Unit: "team:售后一组", Period: "2025-12", Value: 4.8, File: "in.csv", Line: 3},
			},
		},
		{
			name: "header only",
			in:   "metric,unit,period,value\n",
		},
		{
			name: "empty file",
			in:   "",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := parse(t, "in.csv", tc.in)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if diff := cmp.Diff(tc.want, s.Rows(), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("Parse rows (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseYAML(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []inputs.Row
	}{
		{
			name: "list",
			in: "- metric: employee_satisfaction\n  unit: team:t1\n  period: 2025-Q4\n  value: 86%\n" +
				"- {metric: orders, unit: org, period: 2025-10, value: 12,000}\n" +
				"- {Metric: qa_score, Unit: agent:a1, Period: \"2025\", Value: \"92\", rater: ~}\n",
			want: []inputs.Row{
				{Metric: "employee_satisfaction", Unit: "team:t1", Period: "2025-Q4", Value: 0.86, File: "in.yaml", Line: 1},
				{Metric: "orders", Unit: "org:org", Period: "2025-10", Value: 0, File: "in.yaml", Line: 5},
				{Metric: "qa_score", Unit: "agent:a1", Period: "2025", Value: 92, File: "in.yaml", Line: 6},
			},
		},
		{
			name: "nested, with raters, lines of the values",
			in: "orders:\n" +
				"  team:t1:\n" +
				"    2025-10: 12,000\n" +
				"    2025: 1_000\n" +
				"review_360:\n" +
				"  agent:a1:\n" +
				"    2025-10: {self: 90, supervisor: 80}\n" +
				"    2025-11:\n" +
				"      qa: 70\n",
			want: []inputs.Row{
				{Metric: "orders", Unit: "team:t1", Period: "2025", Value: 1000, File: "in.yaml", Line: 4},
				{Metric: "orders", Unit: "team:t1", Period: "2025-10", Value: 12000, File: "in.yaml", Line: 3},
				{Metric: "review_360", Unit: "agent:a1", Period: "2025-10", Value: 90, Rater: "self", File: "in.yaml", Line: 7},
				{Metric: "review_360", Unit: "agent:a1", Period: "2025-10", Value: 80, Rater: "supervisor", File: "in.yaml", Line: 7},
				{Metric: "review_360", Unit: "agent:a1", Period: "2025-11", Value: 70, Rater: "qa", File: "in.yaml", Line: 9},
			},
		},
		{
			name: "aliases",
			in:   "attitude:\n  agent:a1: &same\n    2025-10: 4.5\n  agent:a2: *same\n",
			want: []inputs.Row{
				{Metric: "attitude", Unit: "agent:a1", Period: "2025-10", Value: 4.5, File: "in.yaml", Line: 3},
				{Metric: "attitude", Unit: "agent:a2", Period: "2025-10", Value: 4.5, File: "in.yaml", Line: 3},
			},
		},
		{name: "empty", in: ""},
		{name: "comments only", in: "# nothing yet\n"},
		{name: "null", in: "~\n"},
		{name: "empty list", in: "[]\n"},
	}
	// In flow style the comma of 12,000 separates keys: it must be quoted.
	tests[0].in = strings.Replace(tests[0].in, "value: 12,000}", "value: \"12,000\"}", 1)
	tests[0].want[1].Value = 12000
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := parse(t, "in.yaml", tc.in)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if diff := cmp.Diff(tc.want, s.Rows(), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("Parse rows (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParsePercentPrecision(t *testing.T) {
	// "87.3%" is read by moving the decimal point, not by dividing by 100,
	// so that it is exactly the float nearest 0.873.
	for _, tc := range []struct {
		in   string
		want float64
	}{
		{"87.3%", 0.873},
		{"0.1%", 0.001},
		{"1e2%", 1},
		{"\"1,250%\"", 12.5},
		{"-5%", -0.05},
	} {
		s, err := parse(t, "in.csv", "metric,unit,period,value\nrate,org,2025,"+tc.in+"\n")
		if err != nil {
			t.Errorf("Parse %s: %v", tc.in, err)
			continue
		}
		if got := s.Rows()[0].Value; got != tc.want {
			t.Errorf("Parse %s = %v, want %v", tc.in, got, tc.want)
		}
	}
}

const header = "metric,unit,period,value,rater\n"

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		file string
		in   string
		want string
	}{
		// CSV header
		{name: "unknown column", file: "o.csv", in: "metric,unit,period,value,comment\n",
			want: `o.csv:1: (header): unknown column "comment" (known: metric, unit, period, value, rater)`},
		{name: "missing columns", file: "o.csv", in: "metric,period\n",
			want: "o.csv:1: unit: missing column\no.csv:1: value: missing column"},
		{name: "duplicate column", file: "o.csv", in: "metric,unit,period,value,Value\n",
			want: "o.csv:1: value: duplicate column (columns 4 and 5)"},
		{name: "column without name", file: "o.csv", in: "metric,unit,,period,value\n",
			want: "o.csv:1: (header): column 3 has no name"},
		{name: "invalid header", file: "o.csv", in: "metric,\"unit\n",
			want: `o.csv:1: (header): invalid CSV: extraneous or missing " in quoted-field (column 14)`},
		// CSV rows
		{name: "unquoted thousands", file: "o.csv", in: header + "orders,org,2025-10,12,000,\n",
			want: `o.csv:2: (row): 6 cells, but the header has 5 columns (quote a number with thousands separators: "12,000")`},
		{name: "too few cells", file: "o.csv", in: header + "orders,org\n",
			want: "o.csv:2: (row): 2 cells, but the header has 5 columns"},
		{name: "bare quote", file: "o.csv", in: header + "orders,o\"rg,2025,1,\n",
			want: `o.csv:2: (row): invalid CSV: bare " in non-quoted-field (column 9)`},
		// fields
		{name: "metric missing", file: "o.csv", in: header + ",org,2025,1,\n",
			want: "o.csv:2: metric: missing (want a snake_case name such as orders)"},
		{name: "metric not snake_case", file: "o.csv", in: header + "QA Score,org,2025,1,\n",
			want: `o.csv:2: metric: "QA Score" is not a snake_case name (did you mean qa_score?)`},
		{name: "metric punctuation", file: "o.csv", in: header + "qa.score,org,2025,1,\n",
			want: `o.csv:2: metric: "qa.score" is not a snake_case name such as orders`},
		{name: "unit missing", file: "o.csv", in: header + "orders,,2025,1,\n",
			want: "o.csv:2: unit: missing (want org, department:ID, team:ID or agent:ID)"},
		{name: "unit kind", file: "o.csv", in: header + "orders,region:north,2025,1,\n",
			want: `o.csv:2: unit: "region:north" has unknown kind "region" (want org, department:ID, team:ID or agent:ID)`},
		{name: "unit without kind", file: "o.csv", in: header + "orders,t1,2025,1,\n",
			want: `o.csv:2: unit: "t1" is not a unit (want org, department:ID, team:ID or agent:ID)`},
		{name: "unit empty ID", file: "o.csv", in: header + "orders,team:,2025,1,\n",
			want: `o.csv:2: unit: "team:" has an empty ID`},
		{name: "unit org with ID", file: "o.csv", in: header + "orders,org:acme,2025,1,\n",
			want: `o.csv:2: unit: "org:acme" is not a unit: the organization is org (or org:org)`},
		{name: "unit spaces", file: "o.csv", in: header + "orders,team: t1,2025,1,\n",
			want: `o.csv:2: unit: "team: t1" has spaces around its ID`},
		{name: "unit control character", file: "o.csv", in: header + "orders,\"team:t\n1\",2025,1,\n",
			want: `o.csv:2: unit: "team:t\n1" has a control character in its ID`},
		{name: "unit invalid UTF-8", file: "o.csv", in: header + "orders,team:\xff,2025,1,\n",
			want: `o.csv:2: unit: "team:\xff" is not valid UTF-8: save the file as UTF-8`},
		{name: "period missing", file: "o.csv", in: header + "orders,org,,1,\n",
			want: "o.csv:2: period: missing (want 2025-10, 2025-Q4, 2025-H2 or 2025)"},
		{name: "period form", file: "o.csv", in: header + "orders,org,2025-1,1,\n",
			want: `o.csv:2: period: "2025-1" is not a period ID (want 2025-10, 2025-Q4, 2025-H2 or 2025)`},
		{name: "period lower-case quarter", file: "o.csv", in: header + "orders,org,2025-q4,1,\n",
			want: `o.csv:2: period: "2025-q4" is not a period ID (want 2025-10, 2025-Q4, 2025-H2 or 2025)`},
		{name: "period month", file: "o.csv", in: header + "orders,org,2025-13,1,\norders,org,2025-00,1,\n",
			want: "o.csv:2: period: \"2025-13\": month 13 is not 01–12\no.csv:3: period: \"2025-00\": month 00 is not 01–12"},
		{name: "period quarter", file: "o.csv", in: header + "orders,org,2025-Q5,1,\n",
			want: `o.csv:2: period: "2025-Q5": quarter Q5 is not Q1–Q4`},
		{name: "period half", file: "o.csv", in: header + "orders,org,2025-H0,1,\n",
			want: `o.csv:2: period: "2025-H0": half H0 is not H1–H2`},
		{name: "period year", file: "o.csv", in: header + "orders,org,25,1,\n",
			want: `o.csv:2: period: "25" is not a period ID (want 2025-10, 2025-Q4, 2025-H2 or 2025)`},
		{name: "value missing", file: "o.csv", in: header + "orders,org,2025,,\n",
			want: "o.csv:2: value: missing (want a number such as 87.5, 87.5% or 12,000)"},
		{name: "value not a number", file: "o.csv", in: header + "orders,org,2025,n/a,\norders,org,2026,NaN,\norders,org,2027,Inf,\norders,org,2028,%,\n",
			want: "o.csv:2: value: \"n/a\" is not a number\no.csv:3: value: \"NaN\" is not a number\no.csv:4: value: \"Inf\" is not a number\no.csv:5: value: \"%\" is not a number"},
		{name: "value decimal comma", file: "o.csv", in: header + "qa_score,org,2025,\"87,5\",\n",
			want: `o.csv:2: value: "87,5" is not a number: use a point for decimals and commas only between thousands (12,000.5)`},
		{name: "value not finite", file: "o.csv", in: header + "orders,org,2025,1e400,\n",
			want: `o.csv:2: value: "1e400" is not a finite number`},
		{name: "rater", file: "o.csv", in: header + "review_360,agent:a1,2025,1,Supervisor\n",
			want: `o.csv:2: rater: "Supervisor" is not a snake_case name (did you mean supervisor?)`},
		{name: "every field of a row, and the next row", file: "o.csv", in: header + "x y,t1,2025-13,abc,\norders,org,2025,1,\norders,org,2025,2,\n",
			want: "o.csv:2: metric: \"x y\" is not a snake_case name (did you mean x_y?)\n" +
				"o.csv:2: unit: \"t1\" is not a unit (want org, department:ID, team:ID or agent:ID)\n" +
				"o.csv:2: period: \"2025-13\": month 13 is not 01–12\n" +
				"o.csv:2: value: \"abc\" is not a number\n" +
				"o.csv:4: (row): duplicate of line 3: orders for org:org in 2025"},
		// rows against rows
		{name: "duplicate, org spelled two ways", file: "o.csv", in: header + "orders,org,2025-10,1,\norders,team:t1,2025-10,1,\norders,org:org,2025-10,2,\n",
			want: "o.csv:4: (row): duplicate of line 2: orders for org:org in 2025-10"},
		{name: "duplicate rater", file: "r.csv", in: header + "review_360,agent:a1,2025-10,90,self\nreview_360,agent:a1,2025-10,80,supervisor\nreview_360,agent:a1,2025-10,85,self\n",
			want: "r.csv:4: (row): duplicate of line 2: review_360 for agent:a1 in 2025-10 by self"},
		{name: "with and without rater", file: "r.csv", in: header + "review_360,agent:a1,2025-10,82,\nreview_360,agent:a1,2025-10,90,self\nreview_360,agent:a1,2025-10,80,qa\n",
			want: "r.csv:3: (row): review_360 for agent:a1 in 2025-10 has rows with a rater and without one (line 2): give every row a rater, or give one row without"},
		{name: "mixed scales, plain later", file: "s.csv", in: header + "employee_satisfaction,team:t1,2025-Q4,85%,\nemployee_satisfaction,team:t2,2025-Q4,0.9,\nemployee_satisfaction,team:t3,2025-Q4,90,\n",
			want: "s.csv:4: value: employee_satisfaction mixes scales: 85% (line 2) is read as the fraction 0.85, but 90 here is above 1; write every employee_satisfaction value with % or as a fraction"},
		{name: "mixed scales, percent later", file: "s.csv", in: header + "qa_score,agent:a1,2025-10,90,\nqa_score,agent:a2,2025-10,85%,\n",
			want: "s.csv:3: value: qa_score mixes scales: 85% here is read as the fraction 0.85, but 90 (line 2) is above 1; write every qa_score value with % or as a fraction"},
		// files
		{name: "unknown format", file: "o.txt", in: header,
			want: `o.txt: (file): unknown format ".txt" (want .csv, .yaml or .yml)`},
		// YAML
		{name: "yaml syntax", file: "r.yaml", in: "orders:\n  org: [\n",
			want: "r.yaml:2: (yaml): did not find expected node content"},
		{name: "yaml second document", file: "r.yaml", in: "orders: {org: {2025: 1}}\n---\norders: {}\n",
			want: "r.yaml:2: (yaml): a second document: put every value in one"},
		{name: "yaml scalar document", file: "r.yaml", in: "orders\n",
			want: "r.yaml:1: (yaml): want a list of rows (- metric: …) or a mapping metric: {unit: {period: value}}"},
		{name: "yaml row without dash", file: "r.yaml", in: "metric: orders\nunit: org\nperiod: 2025\nvalue: 1\n",
			want: `r.yaml:1: (yaml): a row must be an item of a list: start it with "- "`},
		{name: "yaml list item not a mapping", file: "r.yaml", in: "- orders\n",
			want: `r.yaml:1: (row): want a mapping with keys metric, unit, period, value and optionally rater, got "orders"`},
		{name: "yaml unknown key", file: "r.yaml", in: "- {metric: orders, unit: org, period: 2025, value: 1, note: x}\n",
			want: `r.yaml:1: (row): unknown key "note" (known: metric, unit, period, value, rater)`},
		{name: "yaml key twice", file: "r.yaml", in: "- metric: orders\n  unit: org\n  period: 2025\n  value: 1\n  Value: 2\n",
			want: "r.yaml:5: value: defined twice (line 4)"},
		{name: "yaml missing keys", file: "r.yaml", in: "- metric: orders\n  value: 1\n",
			want: "r.yaml:1: unit: missing (want org, department:ID, team:ID or agent:ID)\nr.yaml:1: period: missing (want 2025-10, 2025-Q4, 2025-H2 or 2025)"},
		{name: "yaml value is a list", file: "r.yaml", in: "- metric: orders\n  unit: org\n  period: 2025\n  value: [1, 2]\n",
			want: "r.yaml:4: value: want a single value, got a list"},
		{name: "yaml value not finite", file: "r.yaml", in: "- {metric: orders, unit: org, period: 2025, value: .inf}\n",
			want: `r.yaml:1: value: ".inf" is not a finite number`},
		{name: "yaml value null", file: "r.yaml", in: "orders:\n  org:\n    2025:\n",
			want: "r.yaml:3: value: missing (want a number such as 87.5, 87.5% or 12,000)"},
		{name: "yaml value boolean", file: "r.yaml", in: "orders:\n  org:\n    2025: yes\n",
			want: `r.yaml:3: value: "yes" is not a number`},
		{name: "yaml nested metric not a mapping", file: "r.yaml", in: "orders: 12000\n",
			want: `r.yaml:1: unit: want a mapping unit: {period: value} under "orders", got "12000"`},
		{name: "yaml nested unit not a mapping", file: "r.yaml", in: "orders:\n  org: [1]\n",
			want: `r.yaml:2: period: want a mapping period: value under "org", got a list`},
		{name: "yaml nested period a list", file: "r.yaml", in: "orders:\n  org:\n    2025: [1]\n",
			want: "r.yaml:3: value: want a number or a mapping rater: number, got a list"},
		{name: "yaml nested empty raters", file: "r.yaml", in: "review_360:\n  agent:a1:\n    2025-10: {}\n",
			want: "r.yaml:3: value: empty mapping: want a number or rater: number pairs"},
		{name: "yaml nested positions of keys, each problem once", file: "r.yaml", in: "Orders:\n  team:t1:\n    2025-10: 1\n    2025-11: 1\n  tm:t2:\n    2025-1: 2\n",
			want: "r.yaml:1: metric: \"Orders\" is not a snake_case name (did you mean orders?)\n" +
				"r.yaml:5: unit: \"tm:t2\" has unknown kind \"tm\" (want org, department:ID, team:ID or agent:ID)\n" +
				"r.yaml:6: period: \"2025-1\" is not a period ID (want 2025-10, 2025-Q4, 2025-H2 or 2025)"},
		{name: "yaml nested duplicate via org", file: "r.yaml", in: "orders:\n  org:\n    2025: 1\n  org:org:\n    2025: 2\n",
			want: "r.yaml:5: (row): duplicate of line 3: orders for org:org in 2025"},
		{name: "yaml nested rater", file: "r.yaml", in: "review_360:\n  agent:a1:\n    2025-10:\n      self: 90\n      Team Lead: 80\n",
			want: `r.yaml:5: rater: "Team Lead" is not a snake_case name (did you mean team_lead?)`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := parse(t, tc.file, tc.in)
			if err == nil {
				t.Fatalf("Parse = %d rows, nil error; want %s", s.Len(), tc.want)
			}
			if s != nil {
				t.Errorf("Parse returned a set with %d rows along with its error; want nil", s.Len())
			}
			if got := err.Error(); got != tc.want {
				t.Errorf("Parse error:\n%s\nwant:\n%s", got, tc.want)
			}
			var ps inputs.Problems
			if !errors.As(err, &ps) {
				t.Errorf("Parse error is %T, want inputs.Problems", err)
			}
		})
	}
}

func TestLoad(t *testing.T) {
	s, err := inputs.Load("testdata/orders.csv", "testdata/review.yaml", "testdata/satisfaction.yaml")
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if got, want := s.Metrics(), []string{"attitude", "employee_satisfaction", "orders", "qa_score", "review_360"}; !cmp.Equal(got, want) {
		t.Errorf("Metrics() = %v, want %v", got, want)
	}
	if got, want := s.Len(), 24; got != want {
		t.Errorf("Len() = %d, want %d", got, want)
	}
	tests := []struct {
		metric, unit, period string
		want                 float64
		file                 string
		line                 int
	}{
		{"orders", "team:t1", "2025-10", 12000, "testdata/orders.csv", 3},
		{"orders", "org", "2025-Q4", 94700, "testdata/orders.csv", 11},
		{"employee_satisfaction", "team:t2", "2025-Q4", 0.785, "testdata/satisfaction.yaml", 7},
		{"qa_score", "agent:zhang.min", "2025-10", 88.5, "testdata/satisfaction.yaml", 12},
		{"attitude", "agent:li.wei", "2025-10", 4.5, "testdata/review.yaml", 14},
	}
	for _, tc := range tests {
		v, ok, rows := s.Value(tc.metric, tc.unit, tc.period, nil)
		if !ok || v != tc.want {
			t.Errorf("Value(%s, %s, %s) = %v, %v, want %v, true", tc.metric, tc.unit, tc.period, v, ok, tc.want)
			continue
		}
		if len(rows) != 1 || rows[0].File != tc.file || rows[0].Line != tc.line {
			t.Errorf("Value(%s, %s, %s) rows = %+v, want one from %s:%d", tc.metric, tc.unit, tc.period, rows, tc.file, tc.line)
		}
	}
	// Each month's team orders add up to the organization's (testdata
	// consistency, so that complaint_rate examples built on it agree).
	for _, p := range []string{"2025-10", "2025-11", "2025-12"} {
		org, _, _ := s.Value("orders", "org", p, nil)
		t1, _, _ := s.Value("orders", "team:t1", p, nil)
		t2, _, _ := s.Value("orders", "team:t2", p, nil)
		if t1+t2 != org {
			t.Errorf("orders in %s: teams %v + %v, org %v", p, t1, t2, org)
		}
	}
}

func TestLoadErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	a := write("a.csv", "metric,unit,period,value\norders,team:t1,2025-10,1\norders,team:t2,2025-10,1\n")
	b := write("b.yml", "orders:\n  team:t2:\n    2025-10: 2\n")
	c := write("c.CSV", "metric,unit,period,value\norders,team:t3,2025-10,x\n")
	missing := filepath.Join(dir, "missing.csv")

	tests := []struct {
		name  string
		paths []string
		want  string
	}{
		{
			name:  "duplicate across files names both",
			paths: []string{a, b},
			want:  b + ":3: (row): duplicate of " + a + ":3: orders for team:t2 in 2025-10",
		},
		{
			name:  "every file reported, in the order given",
			paths: []string{c, missing, a, b},
			want: c + ":2: value: \"x\" is not a number\n" +
				missing + ": (file): open: no such file or directory\n" +
				b + ":3: (row): duplicate of " + a + ":3: orders for team:t2 in 2025-10",
		},
		{
			name:  "a directory",
			paths: []string{filepath.Join(dir, "sub.yaml")},
			want:  filepath.Join(dir, "sub.yaml") + ": (file): read: is a directory",
		},
	}
	if err := os.Mkdir(filepath.Join(dir, "sub.yaml"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := inputs.Load(tc.paths...)
			if err == nil {
				t.Fatalf("Load = %d rows, nil error; want %s", s.Len(), tc.want)
			}
			if s != nil {
				t.Errorf("Load returned a set with %d rows along with its error; want nil", s.Len())
			}
			if got := err.Error(); got != tc.want {
				t.Errorf("Load error:\n%s\nwant:\n%s", got, tc.want)
			}
		})
	}

	s, err := inputs.Load()
	if err != nil || s.Len() != 0 {
		t.Errorf("Load() = %d rows, %v; want an empty set", s.Len(), err)
	}
}
