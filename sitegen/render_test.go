package sitegen

import (
	"html/template"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/kpidesk/kpidesk/templates"
)

// TestFragment checks the cache of rendered fragments: a key is rendered
// once and then reused, a nil key every time, and what it holds is what
// html/template makes of the data, escaped as on a page.
func TestFragment(t *testing.T) {
	s := &site{}
	s.base = template.Must(template.New("x").Parse(`{{define "cell"}}<td title="{{.}}">{{.}}</td>{{end}}`))
	calls := 0
	data := func(v string) func() any {
		return func() any { calls++; return v }
	}
	const hostile = `"><script>alert(1)</script>`
	want := `<td title="&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;">&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;</td>`
	for i := range 3 {
		h, err := s.fragment(s.base, "cell", hostile, data(hostile))
		if err != nil {
			t.Fatal(err)
		}
		if string(h) != want {
			t.Fatalf("fragment %d = %s, want %s", i, h, want)
		}
	}
	if calls != 1 {
		t.Errorf("a cached fragment was rendered %d times, want once", calls)
	}
	// Another key, and a key of another fragment name, are rendered apart.
	if h, _ := s.fragment(s.base, "cell", "b", data("b")); h != `<td title="b">b</td>` {
		t.Errorf("key b = %s", h)
	}
	calls = 0
	for range 2 {
		if h, _ := s.fragment(s.base, "cell", nil, data("c")); h != `<td title="c">c</td>` {
			t.Errorf("uncached = %s", h)
		}
	}
	if calls != 2 {
		t.Errorf("a nil key was rendered %d times in 2 calls, want 2", calls)
	}
	if _, err := s.fragment(s.base, "missing", "k", data("d")); err == nil || !strings.Contains(err.Error(), "missing") {
		t.Errorf("a fragment that is not defined = %v, want an error naming it", err)
	}
}

// TestFrag checks the templates' frag: a comparable value is rendered
// once, a value that cannot be a key (a slice) every time, without
// failing.
func TestFrag(t *testing.T) {
	s := &site{}
	s.base = template.Must(template.New("x").Parse(`{{define "d"}}<i>{{.}}</i>{{end}}`))
	type pair struct{ A, B string }
	for range 2 {
		if h, err := s.frag("d", pair{"<", "b"}); err != nil || h != `<i>{&lt; b}</i>` {
			t.Fatalf("frag(pair) = %s, %v", h, err)
		}
	}
	if n := len(s.frags.m); n != 1 {
		t.Errorf("%d fragments cached after a comparable value twice, want 1", n)
	}
	for range 2 {
		if h, err := s.frag("d", []string{"a"}); err != nil || h != `<i>[a]</i>` {
			t.Fatalf("frag(slice) = %s, %v", h, err)
		}
	}
	if n := len(s.frags.m); n != 1 {
		t.Errorf("%d fragments cached after a slice, want still 1", n)
	}
}

// TestLayoutWithoutFragments builds with a layout.html of the user's that
// writes its header and footer itself, as one copied before the layout
// had fragments would: the pages are whole, with nothing left over from
// the built-in fragments.
func TestLayoutWithoutFragments(t *testing.T) {
	b, err := fs.ReadFile(templates.FS, "layout.html")
	if err != nil {
		t.Fatal(err)
	}
	layout := string(b)
	for _, name := range []string{"top", "top-end", "foot"} {
		start := strings.Index(layout, `{{define "`+name+`"}}`)
		end := start + strings.Index(layout[start:], "{{end}}\n\n") + len("{{end}}\n\n")
		if start < 0 || end < start {
			t.Fatalf("layout.html defines no %q", name)
		}
		layout = layout[:start] + layout[end:]
	}
	const header, footer = `<header class="top mine">`, `<footer class="mine">`
	layout = strings.Replace(layout, "{{.Top}}", header+`<nav>`, 1)
	layout = strings.Replace(layout, "{{.TopEnd}}", `</nav></header>`, 1)
	layout = strings.Replace(layout, "{{.Foot}}", footer+`</footer>`, 1)
	opt := golden.options(t)
	opt.Templates = fstest.MapFS{"layout.html": {Data: []byte(layout)}}
	tree := readTree(t, build(t, opt))
	for _, name := range htmlFiles(tree) {
		page := string(tree[name])
		if !strings.Contains(page, header) || !strings.Contains(page, footer) {
			t.Errorf("%s lacks the user's header or footer", name)
		}
		if strings.Contains(page, `class="skip"`) || strings.Contains(page, `class="foot"`) {
			t.Errorf("%s has the built-in header or footer beside the user's", name)
		}
	}
	if len(htmlFiles(tree)) == 0 {
		t.Fatal("no pages")
	}
}

// TestWallFigure: a duration measured in business time shows its mean on
// the wall clock beside it (SPEC §3), on the scorecard under the median
// and p90 with one note on what it is, and on the overview's tile.
func TestWallFigure(t *testing.T) {
	opt := golden.options(t)
	for _, c := range opt.Scores.Scorecards {
		if m, ok := c.Metrics["first_response_time"]; ok && m.Value != nil {
			wall := 30*3600 + 15*60.0
			m.Wall = &wall
			c.Metrics["first_response_time"] = m
		}
	}
	tree := readTree(t, build(t, opt))
	for name, want := range map[string][]string{
		"agent/zhang.wei.html": {`<span class="muted small block">日历时间 30小时15分</span>`, "日历时间：同一段时长按自然时间计"},
		"index.html":           {`日历时间 30小时15分</p>`},
	} {
		for _, w := range want {
			if !strings.Contains(string(tree[name]), w) {
				t.Errorf("%s lacks %q", name, w)
			}
		}
	}
	// Without the figure (metrics.clock: wall, or another metric), no
	// line and no note.
	if page := string(tree["agent/zhang.wei.html"]); strings.Count(page, "日历时间 ") != 1 {
		t.Errorf("agent page shows %d wall-clock figures, want the one of first_response_time", strings.Count(page, "日历时间 "))
	}
}
