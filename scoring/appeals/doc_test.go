package appeals_test

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/kpidesk/kpidesk/scoring/appeals"
)

// TestDocExamples parses every complete appeal in docs/appeals.md, so that
// the examples users copy stay valid.
func TestDocExamples(t *testing.T) {
	doc, err := os.ReadFile("../../docs/appeals.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := regexp.MustCompile("(?s)```yaml\n(.*?)```").FindAllStringSubmatch(string(doc), -1)
	n := 0
	for _, b := range blocks {
		if !strings.HasPrefix(b[1], "- id: ") {
			continue // a fragment of an appeal
		}
		n++
		if _, err := appeals.Parse([]byte(b[1]), "docs/appeals.md"); err != nil {
			t.Errorf("example %d:\n%s\n%v", n, b[1], err)
		}
	}
	if n < 5 {
		t.Errorf("found %d complete examples in docs/appeals.md, want at least 5", n)
	}
}
