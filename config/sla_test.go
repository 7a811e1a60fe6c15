package config

import (
	"strings"
	"testing"
)

// TestDeadlineSLA: metrics.response_rate.sla and
// metrics.resolution_sla_rate.sla default to calendar, accept source, and
// any other value, or a blank sla_name, is a problem at its line; sla_name
// defaults to the JSM names.
func TestDeadlineSLA(t *testing.T) {
	tests := []struct {
		name, yaml         string
		response, resolve  string // sla after defaults
		respName, resoName string // sla_name after defaults
		problem            string
	}{
		{name: "default", yaml: "version: 1\n", response: "calendar", resolve: "calendar",
			respName: "Time to first response", resoName: "Time to resolution"},
		{name: "source", yaml: "version: 1\nmetrics:\n  response_rate:\n    sla: source\n  resolution_sla_rate:\n    sla: source\n    sla_name: TTR gold\n",
			response: "source", resolve: "source", respName: "Time to first response", resoName: "TTR gold"},
		{name: "unknown", yaml: "version: 1\nmetrics:\n  response_rate:\n    sla: jira\n",
			problem: `f.yaml:4: metrics.response_rate.sla: sla must be source or calendar, not "jira"`},
		{name: "blank name", yaml: "version: 1\nmetrics:\n  resolution_sla_rate:\n    sla: source\n    sla_name: \" \"\n",
			problem: `f.yaml:5: metrics.resolution_sla_rate.sla_name: sla_name must name an SLA record, such as "Time to first response"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := parseChecked([]byte(tc.yaml), "f.yaml")
			if tc.problem != "" {
				if err == nil || !strings.Contains(err.Error(), tc.problem) {
					t.Errorf("Parse = %v, want the problem %q", err, tc.problem)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse = %v", err)
			}
			m := c.Metrics
			if m.Response.SLA != tc.response || m.Resolution.SLA != tc.resolve {
				t.Errorf("sla = %q, %q, want %q, %q", m.Response.SLA, m.Resolution.SLA, tc.response, tc.resolve)
			}
			if m.Response.SLAName != tc.respName || m.Resolution.SLAName != tc.resoName {
				t.Errorf("sla_name = %q, %q, want %q, %q", m.Response.SLAName, m.Resolution.SLAName, tc.respName, tc.resoName)
			}
		})
	}
}
