package config

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestNumbersAreFinite puts a non-finite number in every kind of place a
// config holds numbers: plain fields, flow mappings, maps, lists of lists,
// Values (text parsed by ParseValue) and fractions (Ratio).
func TestNumbersAreFinite(t *testing.T) {
	const base = `version: 1
departments:
  - {id: d, coefficient: %s}
scorecards:
  - id: s
    neutral: 60
    items:
      - {metric: ftr_rate, weight: 1, rule: {type: linear, target: 90%%, floor: 50%%}}
`
	tests := []struct {
		name, yaml string
		want       []string
	}{
		{
			name: "plain field, .nan",
			yaml: strings.Replace(base, "%s", ".nan", 1),
			want: []string{"f.yaml:3: departments[0].coefficient: .nan is not a finite number"},
		},
		{
			name: "plain field, signed infinity in upper case",
			yaml: strings.Replace(base, "%s", "-.INF", 1),
			want: []string{
				"f.yaml:3: departments[0].coefficient: -.INF is not a finite number",
				"f.yaml:3: departments[0].coefficient: coefficient must not be negative",
			},
		},
		{
			name: "scorecard neutral and a grade bound",
			yaml: strings.Replace(strings.Replace(base, "%s", "1", 1), "neutral: 60", "neutral: +.Inf", 1) +
				"grades:\n  - {id: a, min: .NaN}\n",
			want: []string{
				"f.yaml:6: scorecards[0].neutral: +.Inf is not a finite number",
				"f.yaml:10: grades[0].min: .NaN is not a finite number",
			},
		},
		{
			name: "a number in a map",
			yaml: strings.Replace(base, "%s", "1", 1) + "inputs:\n  metrics:\n    - id: qa\n      raters: {self: .inf, boss: 1}\n",
			want: []string{"f.yaml:12: inputs.metrics[0].raters.self: .inf is not a finite number"},
		},
		{
			name: "a number in a list of lists",
			yaml: strings.Replace(strings.Replace(base, "%s", "1", 1), "    neutral: 60\n", "    neutral: 60\n    weights: {method: expert, experts: [[.nan]]}\n", 1),
			want: []string{"f.yaml:7: scorecards[0].weights.experts[0][0]: .nan is not a finite number"},
		},
		{
			name: "Values written as text",
			yaml: strings.Replace(strings.Replace(base, "%s", "1", 1), "target: 90%%", "target: nan", 1),
			want: []string{`f.yaml:8: scorecards[0].items[0].rule.target: "nan" is not a finite number`},
		},
		{
			name: "a percentage",
			yaml: strings.Replace(strings.Replace(base, "%s", "1", 1), "floor: 50%%", "floor: Inf%", 1),
			want: []string{`f.yaml:8: scorecards[0].items[0].rule.floor: "Inf%" is not a percentage`},
		},
		{
			name: "a fraction",
			yaml: strings.Replace(strings.Replace(base, "%s", "1", 1), "    neutral: 60\n", "    neutral: 60\n    weights: {method: ahp, matrix: [[1, 1e308/1e-10], [1/.inf, 1]]}\n", 1),
			want: []string{`f.yaml:7: scorecards[0].weights.matrix[0][1]: "1e308/1e-10" is not a finite number or a fraction such as 1/3`},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parseChecked([]byte(strings.ReplaceAll(tc.yaml, "%%", "%")), "f.yaml")
			if err == nil {
				t.Fatal("Parse succeeded, want problems")
			}
			got := strings.Split(err.Error(), "\n")
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
}

func TestControlCharacters(t *testing.T) {
	tests := []struct {
		name, yaml string
		want       []string
	}{
		{
			name: "NUL in a team id",
			yaml: "version: 1\nteams:\n  - {id: \"t\\0\"}\n",
			want: []string{"f.yaml:3: teams[0].id: control character U+0000 at byte 2: not allowed in config text"},
		},
		{
			name: "tab in an agent id",
			yaml: "version: 1\nagents:\n  - id: \"a\\tb\"\n",
			want: []string{"f.yaml:3: agents[0].id: control character U+0009 at byte 2: not allowed in an identifier"},
		},
		{
			name: "escape in a team name",
			yaml: "version: 1\nteams:\n  - id: t\n    name: \"\\e[31mred\"\n",
			want: []string{"f.yaml:4: teams[0].name: control character U+001B at byte 1: not allowed in config text"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parseChecked([]byte(tc.yaml), "f.yaml")
			if err == nil {
				t.Fatal("Parse succeeded, want problems")
			}
			if diff := cmp.Diff(tc.want, strings.Split(err.Error(), "\n")); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
	// A line feed in a name is text, not a problem.
	if _, err := parseChecked([]byte("version: 1\nteams:\n  - id: t\n    name: \"two\\nlines\"\n"), "f.yaml"); err != nil {
		t.Errorf("Parse(name with a line feed): %v", err)
	}
}
