package config

import (
	"strings"
	"testing"
)

// testCatalog stands for the scoring package's metric catalogue in this
// package's tests: config cannot import scoring. It is a test input, not a
// copy to keep in step: scoring's own tests check a config against the
// real catalogue (scoring.TestCompileChecksMetrics).
var testCatalog = Catalog{
	"backlog": false, "complaint_rate": false, "csat": false, "escalation_rate": false,
	"first_response_time": true, "ftr_rate": false, "handling_time": true, "reopen_rate": false,
	"repeat_rate": false, "resolution_rate": false, "resolution_sla_rate": false,
	"response_rate": false, "volume": false,
}

// parseChecked parses a config and checks its metric references against
// testCatalog, as a program that links scoring does.
func parseChecked(data []byte, name string) (*Config, error) {
	return ParseWith(data, name, testCatalog)
}

// TestParseKnowsNoMetric: Parse alone gives the same verdict whatever
// metrics a program links: a reference to a metric it cannot judge is left
// to the catalogue, which ParseWith and CheckMetrics apply.
func TestParseKnowsNoMetric(t *testing.T) {
	data := []byte(`version: 1
scorecards:
  - id: s
    items:
      - {metric: nps, weight: 0.5, rule: {type: linear, target: 90%, floor: 50%}}
      - {metric: first_response_time, weight: 0.5, rule: {type: linear, target: 0.5, floor: 24h}}
gates:
  - {metric: nope, min: 1}
`)
	c, err := Parse(data, "m.yaml")
	if err != nil {
		t.Fatalf("Parse judged metric references: %v", err)
	}
	got := c.CheckMetrics(testCatalog).Error()
	for _, want := range []string{
		`m.yaml:5: scorecards[0].items[0].metric: unknown metric "nps" (known: backlog, `,
		`m.yaml:6: scorecards[0].items[1].rule.target: "0.5" must be a duration`,
		`m.yaml:8: gates[0].metric: unknown metric "nope" (known: final, backlog, `,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("CheckMetrics lacks %q:\n%s", want, got)
		}
	}
	if _, err := ParseWith(data, "m.yaml", testCatalog); err == nil || err.Error() != got {
		t.Errorf("ParseWith = %v, want CheckMetrics' problems:\n%s", err, got)
	}
	if ps := c.CheckMetrics(Catalog{"nps": false, "nope": false, "first_response_time": true}); len(ps) != 1 || ps[0].Field != "scorecards[0].items[1].rule.target" {
		t.Errorf("a catalogue with the metrics: %v, want only the target of the wrong kind", ps)
	}
}

// TestTimeInAbsentKey: absent is zero or exclude, on a time_in metric only.
func TestTimeInAbsentKey(t *testing.T) {
	_, err := Parse([]byte(`version: 1
metrics:
  custom:
    - {id: a, type: time_in, labels: [triage], absent: exclude}
    - {id: b, type: time_in, labels: [triage], absent: drop}
    - {id: c, type: rate, where: {label: [x]}, absent: exclude}
`), "a.yaml")
	if err == nil {
		t.Fatal("Parse accepted a bad absent")
	}
	got := err.Error()
	for _, want := range []string{
		`a.yaml:5: metrics.custom[1].absent: absent must be zero or exclude, not "drop"`,
		`a.yaml:6: metrics.custom[2].absent: absent applies to a time_in metric only`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("problems lack %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "custom[0]") {
		t.Errorf("absent: exclude on time_in refused:\n%s", got)
	}
}
