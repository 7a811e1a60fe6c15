package jira

import (
	"fmt"
	"testing"
	"time"

	"github.com/kpidesk/kpidesk/connectors"
	"github.com/kpidesk/kpidesk/connectors/connectorstest"
)

// TestConformance runs the connector conformance suite on the generated
// issues of jiraFake (SD-3's changelog and comments paged, SD-5 with an
// unknown priority), in both flavours, five issues a page and two complaints a batch. SD-6 is
// resolved by resolutiondate alone and carries an escalation label set at
// creation, so the events the mapping adds for them are checked too.
func TestConformance(t *testing.T) {
	for _, d := range flavours {
		t.Run(d, func(t *testing.T) {
			connectorstest.Run(t, connectorstest.Harness{
				New: func(t *testing.T) connectorstest.Fake {
					jf := newJiraFake(t, d, true)
					jf.perPage = 5
					jf.update("SD-6", func(g *genIssue) {
						g.fields = map[string]any{
							"resolutiondate": jiraTime(g.created.Add(3 * time.Hour)),
							"labels":         []string{"escalated"},
						}
					})
					s := newTestSource(t, jf, func(c *SourceConfig) {
						// Several batches a page, and batches that
						// straddle pages; the overlap is short enough that
						// a cursor run ahead of its batch would lose issues.
						c.BatchSize = 2
						c.Overlap = time.Minute
						c.Mapping.EscalationLabels = []string{"escalated"}
					})
					return connectorstest.Fake{
						Source: s,
						Change: func(t *testing.T) string {
							jf.update("SD-2", func(g *genIssue) {
								g.summary, g.priority = "Issue 2, edited", "Low"
								g.updated = updatedOf(inUpdateOrder()[6]).Add(2 * time.Hour)
							})
							return "jsm:SD-2"
						},
						Problems: func() []string { return unmappedTexts(s) },
					}
				},
				Bad:           badJira,
				CompareCursor: compareCursors,
			})
		})
	}
}

// badJira serves SD-1..SD-4 with SD-3's created unreadable: the source
// skips it and reports it as Unmapped.
func badJira(t *testing.T) (connectorstest.Fake, string) {
	var issues []map[string]any
	for n := 1; n <= 4; n++ {
		issues = append(issues, plainIssue(n, n, n == 3))
	}
	sf := newSkipFake(t, 2, issues)
	s, err := NewSource(SourceConfig{
		Name: "jsm",
		Client: Config{
			BaseURL: sf.srv.URL + basePath, Deployment: Cloud, Email: testEmail, Token: testToken,
			Timeout: 5 * time.Second, UserAgent: testUA, Sleep: func(time.Duration) {},
		},
		Projects:  []string{"SD"},
		Mapping:   Mapping{RequestTypeField: "customfield_10010", Kinds: map[string]string{"refund request": connectors.KindComplaint}},
		Now:       func() time.Time { return srcNow },
		BatchSize: 1,
	})
	if err != nil {
		t.Fatal(err)
	}
	return connectorstest.Fake{Source: s, Problems: func() []string { return unmappedTexts(s) }}, "SD-3"
}

// unmappedTexts is how the source reports problems: Unmapped, one line each.
func unmappedTexts(s *Source) []string {
	var out []string
	for _, u := range s.Unmapped() {
		out = append(out, fmt.Sprintf("%s: %s: %q %s", u.Key, u.Field, u.Value, u.Reason))
	}
	return out
}

// compareCursors orders cursors by the instant they hold ("" first).
func compareCursors(a, b string) (int, error) {
	x, err := ParseCursor(a)
	if err != nil {
		return 0, err
	}
	y, err := ParseCursor(b)
	if err != nil {
		return 0, err
	}
	return x.Compare(y), nil
}
