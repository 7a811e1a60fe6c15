package sitegen

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kpidesk/kpidesk/scoring"
)

// dataValue decodes a data file (registerData, dataScript): its key and
// its JSON value.
func dataValue(t *testing.T, b []byte, v any) string {
	t.Helper()
	m := regexp.MustCompile(`(?s)^\(self\.kpideskDrill=self\.kpideskDrill\|\|\{\}\)\[("[^"]*")\]=(.*);\n$`).FindSubmatch(b)
	if m == nil {
		t.Fatalf("not a data file: %.80s…", b)
	}
	var key string
	if err := json.Unmarshal(m[1], &key); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(m[2], v); err != nil {
		t.Fatalf("data %s: %v", key, err)
	}
	return key
}

type testManifest struct {
	N int      `json:"n"`
	D string   `json:"d"`
	P []string `json:"p"`
	S [][]any  `json:"s"`
}

// searchTestPart is what the search reads of a drill-down data part.
type searchTestPart struct {
	U string   `json:"u"`
	P string   `json:"p"`
	A []string `json:"a"`
	R [][]any  `json:"r"`
}

// testHit is a ticket as the search box shows it.
type testHit struct {
	key, title, part, month, page string
	url                           any
}

// searchTickets reads the manifest and every part it names as
// kpidesk.js does: newest month first, each key once, with the page its
// row links to. It checks each entry's row count and key ranges against
// its part.
func searchTickets(t *testing.T, tree map[string][]byte) (testManifest, []testHit) {
	t.Helper()
	var man testManifest
	if key := dataValue(t, tree["data/search/tickets.js"], &man); key != "search:tickets" {
		t.Errorf("tickets.js registers %q", key)
	}
	var hits []testHit
	seen := map[string]bool{}
	total := 0
	for i, sh := range man.S {
		name, month := sh[0].(string), sh[1].(string)
		if i > 0 && month > man.S[i-1][1].(string) {
			t.Errorf("part %s of %s after one of %s: want the newest month first", name, month, man.S[i-1][1])
		}
		var p searchTestPart
		if key := dataValue(t, tree[drillDataDir+name+".js"], &p); key != name {
			t.Errorf("%s.js registers %q", name, key)
		}
		if n := int(sh[2].(float64)); n != len(p.R) {
			t.Errorf("part %s: manifest says %d rows, it has %d", name, n, len(p.R))
		}
		total += len(p.R)
		ranges := sh[3].([]any)
		byPrefix := map[string]int{}
		for _, r := range ranges {
			byPrefix[r.([]any)[0].(string)]++
		}
		for kp, n := range byPrefix {
			if n > searchRanges {
				t.Errorf("part %s: %d ranges of %q, want at most %d", name, n, kp, searchRanges)
			}
		}
		exceptions := map[int]int{}
		if len(sh) > 7 {
			for _, e := range sh[7].([]any) {
				e := e.([]any)
				exceptions[int(e[0].(float64))] = int(e[1].(float64))
			}
		}
		// The part's place among its month's parts, as the key index
		// names it.
		place := 0
		for _, other := range man.S[:i] {
			if other[1].(string) == month {
				place++
			}
		}
		var keyNum int64
		for j, r := range p.R {
			var key string
			key, keyNum = partKey(t, p.P, r[0], keyNum)
			kp, num, numbered := searchKeyNumber(key)
			if got := keyIndex(t, tree, month, kp, num); numbered && seen[key] != (len(got) == 0) {
				// Only the newest month that lists a key indexes it.
				t.Errorf("keys-%s.js gives %s in parts %v, want %d (%s) if its newest month, else none", month, key, got, place, name)
			} else if numbered && !seen[key] && !slices.Contains(got, place) {
				t.Errorf("keys-%s.js gives %s in parts %v, want %d (%s)", month, key, got, place, name)
			}
			if numbered {
				if !slices.ContainsFunc(ranges, func(x any) bool {
					x2 := x.([]any)
					return x2[0] == kp && x2[1].(float64) <= float64(num) && float64(num) <= x2[2].(float64)
				}) {
					t.Errorf("part %s: no key range %v holds %s", name, ranges, key)
				}
			} else if sh[4] != 1.0 {
				t.Errorf("part %s: %s ends in no number, scan = %v", name, key, sh[4])
			}
			if seen[key] {
				continue
			}
			seen[key] = true
			page, ok := exceptions[j]
			if !ok {
				page = int(sh[5].(float64))
				if a := int(r[5].(float64)); a >= 0 && sh[6].([]any)[a].(float64) >= 0 {
					page = int(sh[6].([]any)[a].(float64))
				}
			}
			h := testHit{key: key, title: r[1].(string), part: name, month: month, url: r[2]}
			if page >= 0 {
				h.page = man.P[page]
			}
			hits = append(hits, h)
		}
	}
	if man.N != total {
		t.Errorf("manifest: n = %d, its parts hold %d rows", man.N, total)
	}
	return man, hits
}

// keyIndex reads keys-MONTH.js as the search box does: the places,
// among the month's parts, of those that hold a key of prefix and num.
func keyIndex(t *testing.T, tree map[string][]byte, month, prefix string, num int64) []int {
	t.Helper()
	var idx struct {
		K [][4]any `json:"k"`
		X [][3]any `json:"x"`
	}
	name := searchDir + "keys-" + month + ".js"
	if key := dataValue(t, tree[name], &idx); key != "search:keys:"+month {
		t.Fatalf("%s registers %q", name, key)
	}
	var out []int
	for _, run := range idx.K {
		w, first, codes := int(run[2].(float64)), int64(run[1].(float64)), run[3].(string)
		at := int(num-first) * w
		if run[0] != prefix || at < 0 || at >= len(codes) || codes[at] == '.' {
			continue
		}
		place := 0
		for _, c := range codes[at : at+w] {
			place = place*len(base64Digits) + strings.IndexRune(base64Digits, c)
		}
		out = append(out, place)
	}
	for _, x := range idx.X {
		if x[0] == prefix && int64(x[1].(float64)) == num {
			out = append(out, int(x[2].(float64)))
		}
	}
	return out
}

// TestSearchKeyIndex: runs cut at long gaps, two characters a place for
// a month of many parts, and a number two keys share listed apart.
func TestSearchKeyIndex(t *testing.T) {
	parts := []searchPart{
		{nums: map[string][]int64{"sd-": {1, 3}}},
		{nums: map[string][]int64{"sd-": {2, 500}, "help-": {7}}},
		{nums: map[string][]int64{"sd-": {3}}}, // SD-003 beside SD-3
	}
	newer := map[string]map[int64]bool{"sd-": {500: true}} // a newer month lists SD-500
	got := string(searchKeyIndex(parts, newer))
	want := `{"k":[["help-",7,1,"1"],["sd-",1,1,"010"]],"x":[["sd-",3,2]]}`
	if got != want {
		t.Errorf("key index = %s, want %s", got, want)
	}
	many := make([]searchPart, 70)
	many[69].nums = map[string][]int64{"sd-": {9}}
	if !newer["sd-"][1] || !newer["help-"][7] {
		t.Errorf("the month's keys were not added to newer: %v", newer)
	}
	if got, want := string(searchKeyIndex(many, map[string]map[int64]bool{})), `{"k":[["sd-",9,2,"15"]],"x":[]}`; got != want {
		t.Errorf("key index of 70 parts = %s, want %s", got, want)
	}
}

// TestSearchIndex: the ticket search has no copy of the tickets: its
// manifest names every drill-down data part, newest month first, and
// through them finds each of the golden fixture's 90 complaints once,
// from the newest month whose lists show it, linked to a drill-down page
// of that month that lists it, in every language, and to the ticket
// (http and https only). The units are in each language, with their
// pages.
func TestSearchIndex(t *testing.T) {
	opt := golden.options(t)
	opt.Config.Site.Languages = []string{"zh", "en"}
	tree := readTree(t, build(t, opt))

	man, hits := searchTickets(t, tree)
	var parts []string
	for name := range tree {
		if strings.HasPrefix(name, drillDataDir) && strings.Count(name, "/") == 3 {
			parts = append(parts, strings.TrimSuffix(strings.TrimPrefix(name, drillDataDir), ".js"))
		}
	}
	var named []string
	for _, sh := range man.S {
		named = append(named, sh[0].(string))
	}
	slices.Sort(parts)
	slices.Sort(named)
	if diff := cmp.Diff(parts, named); diff != "" {
		t.Errorf("manifest's parts (-data/complaints +manifest):\n%s", diff)
	}
	if len(hits) != 90 {
		t.Fatalf("%d tickets found, want 90", len(hits))
	}
	newest := map[string]string{} // key → newest month that lists it
	for name := range tree {
		if !strings.HasPrefix(name, "complaints/") {
			continue
		}
		_, rows := drillList(t, tree, name)
		month := name[len(name)-len("2025-11.html") : len(name)-len(".html")]
		for _, r := range rows {
			newest[r.Key] = max(newest[r.Key], month)
		}
	}
	lists := map[string][]string{}
	for _, h := range hits {
		var n int
		fmt.Sscanf(h.key, "SD-%d", &n)
		if want := fmt.Sprintf("订单 %d 退款迟迟未到账", 1000+n); h.title != want || h.url != 1.0 {
			t.Errorf("%s: title %v, url %v; want %q, 1", h.key, h.title, h.url, want)
		}
		if h.month != newest[h.key] {
			t.Errorf("%s found in %s, want %s, the newest month that lists it", h.key, h.month, newest[h.key])
		}
		if !strings.HasSuffix(h.page, "-"+h.month+".html") {
			t.Errorf("%s links to %q, not a page of %s", h.key, h.page, h.month)
		}
		for _, lang := range []string{"", "en/"} {
			if _, ok := lists[lang+h.page]; !ok {
				_, rows := drillList(t, tree, lang+h.page)
				for _, r := range rows {
					lists[lang+h.page] = append(lists[lang+h.page], r.Key)
				}
			}
			if !slices.Contains(lists[lang+h.page], h.key) {
				t.Errorf("%s links to %s%s, which does not list it", h.key, lang, h.page)
			}
		}
	}
	// SD-45 is wang.fang's, created in 2025-11 (fixture.evidence).
	if i := slices.IndexFunc(hits, func(h testHit) bool { return h.key == "SD-45" }); i < 0 || !strings.HasPrefix(hits[i].page, "complaints/agent-wang.fang-") {
		t.Errorf("SD-45 not found on wang.fang's list: %+v", hits[max(i, 0)])
	}

	for file, want := range map[string][4]string{
		"data/search/units.js":    {"agent", "zhang.wei", "张伟", "agent/zhang.wei.html"},
		"en/data/search/units.js": {"team", "care-vip", "VIP Line", "team/care-vip.html"},
	} {
		var u searchUnits
		dataValue(t, tree[file], &u)
		// org, 2 departments, 3 teams, 5 agents
		if len(u.Units) != 11 || !containsUnit(u.Units, want) {
			t.Errorf("%s: %d units, want 11 with %v", file, len(u.Units), want)
		}
		for _, k := range searchLabels {
			if u.Labels[k] == "" {
				t.Errorf("%s lacks label %s", file, k)
			}
		}
	}
	for name := range tree {
		if strings.Contains(name, searchDir) && !strings.HasSuffix(name, "/units.js") && name != searchDir+"tickets.js" &&
			!(strings.HasPrefix(name, searchDir+"keys-") && !strings.Contains(string(tree[name]), "SD-")) {
			t.Errorf("%s: the search writes no copy of the tickets", name)
		}
	}
	if _, ok := tree["en/data/search/tickets.js"]; ok {
		t.Errorf("the tickets' manifest is written once, at the site's root; en/ has a copy")
	}
}

func containsUnit(us [][4]string, u [4]string) bool {
	for _, x := range us {
		if x == u {
			return true
		}
	}
	return false
}

// TestSearchHostile: titles that are markup stay JSON strings with <, >
// and & escaped, and a javascript: URL is no link.
func TestSearchHostile(t *testing.T) {
	f := golden
	f.hostile = true
	tree := readTree(t, build(t, f.options(t)))
	for name, b := range tree {
		if !strings.HasPrefix(name, searchDir) && !strings.HasPrefix(name, drillDataDir) {
			continue
		}
		if s := string(b); strings.ContainsAny(s, "<>") || strings.Contains(s, "javascript:") {
			t.Errorf("%s: raw markup or a javascript: URL in %.200s", name, s)
		}
	}
	_, hits := searchTickets(t, tree)
	found := false
	for _, h := range hits {
		if h.key == "SD-2" {
			found = true
			if h.url != 0.0 {
				t.Errorf("SD-2's javascript: URL became %v, want 0 (none)", h.url)
			}
		}
	}
	if !found {
		t.Errorf("SD-2 not found")
	}
}

// TestSearchParts: with lists cut into many small parts, the manifest
// names each with its row count and key ranges (searchTickets checks
// them), and the parts together hold every ticket.
func TestSearchParts(t *testing.T) {
	defer func(n int) { drillPartRows = n }(drillPartRows)
	drillPartRows = 4
	opt := golden.options(t)
	opt.Config.Site.Drilldown = -1
	tree := readTree(t, build(t, opt))
	man, hits := searchTickets(t, tree)
	if len(man.S) < 20 {
		t.Fatalf("%d parts, want the lists cut into many", len(man.S))
	}
	if len(hits) != 90 {
		t.Errorf("%d tickets found, want 90", len(hits))
	}
}

// TestSearchManifestPages: a row links to its assignee's page, else its
// team's; a row its assignee's page does not list links, by an exception,
// to the first page that does.
func TestSearchManifestPages(t *testing.T) {
	team, agent := &unit{}, &unit{}
	s := &site{dir: t.TempDir(), stats: &writeStats{}, drill: map[drillKey]*drillPage{
		{scoring.UnitTeam + ":t", "2025-11"}:  {unit: team, file: "complaints/team-t-2025-11.html"},
		{scoring.UnitAgent + ":a", "2025-11"}: {unit: agent, file: "complaints/agent-a-2025-11.html"},
	}}
	p := &drillPart{name: "2025-11/0-0", recs: []*drillRec{
		{Team: "t", Key: "SD-1", Agent: "a", Pages: []string{"agent:a", "team:t"}},
		{Team: "t", Key: "SD-2", Agent: "a", Pages: []string{"team:t"}}, // not on a's list
		{Team: "t", Key: "SD-3", Agent: "b", Pages: []string{"team:t"}}, // b has no page
		{Team: "t", Key: "SD-40", Pages: []string{"team:t"}},            // no assignee
	}, agents: []string{"a", "b"}}
	s.notePart("2025-11", p)
	if err := s.writeSearchTickets(); err != nil {
		t.Fatal(err)
	}
	tree := readTree(t, s.dir)
	var man testManifest
	dataValue(t, tree["data/search/tickets.js"], &man)
	want := testManifest{N: 4, D: drillDataDir, P: []string{"complaints/team-t-2025-11.html", "complaints/agent-a-2025-11.html"},
		S: [][]any{{"2025-11/0-0", "2025-11", 4.0, []any{[]any{"sd-", 1.0, 3.0}, []any{"sd-", 40.0, 40.0}}, 0.0, 0.0,
			[]any{1.0, -1.0}, []any{[]any{1.0, 0.0}}}}}
	if diff := cmp.Diff(want, man); diff != "" {
		t.Errorf("manifest (-want +got):\n%s", diff)
	}
	if s.search.parts != nil {
		t.Errorf("the site's parts are still held after its manifest is written")
	}
}

func TestSearchKeyRanges(t *testing.T) {
	for _, tc := range []struct {
		name string
		nums []int64
		n    int
		want [][2]int64
	}{
		{"one", []int64{7}, 8, [][2]int64{{7, 7}}},
		{"dense", []int64{3, 1, 2, 2}, 8, [][2]int64{{1, 3}}},
		{"backlog", []int64{5, 900, 901, 903, 40}, 8, [][2]int64{{5, 5}, {40, 40}, {900, 901}, {903, 903}}},
		{"few ranges", []int64{5, 900, 901, 903, 40}, 3, [][2]int64{{5, 5}, {40, 40}, {900, 903}}},
		{"widest gaps", []int64{1, 2, 10, 11, 100, 101, 103}, 2, [][2]int64{{1, 11}, {100, 103}}},
		{"no cut", []int64{1, 50, 100}, 1, [][2]int64{{1, 100}}},
		{"none", nil, 8, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := searchKeyRanges(tc.nums, tc.n); !slices.Equal(got, tc.want) {
				t.Errorf("searchKeyRanges(%v, %d) = %v, want %v", tc.nums, tc.n, got, tc.want)
			}
		})
	}
}

func TestSearchKeyNumber(t *testing.T) {
	for _, tc := range []struct {
		key, prefix string
		n           int64
		ok          bool
	}{
		{"SD-12", "sd-", 12, true},
		{"owner/repo#405", "owner/repo#", 405, true},
		{"42", "", 42, true},
		{"ABC", "", 0, false},
		{"X-1234567890123456", "", 0, false},
	} {
		p, n, ok := searchKeyNumber(tc.key)
		if p != tc.prefix || n != tc.n || ok != tc.ok {
			t.Errorf("searchKeyNumber(%q) = %q, %d, %v; want %q, %d, %v", tc.key, p, n, ok, tc.prefix, tc.n, tc.ok)
		}
	}
	if got := clip("退款迟迟未到账", 4); got != "退款迟迟…" {
		t.Errorf("clip = %q", got)
	}
}
