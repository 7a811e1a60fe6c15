package sitegen

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/kpidesk/kpidesk/connectors"
	"github.com/kpidesk/kpidesk/scoring"
)

// qualitySite indexes opt for the data-quality page in lang and reads its
// evidence once, as a build does; facts is what the pass collected.
func qualitySite(t *testing.T, opt Options, lang string) (*site, *evidenceFacts) {
	t.Helper()
	s, err := newSiteIn(opt, lang)
	if err != nil {
		t.Fatal(err)
	}
	spill := t.TempDir()
	facts := newEvidenceFacts()
	s.planDrill()
	if err := s.readEvidence(context.Background(), spill, facts); err != nil {
		t.Fatal(err)
	}
	s.linkChildren()
	return s, facts
}

// openFixture is the golden fixture with four complaints left open at
// as_of (2026-01-03 10:00 in Asia/Shanghai): SD-3 and SD-7 of 2025-10,
// SD-45 of 2025-11, SD-88 of 2025-12. Complaint n is of month (n-1)/30
// and agent ((n-1)%30)/6, whose team is agent%3.
func openFixture(t *testing.T) Options {
	opt := golden.options(t)
	inner := opt.Evidence
	open := map[string]bool{"SD-3": true, "SD-7": true, "SD-45": true, "SD-88": true}
	opt.Evidence = func(fn func(*scoring.Evidence) error) error {
		return inner(func(e *scoring.Evidence) error {
			if open[e.Key] {
				delete(e.Periods, scoring.CohortResolved)
			}
			return fn(e)
		})
	}
	return opt
}

// TestQualityUncomputable: the golden fixture's scorecards without a
// value, as fixture.options sets them. Chen Jing (the fifth agent) has no
// data in 2025-12; the complaint rate is not applicable to any agent in
// any of the 7 periods (5 × 7 = 35, Chen Jing's card without data
// included); an agent's CSAT is insufficient (n = 3) where
// noise("agent:ID" + period) < 0.25, which holds for the 8 agent-periods
// listed (FNV-1a of the string, mod 10007: zhang.wei 2025 0.161, li.na
// 2025-12 0.152 and 2025-Q4 0.106, wang.fang 2025-12 0.172, liu.yang
// 2025-12 0.072, 2025-H2 0.105 and 2026 0.165, chen.jing 2025 0.197),
// newest period first. The fixture has no input-driven metric, until the
// complaint rate is made one (a tally over the business volume) and VIP
// Line's of 2025-11 loses its input.
func TestQualityUncomputable(t *testing.T) {
	opt := golden.options(t)
	s, _ := qualitySite(t, opt, "zh")
	var v qualityView
	s.uncomputable(&v)
	want := qualityView{
		NoData: qualitySection{"quality.scorecard", []qualityGroup{{Name: "客诉处理绩效考核", Note: "坐席", Count: 1,
			Items: []link{{"agent/chen.jing.html", "陈静 · 2025-12"}}}}},
		NotApplicable: qualitySection{"metric", []qualityGroup{{Name: "客诉率", Note: "坐席", Count: 35}}},
		Insufficient: qualitySection{"metric", []qualityGroup{{Name: "客户满意度", Note: "坐席", Count: 8, Items: []link{
			{"agent/liu.yang.html", "刘洋 · 2026 (n = 3)"},
			{"agent/li.na.html", "李娜 · 2025-12 (n = 3)"},
			{"agent/liu.yang.html", "刘洋 · 2025-12 (n = 3)"},
			{"agent/wang.fang.html", "王芳 · 2025-12 (n = 3)"},
			{"agent/li.na.html", "李娜 · 2025-Q4 (n = 3)"},
			{"agent/liu.yang.html", "刘洋 · 2025-H2 (n = 3)"},
			{"agent/chen.jing.html", "陈静 · 2025 (n = 3)"},
			{"agent/zhang.wei.html", "张伟 · 2025 (n = 3)"},
		}}}},
		Inputs: qualitySection{"metric", nil},
	}
	if diff := cmp.Diff(want, v); diff != "" {
		t.Errorf("uncomputable (-want +got):\n%s", diff)
	}

	// An input missing: the complaint rate as the catalogue has it.
	opt.Metrics = append([]scoring.Info(nil), opt.Metrics...)
	for i := range opt.Metrics {
		if opt.Metrics[i].ID == "complaint_rate" {
			opt.Metrics[i].Tally = true
		}
	}
	sc := *opt.Scores
	sc.Scorecards = append([]scoring.Scorecard(nil), sc.Scorecards...)
	for i, c := range sc.Scorecards {
		if c.Unit.Key() == "team:care-vip" && c.Period == "2025-11" && c.Scorecard == "seed001" {
			ms := map[string]scoring.MetricResult{}
			for id, m := range c.Metrics {
				ms[id] = m
			}
			ms["complaint_rate"] = scoring.MetricResult{Status: scoring.StatusInsufficient, Weight: 0}
			sc.Scorecards[i].Metrics = ms
		}
	}
	opt.Scores = &sc
	s, _ = qualitySite(t, opt, "en")
	v = qualityView{}
	s.uncomputable(&v)
	wantInputs := qualitySection{"metric", []qualityGroup{{Name: "Complaint rate", Note: "Team", Count: 1,
		Items: []link{{"team/care-vip.html", "VIP Line · 2025-11"}}}}}
	if diff := cmp.Diff(wantInputs, v.Inputs); diff != "" {
		t.Errorf("inputs (-want +got):\n%s", diff)
	}
}

// TestQualityHolidays: the fixture's calendar "office" has no holidays,
// so no period is outside its data. With one holiday in 2025 its data
// covers 2025 alone: the partial year 2026, the only period of 2026, is
// outside it, for the three teams on the default calendar.
func TestQualityHolidays(t *testing.T) {
	opt := golden.options(t)
	s, _ := qualitySite(t, opt, "zh")
	if gaps, err := s.holidayGaps(); len(gaps) != 0 || err != "" {
		t.Errorf("holidayGaps() = %v, %q; want none", gaps, err)
	}
	cal := opt.Config.Calendars["office"]
	cal.AddHolidays = []string{"2025-10-01"}
	opt.Config.Calendars["office"] = cal
	s, _ = qualitySite(t, opt, "zh")
	gaps, errText := s.holidayGaps()
	want := []holidayGap{{Calendar: "office", Has: "2025", Year: 2026, Teams: "华东客服组、VIP 专线组、一线支持组", Periods: []string{"2026"}}}
	if diff := cmp.Diff(want, gaps); diff != "" || errText != "" {
		t.Errorf("holidayGaps() error %q, (-want +got):\n%s", errText, diff)
	}
}

// TestQualityOpen: the four open complaints of openFixture, by month of
// creation and oldest first. As of 2026-01-03 10:00 (UTC+8), a complaint
// of 2025-10 is 63 days old if created on its last day (61 days of
// November and December, 2 days 10 hours of January) and 94 if on its
// first (92 + 2); one of 2025-11 33–63, one of 2025-12 2–33.
func TestQualityOpen(t *testing.T) {
	s, facts := qualitySite(t, openFixture(t), "zh")
	got := s.openView(facts)
	team := func(id, name string) link { return link{"team/" + id + ".html", name} }
	agent := func(id, name string) link { return link{"agent/" + id + ".html", name} }
	want := &openView{Total: 4, AsOf: "2026-01-03 10:00 CST",
		ByMonth: []openMonth{{"2025-10", "63–94", 2}, {"2025-11", "33–63", 1}, {"2025-12", "2–33", 1}},
		// Each created on its month's day 1+n%20 at (n%9):07 Beijing time
		// (fixture_test.go), aged in whole days to as_of, 2026-01-03 10:00:
		// SD-3 on 2025-10-04 03:07, 91 days 6 h 53 min before.
		Oldest: []openRow{
			{Key: "SD-3", URL: ticketURL(3), Title: "订单 1003 退款迟迟未到账", Created: "2025-10-04", Age: "91", Team: team("care-east", "华东客服组"), Agent: agent("zhang.wei", "张伟")},
			{Key: "SD-7", URL: ticketURL(7), Title: "订单 1007 退款迟迟未到账", Created: "2025-10-08", Age: "87", Team: team("care-vip", "VIP 专线组"), Agent: agent("li.na", "李娜")},
			{Key: "SD-45", URL: ticketURL(45), Title: "订单 1045 退款迟迟未到账", Created: "2025-11-06", Age: "58", Team: team("tech-l1", "一线支持组"), Agent: agent("wang.fang", "王芳")},
			{Key: "SD-88", URL: ticketURL(88), Title: "订单 1088 退款迟迟未到账", Created: "2025-12-09", Age: "25", Team: team("care-vip", "VIP 专线组"), Agent: agent("chen.jing", "陈静")},
		},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("openView (-want +got):\n%s", diff)
	}
	// Without evidence there is nothing to say about open complaints.
	if v := s.openView(nil); v != nil {
		t.Errorf("openView(nil) = %+v, want nil", v)
	}
}

// TestQualityProblems: the fixture's two import problems, three unmapped
// priorities of a Jira source and a calendar's missing holidays, grouped
// by source and field with the groups of a source in the order of their
// first position.
func TestQualityProblems(t *testing.T) {
	opt := golden.options(t)
	opt.Problems = append(opt.Problems,
		connectors.Problem{Source: "jira", Where: "SD-10", Field: "priority", Reason: `unmapped value "Sev 0"`},
		connectors.Problem{Source: "jira", Where: "SD-9", Field: "priority", Reason: `unmapped value "Sev 0"`},
		connectors.Problem{Source: "jira", Where: "SD-100", Field: "priority", Reason: `unmapped value "P5"`},
		connectors.Problem{Source: "calendar office", Where: "calendars.office", Field: "holidays", Reason: "no holiday data for 2026"},
	)
	s, _ := qualitySite(t, opt, "en")
	got, n := s.problemGroups()
	want := []problemGroup{
		{Source: "calendar office", Field: "holidays", Count: 1, Items: []connectors.Problem{opt.Problems[5]}},
		{Source: "import.csv", Field: "id", Count: 1, Items: []connectors.Problem{opt.Problems[1]}},
		{Source: "import.csv", Field: "created_at", Count: 1, Items: []connectors.Problem{opt.Problems[0]}},
		{Source: "jira", Field: "priority", Count: 3, Items: []connectors.Problem{opt.Problems[3], opt.Problems[2], opt.Problems[4]}},
	}
	if diff := cmp.Diff(want, got); diff != "" || n != 6 {
		t.Errorf("problemGroups() counts %d (want 6), (-want +got):\n%s", n, diff)
	}
}

// TestQualityPage renders the page in both languages: each section has its
// content, and the syncs are listed newest first, every one of them.
func TestQualityPage(t *testing.T) {
	opt := openFixture(t)
	opt.Syncs = append(opt.Syncs, connectors.SyncInfo{Source: "jira", Cursor: "2026-01-03T02:04:00Z", AsOf: opt.Scores.AsOf, SyncedAt: opt.Scores.AsOf.Add(time.Hour), Count: 12})
	opt.Config.Site.Languages = []string{"zh", "en"}
	tree := readTree(t, build(t, opt))
	for _, tc := range []struct {
		file string
		want []string
	}{
		{"quality.html", []string{"无法计算的对象与指标", "无数据、未评级的计分卡", "客诉处理绩效考核", "陈静 · 2025-12", "样本不足的指标", "刘洋 · 2026 (n = 3)", "不适用的指标",
			"输入文件覆盖了所有对象和期间。", "站点的所有期间都在所用日历的节假日数据范围内。", "截至 2026-01-03 10:00 CST 共有 4 件投诉尚未解决。", "63–94",
			`<a href="https://helpdesk.example.com/browse/SD-3">SD-3</a>`, "import.csv:9", "2026-01-03T02:04:00Z"}},
		{"en/quality.html", []string{"Units and metrics that cannot be computed", "Scorecards without data, not graded", "Complaint handling scorecard", "Metrics not applicable",
			"The input files cover every unit and period.", "4 complaints were still open at 2026-01-03 10:00 CST.", "The 4 oldest", "Age (days)", "2 records were skipped"}},
	} {
		page := string(tree[tc.file])
		for _, s := range tc.want {
			if !strings.Contains(page, s) {
				t.Errorf("%s lacks %q", tc.file, s)
			}
		}
		if i, j := strings.Index(page, ">jira<"), strings.Index(page, ">demo<"); i < 0 || j < 0 || i > j {
			t.Errorf("%s: syncs not both listed newest first (jira at %d, demo at %d)", tc.file, i, j)
		}
	}
}

// TestQualityEmpty: a site with nothing to report says so section by
// section, in each language, rather than one "no problems found".
func TestQualityEmpty(t *testing.T) {
	opt := golden.options(t)
	sc := *opt.Scores
	sc.Scorecards = nil
	for _, c := range opt.Scores.Scorecards {
		if c.Status != scoring.ScorecardOK {
			continue
		}
		ms := map[string]scoring.MetricResult{}
		for id, m := range c.Metrics {
			if m.Status == scoring.StatusOK {
				ms[id] = m
			}
		}
		c.Metrics = ms
		sc.Scorecards = append(sc.Scorecards, c)
	}
	opt.Scores = &sc
	opt.Problems, opt.Syncs = nil, nil
	opt.Config.Site.Languages = []string{"zh", "en"}
	tree := readTree(t, build(t, opt))
	for file, lang := range map[string]string{"quality.html": "zh", "en/quality.html": "en"} {
		page := string(tree[file])
		for _, key := range []string{"quality.nodata.none", "quality.insufficient.none", "quality.na.none", "quality.inputs.none",
			"quality.holidays.none", "quality.open.none", "quality.problems.none", "quality.sources.none"} {
			if want := labels[lang][key]; !strings.Contains(page, htmlText(want)) {
				t.Errorf("%s lacks %s %q", file, key, want)
			}
		}
		if blanket := labels[lang]["quality.none"]; strings.Contains(page, htmlText(blanket)) {
			t.Errorf("%s says %q", file, blanket)
		}
	}
	// Without evidence, the open complaints cannot be listed, and the page
	// says why rather than that none is open.
	opt.Evidence = nil
	opt.Config.Site.Languages = []string{"en"}
	page := string(readTree(t, build(t, opt))["quality.html"])
	if want := labels["en"]["quality.open.noevidence"]; !strings.Contains(page, want) {
		t.Errorf("quality.html without evidence lacks %q", want)
	}
}

// htmlText is s as html/template writes it in text.
func htmlText(s string) string {
	return strings.NewReplacer("'", "&#39;", `"`, "&#34;", "&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}
