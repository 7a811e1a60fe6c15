package sitegen

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"html"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kpidesk/kpidesk/internal/reason"
	"github.com/kpidesk/kpidesk/scoring"
	"github.com/kpidesk/kpidesk/scoring/appeals"
)

// listRow is a drill-down row as a test reads it back from the data: what
// assets/kpidesk.js renders.
type listRow struct {
	Key, Title, URL   string
	Created, Resolved string // "2025-11-03 04:07" as the script shows it (its date, with the time as tooltip), "" for none
	At                int    // created, minutes after the start of the part's month
	Priority, Channel string
	Category          string
	Rank              int // the priority's rank
	Assignee          string
	Out               map[string]string // metric → token ("h", "x", "v")
	Why               map[string]string // metric → reason
	Value             map[string]float64
	Marks             []string
}

type testPart struct {
	M []string               `json:"m"`
	U string                 `json:"u"`
	P string                 `json:"p"`
	A []string               `json:"a"`
	X map[string][]string    `json:"x"`
	F map[string][][3]string `json:"f"`
	K []int                  `json:"k"`
	Q []string               `json:"q"`
	R [][]json.RawMessage    `json:"r"`
}

// partKey decodes a row's key as the script does: a number is the
// part's key prefix and the previous numbered row's number (last) plus it.
func partKey(t *testing.T, prefix string, raw any, last int64) (string, int64) {
	t.Helper()
	switch k := raw.(type) {
	case string:
		return k, last
	case float64:
		if prefix == "" {
			t.Fatalf("a numbered key (%v) in a part without a key prefix", k)
		}
		n := last + int64(k)
		return prefix + strconv.FormatInt(n, 10), n
	}
	t.Fatalf("row key %v (%T)", raw, raw)
	return "", 0
}

// wallTime is what the script makes of minutes after a month's start.
func wallTime(month string, minutes int) string {
	start, err := time.Parse("2006-01", month)
	if err != nil {
		panic(err)
	}
	return start.Add(time.Duration(minutes) * time.Minute).Format("2006-01-02 15:04")
}

var dataRE = regexp.MustCompile(`^\(self\.kpideskDrill=self\.kpideskDrill\|\|\{\}\)\[("[^"]*")\]=(.*);\n$`)

// readData parses a data file: its key and its JSON.
func readData(t *testing.T, name string, b []byte) (string, []byte) {
	t.Helper()
	m := dataRE.FindSubmatch(b)
	if m == nil {
		t.Fatalf("%s: not a data file: %.200s", name, b)
	}
	var key string
	if err := json.Unmarshal(m[1], &key); err != nil {
		t.Fatalf("%s: key: %v", name, err)
	}
	return key, m[2]
}

// decodePart reads a data part in a language, naming agents as names
// does (nil: by ID).
func decodePart(t *testing.T, name string, b []byte, lang string, names map[string]string) (string, testPart, []listRow) {
	return decodePartIn(t, name, "", b, lang, names)
}

// decodePartIn is decodePart for the lists of month, whose created and
// resolved times it reads ("" leaves them out).
func decodePartIn(t *testing.T, name, month string, b []byte, lang string, names map[string]string) (string, testPart, []listRow) {
	t.Helper()
	key, body := readData(t, name, b)
	var p testPart
	if err := json.Unmarshal(body, &p); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	var rows []listRow
	var keyNum int64
	for i, raw := range p.R {
		var r listRow
		var link, key any
		var agent, pattern, field int
		var created, resolved *int
		var values []float64
		fields := []any{&key, &r.Title, &link, &created, &resolved, &agent, &pattern, &values, &field, &r.Marks}
		if len(raw) < 9 || len(raw) > 10 {
			t.Fatalf("%s: row %d has %d fields", name, i, len(raw))
		}
		for j := range raw {
			if err := json.Unmarshal(raw[j], fields[j]); err != nil {
				t.Fatalf("%s: row %d field %d: %v", name, i, j, err)
			}
		}
		r.Key, keyNum = partKey(t, p.P, key, keyNum)
		switch l := link.(type) {
		case float64:
			if l == 1 {
				r.URL = p.U + r.Key
			}
		case string:
			r.URL = l
		}
		if agent >= 0 {
			r.Assignee = cmp.Or(names[p.A[agent]], p.A[agent])
		}
		if created != nil && month != "" {
			r.At = *created
			r.Created = wallTime(month, *created)
			if resolved != nil {
				r.Resolved = wallTime(month, *created+*resolved)
			}
		}
		r.Rank = 9
		if field >= 0 {
			f := p.F[lang][field]
			r.Priority, r.Channel, r.Category, r.Rank = f[0], f[1], f[2], p.K[field]
		}
		r.Out, r.Why, r.Value = map[string]string{}, map[string]string{}, map[string]float64{}
		toks := strings.Split(p.Q[pattern], " ")
		if len(toks) != len(p.M) {
			t.Fatalf("%s: pattern %q has %d tokens for %d metrics", name, p.Q[pattern], len(toks), len(p.M))
		}
		for k, tok := range toks {
			if tok == "-" {
				continue
			}
			code, why, _ := strings.Cut(tok, "~")
			r.Out[p.M[k]] = code
			if why != "" {
				var n int
				fmt.Sscan(why, &n)
				if len(p.X[lang]) <= n {
					t.Fatalf("%s: reason %d of %d in %s", name, n, len(p.X[lang]), lang)
				}
				r.Why[p.M[k]] = p.X[lang][n]
			}
			if code == "v" {
				r.Value[p.M[k]] = values[0]
				values = values[1:]
			}
		}
		if len(values) != 0 {
			t.Errorf("%s: row %d has %d values left over", name, i, len(values))
		}
		rows = append(rows, r)
	}
	return key, p, rows
}

type testMeta struct {
	Parts    []string `json:"parts"`
	Refs     []any    `json:"refs"`
	Rows     int      `json:"rows"`
	Merge    [][2]int `json:"merge"`
	Seq      string   `json:"seq"`
	Month    string   `json:"month"`
	PageRows int      `json:"pageRows"`
	Metrics  []string `json:"metrics"`
	Appeals  string   `json:"appeals"`
}

var (
	metaRE   = regexp.MustCompile(`(?s)<script type="application/json" id="drill-meta">(.*?)</script>`)
	scriptRE = regexp.MustCompile(`<script src="([^"]*)" defer></script>`)
	serverRE = regexp.MustCompile(`(?s)<tbody>(.*?)</tbody>`)
	keyRE    = regexp.MustCompile(`<td class="key">(?:<a href="[^"]*">)?([^<]*)`)
)

// drillList reads a drill-down page's list back from the site as the
// page's script does: its rows in list order.
func drillList(t *testing.T, tree map[string][]byte, page string) (testMeta, []listRow) {
	t.Helper()
	b := tree[page]
	m := metaRE.FindSubmatch(b)
	if m == nil {
		t.Fatalf("%s: no drill-meta block", page)
	}
	var meta testMeta
	if err := json.Unmarshal(m[1], &meta); err != nil {
		t.Fatalf("%s: drill-meta: %v", page, err)
	}
	var scripts []string
	for _, s := range scriptRE.FindAllSubmatch(b, -1) {
		ref := path.Join(path.Dir(page), html.UnescapeString(string(s[1])))
		if strings.Contains(ref, drillDataDir) {
			scripts = append(scripts, ref)
		}
	}
	// The language's common data in its folder, the parts at the root.
	langDir := strings.TrimSuffix(page, "complaints/"+path.Base(page))
	common := langDir + drillDataDir + drillCommonKey + ".js"
	want := []string{common}
	for _, p := range meta.Parts {
		want = append(want, drillDataDir+p+".js")
	}
	if !slices.Equal(scripts, want) {
		t.Fatalf("%s: loads %v, want the common data and its parts %v", page, scripts, want)
	}
	c := readCommon(t, tree, common)
	var all []listRow
	for _, p := range meta.Parts {
		name := drillDataDir + p + ".js"
		key, _, rows := decodePartIn(t, name, meta.Month, tree[name], c.Lang, c.Agents)
		if key != p {
			t.Fatalf("%s registers %q, want %q", name, key, p)
		}
		all = append(all, rows...)
	}
	var steps []int
	for _, r := range meta.Refs {
		switch r := r.(type) {
		case float64:
			steps = append(steps, int(r))
		case []any:
			if len(r) != 2 || r[1].(float64) < 3 {
				t.Fatalf("%s: ref run %v, want [difference, 3 or more]", page, r)
			}
			for range int(r[1].(float64)) {
				steps = append(steps, int(r[0].(float64)))
			}
		default:
			t.Fatalf("%s: ref %v", page, r)
		}
	}
	var positions []int
	at := 0
	for _, d := range steps {
		at += d
		positions = append(positions, at)
	}
	if meta.Seq != "" {
		if len(steps) != 0 {
			t.Fatalf("%s: both refs and seq", page)
		}
		cur := make([]int, len(meta.Merge))
		for i, r := range meta.Merge {
			cur[i] = r[0]
		}
		w := 1
		if len(meta.Merge) > 64 {
			w = 2
		}
		for i := 0; i < len(meta.Seq); i += w {
			run := 0
			for _, c := range meta.Seq[i : i+w] {
				run = run*64 + strings.IndexRune(base64Digits, c)
			}
			positions = append(positions, cur[run])
			cur[run]++
		}
		for i, r := range meta.Merge {
			if cur[i] != r[0]+r[1] {
				t.Fatalf("%s: run %d %v used up to %d", page, i, r, cur[i])
			}
		}
	}
	if len(positions) != meta.Rows {
		t.Fatalf("%s: the page lists %d rows, rows says %d", page, len(positions), meta.Rows)
	}
	var out []listRow
	for i, at := range positions {
		if at < 0 || at >= len(all) {
			t.Fatalf("%s: ref %d = %d, outside its %d rows", page, i, at, len(all))
		}
		out = append(out, all[at])
	}
	return meta, out
}

type testCommon struct {
	Lang   string            `json:"lang"`
	Agents map[string]string `json:"agents"`
	Labels map[string]string `json:"labels"`
}

func readCommon(t *testing.T, tree map[string][]byte, name string) testCommon {
	t.Helper()
	b, ok := tree[name]
	if !ok {
		t.Fatalf("no %s", name)
	}
	key, body := readData(t, name, b)
	if key != drillCommonKey {
		t.Fatalf("%s registers %q", name, key)
	}
	var c testCommon
	if err := json.Unmarshal(body, &c); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return c
}

func drillPagesOf(tree map[string][]byte) []string {
	var out []string
	for _, name := range htmlFiles(tree) {
		if strings.HasPrefix(name, "complaints/") {
			out = append(out, name)
		}
	}
	return out
}

// TestDrillData checks the lists as data: every page's rows resolve, a
// complaint is written once per month whatever the pages that list it,
// a team's list is its agents' lists, the page renders its first rows
// itself in list order, and says how many there are.
func TestDrillData(t *testing.T) {
	defer func(n int) { drillPartRows = n }(drillPartRows)
	drillPartRows = 7 // many parts, so that pages span several
	f := golden
	f.perAgent = 30
	opt := f.options(t)
	opt.Config.Site.Drilldown = -1
	tree := readTree(t, build(t, opt))

	// Once per month.
	byMonth := map[string]map[string]int{}
	parts := 0
	for name, b := range tree {
		if !strings.HasPrefix(name, drillDataDir) || name == drillDataDir+drillCommonKey+".js" {
			continue
		}
		parts++
		month := strings.Split(strings.TrimPrefix(name, drillDataDir), "/")[0]
		_, p, rows := decodePart(t, name, b, "zh", nil)
		if len(rows) > drillPartRows {
			t.Errorf("%s: %d rows, more than %d", name, len(rows), drillPartRows)
		}
		if p.U != "https://helpdesk.example.com/browse/" {
			t.Errorf("%s: URL prefix %q", name, p.U)
		}
		if byMonth[month] == nil {
			byMonth[month] = map[string]int{}
		}
		for _, r := range rows {
			byMonth[month][r.Key]++
			if r.URL != ticketURL(sdNumber(r.Key)) {
				t.Errorf("%s: %s: URL %q", name, r.Key, r.URL)
			}
		}
	}
	if parts < 10 {
		t.Fatalf("%d data parts, want many with %d rows a part", parts, drillPartRows)
	}
	for month, keys := range byMonth {
		for k, n := range keys {
			if n != 1 {
				t.Errorf("%s: %s written %d times, want once", month, k, n)
			}
		}
	}

	lists := map[string][]listRow{}
	for _, page := range drillPagesOf(tree) {
		meta, rows := drillList(t, tree, page)
		lists[page] = rows
		month := strings.TrimSuffix(page[strings.LastIndex(page, "-")-4:], ".html")
		if meta.Month != month {
			t.Errorf("%s: month %q", page, meta.Month)
		}
		// The page renders its first rows, in list order.
		body := serverRE.FindSubmatch(tree[page])
		if body == nil {
			t.Fatalf("%s: no tbody", page)
		}
		var keys, want []string
		for _, k := range keyRE.FindAllSubmatch(body[1], -1) {
			keys = append(keys, string(k[1]))
		}
		for _, r := range rows[:min(len(rows), drillFirstRows)] {
			want = append(want, r.Key)
		}
		if !slices.Equal(keys, want) {
			t.Errorf("%s: renders %v, want the list's first rows %v", page, keys, want)
		}
		if !bytes.Contains(tree[page], []byte(fmt.Sprintf("共 %d 件投诉", len(rows)))) {
			t.Errorf("%s: does not say it lists %d complaints", page, len(rows))
		}
		// Newest first.
		for i := 1; i < len(rows); i++ {
			a, b := rows[i-1], rows[i]
			if a.At < b.At || a.At == b.At && naturalCompare(a.Key, b.Key) < 0 {
				t.Errorf("%s: %s before %s, want newest first", page, a.Key, b.Key)
				break
			}
		}
		for _, r := range rows {
			if byMonth[month][r.Key] != 1 {
				t.Errorf("%s: %s not in the data of %s", page, r.Key, month)
			}
		}
	}
	if len(lists) != 24 {
		t.Errorf("%d drill-down pages, want 24", len(lists))
	}
	team := lists["complaints/team-care-east-2025-11.html"]
	if len(team) <= drillPageRows {
		t.Fatalf("the team's list has %d rows, want more than a page", len(team))
	}
	var agents []string
	for _, a := range []string{"zhang.wei", "liu.yang"} { // agents 0 and 3: care-east
		for _, r := range lists["complaints/agent-"+a+"-2025-11.html"] {
			agents = append(agents, r.Key)
		}
	}
	var teamKeys []string
	for _, r := range team {
		teamKeys = append(teamKeys, r.Key)
	}
	slices.Sort(agents)
	slices.Sort(teamKeys)
	if !slices.Equal(agents, teamKeys) {
		t.Errorf("care-east's November list differs from its agents' lists:\nteam   %v\nagents %v", teamKeys, agents)
	}
}

// sdNumber is n of "SD-n".
func sdNumber(key string) int {
	var n int
	fmt.Sscanf(key, "SD-%d", &n)
	return n
}

// TestDrilldown checks one list against the fixture: the cap, the order,
// a complaint resolved the month after it was created, the outcomes and
// their reasons.
func TestDrilldown(t *testing.T) {
	f := golden
	f.perAgent = 20
	opt := f.options(t)
	opt.Config.Site.Drilldown = 7
	tree := readTree(t, build(t, opt))
	const name = "complaints/agent-zhang.wei-2025-11.html"
	page := string(tree[name])
	for _, s := range []string{"只显示前 7 条", "evidence.jsonl", "kpidesk explain agent:zhang.wei METRIC 2025-11", `id="ftr_rate"`, `href="#ftr_rate"`} {
		if !strings.Contains(page, s) {
			t.Errorf("drill-down page lacks %q", s)
		}
	}
	meta, rows := drillList(t, tree, name)
	if len(rows) != 7 {
		t.Errorf("rows = %d, want the cap of 7", len(rows))
	}
	if got, want := strings.Join(meta.Metrics, " "), "first_response_time ftr_rate csat escalation_rate complaint_rate volume"; got != want {
		t.Errorf("columns %q, want %q", got, want)
	}
	// Newest first: November's own complaints, highest key first.
	var keys []string
	for _, r := range rows {
		keys = append(keys, r.Key)
		if !strings.HasPrefix(r.Created, "2025-11-") {
			t.Errorf("%s: created %s, want November's complaints first", r.Key, r.Created)
		}
		if r.Assignee != "张伟" {
			t.Errorf("%s: assignee %q", r.Key, r.Assignee)
		}
	}
	if !slices.IsSortedFunc(keys, func(a, b string) int { return naturalCompare(b, a) }) {
		t.Errorf("rows not newest first: %v", keys)
	}

	// Without the cap, SD-4 (created in October, resolved in November) is
	// in November's list for the resolved-cohort metrics only.
	opt.Config.Site.Drilldown = -1
	tree = readTree(t, build(t, opt))
	_, rows = drillList(t, tree, name)
	i := slices.IndexFunc(rows, func(r listRow) bool { return r.Key == "SD-4" })
	if i < 0 {
		t.Fatalf("SD-4 (created 2025-10, resolved 2025-11) not in November's list")
	}
	sd4 := rows[i]
	// SD-4 (n = 4): created on October's day 1+4 at 04:07, resolved on
	// November 3rd at 03:00, Beijing time; priority urgent, by phone,
	// billing.
	if sd4.Created != "2025-10-05 04:07" || sd4.Resolved != "2025-11-03 03:00" {
		t.Errorf("SD-4 created %q, resolved %q; want 2025-10-05 04:07 and 2025-11-03 03:00", sd4.Created, sd4.Resolved)
	}
	if sd4.Priority != "紧急" || sd4.Channel != "电话" || sd4.Category != "billing" || sd4.Rank != 0 {
		t.Errorf("SD-4 priority %q (rank %d), channel %q, category %q; want 紧急 (0), 电话, billing", sd4.Priority, sd4.Rank, sd4.Channel, sd4.Category)
	}
	// The page's own first row reads as the script renders it.
	r0 := rows[0]
	own := fmt.Sprintf(`<td class="nowrap" title="%s">%s</td><td class="nowrap" title="%s">%s</td><td class="status-resolved">已解决</td>
      <td>%s</td><td>%s</td><td>%s</td>`, r0.Created, r0.Created[:10], r0.Resolved, r0.Resolved[:10], r0.Priority, cmp.Or(r0.Channel, "—"), r0.Category)
	if !strings.Contains(string(tree[name]), own) {
		t.Errorf("the page's own first row does not read\n%s", own)
	}
	if _, ok := sd4.Out["first_response_time"]; ok {
		t.Errorf("SD-4 has a first response time in November's list: %v", sd4.Out)
	}
	if sd4.Out["ftr_rate"] == "" || sd4.Out["csat"] == "" {
		t.Errorf("SD-4 lacks its resolved-cohort outcomes: %v", sd4.Out)
	}
	excluded := false
	for _, r := range rows {
		if r.Out["csat"] == "x" {
			excluded = true
			if r.Why["csat"] != "未回答问卷" {
				t.Errorf("%s: csat excluded because %q, want the reason in Chinese", r.Key, r.Why["csat"])
			}
		}
		if r.Out["first_response_time"] == "v" && r.Value["first_response_time"] != float64(int(r.Value["first_response_time"])) {
			t.Errorf("%s: duration %v is not whole seconds", r.Key, r.Value["first_response_time"])
		}
	}
	if !excluded {
		t.Errorf("no excluded csat in the list")
	}
	if !strings.Contains(string(tree[name]), `<span class="why">未回答问卷</span>`) {
		t.Errorf("the page's own rows show no reason for an excluded outcome")
	}
}

// TestDrillEscaping checks hostile titles and links in the data: no <, >
// or & in a data file (a title cannot end a script or data block), each
// title read back as it was, and no link but http(s).
func TestDrillEscaping(t *testing.T) {
	f := golden
	f.hostile = true
	opt := f.options(t)
	opt.Config.Site.Drilldown = -1
	tree := readTree(t, build(t, opt))
	n := 0
	for name, b := range tree {
		if !strings.HasPrefix(name, drillDataDir) {
			continue
		}
		if i := bytes.IndexAny(b, "<>&\u2028\u2029"); i >= 0 {
			t.Errorf("%s: raw %q at …%s…", name, b[i], b[max(0, i-60):min(len(b), i+60)])
		}
		if bytes.Contains(b, []byte("javascript:")) {
			t.Errorf("%s: a javascript: URL", name)
		}
		if name == drillDataDir+drillCommonKey+".js" {
			continue
		}
		_, _, rows := decodePart(t, name, b, "zh", nil)
		for _, r := range rows {
			n++
			if !slices.Contains([]string{hostileScript, hostileAttr, hostileEnd}, r.Title) {
				t.Errorf("%s: %s: title %q is not a fixture's title", name, r.Key, r.Title)
			}
			if r.Key == "SD-2" && r.URL != "" {
				t.Errorf("%s: SD-2's javascript: URL became %q", name, r.URL)
			}
		}
	}
	if n == 0 {
		t.Fatal("no rows in the data")
	}
	for _, name := range drillPagesOf(tree) {
		page := string(tree[name])
		if strings.Contains(page, "javascript:") {
			t.Errorf("%s: a javascript: URL", name)
		}
		if m := metaRE.FindStringSubmatch(page); m == nil || strings.ContainsAny(m[1], "<>&") {
			t.Errorf("%s: drill-meta missing or unescaped", name)
		}
	}
	// SD-2 is listed, without a link.
	page := string(tree["complaints/agent-zhang.wei-2025-10.html"])
	if !strings.Contains(page, `<td class="key">SD-2</td>`) {
		t.Errorf("SD-2 is not listed as a key without a link")
	}
}

// TestDrillAppeals marks complaints an accepted appeal excluded or
// corrected, with a link to the appeal, and leaves those of a rejected
// appeal alone.
func TestDrillAppeals(t *testing.T) {
	f := golden
	opt := f.options(t)
	opt.Config.Site.Drilldown = -1
	opt.Appeals = &appeals.File{Appeals: []appeals.Appeal{
		{ID: "A-1", Unit: "agent:zhang.wei", Period: "2025-10", Metric: "ftr_rate", Complaints: []string{"demo:000001"},
			Decision: &appeals.Decision{Outcome: appeals.Accepted, Changes: []appeals.Change{{Exclude: "demo:000001"}}}},
		{ID: "A-2", Unit: "agent:zhang.wei", Period: "2025-10", Complaints: []string{"demo:000002"},
			Decision: &appeals.Decision{Outcome: appeals.PartiallyAccepted, Changes: []appeals.Change{{Correct: &appeals.Correction{Complaint: "demo:000002", Field: "priority", Value: "low"}}}}},
		{ID: "A-3", Unit: "agent:zhang.wei", Period: "2025-10", Complaints: []string{"demo:000003"},
			Decision: &appeals.Decision{Outcome: appeals.Rejected, Changes: []appeals.Change{{Exclude: "demo:000003"}}}},
	}}
	inner := opt.Evidence
	opt.Evidence = func(fn func(*scoring.Evidence) error) error {
		return inner(func(e *scoring.Evidence) error {
			if e.ID == "demo:000001" {
				e.Outcomes["ftr_rate"] = scoring.Outcome{Result: scoring.Excluded, Reason: reason.New(reason.ExcludedByAppeal, reason.Text("A-1"))}
			}
			return fn(e)
		})
	}
	tree := readTree(t, build(t, opt))
	const name = "complaints/agent-zhang.wei-2025-10.html"
	_, rows := drillList(t, tree, name)
	got := map[string][]string{}
	for _, r := range rows {
		if len(r.Marks) > 0 {
			got[r.Key] = r.Marks
		}
		if r.Key == "SD-1" && r.Out["ftr_rate"] != "a" {
			t.Errorf("SD-1's ftr_rate is %q, want a (excluded by appeal)", r.Out["ftr_rate"])
		}
	}
	if want := map[string][]string{"SD-1": {"xA-1"}, "SD-2": {"cA-2"}}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("appeal marks %v, want %v", got, want)
	}
	page := string(tree[name])
	for _, s := range []string{`<a class="badge appeal" href="../appeals.html#A-1">申诉 A-1 已排除</a>`, `<a class="badge appeal" href="../appeals.html#A-2">申诉 A-2 已更正</a>`} {
		if !strings.Contains(page, s) {
			t.Errorf("%s lacks %s", name, s)
		}
	}
	if strings.Contains(page, "A-3") {
		t.Errorf("%s marks a complaint of the rejected appeal A-3", name)
	}
}

// TestDrillDeterministic: the data and pages are byte-identical for the
// same input, the parts included.
func TestDrillDeterministic(t *testing.T) {
	defer func(n int) { drillPartRows = n }(drillPartRows)
	drillPartRows = 5
	opt := golden.options(t)
	a := readTree(t, build(t, opt))
	b := readTree(t, build(t, golden.options(t)))
	for name := range a {
		if strings.HasPrefix(name, drillDataDir) || strings.HasPrefix(name, "complaints/") {
			if !bytes.Equal(a[name], b[name]) {
				t.Errorf("%s differs between two builds", name)
			}
		}
	}
}

// TestDrillSize bounds the data per complaint and the largest file, for
// a month of 6,000 complaints in one team: about 100 bytes a row.
func TestDrillSize(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a site of 18,000 complaints")
	}
	f := fixture{agents: 3, months: 3, perAgent: 2000}
	opt := f.options(t)
	opt.Config.Site.Drilldown = -1
	tree := readTree(t, build(t, opt))
	data, rowsN, largest, pages := 0, 0, 0, 0
	for name, b := range tree {
		largest = max(largest, len(b))
		switch {
		case strings.HasPrefix(name, drillDataDir):
			data += len(b)
			if name != drillDataDir+drillCommonKey+".js" {
				_, _, rows := decodePart(t, name, b, "zh", nil)
				rowsN += len(rows)
			}
		case strings.HasPrefix(name, "complaints/"):
			pages += len(b)
		}
	}
	perRow := float64(data) / float64(rowsN)
	t.Logf("%d rows, %d bytes of data (%.0f a row), %d bytes of pages, largest file %d bytes", rowsN, data, perRow, pages, largest)
	if perRow > 110 {
		t.Errorf("%.0f bytes of data a row, want at most 110", perRow)
	}
	if largest > 2<<20 {
		t.Errorf("largest file %d bytes, want under 2 MiB", largest)
	}
	// Pages hold their first rows and an index of a few bytes a row.
	if perPage := float64(pages) / float64(len(drillPagesOf(tree))); perPage > 60_000 {
		t.Errorf("%.0f bytes a page, want at most 60,000", perPage)
	}
}

// TestDrillLanguages: a site in two languages writes the lists' data once,
// at the root, with the reasons in each language; each language has its
// own labels and names, and its pages list the same rows.
func TestDrillLanguages(t *testing.T) {
	tree := readTree(t, build(t, bilingual(t)))
	for name := range tree {
		if strings.HasPrefix(name, "en/"+drillDataDir) && name != "en/"+drillDataDir+drillCommonKey+".js" {
			t.Errorf("%s: the English site writes data of its own", name)
		}
	}
	zh, en := readCommon(t, tree, drillDataDir+drillCommonKey+".js"), readCommon(t, tree, "en/"+drillDataDir+drillCommonKey+".js")
	if zh.Lang != "zh" || en.Lang != "en" || en.Labels["drill.status.open"] != "open" || zh.Labels["drill.status.open"] != "未解决" {
		t.Errorf("common data: zh %q %q, en %q %q", zh.Lang, zh.Labels["drill.status.open"], en.Lang, en.Labels["drill.status.open"])
	}
	pages := 0
	for _, page := range drillPagesOf(tree) {
		if strings.HasPrefix(page, "en/") {
			continue
		}
		pages++
		_, zhRows := drillList(t, tree, page)
		_, enRows := drillList(t, tree, "en/"+page)
		if len(zhRows) != len(enRows) {
			t.Errorf("%s: %d rows in Chinese, %d in English", page, len(zhRows), len(enRows))
			continue
		}
		for i := range zhRows {
			z, e := zhRows[i], enRows[i]
			if z.Key != e.Key {
				t.Errorf("%s: row %d is %s in Chinese, %s in English", page, i, z.Key, e.Key)
				break
			}
			if z.Out["csat"] == "x" && (z.Why["csat"] != "未回答问卷" || e.Why["csat"] != "no survey answer") {
				t.Errorf("%s: %s: csat excluded because %q / %q", page, z.Key, z.Why["csat"], e.Why["csat"])
			}
		}
	}
	if pages == 0 {
		t.Fatal("no drill-down pages")
	}
}

// TestListRefs: a list in the order of its parts is refs; a team's,
// its agents' runs merged, is merge and seq when that is shorter.
func TestListRefs(t *testing.T) {
	refs, merge, seq := listRefs([]int{40, 41, 42, 43, 44})
	if got, _ := json.Marshal(refs); string(got) != `[40,[1,4]]` || merge != nil || seq != "" {
		t.Errorf("consecutive rows = %s, %v, %q", got, merge, seq)
	}
	// Two agents' runs (0… and 1000…) merged.
	var at []int
	for i := range 20 {
		at = append(at, i, 1000+i)
	}
	refs, merge, seq = listRefs(at)
	if len(refs) != 0 || !slices.Equal(merge, [][2]int{{0, 20}, {1000, 20}}) || seq != strings.Repeat("01", 20) {
		t.Errorf("merged runs = %v, %v, %q", refs, merge, seq)
	}
	// 70 runs of 20 rows, taken in a scrambled order of runs, take two
	// characters a row.
	at = nil
	for i := range 20 {
		for k := range 70 {
			r := k * 37 % 70
			at = append(at, r*1000+r*r+i)
		}
	}
	_, merge, seq = listRefs(at)
	if len(merge) != 70 || len(seq) != 2*1400 || seq[2*69:2*70] != "15" || merge[1][0] != 37000+37*37 {
		t.Errorf("70 runs: %d runs, seq %.20q…", len(merge), seq)
	}
}

func TestRuns(t *testing.T) {
	for _, tc := range []struct {
		in   []int
		want string
	}{
		{nil, `[]`},
		{[]int{3682, 1, 1, 1, 1}, `[3682,[1,4]]`},
		{[]int{5, 1, 1, -3, 2, 2, 2, 7}, `[5,1,1,-3,[2,3],7]`},
		{[]int{0, 0, 0}, `[[0,3]]`},
	} {
		got, err := json.Marshal(runs(tc.in))
		if err != nil || string(got) != tc.want {
			t.Errorf("runs(%v) = %s, %v; want %s", tc.in, got, err, tc.want)
		}
	}
}

func TestKeyNumber(t *testing.T) {
	for _, tc := range []struct {
		key, prefix string
		n           int64
		ok          bool
	}{
		{"SD-12", "SD-", 12, true},
		{"SD-0", "SD-", 0, true},
		{"42", "", 42, true},
		{"SD-012", "", 0, false}, // "SD-" + 12 would not give it back
		{"SD-", "", 0, false},
		{"SD-1234567890123456", "", 0, false}, // past JavaScript's exact integers
		{"demo:000001", "", 0, false},
	} {
		p, n, ok := keyNumber(tc.key)
		if p != tc.prefix || n != tc.n || ok != tc.ok {
			t.Errorf("keyNumber(%q) = %q, %d, %v; want %q, %d, %v", tc.key, p, n, ok, tc.prefix, tc.n, tc.ok)
		}
	}
	recs := []*drillRec{{Key: "SD-3"}, {Key: "HELP-9"}, {Key: "SD-007"}, {Key: "SD-4"}, {ID: "x:1"}}
	if got := keyPrefix(recs); got != "SD-" {
		t.Errorf("keyPrefix = %q, want SD-", got)
	}
}
