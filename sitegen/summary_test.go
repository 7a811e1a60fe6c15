package sitegen

import (
	"bytes"
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
	if want := len(s.cardView("", s.org, org).Rows) + len(s.teamsInOrder()); rows != want {
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

// TestSummaryGates checks the gates section: a line per result with its
// mark, value and the bound it broke, and the count of failures on top.
func TestSummaryGates(t *testing.T) {
	opt := golden.options(t)
	s, err := newSite(opt)
	if err != nil {
		t.Fatal(err)
	}
	final := s.card(s.org, s.latest).Final
	min := config.Value{Set: true, Number: *final + 1, Text: "99"}
	opt.Gates = []scoring.GateResult{
		{Name: "org *floor*", Gate: config.Gate{Metric: "final", Min: min}, Unit: scoring.Unit{Kind: scoring.UnitOrg, ID: "org"}, Period: s.latest, Value: final, Result: scoring.GateFail, Bound: "min 99"},
		{Name: "teams", Gate: config.Gate{Metric: "csat"}, Unit: scoring.Unit{Kind: scoring.UnitTeam, ID: "nowhere"}, Period: s.latest, Result: scoring.GateNoData},
	}
	got, err := Summary(opt)
	if err != nil {
		t.Fatal(err)
	}
	text := string(got)
	for _, want := range []string{
		"**❌ 1 项质量门槛未通过**",
		"### 质量门槛",
		"- ❌ org \\*floor\\* · " + md(s.org.Name) + " · 最终得分 " + md(ptr(final, 1)) + " · 低于下限 99\n",
		"- ➖ teams · team:nowhere · " + md(s.metricName("csat")) + " 样本不足\n",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("summary lacks %q:\n%s", want, text)
		}
	}
}
