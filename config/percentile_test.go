package config

import (
	"strings"
	"testing"
)

// TestPercentile: metrics.percentile defaults to nearest_rank (SPEC §13.7),
// accepts linear, and any other value is a problem at its line.
func TestPercentile(t *testing.T) {
	tests := []struct {
		name, yaml string
		want       string // the value after defaults, or the problem
	}{
		{name: "default", yaml: "version: 1\n", want: "nearest_rank"},
		{name: "nearest_rank", yaml: "version: 1\nmetrics:\n  percentile: nearest_rank\n", want: "nearest_rank"},
		{name: "linear", yaml: "version: 1\nmetrics:\n  clock: wall\n  percentile: linear\n", want: "linear"},
		{name: "unknown", yaml: "version: 1\nmetrics:\n  clock: wall\n  percentile: numpy\n",
			want: `f.yaml:4: metrics.percentile: percentile must be nearest_rank or linear, not "numpy"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := parseChecked([]byte(tc.yaml), "f.yaml")
			if strings.HasPrefix(tc.want, "f.yaml:") {
				if err == nil || err.Error() != tc.want {
					t.Errorf("Parse = %v, want the problem %q", err, tc.want)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse = %v", err)
			}
			if c.Metrics.Percentile != tc.want {
				t.Errorf("metrics.percentile = %q, want %q", c.Metrics.Percentile, tc.want)
			}
		})
	}
	if got := Default().Metrics.Percentile; got != "nearest_rank" {
		t.Errorf("Default().Metrics.Percentile = %q, want nearest_rank", got)
	}
}
