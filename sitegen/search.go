package sitegen

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"

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
//	data/search/tickets.js     the tickets' manifest: its shards, newest
//	                           month first
//	data/search/MONTH-N.js     a shard: tickets of one month, by key
//
// A ticket is in the index once, under the first month whose drill-down
// lists show it (its home month), and links to its row there
// (complaints/….html#key=KEY, which the list code pages to) and to the
// ticket itself (http and https only). Shards are cut at
// searchShardBytes, so no file grows with the number of tickets: at about
// 60 bytes a ticket (the demo's), a million complaints make some 60 MiB in
// 60 to 80 shards of at most 1 MiB and a row, and a manifest of a few KiB.
// A month's shards change only when its tickets do.
//
// units.js is {"l": labels, "k": kind names, "u": [[kind, ID, name,
// file], …]}; tickets.js is {"n": tickets, "s": [[shard, month, tickets,
// keys, scan], …]} where keys lists [prefix, lowest, highest] of the
// shard's keys that end in a number ("SD-", 12, 980) and scan is 1 when
// some key does not, so that a key search loads only the shards that may
// hold it; a shard is {"u": URL prefix, "p": [drill-down page, …], "r":
// [[key, title, url, page], …]} with url 0 (none), 1 (u + key) or the URL,
// and page an index into p (-1: none). Strings are JSON with <, >, & and
// U+2028/U+2029 escaped, like the drill-down data (registerData): no
// title can end a script. The page puts them in the DOM as text.

// searchShardBytes is the most bytes of a shard's rows: well under the
// 2 MiB a file may have. A variable for the tests.
var searchShardBytes = 1 << 20

// searchTitleRunes caps a title in the index: a search needs no more,
// and a 10,000-character title must not make a shard.
const searchTitleRunes = 160

// searchDir holds the index, from a language's root and the site's root.
const searchDir = "data/search/"

// searchLabels are the labels kpidesk.js's search needs.
var searchLabels = []string{"search.units", "search.tickets", "search.none", "search.loading", "search.more", "search.open", "search.row"}

// openShown is how many of the oldest open complaints the data-quality
// page lists.
const openShown = 20

// evidenceFacts is what the evidence pass learns beside the drill-down
// lists (drill.go readEvidence): the search index's tickets, spilled to
// disk by home month, and the open complaints by age for the data-quality
// page (quality.go). Only the first language's site reads the evidence;
// every language uses its facts.
type evidenceFacts struct {
	dir   string // spill folder of the tickets, "" for none
	files map[string]*os.File
	bufs  map[string]*bufio.Writer
	pages map[string]int // drill-down page file → index in pageList
	list  []string
	count map[string]int // tickets by home month

	read bool // the evidence was read
	open openFacts
	tmp  []byte
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

// newEvidenceFacts spills the tickets into dir, which it creates.
func newEvidenceFacts(dir string) (*evidenceFacts, error) {
	if err := os.Mkdir(dir, 0o700); err != nil {
		return nil, fmt.Errorf("sitegen: %w", err)
	}
	return &evidenceFacts{dir: dir, files: map[string]*os.File{}, bufs: map[string]*bufio.Writer{},
		pages: map[string]int{}, count: map[string]int{}, open: openFacts{byMonth: map[string]int{}}}, nil
}

// factPages writes what a language's site makes of the facts: its
// search units and the data-quality page; the first language also the
// tickets of the search index, which every language shares.
func (s *site) factPages(ctx context.Context, f *evidenceFacts) error {
	if s.up == "" {
		if err := s.writeSearchTickets(ctx, f); err != nil {
			return err
		}
	}
	if err := s.writeSearchUnits(); err != nil {
		return err
	}
	return s.qualityPage(f)
}

// add takes one evidence line: recs are its rows in the drill-down lists
// by month (those it is kept in), as readEvidence made them.
func (f *evidenceFacts) add(s *site, e *scoring.Evidence, recs map[string]*drillRec) error {
	if f == nil {
		return nil
	}
	f.read = true
	created := e.Periods[scoring.CohortCreated]
	if created != "" && e.Periods[scoring.CohortResolved] == "" && (len(s.cfg.Kinds) == 0 || slices.Contains(s.cfg.Kinds, e.Kind)) {
		f.addOpen(e, created)
	}
	if f.dir == "" || len(recs) == 0 {
		return nil
	}
	home := ""
	for m := range recs {
		if home == "" || m < home {
			home = m
		}
	}
	page := -1
	if r := recs[home]; len(r.Pages) > 0 {
		if p := s.drill[drillKey{r.Pages[0], home}]; p != nil {
			i, ok := f.pages[p.file]
			if !ok {
				i = len(f.list)
				f.pages[p.file] = i
				f.list = append(f.list, p.file)
			}
			page = i
		}
	}
	w := f.bufs[home]
	if w == nil {
		file, err := os.Create(filepath.Join(f.dir, periodName(home)+".bin"))
		if err != nil {
			return err
		}
		f.files[home] = file
		w = bufio.NewWriterSize(file, 64<<10)
		f.bufs[home] = w
	}
	f.count[home]++
	b := f.tmp[:0]
	for _, str := range []string{cmp.Or(e.Key, e.ID), clip(e.Title, searchTitleRunes), safeURL(e.URL)} {
		b = binary.AppendUvarint(b, uint64(len(str)))
		b = append(b, str...)
	}
	b = binary.AppendUvarint(b, uint64(page+1))
	f.tmp = b
	_, err := w.Write(b)
	return err
}

func (f *evidenceFacts) addOpen(e *scoring.Evidence, created string) {
	o := &f.open
	o.total++
	o.byMonth[created]++
	c := openComplaint{Key: cmp.Or(e.Key, e.ID), Title: clip(e.Title, searchTitleRunes), URL: safeURL(e.URL), Team: e.Team, Agent: e.Agent, Created: created,
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

// close flushes the spill files.
func (f *evidenceFacts) close() error {
	if f == nil {
		return nil
	}
	var errs []error
	for m, w := range f.bufs {
		errs = append(errs, w.Flush(), f.files[m].Close())
	}
	clear(f.bufs)
	return errors.Join(errs...)
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

// searchTicket is one ticket of a shard.
type searchTicket struct {
	key, title, url string
	page            int
}

// readSpill reads back a month's tickets.
func (f *evidenceFacts) readSpill(month string) ([]searchTicket, error) {
	file, err := os.Open(filepath.Join(f.dir, periodName(month)+".bin"))
	if err != nil {
		return nil, err
	}
	defer file.Close()
	r := bufio.NewReaderSize(file, 64<<10)
	out := make([]searchTicket, 0, f.count[month])
	str := func() (string, error) {
		n, err := binary.ReadUvarint(r)
		if err != nil {
			return "", err
		}
		b := make([]byte, n)
		_, err = io.ReadFull(r, b)
		return string(b), err
	}
	for {
		var t searchTicket
		var err error
		if t.key, err = str(); err == io.EOF {
			return out, nil
		} else if err != nil {
			return nil, err
		}
		if t.title, err = str(); err != nil {
			return nil, err
		}
		if t.url, err = str(); err != nil {
			return nil, err
		}
		p, err := binary.ReadUvarint(r)
		if err != nil {
			return nil, err
		}
		t.page = int(p) - 1
		out = append(out, t)
	}
}

// searchShard is one shard's entry in the manifest.
type searchShard struct {
	name, month string
	n           int
	keys        [][3]any // prefix, lowest, highest
	scan        bool
}

// writeSearchTickets writes the tickets' shards and manifest at the site's
// root, month by month on every core.
func (s *site) writeSearchTickets(ctx context.Context, f *evidenceFacts) error {
	var months []string
	for i := len(s.months) - 1; i >= 0; i-- {
		if f != nil && f.count[s.months[i].ID] > 0 {
			months = append(months, s.months[i].ID)
		}
	}
	shards := make([][]searchShard, len(months))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(runtime.GOMAXPROCS(0))
	for i, m := range months {
		g.Go(func() error {
			if err := gctx.Err(); err != nil {
				return err
			}
			ts, err := f.readSpill(m)
			if err != nil {
				return fmt.Errorf("sitegen: search index %s: %w", m, err)
			}
			slices.SortFunc(ts, func(a, b searchTicket) int { return naturalCompare(a.key, b.key) })
			shards[i], err = s.writeSearchMonth(m, ts, f.list)
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	var b []byte
	total := 0
	b = append(b, `{"s":[`...)
	first := true
	for _, ms := range shards {
		for _, sh := range ms {
			if !first {
				b = append(b, ',')
			}
			first = false
			total += sh.n
			keys, _ := json.Marshal(sh.keys)
			b = append(b, '[')
			b = jsonstr.Append(b, sh.name, true)
			b = append(b, ',')
			b = jsonstr.Append(b, sh.month, true)
			b = append(b, ',')
			b = strconv.AppendInt(b, int64(sh.n), 10)
			b = append(b, ',')
			b = append(b, keys...)
			b = append(b, ',')
			b = append(b, cond(sh.scan, "1", "0")...)
			b = append(b, ']')
		}
	}
	b = append(b, `],"n":`...)
	b = strconv.AppendInt(b, int64(total), 10)
	b = append(b, '}')
	return s.writeFile(s.up+searchDir+"tickets.js", dataScript("search:tickets", b))
}

// writeSearchMonth writes one month's shards, cut at searchShardBytes.
func (s *site) writeSearchMonth(month string, ts []searchTicket, pageList []string) ([]searchShard, error) {
	var out []searchShard
	for no := 0; len(ts) > 0; no++ {
		prefix := searchPrefix(ts)
		var rows []byte
		pages := map[int]int{}
		var plist []string
		sh := searchShard{name: periodName(month) + "-" + strconv.Itoa(no), month: month}
		ranges := map[string]int{} // prefix → index in sh.keys
		n := 0
		for n < len(ts) && (n == 0 || len(rows) < searchShardBytes) {
			t := ts[n]
			if n > 0 {
				rows = append(rows, ',')
			}
			rows = append(rows, '[')
			rows = jsonstr.Append(rows, t.key, true)
			rows = append(rows, ',')
			rows = jsonstr.Append(rows, t.title, true)
			rows = append(rows, ',')
			switch {
			case t.url == "":
				rows = append(rows, '0')
			case prefix != "" && t.url == prefix+t.key:
				rows = append(rows, '1')
			default:
				rows = jsonstr.Append(rows, t.url, true)
			}
			rows = append(rows, ',')
			p := -1
			if t.page >= 0 {
				i, ok := pages[t.page]
				if !ok {
					i = len(plist)
					pages[t.page] = i
					plist = append(plist, pageList[t.page])
				}
				p = i
			}
			rows = strconv.AppendInt(rows, int64(p), 10)
			rows = append(rows, ']')
			if kp, num, ok := searchKeyNumber(t.key); ok {
				j, seen := ranges[kp]
				if !seen {
					j = len(sh.keys)
					ranges[kp] = j
					sh.keys = append(sh.keys, [3]any{kp, num, num})
				}
				sh.keys[j][1] = min(sh.keys[j][1].(int64), num)
				sh.keys[j][2] = max(sh.keys[j][2].(int64), num)
			} else {
				sh.scan = true
			}
			n++
		}
		sh.n = n
		ts = ts[n:]
		var b []byte
		b = append(b, `{"u":`...)
		b = jsonstr.Append(b, prefix, true)
		b = append(b, `,"p":[`...)
		for i, p := range plist {
			if i > 0 {
				b = append(b, ',')
			}
			b = jsonstr.Append(b, p, true)
		}
		b = append(b, `],"r":[`...)
		b = append(b, rows...)
		b = append(b, "]}"...)
		if err := s.writeFile(s.up+searchDir+sh.name+".js", dataScript("search:"+sh.name, b)); err != nil {
			return nil, err
		}
		if sh.keys == nil {
			sh.keys = [][3]any{}
		}
		out = append(out, sh)
	}
	return out, nil
}

// searchKeyNumber splits a key that ends in a number: "SD-12" → "SD-", 12.
func searchKeyNumber(key string) (string, int64, bool) {
	i := len(key)
	for i > 0 && key[i-1] >= '0' && key[i-1] <= '9' {
		i--
	}
	if i == len(key) || len(key)-i > 15 {
		return "", 0, false
	}
	n, err := strconv.ParseInt(key[i:], 10, 64)
	return strings.ToLower(key[:i]), n, err == nil
}

// searchPrefix is the most common URL before the key, as urlPrefix.
func searchPrefix(ts []searchTicket) string {
	n := map[string]int{}
	for _, t := range ts[:min(len(ts), 2000)] {
		if t.url != "" && strings.HasSuffix(t.url, t.key) {
			n[strings.TrimSuffix(t.url, t.key)]++
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
