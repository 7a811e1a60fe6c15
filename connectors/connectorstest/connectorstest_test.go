package connectorstest

import (
	"cmp"
	"context"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kpidesk/kpidesk/connectors"
)

// mem is a source over an in-memory list, two complaints a batch, whose
// cursor is the index of the next complaint. Each flaw breaks one rule.
type mem struct {
	mu    sync.Mutex
	recs  []connectors.Complaint
	bad   []string // keys of records it cannot use
	flaw  string
	unmap []string // problems of the last Fetch
}

var base = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func newMem(flaw string, n int, bad ...string) *mem {
	m := &mem{flaw: flaw, bad: bad}
	for i := range n {
		t0 := base.Add(time.Duration(i) * time.Hour)
		events := []connectors.Event{
			{At: t0, Kind: connectors.EventComment, Actor: "c", Role: connectors.RoleCustomer, Public: true},
			{At: t0.Add(time.Minute), Kind: connectors.EventComment, Actor: "a", Role: connectors.RoleAgent, Public: true},
			{At: t0.Add(time.Hour), Kind: connectors.EventResolved, Actor: "a", Role: connectors.RoleAgent},
		}
		c := connectors.Complaint{ID: "mem:" + strconv.Itoa(i), Source: "mem", Key: strconv.Itoa(i),
			Title: "t", CreatedAt: t0, UpdatedAt: t0, Events: events}
		connectors.Derive(events).Apply(&c)
		m.recs = append(m.recs, c)
	}
	return m
}

func (m *mem) Name() string { return "mem" }

func (m *mem) problems() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.unmap
}

func (m *mem) Fetch(ctx context.Context, cursor string, emit func(connectors.Batch) error) error {
	m.mu.Lock()
	m.unmap = nil
	recs := m.recs
	m.mu.Unlock()
	next := 0
	if cursor != "" {
		var err error
		if next, err = strconv.Atoi(cursor); err != nil {
			return err
		}
	}
	for next < len(recs) {
		if m.flaw != "no-cancel" {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		end := min(next+2, len(recs))
		var b connectors.Batch
		for _, c := range recs[next:end] {
			if slices.Contains(m.bad, c.Key) {
				if m.flaw != "silent" {
					m.mu.Lock()
					m.unmap = append(m.unmap, "skipped "+c.Key)
					m.mu.Unlock()
				}
				continue
			}
			switch m.flaw {
			case "local":
				c.CreatedAt = c.CreatedAt.In(time.FixedZone("CST", 8*3600))
			case "unqualified":
				c.ID = c.Key
			case "no-role":
				c.Events = append([]connectors.Event(nil), c.Events...)
				c.Events[2].Role = ""
			case "unordered":
				c.Events = []connectors.Event{c.Events[1], c.Events[0], c.Events[2]}
			case "underived":
				c.AgentReplies = 0
			case "unstable":
				c.ID = fmt.Sprintf("mem:%d-%d", time.Now().UnixNano(), next)
			}
			b.Complaints = append(b.Complaints, c)
		}
		b.Cursor = strconv.Itoa(end)
		switch m.flaw {
		case "ahead":
			b.Cursor = strconv.Itoa(min(end+1, len(recs)))
		case "backwards":
			if next > 0 {
				b.Cursor = "0"
			}
		}
		if err := emit(b); err != nil && m.flaw != "ignore-emit" {
			return err
		}
		next = end
	}
	return nil
}

func memHarness(flaw string) Harness {
	return Harness{
		New: func(t *testing.T) Fake {
			m := newMem(flaw, 5)
			return Fake{
				Source: m,
				Change: func(t *testing.T) string {
					m.mu.Lock()
					defer m.mu.Unlock()
					c := m.recs[4]
					c.Title = "changed"
					m.recs = append(m.recs, c) // a later version of an earlier record
					if flaw == "stale" {
						m.recs = m.recs[:5]
					}
					return c.ID
				},
				Problems: m.problems,
			}
		},
		Bad: func(t *testing.T) (Fake, string) {
			m := newMem(flaw, 5, "2")
			return Fake{Source: m, Problems: m.problems}, "skipped 2"
		},
		CompareCursor: func(a, b string) (int, error) {
			x, _ := strconv.Atoi(cmp.Or(a, "0"))
			y, _ := strconv.Atoi(cmp.Or(b, "0"))
			return cmp.Compare(x, y), nil
		},
	}
}

func TestRunPasses(t *testing.T) {
	Run(t, memHarness(""))
}

// TestRunFails runs the suite on a source with one flaw, in a child
// process (a failing t cannot be caught in this one), and wants it to fail
// the check that flaw breaks.
func TestRunFails(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the test binary once per flaw")
	}
	for _, tc := range []struct{ flaw, check string }{
		{"local", "times"},
		{"unqualified", "ids"},
		{"unstable", "ids"},
		{"no-role", "roles"},
		{"unordered", "order"},
		{"underived", "derived"},
		{"backwards", "cursor-order"},
		{"ahead", "commit"},
		{"ignore-emit", "commit"},
		{"no-cancel", "cancel"},
		{"silent", "problems"},
		{"stale", "incremental"},
		{"harness:no-reason", "harness"},
		{"harness:no-bad", "problems"},
	} {
		t.Run(tc.flaw, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^TestFlawed$", "-test.count=1", "-test.v")
			cmd.Env = append(os.Environ(), "CONNECTORSTEST_FLAW="+tc.flaw)
			out, err := cmd.CombinedOutput()
			if err == nil {
				t.Fatalf("the suite passed a source with flaw %s:\n%s", tc.flaw, out)
			}
			want := "--- FAIL: TestFlawed/" + tc.check + " "
			if tc.check == "harness" {
				want = "connectorstest: Harness.Skip"
			}
			if !strings.Contains(string(out), want) {
				t.Errorf("flaw %s: output lacks %q:\n%s", tc.flaw, want, out)
			}
		})
	}
}

// TestFlawed is TestRunFails's child.
func TestFlawed(t *testing.T) {
	flaw := os.Getenv("CONNECTORSTEST_FLAW")
	if flaw == "" {
		t.Skip("run by TestRunFails")
	}
	h := memHarness(flaw)
	switch flaw {
	case "harness:no-reason":
		h = memHarness("")
		h.Skip = map[Check]string{CheckProblems: " "}
	case "harness:no-bad":
		h = memHarness("")
		h.Bad = nil
	}
	Run(t, h)
}
