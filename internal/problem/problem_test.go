package problem

import "testing"

func TestError(t *testing.T) {
	for _, tc := range []struct {
		p    Problem
		want string
	}{
		{Problem{File: "k.yaml", Line: 7, Field: "teams[0].id", Reason: "missing"}, "k.yaml:7: teams[0].id: missing"},
		{Problem{File: "k.yaml", Field: "(file)", Reason: "empty"}, "k.yaml: (file): empty"},
		{Problem{Field: "raters.qa", Reason: "unknown"}, "raters.qa: unknown"},
	} {
		if got := tc.p.Error(); got != tc.want {
			t.Errorf("Error() = %q, want %q", got, tc.want)
		}
	}
	l := List{{File: "a", Line: 1, Field: "x", Reason: "r"}, {File: "a", Line: 2, Field: "y", Reason: "s"}}
	if got, want := l.Error(), "a:1: x: r\na:2: y: s"; got != want {
		t.Errorf("List.Error() = %q, want %q", got, want)
	}
}
