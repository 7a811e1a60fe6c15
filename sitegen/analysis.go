package sitegen

import (
	"cmp"
	"maps"
	"slices"
	"strconv"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// analysisCharts are the overview's analysis section (SPEC §10): complaints
// created against resolved by month, the category Pareto of the latest
// month (the root causes), and the channel mix by month. They read
// scores.json's mix; nil when it is empty.
func (s *site) analysisCharts() []chartView {
	mix := s.sc.Mix
	if len(mix.Created) == 0 || len(s.months) == 0 {
		return nil
	}
	x := make([]string, len(s.months))
	created := lineSeries{name: s.t("analysis.created"), values: make([]*float64, len(s.months)), bold: true}
	resolved := lineSeries{name: s.t("analysis.resolved"), values: make([]*float64, len(s.months))}
	for i, p := range s.months {
		x[i] = p.ID
		c, r := float64(mix.Created[p.ID]), float64(mix.Resolved[p.ID])
		created.values[i], resolved.values[i] = &c, &r
	}
	flow := lineChart("analysis-flow", "", x, []lineSeries{created, resolved}, "")
	flow.Title, flow.Note = s.t("analysis.flow"), s.t("analysis.flow.note")
	out := []chartView{flow}

	if cats := mix.Categories[s.latest]; len(cats) > 0 {
		names := slices.SortedFunc(maps.Keys(cats), func(a, b string) int { return cmp.Or(cats[b]-cats[a], cmp.Compare(a, b)) })
		labels := make([]string, len(names))
		for i, n := range names {
			labels[i] = s.categoryName(n)
		}
		counts := make([]int, len(names))
		for i, n := range names {
			counts[i] = cats[n]
		}
		// A long tail is one bar: the chart is about the few big causes.
		if len(names) > paretoBars {
			rest := 0
			for _, n := range counts[paretoBars-1:] {
				rest += n
			}
			labels = append(labels[:paretoBars-1], s.t("analysis.other"))
			counts = append(counts[:paretoBars-1], rest)
		}
		p := paretoChart("analysis-pareto", labels, counts, s.t("analysis.complaints"), s.t("analysis.cumulative"))
		p.Title, p.Note = s.t("analysis.pareto")+" · "+s.latest, s.t("analysis.pareto.note")
		out = append(out, p)
	}

	// Distributions of durations: bars by bucket, and the cumulative share
	// ("within 4 working hours: 80 %").
	for _, id := range slices.Sorted(maps.Keys(mix.Durations)) {
		counts := mix.Durations[id][s.latest]
		if len(counts) == 0 || len(counts) != len(mix.Buckets)+1 {
			continue
		}
		d := paretoChart("analysis-dist-"+id, s.bucketLabels(mix.Buckets), counts, s.t("analysis.complaints"), s.t("analysis.cumulative"))
		d.Title, d.Note = s.distTitle(id)+" · "+s.latest, s.t("analysis.dist.note")
		out = append(out, d)
	}

	var channels []string
	for _, p := range s.months {
		for ch := range mix.Channels[p.ID] {
			if !slices.Contains(channels, ch) {
				channels = append(channels, ch)
			}
		}
	}
	if len(channels) > 0 {
		slices.Sort(channels)
		var series []stackSeries
		for _, ch := range channels {
			ss := stackSeries{name: s.channelName(ch), values: make([]float64, len(s.months))}
			for i, p := range s.months {
				if total := mix.Created[p.ID]; total > 0 {
					ss.values[i] = round1(100 * float64(mix.Channels[p.ID][ch]) / float64(total))
				}
			}
			series = append(series, ss)
		}
		m := stackedShares("analysis-channels", x, series)
		m.Title, m.Note = s.t("analysis.channels"), s.t("analysis.channels.note")
		m.Wide = len(out)%2 == 0 // the grid has two columns: a last chart alone spans both
		out = append(out, m)
	}
	return out
}

// bucketLabels names the duration buckets by their bounds in hours:
// "<1", "1–2", …, "≥48", with the unit of the site's language.
func (s *site) bucketLabels(bounds []float64) []string {
	h := func(sec float64) string { return strconv.FormatFloat(sec/3600, 'f', -1, 64) }
	labels := make([]string, len(bounds)+1)
	for i := range labels {
		switch {
		case i == 0:
			labels[i] = s.tf("analysis.bucket.under", h(bounds[0]))
		case i == len(bounds):
			labels[i] = s.tf("analysis.bucket.over", h(bounds[i-1]))
		default:
			labels[i] = s.tf("analysis.bucket", h(bounds[i-1]), h(bounds[i]))
		}
	}
	return labels
}

// distTitle names the distribution of a duration metric's values, which
// are the complaints' durations, not their mean: "响应时间的分布" rather
// than "平均响应时间的分布". The built-in metrics have a label; another
// metric is named as it is.
func (s *site) distTitle(id string) string {
	if v, ok := labels[s.lang]["analysis.dist."+id]; ok {
		return v
	}
	return s.tf("analysis.dist", s.metricName(id))
}

// categoryName, channelName and kindName are the display names of a
// complaint's category, channel and kind in the site's language: from
// config site.names, else the site's label for the usual channels and
// kinds, else the ID; "" is "none".
func (s *site) categoryName(c string) string {
	if c == "" {
		return s.t("analysis.none")
	}
	return s.displayName(s.names().Categories, "", c)
}

func (s *site) channelName(c string) string {
	if c == "" {
		return s.t("analysis.none")
	}
	return s.displayName(s.names().Channels, "channel.", c)
}

func (s *site) kindName(k string) string {
	if k == "" {
		return s.t("analysis.none")
	}
	return s.displayName(s.names().Kinds, "kind.", k)
}

// paretoBars is the most bars of the category Pareto, the last one
// gathering the remaining categories.
const paretoBars = 12

func round1(v float64) float64 { return float64(int64(v*10+0.5)) / 10 }

// newBar is a bar chart with the site's look: its own assets, no
// animation, the palette, an axis tooltip and a legend (legend is ECharts'
// legend type: "" for plain, or "scroll" for many series) under the plot.
func newBar(id, legend string) *charts.Bar {
	bar := charts.NewBar()
	bar.SetGlobalOptions(
		charts.WithInitializationOpts(opts.Initialization{ChartID: id, AssetsHost: "assets/", Theme: "white"}),
		charts.WithAnimation(false),
		charts.WithColorsOpts(opts.Colors(palette)),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis"}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Type: legend, Bottom: "0", Icon: "roundRect"}),
		charts.WithGridOpts(opts.Grid{Left: "8", Right: "16", Top: "16", Bottom: "44", ContainLabel: opts.Bool(true)}),
	)
	return bar
}

// paretoChart is a bar per category, largest first, with the cumulative
// share as a line on a second axis: the few causes behind most complaints.
func paretoChart(id string, names []string, counts []int, barName, lineName string) chartView {
	bar := newBar(id, "")
	bar.SetGlobalOptions(
		charts.WithXAxisOpts(opts.XAxis{AxisLabel: &opts.AxisLabel{Color: "#5c6b7a", Rotate: 40, Interval: "0"}}),
		charts.WithYAxisOpts(opts.YAxis{
			AxisLabel: &opts.AxisLabel{Color: "#5c6b7a"},
			SplitLine: &opts.SplitLine{Show: opts.Bool(true), LineStyle: &opts.LineStyle{Color: "#edf0f4"}},
		}),
	)
	bar.ExtendYAxis(opts.YAxis{Min: 0, Max: 100, AxisLabel: &opts.AxisLabel{Formatter: "{value}%", Color: "#5c6b7a"}, SplitLine: &opts.SplitLine{Show: opts.Bool(false)}})
	bar.SetXAxis(names)
	total := 0
	for _, n := range counts {
		total += n
	}
	bars := make([]opts.BarData, len(counts))
	cum := make([]opts.LineData, len(counts))
	run := 0
	for i, n := range counts {
		run += n
		bars[i] = opts.BarData{Value: n}
		cum[i] = opts.LineData{Value: round1(100 * float64(run) / float64(total))}
	}
	bar.AddSeries(barName, bars, charts.WithBarChartOpts(opts.BarChart{BarCategoryGap: "40%"}))
	line := charts.NewLine()
	line.AddSeries(lineName, cum, charts.WithLineChartOpts(opts.LineChart{YAxisIndex: 1, ShowSymbol: opts.Bool(true), Symbol: "circle", SymbolSize: 6}))
	bar.Overlap(line)
	bar.Validate()
	return chartView{ID: id, Option: bar.JSON(), Assets: bar.JSAssets.Values}
}

// stackSeries is one channel's share of each month's complaints, in %.
type stackSeries struct {
	name   string
	values []float64
}

// stackedShares stacks the series' shares month by month to 100 %.
func stackedShares(id string, x []string, series []stackSeries) chartView {
	bar := newBar(id, "scroll")
	bar.SetGlobalOptions(
		charts.WithXAxisOpts(opts.XAxis{AxisLabel: &opts.AxisLabel{Color: "#5c6b7a"}}),
		charts.WithYAxisOpts(opts.YAxis{Min: 0, Max: 100, AxisLabel: &opts.AxisLabel{Formatter: "{value}%", Color: "#5c6b7a"},
			SplitLine: &opts.SplitLine{Show: opts.Bool(true), LineStyle: &opts.LineStyle{Color: "#edf0f4"}}}),
	)
	bar.SetXAxis(x)
	for _, ss := range series {
		data := make([]opts.BarData, len(ss.values))
		for i, v := range ss.values {
			data[i] = opts.BarData{Value: v}
		}
		bar.AddSeries(ss.name, data, charts.WithBarChartOpts(opts.BarChart{Stack: "share", BarCategoryGap: "40%"}))
	}
	bar.Validate()
	option := bar.JSON()
	option["kpideskUnit"] = "%"
	return chartView{ID: id, Option: option, Assets: bar.JSAssets.Values}
}
