package config

import "testing"

func TestDefaultLoads(t *testing.T) {
	c := Default()
	if got := len(c.Scorecards); got != 1 {
		t.Fatalf("scorecards = %d, want 1", got)
	}
}
