package scoring

import (
	"testing"

	"github.com/kpidesk/kpidesk/config"
)

// TestNeedsFieldsAndEvents checks which configs make scoring read the
// complaints' fields and events: a read that skips what a config needs
// would change its scores without an error.
func TestNeedsFieldsAndEvents(t *testing.T) {
	for _, tc := range []struct {
		name           string
		edit           func(*config.Config)
		fields, events bool
	}{
		// The built-in config reads neither: its scoring skips both.
		{name: "built-in config", edit: func(*config.Config) {}},
		{name: "team by request type", fields: true, edit: func(c *config.Config) {
			c.Teams = append(c.Teams, config.Team{ID: "portal", Match: config.Match{RequestTypes: []string{"Refund"}}})
		}},
		{name: "custom rate where a field", fields: true, edit: func(c *config.Config) {
			c.Metrics.Custom = append(c.Metrics.Custom, config.CustomMetric{ID: "disputes", Type: "rate", Where: config.Filter{Fields: map[string]string{"refund_dispute": "true"}}})
		}},
		{name: "custom rate of a field", fields: true, edit: func(c *config.Config) {
			c.Metrics.Custom = append(c.Metrics.Custom, config.CustomMetric{ID: "vip", Type: "rate", Of: config.Filter{Fields: map[string]string{"tier": "vip"}}})
		}},
		{name: "pause statuses", events: true, edit: func(c *config.Config) {
			c.Metrics.Pause.Statuses = []string{"Waiting for customer"}
		}},
		{name: "time in status", events: true, edit: func(c *config.Config) {
			c.Metrics.Custom = append(c.Metrics.Custom, config.CustomMetric{ID: "waiting", Type: "time_in", Statuses: []string{"Waiting for support"}})
		}},
		{name: "escalation by label", events: true, edit: func(c *config.Config) {
			c.Metrics.Escalation.By = []string{"label:escalated"}
		}},
	} {
		cfg := config.Default()
		tc.edit(cfg)
		if got := NeedsFields(cfg); got != tc.fields {
			t.Errorf("%s: NeedsFields = %v, want %v", tc.name, got, tc.fields)
		}
		if got := NeedsEvents(cfg); got != tc.events {
			t.Errorf("%s: NeedsEvents = %v, want %v", tc.name, got, tc.events)
		}
	}
}
