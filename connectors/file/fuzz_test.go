package file

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kpidesk/kpidesk/connectors"
)

// FuzzDecode checks that Decode never panics, that every line it reads
// gives a complaint or problems but never both, that what it passes on is
// valid, and that it survives EncodeJSONL → Decode unchanged.
func FuzzDecode(f *testing.F) {
	files, _ := filepath.Glob("testdata/*")
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err == nil {
			f.Add(b, strings.HasSuffix(name, ".csv"))
		}
	}
	f.Add([]byte(`{"id":"A","created_at":"2026-03-02T00:00:00Z","resolved_at":null,"events":[{"at":"2026-03-02T01:00:00Z","kind":"resolved"}]}`), false)
	f.Add([]byte("{\"id\":\"A\",\"created_at\":\"2026-03-02T00:00:00Z\"}\n{\"id\":\"A\"}\n[]\n{"), false)
	f.Add([]byte("id,created_at,events\nA,2026-03-02T00:00:00Z,\"[{\"\"at\"\":\"\"2026-03-02T01:00:00Z\"\",\"\"kind\"\":\"\"comment\"\"}]\"\n\"B\nC\",x,\n"), true)

	f.Fuzz(func(t *testing.T, data []byte, isCSV bool) {
		name := "fuzz.jsonl"
		if isCSV {
			name = "fuzz.csv"
		}
		var got []connectors.Complaint
		res, err := Decode(strings.NewReader(string(data)), name, Options{}, func(c *connectors.Complaint) error {
			got = append(got, *c)
			return nil
		})
		if err != nil {
			t.Fatalf("Decode: %v", err)
		}
		if res.OK != len(got) {
			t.Fatalf("OK = %d, but fn got %d complaints", res.OK, len(got))
		}
		lines := map[int]bool{}
		for _, p := range res.Problems {
			if p.Line > 0 {
				lines[p.Line] = true
			}
		}
		if res.Read == 0 && res.OK > 0 {
			t.Fatalf("Read = 0, OK = %d", res.OK)
		}
		if res.Unlisted == 0 && res.Read > 0 && res.OK+len(lines) != res.Read {
			t.Fatalf("Read = %d, OK = %d, lines with problems = %d: a line gave both or neither", res.Read, res.OK, len(lines))
		}
		for i := range got {
			if err := checkComplaint(&got[i]); err != nil {
				t.Fatalf("complaint %d: %v\n%+v", i, err, got[i])
			}
		}
		again, res2 := roundTrip(t, got, "")
		if len(res2.Problems) > 0 {
			t.Fatalf("round trip problems: %q", problemTexts(res2.Problems))
		}
		if diff := cmp.Diff(got, again); diff != "" {
			t.Fatalf("EncodeJSONL → Decode mismatch (-want +got):\n%s", diff)
		}
	})
}

// checkComplaint checks what Decode promises about a complaint it returns.
func checkComplaint(c *connectors.Complaint) error {
	switch {
	case c.Source != DefaultSource || c.ID != c.Source+":"+c.Key || c.Key == "":
		return fmt.Errorf("ID %q, Source %q, Key %q", c.ID, c.Source, c.Key)
	case c.CreatedAt.IsZero():
		return fmt.Errorf("no CreatedAt")
	case c.Kind == "":
		return fmt.Errorf("no Kind")
	case c.Priority != "" && !slices.Contains(connectors.Priorities, c.Priority):
		return fmt.Errorf("priority %q", c.Priority)
	case c.Reopens < 0 || c.AgentReplies < 0:
		return fmt.Errorf("negative count")
	case !c.FirstResponseAt.IsZero() && c.FirstResponseAt.Before(c.CreatedAt),
		!c.ResolvedAt.IsZero() && c.ResolvedAt.Before(c.CreatedAt),
		!c.FirstResolvedAt.IsZero() && c.FirstResolvedAt.Before(c.CreatedAt):
		return fmt.Errorf("a time before CreatedAt")
	case c.Resolved() && (c.FirstResolvedAt.IsZero() || c.FirstResolvedAt.After(c.ResolvedAt)):
		return fmt.Errorf("FirstResolvedAt %v, ResolvedAt %v", c.FirstResolvedAt, c.ResolvedAt)
	case !c.EscalatedAt.IsZero() && !c.Escalated:
		return fmt.Errorf("EscalatedAt without Escalated")
	case c.CSAT != nil && (c.CSAT.Scale <= 0 || c.CSAT.Value < 0 || c.CSAT.Value > c.CSAT.Scale):
		return fmt.Errorf("CSAT %+v", *c.CSAT)
	}
	for _, e := range c.Events {
		if e.At.IsZero() || !slices.Contains(connectors.EventKinds, e.Kind) {
			return fmt.Errorf("event %+v", e)
		}
		if e.Role != "" && e.Role != connectors.RoleAgent && e.Role != connectors.RoleCustomer && e.Role != connectors.RoleBot {
			return fmt.Errorf("event role %q", e.Role)
		}
	}
	if !slices.IsSortedFunc(c.Events, cmpEventTime) {
		return fmt.Errorf("events not in time order")
	}
	for _, tm := range [...]any{c.CreatedAt.Location(), c.FirstResponseAt.Location(), c.ResolvedAt.Location()} {
		if tm != nil && fmt.Sprint(tm) != "UTC" {
			return fmt.Errorf("time not in UTC")
		}
	}
	return nil
}
