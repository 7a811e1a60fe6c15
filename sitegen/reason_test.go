package sitegen

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kpidesk/kpidesk/scoring"
	"github.com/kpidesk/kpidesk/scoring/appeals"
)

func TestReasonLocalized(t *testing.T) {
	zh, en := &site{lang: "zh"}, &site{lang: "en"}
	for reason, key := range reasonKeys {
		if got := zh.reason(reason); got == reason || got == key {
			t.Errorf("zh reason(%q) = %q, want a Chinese label", reason, got)
		}
		if got := en.reason(reason); got != reason {
			t.Errorf("en reason(%q) = %q, want it unchanged", reason, got)
		}
	}
	if got := zh.reason(`no deadline rule matches priority "x"`); got != `no deadline rule matches priority "x"` {
		t.Errorf("an unknown reason changed: %q", got)
	}
	// Reasons with details, as scoring writes them: in Chinese the details
	// stay and the words go; in English they read as written.
	for reason, want := range map[string]string{
		"open at the end of 2025-10..2025-12":                                            "在 2025-10..2025-12 的月末仍未解决",
		"open at the end of 2025-10..2025-12, past its resolution deadline from 2025-11": "在 2025-10..2025-12 的月末仍未解决，自 2025-11 起超过解决时限",
		"kind suggestion is not counted as a complaint":                                  "类型“建议”不计为投诉",
		"kind feedback is not counted as a complaint":                                    "类型“feedback”不计为投诉",
		"excluded by appeal A-2025-101":                                                  "申诉 A-2025-101 已将其排除",
		`no deadline rule matches priority "P9", channel "fax", category "<b>x</b>"`:     `没有适用的时限规则（优先级 "P9"，渠道 "fax"，类别 "<b>x</b>"）`,
		"no status:Resolved after status:Waiting":                                        "status:Waiting 之后没有 status:Resolved",
		"no status:Waiting":         "没有 status:Waiting",
		"never open at a month end": "从未在月末处于未解决状态",
	} {
		if got := zh.reason(reason); got != want {
			t.Errorf("zh reason(%q) = %q, want %q", reason, got, want)
		}
		if got := en.reason(reason); got != reason {
			t.Errorf("en reason(%q) = %q, want it unchanged", reason, got)
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
