package file

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kpidesk/kpidesk/connectors/connectorstest"
)

// TestConformance runs the connector conformance suite on a copy of
// testdata/conformance.jsonl and of the same complaints in
// testdata/conformance.csv (times in several offsets, events out of order
// and one without a role), two complaints a batch. The fixtures give no
// derived field beside events (a given one wins over Derive, SPEC §12), so
// the derived check applies to every line.
func TestConformance(t *testing.T) {
	for _, tc := range []struct {
		name, fixture string
		// bad is a line that appends a bad record; skip reads with
		// SkipInvalid.
		bad  string
		skip bool
	}{
		{name: "jsonl", fixture: "conformance.jsonl", bad: `{"id":"C-9","created_at":"2026-03-05T09:00:00"}`},
		{name: "csv", fixture: "conformance.csv", bad: `C-9,2026-03-05T09:00:00,No offset,,,,,,`, skip: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			connectorstest.Run(t, connectorstest.Harness{
				New: func(t *testing.T) connectorstest.Fake {
					data := readFixture(t, tc.fixture)
					path := writeTemp(t, tc.fixture, data)
					s := newTestFileSource(t, path, false)
					return connectorstest.Fake{
						Source: s,
						Change: func(t *testing.T) string {
							edited := strings.Replace(data, "App crashes on login", "App crashes on login again", 1)
							if edited == data {
								t.Fatal("the fixture has no title to edit")
							}
							if err := os.WriteFile(path, []byte(edited), 0o644); err != nil {
								t.Fatal(err)
							}
							return "file:C-2"
						},
						Problems: func() []string { return problemTexts(s.Result().Problems) },
					}
				},
				Bad: func(t *testing.T) (connectorstest.Fake, string) {
					data := readFixture(t, tc.fixture)
					path := writeTemp(t, tc.fixture, data+tc.bad+"\n")
					s := newTestFileSource(t, path, tc.skip)
					line := strings.Count(data, "\n") + 1
					return connectorstest.Fake{
						Source:   s,
						Problems: func() []string { return problemTexts(s.Result().Problems) },
					}, fmt.Sprintf("%s:%d: created_at:", path, line)
				},
				CompareCursor: func(a, b string) (int, error) {
					// "" until the file is read whole, then its name.
					switch {
					case a == b:
						return 0, nil
					case a == "":
						return -1, nil
					case b == "":
						return 1, nil
					}
					return 0, fmt.Errorf("cursors %q and %q name different files", a, b)
				},
			})
		})
	}
}

func writeTemp(t *testing.T, name, data string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func newTestFileSource(t *testing.T, path string, skipInvalid bool) *Source {
	t.Helper()
	s, err := NewSource(SourceConfig{Path: path, BatchSize: 2, SkipInvalid: skipInvalid})
	if err != nil {
		t.Fatal(err)
	}
	return s
}
