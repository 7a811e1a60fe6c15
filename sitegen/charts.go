package sitegen

import (
	"math"
	"strconv"
	"strings"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
	"github.com/go-echarts/go-echarts/v2/types"

	"github.com/kpidesk/kpidesk/scoring"
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
	// Table is the chart's data as a table, under the chart (issue 15 §5).
	Table *chartTable
	// Groups is the legend of a category Pareto's colours: each category
	// group's share (site.category_groups).
	Groups []groupShare
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
	dashed bool // a target that moves month by month (a change rule), not data
	// target, when not nil, is drawn as a dashed line labelled
	// targetLabel (the rule's target, in chart units).
	target      *float64
	targetLabel string
}

// valueFormat is how a chart's values read on its axis, in its tooltip
// and in its table.
type valueFormat int

const (
	plainValues   valueFormat = iota // numbers as they are: points, counts
	percentValues                    // percentages, 0 to 100
	// hourValues are durations in hours. ECharts takes a label formatter
	// as a JavaScript function, which JSON cannot carry: the option says
	// "kpideskFormat": "duration" and carries the site's duration words
	// ("kpideskDuration"), and kpidesk.js installs formatters that write
	// hours and minutes as the tiles do ("2小时14分", not "2.24小时").
	hourValues
)

// formatOf is the valueFormat of a metric's chartValue.
func formatOf(info scoring.Info) valueFormat {
	switch info.Value {
	case scoring.ValueRate:
		return percentValues
	case scoring.ValueDuration:
		return hourValues
	}
	return plainValues
}

// pickerMin is the most series a chart names in an ECharts legend; a chart
// with more, or with series off until chosen (the teams beside the
// organization), gets a unit picker instead: kpidesk.js renders the
// option's series names as checkboxes ("kpideskPicker" is its caption)
// that toggle them, since a paged legend hides most of its entries behind
// arrows.
const pickerMin = 4

// minRateSpan is the least span, in percentage points, of a rate chart's
// value axis: on an axis fitted to the data a dip from 95 % to 93 % would
// fill the plot from top to bottom and read as a collapse. Rates that all
// lie below it are drawn from zero instead (axisBounds).
const minRateSpan = 10

// durationSteps are the intervals, in minutes, a duration axis is divided
// by: whole minutes, quarters, halves, hours and days, so that every tick
// reads as a round duration.
var durationSteps = []float64{1, 2, 5, 10, 15, 20, 30, 60, 120, 180, 240, 360, 480, 720, 1440, 2880, 4320, 7200, 14400}

// lineChart builds a month-by-month trend chart. root is the page's way
// back to the site root ("" or "../"): the chart's asset host is the
// site's own assets/ folder, relative, so that the site works from file://
// and under any sub-path, offline. Its table fallback has a row per
// month.
func (s *site) lineChart(id, root string, x []string, series []lineSeries, f valueFormat) chartView {
	line := charts.NewLine()
	selected := map[string]bool{}
	picker := len(series) > pickerMin
	for _, ls := range series {
		selected[ls.name] = !ls.hidden
		picker = picker || ls.hidden // units to add: the picker lists them
	}
	bottom := "12"
	if len(series) > 1 && !picker {
		bottom = "44"
	}
	suffix := ""
	if f == percentValues {
		suffix = "%"
	}
	yAxis := opts.YAxis{
		Scale:     opts.Bool(true),
		AxisLabel: &opts.AxisLabel{Formatter: types.FuncStr("{value}" + suffix), Color: "#5c6b7a"},
		SplitLine: &opts.SplitLine{Show: opts.Bool(true), LineStyle: &opts.LineStyle{Color: "#edf0f4"}},
	}
	if lo, hi, step, ok := axisBounds(series, f); ok {
		yAxis.Min, yAxis.Max = lo, hi
		yAxis.MinInterval, yAxis.MaxInterval = step, step
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
			Show:     opts.Bool(len(series) > 1 && !picker),
			Bottom:   "0",
			Selected: selected,
			Icon:     "roundRect",
		}),
		charts.WithGridOpts(opts.Grid{Left: "8", Right: "16", Top: "16", Bottom: bottom, ContainLabel: opts.Bool(true)}),
		charts.WithXAxisOpts(opts.XAxis{
			AxisLabel: &opts.AxisLabel{Color: "#5c6b7a"},
			AxisLine:  &opts.AxisLine{LineStyle: &opts.LineStyle{Color: "#c9d1db"}},
		}),
		charts.WithYAxisOpts(yAxis),
	)
	line.SetXAxis(x)
	for _, ls := range series {
		data := make([]opts.LineData, len(ls.values))
		for i, v := range ls.values {
			if v == nil {
				data[i] = opts.LineData{Value: "-"} // ECharts' empty value: a gap
			} else {
				data[i] = opts.LineData{Value: *v}
			}
		}
		style := opts.LineStyle{Width: 1.6}
		if ls.bold {
			style.Width = 3
		}
		if ls.dashed {
			style.Type, style.Color = "dashed", "#5c6b7a"
		}
		var step any
		if ls.dashed {
			step = "middle" // a level set month by month
		}
		so := []charts.SeriesOpts{
			charts.WithLineChartOpts(opts.LineChart{
				Smooth:     opts.Bool(false),
				ShowSymbol: opts.Bool(!ls.dashed),
				Symbol:     "circle",
				SymbolSize: 6,
				Step:       step,
			}),
			charts.WithLineStyleOpts(style),
		}
		if ls.dashed {
			so = append(so, charts.WithItemStyleOpts(opts.ItemStyle{Color: "#5c6b7a"}))
		}
		if ls.target != nil {
			so = append(so,
				charts.WithMarkLineNameYAxisItemOpts(opts.MarkLineNameYAxisItem{Name: ls.targetLabel, YAxis: *ls.target}),
				charts.WithMarkLineStyleOpts(opts.MarkLineStyle{
					Symbol:    []string{"none", "none"},
					Label:     &opts.Label{Show: opts.Bool(true), Position: "insideEndTop", Formatter: ls.targetLabel + " {c}" + suffix, Color: "#5c6b7a"},
					LineStyle: &opts.LineStyle{Type: "dashed", Color: "#5c6b7a", Width: 1},
				}),
			)
		}
		line.AddSeries(ls.name, data, so...)
	}
	line.Validate()
	option := line.JSON()
	s.markFormat(option, f)
	if picker {
		option["kpideskPicker"] = s.t("chart.picker")
	}
	cv := chartView{ID: id, Option: option, Assets: line.JSAssets.Values}
	cv.Table = s.lineTable(x, series, f)
	return cv
}

// markFormat writes what kpidesk.js needs to format a chart's values:
// the unit suffix of its tooltips ("kpideskUnit", ECharts ignores it) and,
// for durations, the marker and the site's duration words.
func (s *site) markFormat(option map[string]any, f valueFormat) {
	switch f {
	case percentValues:
		option["kpideskUnit"] = "%"
	case hourValues:
		option["kpideskUnit"] = ""
		option["kpideskFormat"] = "duration"
		words := map[string]string{}
		for _, k := range []string{"s", "m", "hm", "h"} {
			words[k] = s.t("dur." + k)
		}
		option["kpideskDuration"] = words
	default:
		option["kpideskUnit"] = ""
	}
}

// chartText is a value in chart units as the table fallback writes it:
// a duration in hours as the tiles do ("2小时14分"), a percentage with
// its sign, a number as it is.
func (s *site) chartText(f valueFormat, v *float64) string {
	if v == nil {
		return dash
	}
	switch f {
	case percentValues:
		return strconv.FormatFloat(*v, 'f', -1, 64) + "%"
	case hourValues:
		return s.duration(*v * 3600)
	}
	return strconv.FormatFloat(*v, 'f', -1, 64)
}

// chartTable is a chart's data as a table, written under the chart in a
// <details> for readers without JavaScript and for screen readers. It is
// built from the very series the option plots.
type chartTable struct {
	Caption string     // the targets drawn, "" for none
	Head    []string   // what the rows are (months, categories), then each series
	Rows    [][]string // per row: its label, then each series' value as text
}

// lineTable is a trend chart's table: a row per month, a column per
// series, hidden series too.
func (s *site) lineTable(x []string, series []lineSeries, f valueFormat) *chartTable {
	t := &chartTable{Head: []string{s.t("chart.month")}}
	var targets []string
	for _, ls := range series {
		t.Head = append(t.Head, ls.name)
		if ls.target != nil {
			targets = append(targets, ls.targetLabel+" "+s.chartText(f, ls.target))
		}
	}
	t.Caption = strings.Join(targets, s.t("list.sep"))
	for i, label := range x {
		row := []string{label}
		for _, ls := range series {
			var v *float64
			if i < len(ls.values) {
				v = ls.values[i]
			}
			row = append(row, s.chartText(f, v))
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}

// axisBounds are a trend chart's value axis: its least and greatest value
// and the interval of its ticks (0 for ECharts' own), false to leave the
// axis to ECharts. Every series counts, hidden ones too, so that a line
// switched on in the picker is not clipped, and so does the target.
//
// Rates span at least minRateSpan points within 0–100 %, centred on the
// data, or start at zero when every value is below minRateSpan. Durations (in hours) are cut at a round duration (durationSteps).
// Other values keep ECharts' fit, widened only to show a target (see
// targetBounds).
func axisBounds(series []lineSeries, f valueFormat) (lo, hi, step float64, ok bool) {
	if f == plainValues {
		lo, hi, ok = targetBounds(series)
		return lo, hi, 0, ok
	}
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, ls := range series {
		if ls.target != nil {
			lo, hi = math.Min(lo, *ls.target), math.Max(hi, *ls.target)
		}
		for _, v := range ls.values {
			if v != nil {
				lo, hi = math.Min(lo, *v), math.Max(hi, *v)
			}
		}
	}
	if math.IsInf(lo, 0) {
		return 0, 0, 0, false
	}
	if f == percentValues {
		switch {
		case hi-lo >= minRateSpan:
		case hi <= minRateSpan:
			// Small rates (a complaint rate of 0.4 %) start at zero: their
			// changes then read in proportion, and a span of 10 points
			// would flatten them.
			lo = 0
		default:
			mid := (lo + hi) / 2
			lo, hi = mid-minRateSpan/2, mid+minRateSpan/2
			if lo < 0 {
				lo, hi = 0, minRateSpan
			}
			if hi > 100 {
				lo, hi = 100-minRateSpan, 100
			}
		}
		step = niceStep((hi - lo) / 5)
		lo, hi = math.Max(0, math.Floor(lo/step)*step), math.Min(100, math.Ceil(hi/step)*step)
		return round(lo, 6), round(hi, 6), round(step, 6), true
	}
	// Durations, in hours: a step of round minutes giving at most 5
	// intervals over the data.
	span := (hi - lo) * 60
	mins := durationSteps[len(durationSteps)-1]
	for _, m := range durationSteps {
		if span <= 5*m {
			mins = m
			break
		}
	}
	lo, hi = math.Floor(lo*60/mins)*mins/60, math.Ceil(hi*60/mins)*mins/60
	if hi == lo {
		hi = lo + mins/60
	}
	return round(lo, 6), round(hi, 6), round(mins/60, 6), true
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
