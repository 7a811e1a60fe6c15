package sitegen

import (
	"net/url"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserLanguages opens a page of each kind of the bilingual site
// from file://, clicks the language switch and checks that it lands on
// the same page in the other language (its address, <html lang>, its
// stylesheet and scripts loaded from the shared assets), then clicks back,
// with no console error, exception, network request or CSP violation.
func TestBrowserLanguages(t *testing.T) {
	ctx := browser(t)
	dir := build(t, bilingual(t))
	w := watch(t, ctx)
	for _, tc := range []struct{ kind, file string }{
		{"overview", "index.html"},
		{"organization", "org.html"},
		{"list", "teams.html"},
		{"department", "department/care.html"},
		{"team", "team/care-east.html"},
		{"agent", "agent/zhang.wei.html"},
		{"complaints", "complaints/agent-zhang.wei-2025-11.html"},
		{"methodology", "methodology.html"},
		{"quality", "quality.html"},
		{"appeals", "appeals.html"},
	} {
		t.Run(tc.kind, func(t *testing.T) {
			if err := open(ctx, dir, tc.file); err != nil {
				t.Fatal(err)
			}
			for _, step := range []struct{ lang, file string }{
				{"en", "en/" + tc.file},
				{"zh-CN", tc.file},
			} {
				if err := chromedp.Do(ctx,
					chromedp.Click("a.lang-switch"),
					chromedp.Sleep(300*time.Millisecond),
					chromedp.WaitReady("body"),
				); err != nil {
					t.Fatalf("click the switch to %s: %v", step.lang, err)
				}
				href, err := chromedp.Run(ctx, chromedp.Evaluate[string](`location.href`))
				if err != nil {
					t.Fatal(err)
				}
				want := (&url.URL{Scheme: "file", Path: filepath.ToSlash(filepath.Join(dir, step.file))}).String()
				if href != want {
					t.Errorf("the switch led to %s, want %s", href, want)
				}
				state, err := chromedp.Run(ctx, chromedp.Evaluate[[]any](`[document.documentElement.lang,
					getComputedStyle(document.querySelector("header.top")).position !== "" && document.styleSheets.length > 0 && document.styleSheets[0].cssRules.length > 0,
					document.querySelectorAll("a.lang-switch").length]`))
				if err != nil {
					t.Fatal(err)
				}
				if state[0] != step.lang {
					t.Errorf("%s: <html lang=%v>, want %s", step.file, state[0], step.lang)
				}
				if state[1] != true {
					t.Errorf("%s: the stylesheet did not load", step.file)
				}
				if state[2] != float64(1) {
					t.Errorf("%s: %v language switches, want 1", step.file, state[2])
				}
			}
			w.check(t)
		})
	}
	// Charts draw on the English overview too, from the shared ECharts.
	if err := open(ctx, dir, "en/index.html"); err != nil {
		t.Fatal(err)
	}
	drawn, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll(".chart canvas").length`))
	if err != nil {
		t.Fatal(err)
	}
	if drawn == 0 {
		t.Errorf("no chart drawn on en/index.html")
	}
	w.check(t)
}
