package sitegen

import (
	"cmp"
	"html/template"
	"slices"
	"strconv"
	"strings"

	"github.com/kpidesk/kpidesk/config"
	"github.com/kpidesk/kpidesk/scoring"
)

// The view types below are what the templates see: every number already
// formatted, every link already relative to the page. Strings from data
// stay plain strings; html/template escapes them for their context.

type link struct {
	Href, Text string
}

type cardView struct {
	Name        string
	Period      string
	Rows        []metricRow // the scored metrics
	Extra       []metricRow // metrics the result carries that the scorecard does not weigh
	Total       string
	Coefficient string
	Final       string
	Change      delta // of the final score, against the previous period of the same kind
	Grade       gradeView
	// Secondary is set when this scorecard does not decide the unit's
	// grade; Primary then names the one that does, when known.
	Secondary bool
	Primary   string
	NoData    bool   // the unit had no data in the period: not graded
	Intervals bool   // some figure has a 95 % interval: the table says what one is
	Walls     bool   // some duration has its wall-clock mean: the table says what that is
	Appeals   []link // to their rows on appeals.html: claim, stage, decision, changes
	Drill     string // the unit-month's complaints page, or ""
	// Published is the "changed since published" block (published.go),
	// nil when the scorecard has not changed since it was published.
	Published *publishedCard
}

type metricRow struct {
	ID, Name, Help string
	Category       string
	Value          string
	Change         delta       // against the previous period of the same kind
	Interval       string      // the value's 95 % interval, "" without one
	Sub            []subFigure // median and P90 of a duration
	NumDen         string
	Target, Rule   string
	Points         string
	Weight         string
	Weighted       string
	Insufficient   bool
	NotApplicable  bool   // the metric cannot apply to this kind of unit: no points, no weight
	Class          string // good, warn, bad, na
	Href           string
	Wall           string // a business-time duration's mean on the wall clock, "" for none (SPEC §3)
	Def            string // the metric's definition on the methodology page
	Cells          rowCells
}

// rowCells are the cells of a scorecard row that read the same on many
// pages, rendered once per language (fragment).
type rowCells struct {
	Metric, Rule, Status template.HTML
	Link                 template.HTML // the metric's name linked to its definition, for the list of other figures
}

// The keys and data of rowCells' fragments.
type (
	metricCell struct{ Name, Href, Category string }
	ruleCells  struct{ Target, Rule string }
	statusCell struct {
		NotApplicable, Insufficient bool
		Class                       string
	}
)

// subFigure is a secondary figure of a metric, such as a duration's
// median, with its 95 % interval.
type subFigure struct {
	Label, Value, Interval string
}

type gradeView struct {
	Name, Action, Class string
	Title               string // what the grade means when it is not one (no data)
	Provisional         bool   // the period is not complete at as_of
	Borderline          string // says which metrics could move it across a boundary; "" when not borderline
	BorderlineOf        string // those metrics' names
}

type historyView struct {
	Name      string
	Secondary bool // does not decide the unit's grade
	Groups    []historyGroup
}

type historyGroup struct {
	Label string
	Rows  []historyRow
}

type historyRow struct {
	Period      string
	Href        string // the period's scorecard page
	Total       string
	Coefficient string
	Final       string
	Grade       gradeView
}

type colHead struct {
	ID, Name, Help string
}

type cell struct {
	Text, Href, Class string
	Title             string // the value's 95 % interval, or what "not applicable" means
	Change            delta  // against the previous period, Text "" beside no value
	// Sort is the raw value the list sorts the column by (the cell's
	// data-sort, read by kpidesk.js), "" for no value: sorted last.
	Sort string
}

type tableRow struct {
	Name        link
	Parent      link
	Cells       []cell
	Final       string
	FinalChange delta
	Grade       gradeView
	// FinalSort and GradeSort sort the final points and the grade (its
	// rank, best first) by their data-sort; "" for none.
	FinalSort, GradeSort string
}

// breakdown is a table of units with their metric values for one period:
// the list pages, and the sub-units of a team, department or the org.
type breakdown struct {
	Month       string
	ParentLabel string
	Drill       bool   // some value links to its complaints (months only)
	Vs          string // what the changes compare with: "较 2025-Q3", "" without a previous period
	Cols        []colHead
	Rows        []tableRow
}

// scorecardName is a scorecard's display name.
func (s *site) scorecardName(id string) string {
	if d := s.defs[id]; d != nil {
		return cmp.Or(s.name(d.Name, d.NameEN), id)
	}
	return id
}

func (s *site) gradeView(id string) gradeView {
	if id == "" {
		return gradeView{Name: "—"}
	}
	g, i := s.grade(id)
	v := gradeView{Name: cmp.Or(s.name(g.Name, g.NameEN), id), Action: s.name(g.Action, g.ActionEN), Class: "g-other"}
	if i >= 0 {
		v.Class = gradeClass(i, len(s.cfg.Grades))
	}
	return v
}

// gradeClass colours grades by rank: the best green, the worst red, those
// between blue.
func gradeClass(i, n int) string {
	switch {
	case i == 0:
		return "g-top"
	case i == n-1:
		return "g-low"
	default:
		return "g-mid"
	}
}

// cardGrade is a scorecard's grade with what qualifies it: no data (not
// graded, no action), provisional (a partial period), borderline.
func (s *site) cardGrade(c *scoring.Scorecard) gradeView {
	if c.Status == scoring.ScorecardNoData {
		return gradeView{Name: s.t("nodata"), Title: s.t("nodata.help"), Provisional: s.partial(c)}
	}
	v := s.gradeView(c.Grade)
	v.Provisional = s.partial(c)
	if c.Borderline {
		names := make([]string, 0, len(c.BorderlineMetrics))
		for _, id := range c.BorderlineMetrics {
			names = append(names, s.metricName(id))
		}
		v.BorderlineOf = strings.Join(names, s.t("list.sep"))
		if len(names) == 0 {
			v.Borderline = s.t("borderline.help_any")
		} else {
			v.Borderline = s.tf("borderline.help", v.BorderlineOf)
		}
	}
	return v
}

// partial reports whether a scorecard's period is not complete at as_of:
// its grade is provisional.
func (s *site) partial(c *scoring.Scorecard) bool {
	return c.Partial || s.periods[c.Period].Partial
}

// primaryOf names the scorecard that decides the grade of a unit whose
// card c is secondary: the unit's non-secondary card of the same period.
func (s *site) primaryOf(u *unit, c *scoring.Scorecard) string {
	for _, o := range s.cardsOf(u, c.Period) {
		if !o.Secondary {
			return s.scorecardName(o.Scorecard)
		}
	}
	return ""
}

// valuePrec is the precision a metric's value is shown with on a
// scorecard: enough to see why it misses its target (precFor).
func (s *site) valuePrec(c *scoring.Scorecard, id string) int {
	info := s.metric(id)
	it, _ := s.item(c, id)
	base := basePrec(info, it.Rule)
	m := c.Metrics[id]
	if m.Value == nil {
		return base
	}
	if info.Value == scoring.ValueRate {
		base = ratePrec(*m.Value, base)
	}
	return s.precFor(info, it.Rule, *m.Value, base)
}

// cardView formats one scorecard. root leads from the page to the site root.
func (s *site) cardView(root string, u *unit, c *scoring.Scorecard) (cardView, error) {
	before := s.prevCard(c)
	cv := cardView{
		Name:        s.scorecardName(c.Scorecard),
		Period:      c.Period,
		Total:       ptr(c.Total, 1),
		Coefficient: ptr(c.Coefficient, 2),
		Final:       s.finalText(c.Final),
		Change:      s.deltaVs(s.finalDelta(c, before), c),
		Grade:       s.cardGrade(c),
		Secondary:   c.Secondary,
		NoData:      c.Status == scoring.ScorecardNoData,
	}
	if c.Secondary {
		cv.Primary = s.primaryOf(u, c)
	}
	for _, id := range c.Appeals {
		l := link{Text: id}
		if _, ok := s.opt.Appeals.Lookup(id); ok {
			l.Href = root + "appeals.html#" + id
		}
		cv.Appeals = append(cv.Appeals, l)
	}
	cv.Published = s.publishedCard(root, u, c)
	drill := s.drillHref(u, c.Period)
	if drill != "" {
		cv.Drill = root + drill
	}
	for _, id := range s.metricIDs(c) {
		m := c.Metrics[id]
		info := s.metric(id)
		prec := s.valuePrec(c, id)
		row := metricRow{
			ID:           id,
			Name:         s.metricName(id),
			Help:         s.metricHelp(id),
			Def:          root + "methodology.html#m-" + id,
			Points:       ptr(m.Points, 1),
			Weight:       pct(m.Weight),
			Weighted:     dash,
			Insufficient: m.Status == scoring.StatusInsufficient,
			Class:        statusClass(m),
			Category:     dash,
			Target:       dash,
			Rule:         dash,
			Value:        dash,
		}
		if m.Value != nil {
			row.Value = s.metricValueAt(info, *m.Value, prec)
			row.Interval = s.interval(info, m.ValueInterval(), prec)
		}
		row.Change = s.metricDelta(c, before, id) // the column head says against what
		if m.Points != nil {
			row.Weighted = fixed(m.Weight**m.Points, 1)
		}
		if info.Value == scoring.ValueDuration && m.Median != nil {
			row.Sub = append(row.Sub, subFigure{Label: s.t("median"), Value: s.duration(*m.Median), Interval: s.interval(info, m.MedianInterval, 0)})
			if m.P90 != nil {
				row.Sub = append(row.Sub, subFigure{Label: "P90", Value: s.duration(*m.P90), Interval: s.interval(info, m.P90Interval, 0)})
			}
		}
		if info.Value == scoring.ValueDuration && m.Wall != nil {
			row.Wall = s.duration(*m.Wall)
			row.Sub = append(row.Sub, subFigure{Label: s.t("wall"), Value: row.Wall})
		}
		if info.Value == scoring.ValueRate {
			row.NumDen = compact(m.Numerator, 1) + " / " + compact(m.Denominator, 1)
		} else {
			row.NumDen = "n = " + compact(m.Denominator, 1)
		}
		if it, ok := s.item(c, id); ok {
			row.Category = s.category(it.Category)
			row.Target = s.target(info, it.Rule)
			row.Rule = s.rule(info, it.Rule)
		}
		if m.Status == scoring.StatusNotApplicable {
			// Left out of this unit's scorecard, its weight spread over the
			// others: not a value, not neutral points, not a 0 % weight.
			row.NotApplicable, row.Insufficient = true, false
			row.Value, row.Interval, row.Sub, row.NumDen = dash, "", nil, dash
			row.Points, row.Weight, row.Weighted = dash, dash, dash
			row.Change = delta{Text: dash, Class: "none"}
		}
		switch {
		case row.NotApplicable:
		case drill != "" && s.fromComplaints(id):
			row.Href = root + drill + "#" + id
		case u.Kind == scoring.UnitOrg || u.Kind == scoring.UnitDepartment:
			row.Href = root + s.linkOf(u, c.Period) + "#breakdown"
		}
		if err := s.fillCells(root, &row); err != nil {
			return cv, err
		}
		cv.Intervals = cv.Intervals || row.Interval != "" || slices.ContainsFunc(row.Sub, func(f subFigure) bool { return f.Interval != "" })
		cv.Walls = cv.Walls || row.Wall != ""
		if s.scored(c, id) {
			cv.Rows = append(cv.Rows, row)
		} else {
			cv.Extra = append(cv.Extra, row)
		}
	}
	return cv, nil
}

// fillCells renders a scorecard row's cells that many pages share, for a
// page at root; a site without templates (summary.md's) has no use for
// them.
func (s *site) fillCells(root string, row *metricRow) error {
	if s.base == nil {
		return nil
	}
	mc := metricCell{row.Name, row.Def, row.Category}
	rc := ruleCells{row.Target, row.Rule}
	sc := statusCell{row.NotApplicable, row.Insufficient, row.Class}
	var err error
	if row.Cells.Metric, err = s.fragment(s.base, "metric-cell", mc, func() any { return mc }); err != nil {
		return err
	}
	if row.Cells.Rule, err = s.fragment(s.base, "rule-cells", rc, func() any { return rc }); err != nil {
		return err
	}
	if row.Cells.Status, err = s.fragment(s.base, "status-cell", sc, func() any { return sc }); err != nil {
		return err
	}
	row.Cells.Link, err = s.fragment(s.base, "metric-link", mc, func() any { return mc })
	return err
}

// scored reports whether a metric of a result counts toward its total: it
// is an item of the scorecard or, without the definition, has a weight or
// points.
func (s *site) scored(c *scoring.Scorecard, id string) bool {
	if s.defs[c.Scorecard] != nil {
		_, ok := s.item(c, id)
		return ok
	}
	m := c.Metrics[id]
	return m.Weight > 0 || m.Points != nil
}

// scoredIDs lists the scored metrics of a result, in scorecard order.
func (s *site) scoredIDs(c *scoring.Scorecard) []string {
	var out []string
	for _, id := range s.metricIDs(c) {
		if s.scored(c, id) {
			out = append(out, id)
		}
	}
	return out
}

// history lists a unit's results per scorecard, newest period first,
// grouped by period kind, each linked to the period's scorecard page.
func (s *site) history(root string, u *unit) []historyView {
	var out []historyView
	for _, id := range s.defOrder {
		hv := historyView{Name: s.scorecardName(id)}
		for _, kind := range periodKinds {
			g := historyGroup{Label: s.t("period." + kind)}
			ps := s.periodsOf(kind)
			for i := len(ps) - 1; i >= 0; i-- {
				c := s.cards[cardKey{u.Key(), ps[i].ID, id}]
				if c == nil {
					continue
				}
				if c.Secondary {
					hv.Secondary = true
				}
				r := historyRow{
					Period:      ps[i].ID,
					Total:       ptr(c.Total, 1),
					Coefficient: ptr(c.Coefficient, 2),
					Final:       s.finalText(c.Final),
					Grade:       s.cardGrade(c),
				}
				if f := s.pageOf(u, ps[i].ID); f != "" {
					r.Href = root + f
				}
				g.Rows = append(g.Rows, r)
			}
			if len(g.Rows) > 0 {
				hv.Groups = append(hv.Groups, g)
			}
		}
		if len(hv.Groups) > 0 {
			out = append(out, hv)
		}
	}
	// The deciding scorecard first, as on the unit's header.
	slices.SortStableFunc(out, func(a, b historyView) int { return cmp.Compare(b2i(a.Secondary), b2i(b.Secondary)) })
	return out
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// table builds a breakdown of units for one period. Metric columns are
// those of the first unit's deciding scorecard; each unit links to its
// scorecard for the period, each value to that unit's complaints for the
// metric (months only), with its change against the previous period. A
// column has one precision: the finest any of its values needs to show
// why it misses its target.
func (s *site) table(root, month string, us []*unit, parentLabel string) breakdown {
	b := breakdown{Month: month, ParentLabel: parentLabel}
	if prev := s.previousPeriod(month); prev != "" {
		b.Vs = s.tf("change.vs", prev)
	}
	for _, u := range us {
		if c := s.card(u, month); c != nil {
			for _, id := range s.scoredIDs(c) {
				b.Cols = append(b.Cols, colHead{ID: id, Name: s.metricName(id), Help: s.metricHelp(id)})
			}
			break
		}
	}
	prec := make([]int, len(b.Cols))
	for i, col := range b.Cols {
		prec[i] = -1
		for _, u := range us {
			if c := s.card(u, month); c != nil {
				if m, ok := c.Metrics[col.ID]; ok && m.Status != scoring.StatusNotApplicable {
					prec[i] = max(prec[i], s.valuePrec(c, col.ID))
				}
			}
		}
	}
	for _, u := range us {
		c := s.card(u, month)
		before := s.prevCard(c)
		row := tableRow{Name: link{root + s.linkOf(u, month), u.Name}, Final: dash, Grade: gradeView{Name: dash}}
		if u.parent != nil {
			row.Parent = link{root + s.linkOf(u.parent, month), u.parent.Name}
		}
		drill := s.drillHref(u, month)
		for i, col := range b.Cols {
			cl := cell{Text: dash, Class: "na"}
			if c != nil {
				if m, ok := c.Metrics[col.ID]; ok {
					info := s.metric(col.ID)
					cl = cell{Text: dash, Class: statusClass(m)}
					if m.Value != nil {
						cl.Text = s.metricValueAt(info, *m.Value, prec[i])
						cl.Sort = sortKey(*m.Value)
						if iv := s.interval(info, m.ValueInterval(), prec[i]); iv != "" {
							cl.Title = s.t("ci") + " " + iv
						}
						cl.Change = s.metricDelta(c, before, col.ID)
					}
					switch {
					case m.Status == scoring.StatusNotApplicable:
						cl.Text, cl.Title = s.t("not_applicable"), s.t("not_applicable.help")
						cl.Change, cl.Sort = delta{}, ""
					case drill != "" && s.fromComplaints(col.ID):
						cl.Href = root + drill + "#" + col.ID
						b.Drill = true
					}
				}
			}
			row.Cells = append(row.Cells, cl)
		}
		if c != nil {
			row.Final = s.finalText(c.Final)
			row.Grade = s.cardGrade(c)
			if c.Final != nil {
				row.FinalChange = s.deltaVs(s.finalDelta(c, before), c)
				row.FinalSort = sortKey(*c.Final)
			}
			if _, i := s.grade(c.Grade); c.Grade != "" && i >= 0 && c.Status != scoring.ScorecardNoData {
				row.GradeSort = strconv.Itoa(i)
			}
		}
		b.Rows = append(b.Rows, row)
	}
	return b
}

// sortKey writes a value for data-sort, to 6 decimals as scores.json
// does: a value summed in another order may differ in its last bits, and
// the page must be byte-identical for the same input.
func sortKey(v float64) string { return strconv.FormatFloat(round(v, 6), 'g', -1, 64) }

// monthOf picks the month a unit page shows: the latest complete month
// when the unit has a scorecard for it, else the unit's latest month.
func (s *site) monthOf(u *unit) string {
	if s.card(u, s.latest) != nil {
		return s.latest
	}
	for i := len(s.months) - 1; i >= 0; i-- {
		if s.card(u, s.months[i].ID) != nil {
			return s.months[i].ID
		}
	}
	return s.latest
}

// finalTrend charts the final points of units over all months.
func (s *site) finalTrend(id, root string, main *unit, others []*unit) *chartView {
	x := make([]string, len(s.months))
	for i, p := range s.months {
		x[i] = p.ID
	}
	seriesOf := func(u *unit) (lineSeries, bool) {
		ls := lineSeries{name: u.Name, values: make([]*float64, len(s.months))}
		has := false
		for i, p := range s.months {
			if c := s.card(u, p.ID); c != nil && c.Final != nil {
				v := round(*c.Final, 2)
				ls.values[i] = &v
				has = true
			}
		}
		return ls, has
	}
	var ss []lineSeries
	if ls, ok := seriesOf(main); ok {
		ls.bold = true
		ss = append(ss, ls)
	}
	if len(ss) == 0 {
		return nil
	}
	for _, u := range others {
		if ls, ok := seriesOf(u); ok {
			ls.hidden = true
			ss = append(ss, ls)
		}
	}
	cv := s.lineChart(id, root, x, ss, plainValues)
	cv.Title = s.t("trend.final")
	return &cv
}

// metricTrends charts each metric of the org's scorecard month by month:
// the org bold, each team off until clicked in the legend.
func (s *site) metricTrends(root string) []chartView {
	if s.org == nil {
		return nil
	}
	c := s.card(s.org, s.latest)
	if c == nil {
		return nil
	}
	x := make([]string, len(s.months))
	for i, p := range s.months {
		x[i] = p.ID
	}
	var out []chartView
	ids := s.scoredIDs(c)
	if _, ok := c.Metrics["volume"]; ok && !slices.Contains(ids, "volume") {
		ids = append(ids, "volume") // complaint volume is context for every other trend
	}
	for _, id := range ids {
		info := s.metric(id)
		seriesOf := func(u *unit) (lineSeries, bool) {
			ls := lineSeries{name: u.Name, values: make([]*float64, len(s.months))}
			has := false
			for i, p := range s.months {
				if c := s.card(u, p.ID); c != nil {
					if m, ok := c.Metrics[id]; ok && m.Value != nil {
						v := chartValue(info, *m.Value)
						ls.values[i] = &v
						has = true
					}
				}
			}
			return ls, has
		}
		var ss []lineSeries
		ls, ok := seriesOf(s.org)
		if !ok {
			continue
		}
		ls.bold = true
		var targetNote string
		var change *lineSeries
		if it, ok := s.item(c, id); ok {
			ls.target, ls.targetLabel = chartTarget(info, it.Rule), s.t("target")
			if it.Rule.Type == "change" {
				change = s.changeTarget(ls, info, it.Rule)
			}
			// A target the chart cannot draw as a level (a change, a
			// bonus, working days) is said in words; a change is also
			// drawn, month by month, from the previous month's value.
			if ls.target == nil && s.target(info, it.Rule) != dash {
				targetNote = s.t("target") + s.t("colon") + s.target(info, it.Rule)
			}
		}
		ss = append(ss, ls)
		if change != nil {
			ss = append(ss, *change)
		}
		for _, t := range s.byKind[scoring.UnitTeam] {
			if ls, ok := seriesOf(t); ok {
				ls.hidden = true
				ss = append(ss, ls)
			}
		}
		cv := s.lineChart("trend-"+id, root, x, ss, formatOf(info))
		cv.Title = s.metricName(id)
		cv.Note = s.metricHelp(id)
		cv.TargetNote = targetNote
		out = append(out, cv)
	}
	return out
}

// teamsInOrder lists teams grouped by department, in department order.
func (s *site) teamsInOrder() []*unit {
	teams := slices.Clone(s.byKind[scoring.UnitTeam])
	rank := map[string]int{}
	for i, d := range s.byKind[scoring.UnitDepartment] {
		rank[d.Key()] = i + 1
	}
	slices.SortStableFunc(teams, func(a, b *unit) int {
		ra, rb := len(rank)+1, len(rank)+1
		if a.parent != nil {
			ra = rank[a.parent.Key()]
		}
		if b.parent != nil {
			rb = rank[b.parent.Key()]
		}
		return cmp.Compare(ra, rb)
	})
	return teams
}

// chartTarget is a rule's target (or baseline, or the threshold of its
// best band) in chart units, nil when it has none, is a change against
// the previous period (see changeTarget) or is written in working days,
// whose length depends on the team calendar.
func chartTarget(info scoring.Info, r config.Rule) *float64 {
	v := r.Target
	switch r.Type {
	case "baseline":
		v = r.Baseline
	case "bands":
		b, ok := bestBand(r)
		if !ok {
			return nil
		}
		v = b.AtLeast
		if r.Direction == "lower" {
			v = b.AtMost
		}
	case "", "linear", "step":
	default:
		// A change against the previous period (or a bonus, deductions)
		// has no level: a −10 % target is not a −10 % rate.
		return nil
	}
	if !v.Set || v.WorkingDays > 0 {
		return nil
	}
	t := chartValue(info, v.Number)
	return &t
}

// changeTarget draws a change rule's target as what it asks of each
// month: the previous month's value moved by the target change (SPEC §5:
// the change is relative, (value − previous) / previous), a dashed step
// line under the subject's series org; nil without a target.
func (s *site) changeTarget(org lineSeries, info scoring.Info, r config.Rule) *lineSeries {
	if !r.Target.Set {
		return nil
	}
	ls := lineSeries{name: s.tf("chart.target_of", s.target(info, r)), values: make([]*float64, len(org.values)), dashed: true}
	for i := 1; i < len(org.values); i++ {
		if p := org.values[i-1]; p != nil && *p != 0 {
			v := round(*p*(1+r.Target.Number), 2)
			ls.values[i] = &v
		}
	}
	return &ls
}
