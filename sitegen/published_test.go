package sitegen

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"

	"github.com/kpidesk/kpidesk/scoring"
)

// publishedOptions is the hostile fixture with its latest month published
// before: as published, every agent scored 5 points less, and the team of
// agent 1 (whose name is markup) scored one grade worse.
func publishedOptions(t *testing.T) (Options, string) {
	t.Helper()
	f := golden
	f.hostile = true
	opt := f.options(t)
	latest := scoring.LatestMonth(opt.Scores)
	var old []scoring.Scorecard
	for _, c := range opt.Scores.Scorecards {
		if c.Period != latest {
			continue
		}
		if c.Final != nil && c.Unit.Kind == scoring.UnitAgent {
			v := *c.Final - 5
			c.Final = &v
		}
		if c.Unit.Kind == scoring.UnitTeam && c.Unit.ID == f.teamOf(1) {
			c.Grade = opt.Config.Grades[len(opt.Config.Grades)-1].ID
		}
		old = append(old, c)
	}
	opt.Published = []Published{{Period: latest, At: time.Date(2026, 1, 2, 2, 0, 0, 0, time.UTC), Version: "old",
		Scorecards: old, File: latest + "/0001.json"}}
	return opt, latest
}

// TestSummaryPublished checks summary.md's "changed since published"
// section: a row per scorecard whose final or grade moved, the config
// version, and every name escaped.
func TestSummaryPublished(t *testing.T) {
	opt, latest := publishedOptions(t)
	src, err := Summary(opt)
	if err != nil {
		t.Fatal(err)
	}
	text := string(src)
	for _, want := range []string{"### 发布后已变更\n", "**" + latest + "** · 发布于 ", "配置版本 old → "} {
		if !strings.Contains(text, want) {
			t.Errorf("summary.md lacks %q", want)
		}
	}
	var html bytes.Buffer
	if err := goldmark.New(goldmark.WithExtensions(extension.GFM)).Convert(src, &html); err != nil {
		t.Fatal(err)
	}
	page := html.String()
	i := strings.Index(page, "发布后已变更")
	if i < 0 {
		t.Fatalf("no section in the rendered summary:\n%s", page)
	}
	section := page[i:]
	section = section[:strings.Index(section, "</table>")]
	for _, bad := range []string{"<script", "<img", "<a "} {
		if strings.Contains(section, bad) {
			t.Errorf("the rendered section has %q:\n%s", bad, section)
		}
	}
	rows := regexp.MustCompile(`(?s)<tr>(.*?)</tr>`).FindAllStringSubmatch(section, -1)
	if len(rows) < 3 {
		t.Fatalf("the section's table has %d rows, want a head and the agents and team that moved:\n%s", len(rows), section)
	}
	for _, row := range rows[1:] {
		if n := len(regexp.MustCompile(`<td[ >]`).FindAllString(row[1], -1)); n != 5 {
			t.Errorf("a row of %d cells, want 5: %s", n, row[1])
		}
	}
	if !strings.Contains(section, "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Errorf("the hostile agent's name is not shown as text:\n%s", section)
	}
}

// TestPublishedCard checks a scorecard's block: old → new, and nothing for
// a card that has not changed.
func TestPublishedCard(t *testing.T) {
	opt, latest := publishedOptions(t)
	s, err := newSite(opt)
	if err != nil {
		t.Fatal(err)
	}
	var agent, dept *unit
	for _, u := range s.units {
		switch {
		case u.Kind == scoring.UnitAgent && s.card(u, latest) != nil && s.card(u, latest).Final != nil && agent == nil:
			agent = u
		case u.Kind == scoring.UnitDepartment && s.card(u, latest) != nil && dept == nil:
			dept = u
		}
	}
	if agent == nil || dept == nil {
		t.Fatal("the fixture has no agent or department scored in the latest month")
	}
	c := s.card(agent, latest)
	v := s.publishedCard("../", agent, c)
	if v == nil {
		t.Fatalf("%s: no block, but its final moved by 5", agent.Key())
	}
	if want := fixed(*c.Final-5, 1) + " → " + fixed(*c.Final, 1); v.OldFinal+" → "+v.NewFinal != want || v.Version != "old → "+s.sc.Versions[latest] {
		t.Errorf("%s: %+v, want final %s and version old → %s", agent.Key(), v, want, s.sc.Versions[latest])
	}
	if v := s.publishedCard("../", dept, s.card(dept, latest)); v != nil {
		t.Errorf("%s: block %+v for a scorecard that did not change", dept.Key(), v)
	}
}
