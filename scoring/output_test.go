package scoring

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./scoring -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s differs (-want +got):\n%s", name, diff)
	}
}

// TestScoresGolden pins scores.json, scores.csv and evidence.jsonl of the
// hand-computed fixture: the schema of SPEC §12 and its number formats.
func TestScoresGolden(t *testing.T) {
	cfg := loadTestConfig(t, "testdata/small.yaml")
	var ev bytes.Buffer
	ew := NewEvidenceWriter(&ev)
	s, err := Score(context.Background(), smallFixture(), Options{Config: cfg, AsOf: at("2026-03-31T00:00:00Z"), IDs: true, Evidence: ew.Write})
	if err != nil {
		t.Fatal(err)
	}
	if err := ew.Flush(); err != nil {
		t.Fatal(err)
	}
	var js, csv bytes.Buffer
	if err := WriteJSON(&js, s); err != nil {
		t.Fatal(err)
	}
	if err := WriteCSV(&csv, s); err != nil {
		t.Fatal(err)
	}
	golden(t, "small.scores.json", js.Bytes())
	golden(t, "small.scores.csv", csv.Bytes())
	golden(t, "small.evidence.jsonl", ev.Bytes())

	// The parallel encoder writes the same bytes as the Evidence callback.
	var fast bytes.Buffer
	if _, err := Score(context.Background(), smallFixture(), Options{Config: cfg, AsOf: at("2026-03-31T00:00:00Z"), EvidenceOut: &fast}); err != nil {
		t.Fatal(err)
	}
	if fast.String() != ev.String() {
		t.Errorf("EvidenceOut wrote\n%s\nwant\n%s", fast.String(), ev.String())
	}

	back, err := ReadJSON(&js)
	if err != nil {
		t.Fatal(err)
	}
	if len(back.Scorecards) != len(s.Scorecards) {
		t.Errorf("read back %d scorecards, want %d", len(back.Scorecards), len(s.Scorecards))
	}
	var n int
	if err := ReadEvidence(&ev, func(e *Evidence) error { n++; return nil }); err != nil {
		t.Fatal(err)
	}
	if n != 6 {
		t.Errorf("evidence lines = %d, want 6 (one per contact, suggestion included)", n)
	}
}

// TestScoresDeterministic scores the same complaints in two input orders:
// the bytes must not change.
func TestScoresDeterministic(t *testing.T) {
	cfg := loadTestConfig(t, "testdata/small.yaml")
	render := func(reverse bool) []byte {
		cs := smallFixture()
		if reverse {
			for i, j := 0, len(cs)-1; i < j; i, j = i+1, j-1 {
				cs[i], cs[j] = cs[j], cs[i]
			}
		}
		s, err := Score(context.Background(), cs, Options{Config: cfg, AsOf: at("2026-03-31T00:00:00Z"), IDs: true})
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if err := WriteJSON(&b, s); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	if a, b := render(false), render(true); !bytes.Equal(a, b) {
		t.Error("scores.json depends on the input order")
	}
}

// TestReadEvidenceOrderAndErrors reads more lines than one batch, in
// order, and stops at a bad line having delivered exactly the lines before
// it.
func TestReadEvidenceOrderAndErrors(t *testing.T) {
	var b strings.Builder
	for i := 1; i <= 2500; i++ {
		if i == 1800 {
			b.WriteString("{not json\n")
			continue
		}
		if i%500 == 0 {
			b.WriteString("\n") // blank lines are skipped
			continue
		}
		fmt.Fprintf(&b, `{"id":"x:%05d","kind":"complaint","outcomes":{},"periods":{}}`+"\n", i)
	}
	var got []string
	err := ReadEvidence(strings.NewReader(b.String()), func(e *Evidence) error {
		got = append(got, e.ID)
		return nil
	})
	if err == nil || !strings.Contains(err.Error(), "evidence.jsonl:1800:") {
		t.Errorf("error = %v, want one at line 1800", err)
	}
	// Lines 1..1799 less the blank ones at 500, 1000 and 1500.
	if len(got) != 1799-3 || got[0] != "x:00001" || got[len(got)-1] != "x:01799" || !slices.IsSorted(got) {
		t.Errorf("delivered %d ids from %s to %s, want 1796 in order ending at x:01799", len(got), got[0], got[len(got)-1])
	}
}

// TestSafeCellSegments follows OWASP's CSV Injection guidance: no cell, and
// no segment a spreadsheet could split off a cell, starts a formula; no
// control character but tab, CR and LF is written raw; plain numbers and
// dates stay readable.
func TestSafeCellSegments(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain", "plain"},
		{"", ""},
		{"=1+2", "'=1+2"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"\r=1", "'\r'=1"},
		{"\n=1", "'\n'=1"},
		{"  =1", "  '=1"},
		// Excel in a ;-separator locale splits these into a formula cell.
		{`x;=cmd|' /C calc'!A0`, `x;'=cmd|' /C calc'!A0`},
		{"x,=1", "x,'=1"},
		{"x|@a", "x|'@a"},
		{"x\t+1+1", "x\t'+1+1"},
		{`x"=1`, `x"'=1`},
		{"x; -2+3+cmd|' /C calc'!A0", "x; '-2+3+cmd|' /C calc'!A0"},
		// OWASP's examples.
		{`=1+2";=1+2`, `'=1+2";'=1+2`},
		{`=1+2'" ;,=1+2`, `'=1+2'" ;,'=1+2`},
		// Numbers and dates stay as they are; a sign inside text is not a formula.
		{"-5", "-5"},
		{"+2.5", "+2.5"},
		{"a;-0.25", "a;-0.25"},
		{"2026-11-02", "2026-11-02"},
		{"Support - East", "Support - East"},
		{"a@b.example", "a@b.example"},
		{"-5.", "'-5."},
		{"-", "'-"},
		// Control characters.
		{"a\x00b", "a\uFFFDb"},
		{"\x00=1", "\uFFFD=1"},
		{"\x1b[31mred", "\uFFFD[31mred"},
		{"two\nlines", "two\nlines"},
		{"c1\u0085x", "c1\uFFFDx"},
	}
	for _, tc := range tests {
		if got := safeCell(tc.in); got != tc.want {
			t.Errorf("SafeCell(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
