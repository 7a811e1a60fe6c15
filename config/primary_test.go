package config

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const primaryYAML = `version: 1
scorecards:
  - id: a
    primary: true
    units: [agent, team]
    items: [{metric: volume, weight: 1, rule: {type: linear, target: 10, floor: 0}}]
  - id: a
    effective_from: 2026-04
    primary: true
    units: [agent, team]
    items: [{metric: volume, weight: 1, rule: {type: linear, target: 10, floor: 0}}]
  - id: b
    primary: true
    units: [team, department, agent]
    items: [{metric: volume, weight: 1, rule: {type: linear, target: 10, floor: 0}}]
  - id: c
    primary: true
    units: [org]
    items: [{metric: volume, weight: 1, rule: {type: linear, target: 10, floor: 0}}]
`

// TestPrimary: at most one scorecard ID is primary for a kind of unit; the
// versions of one ID may all say so, and scorecards for other kinds too.
func TestPrimary(t *testing.T) {
	_, err := parseChecked([]byte(primaryYAML), "k.yaml")
	if err == nil {
		t.Fatal("Parse succeeded, want a problem: a and b are both primary for teams and agents")
	}
	want := []string{`k.yaml:13: scorecards[2].primary: scorecards "a" and "b" are both primary for team, agent units: mark one only (the primary decides the grade)`}
	if diff := cmp.Diff(want, strings.Split(err.Error(), "\n")); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
	ok := strings.Replace(primaryYAML, "  - id: b\n    primary: true\n", "  - id: b\n", 1)
	c, err := parseChecked([]byte(ok), "k.yaml")
	if err != nil {
		t.Fatalf("Parse without b's primary: %v", err)
	}
	if !c.Scorecards[0].Primary || c.Scorecards[2].Primary {
		t.Errorf("primary = %v, %v, want a true and b false", c.Scorecards[0].Primary, c.Scorecards[2].Primary)
	}
}

// TestConfigProblem: a check made outside the package reports at the line
// of the config it concerns, like Parse.
func TestConfigProblem(t *testing.T) {
	ok := strings.Replace(primaryYAML, "  - id: b\n    primary: true\n", "  - id: b\n", 1)
	c, err := parseChecked([]byte(ok), "k.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{
		"scorecards[3].units":           "k.yaml:17: scorecards[3].units: r 1",
		"scorecards[1].items[0].metric": "k.yaml:11: scorecards[1].items[0].metric: r 1",
		"scorecards[9].items":           "k.yaml:2: scorecards[9].items: r 1",
	} {
		if got := c.Problem(path, "r %d", 1).Error(); got != want {
			t.Errorf("Problem(%q) = %q, want %q", path, got, want)
		}
	}
	if got := Default().Problem("scorecards[0].id", "r").Error(); !strings.HasPrefix(got, BuiltIn+":") {
		t.Errorf("Problem on the built-in config = %q, want it positioned in %s", got, BuiltIn)
	}
}
