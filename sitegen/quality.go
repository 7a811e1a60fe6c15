package sitegen

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/kpidesk/kpidesk/connectors"
	"github.com/kpidesk/kpidesk/scoring"
	"github.com/kpidesk/kpidesk/scoring/calendar"
)

// The data-quality page (SPEC §10, issue 15 §6) says what the figures of
// the site rest on and where they do not: the units and metrics that
// cannot be computed and why, the inputs missing for a period, the periods
// outside a calendar's holiday data, the complaints still open (the
// oldest first), the values the sources could not map, the agreement with
// the sources' SLAs and the syncs. Each section says in its own words when
// it has nothing to report.

type qualityView struct {
	// NoData are the scorecards not graded for want of any data, by
	// scorecard; Insufficient the metrics whose sample is too small (or
	// empty), by metric, leaving out those of scorecards without data;
	// NotApplicable the metrics that can never have a value for a kind of
	// unit; Inputs the input-driven metrics without their input for a
	// unit and period.
	NoData, Insufficient, NotApplicable, Inputs qualitySection
	MinSample                                   int
	Holidays                                    []holidayGap
	HolidayErr                                  string
	Open                                        *openView // nil without evidence
	Unmapped                                    []problemGroup
	ProblemCount                                int
	// SLA is the reconciliation of the deadline metrics with the source's
	// SLA records (scores.json sla_reconciliation), by metric then month;
	// the page shows it only when there is one.
	SLA     []slaRow
	Sources []syncRow
}

// qualitySection is a table of groups; Head labels its first column.
type qualitySection struct {
	Head   string
	Groups []qualityGroup
}

// qualityGroup is one line of a section: what (a scorecard or a metric),
// how many unit-periods, and the first of them, folded.
type qualityGroup struct {
	Name, Note string
	Count      int
	Items      []link
	More       int // beyond Items
}

// qualityShown is how many unit-periods a group lists; the count says how
// many there are.
const qualityShown = 100

type holidayGap struct {
	Calendar, Has string
	Year          int
	Teams         string // the teams on the calendar, "" for the default one alone
	Periods       []string
}

type openView struct {
	Total   int
	AsOf    string
	ByMonth []openMonth
	Oldest  []openRow
}

type openMonth struct {
	Month, Age string
	Count      int
}

type openRow struct {
	Key, URL, Title, Created, Age string
	Team, Agent                   link
}

type problemGroup struct {
	Source, Field string
	Count         int
	Items         []connectors.Problem
	More          int
}

type slaRow struct {
	Metric, Month, Verdict, Name string
	scoring.SLACounts
}

type syncRow struct {
	Source, AsOf, Synced, Cursor string
	Count                        int
}

// qualityPage writes quality.html.
func (s *site) qualityPage(f *evidenceFacts) error {
	v := qualityView{MinSample: s.cfg.Metrics.MinSample}
	s.uncomputable(&v)
	v.Holidays, v.HolidayErr = s.holidayGaps()
	v.Open = s.openView(f)
	v.Unmapped, v.ProblemCount = s.problemGroups()
	v.SLA = s.slaRows()
	syncs := slices.Clone(s.opt.Syncs)
	slices.SortStableFunc(syncs, func(a, b connectors.SyncInfo) int {
		return cmp.Or(b.SyncedAt.Compare(a.SyncedAt), strings.Compare(a.Source, b.Source))
	})
	for _, x := range syncs {
		v.Sources = append(v.Sources, syncRow{Source: x.Source, AsOf: s.when(x.AsOf), Synced: s.when(x.SyncedAt), Cursor: x.Cursor, Count: x.Count})
	}
	return s.render("quality.html", "quality.html", "quality", s.t("quality"), nil, nil, v)
}

// inputDriven reports whether a metric's value comes from input files: a
// metric of the input cohort, or a tally rate over the business volume
// (the complaint rate).
func (s *site) inputDriven(metric string) bool {
	m := s.metric(metric)
	return m.Cohort == scoring.CohortInput || m.Tally
}

// uncomputable groups the scorecards and metrics without a value.
func (s *site) uncomputable(v *qualityView) {
	type item struct {
		u      *unit
		period string
		n      float64
	}
	type group struct {
		items []item
		seen  map[[2]string]bool
		kinds map[string]bool
	}
	groups := map[string]map[string]*group{} // section → name → group
	add := func(section, name string, u *unit, period string, n float64) {
		if groups[section] == nil {
			groups[section] = map[string]*group{}
		}
		g := groups[section][name]
		if g == nil {
			g = &group{seen: map[[2]string]bool{}, kinds: map[string]bool{}}
			groups[section][name] = g
		}
		k := [2]string{u.Key(), period}
		if g.seen[k] {
			return // the same metric in two scorecards of the unit
		}
		g.seen[k] = true
		g.kinds[u.Kind] = true
		g.items = append(g.items, item{u, period, n})
	}
	for i := range s.sc.Scorecards {
		c := &s.sc.Scorecards[i]
		u := s.units[c.Unit.Key()]
		if u == nil {
			continue
		}
		if c.Status == scoring.ScorecardNoData {
			add("nodata", c.Scorecard, u, c.Period, 0)
		}
		for id, m := range c.Metrics {
			switch {
			case m.Status == scoring.StatusNotApplicable:
				add("na", id, u, c.Period, 0)
			case m.Status != scoring.StatusInsufficient:
			case s.inputDriven(id) && (m.Value == nil || m.Denominator == 0):
				add("inputs", id, u, c.Period, 0)
			case c.Status != scoring.ScorecardNoData:
				add("insufficient", id, u, c.Period, m.Denominator)
			}
		}
	}
	kindOrder := []string{scoring.UnitOrg, scoring.UnitDepartment, scoring.UnitTeam, scoring.UnitAgent}
	build := func(section string, name func(id string) string, order []string) []qualityGroup {
		var out []qualityGroup
		ids := slices.Collect(maps.Keys(groups[section]))
		slices.SortFunc(ids, func(a, b string) int {
			ia, ib := slices.Index(order, a), slices.Index(order, b)
			if ia < 0 {
				ia = len(order)
			}
			if ib < 0 {
				ib = len(order)
			}
			return cmp.Or(ia-ib, strings.Compare(a, b))
		})
		for _, id := range ids {
			g := groups[section][id]
			// Newest period first, then units from the organization down.
			slices.SortFunc(g.items, func(a, b item) int {
				return cmp.Or(-s.periodCompare(a.period, b.period),
					slices.Index(kindOrder, a.u.Kind)-slices.Index(kindOrder, b.u.Kind), naturalCompare(a.u.ID, b.u.ID))
			})
			qg := qualityGroup{Name: name(id), Count: len(g.items)}
			var kinds []string
			for _, k := range kindOrder {
				if g.kinds[k] {
					kinds = append(kinds, s.t("kind."+k))
				}
			}
			qg.Note = strings.Join(kinds, s.listSep())
			if section != "na" {
				for _, it := range g.items[:min(len(g.items), qualityShown)] {
					text := it.u.Name + " · " + it.period
					if section == "insufficient" {
						text += " (n = " + compact(it.n, 1) + ")"
					}
					qg.Items = append(qg.Items, link{Href: it.u.File, Text: text})
				}
				qg.More = len(g.items) - len(qg.Items)
			}
			out = append(out, qg)
		}
		return out
	}
	var metricOrder []string
	for _, m := range s.opt.Metrics {
		metricOrder = append(metricOrder, m.ID)
	}
	v.NoData = qualitySection{"quality.scorecard", build("nodata", s.scorecardName, s.defOrder)}
	v.NotApplicable = qualitySection{"metric", build("na", s.metricName, metricOrder)}
	v.Inputs = qualitySection{"metric", build("inputs", s.metricName, metricOrder)}
	v.Insufficient = qualitySection{"metric", build("insufficient", s.metricName, metricOrder)}
}

// holidayGaps lists, for each calendar in use (the default one and the
// teams'), the years of the site's periods that its holiday data does not
// cover (calendar.HolidaysCover): a year without holidays in a calendar
// that has some in other years, whose public holidays count as working
// days. The error, if the calendars cannot be built, is its text.
func (s *site) holidayGaps() ([]holidayGap, string) {
	cals, err := scoring.Calendars(s.cfg)
	if err != nil {
		return nil, err.Error()
	}
	teamsOf := map[string][]string{} // calendar name → team names
	for _, t := range s.byKind[scoring.UnitTeam] {
		name := ""
		for _, ct := range s.cfg.Teams {
			if ct.ID == t.ID {
				name = ct.Calendar
			}
		}
		if c := cals[name]; c != nil {
			teamsOf[c.Name()] = append(teamsOf[c.Name()], t.Name)
		}
	}
	used := []string{s.cfg.Calendar}
	for _, t := range s.cfg.Teams {
		if !slices.Contains(used, t.Calendar) {
			used = append(used, t.Calendar)
		}
	}
	years := map[int][]string{}
	for _, p := range s.sc.Periods {
		if y, err := strconv.Atoi(p.ID[:min(4, len(p.ID))]); err == nil {
			years[y] = append(years[y], p.ID)
		}
	}
	var out []holidayGap
	seen := map[string]bool{}
	for _, name := range used {
		c := cals[name]
		if c == nil || seen[c.Name()] {
			continue
		}
		seen[c.Name()] = true
		has := c.HolidayYears()
		for _, y := range slices.Sorted(maps.Keys(years)) {
			if c.HolidaysCover(y) {
				continue
			}
			ps := slices.Clone(years[y])
			slices.SortFunc(ps, s.periodCompare)
			out = append(out, holidayGap{Calendar: c.Name(), Has: calendar.YearRanges(has, s.listSep()), Year: y,
				Teams: strings.Join(teamsOf[c.Name()], s.listSep()), Periods: ps})
		}
	}
	slices.SortStableFunc(out, func(a, b holidayGap) int { return cmp.Or(strings.Compare(a.Calendar, b.Calendar), a.Year-b.Year) })
	return out, ""
}

// openView shows the complaints open at as_of. The evidence has each
// complaint's month of creation, not its day: its age in days is a range,
// from the end of that month (the youngest it can be) to its start (the
// oldest), counted to as_of in the organization's zone.
func (s *site) openView(f *evidenceFacts) *openView {
	if f == nil || !f.read {
		return nil
	}
	o := f.open
	v := &openView{Total: o.total, AsOf: s.asOf()}
	for _, m := range slices.Sorted(maps.Keys(o.byMonth)) {
		v.ByMonth = append(v.ByMonth, openMonth{Month: m, Count: o.byMonth[m], Age: s.openAge(m)})
	}
	for _, c := range o.oldest {
		r := openRow{Key: c.Key, URL: c.URL, Title: c.Title, Created: c.Created, Age: s.openAge(c.Created)}
		if !c.At.IsZero() && !s.sc.AsOf.IsZero() {
			// The exact age, in whole days at as_of.
			r.Created = c.At.In(s.loc).Format("2006-01-02")
			r.Age = strconv.Itoa(max(0, int(s.sc.AsOf.Sub(c.At).Hours()/24)))
		}
		r.Team, r.Agent = s.qualityUnitLink(scoring.UnitTeam, c.Team), s.qualityUnitLink(scoring.UnitAgent, c.Agent)
		v.Oldest = append(v.Oldest, r)
	}
	return v
}

// qualityUnitLink links a unit of the site by kind and ID, or names it.
func (s *site) qualityUnitLink(kind, id string) link {
	if id == "" {
		return link{Text: dash}
	}
	if u := s.units[kind+":"+id]; u != nil {
		return link{Href: u.File, Text: u.Name}
	}
	return link{Text: id}
}

// openAge is the age in days at as_of of a complaint created in month:
// "31–61" (from the month's end, from its start), "0–12" for the month of
// as_of, the month itself when it is not one.
func (s *site) openAge(month string) string {
	y, m, ok := parseMonth(month)
	if !ok || s.sc.AsOf.IsZero() {
		return dash
	}
	asOf := s.sc.AsOf.In(s.loc)
	start := time.Date(y, time.Month(m), 1, 0, 0, 0, 0, s.loc)
	end := start.AddDate(0, 1, 0)
	days := func(t time.Time) int {
		if !asOf.After(t) {
			return 0
		}
		return int(asOf.Sub(t).Hours() / 24)
	}
	lo, hi := days(end), days(start)
	if lo == hi {
		return strconv.Itoa(lo)
	}
	return fmt.Sprintf("%d–%d", lo, hi)
}

// problemGroups groups the sources' problems by source and field, each
// with its first problems (site.drilldown of them, as the lists) in
// natural order of position, and the groups of a source in the order of
// their first problem. A calendar without holiday data for a year is one
// too (kpidesk build reports it), beside the holiday section.
func (s *site) problemGroups() ([]problemGroup, int) {
	by := map[[2]string]*problemGroup{}
	total := 0
	for _, p := range s.opt.Problems {
		total++
		k := [2]string{p.Source, p.Field}
		g := by[k]
		if g == nil {
			g = &problemGroup{Source: p.Source, Field: p.Field}
			by[k] = g
		}
		g.Count++
		g.Items = append(g.Items, p)
	}
	var out []problemGroup
	for _, g := range by {
		slices.SortStableFunc(g.Items, func(a, b connectors.Problem) int {
			return cmp.Or(naturalCompare(a.Where, b.Where), strings.Compare(a.Reason, b.Reason))
		})
		if limit := s.cfg.Site.Drilldown; limit > 0 && len(g.Items) > limit {
			g.More = len(g.Items) - limit
			g.Items = g.Items[:limit]
		}
		out = append(out, *g)
	}
	slices.SortFunc(out, func(a, b problemGroup) int {
		return cmp.Or(strings.Compare(a.Source, b.Source), naturalCompare(a.Items[0].Where, b.Items[0].Where), strings.Compare(a.Field, b.Field))
	})
	return out, total
}

// slaRows lists the reconciliation by metric ID and month, oldest first.
func (s *site) slaRows() []slaRow {
	var rows []slaRow
	for _, id := range slices.Sorted(maps.Keys(s.sc.SLAReconciliation)) {
		r := s.sc.SLAReconciliation[id]
		for _, m := range slices.Sorted(maps.Keys(r.Months)) {
			rows = append(rows, slaRow{Metric: s.metricName(id), Month: m, Verdict: s.t("sla." + r.Verdict), Name: r.Name, SLACounts: r.Months[m]})
		}
	}
	return rows
}
