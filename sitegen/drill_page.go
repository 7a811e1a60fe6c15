package sitegen

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"html/template"
	"runtime"
	"slices"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/kpidesk/kpidesk/scoring"
)

// Drill-down pages: complaints/KIND-ID-MONTH.html (see drill_data.go for
// their data).

type drillView struct {
	Unit     link
	Kind     string
	Month    string
	Metrics  []drillMetric
	Rows     []drillRowView // the first rows, rendered for readers without JavaScript
	Total    int            // complaints behind the page's values
	CapNote  string
	NoScript string // "the first 50 of 1,234 …", when the page renders fewer than it lists
	Command  string
	Scripts  []string // the data files, from the page
	Meta     drillMeta
	// Tools (search, filters) and Head (the columns) are the same on
	// every page with the same metric columns: see (*site).fragment.
	Tools, Head template.HTML
	Chips       []template.HTML // a "drill-chip" fragment per metric
}

// drillColumns is what the "drill-tools" and "drill-head" fragments
// show: the metric columns and the outcome filter's choices.
type drillColumns struct {
	Metrics  []drillMetric
	Outcomes []link // the outcome filter: value (Href) and label
}

type drillMetric struct {
	ID, Name string
	Count    int // complaints counted in the metric
}

type drillRowView struct {
	Key, URL, Title       string
	Created, Resolved     string
	CreatedAt, ResolvedAt string // date and time, the dates' tooltips
	drillAttrs
	Attrs template.HTML // the drillAttrs' "drill-attrs" fragment
	Marks []link        // appeals that excluded or corrected it
	// Cells are the metric columns' cells: a "drill-cell" fragment each,
	// laid end to end, so that a row costs the template one action for
	// them rather than one a column.
	Cells template.HTML
}

// drillAttrs are a row's cells that repeat from row to row.
type drillAttrs struct {
	Status                      string
	Open                        bool
	Priority, Channel, Category string
	Assignee                    string
}

// drillMeta is the page's list for assets/kpidesk.js, in a JSON data
// block that html/template encodes. What every page shares (labels, how
// each metric's outcomes read) is in one data file, drillCommon.
type drillMeta struct {
	Parts []string `json:"parts"` // data keys, in the order of the page's scripts
	// Refs are the rows in list order, as differences: row i is the sum
	// of the first i+1 over the parts laid end to end, where [d, n] stands
	// for n differences of d: an agent's rows sit together in its team's
	// part, so most of its list is one run of 1s.
	Refs []any `json:"refs"`
	Rows int   `json:"rows"` // the rows the page lists
	// Merge and Seq, when shorter, list the rows instead of Refs (then
	// empty): Merge are runs [start, count] of consecutive rows, Seq
	// gives for each row in list order the run it is the next of, in one
	// character of base64Digits a run (two for more than 64 runs). A
	// team's list is its agents' runs merged newest first, which Refs
	// would write as long jumps back and forth.
	Merge    [][2]int `json:"merge,omitempty"`
	Seq      string   `json:"seq,omitempty"`
	Month    string   `json:"month"`    // the month of the data's relative months
	PageRows int      `json:"pageRows"` // rows per page of the list
	Metrics  []string `json:"metrics"`  // the page's metric columns
	Appeals  string   `json:"appeals"`  // appeals.html from the page
}

// drillCommon is data/complaints/common.js of a language's folder: what
// the shared data needs to read in that language.
type drillCommon struct {
	Lang    string                     `json:"lang"`   // the key of the parts' reasons ("zh", "en")
	Agents  map[string]string          `json:"agents"` // display name by agent ID
	Labels  map[string]string          `json:"labels"`
	Metrics map[string]drillMetaMetric `json:"metrics"`
}

type drillMetaMetric struct {
	Dur   bool                 `json:"dur,omitempty"` // measured values are seconds
	Codes map[string][2]string `json:"codes"`         // pattern token → text and class, as outcome shows them
}

// drillCommonKey is the key drillCommon registers under; no part name
// is a single word.
const drillCommonKey = "common"

// wallDate is an instant's date, and its date and time, in the site's
// time zone, as the script writes them from wallMinutes.
func (s *site) wallDate(ms int64) (date, dateTime string) {
	t := time.UnixMilli(ms).In(s.loc)
	return t.Format("2006-01-02"), t.Format("2006-01-02 15:04")
}

// drillLabels are the labels kpidesk.js needs, by their key in the data
// block; dur.* are fmt patterns with %d and %02d only.
var drillLabels = []string{"drill.status.open", "drill.status.resolved", "drill.appeal.x", "drill.appeal.c",
	"drill.page", "drill.nomatch", "drill.shown", "dur.s", "dur.m", "dur.hm", "dur.h"}

// drillPages renders every language's complaints pages and writes their
// data month by month from the spill files, holding one month of rows at
// a time, read once for all languages.
func drillPages(ctx context.Context, sites []*site, spill string) error {
	first := sites[0]
	if len(first.drill) == 0 {
		return nil
	}
	byMonth := make([]map[string][]*drillPage, len(sites))
	for i, s := range sites {
		if err := s.writeDrillCommon(); err != nil {
			return err
		}
		byMonth[i] = map[string][]*drillPage{}
		for _, p := range s.drill {
			byMonth[i][p.month] = append(byMonth[i][p.month], p)
		}
	}
	// A month at a time, every language's pages side by side: one
	// month's records are held at once, whatever the store's size.
	marks := first.appealMarks()
	for _, m := range first.months {
		if len(byMonth[0][m.ID]) == 0 {
			continue
		}
		recs, err := first.monthRecs(spill, m.ID)
		if err != nil {
			return fmt.Errorf("sitegen: %w", err)
		}
		dm := first.layoutMonth(recs, m.ID)
		g, gctx := errgroup.WithContext(ctx)
		g.SetLimit(runtime.GOMAXPROCS(0))
		first.writeParts(gctx, g, dm, marks)
		for i, s := range sites {
			pages := byMonth[i][m.ID]
			slices.SortFunc(pages, func(a, b *drillPage) int { return strings.Compare(a.file, b.file) })
			s.renderMonth(gctx, g, dm, pages, marks)
		}
		if err := g.Wait(); err != nil {
			return err
		}
	}
	return first.writeSearchTickets() // search.go: the parts are all written
}

// writeDrillCommon writes what every drill-down page's script needs.
func (s *site) writeDrillCommon() error {
	c := drillCommon{Lang: s.lang, Agents: map[string]string{}, Labels: map[string]string{}, Metrics: map[string]drillMetaMetric{}}
	for _, u := range s.byKind[scoring.UnitAgent] {
		if u.Name != u.ID {
			c.Agents[u.ID] = u.Name
		}
	}
	for _, k := range drillLabels {
		c.Labels[k] = s.t(k)
	}
	for _, p := range s.drill {
		for _, id := range p.metrics {
			if _, ok := c.Metrics[id]; ok {
				continue
			}
			mm := drillMetaMetric{Dur: s.metric(id).Value == scoring.ValueDuration, Codes: map[string][2]string{}}
			for code, res := range map[string]string{"h": scoring.Hit, "m": scoring.Miss, "p": scoring.Pending, "c": scoring.Counted, "x": scoring.Excluded} {
				o := s.outcome(id, scoring.Outcome{Result: res})
				mm.Codes[code] = [2]string{o.Text, o.Class}
			}
			c.Metrics[id] = mm
		}
	}
	b, err := registerData(drillCommonKey, c)
	if err != nil {
		return err
	}
	return s.writeFile(drillDataDir+drillCommonKey+".js", b)
}

// listRefs writes the positions of a page's rows, in list order, as
// drillMeta.Refs or, when shorter, as Merge and Seq.
func listRefs(at []int) (refs []any, merge [][2]int, seq string) {
	deltas := make([]int, len(at))
	prev := 0
	for i, a := range at {
		deltas[i] = a - prev
		prev = a
	}
	refs = runs(deltas)
	b, _ := json.Marshal(refs)
	// Each row continues the run that ends just before it, else starts
	// one.
	next := map[int]int{} // a run's next position → the run
	var which []int
	for _, a := range at {
		k, ok := next[a]
		if ok {
			delete(next, a)
			merge[k][1]++
		} else {
			k = len(merge)
			merge = append(merge, [2]int{a, 1})
		}
		next[a+1] = k
		which = append(which, k)
	}
	if len(merge) > len(base64Digits)*len(base64Digits) {
		return refs, nil, ""
	}
	width := 1
	if len(merge) > len(base64Digits) {
		width = 2
	}
	var sb strings.Builder
	for _, k := range which {
		if width == 2 {
			sb.WriteByte(base64Digits[k/len(base64Digits)])
		}
		sb.WriteByte(base64Digits[k%len(base64Digits)])
	}
	m, _ := json.Marshal(merge)
	if len(m)+sb.Len()+len(`,"merge":,"seq":""`) >= len(b) {
		return refs, nil, ""
	}
	return []any{}, merge, sb.String()
}

// runs writes a run of 3 or more equal numbers as [d, n], the others as
// they are (drillMeta.Refs).
func runs(ds []int) []any {
	out := []any{}
	for i := 0; i < len(ds); {
		j := i + 1
		for j < len(ds) && ds[j] == ds[i] {
			j++
		}
		if j-i >= 3 {
			out = append(out, [2]int{ds[i], j - i})
		} else {
			for _, d := range ds[i:j] {
				out = append(out, d)
			}
		}
		i = j
	}
	return out
}

// drillColumns lists a page's metric columns for its fragments.
func (s *site) drillColumns(metrics []drillMetric) drillColumns {
	c := drillColumns{Metrics: metrics}
	for _, f := range []string{"", "counted", "miss", "pending", "excluded", "appeal"} {
		c.Outcomes = append(c.Outcomes, link{f, s.t("drill.outcome." + cmp.Or(f, "all"))})
	}
	return c
}

func (s *site) drillPage(p *drillPage, rows []*drillRec, marks map[string][]string) error {
	root := rootOf(p.file)
	u := p.unit
	v := drillView{
		Unit:    link{root + u.File, u.Name},
		Kind:    s.t("kind." + u.Kind),
		Month:   p.month,
		Total:   p.rows,
		Command: "kpidesk explain " + u.Key() + " METRIC " + p.month,
		Meta: drillMeta{
			Month:    p.month,
			PageRows: drillPageRows,
			Appeals:  root + "appeals.html",
			Refs:     []any{},
			Parts:    []string{},
			Metrics:  p.metrics,
		},
	}
	if len(rows) < p.rows {
		v.CapNote = s.tf("drill.cap", len(rows), p.rows)
	}
	if len(rows) > drillFirstRows {
		v.NoScript = s.tf("drill.noscript", drillFirstRows, len(rows))
	}
	for _, id := range p.metrics {
		m := drillMetric{ID: id, Name: s.metricName(id), Count: p.counts[id]}
		chip, err := s.fragment(s.tmpl["complaints.html"], "drill-chip", m, func() any { return m })
		if err != nil {
			return err
		}
		v.Metrics, v.Chips = append(v.Metrics, m), append(v.Chips, chip)
	}
	cols := strings.Join(p.metrics, " ")
	var err error
	if v.Tools, err = s.fragment(s.tmpl["complaints.html"], "drill-tools", cols, func() any { return s.drillColumns(v.Metrics) }); err != nil {
		return err
	}
	if v.Head, err = s.fragment(s.tmpl["complaints.html"], "drill-head", cols, func() any { return s.drillColumns(v.Metrics) }); err != nil {
		return err
	}

	// The parts the rows are in, in name order, laid end to end.
	var parts []*drillPart
	for _, r := range rows {
		if !slices.Contains(parts, r.part) {
			parts = append(parts, r.part)
		}
	}
	slices.SortFunc(parts, func(a, b *drillPart) int { return cmp.Or(a.shard-b.shard, a.no-b.no) })
	offset := map[*drillPart]int{}
	n := 0
	v.Scripts = append(v.Scripts, root+drillDataDir+drillCommonKey+".js")
	for _, pt := range parts {
		offset[pt] = n
		n += len(pt.recs)
		v.Meta.Parts = append(v.Meta.Parts, pt.name)
		v.Scripts = append(v.Scripts, root+s.up+drillDataDir+pt.name+".js")
	}
	at := make([]int, len(rows))
	for i, r := range rows {
		at[i] = offset[r.part] + r.idx
	}
	v.Meta.Refs, v.Meta.Merge, v.Meta.Seq = listRefs(at)
	v.Meta.Rows = len(rows)

	for _, r := range rows[:min(len(rows), drillFirstRows)] {
		rv := drillRowView{Key: cmp.Or(r.Key, r.ID), URL: safeURL(r.URL), Title: r.Title, Created: dash, Resolved: dash,
			drillAttrs: drillAttrs{Assignee: dash, Priority: dash, Channel: dash, Category: dash}}
		if r.At != 0 {
			rv.Created, rv.CreatedAt = s.wallDate(r.At)
		}
		if r.Done != 0 {
			rv.Resolved, rv.ResolvedAt = s.wallDate(r.Done)
		}
		names := s.fieldNames(s.lang, [3]string{r.Priority, r.Channel, r.Category})
		rv.Priority, rv.Channel, rv.Category = cmp.Or(names[0], dash), cmp.Or(names[1], dash), cmp.Or(names[2], dash)
		if r.Agent != "" {
			rv.Assignee = s.agentName(r.Agent)
		}
		rv.Status, rv.Open = s.t("drill.status.resolved"), r.Done == 0 && r.Resolved == ""
		if rv.Open {
			rv.Status = s.t("drill.status.open")
		}
		if rv.Attrs, err = s.fragment(s.tmpl["complaints.html"], "drill-attrs", rv.drillAttrs, func() any { return rv.drillAttrs }); err != nil {
			return err
		}
		for _, m := range marks[r.ID] {
			rv.Marks = append(rv.Marks, link{root + "appeals.html#" + m[1:], s.tf("drill.appeal."+m[:1], m[1:])})
		}
		var cells strings.Builder
		for _, id := range p.metrics {
			var c outcomeCell
			if o, ok := r.Out[id]; ok {
				if o.Result == scoring.Measured {
					// As the data has it, so that the page reads the same
					// once the script renders it.
					o.Seconds = s.measuredValue(id, o.Seconds)
				}
				c = s.outcome(id, o)
			}
			// Measured figures are cached too: shown to the minute or
			// to a tenth, they repeat from row to row.
			cell, err := s.fragment(s.tmpl["complaints.html"], "drill-cell", c, func() any { return c })
			if err != nil {
				return err
			}
			cells.WriteString(string(cell))
		}
		rv.Cells = template.HTML(cells.String())
		v.Rows = append(v.Rows, rv)
	}
	title := u.Name + " · " + p.month + " · " + s.t("drill.title")
	crumbs := append(s.crumbs(root, u), link{root + u.File, u.Name})
	return s.render(p.file, "complaints.html", map[string]string{scoring.UnitTeam: "teams", scoring.UnitAgent: "agents"}[u.Kind], title, crumbs, nil, v)
}
