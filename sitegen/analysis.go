package sitegen

import (
	"cmp"
	"maps"
	"math"
	"slices"
	"strconv"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"

	"github.com/kpidesk/kpidesk/scoring"
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
	flow := s.lineChart("analysis-flow", "", x, []lineSeries{created, resolved}, plainValues)
	flow.Title, flow.Note = s.t("analysis.flow"), s.t("analysis.flow.note")
	out := []chartView{flow}

	if p := s.categoryPareto("analysis-pareto", mix.Categories[s.latest]); p != nil {
		p.Title = s.t("analysis.pareto") + " · " + s.latest
		out = append(out, *p)
	}

	// Distributions of durations: bars by bucket, and the cumulative share
	// ("within 4 working hours: 80 %").
	for _, id := range slices.Sorted(maps.Keys(mix.Durations)) {
		counts := mix.Durations[id][s.latest]
		if len(counts) == 0 || len(counts) != len(mix.Buckets)+1 {
			continue
		}
		d := s.paretoChart("analysis-dist-"+id, s.t("chart.bucket"), s.bucketLabels(mix.Buckets), counts, false, nil, nil)
		d.Title, d.Note = s.distTitle(id)+" · "+s.latest, s.t("analysis.dist.note")
		d.TargetNote = s.distTarget(id, mix.Buckets, counts)
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
		m := s.stackedShares("analysis-channels", x, series)
		m.Title, m.Note = s.t("analysis.channels"), s.t("analysis.channels.note")
		m.Wide = len(out)%2 == 0 // the grid has two columns: a last chart alone spans both
		out = append(out, m)
	}
	return out
}

// distTarget states the target of the organization's scorecard for a
// duration metric over its distribution: a bar chart of buckets has no
// level to draw a line at, so the note gives the target and, when it falls
// on a bucket bound, the share of complaints within it ("目标 ≤ 2小时：80%
// 的投诉在此时长内"); "" without a target.
func (s *site) distTarget(id string, bounds []float64, counts []int) string {
	if s.org == nil {
		return ""
	}
	c := s.card(s.org, s.latest)
	if c == nil {
		return ""
	}
	it, ok := s.item(c, id)
	if !ok {
		return ""
	}
	info := s.metric(id)
	target := s.target(info, it.Rule)
	if target == dash {
		return ""
	}
	total := 0
	for _, n := range counts {
		total += n
	}
	if t := chartTarget(info, it.Rule); t != nil && total > 0 {
		within := 0
		for i, b := range bounds {
			within += counts[i]
			if math.Abs(b-*t*3600) < 1 {
				return s.tf("chart.dist_target", target, pctN(float64(within)/float64(total), 0))
			}
		}
	}
	return s.t("target") + s.t("colon") + target
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

// paretoBars is the most bars of the category Pareto when its tail is
// short, the last one gathering the remaining categories; paretoMax is the
// most it grows to so that that bar is not the biggest (paretoCut).
const (
	paretoBars = 12
	paretoMax  = 20
)

// paretoCut is how many categories of counts (largest first) a Pareto
// names, the rest making one "other" bar. The bar is there for the long
// tail, so it must not become the biggest bar and read as the main cause:
// from paretoBars bars on, one more category is named until the rest is
// no bigger than the largest category. A rest of one category is named.
// When that takes more than paretoMax bars (a long, flat tail) the cut
// stays at paretoBars and apart is true: the "other" bar is drawn grey,
// apart from the named causes.
func paretoCut(counts []int) (named int, apart bool) {
	if len(counts) <= paretoBars {
		return len(counts), false
	}
	rest := 0
	for _, n := range counts[paretoBars-1:] {
		rest += n
	}
	for k := paretoBars - 1; k < len(counts); k++ {
		if k == len(counts)-1 {
			return len(counts), false
		}
		if rest <= counts[0] {
			return k, false
		}
		if k+2 > paretoMax {
			break
		}
		rest -= counts[k]
	}
	return paretoBars - 1, true
}

// categoryPareto is the Pareto of complaints by category (root causes,
// SPEC §10) of cats, category → complaints; nil when cats is empty. The
// chart's title is the caller's.
func (s *site) categoryPareto(id string, cats map[string]int) *chartView {
	if len(cats) == 0 {
		return nil
	}
	names := slices.SortedFunc(maps.Keys(cats), func(a, b string) int { return cmp.Or(cats[b]-cats[a], cmp.Compare(a, b)) })
	counts := make([]int, len(names))
	labels := make([]string, len(names))
	for i, n := range names {
		counts[i], labels[i] = cats[n], s.categoryName(n)
	}
	named, apart := paretoCut(counts)
	if named < len(names) {
		rest := 0
		for _, n := range counts[named:] {
			rest += n
		}
		labels = append(labels[:named], s.tf("analysis.other_n", len(names)-named))
		counts = append(counts[:named], rest)
	}
	colors, rows, groups := s.categoryGroups(names[:named], cats)
	p := s.paretoChart(id, s.t("chart.category"), labels, counts, named < len(names), colors, rows)
	p.Groups = groups
	p.Note = s.t("analysis.pareto.note")
	if apart {
		p.Note += " " + s.t("analysis.other.apart")
	}
	return &p
}

// ungroupedColor is the bars' colour of categories in no group, apart
// from the groups' (palette) and the tail's grey.
const ungroupedColor = "#5c6b7a"

// groupShare is a category group's share of a Pareto's complaints, for
// its legend.
type groupShare struct {
	Name, Share, Color string
}

// categoryGroups colours a Pareto's named categories by their group
// (site.category_groups), and gives the table's row labels that name it
// and each group's share of all of cats, largest first, the ungrouped
// last. All nil without groups.
func (s *site) categoryGroups(named []string, cats map[string]int) (colors, rows []string, shares []groupShare) {
	groups := s.cfg.Site.CategoryGroups
	if len(groups) == 0 {
		return nil, nil, nil
	}
	of := map[string]int{}
	for i, g := range groups {
		for _, c := range g.Categories {
			of[c] = i
		}
	}
	groupName := func(i int) string {
		if i < 0 {
			return s.t("analysis.ungrouped")
		}
		return s.name(groups[i].Name.ZH, groups[i].Name.EN)
	}
	color := func(i int) string {
		if i < 0 {
			return ungroupedColor
		}
		return palette[i%len(palette)]
	}
	for _, c := range named {
		i, ok := of[c]
		if !ok {
			i = -1
		}
		colors = append(colors, color(i))
		rows = append(rows, s.categoryName(c)+" · "+groupName(i))
	}
	counts := map[int]int{}
	total := 0
	for c, n := range cats {
		i, ok := of[c]
		if !ok {
			i = -1
		}
		counts[i] += n
		total += n
	}
	order := slices.SortedFunc(maps.Keys(counts), func(a, b int) int {
		if (a < 0) != (b < 0) {
			return cmp.Compare(b, a) // the ungrouped last
		}
		return cmp.Or(counts[b]-counts[a], a-b)
	})
	for _, i := range order {
		shares = append(shares, groupShare{Name: groupName(i), Share: fixed(100*float64(counts[i])/float64(total), 1) + "%", Color: color(i)})
	}
	return colors, rows, shares
}

// teamPareto is the category Pareto of a team's complaints in the month
// its page shows (monthOf), for the team's page; nil for another kind of
// unit or when there is no count (teamCategories).
func (s *site) teamPareto(u *unit) *chartView {
	if u == nil || u.Kind != scoring.UnitTeam {
		return nil
	}
	month := s.monthOf(u)
	p := s.categoryPareto("team-pareto-"+u.slug, s.teamCategories(u, month))
	if p != nil {
		p.Title = s.t("analysis.pareto") + " · " + month
	}
	return p
}

// teamCategories are a team's complaints by category created in a month,
// counted as the organization's are (scoring.Mix.TeamCategories: the
// complaints whose kind counts), nil for none.
func (s *site) teamCategories(u *unit, month string) map[string]int {
	return s.sc.Mix.TeamCategories[u.ID][month]
}

func round1(v float64) float64 { return float64(int64(v*10+0.5)) / 10 }

// newBar is a bar chart with the site's look: its own assets, no
// animation, the palette, an axis tooltip and a legend under the plot
// (legend "none": no legend, for a chart whose series the unit picker
// lists).
func newBar(id, legend string) *charts.Bar {
	show, bottom := legend != "none", "44"
	if !show {
		legend, bottom = "", "12"
	}
	bar := charts.NewBar()
	bar.SetGlobalOptions(
		charts.WithInitializationOpts(opts.Initialization{ChartID: id, AssetsHost: "assets/", Theme: "white"}),
		charts.WithAnimation(false),
		charts.WithColorsOpts(opts.Colors(palette)),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis"}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(show), Type: legend, Bottom: "0", Icon: "roundRect"}),
		charts.WithGridOpts(opts.Grid{Left: "8", Right: "16", Top: "16", Bottom: bottom, ContainLabel: opts.Bool(true)}),
	)
	return bar
}

// paretoChart is a bar per category, largest first, with the cumulative
// share as a line on a second axis: the few causes behind most complaints.
// corner names what the bars are, for the table; with other, the last bar
// gathers the rest and is drawn grey, apart from the named causes. colors,
// when not nil, colour the named bars (category groups), and rows label
// the table's rows in their stead.
func (s *site) paretoChart(id, corner string, names []string, counts []int, other bool, colors, rows []string) chartView {
	barName, lineName := s.t("analysis.complaints"), s.t("analysis.cumulative")
	legend := ""
	if colors != nil {
		// The groups' legend says what the bars' colours are; the
		// series' own would give the bars one colour that is a group's.
		legend = "none"
	}
	bar := newBar(id, legend)
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
	table := &chartTable{Head: []string{corner, barName, lineName}}
	run := 0
	for i, n := range counts {
		run += n
		share := round1(100 * float64(run) / float64(total))
		bars[i] = opts.BarData{Value: n}
		label := names[i]
		if i < len(colors) {
			bars[i].ItemStyle = &opts.ItemStyle{Color: colors[i]}
			label = rows[i]
		}
		if other && i == len(counts)-1 {
			bars[i].ItemStyle = &opts.ItemStyle{Color: "#98a2ae"}
		}
		cum[i] = opts.LineData{Value: share}
		table.Rows = append(table.Rows, []string{label, strconv.Itoa(n), strconv.FormatFloat(share, 'f', -1, 64) + "%"})
	}
	bar.AddSeries(barName, bars, charts.WithBarChartOpts(opts.BarChart{BarCategoryGap: "40%"}))
	line := charts.NewLine()
	line.AddSeries(lineName, cum, charts.WithLineChartOpts(opts.LineChart{YAxisIndex: 1, ShowSymbol: opts.Bool(true), Symbol: "circle", SymbolSize: 6}))
	bar.Overlap(line)
	bar.Validate()
	option := bar.JSON()
	// Tooltips: a count, then a share (kpidesk.js).
	option["kpideskSeriesUnits"] = []string{"", "%"}
	return chartView{ID: id, Option: option, Assets: bar.JSAssets.Values, Table: table}
}

// stackSeries is one channel's share of each month's complaints, in %.
type stackSeries struct {
	name   string
	values []float64
}

// stackedShares stacks the series' shares month by month to 100 %. With
// more than pickerMin series the legend gives way to the unit picker.
func (s *site) stackedShares(id string, x []string, series []stackSeries) chartView {
	legend := ""
	if len(series) > pickerMin {
		legend = "none"
	}
	bar := newBar(id, legend)
	bar.SetGlobalOptions(
		charts.WithXAxisOpts(opts.XAxis{AxisLabel: &opts.AxisLabel{Color: "#5c6b7a"}}),
		charts.WithYAxisOpts(opts.YAxis{Min: 0, Max: 100, AxisLabel: &opts.AxisLabel{Formatter: "{value}%", Color: "#5c6b7a"},
			SplitLine: &opts.SplitLine{Show: opts.Bool(true), LineStyle: &opts.LineStyle{Color: "#edf0f4"}}}),
	)
	bar.SetXAxis(x)
	table := &chartTable{Head: []string{s.t("chart.month")}}
	for _, ss := range series {
		data := make([]opts.BarData, len(ss.values))
		for i, v := range ss.values {
			data[i] = opts.BarData{Value: v}
		}
		bar.AddSeries(ss.name, data, charts.WithBarChartOpts(opts.BarChart{Stack: "share", BarCategoryGap: "40%"}))
		table.Head = append(table.Head, ss.name)
	}
	for i, label := range x {
		row := []string{label}
		for _, ss := range series {
			row = append(row, strconv.FormatFloat(ss.values[i], 'f', -1, 64)+"%")
		}
		table.Rows = append(table.Rows, row)
	}
	bar.Validate()
	option := bar.JSON()
	s.markFormat(option, percentValues)
	if legend == "none" {
		option["kpideskPicker"] = s.t("chart.picker")
	}
	return chartView{ID: id, Option: option, Assets: bar.JSAssets.Values, Table: table}
}
