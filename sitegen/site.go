package sitegen

import (
	"cmp"
	"fmt"
	"hash/fnv"
	"html/template"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/kpidesk/kpidesk/config"
	"github.com/kpidesk/kpidesk/scoring"
)

// site is one build in progress: the inputs indexed for the pages.
type site struct {
	opt  Options
	cfg  *config.Config
	sc   *scoring.Scores
	lang string
	loc  *time.Location
	dir  string // the folder of this language's pages: the stage, or a folder in it

	// langs are the site's languages, the first at the root; up leads
	// from this language's root to the site's root ("" or "../"), where
	// the assets are.
	langs []string
	up    string

	tmpl     map[string]*template.Template // page template name → template
	base     *template.Template            // layout.html and the part templates, for fragments
	frags    fragments                     // rendered once, shown on many pages
	switches switches                      // the period switcher's rows (periods.go)

	info    map[string]scoring.Info
	periods map[string]scoring.Period
	months  []scoring.Period // month periods, oldest first
	// kindPeriods are the periods by kind, oldest first (periodsOf).
	kindPeriods map[string][]scoring.Period
	latest      string // the latest complete month (ID), "" without months

	cards map[cardKey]*scoring.Scorecard
	// versionOf is the scorecard version (effective_from) in force per
	// scorecard and period; secondaryKinds the kinds of unit each
	// scorecard is secondary for; notApplicable the metrics not applicable
	// per "scorecard@period", kind of unit and metric. The methodology
	// page reads them.
	versionOf      map[[2]string]string
	secondaryKinds map[string]map[string]bool
	notApplicable  map[[3]string]bool
	defs           map[string]*config.Scorecard // scorecard definitions by ID
	defOrder       []string                     // scorecard IDs: config order, then others sorted

	units  map[string]*unit   // by Unit.Key()
	byKind map[string][]*unit // sorted by ID, digits compared as numbers
	org    *unit

	drill  map[drillKey]*drillPage // agent and team unit-months, nil without evidence
	search searchParts             // the drill-down data parts, for the search's manifest

	count *pageCount // shared by the languages of one build

	// pub is this run's changes against Options.Published (published.go),
	// built once by publishedChanges.
	pubOnce sync.Once
	pub     *publishedIndex

	// prev is this language's folder in the previous site (Options.
	// Previous), "" for none; stats counts the files written and kept.
	prev  string
	stats *writeStats
}

// pageCount counts the pages written, for Options.Progress; pages render
// on several goroutines and in every language.
type pageCount struct {
	mu          sync.Mutex
	done, total int
}

type cardKey struct{ unit, period, scorecard string }

// unit is a scored unit with what the pages need to show and link it.
type unit struct {
	scoring.Unit
	Name     string // display name in the site's language
	File     string // path from the site root, "agent/zhang.html"
	slug     string // file-safe ID
	parent   *unit  // agent → team → department (→ nil)
	children []*unit
}

// languages lists the languages a config builds the site in, the first
// at the root: site.languages, or for a config not read by config.Parse
// site.language; Chinese without either. A language the site does not
// speak is left out.
func languages(cfg *config.Config) []string {
	var out []string
	for _, l := range cfg.Site.Languages {
		if _, ok := labels[l]; ok && !slices.Contains(out, l) {
			out = append(out, l)
		}
	}
	if len(out) == 0 {
		l := cfg.Site.Language
		if _, ok := labels[l]; !ok {
			l = "zh"
		}
		out = []string{l}
	}
	return out
}

// newSite indexes the inputs for a site in the config's first language.
// It does no I/O.
func newSite(opt Options) (*site, error) {
	return newSiteIn(opt, languages(opt.Config)[0])
}

// newSiteIn indexes the inputs for the site in lang.
func newSiteIn(opt Options, lang string) (*site, error) {
	s := &site{
		opt:     opt,
		cfg:     opt.Config,
		sc:      opt.Scores,
		lang:    lang,
		langs:   []string{lang},
		count:   &pageCount{},
		stats:   &writeStats{},
		info:    map[string]scoring.Info{},
		periods: map[string]scoring.Period{},
		cards:   map[cardKey]*scoring.Scorecard{},

		versionOf:      map[[2]string]string{},
		secondaryKinds: map[string]map[string]bool{},
		notApplicable:  map[[3]string]bool{},
		defs:           map[string]*config.Scorecard{},
		units:          map[string]*unit{},
		byKind:         map[string][]*unit{},
	}
	if _, ok := labels[s.lang]; !ok {
		s.lang = "zh"
	}
	s.loc = time.UTC
	if c, ok := s.cfg.Calendars[s.cfg.Calendar]; ok && c.TimeZone != "" {
		if loc, err := time.LoadLocation(c.TimeZone); err == nil {
			s.loc = loc
		}
	}
	for _, m := range opt.Metrics {
		s.info[m.ID] = m
	}
	s.kindPeriods = map[string][]scoring.Period{}
	for _, p := range s.sc.Periods {
		s.periods[p.ID] = p
		s.kindPeriods[p.Kind] = append(s.kindPeriods[p.Kind], p)
	}
	for _, ps := range s.kindPeriods {
		slices.SortStableFunc(ps, func(a, b scoring.Period) int {
			return cmp.Or(a.Start.Compare(b.Start), cmp.Compare(a.ID, b.ID))
		})
	}
	s.months = s.kindPeriods[scoring.Month]
	s.latest = scoring.LatestMonth(s.sc) // the month summary.md and the gates read too

	for i := range s.cfg.Scorecards {
		d := &s.cfg.Scorecards[i]
		// With versions (effective_from) an ID has several entries: the
		// last one names it, each card uses its own (defFor).
		if _, seen := s.defs[d.ID]; !seen {
			s.defOrder = append(s.defOrder, d.ID)
		}
		s.defs[d.ID] = d
	}
	var extra []string
	for i := range s.sc.Scorecards {
		c := &s.sc.Scorecards[i]
		s.cards[cardKey{c.Unit.Key(), c.Period, c.Scorecard}] = c
		s.versionOf[[2]string{c.Scorecard, c.Period}] = c.Version
		if c.Secondary {
			if s.secondaryKinds[c.Scorecard] == nil {
				s.secondaryKinds[c.Scorecard] = map[string]bool{}
			}
			s.secondaryKinds[c.Scorecard][c.Unit.Kind] = true
		}
		for id, m := range c.Metrics {
			if m.Status == scoring.StatusNotApplicable {
				s.notApplicable[[3]string{c.Scorecard + "@" + c.Period, c.Unit.Kind, id}] = true
			}
		}
		if _, ok := s.defs[c.Scorecard]; !ok && !slices.Contains(extra, c.Scorecard) {
			extra = append(extra, c.Scorecard)
		}
		if _, ok := s.units[c.Unit.Key()]; !ok {
			s.units[c.Unit.Key()] = &unit{Unit: c.Unit}
		}
	}
	slices.Sort(extra)
	s.defOrder = append(s.defOrder, extra...)
	for _, st := range s.sc.Stars {
		if _, ok := s.units[st.Unit.Key()]; !ok {
			s.units[st.Unit.Key()] = &unit{Unit: st.Unit}
		}
	}
	s.nameUnits()
	return s, nil
}

// nameUnits gives each unit its display name, file and parent.
func (s *site) nameUnits() {
	teams := map[string]config.Team{}
	for _, t := range s.cfg.Teams {
		teams[t.ID] = t
	}
	depts := map[string]config.Department{}
	for _, d := range s.cfg.Departments {
		depts[d.ID] = d
	}
	agents := map[string]config.Agent{}
	for _, a := range s.cfg.Agents {
		agents[a.ID] = a
	}
	pick := func(zh, en, fallback string) string {
		if s.lang == "en" && en != "" {
			return en
		}
		return cmp.Or(zh, en, fallback)
	}
	for _, u := range s.units {
		switch u.Kind {
		case scoring.UnitOrg:
			u.Name = pick(s.cfg.Org.Name, s.cfg.Org.NameEN, cmp.Or(u.Unit.Name, s.t("org")))
		case scoring.UnitDepartment:
			d := depts[u.ID]
			u.Name = pick(cmp.Or(d.Name, u.Unit.Name), d.NameEN, u.ID)
		case scoring.UnitTeam:
			t := teams[u.ID]
			u.Name = pick(cmp.Or(t.Name, u.Unit.Name), t.NameEN, u.ID)
		default:
			u.Name = cmp.Or(u.Unit.Name, agents[u.ID].Name, u.ID)
		}
		s.byKind[u.Kind] = append(s.byKind[u.Kind], u)
	}
	for kind, us := range s.byKind {
		slices.SortFunc(us, func(a, b *unit) int { return naturalCompare(a.ID, b.ID) })
		slugs := fileNames(us)
		for _, u := range us {
			u.slug = slugs[u.ID]
			if kind == scoring.UnitOrg {
				u.File = "org.html"
			} else {
				u.File = kind + "/" + u.slug + ".html"
			}
		}
	}
	if orgs := s.byKind[scoring.UnitOrg]; len(orgs) > 0 {
		s.org = orgs[0]
	}
	for _, u := range s.byKind[scoring.UnitTeam] {
		if d := teams[u.ID].Department; d != "" {
			u.parent = s.units[scoring.UnitDepartment+":"+d]
		}
	}
	for _, u := range s.byKind[scoring.UnitAgent] {
		if t := agents[u.ID].Team; t != "" {
			u.parent = s.units[scoring.UnitTeam+":"+t]
		}
	}
}

// linkChildren fills children from parents, in the order of byKind. It
// runs after the evidence pass has inferred agents' teams.
func (s *site) linkChildren() {
	for _, kind := range []string{scoring.UnitTeam, scoring.UnitAgent} {
		for _, u := range s.byKind[kind] {
			if u.parent != nil {
				u.parent.children = append(u.parent.children, u)
			}
		}
	}
}

// fileNames assigns every unit of one kind a file name that is safe on any
// file system and in any URL: the ID itself when it is plain ASCII
// ([A-Za-z0-9._-], not starting with a dot) and unique regardless of case,
// else a cleaned-up ID with a short hash of the real one.
func fileNames(us []*unit) map[string]string {
	fold := map[string]int{}
	for _, u := range us {
		fold[strings.ToLower(u.ID)]++
	}
	out := make(map[string]string, len(us))
	for _, u := range us {
		if plainID(u.ID) && fold[strings.ToLower(u.ID)] == 1 {
			out[u.ID] = u.ID
			continue
		}
		var b strings.Builder
		for _, r := range u.ID {
			if b.Len() >= 40 {
				break
			}
			if r < 128 && (r == '-' || r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
				b.WriteRune(r)
			} else {
				b.WriteByte('_')
			}
		}
		out[u.ID] = hashedName(b.String(), u.ID)
	}
	return out
}

// hashedName is clean, or "x" when nothing is left of it, followed by a
// short hash of the original ID.
func hashedName(clean, id string) string {
	h := fnv.New32a()
	h.Write([]byte(id))
	return fmt.Sprintf("%s-%08x", cmp.Or(strings.Trim(clean, "_"), "x"), h.Sum32())
}

// periodName is a period ID fit for a file name: itself when plain ("2025-10").
func periodName(id string) string {
	if plainID(id) {
		return id
	}
	return hashedName("", id)
}

func plainID(id string) bool {
	if id == "" || len(id) > 80 || id[0] == '.' {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c == '-' || c == '_' || c == '.' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}

// naturalCompare orders strings with digit runs compared as numbers, so
// that SD-9 comes before SD-10.
func naturalCompare(a, b string) int {
	for a != "" && b != "" {
		da, db := digitRun(a), digitRun(b)
		if da > 0 && db > 0 {
			na := strings.TrimLeft(a[:da], "0")
			nb := strings.TrimLeft(b[:db], "0")
			if c := cmp.Or(cmp.Compare(len(na), len(nb)), strings.Compare(na, nb)); c != 0 {
				return c
			}
			a, b = a[da:], b[db:]
			continue
		}
		if a[0] != b[0] {
			return cmp.Compare(a[0], b[0])
		}
		a, b = a[1:], b[1:]
	}
	return cmp.Compare(len(a), len(b))
}

func digitRun(s string) int {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return i
}

// metric returns the catalogue entry of a metric. Without one (an older
// catalogue, a custom metric), it guesses from the ID so that the site
// still reads; scoring.Catalog() is the source of truth.
func (s *site) metric(id string) scoring.Info {
	if m, ok := s.info[id]; ok {
		return m
	}
	m := scoring.Info{ID: id, Name: id, NameEN: id, Value: scoring.ValueScore, Cohort: scoring.CohortCreated, Higher: true}
	switch {
	case strings.HasSuffix(id, "_rate"):
		m.Value = scoring.ValueRate
	case strings.HasSuffix(id, "_time"):
		m.Value, m.Higher = scoring.ValueDuration, false
	case id == "volume" || id == "backlog":
		m.Value = scoring.ValueCount
	}
	return m
}

// metricName is the metric's name in the site's language.
func (s *site) metricName(id string) string {
	m := s.metric(id)
	if s.lang == "en" {
		return cmp.Or(m.NameEN, m.Name, id)
	}
	return cmp.Or(m.Name, m.NameEN, id)
}

func (s *site) metricHelp(id string) string {
	m := s.metric(id)
	if s.lang == "en" {
		return cmp.Or(m.HelpEN, m.Help)
	}
	return cmp.Or(m.Help, m.HelpEN)
}

// name picks a config name in the site's language.
func (s *site) name(zh, en string) string {
	if s.lang == "en" && en != "" {
		return en
	}
	return cmp.Or(zh, en)
}

// cardsOf returns a unit's scorecards for a period: the one that decides
// its grade first, then the secondary ones, each in scorecard order.
func (s *site) cardsOf(u *unit, period string) []*scoring.Scorecard {
	var out, second []*scoring.Scorecard
	key := u.Key()
	for _, id := range s.defOrder {
		if c := s.cards[cardKey{key, period, id}]; c != nil {
			if c.Secondary {
				second = append(second, c)
			} else {
				out = append(out, c)
			}
		}
	}
	return append(out, second...)
}

// card returns the scorecard that decides a unit's grade for a period (a
// secondary one only when it has no other), or nil.
func (s *site) card(u *unit, period string) *scoring.Scorecard {
	if cs := s.cardsOf(u, period); len(cs) > 0 {
		return cs[0]
	}
	return nil
}

// metricIDs lists a scorecard's metrics: the definition's items in order,
// then any others the result carries, sorted.
func (s *site) metricIDs(c *scoring.Scorecard) []string {
	var ids []string
	if d := s.defFor(c); d != nil {
		for _, it := range d.Items {
			if _, ok := c.Metrics[it.Metric]; ok && !slices.Contains(ids, it.Metric) {
				ids = append(ids, it.Metric)
			}
		}
	}
	var rest []string
	for id := range c.Metrics {
		if !slices.Contains(ids, id) {
			rest = append(rest, id)
		}
	}
	slices.Sort(rest)
	return append(ids, rest...)
}

// defFor returns the scorecard definition a card was scored with: the
// version in force for its period.
func (s *site) defFor(c *scoring.Scorecard) *config.Scorecard {
	for i := range s.cfg.Scorecards {
		if d := &s.cfg.Scorecards[i]; d.ID == c.Scorecard && d.EffectiveFrom == c.Version {
			return d
		}
	}
	return s.defs[c.Scorecard]
}

// item returns the definition's item for a metric of a card.
func (s *site) item(c *scoring.Scorecard, metric string) (config.Item, bool) {
	if d := s.defFor(c); d != nil {
		for _, it := range d.Items {
			if it.Metric == metric {
				return it, true
			}
		}
	}
	return config.Item{}, false
}

// grade returns the config grade with the given ID and its position.
func (s *site) grade(id string) (config.Grade, int) {
	for i, g := range s.cfg.Grades {
		if g.ID == id {
			return g, i
		}
	}
	return config.Grade{ID: id, Name: id}, -1
}

// periodsOf lists the periods of a kind, oldest first. The slice is the
// site's: not to be changed.
func (s *site) periodsOf(kind string) []scoring.Period {
	return s.kindPeriods[kind]
}

// asOf formats the evaluation instant in the organization's time zone.
func (s *site) asOf() string {
	if s.sc.AsOf.IsZero() {
		return dash
	}
	return s.sc.AsOf.In(s.loc).Format("2006-01-02 15:04 MST")
}

func (s *site) when(t time.Time) string {
	if t.IsZero() {
		return dash
	}
	return t.In(s.loc).Format("2006-01-02 15:04")
}
