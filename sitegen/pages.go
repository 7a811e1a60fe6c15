package sitegen

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"html/template"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"

	"github.com/kpidesk/kpidesk/config"
	"github.com/kpidesk/kpidesk/internal/reason"
	"github.com/kpidesk/kpidesk/scoring"
	"github.com/kpidesk/kpidesk/scoring/appeals"
)

// buildSites writes the site in every language: sites[0] at the root, the
// others in their folders. The evidence is read once, into the spill
// files of the first language's folder, and every language renders its
// lists from them.
func buildSites(ctx context.Context, sites []*site) error {
	first := sites[0]
	for _, s := range sites {
		if err := s.loadTemplates(); err != nil {
			return err
		}
		s.planDrill()
	}
	spill := filepath.Join(first.dir, ".evidence")
	if err := os.Mkdir(spill, 0o700); err != nil {
		return fmt.Errorf("sitegen: %w", err)
	}
	facts := newEvidenceFacts()
	if err := first.readEvidence(ctx, spill, facts); err != nil {
		return err
	}
	total := 0
	for _, s := range sites {
		if s != first {
			s.adoptEvidence(first)
		}
		s.linkChildren()
		total += 7 + len(s.units) + len(s.drill) // index, 3 lists, methodology, quality, appeals, one per unit (org.html for the org)
		for _, u := range s.units {
			total += len(s.periodPages(u)) // every other period's scorecard
		}
	}
	first.count.total = total
	for _, s := range sites {
		if err := s.pages(ctx); err != nil {
			return err
		}
		if err := s.factPages(ctx, facts); err != nil { // search.go
			return err
		}
	}
	if err := drillPages(ctx, sites, spill); err != nil {
		return err
	}
	if err := os.RemoveAll(spill); err != nil {
		return fmt.Errorf("sitegen: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	return first.copyAssets()
}

// adoptEvidence takes what the first language's evidence pass learnt:
// each drill-down page's counts (the page itself this language's, for its
// unit's name) and the teams it inferred for agents the config does not
// place.
func (s *site) adoptEvidence(from *site) {
	for k, p := range from.drill {
		if q := s.drill[k]; q != nil {
			u, file := q.unit, q.file
			*q = *p
			q.unit, q.file = u, file
		}
	}
	for _, u := range s.byKind[scoring.UnitAgent] {
		if u.parent == nil {
			if f := from.units[u.Key()]; f != nil && f.parent != nil {
				u.parent = s.units[f.parent.Key()]
			}
		}
	}
}

// pages writes every page but the drill-down lists.
func (s *site) pages(ctx context.Context) error {
	steps := []func() error{
		s.indexPage,
		func() error { return s.listPage(scoring.UnitTeam) },
		func() error { return s.listPage(scoring.UnitDepartment) },
		func() error { return s.listPage(scoring.UnitAgent) },
		s.methodologyPage,
		s.appealsPage,
	}
	for _, step := range steps {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := step(); err != nil {
			return err
		}
	}
	return s.scorecardPages(ctx) // periods.go
}

// Overview.

type indexView struct {
	Month  string
	Kinds  []kindCount // contacts of other kinds this month, reported apart
	Org    *link
	Card   *cardView
	Grades *gradeDist
	Star   *starView
	Stars  []starView
	Browse []browseItem
	Trends []chartView
	Final  *chartView
	// Analysis: created vs resolved, the category Pareto, the channel mix.
	Analysis []chartView
}

type kindCount struct {
	Name  string
	Count int
}

// otherKinds lists the month's contacts that are not complaints (SPEC
// §13.2: kept and shown apart), largest first.
func (s *site) otherKinds(month string) []kindCount {
	var out []kindCount
	for kind, n := range s.sc.Kinds[month] {
		if slices.Contains(s.cfg.Kinds, kind) {
			continue
		}
		out = append(out, kindCount{Name: s.kindName(kind), Count: n})
	}
	slices.SortFunc(out, func(a, b kindCount) int { return cmp.Or(b.Count-a.Count, strings.Compare(a.Name, b.Name)) })
	return out
}

type gradeDist struct {
	Scorecard string
	Total     int
	NoData    int // agents without data in the month: not graded, not counted
	Segs      []gradeSeg
}

type gradeSeg struct {
	Name, Action, Class string
	Count               int
	Share               string
}

type starView struct {
	Period string
	Name   link
	Team   link
	Final  string
	Reason string
	// Tied lists the agents the winner's lead does not survive the
	// borderline test against: the star is shared, within noise. The
	// first shownTied are named; the rest fold away (TiedMore).
	Tied     []link
	TiedMore []link
}

// shownTied is how many tied agents the overview names before folding the
// rest into a disclosure: a month of small samples can tie dozens.
const shownTied = 5

type browseItem struct {
	Href, Label string
	Count       int
}

func (s *site) indexPage() error {
	v := indexView{Month: s.latest, Kinds: s.otherKinds(s.latest)}
	if s.org != nil {
		v.Org = &link{s.org.File, s.org.Name}
		if c := s.card(s.org, s.latest); c != nil {
			cv, err := s.cardView("", s.org, c)
			if err != nil {
				return err
			}
			v.Card = &cv
		}
		v.Final = s.finalTrend("trend-final", "", s.org, s.teamsInOrder())
		if v.Final != nil {
			v.Final.Wide = true
		}
	}
	v.Grades = s.gradeDist()
	stars := slices.Clone(s.sc.Stars)
	slices.SortStableFunc(stars, func(a, b scoring.Star) int {
		return cmp.Or(-s.periodCompare(a.Period, b.Period), naturalCompare(a.Unit.ID, b.Unit.ID))
	})
	for _, st := range stars {
		u := s.units[st.Unit.Key()]
		sv := starView{Period: st.Period, Name: link{u.File, u.Name}, Final: s.finalText(&st.Final), Reason: s.starReason(st)}
		for _, tu := range st.Tied {
			l := link{Text: tu.ID}
			if t := s.units[tu.Key()]; t != nil {
				l = link{t.File, t.Name}
			}
			sv.Tied = append(sv.Tied, l)
		}
		if len(sv.Tied) > shownTied {
			sv.Tied, sv.TiedMore = sv.Tied[:shownTied], sv.Tied[shownTied:]
		}
		if u.parent != nil {
			sv.Team = link{u.parent.File, u.parent.Name}
		}
		if st.Period == s.latest && v.Star == nil {
			cp := sv
			v.Star = &cp
			continue
		}
		if len(v.Stars) < 6 {
			v.Stars = append(v.Stars, sv)
		}
	}
	for _, b := range []struct{ kind, href, label string }{
		{scoring.UnitTeam, "teams.html", "teams"},
		{scoring.UnitDepartment, "departments.html", "departments"},
		{scoring.UnitAgent, "agents.html", "agents"},
	} {
		v.Browse = append(v.Browse, browseItem{Href: b.href, Label: s.t(b.label), Count: len(s.byKind[b.kind])})
	}
	v.Trends = s.metricTrends("")
	v.Analysis = s.analysisCharts()
	charts := slices.Clone(v.Trends)
	if v.Final != nil {
		charts = append(charts, *v.Final)
	}
	return s.render("index.html", "index.html", "overview", s.siteTitle(), nil, charts, v)
}

// periodCompare orders period IDs by start.
func (s *site) periodCompare(a, b string) int {
	pa, pb := s.periods[a], s.periods[b]
	return cmp.Or(pa.Start.Compare(pb.Start), strings.Compare(a, b))
}

// gradeDist counts the agents of the latest month by grade, under the
// first scorecard that decides agents' grades. Agents without data are
// not graded: they are counted apart, not in the distribution.
func (s *site) gradeDist() *gradeDist {
	agents := s.byKind[scoring.UnitAgent]
	var scorecard, fallback string
	for _, id := range s.defOrder {
		for _, u := range agents {
			if c := s.cards[cardKey{u.Key(), s.latest, id}]; c != nil {
				fallback = cmp.Or(fallback, id)
				if !c.Secondary {
					scorecard = id
					break
				}
			}
		}
		if scorecard != "" {
			break
		}
	}
	scorecard = cmp.Or(scorecard, fallback)
	if scorecard == "" {
		return nil
	}
	counts := map[string]int{}
	total, noData := 0, 0
	for _, u := range agents {
		c := s.cards[cardKey{u.Key(), s.latest, scorecard}]
		switch {
		case c == nil:
		case c.Status == scoring.ScorecardNoData:
			noData++
		default:
			counts[c.Grade]++
			total++
		}
	}
	d := &gradeDist{Scorecard: s.scorecardName(scorecard), Total: total, NoData: noData}
	add := func(name, action, class string, n int) {
		share := dash
		if total > 0 {
			share = pct(float64(n) / float64(total))
		}
		d.Segs = append(d.Segs, gradeSeg{Name: name, Action: action, Class: class, Count: n, Share: share})
	}
	for i, g := range s.cfg.Grades {
		add(cmp.Or(s.name(g.Name, g.NameEN), g.ID), s.name(g.Action, g.ActionEN), gradeClass(i, len(s.cfg.Grades)), counts[g.ID])
		delete(counts, g.ID)
	}
	others := slices.Sorted(func(yield func(string) bool) {
		for k := range counts {
			if !yield(k) {
				return
			}
		}
	})
	for _, id := range others {
		name := id
		if id == "" {
			name = s.t("grades.none")
		}
		add(name, "", "g-other", counts[id])
	}
	return d
}

// Units.

type unitView struct {
	Kind      string
	Name      string
	Parent    *link
	Period    string
	Periods   *periodSwitch // nil when the unit has one period or none
	Main      *link         // on a period page: the main page, with the trend and the history
	Cards     []cardView
	Breakdown *breakdown
	BdTitle   string
	History   []historyView
	Trend     *chartView
	Pareto    *chartView // a team's categories, on its main page
	Calendar  string     // the business calendar of a team or agent
}

// scorecardPage writes u's scorecard page for a period: the main page for
// the month monthOf picks, else a lean page of the period's scorecards
// and breakdown (periods.go).
func (s *site) scorecardPage(u *unit, period string) error {
	file := s.linkOf(u, period)
	main := file == u.File
	root := rootOf(file)
	month := period
	sw, err := s.periodSwitch(file, u, period)
	if err != nil {
		return err
	}
	v := unitView{Kind: s.t("kind." + u.Kind), Name: u.Name, Period: period, Periods: sw, Calendar: s.calendarNote(u)}
	if u.parent != nil {
		v.Parent = &link{root + s.linkOf(u.parent, period), u.parent.Name}
	}
	if !main {
		v.Main = &link{relTo(file, u.File), s.tf("periods.main", s.monthOf(u))}
	}
	for _, c := range s.cardsOf(u, month) {
		cv, err := s.cardView(root, u, c)
		if err != nil {
			return err
		}
		v.Cards = append(v.Cards, cv)
	}
	var subs []*unit
	switch u.Kind {
	case scoring.UnitOrg:
		subs, v.BdTitle = s.teamsInOrder(), s.t("breakdown.teams")
	case scoring.UnitDepartment:
		subs, v.BdTitle = u.children, s.t("breakdown.teams")
	case scoring.UnitTeam:
		subs, v.BdTitle = u.children, s.t("breakdown.agents")
	}
	if len(subs) > 0 {
		parentLabel := ""
		if u.Kind == scoring.UnitOrg {
			parentLabel = s.t("department")
		}
		b := s.table(root, month, subs, parentLabel)
		for i := range b.Cols {
			// The scorecard above links each metric to its definition:
			// the columns' heads need no tooltip of it on every page.
			b.Cols[i].Help = ""
		}
		v.Breakdown = &b
	}
	var charts []chartView
	if main {
		v.History = s.history(root, u)
		var others []*unit
		if u.Kind == scoring.UnitOrg {
			others = s.teamsInOrder()
		}
		v.Trend = s.finalTrend("trend-final", root, u, others)
		if v.Trend != nil {
			v.Trend.Wide = true
			charts = append(charts, *v.Trend)
		}
		if v.Pareto = s.teamPareto(u); v.Pareto != nil {
			charts = append(charts, *v.Pareto)
		}
	}
	crumbs := s.periodCrumbs(root, u, period)
	nav := map[string]string{scoring.UnitTeam: "teams", scoring.UnitDepartment: "departments", scoring.UnitAgent: "agents"}[u.Kind]
	if u.Kind == scoring.UnitOrg {
		nav = "overview"
	}
	title := u.Name
	if !main {
		title += " · " + period
	}
	return s.render(file, "unit.html", nav, title, crumbs, charts, v)
}

// crumbs leads from the overview down to u's parent, each at its main page.
func (s *site) crumbs(root string, u *unit) []link {
	return s.periodCrumbs(root, u, "")
}

// periodCrumbs leads from the overview down to u's parent, each at its
// scorecard for the period (its main page when it has none in it).
func (s *site) periodCrumbs(root string, u *unit, period string) []link {
	var chain []link
	for p := u.parent; p != nil; p = p.parent {
		chain = append(chain, link{root + s.linkOf(p, period), p.Name})
	}
	slices.Reverse(chain)
	return append([]link{{root + "index.html", s.t("nav.overview")}}, chain...)
}

// Lists.

type listView struct {
	Heading string
	Table   breakdown
}

func (s *site) listPage(kind string) error {
	file := map[string]string{scoring.UnitTeam: "teams.html", scoring.UnitDepartment: "departments.html", scoring.UnitAgent: "agents.html"}[kind]
	nav := strings.TrimSuffix(file, ".html")
	us := s.byKind[kind]
	parentLabel := ""
	switch kind {
	case scoring.UnitTeam:
		us, parentLabel = s.teamsInOrder(), s.t("department")
	case scoring.UnitAgent:
		parentLabel = s.t("team")
	}
	v := listView{Heading: s.t("list." + nav), Table: s.table("", s.latest, us, parentLabel)}
	return s.render(file, "list.html", nav, v.Heading, nil, nil, v)
}

// Drill-down (see drill_page.go).

type outcomeCell struct {
	// Class is the outcome as it reads (hit, miss, pending, excluded,
	// counted, other), "" for a measured figure.
	Text, Class, Reason string
	ShowReason          bool // printed under the outcome, not only as its tooltip
}

// outcome formats what one metric made of one complaint.
func (s *site) outcome(metric string, o scoring.Outcome) outcomeCell {
	c := outcomeCell{Class: o.Result, Reason: reason.Render(o.Reason, s.lang), ShowReason: o.Result == scoring.Excluded || o.Result == scoring.Pending}
	info := s.metric(metric)
	switch o.Result {
	case scoring.Hit, scoring.Miss:
		if info.Tally {
			// In the numerator because it is a complaint of the period:
			// counted, neither good nor bad.
			c.Text, c.Class = s.t("outcome."+scoring.Counted), scoring.Counted
			break
		}
		// A hit is a complaint in the numerator. Where lower is better
		// (escalation, repeat, reopen) that is the bad case: show "yes"
		// in red rather than "met" in green.
		switch {
		case info.Higher:
			c.Text = s.t("outcome." + o.Result)
		case o.Result == scoring.Hit:
			c.Text, c.Class = s.t("outcome.yes"), scoring.Miss
		default:
			c.Text, c.Class = s.t("outcome.no"), scoring.Hit
		}
	case scoring.Pending, scoring.Excluded, scoring.Counted:
		c.Text = s.t("outcome." + o.Result)
	case scoring.Measured:
		c.Class = "" // a plain figure
		if info.Value == scoring.ValueDuration {
			c.Text = s.duration(o.Seconds)
		} else {
			c.Text = compact(o.Seconds, 1)
		}
	default:
		c.Text, c.Class = o.Result, "other"
	}
	return c
}

// Methodology.

type methodView struct {
	Notes      template.HTML
	Scorecards []methodCard
	MinSample  int
	Grades     []methodGrade
	Catalog    []methodMetric
	Versions   []methodVersion
	InForce    []weightsView // the latest month's weights in force
	InForceOf  string        // that month
}

// weightsView shows one scorecard's weights in force for one kind of unit,
// with the AHP figures or the entropy table that produced them.
type weightsView struct {
	Scorecard, Kind, Method, Note string
	AHP                           string // "λmax 7.0014 · CI 0.0002 · RI 1.32 · CR 0.0002"
	EntropyUnits                  int
	Rows                          []weightRow
}

type weightRow struct {
	Metric, Weight, Entropy, Divergence string
}

type methodCard struct {
	ID, Name     string
	From         string // effective_from of this version, "" from the start
	Units        string
	Secondary    string // the kinds of unit whose grade it does not decide, "" when none
	Weights      string
	Insufficient string
	// WeightsOf is the period whose weights in force the items show, ""
	// when they are the config's (no scores for this version).
	WeightsOf string
	// WeightCols names a column per kind of unit when the weights in
	// force differ between kinds (entropy, not applicable metrics);
	// nil for one weight column.
	WeightCols []string
	Items      []methodItem
}

type methodItem struct {
	Metric, Category, Target, Rule string
	Weights                        []string // one per WeightCols, or one
}

type methodGrade struct {
	Name, Min, Action, Class string
}

type methodMetric struct {
	ID, Name, Cohort, Direction, Help, Reference string
}

type methodVersion struct {
	Version string // as scores.json has it: "seed001@start,seed000@2026-01"
	Label   string // in words: each scorecard's name and the version's start
	From    string
	To      string
}

// versionLabel puts a config version (scores.json versions: each
// scorecard's ID and effective_from, "start" for its first version) in
// words: "客诉处理绩效（初始版本）、团队计分卡（自 2026-01 起）".
func (s *site) versionLabel(ver string) string {
	var parts []string
	for _, v := range strings.Split(ver, ",") {
		id, from, _ := strings.Cut(v, "@")
		if from == "" || from == "start" {
			parts = append(parts, s.tf("version.start", s.scorecardName(id)))
		} else {
			parts = append(parts, s.tf("version.from", s.scorecardName(id), from))
		}
	}
	return strings.Join(parts, s.listSep())
}

// weightMethod says how a scorecard's weights are set, in words:
// "组合赋权：层次分析法 × 0.7 + 熵权法 × 0.3".
func (s *site) weightMethod(w config.Weights) string {
	if w.Method == "combined" {
		return s.tf("weights.combined_of", s.methodName(w.Subjective), compact(w.Alpha, 2), compact(1-w.Alpha, 2))
	}
	return s.methodName(w.Method)
}

// methodName is a weighting method's name (fixed, expert, ahp, entropy,
// combined), the ID itself for one the site does not know.
func (s *site) methodName(m string) string {
	return s.displayName(nil, "weights.", cmp.Or(m, "fixed"))
}

func (s *site) methodologyPage() error {
	v := methodView{MinSample: s.cfg.Metrics.MinSample, InForceOf: s.latest}
	v.InForce = s.weightsInForce(s.latest)
	notes := s.opt.Methodology
	if s.opt.MethodologyIn != nil {
		notes = s.opt.MethodologyIn(s.lang)
	}
	if len(notes) > 0 {
		// goldmark escapes raw HTML by default (html.WithUnsafe is never
		// set) and drops javascript: links, so its output is safe markup.
		md := goldmark.New(goldmark.WithExtensions(extension.Table, extension.Strikethrough))
		var buf bytes.Buffer
		if err := md.Convert(notes, &buf); err != nil {
			return fmt.Errorf("sitegen: methodology: %w", err)
		}
		v.Notes = template.HTML(buf.String())
	}
	for _, d := range s.cfg.Scorecards {
		mc := methodCard{ID: d.ID, Name: cmp.Or(s.name(d.Name, d.NameEN), d.ID), Weights: s.weightMethod(d.Weights), From: d.EffectiveFrom}
		var units []string
		for _, k := range d.Units {
			units = append(units, s.t("kind."+k))
		}
		mc.Units = strings.Join(units, s.listSep())
		var second []string
		for _, k := range []string{scoring.UnitOrg, scoring.UnitDepartment, scoring.UnitTeam, scoring.UnitAgent} {
			if s.secondaryKinds[d.ID][k] {
				second = append(second, s.t("kind."+k))
			}
		}
		mc.Secondary = strings.Join(second, s.listSep())
		if d.Weights.Normalize {
			mc.Weights += s.listSep() + s.t("method.normalized")
		}
		if d.Insufficient == "exclude" {
			mc.Insufficient = s.t("method.exclude")
		} else {
			mc.Insufficient = s.tf("method.neutral", compact(d.Neutral, 1))
		}
		s.methodWeights(&mc, &d)
		v.Scorecards = append(v.Scorecards, mc)
	}
	for i, g := range s.cfg.Grades {
		v.Grades = append(v.Grades, methodGrade{
			Name:   cmp.Or(s.name(g.Name, g.NameEN), g.ID),
			Min:    "≥ " + compact(g.Min, 1),
			Action: s.name(g.Action, g.ActionEN),
			Class:  gradeClass(i, len(s.cfg.Grades)),
		})
	}
	catalog := s.opt.Metrics
	if len(catalog) == 0 {
		for _, id := range scoring.MetricCatalog().IDs() {
			catalog = append(catalog, s.metric(id))
		}
	}
	for _, m := range catalog {
		dir := s.t("dir.lower")
		if m.Higher {
			dir = s.t("dir.higher")
		}
		cohort := dash
		if m.Cohort != "" {
			cohort = s.t("cohort." + m.Cohort)
		}
		v.Catalog = append(v.Catalog, methodMetric{
			ID: m.ID, Name: s.metricName(m.ID), Cohort: cohort, Direction: dir,
			Help: s.metricHelp(m.ID), Reference: cmp.Or(m.Reference, dash),
		})
	}
	for _, p := range s.months {
		ver := s.sc.Versions[p.ID]
		if ver == "" {
			continue
		}
		if n := len(v.Versions); n > 0 && v.Versions[n-1].Version == ver {
			v.Versions[n-1].To = p.ID
			continue
		}
		v.Versions = append(v.Versions, methodVersion{Version: ver, Label: s.versionLabel(ver), From: p.ID, To: p.ID})
	}
	return s.render("methodology.html", "methodology.html", "methodology", s.t("methodology"), nil, nil, v)
}

// methodWeights fills a scorecard version's items with the weights in
// force (scores.json weights), not the config's: an expert, AHP, entropy
// or combined scorecard writes no weights of its own (SPEC §6). They are
// those of the latest complete month the version was in force, one
// column per kind of unit when kinds differ; the config's weights only
// when the scores have none for this version.
func (s *site) methodWeights(mc *methodCard, d *config.Scorecard) {
	var months []scoring.Period
	for _, p := range s.months {
		if v, ok := s.versionOf[[2]string{d.ID, p.ID}]; ok && v == d.EffectiveFrom {
			months = append(months, p)
		}
	}
	period := ""
	for _, p := range months {
		if s.latest == "" || !p.Start.After(s.periods[s.latest].Start) {
			period = p.ID
		}
	}
	if period == "" && len(months) > 0 {
		period = months[0].ID
	}
	byKind := map[string]map[string]float64{}
	var kinds []string
	if period != "" {
		for _, w := range s.sc.Weights {
			if w.Scorecard == d.ID && w.Period == period {
				byKind[w.UnitKind] = w.Weights
			}
		}
		for _, k := range append(slices.Clone(d.Units), scoring.UnitOrg, scoring.UnitDepartment, scoring.UnitTeam, scoring.UnitAgent) {
			if _, ok := byKind[k]; ok && !slices.Contains(kinds, k) {
				kinds = append(kinds, k)
			}
		}
	}
	for _, it := range d.Items {
		info := s.metric(it.Metric)
		mc.Items = append(mc.Items, methodItem{
			Metric:   s.metricName(it.Metric),
			Category: s.category(it.Category),
			Target:   s.target(info, it.Rule),
			Rule:     s.rule(info, it.Rule),
		})
	}
	if len(kinds) == 0 {
		// No scores for this version: what the config says, which only a
		// fixed method has.
		sum := 0.0
		for _, it := range d.Items {
			sum += it.Weight
		}
		for i, it := range d.Items {
			w := dash
			if d.Weights.Method == "fixed" || d.Weights.Method == "" {
				x := it.Weight
				if d.Weights.Normalize && sum > 0 {
					x /= sum
				}
				w = pct(x)
			}
			mc.Items[i].Weights = []string{w}
		}
		return
	}
	mc.WeightsOf = period
	cell := func(k, metric string) string {
		w, ok := byKind[k][metric]
		switch {
		case s.notApplicable[[3]string{d.ID + "@" + period, k, metric}] && (!ok || w == 0):
			return s.t("not_applicable")
		case !ok:
			return dash
		}
		return pct(w)
	}
	same := true
	for _, k := range kinds[1:] {
		for _, it := range d.Items {
			if cell(k, it.Metric) != cell(kinds[0], it.Metric) {
				same = false
			}
		}
	}
	if same {
		kinds = kinds[:1]
	} else {
		for _, k := range kinds {
			mc.WeightCols = append(mc.WeightCols, s.t("kind."+k))
		}
	}
	for i, it := range d.Items {
		for _, k := range kinds {
			mc.Items[i].Weights = append(mc.Items[i].Weights, cell(k, it.Metric))
		}
	}
}

func (s *site) listSep() string {
	if s.lang == "zh" {
		return "、"
	}
	return ", "
}

// starReason says why the agent is the month's star in the site's language.
func (s *site) starReason(st scoring.Star) string {
	reason := s.tf("star.reason", fixed(st.Final, 2), st.Complaints)
	if len(st.FullPoints) > 0 {
		names := make([]string, len(st.FullPoints))
		for i, id := range st.FullPoints {
			names[i] = s.metricName(id)
		}
		reason += s.tf("star.full", strings.Join(names, s.t("list.sep")))
	}
	return reason
}

// starTied says that the star is shared, the winner's lead being within
// noise, and with whom; "" when the lead survives the borderline test.
func (s *site) starTied(st scoring.Star) string {
	if len(st.Tied) == 0 {
		return ""
	}
	names := make([]string, len(st.Tied))
	for i, u := range st.Tied {
		names[i] = u.ID
		if v := s.units[u.Key()]; v != nil {
			names[i] = v.Name
		}
	}
	return s.tf("star.tied", strings.Join(names, s.t("list.sep")))
}

// weightsInForce lists the weights scoring used in a month (SPEC §6: the
// methodology page shows the computed weights, the AHP figures and the
// entropy table).
func (s *site) weightsInForce(month string) []weightsView {
	var out []weightsView
	for _, w := range s.sc.Weights {
		if w.Period != month {
			continue
		}
		v := weightsView{Scorecard: s.scorecardName(w.Scorecard), Kind: s.t("kind." + w.UnitKind), Method: s.methodName(w.Method), Note: w.NoteIn(s.lang)}
		if w.AHP != nil {
			v.AHP = fmt.Sprintf("λmax %.4f · CI %.4f · RI %.2f · CR %.4f", w.AHP.LambdaMax, w.AHP.CI, w.AHP.RI, w.AHP.CR)
		}
		ids := make([]string, 0, len(w.Weights))
		for id := range w.Weights {
			ids = append(ids, id)
		}
		slices.Sort(ids)
		for _, id := range ids {
			r := weightRow{Metric: s.metricName(id), Weight: pct(w.Weights[id])}
			if w.Entropy != nil {
				v.EntropyUnits = w.Entropy.Units
				if e, ok := w.Entropy.Entropy[id]; ok {
					r.Entropy, r.Divergence = fixed(e, 4), fixed(w.Entropy.Divergence[id], 4)
				}
			}
			v.Rows = append(v.Rows, r)
		}
		out = append(out, v)
	}
	return out
}

type appealsView struct {
	Flow    []string // the stages in flow order, in the page language
	Appeals []appealRow
	// Published lists the scorecards changed since published, by period
	// (published.go).
	Published []publishedPeriod
}

type appealRow struct {
	ID, Period, Metric, Claim, Evidence, Stage, Outcome, Reason string
	Unit                                                        link
	Done                                                        bool // decided
	Complaints, Changes                                         []string
	History                                                     []string
}

// appealsPage lists every appeal with its stage in seed 001's flow and,
// once decided, what it changed (SPEC §9).
func (s *site) appealsPage() error {
	v := appealsView{Published: s.publishedPeriods("")}
	names := map[string]string{}
	for _, st := range appeals.Stages() {
		names[st.ID] = s.name(st.Name, st.NameEN)
		v.Flow = append(v.Flow, names[st.ID])
	}
	if s.opt.Appeals != nil {
		list := slices.Clone(s.opt.Appeals.Appeals)
		slices.SortStableFunc(list, func(a, b appeals.Appeal) int { return strings.Compare(a.ID, b.ID) })
		for _, a := range list {
			r := appealRow{ID: a.ID, Period: a.Period, Claim: a.Claim, Evidence: a.Evidence, Stage: names[a.Stage], Complaints: a.Complaints}
			if a.Metric != "" {
				r.Metric = s.metricName(a.Metric)
			}
			r.Unit = link{Text: a.Unit}
			if u := s.units[a.Unit]; u != nil {
				r.Unit = link{u.File, u.Name}
			}
			for _, h := range a.History {
				r.History = append(r.History, h.Date.Format("2006-01-02")+" "+names[h.Stage]+cond(h.Note != "", s.tf("appeal.note", h.Note), ""))
			}
			if d := a.Decision; d != nil {
				r.Done, r.Outcome, r.Reason = true, s.t("appeal."+d.Outcome), d.Reason
				for _, c := range d.Changes {
					switch {
					case c.Exclude != "":
						r.Changes = append(r.Changes, s.tf("appeal.exclude", c.Exclude))
					case c.Correct != nil:
						r.Changes = append(r.Changes, s.tf("appeal.correct", c.Correct.Complaint,
							s.displayName(nil, "field.", c.Correct.Field), s.correctedValue(c.Correct)))
					case c.OverridePoints != nil:
						r.Changes = append(r.Changes, s.tf("appeal.override", fixed(*c.OverridePoints, 1)))
					}
				}
			}
			v.Appeals = append(v.Appeals, r)
		}
	}
	return s.render("appeals.html", "appeals.html", "appeals", s.t("nav.appeals"), nil, nil, v)
}

// correctedValue is the value an appeal corrected a field to, as the site
// shows such values: a time in the organization's zone, yes or no, a
// category or kind by its display name.
func (s *site) correctedValue(c *appeals.Correction) string {
	switch v := c.Value.(type) {
	case time.Time:
		return s.when(v)
	case bool:
		return s.t(cond(v, "outcome.yes", "outcome.no"))
	case string:
		switch c.Field {
		case "category":
			return s.categoryName(v)
		case "kind":
			return s.kindName(v)
		}
		return v
	case nil:
		return dash
	}
	return fmt.Sprint(c.Value)
}

func cond(ok bool, a, b string) string {
	if ok {
		return a
	}
	return b
}
