package sitegen

import (
	"cmp"
	"slices"

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
	Grade       gradeView
	Appeals     []link // to their rows on appeals.html: claim, stage, decision, changes
	Drill       string // the unit-month's complaints page, or ""
}

type metricRow struct {
	ID, Name, Help string
	Category       string
	Value, Sub     string
	NumDen         string
	Target, Rule   string
	Points         string
	Weight         string
	Weighted       string
	Insufficient   bool
	Class          string // good, warn, bad, na
	Href           string
}

type gradeView struct {
	Name, Action, Class string
}

type historyView struct {
	Name   string
	Groups []historyGroup
}

type historyGroup struct {
	Label string
	Rows  []historyRow
}

type historyRow struct {
	Period      string
	Href        string
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
}

type tableRow struct {
	Name   link
	Parent link
	Cells  []cell
	Final  string
	Grade  gradeView
}

// breakdown is a table of units with their metric values for one month:
// the list pages, and the sub-units of a team, department or the org.
type breakdown struct {
	Month       string
	ParentLabel string
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

// cardView formats one scorecard. root leads from the page to the site root.
func (s *site) cardView(root string, u *unit, c *scoring.Scorecard) cardView {
	cv := cardView{
		Name:        s.scorecardName(c.Scorecard),
		Period:      c.Period,
		Total:       ptr(c.Total, 1),
		Coefficient: ptr(c.Coefficient, 2),
		Final:       ptr(c.Final, 1),
		Grade:       s.gradeView(c.Grade),
	}
	for _, id := range c.Appeals {
		l := link{Text: id}
		if _, ok := s.opt.Appeals.Lookup(id); ok {
			l.Href = root + "appeals.html#" + id
		}
		cv.Appeals = append(cv.Appeals, l)
	}
	drill := s.drillHref(u, c.Period)
	if drill != "" {
		cv.Drill = root + drill
	}
	for _, id := range s.metricIDs(c) {
		m := c.Metrics[id]
		info := s.metric(id)
		row := metricRow{
			ID:           id,
			Name:         s.metricName(id),
			Help:         s.metricHelp(id),
			Value:        s.metricValuePtr(info, m.Value),
			Points:       ptr(m.Points, 1),
			Weight:       pct(m.Weight),
			Weighted:     dash,
			Insufficient: m.Status == scoring.StatusInsufficient,
			Class:        statusClass(m),
			Category:     dash,
			Target:       dash,
			Rule:         dash,
		}
		if m.Points != nil {
			row.Weighted = fixed(m.Weight**m.Points, 1)
		}
		if info.Value == scoring.ValueDuration && m.Median != nil {
			row.Sub = s.t("median") + " " + s.duration(*m.Median)
			if m.P90 != nil {
				row.Sub += " · P90 " + s.duration(*m.P90)
			}
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
		switch {
		case drill != "" && s.fromComplaints(id):
			row.Href = root + drill + "#" + id
		case u.Kind == scoring.UnitOrg || u.Kind == scoring.UnitDepartment:
			row.Href = root + u.File + "#breakdown"
		}
		if s.scored(c, id) {
			cv.Rows = append(cv.Rows, row)
		} else {
			cv.Extra = append(cv.Extra, row)
		}
	}
	return cv
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
// grouped by period kind.
func (s *site) history(root string, u *unit) []historyView {
	var out []historyView
	for _, id := range s.defOrder {
		hv := historyView{Name: s.scorecardName(id)}
		for _, kind := range []string{"month", "quarter", "half", "year"} {
			g := historyGroup{Label: s.t("period." + kind)}
			ps := s.periodsOf(kind)
			for i := len(ps) - 1; i >= 0; i-- {
				c := s.cards[cardKey{u.Key(), ps[i].ID, id}]
				if c == nil {
					continue
				}
				r := historyRow{
					Period:      ps[i].ID,
					Total:       ptr(c.Total, 1),
					Coefficient: ptr(c.Coefficient, 2),
					Final:       ptr(c.Final, 1),
					Grade:       s.gradeView(c.Grade),
				}
				if d := s.drillHref(u, ps[i].ID); d != "" {
					r.Href = root + d
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
	return out
}

// table builds a breakdown of units for one month. Metric columns are
// those of the first unit's scorecard; each value links to that unit's
// complaints for the metric.
func (s *site) table(root, month string, us []*unit, parentLabel string) breakdown {
	b := breakdown{Month: month, ParentLabel: parentLabel}
	for _, u := range us {
		if c := s.card(u, month); c != nil {
			for _, id := range s.scoredIDs(c) {
				b.Cols = append(b.Cols, colHead{ID: id, Name: s.metricName(id), Help: s.metricHelp(id)})
			}
			break
		}
	}
	for _, u := range us {
		c := s.card(u, month)
		row := tableRow{Name: link{root + u.File, u.Name}, Final: dash, Grade: gradeView{Name: dash}}
		if u.parent != nil {
			row.Parent = link{root + u.parent.File, u.parent.Name}
		}
		drill := s.drillHref(u, month)
		for _, col := range b.Cols {
			cl := cell{Text: dash, Class: "na"}
			if c != nil {
				if m, ok := c.Metrics[col.ID]; ok {
					cl = cell{Text: s.metricValuePtr(s.metric(col.ID), m.Value), Class: statusClass(m)}
					if drill != "" && s.fromComplaints(col.ID) {
						cl.Href = root + drill + "#" + col.ID
					}
				}
			}
			row.Cells = append(row.Cells, cl)
		}
		if c != nil {
			row.Final = ptr(c.Final, 1)
			row.Grade = s.gradeView(c.Grade)
		}
		b.Rows = append(b.Rows, row)
	}
	return b
}

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
	cv := lineChart(id, root, x, ss, "")
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
		if it, ok := s.item(c, id); ok {
			ls.target, ls.targetLabel = chartTarget(info, it.Rule), s.t("target")
		}
		ss = append(ss, ls)
		for _, t := range s.byKind[scoring.UnitTeam] {
			if ls, ok := seriesOf(t); ok {
				ls.hidden = true
				ss = append(ss, ls)
			}
		}
		cv := lineChart("trend-"+id, root, x, ss, s.chartUnit(info))
		cv.Title = s.metricName(id)
		cv.Note = s.metricHelp(id)
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

// chartTarget is a rule's target (or baseline) in chart units, nil when
// it has none or is written in working days, whose length depends on the
// team calendar.
func chartTarget(info scoring.Info, r config.Rule) *float64 {
	v := r.Target
	if r.Type == "baseline" {
		v = r.Baseline
	}
	if !v.Set || v.WorkingDays > 0 {
		return nil
	}
	t := chartValue(info, v.Number)
	return &t
}
