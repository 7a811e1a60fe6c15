package config

import (
	"os"
	"testing"
)

// TestMain registers the metric catalogue as package scoring does at
// init; config cannot import scoring, which imports it.
func TestMain(m *testing.M) {
	for id, dur := range map[string]bool{
		"backlog": false, "complaint_rate": false, "csat": false, "escalation_rate": false, "first_response_time": true, "ftr_rate": false,
		"handling_time": true, "reopen_rate": false, "repeat_rate": false, "resolution_rate": false,
		"resolution_sla_rate": false, "response_rate": false, "volume": false,
	} {
		RegisterMetric(id, dur)
	}
	os.Exit(m.Run())
}
