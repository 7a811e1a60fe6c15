package sitegen

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kpidesk/kpidesk/config"
	"github.com/kpidesk/kpidesk/scoring"
)

// optionJSON is a chart option as the page's JSON decodes it.
func optionJSON(t *testing.T, c chartView) map[string]any {
	t.Helper()
	b, err := json.Marshal(c.Option)
	if err != nil {
		t.Fatal(err)
	}
	var o map[string]any
	if err := json.Unmarshal(b, &o); err != nil {
		t.Fatal(err)
	}
	return o
}

// yAxis is the first value axis of a decoded option.
func yAxis(t *testing.T, o map[string]any) map[string]any {
	t.Helper()
	switch y := o["yAxis"].(type) {
	case []any:
		return y[0].(map[string]any)
	case map[string]any:
		return y
	}
	t.Fatalf("option has no yAxis: %v", o["yAxis"])
	return nil
}

// series lists a decoded option's series by name.
func seriesByName(o map[string]any) map[string]map[string]any {
	out := map[string]map[string]any{}
	for _, s := range o["series"].([]any) {
		m := s.(map[string]any)
		out[m["name"].(string)] = m
	}
	return out
}

func TestAxisBounds(t *testing.T) {
	for _, tc := range []struct {
		name          string
		f             valueFormat
		values        []float64
		hidden        []float64
		target        *float64
		lo, hi, step  float64
		wantOK        bool
		wantNoMinimal bool
	}{
		// 93–95 % with a 90 % target spans 5 points; widened to 10 about
		// its middle (87.5–97.5), cut at steps of niceStep(10/5) = 2.
		{name: "rate dip", f: percentValues, values: []float64{95, 93}, target: fp(90), lo: 86, hi: 98, step: 2, wantOK: true},
		// 97–99 % widened to 93–103, moved under 100: 90–100.
		{name: "rate near 100", f: percentValues, values: []float64{97, 99}, lo: 90, hi: 100, step: 2, wantOK: true},
		// 1–2 %: all below 10 points, from zero, cut at niceStep(2/5) = 0.5.
		{name: "rate near 0", f: percentValues, values: []float64{1, 2}, lo: 0, hi: 2, step: 0.5, wantOK: true},
		// A complaint rate of 0.36–0.39 %: 0 to 0.4 by 0.1, so that its
		// fall of a tenth shows as a tenth of the plot.
		{name: "small rate", f: percentValues, values: []float64{0.39, 0.36}, lo: 0, hi: 0.4, step: 0.1, wantOK: true},
		// 5–12 % widened to 3.5–13.5 about its middle, cut at 2: 2–14.
		{name: "rate across 10", f: percentValues, values: []float64{5, 12}, lo: 2, hi: 14, step: 2, wantOK: true},
		// 40–90 % already spans 50 points: steps of niceStep(50/5) = 10.
		{name: "rate wide", f: percentValues, values: []float64{40, 90}, lo: 40, hi: 90, step: 10, wantOK: true},
		// A team off until picked still fits: 70–95, steps of 5.
		{name: "rate hidden series", f: percentValues, values: []float64{95, 93}, hidden: []float64{70}, lo: 70, hi: 95, step: 5, wantOK: true},
		// 2.24 h to a 4 h target: 105.6 minutes, at most 5 steps of 30
		// minutes (20 would need 6): 2 h to 4 h by half hours.
		{name: "hours", f: hourValues, values: []float64{2.24, 3.1}, target: fp(4), lo: 2, hi: 4, step: 0.5, wantOK: true},
		// 12 to 21 minutes: 9 minutes, 5 steps of 2 minutes cover 10:
		// 12 to 22 minutes.
		{name: "minutes", f: hourValues, values: []float64{0.2, 0.35}, lo: 0.2, hi: round(22.0/60, 6), step: round(2.0/60, 6), wantOK: true},
		// Plain values keep ECharts' fit unless a target lies outside.
		{name: "plain target below", f: plainValues, values: []float64{6.6, 8.4}, target: fp(5), lo: 5, hi: 9, wantOK: true},
		{name: "plain target inside", f: plainValues, values: []float64{80, 95}, target: fp(90)},
		{name: "no values", f: percentValues},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ls := lineSeries{target: tc.target}
			for _, v := range tc.values {
				ls.values = append(ls.values, fp(v))
			}
			ls.values = append(ls.values, nil) // a month without a value
			other := lineSeries{hidden: true}
			for _, v := range tc.hidden {
				other.values = append(other.values, fp(v))
			}
			lo, hi, step, ok := axisBounds([]lineSeries{ls, other}, tc.f)
			if ok != tc.wantOK || ok && (lo != tc.lo || hi != tc.hi || step != tc.step) {
				t.Errorf("axisBounds(%v) = %v, %v, %v, %v; want %v, %v, %v, %v", tc.values, lo, hi, step, ok, tc.lo, tc.hi, tc.step, tc.wantOK)
			}
			if ok && tc.f == percentValues && hi-lo < minRateSpan && lo != 0 {
				t.Errorf("rate axis %v–%v spans less than %v points", lo, hi, minRateSpan)
			}
		})
	}
}

func TestParetoCut(t *testing.T) {
	flat := make([]int, 30)
	for i := range flat {
		flat[i] = 10
	}
	oneBig := []int{100}
	for range 20 {
		oneBig = append(oneBig, 5)
	}
	for _, tc := range []struct {
		name      string
		counts    []int
		named     int
		wantApart bool
	}{
		{name: "short", counts: []int{5, 4, 3}, named: 3},
		{name: "twelve", counts: []int{12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1}, named: 12},
		// 40 … 27 and 3: the rest after 11 is 87 > 40, after 12 is 58,
		// after 13 is 30 ≤ 40.
		{name: "grows", counts: []int{40, 39, 38, 37, 36, 35, 34, 33, 32, 31, 30, 29, 28, 27, 3}, named: 13},
		// After 11: 20 × 5 − 10 × 5 = 50 ≤ 100.
		{name: "one big", counts: oneBig, named: 11},
		// 13 of 10: the rest after 11 is 20 > 10, after 12 one category,
		// which is named.
		{name: "rest of one", counts: []int{10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10}, named: 13},
		// 30 of 10: the rest stays above 10 until 19 are named, and 20
		// bars is paretoMax: the cut stays at 11, the rest drawn apart.
		{name: "flat", counts: flat, named: 11, wantApart: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			named, apart := paretoCut(tc.counts)
			if named != tc.named || apart != tc.wantApart {
				t.Errorf("paretoCut(%v) = %d, %v; want %d, %v", tc.counts, named, apart, tc.named, tc.wantApart)
			}
			rest := 0
			for _, n := range tc.counts[named:] {
				rest += n
			}
			if !apart && rest > tc.counts[0] {
				t.Errorf("the other bar (%d) is bigger than the largest (%d)", rest, tc.counts[0])
			}
			if named < len(tc.counts) && named+1 > paretoMax {
				t.Errorf("%d bars, more than %d", named+1, paretoMax)
			}
		})
	}
}

func TestChartTarget(t *testing.T) {
	rate := scoring.Info{Value: scoring.ValueRate, Higher: true}
	dur := scoring.Info{Value: scoring.ValueDuration}
	num := func(v float64) config.Value { return config.Value{Set: true, Number: v} }
	for _, tc := range []struct {
		name string
		info scoring.Info
		rule config.Rule
		want *float64
	}{
		{name: "linear rate", info: rate, rule: config.Rule{Type: "linear", Target: num(0.9)}, want: fp(90)},
		{name: "step rate", info: rate, rule: config.Rule{Type: "step", Target: num(0.85)}, want: fp(85)},
		{name: "duration in hours", info: dur, rule: config.Rule{Type: "linear", Direction: "lower", Target: num(2 * 3600)}, want: fp(2)},
		{name: "baseline", info: rate, rule: config.Rule{Type: "baseline", Target: num(0.5), Baseline: num(0.8)}, want: fp(80)},
		// The best band's threshold: 95 % earns 100 points.
		{name: "bands", info: rate, rule: config.Rule{Type: "bands", Bands: []config.Band{{AtLeast: num(0.9), Points: 80}, {AtLeast: num(0.95), Points: 100}}}, want: fp(95)},
		{name: "bands lower", info: dur, rule: config.Rule{Type: "bands", Direction: "lower", Bands: []config.Band{{AtMost: num(4 * 3600), Points: 100}, {AtMost: num(8 * 3600), Points: 60}}}, want: fp(4)},
		{name: "change", info: rate, rule: config.Rule{Type: "change", Target: num(-0.1)}},
		{name: "bonus", info: rate, rule: config.Rule{Type: "bonus", Step: num(0.01)}},
		{name: "working days", info: dur, rule: config.Rule{Type: "linear", Target: config.Value{Set: true, WorkingDays: 2}}},
		{name: "no target", info: dur, rule: config.Rule{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := chartTarget(tc.info, tc.rule)
			if (got == nil) != (tc.want == nil) || got != nil && *got != *tc.want {
				t.Errorf("chartTarget(%+v) = %v, want %v", tc.rule, deref(got), deref(tc.want))
			}
		})
	}
}

func deref(v *float64) any {
	if v == nil {
		return nil
	}
	return *v
}

func TestChangeTargetLine(t *testing.T) {
	s := testSite(t)
	info := scoring.Info{Value: scoring.ValueRate}
	org := lineSeries{values: []*float64{fp(10), fp(8), nil, fp(6)}}
	ls := s.changeTarget(org, info, config.Rule{Type: "change", Target: config.Value{Set: true, Number: -0.1}})
	// Each month asks for 10 % less than the month before: 10 → 9,
	// 8 → 7.2; none after a month without a value, none in the first.
	want := []any{nil, 9.0, 7.2, nil}
	if got := []any{deref(ls.values[0]), deref(ls.values[1]), deref(ls.values[2]), deref(ls.values[3])}; !slices.Equal(got, want) {
		t.Errorf("change target = %v, want %v", got, want)
	}
	if !ls.dashed || ls.name != "目标（较上期 −10%）" {
		t.Errorf("change target series = %q, dashed %v", ls.name, ls.dashed)
	}
	if ls := s.changeTarget(org, info, config.Rule{Type: "change"}); ls != nil {
		t.Errorf("change without a target drew %v", ls)
	}
}

func testSite(t *testing.T) *site {
	t.Helper()
	s, err := newSite(golden.options(t))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestLineChartOption(t *testing.T) {
	s := testSite(t)
	x := []string{"2025-10", "2025-11", "2025-12"}
	org := lineSeries{name: "公司", values: []*float64{fp(2.24), fp(3.1), nil}, bold: true, target: fp(4), targetLabel: "目标"}
	team := lineSeries{name: "</script><b>组", values: []*float64{fp(1), nil, fp(2)}, hidden: true}

	t.Run("hours", func(t *testing.T) {
		cv := s.lineChart("c", "", x, []lineSeries{org, team}, hourValues)
		o := optionJSON(t, cv)
		y := yAxis(t, o)
		// 1 h (the team) to 4 h (the target): 180 minutes take 6 steps
		// of 30 minutes, 3 of 60: 1 h to 4 h by hours.
		if y["min"] != 1.0 || y["max"] != 4.0 || y["minInterval"] != 1.0 || y["maxInterval"] != 1.0 {
			t.Errorf("duration axis = min %v max %v interval %v/%v, want 1, 4, 1", y["min"], y["max"], y["minInterval"], y["maxInterval"])
		}
		if o["kpideskFormat"] != "duration" {
			t.Errorf("kpideskFormat = %v, want duration", o["kpideskFormat"])
		}
		words, _ := o["kpideskDuration"].(map[string]any)
		if words["hm"] != "%d小时%02d分" || words["m"] != "%d分" {
			t.Errorf("kpideskDuration = %v", words)
		}
		ser := seriesByName(o)
		ml, _ := ser["公司"]["markLine"].(map[string]any)
		data, _ := ml["data"].([]any)
		if len(data) != 1 || data[0].(map[string]any)["yAxis"] != 4.0 {
			t.Errorf("target line = %v, want one at 4", ml)
		}
		if _, ok := ser["</script><b>组"]["markLine"]; ok {
			t.Errorf("a team has a target line")
		}
		// The team is off until picked, in a picker, not a legend.
		if o["kpideskPicker"] != "显示曲线" {
			t.Errorf("kpideskPicker = %v", o["kpideskPicker"])
		}
		legend := o["legend"].(map[string]any)
		if legend["show"] != false || legend["selected"].(map[string]any)["</script><b>组"] != false {
			t.Errorf("legend = %v, want hidden with the team off", legend)
		}
		// The table: the same values, as durations; the target in the caption.
		want := &chartTable{
			Caption: "目标 4小时00分",
			Head:    []string{"月份", "公司", "</script><b>组"},
			Rows: [][]string{
				{"2025-10", "2小时14分", "1小时00分"},
				{"2025-11", "3小时06分", "—"},
				{"2025-12", "—", "2小时00分"},
			},
		}
		if diff := cmp.Diff(want, cv.Table); diff != "" {
			t.Errorf("table (-want +got):\n%s", diff)
		}
	})

	t.Run("rate", func(t *testing.T) {
		a := lineSeries{name: "公司", values: []*float64{fp(95), fp(93), fp(94.5)}, target: fp(90), targetLabel: "目标"}
		b := lineSeries{name: "组", values: []*float64{fp(94), fp(95), fp(96)}}
		cv := s.lineChart("c", "", x, []lineSeries{a, b}, percentValues)
		o := optionJSON(t, cv)
		y := yAxis(t, o)
		// 90 (target) to 96 spans 6 points: widened to 88–98, cut by 2.
		if y["min"] != 88.0 || y["max"] != 98.0 {
			t.Errorf("rate axis = %v–%v, want 88–98", y["min"], y["max"])
		}
		if o["kpideskUnit"] != "%" || o["kpideskFormat"] != nil || o["kpideskPicker"] != nil {
			t.Errorf("markers = unit %v format %v picker %v", o["kpideskUnit"], o["kpideskFormat"], o["kpideskPicker"])
		}
		if legend := o["legend"].(map[string]any); legend["show"] != true {
			t.Errorf("two series without a picker: legend %v", legend)
		}
		if got := cv.Table.Rows[2]; !slices.Equal(got, []string{"2025-12", "94.5%", "96%"}) {
			t.Errorf("table row = %q", got)
		}
	})

	t.Run("no target", func(t *testing.T) {
		cv := s.lineChart("c", "", x, []lineSeries{{name: "公司", values: []*float64{fp(5), fp(6), fp(7)}}}, hourValues)
		if ml, ok := seriesByName(optionJSON(t, cv))["公司"]["markLine"]; ok {
			t.Errorf("a chart without a target has a target line: %v", ml)
		}
		if cv.Table.Caption != "" {
			t.Errorf("caption = %q, want none", cv.Table.Caption)
		}
	})
}

// TestTrendTargets checks the fixture's trends: a target line where the
// org's scorecard has a level target, none for volume (no target), the
// change rule of complaint_rate drawn as a change and said in words, and
// the duration of first responses on a duration axis.
func TestTrendTargets(t *testing.T) {
	s := testSite(t)
	trends := s.metricTrends("")
	byID := map[string]chartView{}
	for _, cv := range trends {
		byID[strings.TrimPrefix(cv.ID, "trend-")] = cv
	}
	for _, tc := range []struct {
		id     string
		target any // the target line's level, nil for none
		format any
	}{
		{id: "first_response_time", target: 2.0, format: "duration"},
		{id: "ftr_rate", target: 90.0},
		{id: "csat", target: 90.0},
		{id: "escalation_rate", target: 5.0},
		{id: "complaint_rate"},
		{id: "volume"},
	} {
		t.Run(tc.id, func(t *testing.T) {
			cv, ok := byID[tc.id]
			if !ok {
				t.Fatalf("no trend for %s among %d", tc.id, len(trends))
			}
			o := optionJSON(t, cv)
			var got any
			for _, se := range o["series"].([]any) {
				if ml, ok := se.(map[string]any)["markLine"].(map[string]any); ok {
					got = ml["data"].([]any)[0].(map[string]any)["yAxis"]
				}
			}
			if got != tc.target {
				t.Errorf("target line at %v, want %v", got, tc.target)
			}
			if o["kpideskFormat"] != tc.format {
				t.Errorf("kpideskFormat = %v, want %v", o["kpideskFormat"], tc.format)
			}
			if o["kpideskPicker"] == nil {
				t.Errorf("teams beside the org without a picker")
			}
		})
	}
	cr := byID["complaint_rate"]
	if cr.TargetNote != "目标：较上期 −10%" {
		t.Errorf("complaint rate target note = %q", cr.TargetNote)
	}
	if _, ok := seriesData(t, cr)["目标（较上期 −10%）"]; !ok {
		t.Errorf("complaint rate: no change target series among %v", cr.Table.Head)
	}
}

// TestChartTables checks every chart of the overview: its table has a
// row per point and, in each cell, the value the option plots, as text.
func TestChartTables(t *testing.T) {
	s := testSite(t)
	latest := s.latest
	s.sc.Mix.Categories = map[string]map[string]int{latest: {"billing": 5, "delivery": 3, "": 1}}
	charts := append(s.metricTrends(""), s.analysisCharts()...)
	if ft := s.finalTrend("trend-final", "", s.org, s.teamsInOrder()); ft != nil {
		charts = append(charts, *ft)
	}
	if len(charts) < 8 {
		t.Fatalf("%d charts", len(charts))
	}
	for _, cv := range charts {
		t.Run(cv.ID, func(t *testing.T) {
			if cv.Table == nil {
				t.Fatal("no table")
			}
			o := optionJSON(t, cv)
			f := plainValues
			switch {
			case o["kpideskFormat"] == "duration":
				f = hourValues
			case o["kpideskUnit"] == "%":
				f = percentValues
			}
			for j, se := range o["series"].([]any) {
				m := se.(map[string]any)
				if got := cv.Table.Head[j+1]; got != m["name"] {
					t.Errorf("column %d = %q, want series %q", j+1, got, m["name"])
				}
				data := m["data"].([]any)
				if len(data) != len(cv.Table.Rows) {
					t.Fatalf("series %q: %d values, %d rows", m["name"], len(data), len(cv.Table.Rows))
				}
				for i, d := range data {
					var v *float64
					if n, ok := d.(map[string]any)["value"].(float64); ok {
						v = &n
					}
					want := s.chartText(f, v)
					if strings.HasPrefix(cv.ID, "analysis-pareto") || strings.HasPrefix(cv.ID, "analysis-dist") {
						want = strconv.FormatFloat(*v, 'f', -1, 64) // counts; the line is a share
						if j == 1 {
							want += "%"
						}
					}
					if got := cv.Table.Rows[i][j+1]; got != want {
						t.Errorf("row %d, %q = %q, want %q", i, m["name"], got, want)
					}
				}
			}
		})
	}
}

func TestCategoryPareto(t *testing.T) {
	s := testSite(t)
	cats := map[string]int{"": 2}
	for i := range 30 {
		cats[fmt.Sprintf("c%02d", i)] = 10
	}
	p := s.categoryPareto("p", cats)
	// 31 categories of 10 and 2: a flat tail, 11 named and the other 20
	// (19 × 10 + 2 = 192) grey, apart.
	data := seriesData(t, *p)["投诉数"]
	if len(data) != 12 || data[11] != 192.0 {
		t.Errorf("bars = %v", data)
	}
	o := optionJSON(t, *p)
	last := o["series"].([]any)[0].(map[string]any)["data"].([]any)[11].(map[string]any)
	if last["itemStyle"] == nil {
		t.Errorf("the other bar is not drawn apart: %v", last)
	}
	if units, _ := o["kpideskSeriesUnits"].([]any); len(units) != 2 || units[0] != "" || units[1] != "%" {
		t.Errorf("series units = %v, want a count and a share", o["kpideskSeriesUnits"])
	}
	if got := p.Table.Rows[11][0]; got != "其他 20 类" {
		t.Errorf("other bar label = %q", got)
	}
	if !strings.Contains(p.Note, "灰色") {
		t.Errorf("note = %q, want it to say the grey bar gathers the rest", p.Note)
	}
	if p := s.categoryPareto("p", nil); p != nil {
		t.Errorf("Pareto of nothing: %v", p)
	}
	// Teams: from their own counts, none without.
	teams := s.byKind[scoring.UnitTeam]
	month := s.monthOf(teams[0])
	s.sc.Mix.TeamCategories = map[string]map[string]map[string]int{teams[0].ID: {month: {"billing": 7, "delivery": 3}}}
	tp := s.teamPareto(teams[0])
	if tp == nil {
		t.Fatalf("team %s: no Pareto from its counts", teams[0].ID)
	}
	if data := seriesData(t, *tp)["投诉数"]; len(data) != 2 || data[0] != 7.0 || data[1] != 3.0 {
		t.Errorf("team %s's Pareto bars = %v, want 7 and 3", teams[0].ID, data)
	}
	for _, u := range teams[1:] {
		if p := s.teamPareto(u); p != nil {
			t.Errorf("team %s: a Pareto without counts of its own", u.ID)
		}
	}
}

// TestTableSortKeys checks the data-sort values of a list of agents: each
// metric cell's raw value (to 6 decimals), none where not applicable, the
// final points.
func TestTableSortKeys(t *testing.T) {
	s := testSite(t)
	agents := s.byKind[scoring.UnitAgent]
	b := s.table("", s.latest, agents, "")
	if len(b.Rows) != len(agents) {
		t.Fatalf("%d rows for %d agents", len(b.Rows), len(agents))
	}
	cells := 0
	for i, u := range agents {
		c := s.card(u, s.latest)
		row := b.Rows[i]
		if c == nil {
			if row.FinalSort != "" || row.GradeSort != "" {
				t.Errorf("%s: no scorecard, sort keys %q %q", u.ID, row.FinalSort, row.GradeSort)
			}
			continue
		}
		// The grade sorts by rank, best first: the top grade 0, the lowest
		// the last of the config's grades, no grade (no data) none.
		switch want := map[string]string{"g-top": "0", "g-low": strconv.Itoa(len(s.cfg.Grades) - 1), "": ""}[row.Grade.Class]; {
		case row.Grade.Class == "g-mid" && (row.GradeSort == "" || row.GradeSort == "0"):
			t.Errorf("%s: middle grade sorts as %q", u.ID, row.GradeSort)
		case row.Grade.Class != "g-mid" && row.GradeSort != want:
			t.Errorf("%s: grade %q sorts as %q, want %q", u.ID, row.Grade.Name, row.GradeSort, want)
		}
		if c.Final != nil && row.FinalSort != strconv.FormatFloat(round(*c.Final, 6), 'g', -1, 64) {
			t.Errorf("%s: final sort %q, final %v", u.ID, row.FinalSort, *c.Final)
		}
		for j, col := range b.Cols {
			m := c.Metrics[col.ID]
			got := row.Cells[j].Sort
			switch {
			case m.Status == scoring.StatusNotApplicable || m.Value == nil:
				if got != "" {
					t.Errorf("%s %s: sort %q, want none", u.ID, col.ID, got)
				}
			default:
				cells++
				if v, err := strconv.ParseFloat(got, 64); err != nil || v != round(*m.Value, 6) {
					t.Errorf("%s %s: sort %q, value %v", u.ID, col.ID, got, *m.Value)
				}
			}
		}
	}
	if cells == 0 {
		t.Error("no cell with a value")
	}
}

// TestChartWordsEnglish checks the words a chart carries on the English
// site: the picker's caption, the duration words, the table's heads.
func TestChartWordsEnglish(t *testing.T) {
	s, err := newSiteIn(golden.options(t), "en")
	if err != nil {
		t.Fatal(err)
	}
	org := lineSeries{name: "Org", values: []*float64{fp(1.5)}, target: fp(2), targetLabel: s.t("target")}
	team := lineSeries{name: "Team", values: []*float64{fp(0.25)}, hidden: true}
	cv := s.lineChart("c", "", []string{"2025-12"}, []lineSeries{org, team}, hourValues)
	o := optionJSON(t, cv)
	words, _ := o["kpideskDuration"].(map[string]any)
	if o["kpideskPicker"] != "Lines shown" || words["hm"] != "%dh %02dm" {
		t.Errorf("picker %v, duration words %v", o["kpideskPicker"], words)
	}
	want := &chartTable{Caption: "Target 2h 00m", Head: []string{"Month", "Org", "Team"}, Rows: [][]string{{"2025-12", "1h 30m", "15m"}}}
	if diff := cmp.Diff(want, cv.Table); diff != "" {
		t.Errorf("table (-want +got):\n%s", diff)
	}
}

// TestDistTarget checks the target note of a duration's distribution: the
// fixture's first responses have a target of 2 hours, a bound of the
// buckets, and 5 + 3 of the month's 10 complaints fall within it.
func TestDistTarget(t *testing.T) {
	s := testSite(t)
	if got := s.distTarget("first_response_time", scoring.DurationBuckets, []int{5, 3, 1, 1, 0, 0, 0}); got != "目标 ≤ 2小时：80% 的投诉在此时长内" {
		t.Errorf("first response target note = %q", got)
	}
	// With bounds of 1 and 4 hours, 2 hours is none: the target alone.
	if got := s.distTarget("first_response_time", []float64{3600, 4 * 3600}, []int{5, 3, 2}); got != "目标：≤ 2小时" {
		t.Errorf("target off the bounds: note %q", got)
	}
	// Volume has no target on the organization's scorecard.
	if got := s.distTarget("volume", scoring.DurationBuckets, []int{1, 0, 0, 0, 0, 0, 0}); got != "" {
		t.Errorf("volume note = %q, want none", got)
	}
}
