package sitegen

import (
	"bytes"
	"html/template"
	"regexp"
	"strings"
	"testing"

	"github.com/kpidesk/kpidesk/config"
	"github.com/kpidesk/kpidesk/scoring"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
)

// TestSummary checks summary.md against the scores it comes from: the
// organization's final score and grade for the latest complete month, a
// row per metric of its scorecard and per team, and the same bytes twice.
func TestSummary(t *testing.T) {
	opt := golden.options(t)
	got, err := Summary(opt)
	if err != nil {
		t.Fatal(err)
	}
	again, _ := Summary(opt)
	if !bytes.Equal(got, again) {
		t.Error("two summaries of the same scores differ")
	}
	s, err := newSite(opt)
	if err != nil {
		t.Fatal(err)
	}
	org := s.card(s.org, s.latest)
	if org == nil {
		t.Fatal("the fixture has no organization scorecard for its latest month")
	}
	text := string(got)
	for _, want := range []string{
		"最近完整月份 " + s.latest,
		"**最终得分 " + md(ptr(org.Final, 1)) + "** · 等级 " + md(s.gradeView(org.Grade).Name),
		"### 团队",
		"### 坐席等级分布",
		"### 数据质量",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("summary lacks %q:\n%s", want, text)
		}
	}
	rows := 0
	for _, line := range strings.Split(text, "\n") {
		if strings.HasPrefix(line, "| ") && !strings.HasPrefix(line, "| 指标") && !strings.HasPrefix(line, "| 名称") {
			rows++
		}
	}
	if strings.Contains(text, "### 质量门槛") || strings.Contains(text, "](") {
		t.Errorf("a summary without gates or site.url has a gates section or a link:\n%s", text)
	}
	cv, err := s.cardView("", s.org, org)
	if err != nil {
		t.Fatal(err)
	}
	if want := len(cv.Rows) + len(s.teamsInOrder()); rows != want {
		t.Errorf("summary has %d table rows, want %d (metrics of the scorecard and teams):\n%s", rows, want, text)
	}
	en := golden
	en.lang = "en"
	eng, err := Summary(en.options(t))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(eng), "Latest complete month") {
		t.Errorf("English summary:\n%s", eng)
	}
}

// TestSummaryEscapes renders the summary of hostile names with GitHub's
// flavour of Markdown (goldmark's GFM) and checks that every name stays
// text: no HTML, no link, no emphasis or code of its own, no extra cell.
func TestSummaryEscapes(t *testing.T) {
	f := golden
	f.hostile = true
	opt := f.options(t)
	opt.Syncs[0].Source = "*bold* [x](javascript:alert(1)) `code` ~~del~~ $x$ a|b <b>c</b> &amp; \\\nnext"
	src, err := Summary(opt)
	if err != nil {
		t.Fatal(err)
	}
	var html bytes.Buffer
	if err := goldmark.New(goldmark.WithExtensions(extension.GFM)).Convert(src, &html); err != nil {
		t.Fatal(err)
	}
	page := html.String()
	for _, bad := range []string{"<script", "<img", "<b>", "<a ", "<em>", "<code>", "<del>", "javascript:alert(1)\""} {
		if strings.Contains(page, bad) {
			i := strings.Index(page, bad)
			t.Errorf("rendered summary has %q at …%s…", bad, page[max(0, i-60):min(len(page), i+60)])
		}
	}
	// Our own emphasis only: the final score and the service star.
	if n := strings.Count(page, "<strong>"); n > 2 {
		t.Errorf("%d <strong> in the rendered summary, want at most 2", n)
	}
	// Every table row keeps its number of cells.
	for _, table := range regexp.MustCompile(`(?s)<table>.*?</table>`).FindAllString(page, -1) {
		want := len(regexp.MustCompile(`<th[ >]`).FindAllString(table[:strings.Index(table, "</tr>")], -1))
		for _, row := range regexp.MustCompile(`(?s)<tr>(.*?)</tr>`).FindAllStringSubmatch(table, -1)[1:] {
			if n := len(regexp.MustCompile(`<td[ >]`).FindAllString(row[1], -1)); n != want {
				t.Errorf("a row of %d cells in a table of %d: %s", n, want, row[1])
			}
		}
	}
	for _, want := range []string{"&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;", "*bold* [x](javascript:alert(1)) `code` ~~del~~ $x$ a|b &lt;b&gt;c&lt;/b&gt; &amp;amp; \\ next"} {
		if !strings.Contains(page, want) {
			t.Errorf("rendered summary lacks the text %q:\n%s", want, page)
		}
	}
}

func TestMarkdownEscape(t *testing.T) {
	for in, want := range map[string]string{
		"plain 文本 1.5 - (a) #3": "plain 文本 1.5 - (a) #3",
		"*a* _b_ `c`":           `\*a\* \_b\_ \` + "`" + `c\` + "`",
		"[x](y) ![i](j)":        `\[x\](y) !\[i\](j)`,
		"a|b ~~c~~ $d$":         `a\|b \~\~c\~\~ \$d\$`,
		"<b> &lt; \\":           `&lt;b> &amp;lt; \\`,
		"two\nlines\r\tend":     "two lines  end",
	} {
		if got := md(in); got != want {
			t.Errorf("md(%q) = %q, want %q", in, got, want)
		}
	}
}

// pctValue is a bound of a gate in tests.
func pctValue(v float64, text string) config.Value {
	return config.Value{Set: true, Number: v, Text: text}
}

// fixtureGates are gate results on the fixture's latest month: a failed
// minimum on the final score, a passed maximum on a rate, a gate without
// data on a unit that has no page, and one with both bounds.
func fixtureGates(t *testing.T, opt Options) []scoring.GateResult {
	t.Helper()
	s, err := newSite(opt)
	if err != nil {
		t.Fatal(err)
	}
	final := s.card(s.org, s.latest).Final
	esc := fp(0.05)
	return []scoring.GateResult{
		{Name: "org *floor*", Gate: config.Gate{Metric: "final", Min: pctValue(99, "99")}, Unit: scoring.Unit{Kind: scoring.UnitOrg, ID: "org"}, Period: s.latest, Value: final, Result: scoring.GateFail, Bound: "min 99"},
		{Name: "escalations", Gate: config.Gate{Metric: "escalation_rate", Max: pctValue(0.06, "6%")}, Unit: scoring.Unit{Kind: scoring.UnitTeam, ID: "care-east"}, Period: s.latest, Value: esc, Result: scoring.GatePass},
		{Name: "teams", Gate: config.Gate{Metric: "csat", Min: pctValue(60, "60")}, Unit: scoring.Unit{Kind: scoring.UnitTeam, ID: "nowhere"}, Period: s.latest, Result: scoring.GateNoData},
		{Name: "band", Gate: config.Gate{Metric: "csat", Min: pctValue(60, "60"), Max: pctValue(90, "90")}, Unit: scoring.Unit{Kind: scoring.UnitTeam, ID: "tech-l1"}, Period: s.latest, Value: fp(75.3), Result: scoring.GatePass},
	}
}

// TestSummaryGates checks the gates table: a row per result with its
// unit, metric, value, bounds and result, and the count of failures on
// top; no table without gates.
func TestSummaryGates(t *testing.T) {
	opt := golden.options(t)
	s, err := newSite(opt)
	if err != nil {
		t.Fatal(err)
	}
	opt.Gates = fixtureGates(t, opt)
	got, err := Summary(opt)
	if err != nil {
		t.Fatal(err)
	}
	text := string(got)
	for _, want := range []string{
		"**❌ 1 项质量门槛未通过**",
		"### 质量门槛\n\n| 门槛 | 对象 | 指标 | 数值 | 界限 | 结果 |\n|---|---|---|---:|---|---|\n",
		"| org \\*floor\\* | " + md(s.org.Name) + " | 最终得分 | " + md(s.gateValue(opt.Gates[0])) + " | ≥ 99 | ❌ 未通过 |\n",
		"| escalations | 华东客服组 | 升级率 | 5.0% | ≤ 6% | ✅ 通过 |\n",
		"| teams | team:nowhere | 客户满意度 | — | ≥ 60 | ➖ 样本不足 |\n",
		"| band | 一线支持组 | 客户满意度 | 75.3 | ≥ 60, ≤ 90 | ✅ 通过 |\n",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("summary lacks %q:\n%s", want, text)
		}
	}

	en := golden
	en.lang = "en"
	opt = en.options(t)
	opt.Gates = fixtureGates(t, opt)
	got, err = Summary(opt)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"| Gate | Unit | Metric | Value | Bound | Result |",
		"| escalations | East China Desk | Escalation rate | 5.0% | ≤ 6% | ✅ pass |\n",
		"| teams | team:nowhere | Customer satisfaction | — | ≥ 60 | ➖ Insufficient data |\n",
	} {
		if !strings.Contains(string(got), want) {
			t.Errorf("English summary lacks %q:\n%s", want, got)
		}
	}
}

// scorecardOf returns the fixture's seed001 card of a unit for a period.
func scorecardOf(t *testing.T, sc *scoring.Scores, key, period string) *scoring.Scorecard {
	t.Helper()
	for i := range sc.Scorecards {
		if c := &sc.Scorecards[i]; c.Unit.Key() == key && c.Period == period && c.Scorecard == "seed001" {
			return c
		}
	}
	t.Fatalf("no seed001 card of %s for %s", key, period)
	return nil
}

// deltaOptions sets figures of the fixture's last two months by hand, for
// deltas that can be worked out on paper (2025-12 against 2025-11).
func deltaOptions(t *testing.T, f fixture) Options {
	t.Helper()
	opt := f.options(t)
	sc := opt.Scores
	now, before := scorecardOf(t, sc, "org:org", "2025-12"), scorecardOf(t, sc, "org:org", "2025-11")
	now.Final, before.Final = fp(82.4), fp(80.1) // ▲ 2.3 points
	set := func(c *scoring.Scorecard, id string, v *float64, status string) {
		m := c.Metrics[id]
		m.Value, m.Status, m.Interval, m.MedianInterval, m.P90Interval = v, status, nil, nil, nil
		c.Metrics[id] = m
	}
	ok := scoring.StatusOK
	set(now, "first_response_time", fp(5400), ok) // 1h30m against 2h: ▼ 30 minutes
	set(before, "first_response_time", fp(7200), ok)
	set(now, "ftr_rate", fp(0.85), ok) // 85 % against 90 %: ▼ 5.0 percentage points
	set(before, "ftr_rate", fp(0.90), ok)
	set(now, "csat", fp(80), ok) // no value in November: a dash, not ▲ 80
	set(before, "csat", nil, scoring.StatusInsufficient)
	set(now, "escalation_rate", fp(0.04), ok) // unchanged: no arrow
	set(before, "escalation_rate", fp(0.04), ok)
	set(now, "complaint_rate", fp(0.0031), ok) // not applicable in November: a dash
	set(before, "complaint_rate", nil, scoring.StatusNotApplicable)

	scorecardOf(t, sc, "team:care-east", "2025-12").Final = fp(70)
	scorecardOf(t, sc, "team:care-east", "2025-11").Final = nil // no final score in November
	scorecardOf(t, sc, "team:tech-l1", "2025-12").Final = fp(80)
	scorecardOf(t, sc, "team:tech-l1", "2025-11").Final = fp(81.5) // ▼ 1.5 points
	// care-vip has no scorecard at all in November.
	kept := sc.Scorecards[:0]
	for _, c := range sc.Scorecards {
		if c.Unit.Key() != "team:care-vip" || c.Period != "2025-11" {
			kept = append(kept, c)
		}
	}
	sc.Scorecards = kept
	scorecardOf(t, sc, "team:care-vip", "2025-12").Final = fp(91.25)
	return opt
}

// TestSummaryDeltas checks the change against the previous month of the
// organization's final score and metrics and of each team's final score,
// worked out by hand, in each metric's unit; a dash where November has no
// value.
func TestSummaryDeltas(t *testing.T) {
	for _, tc := range []struct {
		name string
		lang string
		want []string
	}{
		{
			name: "zh",
			want: []string{
				"**最终得分 82.4** · 等级 达标 · 较 2025-11 ▲ 2.3 分\n",
				"| 指标 | 数值 | 较 2025-11 | 目标 | 得分 | 权重 | 状态 |\n|---|---:|---:|---|---:|---:|---|\n",
				"| 首次响应时间 | 1小时30分 | ▼ 30分 | ≤ 2小时 |",
				"| 首次解决率 | 85.0% | ▼ 5.0 个百分点 | ≥ 90% |",
				"| 客户满意度 | 80.0 | — | ≥ 90 |",
				"| 升级率 | 4.0% | 0.0 个百分点 | ≤ 5% |",
				"| 客诉率 | 0.31% | — | 较上期 −10% |",
				"| 名称 | 最终得分 | 较 2025-11 | 等级 |\n|---|---:|---:|---|\n",
				"| 华东客服组 | 70.0 | — | ",
				"| VIP 专线组 | 91.2 | — | ",
				"| 一线支持组 | 80.0 | ▼ 1.5 分 | ",
			},
		},
		{
			name: "en",
			lang: "en",
			want: []string{
				" · vs 2025-11 ▲ 2.3 pts\n",
				" | ▼ 30m | ",
				"| First-time resolution | 85.0% | ▼ 5.0 pp | ",
				"| Customer satisfaction | 80.0 | — | ",
				"| Escalation rate | 4.0% | 0.0 pp | ",
				"| Tier 1 | 80.0 | ▼ 1.5 pts | ",
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := golden
			f.lang = tc.lang
			got, err := Summary(deltaOptions(t, f))
			if err != nil {
				t.Fatal(err)
			}
			for _, want := range tc.want {
				if !strings.Contains(string(got), want) {
					t.Errorf("summary lacks %q:\n%s", want, got)
				}
			}
		})
	}

	// A single month has no previous one: every change is a dash.
	one := golden
	one.months = 1
	got, err := Summary(one.options(t))
	if err != nil {
		t.Fatal(err)
	}
	text := string(got)
	if !strings.Contains(text, "较上月") || strings.Contains(text, "▲") || strings.Contains(text, "▼") || strings.Contains(text, "个百分点") {
		t.Errorf("summary of one month shows changes:\n%s", text)
	}
	for _, line := range strings.Split(text, "\n") {
		if cells := strings.Split(line, " | "); strings.HasPrefix(line, "| ") && len(cells) > 3 && !strings.HasPrefix(line, "| 指标") && !strings.HasPrefix(line, "| 名称") {
			// The third column of the metrics table (metric, value, change)
			// and of the teams table (name, final, change, grade).
			if cells[2] != dash {
				t.Errorf("change %q in a summary of one month: %s", cells[2], line)
			}
		}
	}
}

func TestChange(t *testing.T) {
	format := func(v float64) string { return fixed(v, 1) }
	for _, tc := range []struct {
		name        string
		now, before *float64
		want        string
	}{
		{name: "up", now: fp(82.4), before: fp(80.1), want: "▲ 2.3"},
		{name: "down", now: fp(80), before: fp(81.5), want: "▼ 1.5"},
		{name: "shows as zero", now: fp(80.02), before: fp(80), want: "0.0"},
		{name: "from zero", now: fp(3), before: fp(0), want: "▲ 3.0"},
		{name: "no previous value", now: fp(80), before: nil, want: dash},
		{name: "no value now", now: nil, before: fp(80), want: dash},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := change(tc.now, tc.before, format); got != tc.want {
				t.Errorf("change(%v, %v) = %q, want %q", ptr(tc.now, 2), ptr(tc.before, 2), got, tc.want)
			}
		})
	}
}

// TestSummaryLinks links the site's index and the unit pages under
// site.url, in the summary's language, and nothing without it.
func TestSummaryLinks(t *testing.T) {
	const base = "https://kpi.example.com/desk" // no trailing slash: a folder all the same
	opt := golden.options(t)
	opt.Gates = fixtureGates(t, opt)
	plain, err := Summary(opt)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(plain, []byte("](")) || bytes.Contains(plain, []byte("kpi.example.com")) {
		t.Errorf("summary without site.url has a link:\n%s", plain)
	}
	opt.Config.Site.URL = base
	got, err := Summary(opt)
	if err != nil {
		t.Fatal(err)
	}
	text := string(got)
	for _, want := range []string{
		"## [示例服务有限公司](" + base + "/org.html) · 最近完整月份 2025-12\n",
		"\n[在站点中查看](" + base + "/index.html)\n",
		"| [华东客服组](" + base + "/team/care-east.html) | ",
		"| [一线支持组](" + base + "/team/tech-l1.html) | ",
		"| escalations | [华东客服组](" + base + "/team/care-east.html) | 升级率 |",
		"| teams | team:nowhere | ", // no page, no link
		"**★ 服务之星** · [张伟](" + base + "/agent/zhang.wei.html): ",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("summary lacks %q:\n%s", want, text)
		}
	}

	// English first: its pages are the root ones.
	en := golden.options(t)
	en.Config.Site.Languages, en.Config.Site.Language = []string{"en", "zh"}, "en"
	en.Config.Site.URL = base + "/"
	got, err = Summary(en)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"\n[Open the site](" + base + "/index.html)\n",
		"| [East China Desk](" + base + "/team/care-east.html) | ",
	} {
		if !strings.Contains(string(got), want) {
			t.Errorf("English summary lacks %q:\n%s", want, got)
		}
	}
	// The site in the second language lives in its folder.
	opt.Config.Site.Languages = []string{"zh", "en"}
	s, err := newSiteIn(opt, "en")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := s.siteURL("team/care-east.html"), base+"/en/team/care-east.html"; got != want {
		t.Errorf("siteURL in English = %q, want %q", got, want)
	}
}

func TestMarkdownLink(t *testing.T) {
	for _, tc := range []struct{ text, href, want string }{
		{text: "East", href: "https://kpi.example.com/team/east.html", want: "[East](https://kpi.example.com/team/east.html)"},
		{text: "a](x) *b*", href: "https://x/a b\t(c)&amp;<d>|`\\", want: `[a\](x) \*b\*](https://x/a%20b%09\(c\)%26amp;\<d\>\|` + "\\`" + `\\)`},
	} {
		if got := mdLink(tc.text, tc.href); got != tc.want {
			t.Errorf("mdLink(%q, %q) = %q, want %q", tc.text, tc.href, got, tc.want)
		}
	}
	// GitHub's flavour reads it back as the same text and address.
	var html bytes.Buffer
	src := mdLink("a](x) *b*", "https://x/a(b)&amp;c<d>`e")
	if err := goldmark.New(goldmark.WithExtensions(extension.GFM)).Convert([]byte("| x |\n|---|\n| "+src+" |\n"), &html); err != nil {
		t.Fatal(err)
	}
	if want := `<a href="https://x/a(b)%26amp;c%3Cd%3E%60e">a](x) *b*</a>`; !strings.Contains(html.String(), want) {
		t.Errorf("%s renders as\n%s\nwant %s", src, html.String(), want)
	}
}

// TestSummaryEscapesLinks renders the summary of hostile names with gates
// and a site.url and checks that the links are ours: each to a page under
// site.url, with the name as its text.
func TestSummaryEscapesLinks(t *testing.T) {
	f := golden
	f.hostile = true
	opt := f.options(t)
	opt.Config.Site.URL = "https://kpi.example.com/a (b)/"
	opt.Gates = fixtureGates(t, opt)
	opt.Gates[1].Name = hostileScript + " | [x](javascript:alert(1)) *y*"
	src, err := Summary(opt)
	if err != nil {
		t.Fatal(err)
	}
	var html bytes.Buffer
	if err := goldmark.New(goldmark.WithExtensions(extension.GFM)).Convert(src, &html); err != nil {
		t.Fatal(err)
	}
	page := html.String()
	for _, bad := range []string{"<script", "<img", "<em>", "javascript:alert(1)\""} {
		if strings.Contains(page, bad) {
			t.Errorf("rendered summary has %q:\n%s", bad, page)
		}
	}
	links := regexp.MustCompile(`<a href="([^"]*)">`).FindAllStringSubmatch(page, -1)
	// The index, the organization, three teams, the units of three gates
	// (the fourth has no page) and the star.
	if len(links) != 9 || strings.Count(page, "<a ") != 9 {
		t.Errorf("%d links in the rendered summary, want 9:\n%s", len(links), page)
	}
	for _, l := range links {
		if !strings.HasPrefix(l[1], "https://kpi.example.com/a%20%28b%29/") {
			t.Errorf("link to %q, not under site.url", l[1])
		}
	}
	for _, want := range []string{
		">" + strings.ReplaceAll(template.HTMLEscapeString(hostileEnd), "&#34;", "&quot;") + "</a>",
		"&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; | [x](javascript:alert(1)) *y*",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("rendered summary lacks the text %q:\n%s", want, page)
		}
	}
	for _, table := range regexp.MustCompile(`(?s)<table>.*?</table>`).FindAllString(page, -1) {
		want := len(regexp.MustCompile(`<th[ >]`).FindAllString(table[:strings.Index(table, "</tr>")], -1))
		for _, row := range regexp.MustCompile(`(?s)<tr>(.*?)</tr>`).FindAllStringSubmatch(table, -1)[1:] {
			if n := len(regexp.MustCompile(`<td[ >]`).FindAllString(row[1], -1)); n != want {
				t.Errorf("a row of %d cells in a table of %d: %s", n, want, row[1])
			}
		}
	}
}

// TestSummaryGolden compares summary.md, with gates and site.url, in each
// language with testdata/summary*.md.golden (go test ./sitegen -update).
func TestSummaryGolden(t *testing.T) {
	for _, tc := range []struct{ name, lang string }{{"summary", ""}, {"summary.en", "en"}} {
		t.Run(tc.name, func(t *testing.T) {
			f := golden
			f.lang = tc.lang
			opt := deltaOptions(t, f)
			opt.Gates = fixtureGates(t, opt)
			opt.Config.Site.URL = "https://kpi.example.com/desk/"
			got, err := Summary(opt)
			if err != nil {
				t.Fatal(err)
			}
			compareGolden(t, got, tc.name+".md.golden")
		})
	}
}
