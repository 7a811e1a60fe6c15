package sitegen

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/kpidesk/kpidesk/config"
	"github.com/kpidesk/kpidesk/scoring"
)

// seriesData returns a chart option's series data as numbers (nil where
// ECharts gets no value), by series name.
func seriesData(t *testing.T, c chartView) map[string][]any {
	t.Helper()
	b, err := json.Marshal(c.Option)
	if err != nil {
		t.Fatal(err)
	}
	var o struct {
		Series []struct {
			Name string `json:"name"`
			Data []struct {
				Value any `json:"value"`
			} `json:"data"`
		} `json:"series"`
	}
	if err := json.Unmarshal(b, &o); err != nil {
		t.Fatal(err)
	}
	out := map[string][]any{}
	for _, s := range o.Series {
		for _, d := range s.Data {
			out[s.Name] = append(out[s.Name], d.Value)
		}
	}
	return out
}

func TestAnalysisCharts(t *testing.T) {
	opt := golden.options(t)
	s, err := newSite(opt)
	if err != nil {
		t.Fatal(err)
	}
	first, latest := s.months[0].ID, s.latest
	cats := map[string]int{"": 3}
	for i := range 14 {
		cats[fmt.Sprintf("c%02d", i)] = 40 - i // c00 40 … c13 27
	}
	s.sc.Mix = scoring.Mix{
		Created:    map[string]int{first: 10, latest: 20},
		Resolved:   map[string]int{first: 4, latest: 25},
		Categories: map[string]map[string]int{latest: cats},
		Channels:   map[string]map[string]int{first: {"email": 7, "phone": 3}, latest: {"email": 5, "": 15}},
		Buckets:    scoring.DurationBuckets,
		Durations:  map[string]map[string][]int{"first_response_time": {latest: {5, 3, 1, 1, 0, 0, 0}, first: {9, 9, 9, 9, 9, 9, 9}}},
	}
	cs := s.analysisCharts()
	if len(cs) != 4 {
		t.Fatalf("%d analysis charts, want 4", len(cs))
	}
	// The latest month's first responses by working time, with the
	// cumulative share: 50 % within the first hour, 80 % within two.
	dist := seriesData(t, cs[2])
	if got := dist["投诉数"]; len(got) != 7 || got[0] != 5.0 || got[3] != 1.0 {
		t.Errorf("distribution bars = %v", got)
	}
	if got := dist["累计占比"]; got[0] != 50.0 || got[1] != 80.0 || got[6] != 100.0 {
		t.Errorf("distribution cumulative = %v", got)
	}
	if got := s.bucketLabels(scoring.DurationBuckets); got[0] != "<1 小时" || got[1] != "1–2 小时" || got[6] != "≥48 小时" {
		t.Errorf("bucket labels = %q", got)
	}
	cs = append(cs[:2], cs[3:]...)

	flow := seriesData(t, cs[0])
	if got := flow["新增"]; got[0] != 10.0 || got[len(got)-1] != 20.0 {
		t.Errorf("created = %v", got)
	}
	if got := flow["解决"]; got[0] != 4.0 || got[len(got)-1] != 25.0 {
		t.Errorf("resolved = %v", got)
	}

	// 15 categories: 11 named and one bar for the other 4 would make that
	// bar (c11 29 + c12 28 + c13 27 + the 3 without a category = 87) the
	// biggest, and so would 12 named (58): 13 are named, and the last bar
	// gathers c13 27 + 3 = 30, below c00's 40 (paretoCut).
	pareto := seriesData(t, cs[1])
	bars, cum := pareto["投诉数"], pareto["累计占比"]
	if len(bars) != 14 || bars[0] != 40.0 || bars[10] != 30.0 || bars[12] != 28.0 || bars[13] != 30.0 {
		t.Errorf("Pareto bars = %v", bars)
	}
	if cum[0] != round1(100*40.0/(40*14-91+3)) || cum[len(cum)-1] != 100.0 {
		t.Errorf("cumulative share = %v", cum)
	}

	// Channel shares of each month add up to 100 %.
	mix := seriesData(t, cs[2])
	for _, i := range []int{0, len(s.months) - 1} {
		sum := 0.0
		for _, vs := range mix {
			if v, ok := vs[i].(float64); ok {
				sum += v
			}
		}
		if sum < 99.9 || sum > 100.1 {
			t.Errorf("month %d: channel shares add up to %v", i, sum)
		}
	}
	if got := mix["邮件"]; got[0] != 70.0 || got[len(got)-1] != 25.0 {
		t.Errorf("email share = %v", got)
	}
	if _, ok := mix["（未标注）"]; !ok {
		t.Errorf("no series for complaints without a channel: %v", mix)
	}

	s.sc.Mix = scoring.Mix{}
	if cs := s.analysisCharts(); cs != nil {
		t.Errorf("charts without a mix: %d", len(cs))
	}
}

// TestCategoryGroups colours a Pareto's bars by category group and gives
// each group's share of the month (hand-computed), the ungrouped last;
// the legend reaches the page with its colours whole.
func TestCategoryGroups(t *testing.T) {
	opt := golden.options(t)
	opt.Config.Site.CategoryGroups = []config.CategoryGroup{
		{ID: "usage", Name: config.Name{ZH: "使用问题", EN: "Usage"}, Categories: []string{"login", "install"}},
		{ID: "quality", Name: config.Name{ZH: "质量问题", EN: "Quality"}, Categories: []string{"defect"}},
	}
	s, err := newSite(opt)
	if err != nil {
		t.Fatal(err)
	}
	// 50 complaints: usage 12 + 8 = 20 (40.0 %), quality 25 (50.0 %),
	// ungrouped 5 (10.0 %).
	p := s.categoryPareto("p", map[string]int{"defect": 25, "login": 12, "install": 8, "misc": 5})
	want := []groupShare{
		{Name: "质量问题", Share: "50.0%", Color: palette[1]},
		{Name: "使用问题", Share: "40.0%", Color: palette[0]},
		{Name: "未分组", Share: "10.0%", Color: ungroupedColor},
	}
	if diff := cmp.Diff(want, p.Groups); diff != "" {
		t.Errorf("group shares (-want +got):\n%s", diff)
	}
	b, err := json.Marshal(p.Option)
	if err != nil {
		t.Fatal(err)
	}
	var o struct {
		Legend struct {
			Show bool `json:"show"`
		} `json:"legend"`
		Series []struct {
			Data []struct {
				ItemStyle *struct{ Color string } `json:"itemStyle"`
			} `json:"data"`
		} `json:"series"`
	}
	if err := json.Unmarshal(b, &o); err != nil {
		t.Fatal(err)
	}
	var colors []string
	for _, d := range o.Series[0].Data {
		colors = append(colors, d.ItemStyle.Color)
	}
	if o.Legend.Show {
		t.Errorf("legend = %+v, want the series' legend hidden: the groups' says what the colours are", o.Legend)
	}
	// Largest first: defect, login, install, misc.
	if diff := cmp.Diff([]string{palette[1], palette[0], palette[0], ungroupedColor}, colors); diff != "" {
		t.Errorf("bar colours (-want +got):\n%s", diff)
	}
	if got := p.Table.Rows[1][0]; got != "login · 使用问题" {
		t.Errorf("table row = %q, want the category and its group", got)
	}

	// Without groups: no legend, the bars in the series' colour.
	opt.Config.Site.CategoryGroups = nil
	s, _ = newSite(opt)
	if p := s.categoryPareto("p", map[string]int{"defect": 25}); p.Groups != nil || p.Table.Rows[0][0] != "defect" {
		t.Errorf("without groups: legend %v, row %q", p.Groups, p.Table.Rows[0][0])
	}

	// On the page, the legend keeps its colours (not html/template's
	// ZgotmplZ) and names the groups in each language.
	opt.Config.Site.CategoryGroups = []config.CategoryGroup{{ID: "usage", Name: config.Name{ZH: "使用问题", EN: "Usage"}, Categories: []string{"billing"}}}
	opt.Config.Site.Languages = []string{"zh", "en"}
	tree := readTree(t, build(t, opt))
	for page, name := range map[string]string{"index.html": "使用问题", "en/index.html": "Usage"} {
		html := string(tree[page])
		if !strings.Contains(html, `<span class="swatch" style="background: `+palette[0]+`" aria-hidden="true"></span>`+name+` <strong>`) {
			t.Errorf("%s lacks the legend of the groups", page)
		}
		if strings.Contains(html, "ZgotmplZ") {
			t.Errorf("%s has a value html/template refused", page)
		}
	}
}
