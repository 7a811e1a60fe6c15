package sitegen

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
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
	N int     `json:"n"`
	S [][]any `json:"s"`
}

type testShard struct {
	U string   `json:"u"`
	P []string `json:"p"`
	R [][]any  `json:"r"`
}

// TestSearchIndex: the golden fixture's 90 complaints are each in the
// index once, under the month they were created in (the first month whose
// lists show them), newest month first, and link to their agent's list
// of that month, which shows them, and to the ticket (http and https
// only). The units are in each language, with their pages.
func TestSearchIndex(t *testing.T) {
	opt := golden.options(t)
	opt.Config.Site.Languages = []string{"zh", "en"}
	tree := readTree(t, build(t, opt))

	var man testManifest
	if key := dataValue(t, tree["data/search/tickets.js"], &man); key != "search:tickets" {
		t.Errorf("tickets.js registers %q", key)
	}
	if man.N != 90 || len(man.S) != 3 {
		t.Fatalf("manifest: %d tickets in %d shards, want 90 in 3", man.N, len(man.S))
	}
	seen := map[string]bool{}
	for i, sh := range man.S {
		name, month := sh[0].(string), sh[1].(string)
		if want := []string{"2025-12", "2025-11", "2025-10"}[i]; month != want || name != want+"-0" {
			t.Errorf("shard %d = %s of %s, want %s-0", i, name, month, want)
		}
		// Complaints 1–30 are of 2025-10, 31–60 of 2025-11, 61–90 of 2025-12.
		lo, hi := float64(61-30*i), float64(90-30*i)
		if diff := cmp.Diff([]any{30.0, []any{[]any{"sd-", lo, hi}}, 0.0}, sh[2:]); diff != "" {
			t.Errorf("shard %s: count, key ranges, scan (-want +got):\n%s", name, diff)
		}
		var s testShard
		if key := dataValue(t, tree["data/search/"+name+".js"], &s); key != "search:"+name {
			t.Errorf("%s.js registers %q", name, key)
		}
		if s.U != "https://helpdesk.example.com/browse/" {
			t.Errorf("shard %s: URL prefix %q", name, s.U)
		}
		for _, r := range s.R {
			key := r[0].(string)
			if seen[key] {
				t.Errorf("%s listed twice", key)
			}
			seen[key] = true
			var n int
			fmt.Sscanf(key, "SD-%d", &n)
			agent := golden.agentID(((n - 1) % 30) / 6)
			if want := fmt.Sprintf("订单 %d 退款迟迟未到账", 1000+n); r[1] != want || r[2] != 1.0 {
				t.Errorf("%s: title %v, url %v; want %q, 1", key, r[1], r[2], want)
			}
			page := s.P[int(r[3].(float64))]
			if want := "complaints/agent-" + agent + "-" + month + ".html"; page != want {
				t.Errorf("%s links to %s, want %s", key, page, want)
			}
			for _, lang := range []string{"", "en/"} {
				if !strings.Contains(string(tree[lang+page]), `/browse/`+key+`">`+key+`</a>`) {
					t.Errorf("%s%s does not list %s", lang, page, key)
				}
			}
		}
	}
	if len(seen) != 90 {
		t.Errorf("%d tickets indexed, want 90", len(seen))
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
	if _, ok := tree["en/data/search/tickets.js"]; ok {
		t.Errorf("the tickets are written once, at the site's root; en/ has a copy")
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
		if !strings.HasPrefix(name, "data/search/") {
			continue
		}
		if s := string(b); strings.ContainsAny(s, "<>") || strings.Contains(s, "javascript:") {
			t.Errorf("%s: raw markup or a javascript: URL in %.200s", name, s)
		}
	}
	var s testShard
	dataValue(t, tree["data/search/2025-10-0.js"], &s)
	for _, r := range s.R {
		if r[0] == "SD-2" && r[2] != 0.0 {
			t.Errorf("SD-2's javascript: URL became %v, want 0 (none)", r[2])
		}
	}
}

// TestSearchShards: a month's tickets are cut into shards of at most
// searchShardBytes of rows (one row more at most), each with the key
// range it holds, all of them together once.
func TestSearchShards(t *testing.T) {
	defer func(n int) { searchShardBytes = n }(searchShardBytes)
	searchShardBytes = 600
	tree := readTree(t, build(t, golden.options(t)))
	var man testManifest
	dataValue(t, tree["data/search/tickets.js"], &man)
	if len(man.S) < 9 {
		t.Fatalf("%d shards, want the 3 months cut into several each", len(man.S))
	}
	total := 0
	for _, sh := range man.S {
		name := sh[0].(string)
		b := tree["data/search/"+name+".js"]
		if len(b) > 600+400 {
			t.Errorf("%s: %d bytes", name, len(b))
		}
		var s testShard
		dataValue(t, b, &s)
		lo, hi := 1e9, 0.0
		for _, r := range s.R {
			var n float64
			fmt.Sscanf(r[0].(string), "SD-%g", &n)
			lo, hi = min(lo, n), max(hi, n)
		}
		if diff := cmp.Diff([]any{float64(len(s.R)), []any{[]any{"sd-", lo, hi}}, 0.0}, sh[2:]); diff != "" {
			t.Errorf("shard %s (-want +got):\n%s", name, diff)
		}
		total += len(s.R)
	}
	if total != 90 || man.N != 90 {
		t.Errorf("shards hold %d tickets, manifest %d; want 90", total, man.N)
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
