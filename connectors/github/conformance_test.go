package github

import (
	"testing"
	"time"

	"github.com/kpidesk/kpidesk/connectors/connectorstest"
)

// TestConformance runs the connector conformance suite on two generated
// repositories served five issues a page (so pages follow Link URLs into
// /repositories/{id}/…), three complaints a batch, with pull requests,
// bots, app-performed closes and reopens among them.
func TestConformance(t *testing.T) {
	connectorstest.Run(t, connectorstest.Harness{
		New: func(t *testing.T) connectorstest.Fake {
			f := newFakeGH(t)
			f.addRepo("acme/support", genIssues(1, 14)...)
			f.addRepo("acme/billing", genIssues(2, 6)...)
			s := testSource(t, f, []string{"acme/support", "acme/billing"}, func(c *SourceConfig) {
				c.PerPage, c.BatchSize, c.Overlap = 5, 3, time.Second
			})
			return connectorstest.Fake{
				Source: s,
				Change: func(t *testing.T) string {
					f.mu.Lock()
					defer f.mu.Unlock()
					fi := f.repos["acme/support"].issues[1]
					fi.title = "Issue 2, edited"
					fi.updated = time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
					return "gh:acme/support#2"
				},
				Problems: func() []string { return problemTexts(s) },
			}
		},
		Bad: func(t *testing.T) (connectorstest.Fake, string) {
			f := newFakeGH(t)
			issues := genIssues(3, 6)
			issues[2].created = time.Time{} // unreadable: no creation time
			f.addRepo("acme/support", issues...)
			s := testSource(t, f, []string{"acme/support"}, func(c *SourceConfig) { c.PerPage, c.BatchSize = 2, 1 })
			return connectorstest.Fake{Source: s, Problems: func() []string { return problemTexts(s) }}, "acme/support#3"
		},
		CompareCursor: compareCursors,
	})
}

func problemTexts(s *Source) []string {
	var out []string
	for _, p := range s.Problems() {
		out = append(out, p.Where+": "+p.Field+": "+p.Reason)
	}
	return out
}

// compareCursors orders cursors repository by repository: one is later
// when no repository's position is earlier in it.
func compareCursors(a, b string) (int, error) {
	x, err := ParseCursor(a)
	if err != nil {
		return 0, err
	}
	y, err := ParseCursor(b)
	if err != nil {
		return 0, err
	}
	less, more := false, false
	for _, k := range keys(x, y) {
		switch x.Repos[k].At.Compare(y.Repos[k].At) {
		case -1:
			less = true
		case 1:
			more = true
		}
	}
	switch {
	case more:
		return 1, nil
	case less:
		return -1, nil
	}
	return 0, nil
}

func keys(cs ...Cursor) []string {
	var out []string
	seen := map[string]bool{}
	for _, c := range cs {
		for k := range c.Repos {
			if !seen[k] {
				seen[k] = true
				out = append(out, k)
			}
		}
	}
	return out
}
