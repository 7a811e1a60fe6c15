package sitegen

import (
	"html/template"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/kpidesk/kpidesk/internal/reason"
	"github.com/kpidesk/kpidesk/scoring"
	"github.com/kpidesk/kpidesk/scoring/appeals"
)

// TestReasonLocalized: the reasons of an evidence file, read back into
// their codes, show in the site's language; in English they read as
// scoring's evidence wrote them. Hits and misses too: their reasons are
// codes like any other.
func TestReasonLocalized(t *testing.T) {
	zh, en := &site{lang: "zh", info: map[string]scoring.Info{}}, &site{lang: "en", info: map[string]scoring.Info{}}
	for _, m := range scoring.Catalog() {
		zh.info[m.ID], en.info[m.ID] = m, m
	}
	for _, tc := range []struct {
		result, metric, evidence, want string
	}{
		{scoring.Excluded, "csat", "no survey answer", "未回答问卷"},
		{scoring.Excluded, "csat", "not resolved", "尚未解决"},
		{scoring.Excluded, "first_response_time", "no public agent reply yet", "尚无坐席公开答复"},
		{scoring.Excluded, "repeat_rate", "no customer identity", "无客户身份"},
		{scoring.Excluded, "backlog", "never open at a month end", "从未在月末处于未解决状态"},
		{scoring.Counted, "backlog", "open at the end of 2025-10..2025-12", "在 2025-10..2025-12 的月末仍未解决"},
		{scoring.Counted, "backlog", "open at the end of 2025-10..2025-12, past its resolution deadline from 2025-11", "在 2025-10..2025-12 的月末仍未解决，自 2025-11 起超过解决时限"},
		{scoring.Excluded, "volume", "kind suggestion is not counted as a complaint", "类型“建议”不计为投诉"},
		{scoring.Excluded, "volume", "kind feedback is not counted as a complaint", "类型“feedback”不计为投诉"},
		{scoring.Excluded, "volume", "excluded by appeal A-2025-101", "申诉 A-2025-101 已将其排除"},
		{scoring.Excluded, "response_rate", `no deadline rule matches priority "P9", channel "fax", category "<b>x</b>"`, `没有适用的时限规则（优先级 "P9"，渠道 "fax"，类别 "<b>x</b>"）`},
		{scoring.Excluded, "volume", "no status:Resolved after status:Waiting", "status:Waiting 之后没有 status:Resolved"},
		{scoring.Excluded, "volume", "no status:Waiting", "没有 status:Waiting"},
		{scoring.Hit, "response_rate", "answered 1h of business time after creation, deadline 24h → hit", "创建后 1小时（工作时间） 答复，时限 24h → 达标"},
		{scoring.Miss, "resolution_sla_rate", "resolved 25h after creation, deadline 3wd → miss", "创建后 25小时 解决，时限 3wd → 未达标"},
		{scoring.Pending, "response_rate", "not answered yet, still inside its deadline 4h (business) → not counted", "尚未答复，仍在时限 4h（工作时间） 内 → 不计入"},
		{scoring.Hit, "reopen_rate", "reopened 2 times", "重开 2 次"},
		{scoring.Miss, "escalation_rate", "not escalated by event, label:vip", "未以下列方式升级：event、label:vip"},
		// Text no message renders, from another version: as written.
		{scoring.Excluded, "volume", `no deadline rule matches priority "x"`, `no deadline rule matches priority "x"`},
	} {
		o := scoring.Outcome{Result: tc.result, Reason: reason.Parse(tc.evidence)}
		if got := zh.outcome(tc.metric, o).Reason; got != tc.want {
			t.Errorf("zh reason(%q) = %q, want %q", tc.evidence, got, tc.want)
		}
		if got := en.outcome(tc.metric, o).Reason; got != tc.evidence {
			t.Errorf("en reason(%q) = %q, want it unchanged", tc.evidence, got)
		}
	}
}

func TestCohortMonths(t *testing.T) {
	tests := map[string][]string{
		"":                 nil,
		"2025-10":          {"2025-10"},
		"2025-11..2026-02": {"2025-11", "2025-12", "2026-01", "2026-02"},
		"2025-10..2025-10": {"2025-10"},
		"bad..range":       nil,
	}
	for in, want := range tests {
		got := cohortMonths(in)
		if len(got) != len(want) {
			t.Errorf("cohortMonths(%q) = %v, want %v", in, got, want)
			continue
		}
		for i := range got {
			if got[i] != want[i] {
				t.Errorf("cohortMonths(%q) = %v, want %v", in, got, want)
			}
		}
	}
}

// TestMethodologyWeightsInForce shows the latest month's weights with the
// AHP figures and the entropy table.
func TestMethodologyWeightsInForce(t *testing.T) {
	opt := golden.options(t)
	latest := opt.Scores.Periods[len(opt.Scores.Periods)-1].ID
	for _, p := range opt.Scores.Periods {
		if p.Kind == "month" {
			latest = p.ID
		}
	}
	opt.Scores.Weights = []scoring.WeightsInForce{{
		Scorecard: opt.Config.Scorecards[0].ID, Period: latest, UnitKind: scoring.UnitTeam, Method: "combined",
		AHP:     &scoring.AHPFigures{LambdaMax: 7.0014, CI: 0.0002, RI: 1.32, CR: 0.0123},
		Entropy: &scoring.EntropyFigures{Units: 8, Entropy: map[string]float64{"csat": 0.8913}, Divergence: map[string]float64{"csat": 0.1087}},
		Weights: map[string]float64{"csat": 0.168, "ftr_rate": 0.2078},
		Note:    `no entropy for <b>x</b>`,
	}}
	dir := build(t, opt)
	b, err := os.ReadFile(filepath.Join(dir, "methodology.html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"CR 0.0123", "0.8913", "0.1087", "16.8%", "&lt;b&gt;x&lt;/b&gt;", "8"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("methodology.html lacks %q", want)
		}
	}
}

// TestAppealsPage lists every appeal of the demo appeals file with its
// stage and decision; claims are escaped like any other text.
func TestAppealsPage(t *testing.T) {
	f, err := appeals.Load("../scoring/appeals/testdata/appeals.yaml")
	if err != nil {
		t.Fatal(err)
	}
	f.Appeals[0].Claim = `<script>alert("claim")</script>`
	opt := golden.options(t)
	opt.Appeals = f
	dir := build(t, opt)
	b, err := os.ReadFile(filepath.Join(dir, "appeals.html"))
	if err != nil {
		t.Fatal(err)
	}
	page := string(b)
	for _, a := range f.Appeals {
		if !strings.Contains(page, `id="`+a.ID+`"`) {
			t.Errorf("appeals.html lacks %s", a.ID)
		}
	}
	for _, want := range []string{"HR初审", "已采纳", "剔除投诉 demo:004787", "&lt;script&gt;alert(&#34;claim&#34;)&lt;/script&gt;", "处理中"} {
		if !strings.Contains(page, want) {
			t.Errorf("appeals.html lacks %q", want)
		}
	}
	if strings.Contains(page, `<script>alert("claim")`) {
		t.Error("a claim reached the page unescaped")
	}
}

// TestOutcomeTally checks how a drill-down cell shows a hit: a judgement
// where the metric judges (green or red by which way is better), a plain
// count for the complaint rate, whose numerator is every complaint.
func TestOutcomeTally(t *testing.T) {
	s := &site{lang: "zh", info: map[string]scoring.Info{}}
	for _, m := range scoring.Catalog() {
		s.info[m.ID] = m
	}
	hit := scoring.Outcome{Result: scoring.Hit}
	for _, tc := range []struct{ metric, text, class string }{
		{"complaint_rate", "计入", "counted"},
		{"escalation_rate", "是", "miss"},
		{"response_rate", "达标", "hit"},
	} {
		if got := s.outcome(tc.metric, hit); got.Text != tc.text || got.Class != tc.class {
			t.Errorf("outcome(%s, hit) = %q %q, want %q %q", tc.metric, got.Text, got.Class, tc.text, tc.class)
		}
	}
}

// TestDrillReasonsInLanguage gives the drill-down lists a reason of every
// code of the catalogue, on hits, misses, pending, counted and excluded
// complaints alike: the Chinese site shows none of their English words,
// and the English site shows each as the evidence file has it.
func TestDrillReasonsInLanguage(t *testing.T) {
	examples := reason.Examples()
	pages := map[string]string{}
	for _, lang := range []string{"zh", "en"} {
		f := golden
		f.lang = lang
		opt := f.options(t)
		evidence := opt.Evidence
		opt.Evidence = func(fn func(*scoring.Evidence) error) error {
			n := 0
			return evidence(func(e *scoring.Evidence) error {
				for _, id := range slices.Sorted(maps.Keys(e.Outcomes)) {
					o := e.Outcomes[id]
					if o.Result == scoring.Measured {
						continue
					}
					o.Reason = examples[n%len(examples)]
					e.Outcomes[id] = o
					n++
				}
				return fn(e)
			})
		}
		var b strings.Builder
		for p, page := range readTree(t, build(t, opt)) {
			if strings.HasPrefix(p, "complaints/") {
				b.Write(page)
			}
		}
		pages[lang] = b.String()
	}
	for _, r := range examples {
		en := reason.Render(r, reason.EN)
		if !strings.Contains(pages["en"], template.HTMLEscapeString(en)) {
			t.Errorf("the English drill-down pages lack %s: %q", r.Code.Name(), en)
		}
		if r.Code == reason.Verbatim {
			continue // shown as written, in any language
		}
		zh := reason.Render(r, reason.ZH)
		if !strings.Contains(pages["zh"], template.HTMLEscapeString(zh)) {
			t.Errorf("the Chinese drill-down pages lack %s: %q", r.Code.Name(), zh)
		}
		if strings.Contains(pages["zh"], template.HTMLEscapeString(en)) {
			t.Errorf("the Chinese drill-down pages show %s in English: %q", r.Code.Name(), en)
		}
	}
}
