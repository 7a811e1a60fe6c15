package config

import (
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kpidesk/kpidesk/connectors/jira"
)

func TestDefaultLoads(t *testing.T) {
	c := Default()
	// seed001 in two versions (fixed, then combined AHP + entropy) and
	// seed000 in two (fixed, then expert): every weight method.
	methods := map[string]bool{}
	for _, sc := range c.Scorecards {
		methods[sc.Weights.Method] = true
		if sc.Weights.Subjective != "" {
			methods[sc.Weights.Subjective] = true
			methods["entropy"] = true
		}
	}
	for _, m := range []string{"fixed", "expert", "ahp", "entropy", "combined"} {
		if !methods[m] {
			t.Errorf("the built-in config does not use the %s weight method", m)
		}
	}
}

func TestStarterLoads(t *testing.T) {
	c, err := parseChecked(Starter(), "kpidesk.yaml")
	if err != nil {
		t.Fatalf("starter config: %v", err)
	}
	if len(c.Teams) != 1 || c.Teams[0].Match.Assignees[0] != "zhang.wei" {
		t.Errorf("starter teams = %+v", c.Teams)
	}
}

func TestProblemsHaveLines(t *testing.T) {
	tests := []struct {
		name, yaml string
		want       []string
	}{
		{
			name: "unknown field",
			yaml: "version: 1\nteams:\n  - id: a\n    departement: x\n",
			want: []string{"f.yaml:4: departement: unknown field in team"},
		},
		{
			name: "wrong type",
			yaml: "version: 1\nmetrics:\n  min_sample: many\n",
			want: []string{"f.yaml:3: metrics.min_sample: cannot unmarshal !!str `many` into int"},
		},
		{
			name: "undefined references and bad weights",
			yaml: `version: 1
departments:
  - {id: d}
teams:
  - {id: t, department: nope}
scorecards:
  - id: s
    items:
      - {metric: ftr_rate, weight: 0.4, rule: {type: linear, target: 90%, floor: 50%}}
      - metric: first_response_time
        weight: 0.4
        rule: {type: linear, target: 0.5, floor: 24h}
      - {metric: nps, weight: 0.1, rule: {type: linear, target: 9, floor: 1}}
`,
			want: []string{
				"f.yaml:5: teams[0].department: department \"nope\" is not defined under departments",
				"f.yaml:8: scorecards[0].items: weights add up to 0.9, not 1 (set weights.normalize: true to scale them)",
				"f.yaml:12: scorecards[0].items[1].rule.target: \"0.5\" must be a duration (such as 4h or 3wd) for a duration metric",
				"f.yaml:13: scorecards[0].items[2].metric: unknown metric \"nps\" (known: backlog, complaint_rate, csat, escalation_rate, first_response_time, ftr_rate, handling_time, reopen_rate, repeat_rate, resolution_rate, resolution_sla_rate, response_rate, volume)",
			},
		},
		{
			name: "bad calendar and deadline",
			yaml: `version: 1
calendars:
  c:
    timezone: Mars/Olympus
    hours:
      mon-fri: ["09:00-08:00"]
metrics:
  response_rate:
    deadlines:
      - {within: soon}
`,
			want: []string{
				"f.yaml:4: calendars.c.timezone: unknown time zone \"Mars/Olympus\"",
				"f.yaml:6: calendars.c.hours.mon-fri[0]: \"09:00-08:00\" is not a span within one day that ends after it starts",
				"f.yaml:10: metrics.response_rate.deadlines[0].within: \"soon\" is neither a number nor a duration (60s, 24h, 2d, 3wd)",
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parseChecked([]byte(tc.yaml), "f.yaml")
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

func TestParseValue(t *testing.T) {
	tests := []struct {
		in      string
		seconds float64
		wd      float64
		dur     bool
	}{
		{"95%", 0.95, 0, false},
		{"0.85", 0.85, 0, false},
		{"60s", 60, 0, true},
		{"24h", 86400, 0, true},
		{"2d", 172800, 0, true},
		{"3wd", 0, 3, true},
		{"1h30m", 5400, 0, true},
	}
	for _, tc := range tests {
		v, err := ParseValue(tc.in)
		if err != nil {
			t.Errorf("ParseValue(%q): %v", tc.in, err)
			continue
		}
		if v.Number != tc.seconds || v.WorkingDays != tc.wd || v.IsDuration() != tc.dur {
			t.Errorf("ParseValue(%q) = %+v (duration %v), want %v s, %v wd, duration %v", tc.in, v, v.IsDuration(), tc.seconds, tc.wd, tc.dur)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add(DefaultYAML())
	f.Add(Starter())
	f.Add([]byte("teams: [{id: a}]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := parseChecked(data, "fuzz.yaml")
		if err == nil && c == nil {
			t.Fatal("nil config without error")
		}
	})
}

func TestRuleProblems(t *testing.T) {
	_, err := parseChecked([]byte(`version: 1
scorecards:
  - id: s
    items:
      - metric: ftr_rate
        weight: 0.25
        rule: {type: bands, bands: [{at_least: 80%, points: 60}, {at_least: 90%, points: 100}]}
      - metric: csat
        weight: 0.25
        rule: {type: change}
      - metric: repeat_rate
        weight: 0.25
        rule: {type: bonus, step: 1%}
      - metric: escalation_rate
        weight: 0.25
        rule: {type: deduction}
`), "r.yaml")
	if err == nil {
		t.Fatal("Parse accepted bad rules")
	}
	for _, want := range []string{
		"r.yaml:7: scorecards[0].items[0].rule.bands[1]: bands must go from the best threshold to the worst",
		"r.yaml:10: scorecards[0].items[1].rule.target: the change rule needs target",
		"r.yaml:13: scorecards[0].items[2].rule.points: the bonus rule needs points > 0",
		"r.yaml:16: scorecards[0].items[3].rule.points: the deduction rule needs points > 0",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("problems lack %q:\n%v", want, err)
		}
	}
}

func TestJiraSourceProblems(t *testing.T) {
	_, err := parseChecked([]byte(`version: 1
sources:
  - name: sd
    type: jira
    base_url: example.atlassian.net
    deployment: cloud
    token_env: "my token"
    priorities: {Highest: critical}
    overlap: 2h
`), "j.yaml")
	if err == nil {
		t.Fatal("Parse accepted a bad jira source")
	}
	for _, want := range []string{
		`j.yaml:5: sources[0].base_url: "example.atlassian.net" is not an http(s) URL`,
		`j.yaml:7: sources[0].token_env: name the environment variable`,
		`sources[0].email_env: Jira Cloud authenticates with an email and an API token`,
		`sources[0].projects: a jira source needs projects`,
		`j.yaml:8: sources[0].priorities.Highest: maps to "critical"`,
		`j.yaml:9: sources[0].overlap: 2h is too short: JQL reads the sync's time bound in the Jira account's time zone`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("problems lack %q:\n%v", want, err)
		}
	}
	if _, err := parseChecked([]byte(`version: 1
sources:
  - {name: sd, type: jira, base_url: "https://example.atlassian.net", email_env: JIRA_EMAIL, token_env: JIRA_TOKEN, projects: [SD], overlap: 14h}
`), "ok.yaml"); err != nil {
		t.Errorf("a good jira source: %v", err)
	}
}

func TestStarterJiraLoads(t *testing.T) {
	c, err := parseChecked(StarterJira(), "kpidesk.yaml")
	if err != nil {
		t.Fatalf("jira starter config: %v", err)
	}
	if s, ok := c.Sources[0].Settings.Value.(*jira.Settings); c.Sources[0].Type != "jira" || !ok || s.TokenEnv != "JIRA_TOKEN" {
		t.Errorf("jira starter source = %+v", s)
	}
}

func TestDuplicateAndMissingIDs(t *testing.T) {
	_, err := parseChecked([]byte(`version: 1
sources:
  - {name: d, type: demo}
  - {name: d, type: demo}
departments:
  - {id: x}
  - {name: no id}
teams:
  - {id: t, department: x}
  - {id: t, department: x}
`), "u.yaml")
	if err == nil {
		t.Fatal("Parse accepted duplicate ids")
	}
	for _, want := range []string{
		`u.yaml:4: sources[1].name: source "d" is defined twice`,
		`u.yaml:7: departments[1].id: a department needs an id`,
		`u.yaml:10: teams[1].id: team "t" is defined twice`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("problems lack %q:\n%v", want, err)
		}
	}
}

func TestGates(t *testing.T) {
	base := string(DefaultYAML())
	good := base + `
gates:
  - {metric: response_rate, min: 95%}
  - {name: 坐席底线, unit: agents, metric: final, min: 60}
  - {unit: team:care-east, metric: first_response_time, max: 4h}
  - {unit: agent:li.na, metric: backlog, max: 20}
`
	c, err := parseChecked([]byte(good), "g.yaml")
	if err != nil {
		t.Fatalf("good gates: %v", err)
	}
	if len(c.Gates) != 4 || c.Gates[0].Min.Number != 0.95 || c.Gates[2].Max.Number != 4*3600 || c.Gates[1].Unit != "agents" {
		t.Errorf("gates = %+v", c.Gates)
	}
	_, err = parseChecked([]byte(base+`
gates:
  - {metric: response_time, min: 95%}
  - {unit: team:nowhere, metric: final}
  - {unit: "group:x", metric: first_response_time, min: 90%}
  - {metric: first_response_time, max: 2wd}
  - {metric: final, min: 80, max: 70}
`), "g.yaml")
	if err == nil {
		t.Fatal("Parse accepted bad gates")
	}
	for _, want := range []string{
		`gates[0].metric: unknown metric "response_time" (known: final, `,
		`gates[1].unit: no team "nowhere" in teams`,
		`gates[1]: a gate needs min, max or both`,
		`gates[2].unit: "group:x" is not a unit`,
		`gates[2].min: "90%": first_response_time is a duration; give one such as 24h`,
		`gates[3].max: "2wd": a gate bounds a month's value`,
		`gates[4].max: max 70 is below min 80`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("problems lack %q:\n%v", want, err)
		}
	}
	if !regexp.MustCompile(`g\.yaml:\d+: gates\[0\]\.metric`).MatchString(err.Error()) {
		t.Errorf("gate problems have no line: %v", err)
	}
}

// TestStarterGatesExample uncomments the gates example of the starter
// configs: it must be valid as written.
func TestStarterGatesExample(t *testing.T) {
	for name, text := range map[string][]byte{"starter": Starter(), "starter-jira": StarterJira()} {
		s := string(text)
		i := strings.Index(s, "\n# gates:\n")
		if i < 0 {
			t.Fatalf("%s has no gates example", name)
		}
		example := strings.ReplaceAll(s[i+1:], "\n#   - ", "\n  - ")
		example = strings.Replace(example, "# gates:", "gates:", 1)
		c, err := parseChecked([]byte(s[:i+1]+example), name+".yaml")
		if err != nil {
			t.Fatalf("%s with its gates example: %v", name, err)
		}
		if len(c.Gates) != 2 {
			t.Errorf("%s example gates = %+v", name, c.Gates)
		}
	}
}
