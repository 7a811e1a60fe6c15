package scoring

import (
	"strings"
	"testing"

	"github.com/kpidesk/kpidesk/config"
)

// TestCompileChecksMetrics: config alone cannot judge a reference to a
// built-in metric; Compile judges it against this package's catalogue,
// positioned in the config file, and builds nothing from such a config.
func TestCompileChecksMetrics(t *testing.T) {
	cfg, err := config.Parse([]byte(`version: 1
scorecards:
  - id: s
    items:
      - {metric: response_rate, weight: 0.5, rule: {type: linear, target: 95%, floor: 24h}}
      - {metric: nps, weight: 0.5, rule: {type: linear, target: 9, floor: 1}}
gates:
  - {metric: handling_time, max: 80%}
`), "k.yaml")
	if err != nil {
		t.Fatalf("Parse judged metric references: %v", err)
	}
	e, ps := Compile(cfg)
	if e != nil {
		t.Error("Compile built an engine from a config with problems")
	}
	got := ps.Error()
	for _, want := range []string{
		`k.yaml:5: scorecards[0].items[0].rule.floor: "24h" is a duration but the metric is not`,
		`k.yaml:6: scorecards[0].items[1].metric: unknown metric "nps" (known: backlog, `,
		`k.yaml:8: gates[0].max: "80%": handling_time is a duration; give one such as 24h`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("Compile's problems lack %q:\n%s", want, got)
		}
	}
}

// TestCompileSettings: the metric options are compiled once into typed
// values, deadlines in config order with their clock.
func TestCompileSettings(t *testing.T) {
	cfg, err := config.Parse([]byte(`version: 1
metrics:
  clock: wall
  ftr_rate: {max_replies: 2, max_reopens: 1}
  repeat_rate: {window: 48h}
  escalation_rate: {by: [event, "label:vip"]}
  response_rate:
    deadlines:
      - {priority: [urgent], within: 2h, clock: business}
      - {within: 24h}
  resolution_sla_rate:
    deadlines:
      - {within: 3wd}
`), "k.yaml")
	if err != nil {
		t.Fatal(err)
	}
	e, ps := Compile(cfg)
	if len(ps) > 0 {
		t.Fatal(ps)
	}
	s := e.set
	if !s.Wall || s.MaxReplies != 2 || s.MaxReopens != 1 || s.RepeatWindow.Hours() != 48 || s.RepeatWindowText != "48h" ||
		strings.Join(s.EscalationBy, ",") != "event,label:vip" {
		t.Errorf("settings = %+v", s)
	}
	if len(s.Response) != 2 || !s.Response[0].Business || s.Response[0].Within.Number != 7200 || s.Response[0].Priority[0] != "urgent" ||
		s.Response[1].Business || s.Response[1].Within.Number != 86400 {
		t.Errorf("response deadlines = %+v", s.Response)
	}
	if len(s.Resolution) != 1 || s.Resolution[0].Within.WorkingDays != 3 {
		t.Errorf("resolution deadlines = %+v", s.Resolution)
	}
	if e.Config() != cfg {
		t.Error("Config() is not the config compiled")
	}
}
