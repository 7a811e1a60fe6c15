package file

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/go-json-experiment/json/jsontext"
	"github.com/google/go-cmp/cmp"
)

// TestDuplicateNames holds the importer's own check for repeated names
// (it decodes with jsontext.AllowDuplicateNames, for speed) to jsontext's:
// for each line, a strict jsontext decoder's verdict is the problem wanted.
func TestDuplicateNames(t *testing.T) {
	const ok = `"id":"A","created_at":"2026-03-02T00:00:00Z"`
	var many, manyDup strings.Builder
	for i := range 20 {
		fmt.Fprintf(&many, `"k%d":%d,`, i, i)
	}
	manyDup.WriteString(many.String() + `"k3":0,`)
	lines := []string{
		`{` + ok + `,"id":"B"}`,
		`{` + ok + `,"\u0069d":"B"}`,
		`{` + ok + `,"zz":1,"zz":2}`,
		`{` + ok + `,"zz":1,"zy":2}`,
		`{` + ok + `,"csat":{"value":4,"value":5}}`,
		`{` + ok + `,"csat":{"at":null,"at":null,"value":4}}`,
		`{` + ok + `,"csat":{"value":4,"x":1,"x":2}}`,
		`{` + ok + `,"events":[{"at":"2026-03-02T01:00:00Z","kind":"comment","kind":"status"}]}`,
		`{` + ok + `,"events":[{"at":"2026-03-02T01:00:00Z","kind":"comment"},{"at":"2026-03-02T01:00:00Z","kind":"comment"}]}`,
		`{` + ok + `,"fields":{"a":{"b":1,"b":2}}}`,
		`{` + ok + `,"fields":{"a/b~c":1,"a/b~c":2}}`,
		`{` + ok + `,"fields":{"a\u0001":1,"a":2}}`,
		`{` + ok + `,"fields":{` + many.String() + `"z":0}}`,
		`{` + ok + `,"fields":{` + manyDup.String() + `"z":0}}`,
		`{` + ok + `,"fields":[{"a":1},{"a":1}]}`,
	}
	for _, line := range lines {
		var want []string
		_, err := jsontext.NewDecoder(strings.NewReader(line)).ReadValue()
		var se *jsontext.SyntacticError
		if errors.As(err, &se) && errors.Is(se.Err, jsontext.ErrDuplicateName) {
			want = []string{"in.jsonl:1: (line): invalid JSON: duplicate object member name " + strconv.Quote(se.JSONPointer.LastToken())}
		} else if err != nil {
			t.Fatalf("%s: %v", line, err)
		}
		_, res := decodeAll(t, "in.jsonl", line, Options{})
		var got []string
		for _, p := range problemTexts(res.Problems) {
			if strings.Contains(p, "duplicate object member") {
				got = append(got, p)
			}
		}
		if want != nil && len(res.Problems) != 1 {
			t.Errorf("%s: problems %q, want only the duplicate", line, problemTexts(res.Problems))
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s: duplicate problems differ from jsontext's (-jsontext +import):\n%s", line, diff)
		}
	}
}
