package sitegen

import (
	"context"
	"html/template"
	"path"
	"runtime"
	"slices"
	"strings"
	"sync"

	"golang.org/x/sync/errgroup"

	"github.com/kpidesk/kpidesk/scoring"
)

// Every period's scorecard (issue 15 §1). A unit's main page (agent/x.html,
// org.html) shows its latest complete month, as it always has; each other
// period the unit has a scorecard in gets a page in a folder named after
// the main page: agent/x/2025-Q4.html, org/2025.html. A folder, not a
// suffix, so that no unit's main page can take another's period page
// ("x.2025" against "x" + "2025"), and every link stays relative: rootOf
// counts the extra level. Period pages are lean: the scorecards, the
// breakdown for the period and the period switcher; the trend chart and
// the history stay on the main page, which they link to.

// scorecardPages writes every unit's main page and its period pages, side
// by side: they share only read-only state, and each writes its own file.
func (s *site) scorecardPages(ctx context.Context) error {
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(runtime.GOMAXPROCS(0))
	for _, kind := range []string{scoring.UnitOrg, scoring.UnitDepartment, scoring.UnitTeam, scoring.UnitAgent} {
		for _, u := range s.byKind[kind] {
			for _, p := range append([]string{s.monthOf(u)}, s.periodPages(u)...) {
				g.Go(func() error {
					if err := gctx.Err(); err != nil {
						return err
					}
					return s.scorecardPage(u, p)
				})
			}
		}
	}
	return g.Wait()
}

// periodKinds are the kinds of period in the order the switcher and the
// history show them.
var periodKinds = []string{scoring.Month, scoring.Quarter, scoring.Half, scoring.Year}

// periodSwitch is the period switcher of a scorecard page: the unit's
// periods grouped by kind, oldest first, the page's own marked. Plain
// links, so it works without JavaScript.
type periodSwitch struct {
	Rows []template.HTML // a "period-row" fragment per kind of period
}

type periodGroup struct {
	Label string
	Links []template.HTML // a "period-link" fragment each
}

type periodLink struct {
	Href, Text string
	Current    bool
	Partial    bool // the period is not complete at as_of
}

// delta is a change against the previous period of the same kind as a
// page shows it: the text change writes ("▲ 2.3 分", "▼ 1.2 个百分点", "—"),
// a class saying whether it is good news for the metric (good, bad, flat
// when it shows as zero, none without a previous value, "" when the
// metric has no direction), and Vs, what it is compared with ("较 2025-Q3").
// The arrow is in the text, so the colour is never the only sign.
type delta struct {
	Text, Class, Vs string
}

// pageOf is the file, from the site root, of u's scorecard page for a
// period: the main page for the month it shows, a page in its folder for
// any other period it has a scorecard in, "" for a period it has none in.
func (s *site) pageOf(u *unit, period string) string {
	if period == s.monthOf(u) {
		return u.File
	}
	if s.card(u, period) == nil {
		return ""
	}
	return strings.TrimSuffix(u.File, ".html") + "/" + periodName(period) + ".html"
}

// linkOf is u's page for a period, or its main page when it has no
// scorecard in the period.
func (s *site) linkOf(u *unit, period string) string {
	if f := s.pageOf(u, period); f != "" {
		return f
	}
	return u.File
}

// periodPages lists the periods that get a page of their own for u: every
// period it has a scorecard in but the month of its main page.
func (s *site) periodPages(u *unit) []string {
	main := s.monthOf(u)
	var out []string
	for _, kind := range periodKinds {
		for _, p := range s.periodsOf(kind) {
			if p.ID != main && s.card(u, p.ID) != nil {
				out = append(out, p.ID)
			}
		}
	}
	return out
}

// periodSwitch builds the switcher of u's page file for current. The
// pages of one folder of u show the same rows but the current period's,
// and that one differs only in the current period's link: each folder's
// rows and links are rendered once (switchRows), and a page renders only
// its own link and the row that holds it.
func (s *site) periodSwitch(file string, u *unit, current string) (*periodSwitch, error) {
	rows, err := s.switchRows(file, u)
	if err != nil {
		return nil, err
	}
	var sw periodSwitch
	n := 0
	for _, r := range rows {
		n += len(r.periods)
		i := slices.IndexFunc(r.periods, func(p scoring.Period) bool { return p.ID == current })
		if i < 0 {
			sw.Rows = append(sw.Rows, r.row)
			continue
		}
		g := periodGroup{Label: s.t("period." + r.kind), Links: slices.Clone(r.links)}
		p := r.periods[i]
		g.Links[i], err = s.fragment(s.tmpl["unit.html"], "period-link", nil, func() any {
			return periodLink{Href: path.Base(file), Text: p.ID, Current: true, Partial: p.Partial}
		})
		if err != nil {
			return nil, err
		}
		row, err := s.fragment(s.tmpl["unit.html"], "period-row", nil, func() any { return g })
		if err != nil {
			return nil, err
		}
		sw.Rows = append(sw.Rows, row)
	}
	if n < 2 {
		return nil, nil // nothing to switch to
	}
	return &sw, nil
}

// switchRow is a row of the period switcher as a folder of a unit's
// pages shows it when the current period is of another kind.
type switchRow struct {
	kind    string
	periods []scoring.Period // those with a page, oldest first
	links   []template.HTML  // a "period-link" fragment each, none current
	row     template.HTML    // the "period-row" of links
}

type switchKey struct{ dir, unit string }

// switches caches switchRows by folder and unit.
type switches struct {
	mu sync.Mutex
	m  map[switchKey][]switchRow
}

// switchRows renders the switcher's rows for the folder of file, once.
func (s *site) switchRows(file string, u *unit) ([]switchRow, error) {
	key := switchKey{path.Dir(file), u.Key()}
	s.switches.mu.Lock()
	rows, ok := s.switches.m[key]
	s.switches.mu.Unlock()
	if ok {
		return rows, nil
	}
	for _, kind := range periodKinds {
		r := switchRow{kind: kind}
		for _, p := range s.periodsOf(kind) {
			f := s.pageOf(u, p.ID)
			if f == "" {
				continue
			}
			l := periodLink{Href: relTo(file, f), Text: p.ID, Partial: p.Partial}
			h, err := s.fragment(s.tmpl["unit.html"], "period-link", nil, func() any { return l })
			if err != nil {
				return nil, err
			}
			r.periods, r.links = append(r.periods, p), append(r.links, h)
		}
		if len(r.periods) == 0 {
			continue
		}
		g := periodGroup{Label: s.t("period." + kind), Links: r.links}
		var err error
		if r.row, err = s.fragment(s.tmpl["unit.html"], "period-row", nil, func() any { return g }); err != nil {
			return nil, err
		}
		rows = append(rows, r)
	}
	s.switches.mu.Lock()
	if s.switches.m == nil {
		s.switches.m = map[switchKey][]switchRow{}
	}
	s.switches.m[key] = rows
	s.switches.mu.Unlock()
	return rows, nil
}

// relTo is the relative link from the page from to the file to, both
// paths from the site root: "2025-Q3.html" between periods of a unit,
// "../x.html" to its main page, rather than a way through the root that
// dozens of switcher links on thousands of pages would repeat.
func relTo(from, to string) string {
	dirs := strings.Split(from, "/")
	dirs = dirs[:len(dirs)-1]
	parts := strings.Split(to, "/")
	common := 0
	for common < len(dirs) && common < len(parts)-1 && dirs[common] == parts[common] {
		common++
	}
	return strings.Repeat("../", len(dirs)-common) + strings.Join(parts[common:], "/")
}

// previousPeriod is the period of the same kind just before id: the
// latest that starts before it, and only when it ends where id starts,
// so that a change is never taken across a gap. "" for none.
func (s *site) previousPeriod(id string) string {
	p, ok := s.periods[id]
	if !ok {
		return ""
	}
	prev := ""
	for _, q := range s.sc.Periods {
		if q.Kind == p.Kind && q.Start.Before(p.Start) && (prev == "" || q.Start.After(s.periods[prev].Start)) {
			prev = q.ID
		}
	}
	if prev != "" && !s.periods[prev].End.IsZero() && !s.periods[prev].End.Equal(p.Start) {
		return ""
	}
	return prev
}

// prevCard is the card of c's unit and scorecard for the period before
// c's, nil when there is none: the other side of every delta.
func (s *site) prevCard(c *scoring.Scorecard) *scoring.Scorecard {
	if c == nil {
		return nil
	}
	prev := s.previousPeriod(c.Period)
	if prev == "" {
		return nil
	}
	return s.cards[cardKey{c.Unit.Key(), prev, c.Scorecard}]
}

// deltaVs completes a delta with what it compares with: the period
// before c's, or that there is none to compare with.
func (s *site) deltaVs(d delta, c *scoring.Scorecard) delta {
	if c == nil {
		return d
	}
	if prev := s.previousPeriod(c.Period); prev != "" {
		d.Vs = s.tf("change.vs", prev)
	}
	if d.Class == "none" {
		d.Vs = s.t("change.none")
	}
	return d
}
