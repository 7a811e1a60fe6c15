package sitegen

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/kpidesk/kpidesk/internal/jsonstr"
	"github.com/kpidesk/kpidesk/scoring"
)

// The search box (issue 15 §4): every page's header has one, over the
// units (organization, departments, teams, agents: names in the page's
// language and IDs) and the tickets (keys and titles). Its index is data
// files that assets/kpidesk.js injects with <script src> on the first
// focus of the box, so that it costs nothing until used and works from
// file:// (browsers block fetch of local files), under script-src 'self':
//
//	LANG/data/search/units.js  per language: the labels of the results,
//	                           the kinds' names and the units
//	data/search/tickets.js     the tickets' manifest: the drill-down data
//	                           parts, newest month first
//
// The tickets have no copy of their own: a ticket search reads the
// drill-down data parts (data/complaints/MONTH/T-P.js, drill_data.go),
// which hold every listed complaint's key, title and URL already. The
// manifest says which parts a query needs and where a row's link goes.
// It is written when the last month's parts are (searchParts), since the
// parts are laid out only then.
//
// A complaint listed in several months is in several months' parts; the
// search shows it once, from the newest month that lists it: a title
// search reads the newest parts first and may stop before older ones (the
// budget of kpidesk.js), so the newest month is the one a key search and
// a title search agree on without reading every month. (The index of
// version 1 linked the oldest month instead.) A complaint beyond every
// list's cap (site.drilldown) is in no part and so not found.
//
// tickets.js is {"n": rows, "b": searchBudget, "d": the parts' folder, "p": [drill-down
// page, …], "s": [[part, month, rows, keys, scan, team, agents, rows'
// pages?], …]}: part is the data's key ("2025-11/0-0", at d + part +
// ".js", d from the site's root: "data/complaints/"); keys lists
// [prefix, lowest, highest] ranges of the part's keys that end in a
// number ("SD-", 12, 980), at most searchRanges per prefix, cut at the
// widest gaps, so that a backlog's few old keys do not make a part a
// candidate for every key between; scan is 1 when some key ends in no
// number. So a key search loads only the parts that may hold the key. A
// row links to the page (an index into p, -1 none) that lists it: its
// assignee's (agents[row's assignee index]) when that is not -1, else the
// team's (team); the optional last element lists [row, page] pairs for
// rows that rule does not give (a row on its team's list only). Strings
// are JSON with <, >, & and U+2028/U+2029 escaped, like the drill-down
// data (registerData): no key can end a script. The page puts keys and
// titles in the DOM as text.

// searchBudget is how many rows of parts a title search reads at first,
// newest first ("b" of the manifest); the search box's "more" reads as
// many again. A variable for the tests.
var searchBudget = 30000

// searchRanges caps the key ranges of one prefix in a part: the part's
// entry in the manifest stays a few hundred bytes.
const searchRanges = 8

// searchDir holds the index, from a language's root and the site's root.
const searchDir = "data/search/"

// searchLabels are the labels kpidesk.js's search needs.
var searchLabels = []string{"search.units", "search.tickets", "search.none", "search.loading", "search.more", "search.open", "search.row"}

// openShown is how many of the oldest open complaints the data-quality
// page lists.
const openShown = 20

// openTitleRunes caps a title on the data-quality page: a 10,000-character
// title must not make the page.
const openTitleRunes = 160

// evidenceFacts is what the evidence pass learns beside the drill-down
// lists (drill.go readEvidence): the open complaints by age for the
// data-quality page (quality.go). Only the first language's site reads
// the evidence; every language uses its facts. The search index needs
// nothing from the pass: it reads the drill-down data parts.
type evidenceFacts struct {
	read bool // the evidence was read
	open openFacts
}

// openFacts are the complaints still open at as_of.
type openFacts struct {
	total   int
	byMonth map[string]int // by month of creation
	oldest  []openComplaint
}

// openComplaint is one open complaint: the month it was created in and,
// when the evidence gives it, the instant (its exact age, quality.go).
type openComplaint struct {
	Key, Title, URL, Team, Agent, Created string
	At                                    time.Time
}

// newEvidenceFacts makes the facts of one evidence pass.
func newEvidenceFacts() *evidenceFacts {
	return &evidenceFacts{open: openFacts{byMonth: map[string]int{}}}
}

// factPages writes what a language's site makes of the facts: its
// search units and the data-quality page; the first language of a site
// without drill-down lists also an empty tickets' manifest (with lists,
// drillPages writes it once every part is: writeSearchTickets).
func (s *site) factPages(ctx context.Context, f *evidenceFacts) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if s.up == "" && len(s.drill) == 0 {
		if err := s.writeFile(searchDir+"tickets.js", dataScript("search:tickets", []byte(`{"n":0,"p":[],"s":[]}`))); err != nil {
			return err
		}
	}
	if err := s.writeSearchUnits(); err != nil {
		return err
	}
	return s.qualityPage(f)
}

// add takes one evidence line, in evidence order: the open complaints
// are collected (the search reads the lists' own data).
func (f *evidenceFacts) add(s *site, e *scoring.Evidence) {
	if f == nil {
		return
	}
	f.read = true
	created := e.Periods[scoring.CohortCreated]
	if created != "" && e.Periods[scoring.CohortResolved] == "" && (len(s.cfg.Kinds) == 0 || slices.Contains(s.cfg.Kinds, e.Kind)) {
		f.addOpen(e, created)
	}
}

func (f *evidenceFacts) addOpen(e *scoring.Evidence, created string) {
	o := &f.open
	o.total++
	o.byMonth[created]++
	c := openComplaint{Key: cmp.Or(e.Key, e.ID), Title: clip(e.Title, openTitleRunes), URL: safeURL(e.URL), Team: e.Team, Agent: e.Agent, Created: created,
		At: e.Created}
	if len(o.oldest) >= openShown && openOrder(c, o.oldest[len(o.oldest)-1]) >= 0 {
		return
	}
	i, _ := slices.BinarySearchFunc(o.oldest, c, openOrder)
	o.oldest = slices.Insert(o.oldest, i, c)
	if len(o.oldest) > openShown {
		o.oldest = o.oldest[:openShown]
	}
}

// openOrder is oldest first, then by key.
func openOrder(a, b openComplaint) int {
	return cmp.Or(strings.Compare(a.Created, b.Created), a.At.Compare(b.At), naturalCompare(a.Key, b.Key))
}

// clip cuts s to n runes, marking the cut with "…".
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	i := 0
	for j := range s {
		if i == n {
			return s[:j] + "…"
		}
		i++
	}
	return s
}

// searchPart is one data part's entry in the tickets' manifest.
type searchPart struct {
	name, month string
	shard, no   int
	rows        int
	keys        [][3]any // prefix, lowest, highest
	scan        bool
	team        string   // the team's page file, "" none
	agents      []string // the assignees' page files, in the part's a order; "" none
	rowPages    map[int]string
	nums        map[string][]int64 // its keys' numbers by lowercase prefix, for the month's key index
}

// searchParts collects a site's parts for the manifest as writeParts
// writes them (notePart), on several goroutines, until the last month's
// are written (writeSearchTickets).
type searchParts struct {
	mu    sync.Mutex
	parts []searchPart
}

// notePart records a part of month for the manifest, once its data is
// encoded (p.agents set). It runs on the month's goroutines.
func (s *site) notePart(month string, p *drillPart) {
	sp := searchPart{name: p.name, month: month, shard: p.shard, no: p.no, rows: len(p.recs), keys: [][3]any{}}
	pageOf := func(key string) string {
		if dp := s.drill[drillKey{key, month}]; dp != nil {
			return dp.file
		}
		return ""
	}
	if len(p.recs) > 0 && p.recs[0].Team != "" {
		sp.team = pageOf(scoring.UnitTeam + ":" + p.recs[0].Team)
	}
	agentAt := map[string]int{}
	for i, a := range p.agents {
		agentAt[a] = i
		sp.agents = append(sp.agents, pageOf(scoring.UnitAgent+":"+a))
	}
	nums := map[string][]int64{}
	sp.nums = nums
	for j, r := range p.recs {
		key := cmp.Or(r.Key, r.ID)
		if kp, n, ok := searchKeyNumber(key); ok {
			nums[kp] = append(nums[kp], n)
		} else {
			sp.scan = true
		}
		// The page the row links to: the first that lists it (agent
		// before team, drillRec.Pages).
		want := ""
		if len(r.Pages) > 0 {
			want = pageOf(r.Pages[0])
		}
		got := sp.team
		if i, ok := agentAt[r.Agent]; ok && r.Agent != "" && sp.agents[i] != "" {
			got = sp.agents[i]
		}
		if got != want {
			if sp.rowPages == nil {
				sp.rowPages = map[int]string{}
			}
			sp.rowPages[j] = want
		}
	}
	for _, kp := range slices.Sorted(maps.Keys(nums)) {
		for _, r := range searchKeyRanges(nums[kp], searchRanges) {
			sp.keys = append(sp.keys, [3]any{kp, r[0], r[1]})
		}
	}
	s.search.mu.Lock()
	s.search.parts = append(s.search.parts, sp)
	s.search.mu.Unlock()
}

// searchKeyRanges covers nums with at most n ranges [lowest, highest],
// cut at the n-1 widest gaps between them: the ranges cover the fewest
// numbers that hold none.
func searchKeyRanges(nums []int64, n int) [][2]int64 {
	if len(nums) == 0 {
		return nil
	}
	nums = slices.Clone(nums)
	slices.Sort(nums)
	nums = slices.Compact(nums)
	// The gaps (by index of their upper number), widest first.
	gaps := make([]int, 0, len(nums)-1)
	for i := 1; i < len(nums); i++ {
		if nums[i]-nums[i-1] > 1 {
			gaps = append(gaps, i)
		}
	}
	slices.SortStableFunc(gaps, func(a, b int) int {
		return cmp.Compare(nums[b]-nums[b-1], nums[a]-nums[a-1])
	})
	cuts := gaps[:min(len(gaps), n-1)]
	slices.Sort(cuts)
	var out [][2]int64
	lo := 0
	for _, c := range append(cuts, len(nums)) {
		out = append(out, [2]int64{nums[lo], nums[c-1]})
		lo = c
	}
	return out
}

// writeSearchTickets writes the tickets' manifest at the site's root,
// once drillPages has written every month's parts.
func (s *site) writeSearchTickets() error {
	s.search.mu.Lock()
	parts := s.search.parts
	s.search.parts = nil
	s.search.mu.Unlock()
	sortSearchParts(parts)
	newer := map[string]map[int64]bool{} // keys a newer month lists
	for i := 0; i < len(parts); {
		j := i
		for j < len(parts) && parts[j].month == parts[i].month {
			j++
		}
		month := parts[i].month
		if err := s.writeFile(searchDir+"keys-"+periodName(month)+".js", dataScript("search:keys:"+month, searchKeyIndex(parts[i:j], newer))); err != nil {
			return err
		}
		i = j
	}
	return s.writeFile(searchDir+"tickets.js", dataScript("search:tickets", searchManifest(parts)))
}

// sortSearchParts puts parts in the manifest's order: newest month
// first, then as the month's data files are numbered.
func sortSearchParts(parts []searchPart) {
	slices.SortFunc(parts, func(a, b searchPart) int {
		return cmp.Or(strings.Compare(b.month, a.month), cmp.Compare(a.shard, b.shard), cmp.Compare(a.no, b.no))
	})
}

// searchKeyGap is the most missing numbers a run of a key index spans
// before it is cut in two.
const searchKeyGap = 64

// base64Digits write small numbers in the site's data one character a
// number (two for 64 or more): a part's place among its month's parts in
// the key index ('.' for none), a run's in a list's Seq (drill_page.go).
const base64Digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_-"

// searchKeyIndex is keys-MONTH.js, the key index of one month's parts
// (in the manifest's order): for each number a key of the month ends in,
// which part holds it, so that a key search loads the one part that
// holds the key rather than every part whose key ranges span it (a month's
// parts are by team, and a team's keys spread over the whole month). It
// is {"k": [[prefix, first, width, codes], …], "x": [[prefix, number,
// part], …]}: codes gives, for first, first+1, …, the part's place in
// width characters of base64Digits, "." (width times) for none; runs
// are cut at gaps of more than searchKeyGap numbers. x lists the keys of
// a number that another part's key has already (SD-12 and SD-012).
//
// A key a newer month lists (newer, which it adds this month's keys to)
// is left out: the search shows a ticket from the newest month that
// lists it, so an older month's index need not find it.
func searchKeyIndex(parts []searchPart, newer map[string]map[int64]bool) []byte {
	width := 1
	if len(parts) > len(base64Digits) {
		width = 2
	}
	at := map[string]map[int64]int{}
	type extra struct {
		prefix string
		n      int64
		part   int
	}
	var extras []extra
	for i, sp := range parts {
		for prefix, nums := range sp.nums {
			m := at[prefix]
			if m == nil {
				m = map[int64]int{}
				at[prefix] = m
			}
			for _, n := range nums {
				if newer[prefix][n] {
					continue
				}
				if p, ok := m[n]; ok && p != i {
					extras = append(extras, extra{prefix, n, i})
					continue
				}
				m[n] = i
			}
		}
	}
	for prefix, m := range at {
		if newer[prefix] == nil {
			newer[prefix] = map[int64]bool{}
		}
		for n := range m {
			newer[prefix][n] = true
		}
	}
	code := func(b []byte, part int) []byte {
		if width == 2 {
			b = append(b, base64Digits[part/len(base64Digits)%len(base64Digits)])
		}
		return append(b, base64Digits[part%len(base64Digits)])
	}
	b := []byte(`{"k":[`)
	first := true
	for _, prefix := range slices.Sorted(maps.Keys(at)) {
		m := at[prefix]
		nums := slices.Sorted(maps.Keys(m))
		for i := 0; i < len(nums); {
			j := i + 1
			for j < len(nums) && nums[j]-nums[j-1] <= searchKeyGap {
				j++
			}
			if !first {
				b = append(b, ',')
			}
			first = false
			b = append(b, '[')
			b = jsonstr.Append(b, prefix, true)
			b = append(b, ',')
			b = strconv.AppendInt(b, nums[i], 10)
			b = append(b, ',')
			b = strconv.AppendInt(b, int64(width), 10)
			b = append(b, ',', '"')
			next := nums[i]
			for _, n := range nums[i:j] {
				for ; next < n; next++ {
					b = append(b, strings.Repeat(".", width)...)
				}
				b = code(b, m[n])
				next++
			}
			b = append(b, '"', ']')
			i = j
		}
	}
	b = append(b, `],"x":[`...)
	slices.SortFunc(extras, func(a, b extra) int {
		return cmp.Or(strings.Compare(a.prefix, b.prefix), cmp.Compare(a.n, b.n), a.part-b.part)
	})
	extras = slices.Compact(extras)
	for i, e := range extras {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '[')
		b = jsonstr.Append(b, e.prefix, true)
		b = append(b, ',')
		b = strconv.AppendInt(b, e.n, 10)
		b = append(b, ',')
		b = strconv.AppendInt(b, int64(e.part), 10)
		b = append(b, ']')
	}
	return append(b, ']', '}')
}

// searchManifest is tickets.js's JSON (see the top of this file).
func searchManifest(parts []searchPart) []byte {
	sortSearchParts(parts)
	pages := map[string]int{}
	var list []string
	pageIndex := func(file string) int {
		if file == "" {
			return -1
		}
		i, ok := pages[file]
		if !ok {
			i = len(list)
			pages[file] = i
			list = append(list, file)
		}
		return i
	}
	var b []byte
	total := 0
	b = append(b, `{"s":[`...)
	for i, sp := range parts {
		if i > 0 {
			b = append(b, ',')
		}
		total += sp.rows
		keys, _ := json.Marshal(sp.keys)
		b = append(b, '[')
		b = jsonstr.Append(b, sp.name, true)
		b = append(b, ',')
		b = jsonstr.Append(b, sp.month, true)
		b = append(b, ',')
		b = strconv.AppendInt(b, int64(sp.rows), 10)
		b = append(b, ',')
		b = append(b, keys...)
		b = append(b, ',')
		b = append(b, cond(sp.scan, "1", "0")...)
		b = append(b, ',')
		b = strconv.AppendInt(b, int64(pageIndex(sp.team)), 10)
		b = append(b, ",["...)
		for j, a := range sp.agents {
			if j > 0 {
				b = append(b, ',')
			}
			b = strconv.AppendInt(b, int64(pageIndex(a)), 10)
		}
		b = append(b, ']')
		if len(sp.rowPages) > 0 {
			b = append(b, ",["...)
			for j, row := range slices.Sorted(maps.Keys(sp.rowPages)) {
				if j > 0 {
					b = append(b, ',')
				}
				b = append(b, '[')
				b = strconv.AppendInt(b, int64(row), 10)
				b = append(b, ',')
				b = strconv.AppendInt(b, int64(pageIndex(sp.rowPages[row])), 10)
				b = append(b, ']')
			}
			b = append(b, ']')
		}
		b = append(b, ']')
	}
	b = append(b, `],"p":[`...)
	for i, p := range list {
		if i > 0 {
			b = append(b, ',')
		}
		b = jsonstr.Append(b, p, true)
	}
	b = append(b, `],"d":`...)
	b = jsonstr.Append(b, drillDataDir, true)
	b = append(b, `,"b":`...)
	b = strconv.AppendInt(b, int64(searchBudget), 10)
	b = append(b, `,"n":`...)
	b = strconv.AppendInt(b, int64(total), 10)
	b = append(b, '}')
	return b
}

// searchKeyNumber splits a key that ends in a number: "SD-12" → "sd-", 12.
func searchKeyNumber(key string) (string, int64, bool) {
	prefix, digits := splitDigits(key)
	if digits == "" || len(digits) > 15 {
		return "", 0, false
	}
	n, err := strconv.ParseInt(digits, 10, 64)
	return strings.ToLower(prefix), n, err == nil
}

// splitDigits splits key into the text before its final run of digits
// and that run ("SD-012" is "SD-" and "012"; "" for none).
func splitDigits(key string) (prefix, digits string) {
	i := len(key)
	for i > 0 && key[i-1] >= '0' && key[i-1] <= '9' {
		i--
	}
	return key[:i], key[i:]
}

// dataScript is a data file of a JSON body already escaped as
// registerData escapes it.
func dataScript(key string, body []byte) []byte {
	var b bytes.Buffer
	b.Grow(len(body) + 80)
	b.WriteString("(self.kpideskDrill=self.kpideskDrill||{})[")
	b.Write(jsonstr.Append(nil, key, true))
	b.WriteString("]=")
	b.Write(body)
	b.WriteString(";\n")
	return b.Bytes()
}

// searchUnits is units.js of a language.
type searchUnits struct {
	Labels map[string]string `json:"l"`
	Kinds  map[string]string `json:"k"`
	Units  [][4]string       `json:"u"`
}

// writeSearchUnits writes this language's units.js.
func (s *site) writeSearchUnits() error {
	v := searchUnits{Labels: map[string]string{}, Kinds: map[string]string{}, Units: [][4]string{}}
	for _, k := range searchLabels {
		v.Labels[k] = s.t(k)
	}
	for _, kind := range []string{scoring.UnitOrg, scoring.UnitDepartment, scoring.UnitTeam, scoring.UnitAgent} {
		v.Kinds[kind] = s.t("kind." + kind)
		for _, u := range s.byKind[kind] {
			v.Units = append(v.Units, [4]string{kind, u.ID, u.Name, u.File})
		}
	}
	b, err := registerData("search:units", v)
	if err != nil {
		return err
	}
	return s.writeFile(searchDir+"units.js", b)
}
