package sitegen

import (
	"bufio"
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/kpidesk/kpidesk/scoring"
)

// The drill-down lists (SPEC §4, §12): a complaint belongs to the list of
// a unit, month and metric when its evidence names the unit and the month
// of the metric's cohort is that month. Pages exist for agent and team
// unit-months that have a scorecard; departments and the organization link
// to their teams' pages. The evidence pass here spills each complaint once
// per month it is listed in; drill_data.go writes the months' data files
// and drill_page.go the pages, which render their lists from that data.

type drillKey struct{ unit, month string }

// drillPage is one complaints/<kind>-<id>-<month>.html.
type drillPage struct {
	unit    *unit
	month   string
	file    string
	metrics []string       // columns, in scorecard order
	counts  map[string]int // complaints counted per metric (see counted)
	rows    int            // complaints listed: not excluded from every metric
}

// drillRec is one complaint of one month's lists: its row, written once
// into the month's data whatever the number of pages that list it, and
// the pages (unit keys) that do. Records are spilled to one JSON Lines
// file per month while evidence streams by.
type drillRec struct {
	Team     string                     `json:"s,omitempty"` // the complaint's team: its data shard
	ID       string                     `json:"i"`
	Key      string                     `json:"k,omitempty"`
	Title    string                     `json:"t,omitempty"`
	URL      string                     `json:"l,omitempty"`
	Created  string                     `json:"c,omitempty"`  // month
	Resolved string                     `json:"r,omitempty"`  // month, "" while open
	At       int64                      `json:"ca,omitempty"` // created, Unix milliseconds; 0 unknown
	Done     int64                      `json:"ra,omitempty"` // resolved, Unix milliseconds; 0 while open
	Priority string                     `json:"y,omitempty"`
	Channel  string                     `json:"h,omitempty"`
	Category string                     `json:"g,omitempty"`
	Agent    string                     `json:"a,omitempty"`
	Out      map[string]scoring.Outcome `json:"o"` // the month's outcome per metric of any page listing it
	Pages    []string                   `json:"p"` // unit keys, agent before team

	part *drillPart // set when the month's data is laid out
	idx  int        // its row in part
}

// planDrill creates the drill-down pages: one per agent or team and month
// with a scorecard.
func (s *site) planDrill() {
	if s.opt.Evidence == nil {
		return
	}
	s.drill = map[drillKey]*drillPage{}
	for _, kind := range []string{scoring.UnitAgent, scoring.UnitTeam} {
		for _, u := range s.byKind[kind] {
			for _, p := range s.months {
				cs := s.cardsOf(u, p.ID)
				if len(cs) == 0 {
					continue
				}
				var ms []string
				for _, c := range cs {
					for _, id := range s.metricIDs(c) {
						// Metrics from input files have no complaints to list.
						if !slices.Contains(ms, id) && s.fromComplaints(id) {
							ms = append(ms, id)
						}
					}
				}
				s.drill[drillKey{u.Key(), p.ID}] = &drillPage{
					unit:    u,
					month:   p.ID,
					file:    "complaints/" + u.Kind + "-" + u.slug + "-" + periodName(p.ID) + ".html",
					metrics: ms,
					counts:  map[string]int{},
				}
			}
		}
	}
}

// fromComplaints reports whether a metric's value comes from complaints,
// which a drill-down page lists, rather than from an input file.
func (s *site) fromComplaints(metric string) bool {
	return s.metric(metric).Cohort != scoring.CohortInput
}

// drillHref returns the path from the site root to a unit-month's
// drill-down page, or "" when there is none.
func (s *site) drillHref(u *unit, month string) string {
	if p := s.drill[drillKey{u.Key(), month}]; p != nil {
		return p.file
	}
	return ""
}

// spool is the per-month spill files of the evidence pass.
type spool struct {
	site  *site
	dir   string
	files map[string]*os.File // by month
	bufs  map[string]*bufio.Writer
}

// spillName is the file of a month's rows; months are numbered so that
// no period ID ever becomes part of a path.
func (s *site) spillName(dir, month string) string {
	for i, p := range s.months {
		if p.ID == month {
			return filepath.Join(dir, fmt.Sprintf("%04d.spill", i))
		}
	}
	return filepath.Join(dir, "other.spill")
}

// write appends one record (appendRec) to month's file.
func (sp *spool) write(month string, rec []byte) error {
	w := sp.bufs[month]
	if w == nil {
		f, err := os.Create(sp.site.spillName(sp.dir, month))
		if err != nil {
			return err
		}
		sp.files[month] = f
		w = bufio.NewWriterSize(f, 64<<10)
		sp.bufs[month] = w
	}
	_, err := w.Write(rec)
	return err
}

func (sp *spool) close() error {
	var first error
	for _, m := range slices.Sorted(maps.Keys(sp.files)) {
		if err := sp.bufs[m].Flush(); err != nil && first == nil {
			first = err
		}
		if err := sp.files[m].Close(); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// readEvidence streams the evidence once: it counts each drill-down page's
// complaints, spills their rows to one file per month under dir, and
// infers the team of agents the config does not place (their most
// frequent team). facts, when not nil, collects the search index's
// tickets and the open complaints from the same pass (search.go).
func (s *site) readEvidence(ctx context.Context, dir string, facts *evidenceFacts) error {
	if s.drill == nil {
		return nil
	}
	sp := &spool{site: s, dir: dir, files: map[string]*os.File{}, bufs: map[string]*bufio.Writer{}}
	// The per-line work runs on every core (evidence_pass.go); facts.add
	// and the spill files take the lines here, in evidence order.
	ep := s.startEvidencePass(func(l *passLine, spill []byte) error {
		facts.add(s, l.e)
		return spillRecords(l, spill, sp.write)
	})
	n := 0
	err := s.opt.Evidence(func(e *scoring.Evidence) error {
		if n++; n%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		return ep.feed(e)
	})
	agentTeams := map[string]map[string]int{}
	if perr := ep.finish(agentTeams); perr != nil {
		// The consumer's error stopped the evidence: it is the cause.
		err = perr
	}
	if cerr := sp.close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("sitegen: read evidence: %w", err)
	}
	for _, u := range s.byKind[scoring.UnitAgent] {
		if u.parent != nil {
			continue
		}
		best, bestN := "", 0
		for team, c := range agentTeams[u.ID] {
			if c > bestN || c == bestN && team < best {
				best, bestN = team, c
			}
		}
		if best != "" {
			u.parent = s.units[scoring.UnitTeam+":"+best]
		}
	}
	return nil
}

// counted reports whether an outcome is in its metric's denominator: a
// hit or a miss, a measured value, or a counted complaint. Pending and
// excluded complaints are shown but not counted.
func counted(o scoring.Outcome) bool {
	switch o.Result {
	case scoring.Hit, scoring.Miss, scoring.Measured, scoring.Counted:
		return true
	}
	return false
}

// cohortMonths lists the months of an evidence period: one month
// ("2025-10"), or for a snapshot metric such as the backlog the months at
// whose end the complaint was open ("2025-10..2025-12").
func cohortMonths(p string) []string {
	from, to, isRange := strings.Cut(p, "..")
	if p == "" {
		return nil
	}
	if !isRange {
		return []string{p}
	}
	var y1, m1, y2, m2 int
	if _, err := fmt.Sscanf(from+" "+to, "%d-%d %d-%d", &y1, &m1, &y2, &m2); err != nil {
		return nil
	}
	var out []string
	for y, m := y1, m1; y < y2 || (y == y2 && m <= m2); {
		out = append(out, fmt.Sprintf("%04d-%02d", y, m))
		if m++; m > 12 {
			y, m = y+1, 1
		}
	}
	return out
}
