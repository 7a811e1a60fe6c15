package sitegen

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"html"
	"io/fs"
	"maps"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"

	"github.com/kpidesk/kpidesk/scoring"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

// golden is the small fixture of the golden files.
var golden = fixture{agents: 5, months: 3, perAgent: 6}

// build builds f into a fresh folder and returns its path.
func build(t testing.TB, opt Options) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "site")
	opt.Out = dir
	if err := Build(context.Background(), opt); err != nil {
		t.Fatalf("Build: %v", err)
	}
	return dir
}

// readTree returns every file of a site by slash path.
func readTree(t testing.TB, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		out[filepath.ToSlash(rel)] = b
		return nil
	})
	if err != nil {
		t.Fatalf("read site: %v", err)
	}
	return out
}

func htmlFiles(tree map[string][]byte) []string {
	var out []string
	for name := range tree {
		if strings.HasSuffix(name, ".html") {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out
}

func TestGolden(t *testing.T) {
	dir := build(t, golden.options(t))
	for _, tc := range []struct{ name, file string }{
		{"index", "index.html"},
		{"agent", "agent/zhang.wei.html"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := os.ReadFile(filepath.Join(dir, tc.file))
			if err != nil {
				t.Fatal(err)
			}
			compareGolden(t, got, tc.name+".html.golden")
		})
	}
}

func TestPages(t *testing.T) {
	tree := readTree(t, build(t, golden.options(t)))
	want := []string{
		"index.html", "org.html", "teams.html", "departments.html", "agents.html",
		"methodology.html", "quality.html",
		"department/care.html", "department/tech.html",
		"team/care-east.html", "team/care-vip.html", "team/tech-l1.html",
		"agent/zhang.wei.html", "agent/li.na.html", "agent/wang.fang.html", "agent/liu.yang.html", "agent/chen.jing.html",
		"complaints/agent-zhang.wei-2025-10.html", "complaints/agent-zhang.wei-2025-12.html",
		"complaints/team-care-east-2025-11.html",
		"assets/style.css", "assets/kpidesk.js", "assets/echarts.min.js", "assets/echarts-LICENSE.txt", "assets/echarts-NOTICE.txt",
	}
	for _, name := range want {
		if _, ok := tree[name]; !ok {
			t.Errorf("site lacks %s", name)
		}
	}
	if _, ok := tree[".kpidesk-site"]; !ok {
		t.Errorf("site lacks its marker .kpidesk-site")
	}
	for name := range tree {
		if name != ".kpidesk-site" && (strings.HasPrefix(name, ".") || strings.Contains(name, "/.")) {
			t.Errorf("site contains build leftover %s", name)
		}
	}
	// 5 agents + 3 teams, 3 months each.
	if n := len(slices.DeleteFunc(slices.Collect(maps.Keys(tree)), func(s string) bool { return !strings.HasPrefix(s, "complaints/") })); n != 24 {
		t.Errorf("complaints pages = %d, want 24", n)
	}
	idx := string(tree["index.html"])
	for _, s := range []string{"2025-12", "示例服务有限公司", "首次解决率", "服务之星", "v0.1.0-test", "2026-01-03 10:00 CST", `lang="zh-CN"`} {
		if !strings.Contains(idx, s) {
			t.Errorf("index.html lacks %q", s)
		}
	}
	// Org and departments link to their teams' complaints.
	if !strings.Contains(string(tree["department/care.html"]), `href="../complaints/team-care-east-2025-12.html#ftr_rate"`) {
		t.Errorf("department page does not link to its teams' complaints")
	}
	meth := string(tree["methodology.html"])
	for _, s := range []string{"<strong>seed 001</strong>", "<table>", "26.7%", "阶梯：≥ 90% 满分，每差 5% 扣 8 分", "奖金 &#43;15%，优先晋升", "从收到投诉到坐席首次公开回复的工作时间。"} {
		if !strings.Contains(meth, s) {
			t.Errorf("methodology.html lacks %q", s)
		}
	}
	q := string(tree["quality.html"])
	if i, j := strings.Index(q, "import.csv:9"), strings.Index(q, "import.csv:12"); i < 0 || j < 0 || i > j {
		t.Errorf("quality.html: problems missing or not in natural order (import.csv:9 at %d, import.csv:12 at %d)", i, j)
	}
}

func TestEnglish(t *testing.T) {
	f := golden
	f.lang = "en"
	tree := readTree(t, build(t, f.options(t)))
	idx := string(tree["index.html"])
	for _, s := range []string{`lang="en"`, "Demo Service Co.", "Overview", "First-time resolution", "Service star"} {
		if !strings.Contains(idx, s) {
			t.Errorf("index.html lacks %q", s)
		}
	}
	if strings.Contains(idx, "概览") {
		t.Errorf("English index.html has Chinese UI labels")
	}
	if !strings.Contains(string(tree["team/care-east.html"]), "East China Desk") {
		t.Errorf("team page does not use name_en")
	}
}

func TestLabels(t *testing.T) {
	zh, en := slices.Sorted(maps.Keys(labels["zh"])), slices.Sorted(maps.Keys(labels["en"]))
	if diff := cmp.Diff(zh, en); diff != "" {
		t.Errorf("zh and en label keys differ (-zh +en):\n%s", diff)
	}
}

func TestDeterministic(t *testing.T) {
	a := readTree(t, build(t, golden.options(t)))
	b := readTree(t, build(t, golden.options(t)))
	if !maps.EqualFunc(a, b, bytes.Equal) {
		for name := range a {
			if !bytes.Equal(a[name], b[name]) {
				t.Errorf("%s differs between two builds of the same input", name)
			}
		}
		t.Fatalf("two builds differ")
	}
}

// TestDrilldown is in drill_test.go, with the other tests of the lists.

func TestNoEvidence(t *testing.T) {
	opt := golden.options(t)
	opt.Evidence = nil
	tree := readTree(t, build(t, opt))
	for name, b := range tree {
		if strings.HasPrefix(name, "complaints/") || bytes.Contains(b, []byte("complaints/")) {
			t.Errorf("%s: drill-down without evidence", name)
		}
	}
}

var (
	hrefRE = regexp.MustCompile(`\s(?:href|src)="([^"]*)"`)
	idRE   = regexp.MustCompile(`\sid="([^"]*)"`)
)

// TestRelativeLinks checks that every href and src of every page resolves
// to a file of the site (and to an element of it, for a #fragment), is
// relative, and that only ticket URLs leave the site.
func TestRelativeLinks(t *testing.T) {
	opt := golden.options(t)
	tickets := map[string]bool{}
	opt.Evidence(func(e *scoring.Evidence) error { tickets[e.URL] = true; return nil })
	tree := readTree(t, build(t, opt))
	ids := map[string]map[string]bool{}
	for _, name := range htmlFiles(tree) {
		ids[name] = map[string]bool{"": true}
		for _, m := range idRE.FindAllStringSubmatch(string(tree[name]), -1) {
			ids[name][html.UnescapeString(m[1])] = true
		}
	}
	checked := 0
	for _, name := range htmlFiles(tree) {
		for _, m := range hrefRE.FindAllStringSubmatch(string(tree[name]), -1) {
			ref := html.UnescapeString(m[1])
			checked++
			if strings.HasPrefix(ref, "http://") || strings.HasPrefix(ref, "https://") {
				if !tickets[ref] {
					t.Errorf("%s: external link %q is not a ticket URL", name, ref)
				}
				continue
			}
			u, err := url.Parse(ref)
			if err != nil || u.Scheme != "" || u.Host != "" || strings.HasPrefix(u.Path, "/") {
				t.Errorf("%s: link %q is not relative", name, ref)
				continue
			}
			target := name
			if u.Path != "" {
				target = path.Join(path.Dir(name), u.Path)
				if strings.HasPrefix(target, "../") {
					t.Errorf("%s: link %q leaves the site", name, ref)
					continue
				}
				if _, ok := tree[target]; !ok {
					t.Errorf("%s: link %q: no file %s", name, ref, target)
					continue
				}
			}
			if u.Fragment != "" && ids[target] != nil && !ids[target][u.Fragment] {
				t.Errorf("%s: link %q: no element #%s in %s", name, ref, u.Fragment, target)
			}
		}
	}
	if checked < 500 {
		t.Errorf("checked only %d links; is the pattern wrong?", checked)
	}
}

// TestEscaping builds a site from hostile names, titles and reasons and
// checks that they appear only escaped, in HTML and in chart JSON.
func TestEscaping(t *testing.T) {
	f := golden
	f.hostile = true
	tree := readTree(t, build(t, f.options(t)))
	raw := []string{`<script>alert`, `<img src=x`, `</script><script>`, `javascript:alert`, `onerror=alert(1)>`}
	jsonRE := regexp.MustCompile(`(?s)<script type="application/json" id="([^"]*)">(.*?)</script>`)
	charts := 0
	for _, name := range htmlFiles(tree) {
		page := string(tree[name])
		for _, r := range raw {
			if strings.Contains(page, r) {
				i := strings.Index(page, r)
				t.Errorf("%s: raw %q at …%s…", name, r, page[max(0, i-80):min(len(page), i+80)])
			}
		}
		if o, c := strings.Count(page, "<script"), strings.Count(page, "</script>"); o != c {
			t.Errorf("%s: %d <script openings, %d closings", name, o, c)
		}
		for _, m := range jsonRE.FindAllStringSubmatch(page, -1) {
			charts++
			var v map[string]any
			if err := json.Unmarshal([]byte(m[2]), &v); err != nil {
				t.Errorf("%s: chart %s: option is not JSON: %v", name, m[1], err)
			}
		}
	}
	if charts == 0 {
		t.Fatal("no chart data found")
	}
	idx := string(tree["index.html"])
	for _, s := range []string{
		`&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;`,                  // org name in HTML
		`\u003c/script\u003e\u003cscript\u003ealert(1)\u003c/script\u003e`, // team name in chart JSON
	} {
		if !strings.Contains(idx, s) {
			t.Errorf("index.html lacks the escaped form %s", s)
		}
	}
	var drill string
	for _, name := range htmlFiles(tree) {
		if strings.HasPrefix(name, "complaints/agent-zhang.wei-") {
			drill += string(tree[name])
		}
	}
	if !strings.Contains(drill, `<td class="key">SD-2</td>`) {
		t.Errorf("javascript: ticket URL was not dropped (SD-2 should be listed without a link)")
	}
	meth := string(tree["methodology.html"])
	if !strings.Contains(meth, "<!-- raw HTML omitted -->") {
		t.Errorf("methodology: raw HTML not omitted")
	}
}

func TestFileNames(t *testing.T) {
	us := []*unit{{}, {}, {}, {}, {}}
	for i, id := range []string{"zhang.wei", "Alice", "alice", "../etc/passwd", "张三"} {
		us[i].ID = id
	}
	got := fileNames(us)
	if got["zhang.wei"] != "zhang.wei" {
		t.Errorf("plain ID renamed: %q", got["zhang.wei"])
	}
	if got["Alice"] == got["alice"] || strings.EqualFold(got["Alice"], got["alice"]) {
		t.Errorf("IDs differing in case share a file name: %q, %q", got["Alice"], got["alice"])
	}
	for id, name := range got {
		if !plainID(name) || strings.HasPrefix(name, "-") || id != "zhang.wei" && strings.Contains(name, "..") {
			t.Errorf("fileNames[%q] = %q, not a plain file name", id, name)
		}
	}
	if got, want := periodName("2025-10"), "2025-10"; got != want {
		t.Errorf("periodName(%q) = %q, want %q", "2025-10", got, want)
	}
	if got := periodName("../2025"); !plainID(got) {
		t.Errorf("periodName(%q) = %q, not a plain file name", "../2025", got)
	}
}

func TestNaturalCompare(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want int
	}{
		{"SD-9", "SD-10", -1},
		{"SD-10", "SD-9", 1},
		{"SD-010", "SD-10", 0},
		{"a", "b", -1},
		{"x2y", "x2z", -1},
		{"", "a", -1},
	} {
		if got := naturalCompare(tc.a, tc.b); got != tc.want {
			t.Errorf("naturalCompare(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}

// TestFailedBuildKeepsSite checks that a build failing midway, by a
// template error or a cancelled context, leaves the previous site
// byte-identical and no temporary folder behind.
func TestFailedBuildKeepsSite(t *testing.T) {
	parent := t.TempDir()
	out := filepath.Join(parent, "site")
	opt := golden.options(t)
	opt.Out = out
	if err := Build(context.Background(), opt); err != nil {
		t.Fatalf("first Build: %v", err)
	}
	before := readTree(t, out)

	for _, tc := range []struct {
		name  string
		setup func(t *testing.T, opt *Options) context.Context
		want  error
	}{
		{
			name: "template error",
			setup: func(t *testing.T, opt *Options) context.Context {
				opt.Templates = fstest.MapFS{"unit.html": {Data: []byte(`{{define "content"}}{{.Body.NoSuchField}}{{end}}`)}}
				return context.Background()
			},
		},
		{
			name: "cancelled",
			setup: func(t *testing.T, opt *Options) context.Context {
				ctx, cancel := context.WithCancel(context.Background())
				t.Cleanup(cancel)
				opt.Progress = func(done, total int) {
					if done == 4 {
						cancel()
					}
				}
				return ctx
			},
			want: context.Canceled,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opt := golden.options(t)
			opt.Out = out
			opt.Scores.AsOf = opt.Scores.AsOf.AddDate(0, 0, 1) // a different site, were it written
			ctx := tc.setup(t, &opt)
			pages := 0
			prev := opt.Progress
			opt.Progress = func(done, total int) {
				pages = done
				if prev != nil {
					prev(done, total)
				}
			}
			err := Build(ctx, opt)
			if err == nil {
				t.Fatal("Build succeeded, want an error")
			}
			if tc.want != nil && !errors.Is(err, tc.want) {
				t.Errorf("Build error = %v, want %v", err, tc.want)
			}
			if pages == 0 {
				t.Errorf("Build failed before writing any page; the test does not fail midway")
			}
			after := readTree(t, out)
			if !maps.EqualFunc(before, after, bytes.Equal) {
				t.Errorf("previous site changed")
			}
			entries, _ := os.ReadDir(parent)
			if len(entries) != 1 {
				var names []string
				for _, e := range entries {
					names = append(names, e.Name())
				}
				t.Errorf("parent folder holds %v, want only site", names)
			}
		})
	}
}

func TestProgress(t *testing.T) {
	opt := golden.options(t)
	var last, lastTotal, calls int
	opt.Progress = func(done, total int) { calls++; last, lastTotal = done, total }
	build(t, opt)
	if calls == 0 || last != lastTotal {
		t.Errorf("Progress ended at %d of %d after %d calls, want done == total", last, lastTotal, calls)
	}
}

// TestReplacesPreviousSite checks that a site kpidesk wrote is replaced
// whole, its stale files gone, and that a folder kpidesk did not write is
// refused and left as it was.
func TestReplacesPreviousSite(t *testing.T) {
	out := filepath.Join(t.TempDir(), "site")
	opt := golden.options(t)
	opt.Out = out
	if err := Build(context.Background(), opt); err != nil {
		t.Fatalf("Build: %v", err)
	}
	if err := os.MkdirAll(filepath.Join(out, "stale"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := Build(context.Background(), opt); err != nil {
		t.Fatalf("second Build: %v", err)
	}
	if _, err := os.Stat(filepath.Join(out, "stale")); !os.IsNotExist(err) {
		t.Errorf("stale file of the previous site survived: %v", err)
	}
	if _, err := os.Stat(filepath.Join(out, "index.html")); err != nil {
		t.Errorf("no index.html: %v", err)
	}

	docs := filepath.Join(t.TempDir(), "docs")
	if err := os.MkdirAll(docs, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(docs, "guide.md"), []byte("# mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	opt.Out = docs
	err := Build(context.Background(), opt)
	if err == nil || !strings.Contains(err.Error(), "did not write (guide.md)") {
		t.Errorf("Build into a folder with guide.md = %v, want a refusal naming guide.md", err)
	}
	if b, err := os.ReadFile(filepath.Join(docs, "guide.md")); err != nil || string(b) != "# mine" {
		t.Errorf("guide.md after the refused build = %q, %v", b, err)
	}
	if entries, _ := os.ReadDir(filepath.Dir(docs)); len(entries) != 1 {
		t.Errorf("the refused build left %d entries beside docs, want none", len(entries)-1)
	}
}

func BenchmarkBuild(b *testing.B) {
	f := fixture{agents: 60, months: 18, perAgent: 20}
	opt := f.options(b)
	opt.Out = filepath.Join(b.TempDir(), "site")
	b.ReportAllocs()
	for b.Loop() {
		if err := Build(context.Background(), opt); err != nil {
			b.Fatal(err)
		}
	}
}

func TestTargetBounds(t *testing.T) {
	for _, tc := range []struct {
		name           string
		values, hidden []float64
		target         float64
		wantLo, wantHi float64
		wantOK         bool
	}{
		{name: "target inside", values: []float64{80, 95}, target: 90},
		{name: "target below", values: []float64{6.6, 8.4}, target: 5, wantLo: 5, wantHi: 9, wantOK: true},
		{name: "target above", values: []float64{76, 81}, target: 90, wantLo: 75, wantHi: 90, wantOK: true},
		{name: "hidden series span the target", values: []float64{6.6, 8.4}, hidden: []float64{3, 12}, target: 5, wantLo: 2, wantHi: 12, wantOK: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ls := lineSeries{target: &tc.target}
			for _, v := range tc.values {
				ls.values = append(ls.values, fp(v))
			}
			other := lineSeries{hidden: true}
			for _, v := range tc.hidden {
				other.values = append(other.values, fp(v))
			}
			lo, hi, ok := targetBounds([]lineSeries{ls, other})
			if ok != tc.wantOK || ok && (lo != tc.wantLo || hi != tc.wantHi) {
				t.Errorf("targetBounds(%v, target %v) = %v, %v, %v; want %v, %v, %v", tc.values, tc.target, lo, hi, ok, tc.wantLo, tc.wantHi, tc.wantOK)
			}
		})
	}
}

// compareGolden compares got with testdata/name, which -update rewrites
// (go test ./sitegen -update; review the diff).
func compareGolden(t *testing.T, got []byte, name string) {
	t.Helper()
	want := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(want, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	w, err := os.ReadFile(want)
	if err != nil {
		t.Fatalf("%v (run go test ./sitegen -update)", err)
	}
	if diff := cmp.Diff(string(w), string(got)); diff != "" {
		t.Errorf("%s differs (-want +got):\n%s", want, diff)
	}
}
