package linediff

import "testing"

func TestFirst(t *testing.T) {
	for _, tc := range []struct {
		a, b, want string
	}{
		{"x\ny\nz", "x\ny\nz", "no difference"},
		{"x\ny\nz", "x\nY\nz", "line 2:\n  one: y\n  two: Y"},
		{"x", "x\nmore", "line 2:\n  one: \n  two: more"},
	} {
		if got := First([]byte(tc.a), []byte(tc.b), "one", "two"); got != tc.want {
			t.Errorf("First(%q, %q) = %q, want %q", tc.a, tc.b, got, tc.want)
		}
	}
}
