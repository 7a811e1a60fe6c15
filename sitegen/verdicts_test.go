package sitegen

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/kpidesk/kpidesk/config"
	"github.com/kpidesk/kpidesk/internal/reason"
	"github.com/kpidesk/kpidesk/scoring"
)

// Tests of issue 11's display: what is shown never contradicts the
// verdict, and every verdict of scores.json is rendered in both languages.

func rateValue(t *testing.T, text string) config.Value {
	t.Helper()
	cfg, err := config.Parse([]byte("version: 1\nscorecards:\n  - id: x\n    items:\n      - {metric: ftr_rate, weight: 1, rule: {type: linear, target: "+text+", floor: 50%}}\n"), "v.yaml")
	if err != nil {
		t.Fatalf("parse %s: %v", text, err)
	}
	return cfg.Scorecards[0].Items[0].Rule.Target
}

// TestPrecisionShowsTheMiss checks that a value missing its target is
// shown with the decimals that make it differ from the target.
func TestPrecisionShowsTheMiss(t *testing.T) {
	s := &site{lang: "en"}
	rate := scoring.Info{ID: "complaint_rate", Value: scoring.ValueRate}
	ftr := scoring.Info{ID: "ftr_rate", Value: scoring.ValueRate, Higher: true}
	score := scoring.Info{ID: "csat", Value: scoring.ValueScore, Higher: true}
	frt := scoring.Info{ID: "first_response_time", Value: scoring.ValueDuration}
	lower := func(target string) config.Rule {
		return config.Rule{Type: "linear", Direction: "lower", Target: rateValue(t, target)}
	}
	for _, tc := range []struct {
		name string
		info scoring.Info
		rule config.Rule
		v    float64
		want string
	}{
		{name: "complaint rate 0.3365 % against ≤ 0.3 %", info: rate, rule: lower("0.3%"), v: 0.003365, want: "0.34%"},
		{name: "0.3049 % against ≤ 0.3 %", info: rate, rule: lower("0.3%"), v: 0.003049, want: "0.305%"},
		{name: "0.29 % meets ≤ 0.3 %", info: rate, rule: lower("0.3%"), v: 0.0029, want: "0.29%"},
		{name: "5.04 % against ≤ 5 %", info: rate, rule: lower("5%"), v: 0.0504, want: "5.04%"},
		{name: "4.96 % meets ≤ 5 %", info: rate, rule: lower("5%"), v: 0.0496, want: "5.0%"},
		{name: "89.96 % against ≥ 90 %", info: ftr, rule: config.Rule{Type: "step", Target: rateValue(t, "90%")}, v: 0.8996, want: "89.96%"},
		{name: "89.99996 % against ≥ 90 % stops at 4 decimals", info: ftr, rule: config.Rule{Type: "step", Target: rateValue(t, "90%")}, v: 0.8999996, want: "90.0000%"},
		{name: "score 89.97 against ≥ 90", info: score, rule: config.Rule{Type: "linear", Target: config.Value{Set: true, Number: 90, Text: "90"}}, v: 89.97, want: "89.97"},
		{name: "2h 00m 20s against ≤ 2h", info: frt, rule: config.Rule{Type: "linear", Direction: "lower", Target: config.Value{Set: true, Number: 7200, Text: "2h"}}, v: 7220, want: "2h 00m 20s"},
		{name: "a change rule has no level to compare", info: rate, rule: config.Rule{Type: "change", Direction: "lower", Target: config.Value{Set: true, Number: -0.1, Text: "-10%"}}, v: 0.0035, want: "0.35%"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := &scoring.Scorecard{Metrics: map[string]scoring.MetricResult{tc.info.ID: {Value: &tc.v}}}
			s.info = map[string]scoring.Info{tc.info.ID: tc.info}
			s.cfg = &config.Config{Scorecards: []config.Scorecard{{ID: "x", Items: []config.Item{{Metric: tc.info.ID, Rule: tc.rule}}}}}
			s.defs = map[string]*config.Scorecard{"x": &s.cfg.Scorecards[0]}
			c.Scorecard = "x"
			if got := s.metricValueAt(tc.info, tc.v, s.valuePrec(c, tc.info.ID)); got != tc.want {
				t.Errorf("value %v under %+v shows %q, want %q", tc.v, tc.rule.Target, got, tc.want)
			}
		})
	}
}

// TestOneFormatPerColumn checks that the columns of numbers keep one
// precision: the teams' escalation rates on the organization page (one of
// them 5.04 % against ≤ 5 %), the grade shares and the weights.
func TestOneFormatPerColumn(t *testing.T) {
	tree := readTree(t, build(t, golden.options(t)))
	org := string(tree["org.html"])
	i := strings.Index(org, `id="breakdown"`)
	if i < 0 {
		t.Fatal("org.html has no breakdown")
	}
	var esc []string
	for _, m := range regexp.MustCompile(`#escalation_rate">([^<]*)</a>`).FindAllStringSubmatch(org[i:], -1) {
		esc = append(esc, m[1])
	}
	if len(esc) != 3 {
		t.Fatalf("escalation column = %q, want the 3 teams", esc)
	}
	for _, v := range esc {
		if !regexp.MustCompile(`^\d+\.\d\d%$`).MatchString(v) {
			t.Errorf("escalation column = %q: want every value with 2 decimals, as 5.04%% needs", esc)
			break
		}
	}
	if !strings.Contains(strings.Join(esc, " "), "5.04%") {
		t.Errorf("escalation column = %q, want care-east's 5.04%%", esc)
	}
	idx := string(tree["index.html"])
	for _, m := range regexp.MustCompile(`<span class="count">\d+</span><span class="muted small">([^<]*)</span>`).FindAllStringSubmatch(idx, -1) {
		if !regexp.MustCompile(`^\d+\.\d%$`).MatchString(m[1]) {
			t.Errorf("grade share %q: want one decimal, as every share", m[1])
		}
	}
	for _, m := range regexp.MustCompile(`<dt>权重</dt><dd>([^<]*)</dd>`).FindAllStringSubmatch(idx, -1) {
		if !regexp.MustCompile(`^\d+\.\d%$`).MatchString(m[1]) {
			t.Errorf("tile weight %q: want one decimal, as every weight", m[1])
		}
	}
	sum, err := Summary(golden.options(t))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(sum), "| 升级率 | 5.04% (") {
		t.Errorf("summary.md does not show the escalation rate as 5.04%%:\n%s", sum)
	}
}

// TestMethodologyDerivedWeights checks that the methodology page shows the
// weights scoring used, not the config's: the expert scorecard's items
// say 0 in the config.
func TestMethodologyDerivedWeights(t *testing.T) {
	tree := readTree(t, build(t, golden.options(t)))
	meth := string(tree["methodology.html"])
	i, j := strings.Index(meth, "团队服务质量"), strings.Index(meth, "客诉处理绩效考核")
	if i < 0 || j < i {
		t.Fatal("methodology.html lacks the desk scorecard before seed001")
	}
	desk := meth[i:j]
	for _, want := range []string{`<td class="num">65.0%</td>`, `<td class="num">35.0%</td>`, "2025-12 的当期权重"} {
		if !strings.Contains(desk, want) {
			t.Errorf("desk scorecard lacks %q:\n%s", want, desk)
		}
	}
	if strings.Contains(desk, `<td class="num">0.0%</td>`) {
		t.Errorf("desk scorecard shows a 0.0%% weight:\n%s", desk)
	}
	// seed001's weights differ by kind: complaint rate is not applicable to
	// agents, whose other weights are renormalized.
	seed := meth[j:]
	for _, want := range []string{"<th class=\"num\">权重 · 坐席</th>", "<th class=\"num\">权重 · 团队</th>", `<td class="num">不适用</td>`, `<td class="num">26.7%</td>`, `<td class="num">23.5%</td>`} {
		if !strings.Contains(seed, want) {
			t.Errorf("seed001 lacks %q", want)
		}
	}
}

// TestChangeTarget checks that a change rule's target (−10 % against the
// previous period) is said as a change and never drawn as a level.
func TestChangeTarget(t *testing.T) {
	opt := golden.options(t)
	s, err := newSite(opt)
	if err != nil {
		t.Fatal(err)
	}
	var found bool
	for _, cv := range s.metricTrends("") {
		if cv.ID != "trend-complaint_rate" {
			continue
		}
		found = true
		b, _ := json.Marshal(cv.Option)
		if strings.Contains(string(b), "markLine") {
			t.Errorf("complaint rate trend draws a target line: %s", b)
		}
		if cv.TargetNote != "目标：较上期 −10%" {
			t.Errorf("complaint rate trend TargetNote = %q, want %q", cv.TargetNote, "目标：较上期 −10%")
		}
	}
	if !found {
		t.Fatal("no complaint rate trend")
	}
	tree := readTree(t, build(t, opt))
	idx := string(tree["index.html"])
	for _, want := range []string{"<dd>较上期 −10%</dd>", `<p class="small chart-target">目标：较上期 −10%</p>`} {
		if !strings.Contains(idx, want) {
			t.Errorf("index.html lacks %q", want)
		}
	}
	if strings.Contains(idx, "≤ -10%") || strings.Contains(idx, "≤ −10%") {
		t.Errorf("index.html shows the change target as a level")
	}
	en := golden
	en.lang = "en"
	if idx := string(readTree(t, build(t, en.options(t)))["index.html"]); !strings.Contains(idx, "−10% vs previous period") {
		t.Errorf("English index.html lacks %q", "−10% vs previous period")
	}
}

// TestVerdicts checks the rendering of every verdict the fixture sets by
// hand, in both languages.
func TestVerdicts(t *testing.T) {
	type want struct{ file, text string }
	for _, tc := range []struct {
		lang     string
		want     []want
		wantNot  []want
		summary  []string
		sumNot   []string
		noAction string
	}{
		{
			lang: "zh",
			want: []want{
				// Not applicable: a badge, no value, no points, no weight.
				{"agent/zhang.wei.html", `<td class="num">—</td>
      <td class="num">—</td>
      <td class="num">—</td>
      <td class="nowrap"><span class="badge na" title="该指标不适用于此类对象`},
				{"team/care-east.html", `不适用</td>`},
				// No data: not graded, counted apart on the overview.
				{"agent/chen.jing.html", `<span class="muted" title="本期没有任何数据，不评级。">无数据</span>`},
				{"index.html", `<p class="muted small">4 名坐席 · 客诉处理绩效考核</p><p class="muted small">另有 1 名坐席本月无数据，未评级。</p>`},
				// Partial: the year 2026 is provisional.
				{"team/care-east.html", `<td class="nowrap"><a href="../team/care-east/2026.html" title="计分卡">2026</a></td>`},
				{"team/care-east.html", `<span class="badge prov" title="数据截至时该周期尚未结束，等级为暂定。">暂定</span>`},
				// Secondary: labelled, and after the deciding scorecard.
				{"team/care-east.html", `<h2>团队服务质量 <span class="muted">· 2025-12</span> <span class="badge secondary" title="此计分卡不决定等级，决定等级的是“客诉处理绩效考核”。">次要</span></h2>`},
				{"team/care-east.html", `历史成绩 <span class="muted">· 团队服务质量</span> <span class="badge secondary"`},
				// Borderline: a mark naming the metrics.
				{"agent/zhang.wei.html", `<span class="mark borderline" title="临界等级：首次解决率、客户满意度在其 95% 区间内变动即可能改变等级。"`},
				{"team/care-east.html", `<span class="mark borderline" title="临界等级：首次解决率、客户满意度在其 95% 区间内变动即可能改变等级。"`},
				// Intervals beside rates and duration medians.
				{"index.html", `<span class="ci" title="95% 区间：按本期样本，真实数值有 95% 的把握落在此范围内。">3.96–6.40%</span>`},
				{"team/care-east.html", `<span class="ci block">`},
				// What an interval is, once under the table.
				{"team/care-east.html", `<p class="muted small ci-note"><span class="ci">a–b</span> 95% 区间：按本期样本`},
				{"team/care-east.html", `中位数 `},
				// The star is shared.
				{"index.html", `<span class="badge na">并列</span>`},
				{"index.html", `领先幅度在误差范围内，与以下坐席并列：<a href="agent/li.na.html">李娜</a>`},
			},
			wantNot: []want{
				{"agent/chen.jing.html", "制定改进计划"},
				{"agent/zhang.wei.html", `<td class="num">0.0%</td>`},
			},
			summary: []string{
				"| 客诉率 | 0.36% (0.32–0.40%) | ▼ 0.02 个百分点 | 较上期 −10% |",
				"括号内为 95% 区间。",
				"| 华东客服组 | 75.8 | ▼ 14.8 分 | 达标（临界：首次解决率、客户满意度） |",
				"另有 1 名坐席本月无数据，未评级。",
				"与李娜并列",
			},
		},
		{
			lang: "en",
			want: []want{
				{"agent/zhang.wei.html", `>not applicable</span>`},
				{"agent/chen.jing.html", `>no data</span>`},
				{"team/care-east.html", `>provisional</span>`},
				{"team/care-east.html", `>secondary</span>`},
				{"agent/zhang.wei.html", `title="Borderline: moving First-time resolution, Customer satisfaction within its 95% interval could change the grade."`},
				{"index.html", `title="95% interval: given this period&#39;s sample`},
				{"index.html", `>shared</span>`},
				{"index.html", `Agents without data this month, not graded: 1.`},
			},
			wantNot: []want{{"agent/chen.jing.html", "improvement plan"}},
			summary: []string{
				"| Complaint rate | 0.36% (0.32–0.40%) | ▼ 0.02 pp | −10% vs previous period |",
				"Ranges in parentheses are 95% intervals.",
				"Meets expectations (borderline: First-time resolution, Customer satisfaction)",
				"shared with 李娜",
			},
		},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			f := golden
			f.lang = tc.lang
			opt := f.options(t)
			tree := readTree(t, build(t, opt))
			for _, w := range tc.want {
				if !strings.Contains(string(tree[w.file]), w.text) {
					t.Errorf("%s lacks %q", w.file, w.text)
				}
			}
			for _, w := range tc.wantNot {
				if strings.Contains(string(tree[w.file]), w.text) {
					t.Errorf("%s has %q", w.file, w.text)
				}
			}
			sum, err := Summary(opt)
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range tc.summary {
				if !strings.Contains(string(sum), md(w)) && !strings.Contains(string(sum), w) {
					t.Errorf("summary.md lacks %q:\n%s", w, sum)
				}
			}
		})
	}
}

// TestPrimaryGrade checks that a unit with two scorecards shows the
// deciding one's grade in its header, on the lists and in summary.md,
// though the secondary one comes first in the config.
func TestPrimaryGrade(t *testing.T) {
	opt := golden.options(t)
	s, err := newSite(opt)
	if err != nil {
		t.Fatal(err)
	}
	u := s.units["team:care-east"]
	c := s.card(u, s.latest)
	if c == nil || c.Scorecard != "seed001" {
		t.Fatalf("card(care-east) = %+v, want seed001's", c)
	}
	if s.defOrder[0] != "desk" {
		t.Fatalf("defOrder = %v; the test needs the secondary scorecard first", s.defOrder)
	}
	tree := readTree(t, build(t, opt))
	page := string(tree["team/care-east.html"])
	hero := page[strings.Index(page, `<div class="hero-score">`):]
	hero = hero[:strings.Index(hero, "</div>")]
	if want := `<span class="hero-final">` + ptr(c.Final, 1) + `</span>`; !strings.Contains(hero, want) || !strings.Contains(hero, "客诉处理绩效考核") {
		t.Errorf("care-east header = %s, want seed001's final %s and name", hero, ptr(c.Final, 1))
	}
	if i, j := strings.Index(page, "<h2>客诉处理绩效考核"), strings.Index(page, "<h2>团队服务质量"); i < 0 || j < i {
		t.Errorf("the deciding scorecard is not shown first (at %d, secondary at %d)", i, j)
	}
	teams := string(tree["teams.html"])
	if !regexp.MustCompile(`<td class="num strong"[^>]*>` + regexp.QuoteMeta(ptr(c.Final, 1)) + `(</td>|<span)`).MatchString(teams) {
		t.Errorf("teams.html does not show care-east's seed001 final %s", ptr(c.Final, 1))
	}
}

// TestMethodologyDoc checks that docs/methodology.md explains intervals,
// borderline grades, the star test and the verdicts without a grade.
func TestMethodologyDoc(t *testing.T) {
	b, err := os.ReadFile("../docs/methodology.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	for _, want := range []string{"## How sure each number is", "Wilson", "order statistic", "95 %", "## Borderline grades", "service star", "not applicable", "no data", "provisional"} {
		if !strings.Contains(doc, want) {
			t.Errorf("docs/methodology.md lacks %q", want)
		}
	}
}

// TestRuleText checks the one-line rules of the rules that compare with
// the previous period or count incidents: said in words, never "target —".
func TestRuleText(t *testing.T) {
	rate := scoring.Info{ID: "repeat_rate", Value: scoring.ValueRate}
	pctv := func(n float64, text string) config.Value { return config.Value{Set: true, Number: n, Text: text} }
	for _, tc := range []struct {
		lang string
		rule config.Rule
		want string
	}{
		{"zh", config.Rule{Type: "change", Direction: "lower", Target: pctv(-0.1, "-10%"), Floor: pctv(0.1, "10%")}, "较上期变化：−10% 满分，+10% 零分"},
		{"en", config.Rule{Type: "change", Direction: "lower", Target: pctv(-0.1, "-10%"), Floor: pctv(0.1, "10%")}, "Change vs previous period: full at −10%, zero at +10%"},
		{"zh", config.Rule{Type: "bonus", Direction: "lower", Base: 80, Step: pctv(0.01, "1%"), Points: 5}, "加分：基础 80 分，较上期每改善 1% 加 5 分，最高 100 分"},
		{"en", config.Rule{Type: "bonus", Direction: "lower", Base: 80, Step: pctv(0.01, "1%"), Points: 5, Cap: 95}, "Bonus: 80 points, +5 per 1% better than the previous period, at most 95"},
		{"en", config.Rule{Type: "deduction", Points: 10}, "Deduction: −10 points per incident"},
	} {
		s := &site{lang: tc.lang}
		if got := s.rule(rate, tc.rule); got != tc.want {
			t.Errorf("%s rule(%+v) = %q, want %q", tc.lang, tc.rule, got, tc.want)
		}
	}
}

// TestGateValuePrecision checks that a gate's value in summary.md shows
// why it breaks its bound.
func TestGateValuePrecision(t *testing.T) {
	s := &site{lang: "en", info: map[string]scoring.Info{"ftr_rate": fixtureInfo("ftr_rate")}}
	for _, tc := range []struct {
		gate config.Gate
		v    float64
		want string
	}{
		{config.Gate{Metric: "final", Min: config.Value{Set: true, Number: 70, Text: "70"}}, 69.96, "69.96"},
		{config.Gate{Metric: "final", Min: config.Value{Set: true, Number: 70, Text: "70"}}, 71.23, "71.2"},
		{config.Gate{Metric: "ftr_rate", Min: rateValue(t, "90%")}, 0.8996, "89.96%"},
		{config.Gate{Metric: "ftr_rate", Max: rateValue(t, "90%")}, 0.9004, "90.04%"},
	} {
		if got := s.gateValue(scoring.GateResult{Gate: tc.gate, Value: &tc.v}); got != tc.want {
			t.Errorf("gateValue(%s %v) = %q, want %q", tc.gate.Metric, tc.v, got, tc.want)
		}
	}
}

// TestFinalNearBoundary checks that a final score just under a grade
// boundary does not round onto it.
func TestFinalNearBoundary(t *testing.T) {
	s := &site{cfg: &config.Config{Grades: []config.Grade{{ID: "excellent", Min: 90}, {ID: "meets", Min: 70}, {ID: "low", Min: 0}}}}
	for v, want := range map[float64]string{89.96: "89.96", 89.94: "89.9", 90: "90.0", 69.999: "69.999", 85.25: "85.2", 100: "100.0"} {
		if got := s.finalText(&v); got != want {
			t.Errorf("finalText(%v) = %q, want %q", v, got, want)
		}
	}
}

// TestManyTied: a star tied with many agents names the first five and
// folds the rest behind "and N more", a disclosure that needs no script.
func TestManyTied(t *testing.T) {
	opt := golden.options(t)
	for i := range opt.Scores.Stars {
		st := &opt.Scores.Stars[i]
		if len(st.Tied) > 0 {
			st.Tied = nil
			for k := range 8 {
				st.Tied = append(st.Tied, scoring.Unit{Kind: scoring.UnitAgent, ID: fmt.Sprintf("x%d", k)})
			}
		}
	}
	dir := build(t, opt)
	b, err := os.ReadFile(filepath.Join(dir, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	page := string(b)
	for _, want := range []string{"x0、x1、x2、x3、x4", `<details class="more"><summary>等另外 3 名</summary>x5、x6、x7</details>`} {
		if !strings.Contains(page, want) {
			t.Errorf("index.html lacks %q", want)
		}
	}
}

// TestMeanInterval: a duration's value is a mean, and its t interval
// (mean_interval) shows beside it like a rate's Wilson interval.
func TestMeanInterval(t *testing.T) {
	opt := golden.options(t)
	found := false
	for i := range opt.Scores.Scorecards {
		sc := &opt.Scores.Scorecards[i]
		if sc.Unit.Key() != "agent:zhang.wei" {
			continue
		}
		m, ok := sc.Metrics["first_response_time"]
		if !ok || m.Value == nil {
			continue
		}
		m.Interval, m.MeanInterval = nil, &[2]float64{3600, 7200}
		sc.Metrics["first_response_time"] = m
		found = true
	}
	if !found {
		t.Fatal("the fixture has no first_response_time for zhang.wei")
	}
	b, err := os.ReadFile(filepath.Join(build(t, opt), "agent", "zhang.wei.html"))
	if err != nil {
		t.Fatal(err)
	}
	if want := "1小时00分–2小时00分"; !strings.Contains(string(b), want) {
		t.Errorf("agent page lacks the mean's interval %q", want)
	}
}

// TestDrillBacklogByMonth: a complaint open at the ends of October to
// December, past its deadline from November, is within its deadline on
// October's backlog page and past it on December's, as explain says
// (Evidence.In), not the line's summary over every month.
func TestDrillBacklogByMonth(t *testing.T) {
	opt := golden.options(t)
	opt.Metrics = append(append([]scoring.Info(nil), opt.Metrics...), scoring.Info{ID: "backlog", Name: "积压量", NameEN: "Backlog",
		Value: scoring.ValueCount, Cohort: scoring.CohortSnapshot, Help: "月末未解决的投诉。", HelpEN: "Complaints open at the month's end."})
	for i := range opt.Scores.Scorecards {
		if sc := &opt.Scores.Scorecards[i]; sc.Unit.Key() == "agent:zhang.wei" {
			one := 1.0
			sc.Metrics["backlog"] = scoring.MetricResult{Status: scoring.StatusOK, Value: &one, Numerator: 1, Denominator: 1}
		}
	}
	inner, target := opt.Evidence, ""
	opt.Evidence = func(fn func(*scoring.Evidence) error) error {
		return inner(func(e *scoring.Evidence) error {
			if target == "" && e.Agent == "zhang.wei" && e.Periods[scoring.CohortCreated] == "2025-10" {
				target = e.Key
				e.Periods[scoring.CohortSnapshot] = "2025-10..2025-12"
				e.Outcomes["backlog"] = scoring.Outcome{Result: scoring.Counted,
					Reason: reason.New(reason.OpenAtMonthEndsPast, reason.Month(2025*12+9), reason.Month(2025*12+11), reason.Month(2025*12+10))}
			}
			return fn(e)
		})
	}
	dir := build(t, opt)
	for month, want := range map[string]string{
		"2025-10": reason.Render(reason.New(reason.SnapshotWithin, reason.Month(2025*12+9)), reason.ZH),
		"2025-12": reason.Render(reason.New(reason.SnapshotPast, reason.Month(2025*12+11), reason.Month(2025*12+10)), reason.ZH),
	} {
		b, err := os.ReadFile(filepath.Join(dir, "complaints", "agent-zhang.wei-"+month+".html"))
		if err != nil {
			t.Fatal(err)
		}
		page := string(b)
		i := strings.Index(page, ">"+target+"<")
		if i < 0 {
			t.Fatalf("%s: no row for %s", month, target)
		}
		row := page[i:]
		row = row[:strings.Index(row, "</tr>")]
		if !strings.Contains(row, `title="`+want+`"`) {
			t.Errorf("%s: the row of %s lacks the backlog reason %q:\n%s", month, target, want, row)
		}
	}
}
