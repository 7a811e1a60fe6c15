package file

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestControlCharacters: identifiers with a control character are
// problems; free text loses its control characters but tab, LF and CR.
func TestControlCharacters(t *testing.T) {
	in := `{"id":"A","created_at":"2026-03-02T00:00:00Z","title":"a\u0000b\u001b[1m\tc\nd\u0085e","csat":{"value":5,"comment":"ok\u0007"},"fields":{"note\u0001":"x\u0000y"}}
{"id":"B\u0000","created_at":"2026-03-02T00:00:00Z"}
{"id":"C","created_at":"2026-03-02T00:00:00Z","team":"t\u007f","labels":["ok","v\u0009ip"],"events":[{"at":"2026-03-02T01:00:00Z","kind":"comment","actor":"a\u0000"}]}
`
	got, res := decodeAll(t, "in.jsonl", in, Options{})
	wantProblems := []string{
		"in.jsonl:2: id: control character U+0000 at byte 2: not allowed in an identifier",
		"in.jsonl:3: team: control character U+007F at byte 2: not allowed in an identifier",
		"in.jsonl:3: labels[1]: control character U+0009 at byte 2: not allowed in an identifier",
		"in.jsonl:3: events[0].actor: control character U+0000 at byte 2: not allowed in an identifier",
	}
	if diff := cmp.Diff(wantProblems, problemTexts(res.Problems)); diff != "" {
		t.Errorf("problems mismatch (-want +got):\n%s", diff)
	}
	if len(got) != 1 {
		t.Fatalf("got %d complaints, want 1", len(got))
	}
	c := got[0]
	if want := "ab[1m\tc\nde"; c.Title != want {
		t.Errorf("Title = %q, want %q", c.Title, want)
	}
	if c.CSAT == nil || c.CSAT.Comment != "ok" {
		t.Errorf("CSAT = %+v, want comment %q", c.CSAT, "ok")
	}
	if diff := cmp.Diff(map[string]any{"note": "xy"}, c.Fields); diff != "" {
		t.Errorf("Fields mismatch (-want +got):\n%s", diff)
	}

	// The same rules in CSV.
	_, res = decodeAll(t, "in.csv", "id,created_at,customer,labels\nA,2026-03-02T00:00:00Z,c\x01,x;y\x00\n", Options{})
	wantProblems = []string{
		"in.csv:2: customer: control character U+0001 at byte 2: not allowed in an identifier",
		"in.csv:2: labels: control character U+0000 at byte 2: not allowed in an identifier",
	}
	if diff := cmp.Diff(wantProblems, problemTexts(res.Problems)); diff != "" {
		t.Errorf("CSV problems mismatch (-want +got):\n%s", diff)
	}
}
