package sitegen

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/kpidesk/kpidesk/scoring"
	"github.com/kpidesk/kpidesk/scoring/appeals"
)

// Published is what an earlier build published of one complete period:
// the first snapshot kpidesk build --snapshot kept of it (issue 16 §4).
// The site compares this run's scorecards of the period with it and shows
// where they differ, "changed since published", with why.
type Published struct {
	Period string
	// At is when it was published (the snapshot was taken); AsOf is the
	// evaluation instant it was scored as of.
	At, AsOf time.Time
	// Version is the config version in force for the period then
	// (scoring.Scores.Versions).
	Version string
	// Appeals are the IDs of the appeals whose decisions applied then
	// (accepted, fully or in part).
	Appeals []string
	// Scorecards are the period's scorecards as published.
	Scorecards []scoring.Scorecard
	// File names the snapshot for the reader ("2026-09/0001.json").
	File string
}

// publishedIndex is this run's changes against Options.Published, built
// once per site (publishedChanges).
type publishedIndex struct {
	cards   map[cardKey]*pubChange
	periods []*pubPeriod // the latest period first
}

// pubPeriod is one published period whose scorecards changed since.
type pubPeriod struct {
	pub     *Published
	version string       // the config version in force now, when it differs from pub.Version
	gone    []string     // appeals applied when published that no longer apply
	changes []*pubChange // in scoring.Changes order
}

// pubChange is one scorecard changed since published, with the appeals
// applied since that reach it.
type pubChange struct {
	scoring.ScorecardChange
	period  *pubPeriod
	appeals []string // sorted
}

// publishedChanges compares the scorecards of each published period with
// this run's, once per site; pages render on several goroutines.
func (s *site) publishedChanges() *publishedIndex {
	s.pubOnce.Do(func() { s.pub = s.comparePublished() })
	return s.pub
}

func (s *site) comparePublished() *publishedIndex {
	ix := &publishedIndex{cards: map[cardKey]*pubChange{}}
	if len(s.opt.Published) == 0 {
		return ix
	}
	applied := map[string]*appeals.Appeal{} // ID → an appeal whose decision applies now
	if s.opt.Appeals != nil {
		for i := range s.opt.Appeals.Appeals {
			if a := &s.opt.Appeals.Appeals[i]; a.Decision.Applies() {
				applied[a.ID] = a
			}
		}
	}
	byPeriod := map[string][]scoring.Scorecard{}
	for _, c := range s.sc.Scorecards {
		byPeriod[c.Period] = append(byPeriod[c.Period], c)
	}
	for i := range s.opt.Published {
		pub := &s.opt.Published[i]
		p, ok := s.periods[pub.Period]
		if !ok || p.Partial {
			// A period this run does not score, or scores as not yet
			// complete (an earlier --as-of): nothing to compare.
			continue
		}
		old := &scoring.Scores{Periods: []scoring.Period{p}, Scorecards: pub.Scorecards}
		now := &scoring.Scores{Periods: []scoring.Period{p}, Scorecards: byPeriod[pub.Period]}
		changes := scoring.Changes(old, now)
		if len(changes) == 0 {
			continue
		}
		pp := &pubPeriod{pub: pub}
		if v := s.sc.Versions[pub.Period]; v != pub.Version {
			pp.version = cmp.Or(pub.Version, dash) + " → " + cmp.Or(v, dash)
		}
		var since []*appeals.Appeal // applied now, not when published
		for id, a := range applied {
			if !slices.Contains(pub.Appeals, id) {
				since = append(since, a)
			}
		}
		for _, id := range pub.Appeals {
			if applied[id] == nil {
				pp.gone = append(pp.gone, id)
			}
		}
		slices.Sort(pp.gone)
		for _, c := range changes {
			pc := &pubChange{ScorecardChange: c, period: pp}
			for _, a := range since {
				if s.appealReaches(a, c) {
					pc.appeals = append(pc.appeals, a.ID)
				}
			}
			slices.Sort(pc.appeals)
			pp.changes = append(pp.changes, pc)
			ix.cards[cardKey{c.Unit.Key(), c.Period, c.Scorecard}] = pc
		}
		ix.periods = append(ix.periods, pp)
	}
	slices.SortStableFunc(ix.periods, func(a, b *pubPeriod) int {
		pa, pb := s.periods[a.pub.Period], s.periods[b.pub.Period]
		return cmp.Or(pb.End.Compare(pa.End), pb.Start.Compare(pa.Start), strings.Compare(a.pub.Period, b.pub.Period))
	})
	return ix
}

// appealReaches reports whether an applied appeal can have changed the
// scorecard of a change (docs/appeals.md, "What scoring does with a
// decision"): an exclusion or a correction reaches the appeal's unit and
// every unit above it (team, department, organization) in every period
// that overlaps the appeal's; an override of points only the appeal's own
// unit, period and scorecard.
func (s *site) appealReaches(a *appeals.Appeal, c scoring.ScorecardChange) bool {
	complaints := false
	for _, ch := range a.Decision.Changes {
		if ch.OverridePoints == nil {
			complaints = true
		}
	}
	if !complaints {
		return a.Unit == c.Unit.Key() && a.Period == c.Period && (a.Scorecard == "" || a.Scorecard == c.Scorecard)
	}
	return s.unitWithin(a.Unit, c.Unit) && s.periodsOverlap(a.Period, c.Period)
}

// unitWithin reports whether the unit key is u or a unit under it.
func (s *site) unitWithin(key string, u scoring.Unit) bool {
	if u.Kind == scoring.UnitOrg || key == u.Key() {
		return true
	}
	for x := s.units[key]; x != nil; x = x.parent {
		if x.Key() == u.Key() {
			return true
		}
	}
	return false
}

// periodsOverlap reports whether two periods share time; a period this
// run does not know overlaps only itself.
func (s *site) periodsOverlap(a, b string) bool {
	pa, oka := s.periods[a]
	pb, okb := s.periods[b]
	if !oka || !okb {
		return a == b
	}
	return pa.Start.Before(pb.End) && pb.Start.Before(pa.End)
}

// publishedCard is the "changed since published" block of a scorecard.
type publishedCard struct {
	At                 string // when it was published
	OldFinal, NewFinal string
	OldGrade, NewGrade string
	Metrics            int    // metrics whose figures moved
	Appeals            []link // applied since, to their rows on appeals.html
	Version            string // "old → new" when the config version differs
}

// publishedCard is the block of u's scorecard c, nil when c has not
// changed since published (or nothing was).
func (s *site) publishedCard(root string, u *unit, c *scoring.Scorecard) *publishedCard {
	pc := s.publishedChanges().cards[cardKey{u.Key(), c.Period, c.Scorecard}]
	if pc == nil {
		return nil
	}
	v := &publishedCard{At: s.when(pc.period.pub.At), Metrics: len(pc.Metrics), Version: pc.period.version}
	v.OldFinal, v.NewFinal = s.finalPair(pc.Old, pc.New)
	v.OldGrade, v.NewGrade = s.pubGrade(pc.Old), s.pubGrade(pc.New)
	v.Appeals = s.appealLinks(root, pc.appeals)
	return v
}

// appealLinks links appeal IDs to their rows on appeals.html (root leads
// to it); an ID the appeals file no longer has is text.
func (s *site) appealLinks(root string, ids []string) []link {
	var out []link
	for _, id := range ids {
		l := link{Text: id}
		if _, ok := s.opt.Appeals.Lookup(id); ok {
			l.Href = root + "appeals.html#" + id
		}
		out = append(out, l)
	}
	return out
}

// finalPair is the final scores of a change as the site shows them, with
// as many more decimals as it takes for two different scores not to read
// the same ("72.5 → 72.5" would hide the change).
func (s *site) finalPair(old, new *scoring.CardFigures) (string, string) {
	var a, b *float64
	if old != nil {
		a = old.Final
	}
	if new != nil {
		b = new.Final
	}
	x, y := s.finalText(a), s.finalText(b)
	if a == nil || b == nil || *a == *b {
		return x, y
	}
	for p := 2; x == y && p <= 6; p++ {
		x, y = fixed(*a, p), fixed(*b, p)
	}
	return x, y
}

// pubGrade is a grade of a change in words: "no data" for a scorecard
// without data, a dash for none.
func (s *site) pubGrade(f *scoring.CardFigures) string {
	switch {
	case f == nil:
		return dash
	case f.Status == scoring.ScorecardNoData:
		return s.t("nodata")
	}
	return s.gradeView(f.Grade).Name
}

// publishedPeriod is one period of the "changed since published" section
// of appeals.html.
type publishedPeriod struct {
	Period  string
	At      string // when it was published
	File    string // the snapshot
	Version string // "old → new" when the config version differs
	Gone    string // appeals applied then that no longer apply, listed
	Rows    []publishedRow
	Others  int // scorecards whose metrics moved but not their final or grade
}

// publishedRow is a scorecard whose final score or grade moved.
type publishedRow struct {
	Unit               link
	Scorecard          string
	OldFinal, NewFinal string
	OldGrade, NewGrade string
	Metrics            int
	Appeals            []link
}

// publishedPeriods lists the periods changed since published for
// appeals.html (root leads from the page to the site root), the latest
// first: the scorecards whose final score or grade moved.
func (s *site) publishedPeriods(root string) []publishedPeriod {
	var out []publishedPeriod
	for _, pp := range s.publishedChanges().periods {
		v := publishedPeriod{Period: pp.pub.Period, At: s.when(pp.pub.At), File: pp.pub.File, Version: pp.version,
			Gone: strings.Join(pp.gone, s.t("list.sep"))}
		for _, c := range pp.changes {
			if !c.Moved() {
				v.Others++
				continue
			}
			r := publishedRow{Unit: s.pubUnit(root, c.Unit), Scorecard: s.scorecardName(c.Scorecard), Metrics: len(c.Metrics),
				Appeals: s.appealLinks(root, c.appeals)}
			r.OldFinal, r.NewFinal = s.finalPair(c.Old, c.New)
			r.OldGrade, r.NewGrade = s.pubGrade(c.Old), s.pubGrade(c.New)
			v.Rows = append(v.Rows, r)
		}
		out = append(out, v)
	}
	return out
}

// pubUnit is a unit of a change, linked to its page when the site has one.
func (s *site) pubUnit(root string, u scoring.Unit) link {
	if v := s.units[u.Key()]; v != nil {
		return link{root + v.File, v.Name}
	}
	return link{Text: cmp.Or(u.Name, u.Key())}
}

// summaryPublishedRows caps the rows of summary.md's "changed since
// published" section; appeals.html lists them all.
const summaryPublishedRows = 50

// summaryPublished writes summary.md's "changed since published" section
// (nothing when no published period changed): per period, the
// scorecards whose final score or grade moved, old → new, and why. Every
// name is escaped by md.
func (s *site) summaryPublished(w func(format string, args ...any)) {
	periods := s.publishedChanges().periods
	if len(periods) == 0 {
		return
	}
	w("### %s\n\n", md(s.t("published.changed")))
	shown, more := 0, 0
	for _, pp := range periods {
		head := []string{"**" + md(pp.pub.Period) + "**", md(s.tf("published.on", s.when(pp.pub.At)))}
		if pp.version != "" {
			head = append(head, md(s.t("published.version")+" "+pp.version))
		}
		if len(pp.gone) > 0 {
			head = append(head, md(s.t("published.gone")+" "+strings.Join(pp.gone, s.t("list.sep"))))
		}
		w("%s\n\n", strings.Join(head, " · "))
		others, rows := 0, 0
		for _, c := range pp.changes {
			if !c.Moved() {
				others++
				continue
			}
			if shown >= summaryPublishedRows {
				more++
				continue
			}
			if rows == 0 {
				w("| %s | %s | %s | %s | %s |\n|---|---|---:|---|---|\n", md(s.t("summary.unit")), md(s.t("scorecard")),
					md(s.t("final")), md(s.t("grade")), md(s.t("published.why")))
			}
			rows++
			shown++
			unit := md(cmp.Or(c.Unit.Name, c.Unit.Key()))
			if u := s.units[c.Unit.Key()]; u != nil {
				unit = s.unitLink(u)
			}
			oldFinal, newFinal := s.finalPair(c.Old, c.New)
			w("| %s | %s | %s | %s | %s |\n", unit, md(s.scorecardName(c.Scorecard)),
				md(oldFinal+" → "+newFinal), md(s.pubGrade(c.Old)+" → "+s.pubGrade(c.New)), md(s.pubWhy(c)))
		}
		if rows > 0 {
			w("\n")
		}
		if others > 0 {
			w("%s\n\n", md(s.tf("published.others", others)))
		}
	}
	if more > 0 {
		w("%s\n\n", md(s.tf("published.more", more)))
	}
}

// pubWhy says why a scorecard changed, as plain text: the appeals applied
// since that reach it, and how many of its metrics moved.
func (s *site) pubWhy(c *pubChange) string {
	var parts []string
	if len(c.appeals) > 0 {
		parts = append(parts, s.t("appeals")+" "+strings.Join(c.appeals, s.t("list.sep")))
	}
	parts = append(parts, s.tf("published.metrics", len(c.Metrics)))
	return strings.Join(parts, s.t("summary.marksep"))
}

// EscapeMarkdown escapes text for GitHub-flavoured Markdown as summary.md
// does (md): inside a line or a table cell, a helpdesk's text shows as
// text, never as markup. kpidesk compare writes its report with it.
func EscapeMarkdown(text string) string { return md(text) }
