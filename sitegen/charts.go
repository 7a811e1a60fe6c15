package sitegen

import (
	"math"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
	"github.com/go-echarts/go-echarts/v2/types"
)

// chartView is one chart on a page. go-echarts builds the ECharts option;
// the page template writes it as JSON into a
// <script type="application/json"> element and assets/kpidesk.js hands it
// to echarts.init. We do not use go-echarts' own snippet templates: they
// print the option with SetEscapeHTML(false) through template.JS, so a
// team called "</script><script>…" would end the script element. Here the
// option is a Go map that html/template JSON-encodes itself, writing <, >
// and & as \u003c, \u003e and \u0026 (see TestEscaping).
type chartView struct {
	ID    string
	Title string
	Note  string
	// TargetNote states a target the chart cannot draw as a line, such as
	// a change against the previous period.
	TargetNote string
	Option     map[string]any
	Assets     []string // script URLs the chart needs, relative to the page
	Wide       bool     // spans the whole row of a chart grid
}

// palette is the series colour cycle: calm, distinguishable, print-safe.
var palette = []string{
	"#2f6fde", "#1a9e77", "#e39b12", "#d1495b", "#7b5cc4",
	"#0e9cb0", "#e8743b", "#5c6b7a", "#b8558f", "#6f9a2e",
}

// lineSeries is one line of a trend chart; values are already in chart
// units (see chartValue), nil where a period has no value.
type lineSeries struct {
	name   string
	values []*float64
	bold   bool // the subject of the chart, drawn thicker
	hidden bool // listed in the legend but off until clicked
	// target, when not nil, is drawn as a dashed line labelled
	// targetLabel (the rule's target, in chart units).
	target      *float64
	targetLabel string
}

// lineChart builds a month-by-month trend chart. root is the page's way
// back to the site root ("" or "../"): the chart's asset host is the
// site's own assets/ folder, relative, so that the site works from file://
// and under any sub-path, offline.
func lineChart(id, root string, x []string, series []lineSeries, unit string) chartView {
	line := charts.NewLine()
	selected := map[string]bool{}
	for _, s := range series {
		selected[s.name] = !s.hidden
	}
	bottom := "12"
	if len(series) > 1 {
		bottom = "44"
	}
	line.SetGlobalOptions(
		charts.WithInitializationOpts(opts.Initialization{
			ChartID:    id,
			AssetsHost: root + "assets/",
			Theme:      "white",
		}),
		charts.WithAnimation(false),
		charts.WithColorsOpts(opts.Colors(palette)),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis"}),
		charts.WithLegendOpts(opts.Legend{
			Show:     opts.Bool(len(series) > 1),
			Type:     "scroll",
			Bottom:   "0",
			Selected: selected,
			Icon:     "roundRect",
		}),
		charts.WithGridOpts(opts.Grid{Left: "8", Right: "16", Top: "16", Bottom: bottom, ContainLabel: opts.Bool(true)}),
		charts.WithXAxisOpts(opts.XAxis{
			AxisLabel: &opts.AxisLabel{Color: "#5c6b7a"},
			AxisLine:  &opts.AxisLine{LineStyle: &opts.LineStyle{Color: "#c9d1db"}},
		}),
		charts.WithYAxisOpts(opts.YAxis{
			Scale:     opts.Bool(true),
			AxisLabel: &opts.AxisLabel{Formatter: types.FuncStr("{value}" + unit), Color: "#5c6b7a"},
			SplitLine: &opts.SplitLine{Show: opts.Bool(true), LineStyle: &opts.LineStyle{Color: "#edf0f4"}},
		}),
	)
	if lo, hi, ok := targetBounds(series); ok {
		line.SetGlobalOptions(charts.WithYAxisOpts(opts.YAxis{
			Scale:     opts.Bool(true),
			Min:       lo,
			Max:       hi,
			AxisLabel: &opts.AxisLabel{Formatter: types.FuncStr("{value}" + unit), Color: "#5c6b7a"},
			SplitLine: &opts.SplitLine{Show: opts.Bool(true), LineStyle: &opts.LineStyle{Color: "#edf0f4"}},
		}))
	}
	line.SetXAxis(x)
	for _, s := range series {
		data := make([]opts.LineData, len(s.values))
		for i, v := range s.values {
			if v == nil {
				data[i] = opts.LineData{Value: "-"} // ECharts' empty value: a gap
			} else {
				data[i] = opts.LineData{Value: *v}
			}
		}
		width := float32(1.6)
		if s.bold {
			width = 3
		}
		so := []charts.SeriesOpts{
			charts.WithLineChartOpts(opts.LineChart{
				Smooth:     opts.Bool(false),
				ShowSymbol: opts.Bool(true),
				Symbol:     "circle",
				SymbolSize: 6,
			}),
			charts.WithLineStyleOpts(opts.LineStyle{Width: width}),
		}
		if s.target != nil {
			so = append(so,
				charts.WithMarkLineNameYAxisItemOpts(opts.MarkLineNameYAxisItem{Name: s.targetLabel, YAxis: *s.target}),
				charts.WithMarkLineStyleOpts(opts.MarkLineStyle{
					Symbol:    []string{"none", "none"},
					Label:     &opts.Label{Show: opts.Bool(true), Position: "insideEndTop", Formatter: s.targetLabel + " {c}" + unit, Color: "#5c6b7a"},
					LineStyle: &opts.LineStyle{Type: "dashed", Color: "#98a2ae", Width: 1},
				}),
			)
		}
		line.AddSeries(s.name, data, so...)
	}
	line.Validate()
	option := line.JSON()
	// kpidesk.js reads the unit to format tooltip values; ECharts ignores it.
	option["kpideskUnit"] = unit
	return chartView{ID: id, Option: option, Assets: line.JSAssets.Values}
}

// targetBounds widens the value axis to show a target line that lies
// outside the visible data (ECharts leaves mark lines out of the axis
// extent). It returns round bounds covering the target and every series,
// hidden ones too so that a line switched on in the legend is not clipped,
// and false when the visible data already spans the target.
func targetBounds(series []lineSeries) (lo, hi float64, ok bool) {
	var target *float64
	vlo, vhi := math.Inf(1), math.Inf(-1)
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, s := range series {
		if s.target != nil {
			target = s.target
		}
		for _, v := range s.values {
			if v == nil {
				continue
			}
			lo, hi = math.Min(lo, *v), math.Max(hi, *v)
			if !s.hidden {
				vlo, vhi = math.Min(vlo, *v), math.Max(vhi, *v)
			}
		}
	}
	if target == nil || math.IsInf(vlo, 0) || *target >= vlo && *target <= vhi {
		return 0, 0, false
	}
	lo, hi = math.Min(lo, *target), math.Max(hi, *target)
	step := niceStep((hi - lo) / 5)
	return round(math.Floor(lo/step)*step, 6), round(math.Ceil(hi/step)*step, 6), true
}

// niceStep rounds a positive step up to 1, 2, 2.5 or 5 times a power of ten.
func niceStep(raw float64) float64 {
	if raw <= 0 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if raw <= m*p {
			return m * p
		}
	}
	return 10 * p
}
