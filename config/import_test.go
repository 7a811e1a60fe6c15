package config

import (
	"strings"
	"testing"
	"time"
)

// TestImportClockSkew: import.clock_skew defaults to 1h, takes a Go
// duration ≥ 0, and anything else is a problem with its line.
func TestImportClockSkew(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want time.Duration
		err  string
	}{
		{name: "default", yaml: "version: 1\n", want: time.Hour},
		{name: "minutes", yaml: "version: 1\nimport: {clock_skew: 5m}\n", want: 5 * time.Minute},
		{name: "none tolerated", yaml: "version: 1\nimport:\n  clock_skew: 0s\n", want: 0},
		{name: "negative", yaml: "version: 1\nimport:\n  clock_skew: -1h\n", err: `c.yaml:3: import.clock_skew: "-1h" is not a duration ≥ 0 such as 1h, 90s or 0s`},
		{name: "days", yaml: "version: 1\nimport:\n  clock_skew: 2d\n", err: `c.yaml:3: import.clock_skew: "2d" is not a duration ≥ 0`},
		{name: "unknown key", yaml: "version: 1\nimport:\n  clock_skw: 1h\n", err: "clock_skw"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := parseChecked([]byte(tc.yaml), "c.yaml")
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Errorf("Parse() error = %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := c.Import.ClockSkewTolerance(); got != tc.want {
				t.Errorf("ClockSkewTolerance() = %v, want %v", got, tc.want)
			}
		})
	}
}
