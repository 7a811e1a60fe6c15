package problem

import (
	"testing"

	"gopkg.in/yaml.v3"
)

func TestLine(t *testing.T) {
	var doc yaml.Node
	src := "teams:\n  - id: a\n  - id: b\n    department: d\nname: x\n"
	if err := yaml.Unmarshal([]byte(src), &doc); err != nil {
		t.Fatal(err)
	}
	root := doc.Content[0]
	for _, tc := range []struct {
		path string
		want int
	}{
		{"name", 5},
		{"teams[1].department", 4},
		{"teams[1].missing", 3}, // the nearest parent present
		{"teams[7]", 1},
		{"nothing", 1},
	} {
		if got := Line(root, tc.path); got != tc.want {
			t.Errorf("Line(%q) = %d, want %d", tc.path, got, tc.want)
		}
	}
	if got := Line(nil, "x"); got != 0 {
		t.Errorf("Line(nil) = %d, want 0", got)
	}
}
