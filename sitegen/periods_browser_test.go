package sitegen

import (
	"net/url"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserPeriods clicks through the period switcher of the bilingual
// site from file://: from an agent's main page to its quarter, on to the
// team's quarter through the crumbs, and back to the agent's main page
// through the switcher, in each language, checking the address, the
// period marked current and that nothing was logged, thrown, blocked or
// requested.
func TestBrowserPeriods(t *testing.T) {
	ctx := browser(t)
	dir := build(t, bilingual(t))
	w := watch(t, ctx)
	for _, lang := range []string{"", "en/"} {
		t.Run("lang="+lang, func(t *testing.T) {
			defer w.check(t)
			if err := open(ctx, dir, lang+"agent/zhang.wei.html"); err != nil {
				t.Fatal(err)
			}
			for _, step := range []struct{ click, file, current string }{
				{`nav.periods a[href="zhang.wei/2025-Q4.html"]`, "agent/zhang.wei/2025-Q4.html", "2025-Q4"},
				{`nav.crumbs a[href="../../department/care/2025-Q4.html"]`, "department/care/2025-Q4.html", "2025-Q4"},
				{`nav.periods a[href="2025-11.html"]`, "department/care/2025-11.html", "2025-11"},
				{`nav.periods a[href="../care.html"]`, "department/care.html", "2025-12"},
			} {
				if err := chromedp.Do(ctx,
					chromedp.Click(step.click),
					chromedp.Sleep(300*time.Millisecond),
					chromedp.WaitReady("body"),
				); err != nil {
					t.Fatalf("click %s: %v", step.click, err)
				}
				href, err := chromedp.Run(ctx, chromedp.Evaluate[string](`location.href`))
				if err != nil {
					t.Fatal(err)
				}
				want := (&url.URL{Scheme: "file", Path: filepath.ToSlash(filepath.Join(dir, lang+step.file))}).String()
				if href != want {
					t.Fatalf("clicking %s led to %s, want %s", step.click, href, want)
				}
				current, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(function () {
					var a = document.querySelectorAll('nav.periods a[aria-current="page"]');
					return a.length + ":" + (a.length ? a[0].textContent : "");
				})()`))
				if err != nil {
					t.Fatal(err)
				}
				if want := "1:" + step.current; current != want {
					t.Errorf("%s: current period %q, want %q", step.file, current, want)
				}
				cards, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("section.scorecard").length`))
				if err != nil {
					t.Fatal(err)
				}
				if cards == 0 {
					t.Errorf("%s: no scorecard", step.file)
				}
				if n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll(".chart canvas").length`)); err != nil {
					t.Fatal(err)
				} else if (step.current == "2025-12") != (n > 0) {
					t.Errorf("%s: %s chart canvases; the trend is drawn on the main page only", step.file, strconv.Itoa(n))
				}
			}
		})
	}
}
