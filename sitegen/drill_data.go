package sitegen

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/kpidesk/kpidesk/connectors"
	"github.com/kpidesk/kpidesk/internal/reason"
	"github.com/kpidesk/kpidesk/scoring"
)

// The drill-down lists are data that the page renders (issue 15 §3). A
// month's complaints are written once, into data/complaints/MONTH/T-P.js
// at the site's root, which every language shares:
// T numbers the complaint's team (its shard) among the month's teams, P
// splits a shard every drillPartRows rows so that no file grows without
// bound. Each is a script that adds its rows to the global kpideskDrill,
// so that a page opened from file:// can load it with <script src>
// (browsers block fetch of local files) under script-src 'self'.
// A page (complaints/KIND-ID-MONTH.html) names the parts it needs and
// lists its rows as indexes into them, in a JSON data block; it renders
// its first drillFirstRows rows itself, for readers without JavaScript.
//
// A part is one JSON object:
//
//	m  the metric IDs of its outcome patterns
//	u  the URL prefix: a row's URL is u + its key when its URL field is 1
//	p  the key prefix, when some keys are p followed by a number
//	a  the assignees' IDs (data/complaints/common.js of each language
//	   names them)
//	x  the reasons, rendered in each language of the site: {"zh": […],
//	   "en": […]}, the same positions in each
//	q  outcome patterns: one token per metric of m, space-separated: "-"
//	   none, h hit, m miss, p pending, c counted, x excluded, a excluded
//	   by an appeal, v measured (its value is the row's next value), o
//	   another result (its name is the reason); "~N" adds reason x[N]
//	f  the rows' priority, channel and category, as display names in
//	   each language of the site: {"zh": [[priority, channel, category],
//	   …], "en": […]}, "" where the complaint has none, the same
//	   positions in each
//	k  each f entry's priority rank (urgent 0 … low 3, 9 none), for
//	   sorting
//	r  rows: [key, title, url, created, resolved, assignee, pattern,
//	   values, fields, appeals?]: key is the key, or a number d when it
//	   is p followed by a number: the number of the last row before that
//	   has one (0 before the first) plus d; url is 0 (none), 1 (u + key) or the URL
//	   (http and https only); created is minutes of wall-clock time in
//	   the site's time zone from the start of the part's month (negative:
//	   before it; null: unknown); resolved is minutes of wall-clock time
//	   after created (null: open); assignee indexes a (-1: none); pattern
//	   indexes q; values are the measured values (seconds for durations);
//	   fields indexes f (-1: none); appeals marks the accepted appeals
//	   that excluded ("x" + ID) or corrected ("c" + ID) the complaint.
//
// Strings are JSON with <, >, & and U+2028/U+2029 escaped, so no title can
// end a script or a data block. The pages put them in the DOM as text.
//
// The search box reads the same parts for its ticket search (search.go),
// so a part's rows, keys and titles have no second copy.

// drillPageRows is the rows per page of a list; drillFirstRows how many
// a page renders itself, for readers without JavaScript. Those are most
// of a page's bytes and of its rendering time, written once per language:
// 10 keeps a million complaints in two languages well under 200 MiB.
const (
	drillPageRows  = 50
	drillFirstRows = 10
)

// drillPartRows is the most rows of one data file: at about 100 bytes a
// row, well under 1 MiB. A variable for the tests.
var drillPartRows = 4000

// drillPart is one data file of a month.
type drillPart struct {
	name  string // "2025-11/0-0": the key it registers, its path without .js
	shard int
	no    int
	recs  []*drillRec

	agents []string // its a, set when encoded: the search's manifest names their pages
}

// drillMonth is a month's records laid out for its data files and
// pages: the same in every language.
type drillMonth struct {
	id     string
	byPage map[string][]*drillRec // each page's rows by its unit's key, in list order
	parts  []*drillPart
}

// layoutMonth lays out one month's records. Each page's rows are newest
// first, capped at the site's drill-down limit. The records are sorted
// once (in place), and each page takes its rows in that order, rather
// than every page sorting its own: an agent's rows are also its team's.
func (s *site) layoutMonth(recs []*drillRec, month string) *drillMonth {
	if !slices.IsSortedFunc(recs, drillOrder) {
		slices.SortFunc(recs, drillOrder)
	}
	dm := &drillMonth{id: month, byPage: map[string][]*drillRec{}}
	for _, r := range recs {
		for _, k := range r.Pages {
			dm.byPage[k] = append(dm.byPage[k], r)
		}
	}
	limit := s.cfg.Site.Drilldown
	used := map[*drillRec]bool{}
	for k, rs := range dm.byPage {
		if limit > 0 && len(rs) > limit {
			rs = rs[:limit]
		}
		dm.byPage[k] = slices.Clip(rs)
		for _, r := range rs {
			used[r] = true
		}
	}
	// Shards by team, each by assignee then newest first, so that an
	// agent's rows sit together in one part or few.
	shards := map[string][]*drillRec{}
	for _, r := range recs {
		if used[r] {
			shards[r.Team] = append(shards[r.Team], r)
		}
	}
	for i, team := range slices.Sorted(maps.Keys(shards)) {
		rs := shards[team] // newest first, as recs
		slices.SortStableFunc(rs, func(a, b *drillRec) int { return strings.Compare(a.Agent, b.Agent) })
		for no := 0; no*drillPartRows < len(rs); no++ {
			p := &drillPart{name: periodName(month) + "/" + strconv.Itoa(i) + "-" + strconv.Itoa(no), shard: i, no: no}
			p.recs = rs[no*drillPartRows : min(len(rs), (no+1)*drillPartRows)]
			for j, r := range p.recs {
				r.part, r.idx = p, j
			}
			dm.parts = append(dm.parts, p)
		}
	}
	return dm
}

// writeParts queues on g the writing of a month's data files, which
// the first language's folder holds for all.
func (s *site) writeParts(ctx context.Context, g *errgroup.Group, dm *drillMonth, marks map[string][]string) {
	for _, p := range dm.parts {
		g.Go(func() error {
			if err := ctx.Err(); err != nil {
				return err
			}
			b, err := s.encodePart(dm.id, p, marks)
			if err != nil {
				return err
			}
			s.notePart(dm.id, p) // search.go: the ticket search reads the parts
			return s.writeFile(drillDataDir+p.name+".js", b)
		})
	}
}

// renderMonth queues on g the rendering of this language's pages of a
// month. They share only read-only state, and each writes its own file.
func (s *site) renderMonth(ctx context.Context, g *errgroup.Group, dm *drillMonth, pages []*drillPage, marks map[string][]string) {
	for _, p := range pages {
		g.Go(func() error {
			if err := ctx.Err(); err != nil {
				return err
			}
			return s.drillPage(p, dm.byPage[p.unit.Key()], marks)
		})
	}
}

// drillDataDir holds the data files, from the site root.
const drillDataDir = "data/complaints/"

// drillOrder is a list's default order: newest first (by month of
// creation, then key), so that old backlog does not lead.
func drillOrder(a, b *drillRec) int {
	return cmp.Or(strings.Compare(b.Created, a.Created), cmp.Compare(b.At, a.At),
		naturalCompare(cmp.Or(b.Key, b.ID), cmp.Or(a.Key, a.ID)), naturalCompare(b.ID, a.ID))
}

// monthRecs reads back one month's spilled records.
func (s *site) monthRecs(dir, month string) ([]*drillRec, error) {
	b, err := os.ReadFile(s.spillName(dir, month))
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	sr := spillReader{b: b, common: map[string]string{}}
	var out []*drillRec
	for {
		r, err := sr.next()
		if err != nil {
			return nil, fmt.Errorf("read back %s: record %d: %w", month, len(out)+1, err)
		}
		if r == nil {
			return out, nil
		}
		out = append(out, r)
	}
}

// appealMarks lists, by complaint ID, the accepted appeals that excluded
// or corrected it: "x" or "c" then the appeal ID.
func (s *site) appealMarks() map[string][]string {
	out := map[string][]string{}
	if s.opt.Appeals == nil {
		return out
	}
	for _, a := range s.opt.Appeals.Appeals {
		if !a.Decision.Applies() {
			continue
		}
		for _, c := range a.Decision.Changes {
			var id, mark string
			switch {
			case c.Exclude != "":
				id, mark = c.Exclude, "x"+a.ID
			case c.Correct != nil:
				id, mark = c.Correct.Complaint, "c"+a.ID
			default:
				continue
			}
			if !slices.Contains(out[id], mark) {
				out[id] = append(out[id], mark)
			}
		}
	}
	for _, ms := range out {
		slices.Sort(ms)
	}
	return out
}

// safeURL returns u when it is an absolute http or https URL, else "": a
// helpdesk's javascript: or data: link never becomes a link.
func safeURL(u string) string {
	p, err := url.Parse(u)
	if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
		return ""
	}
	return u
}

func parseMonth(m string) (y, mo int, ok bool) {
	ys, ms, found := strings.Cut(m, "-")
	if !found || len(ys) != 4 || len(ms) != 2 {
		return 0, 0, false
	}
	y, err1 := strconv.Atoi(ys)
	mo, err2 := strconv.Atoi(ms)
	return y, mo, err1 == nil && err2 == nil && mo >= 1 && mo <= 12
}

// outcomeToken is a metric's token in an outcome pattern (see above),
// without its reason.
func outcomeToken(o scoring.Outcome) string {
	switch o.Result {
	case scoring.Hit:
		return "h"
	case scoring.Miss:
		return "m"
	case scoring.Pending:
		return "p"
	case scoring.Counted:
		return "c"
	case scoring.Excluded:
		if o.Reason.Code == reason.ExcludedByAppeal {
			return "a"
		}
		return "x"
	case scoring.Measured:
		return "v"
	}
	return "o"
}

// measuredValue rounds a measured value for the data as the page shows
// it: whole seconds for a duration (shown to the minute or the second),
// one decimal otherwise, so that the script's formatting and Go's agree
// (no tie for either to round its own way).
func (s *site) measuredValue(metric string, v float64) float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0
	}
	if s.metric(metric).Value == scoring.ValueDuration {
		return math.Round(v)
	}
	return math.Round(v*10) / 10
}

// encodePart writes one data file.
func (s *site) encodePart(month string, p *drillPart, marks map[string][]string) ([]byte, error) {
	ms := map[string]bool{}
	for _, r := range p.recs {
		for m := range r.Out {
			ms[m] = true
		}
	}
	metrics := s.inMetricOrder(ms)
	urls := make([]string, len(p.recs)) // each row's safeURL, parsed once
	for i, r := range p.recs {
		urls[i] = safeURL(r.URL)
	}
	prefix := urlPrefix(p.recs, urls)
	kp := keyPrefix(p.recs)
	type part struct {
		M []string               `json:"m"`
		U string                 `json:"u"`
		P string                 `json:"p,omitempty"`
		A []string               `json:"a"`
		X map[string][]string    `json:"x"`
		F map[string][][3]string `json:"f"`
		K []int                  `json:"k"`
		Q []string               `json:"q"`
		R [][]any                `json:"r"`
	}
	langs := s.langs
	if len(langs) == 0 {
		langs = []string{s.lang}
	}
	out := part{M: metrics, U: prefix, P: kp, A: []string{}, X: map[string][]string{}, F: map[string][][3]string{}, K: []int{},
		Q: []string{}, R: make([][]any, 0, len(p.recs))}
	for _, l := range langs {
		out.X[l] = []string{}
		out.F[l] = [][3]string{}
	}
	fields := map[[3]string]int{}
	fieldsAt := func(r *drillRec) int {
		k := [3]string{r.Priority, r.Channel, r.Category}
		if k == ([3]string{}) {
			return -1
		}
		i, ok := fields[k]
		if !ok {
			i = len(fields)
			fields[k] = i
			for _, l := range langs {
				out.F[l] = append(out.F[l], s.fieldNames(l, k))
			}
			out.K = append(out.K, priorityRank(r.Priority))
		}
		return i
	}
	base := monthStart(month)
	agents, reasons, patterns := map[string]int{}, map[string]int{}, map[string]int{}
	// reasonAt indexes a reason by its text in every language: two reasons
	// one language words alike may differ in another.
	var keyOf strings.Builder
	reasonAt := func(texts func(lang string) string) int {
		keyOf.Reset()
		for _, l := range langs {
			keyOf.WriteString(texts(l))
			keyOf.WriteByte(0)
		}
		k := keyOf.String()
		i, ok := reasons[k]
		if !ok {
			i = len(reasons)
			reasons[k] = i
			for _, l := range langs {
				out.X[l] = append(out.X[l], texts(l))
			}
		}
		return i
	}
	index := func(m map[string]int, list *[]string, v string) int {
		i, ok := m[v]
		if !ok {
			i = len(*list)
			m[v] = i
			*list = append(*list, v)
		}
		return i
	}
	// seen memoizes reasonAt by the reason itself (its code and arguments,
	// and the result of an "o" outcome), which renders the same text in
	// every language: most rows share a few reasons, and rendering each
	// in every language to find its index costs more than the rest of
	// the row.
	seen := map[string]int{}
	var seenKey []byte
	var tok strings.Builder
	var lastKey int64 // the previous row's key number, after kp
	for ri, r := range p.recs {
		key := cmp.Or(r.Key, r.ID)
		var rowKey any = key
		if pre, n, ok := keyNumber(key); ok && kp != "" && pre == kp {
			rowKey, lastKey = n-lastKey, n
		}
		var link any = 0
		if u := urls[ri]; u != "" {
			link = u
			if prefix != "" && u == prefix+key {
				link = 1
			}
		}
		var created, resolved any
		if r.At != 0 {
			at := s.wallMinutes(r.At)
			created = at - base
			if r.Done != 0 {
				resolved = s.wallMinutes(r.Done) - at
			}
		}
		agent := -1
		if r.Agent != "" {
			agent = index(agents, &out.A, r.Agent)
		}
		tok.Reset()
		values := []float64{}
		for i, m := range metrics {
			if i > 0 {
				tok.WriteByte(' ')
			}
			o, ok := r.Out[m]
			if !ok {
				tok.WriteByte('-')
				continue
			}
			t := outcomeToken(o)
			tok.WriteString(t)
			if t == "v" {
				values = append(values, s.measuredValue(m, o.Seconds))
			}
			if t == "o" || !o.Reason.IsZero() {
				seenKey = o.Reason.AppendBinary(seenKey[:0])
				if t == "o" {
					seenKey = append(append(seenKey, 0), o.Result...)
				}
				i, ok := seen[string(seenKey)]
				if !ok {
					i = reasonAt(func(lang string) string {
						text := reasonText(o.Reason, lang)
						if t == "o" {
							text = strings.TrimSpace(o.Result + " " + text)
						}
						return text
					})
					seen[string(seenKey)] = i
				}
				tok.WriteByte('~')
				tok.WriteString(strconv.Itoa(i))
			}
		}
		row := []any{rowKey, r.Title, link, created, resolved, agent, index(patterns, &out.Q, tok.String()), values, fieldsAt(r)}
		if ms := marks[r.ID]; len(ms) > 0 {
			row = append(row, ms)
		}
		out.R = append(out.R, row)
	}
	p.agents = out.A
	return registerData(p.name, out)
}

// registerData is a data file: a script that adds v, JSON with <, >, &,
// U+2028 and U+2029 escaped, to self.kpideskDrill under key.
func registerData(key string, v any) ([]byte, error) {
	body, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("sitegen: data %s: %w", key, err)
	}
	name, _ := json.Marshal(key)
	var b bytes.Buffer
	b.Grow(len(body) + 80)
	b.WriteString("(self.kpideskDrill=self.kpideskDrill||{})[")
	b.Write(name)
	b.WriteString("]=")
	b.Write(body)
	b.WriteString(";\n")
	return b.Bytes(), nil
}

// unixMilli is t in Unix milliseconds, 0 for the zero time.
func unixMilli(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

// wallMinutes is the wall-clock time of a Unix-millisecond instant in the
// site's time zone, as minutes since 1970-01-01 00:00 of that clock: the
// script adds such minutes to a month's start and reads the date and time
// back as UTC, with no time zone of its own.
func (s *site) wallMinutes(ms int64) int {
	t := time.UnixMilli(ms).In(s.loc)
	_, off := t.Zone()
	return int(math.Floor(float64(t.Unix()+int64(off)) / 60))
}

// monthStart is minutes since 1970-01-01 00:00 at the start of a month
// ID, 0 for anything else.
func monthStart(m string) int {
	y, mo, ok := parseMonth(m)
	if !ok {
		return 0
	}
	return int(time.Date(y, time.Month(mo), 1, 0, 0, 0, 0, time.UTC).Unix() / 60)
}

// fieldNames are a row's priority, channel and category as lang shows
// them, "" for none.
func (s *site) fieldNames(lang string, k [3]string) [3]string {
	t := &site{cfg: s.cfg, lang: lang} // what display names read
	var out [3]string
	if k[0] != "" {
		out[0] = t.priorityName(k[0])
	}
	if k[1] != "" {
		out[1] = t.channelName(k[1])
	}
	if k[2] != "" {
		out[2] = t.categoryName(k[2])
	}
	return out
}

// priorityName is a priority's display name: site.names has none, so
// the label of a normalized priority, else the source's own word.
func (s *site) priorityName(p string) string { return s.displayName(nil, "priority.", p) }

// priorityRank orders priorities from the most urgent, unknown ones last.
func priorityRank(p string) int {
	if i := slices.Index(connectors.Priorities, p); i >= 0 {
		return i
	}
	return 9
}

// reasonText renders a reason in a language ("" for none).
func reasonText(r reason.Reason, lang string) string { return reason.Render(r, lang) }

// keyNumber splits a key that ends in a number written plainly (no
// leading zero, at most 15 digits: exact in JavaScript) into the text
// before it and the number: "SD-12" is "SD-" and 12; "SD-012" is not
// split, for "SD-" + 12 would not give it back.
func keyNumber(key string) (string, int64, bool) {
	prefix, digits := splitDigits(key)
	if digits == "" || len(digits) > 15 || len(digits) > 1 && digits[0] == '0' {
		return "", 0, false
	}
	n, err := strconv.ParseInt(digits, 10, 64)
	return prefix, n, err == nil
}

// keyPrefix is the part's most common text before a key's number
// ("SD-"), so that most rows store their key as a small number: the
// difference from the number of the row before that has one.
func keyPrefix(recs []*drillRec) string {
	n := map[string]int{}
	for _, r := range recs {
		if p, _, ok := keyNumber(cmp.Or(r.Key, r.ID)); ok && p != "" {
			n[p]++
		}
	}
	best := ""
	for p, c := range n {
		if c > n[best] || c == n[best] && p < best {
			best = p
		}
	}
	return best
}

// urlPrefix is the part's most common URL before the key ("https://
// helpdesk.example.com/browse/"), so that most rows store 1, not a URL;
// urls are the records' URLs through safeURL.
func urlPrefix(recs []*drillRec, urls []string) string {
	n := map[string]int{}
	for i, r := range recs {
		key := cmp.Or(r.Key, r.ID)
		if u := urls[i]; u != "" && strings.HasSuffix(u, key) {
			n[strings.TrimSuffix(u, key)]++
		}
	}
	best := ""
	for p, c := range n {
		if c > n[best] || c == n[best] && p < best {
			best = p
		}
	}
	return best
}

// agentName is an assignee's display name.
func (s *site) agentName(id string) string {
	if u := s.units[scoring.UnitAgent+":"+id]; u != nil {
		return u.Name
	}
	return id
}

// inMetricOrder lists metric IDs in catalogue order, then the others
// sorted.
func (s *site) inMetricOrder(set map[string]bool) []string {
	var out []string
	for _, m := range s.opt.Metrics {
		if set[m.ID] {
			out = append(out, m.ID)
		}
	}
	var rest []string
	for m := range set {
		if !slices.Contains(out, m) {
			rest = append(rest, m)
		}
	}
	slices.Sort(rest)
	return append(out, rest...)
}
