package sitegen

import (
	"fmt"
	"html"
	"math"
	"path"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/kpidesk/kpidesk/scoring"
)

// halfYear is the golden fixture over six months, July to December 2025:
// two quarters, so that a quarter has a quarter before it.
var halfYear = fixture{agents: 5, months: 6, perAgent: 2}

// fixtureCard is the fixture's card of a unit, period and scorecard.
func fixtureCard(t *testing.T, sc *scoring.Scores, unitKey, period, scorecard string) *scoring.Scorecard {
	t.Helper()
	for i := range sc.Scorecards {
		c := &sc.Scorecards[i]
		if c.Unit.Key() == unitKey && c.Period == period && c.Scorecard == scorecard {
			return c
		}
	}
	t.Fatalf("fixture has no card %s %s %s", unitKey, period, scorecard)
	return nil
}

var (
	heroRE    = regexp.MustCompile(`<span class="hero-final">([^<]*)</span><span class="hero-delta"><span class="delta ([a-z]*)"[^>]*>([^<]*)</span>`)
	switchRE2 = regexp.MustCompile(`(?s)<nav class="periods card"[^>]*>(.*?)</nav>`)
	aRE       = regexp.MustCompile(`<a (?:class="current" )?href="([^"]*)"( aria-current="page")?>([^<]*)</a>`)
)

// TestQuarterPage reads an agent's quarter page: the quarter's final
// score with its change against the previous quarter, computed here from
// the cards, in both languages; the first quarter has no change to show.
func TestQuarterPage(t *testing.T) {
	opt := halfYear.options(t)
	opt.Config.Site.Languages = []string{"zh", "en"}
	tree := readTree(t, build(t, opt))
	q3 := fixtureCard(t, opt.Scores, "agent:zhang.wei", "2025-Q3", "seed001")
	q4 := fixtureCard(t, opt.Scores, "agent:zhang.wei", "2025-Q4", "seed001")
	d := math.Round((*q4.Final-*q3.Final)*10) / 10
	arrow, class := "▲", "good"
	if d < 0 {
		arrow, class = "▼", "bad"
	}
	if d == 0 {
		t.Fatalf("the fixture's quarters have the same final score; pick another agent")
	}
	for _, tc := range []struct{ file, unit string }{
		{"agent/zhang.wei/2025-Q4.html", "分"},
		{"en/agent/zhang.wei/2025-Q4.html", "pts"},
	} {
		page := string(tree[tc.file])
		if page == "" {
			t.Fatalf("no %s", tc.file)
		}
		m := heroRE.FindStringSubmatch(page)
		if m == nil {
			t.Fatalf("%s: no final score with its change", tc.file)
		}
		want := []string{fmt.Sprintf("%.1f", *q4.Final), class, fmt.Sprintf("%s %.1f %s", arrow, math.Abs(d), tc.unit)}
		if got := m[1:]; !slices.Equal(got, want) {
			t.Errorf("%s: final, change class and change = %q, want %q", tc.file, got, want)
		}
		if !strings.Contains(page, `title="`+map[bool]string{true: "vs", false: "较"}[strings.HasPrefix(tc.file, "en/")]+` 2025-Q3"`) {
			t.Errorf("%s: the change does not say it is against 2025-Q3", tc.file)
		}
		if strings.Contains(page, `data-chart=`) {
			t.Errorf("%s: a period page draws a chart; the trend belongs on the main page", tc.file)
		}
		if !strings.Contains(page, `<a href="../zhang.wei.html">2025-12`) {
			t.Errorf("%s: no link to the main page", tc.file)
		}
	}
	// The first quarter has none before it: a dash, never a change
	// against a missing period.
	q3page := string(tree["agent/zhang.wei/2025-Q3.html"])
	if m := heroRE.FindStringSubmatch(q3page); m == nil || m[2] != "none" || m[3] != dash {
		t.Errorf("agent/zhang.wei/2025-Q3.html: change of the first quarter = %q, want a dash", m)
	}
	if strings.Contains(q3page, "▲") || strings.Contains(q3page, "▼") {
		t.Errorf("agent/zhang.wei/2025-Q3.html: a change against a quarter without data")
	}
}

// TestNoChangeFromMissingPeriod takes an agent's October away: November
// shows no change (not one against September), December one against
// November.
func TestNoChangeFromMissingPeriod(t *testing.T) {
	opt := halfYear.options(t)
	opt.Scores.Scorecards = slices.DeleteFunc(opt.Scores.Scorecards, func(c scoring.Scorecard) bool {
		return c.Unit.Key() == "agent:li.na" && c.Period == "2025-10"
	})
	tree := readTree(t, build(t, opt))
	if _, ok := tree["agent/li.na/2025-10.html"]; ok {
		t.Errorf("agent/li.na/2025-10.html exists for a month without a scorecard")
	}
	nov := string(tree["agent/li.na/2025-11.html"])
	if m := heroRE.FindStringSubmatch(nov); m == nil || m[2] != "none" || m[3] != dash {
		t.Errorf("agent/li.na/2025-11.html: change after a month without data = %q, want a dash", m)
	}
	for _, s := range []string{"▲", "▼", "较 2025-09"} {
		if strings.Contains(nov, s) {
			t.Errorf("agent/li.na/2025-11.html: %q after a month without data", s)
		}
	}
	if strings.Contains(nov, `href="2025-10.html"`) {
		t.Errorf("agent/li.na/2025-11.html: the switcher links to a month without a scorecard")
	}
	if m := heroRE.FindStringSubmatch(string(tree["agent/li.na.html"])); m == nil || m[2] == "none" {
		t.Errorf("agent/li.na.html: December shows no change against November: %q", m)
	}
	// The team's breakdown for November: li.na's cells say nothing changed
	// visibly, the other agents' do.
	team := string(tree["team/care-vip/2025-11.html"])
	row := regexp.MustCompile(`(?s)<tr>\s*<td><a href="[^"]*li\.na[^"]*">.*?</tr>`).FindString(team)
	if row == "" {
		t.Fatalf("team/care-vip/2025-11.html: no row for li.na")
	}
	if strings.Contains(row, "▲") || strings.Contains(row, "▼") {
		t.Errorf("li.na's November row shows a change against a month without data:\n%s", row)
	}
}

// TestPeriodSwitch follows every period switcher of the bilingual site:
// each link resolves to a page of the site in the same language, which
// shows that period and marks it current in its own switcher; the page's
// own period is marked on it; and the language switch of a period page
// leads to the same period in the other language.
func TestPeriodSwitch(t *testing.T) {
	tree := readTree(t, build(t, bilingual(t)))
	pages := 0
	for _, name := range htmlFiles(tree) {
		page := string(tree[name])
		sw := switchRE2.FindStringSubmatch(page)
		if sw == nil {
			continue
		}
		pages++
		current := 0
		for _, m := range aRE.FindAllStringSubmatch(sw[1], -1) {
			target := path.Join(path.Dir(name), html.UnescapeString(m[1]))
			if strings.HasPrefix(name, "en/") != strings.HasPrefix(target, "en/") {
				t.Errorf("%s: the switcher leads to %s, in another language", name, target)
			}
			other, ok := tree[target]
			if !ok {
				t.Errorf("%s: the switcher links to %s, which is not in the site", name, target)
				continue
			}
			if !strings.Contains(string(other), `aria-current="page">`+m[3]+`</a>`) {
				t.Errorf("%s: %s, linked for %s, does not mark %s current", name, target, m[3], m[3])
			}
			if m[2] != "" {
				current++
				if target != name {
					t.Errorf("%s: marks %s current, a link to %s", name, m[3], target)
				}
			}
		}
		if current != 1 {
			t.Errorf("%s: %d periods marked current, want 1", name, current)
		}
	}
	// Org, 2 departments, 3 teams, 5 agents: 7 periods each (3 months, a
	// quarter, a half, 2025 and 2026), in two languages.
	if want := 11 * 7 * 2; pages != want {
		t.Errorf("%d pages with a period switcher, want %d", pages, want)
	}
	m := switchRE.FindStringSubmatch(string(tree["agent/zhang.wei/2025-Q4.html"]))
	if m == nil || path.Join("agent/zhang.wei", m[1]) != "en/agent/zhang.wei/2025-Q4.html" {
		t.Errorf("the language switch of agent/zhang.wei/2025-Q4.html leads to %q, want en/agent/zhang.wei/2025-Q4.html", m)
	}
}

// TestHistoryLinks: the history rows of a main page open that period's
// scorecard, not the complaints.
func TestHistoryLinks(t *testing.T) {
	tree := readTree(t, build(t, golden.options(t)))
	page := string(tree["agent/zhang.wei.html"])
	rows := regexp.MustCompile(`<td class="nowrap"><a href="([^"]*)" title="[^"]*">([^<]*)</a></td>`).FindAllStringSubmatch(page, -1)
	want := map[string]string{
		"2025-12": "agent/zhang.wei.html", "2025-11": "agent/zhang.wei/2025-11.html", "2025-10": "agent/zhang.wei/2025-10.html",
		"2025-Q4": "agent/zhang.wei/2025-Q4.html", "2025-H2": "agent/zhang.wei/2025-H2.html",
		"2025": "agent/zhang.wei/2025.html", "2026": "agent/zhang.wei/2026.html",
	}
	got := map[string]string{}
	for _, m := range rows {
		got[m[2]] = path.Join("agent", m[1])
		if _, ok := tree[got[m[2]]]; !ok {
			t.Errorf("history row %s links to %s, which is not in the site", m[2], got[m[2]])
		}
	}
	for p, file := range want {
		if got[p] != file {
			t.Errorf("history row %s links to %q, want %q", p, got[p], file)
		}
	}
	// The complaints stay a click away on each month's scorecard.
	if !strings.Contains(string(tree["agent/zhang.wei/2025-11.html"]), `href="../../complaints/agent-zhang.wei-2025-11.html"`) {
		t.Errorf("agent/zhang.wei/2025-11.html does not link to its complaints")
	}
}

// TestPeriodBreakdown: a team's quarter page lists its agents' quarter
// results, linking to their quarter pages, with the crumbs and the parent
// at the department's quarter.
func TestPeriodBreakdown(t *testing.T) {
	opt := halfYear.options(t)
	tree := readTree(t, build(t, opt))
	page := string(tree["team/care-east/2025-Q4.html"])
	i := strings.Index(page, `id="breakdown"`)
	if i < 0 {
		t.Fatalf("team/care-east/2025-Q4.html has no breakdown")
	}
	bd := page[i:]
	for _, a := range []string{"zhang.wei", "liu.yang"} { // agents 0 and 3 of care-east
		if !strings.Contains(bd, `href="../../agent/`+a+`/2025-Q4.html"`) {
			t.Errorf("the breakdown of team/care-east/2025-Q4.html does not link to agent/%s/2025-Q4.html", a)
		}
		c := fixtureCard(t, opt.Scores, "agent:"+a, "2025-Q4", "seed001")
		if !regexp.MustCompile(`<td class="num strong"[^>]*>` + regexp.QuoteMeta(fmt.Sprintf("%.1f", *c.Final)) + `<`).MatchString(bd) {
			t.Errorf("the breakdown of team/care-east/2025-Q4.html lacks %s's quarter final %.1f", a, *c.Final)
		}
	}
	if strings.Contains(bd, "complaints/") {
		t.Errorf("a quarter's breakdown links to month complaint lists")
	}
	for _, s := range []string{`<a href="../../department/care/2025-Q4.html">客户关怀部</a></nav>`, `<p class="eyebrow">团队 · <a href="../../department/care/2025-Q4.html">`} {
		if !strings.Contains(page, s) {
			t.Errorf("team/care-east/2025-Q4.html lacks %s", s)
		}
	}
}
