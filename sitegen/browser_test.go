package sitegen

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// chromium is the browser of the browser tests (Debian's package).
const chromium = "/usr/bin/chromium"

// browser starts a headless chromium, or skips the test when there is
// none and KPIDESK_BROWSER_TESTS is not "1".
func browser(t *testing.T) context.Context {
	t.Helper()
	if _, err := os.Stat(chromium); err != nil {
		if os.Getenv("KPIDESK_BROWSER_TESTS") == "1" {
			t.Fatalf("KPIDESK_BROWSER_TESTS=1 but %s is missing: %v", chromium, err)
		}
		t.Skipf("%s not found; install chromium or set KPIDESK_BROWSER_TESTS=1 to require it", chromium)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium),
		chromedp.NoSandbox,
		chromedp.Flag("allow-file-access-from-files", true),
		chromedp.WindowSize(1280, 900),
		// No host name or IP address resolves, so a request that gets
		// past Fetch (see watch), such as a WebSocket, fails as well.
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND"),
	)
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(cancel)
	ctx, cancel = context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// cspReporter runs in every document before the page's own scripts and
// turns each Content-Security-Policy violation into a console error, which
// the watcher records. Chromium also logs "Refused to ..." through the Log
// domain, but the event names the directive and the blocked resource.
const cspReporter = `document.addEventListener("securitypolicyviolation", function (e) {
  console.error("CSP violation: " + e.effectiveDirective + " blocked " + (e.blockedURI || "?") +
    " at " + e.sourceFile + ":" + e.lineNumber + (e.sample ? " (" + e.sample + ")" : ""));
});`

// watcher records what a page of the site must not do: log a console
// error or warning, throw, violate its CSP, or reach the network.
type watcher struct {
	mu       sync.Mutex
	problems []string
}

func (w *watcher) add(p string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.problems = append(w.problems, p)
}

// take returns the problems recorded since the last call.
func (w *watcher) take() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	p := w.problems
	w.problems = nil
	return p
}

// check reports the problems recorded since the last take as errors of t.
func (w *watcher) check(t *testing.T) {
	t.Helper()
	for _, p := range w.take() {
		t.Error(p)
	}
}

// watch starts recording problems on the tab of ctx, and keeps the tab
// offline with the Fetch domain: every http and https request is paused,
// recorded as a problem and failed. Fetch.enable, requestPaused and
// failRequest have kept their shape for years, unlike
// Network.emulateNetworkConditionsByRule, which Chromium 148 rejected with
// "Invalid parameters" for want of a top-level offline field. Fetch does
// not see WebSocket handshakes (the ws and wss patterns cost nothing should
// a later Chromium route them through it): Network.webSocketCreated
// records them, and the host-resolver-rules of browser fail them. Pages
// load from file://, which Fetch does not pause.
func watch(t *testing.T, ctx context.Context) *watcher {
	t.Helper()
	w := &watcher{}
	err := chromedp.Listen(ctx, func(ev any) {
		switch ev := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeWarning {
				var args []string
				for _, a := range ev.Args {
					args = append(args, strings.Trim(string(a.Value), `"`)+a.Description)
				}
				w.add("console " + string(ev.Type) + ": " + strings.Join(args, " "))
			}
		case *runtime.EventExceptionThrown:
			msg := ev.ExceptionDetails.Text
			if ex := ev.ExceptionDetails.Exception; ex != nil {
				msg += " " + ex.Description
			}
			w.add("exception: " + msg)
		case *log.EventEntryAdded:
			if ev.Entry.Level == log.EntryLevelError || ev.Entry.Level == log.EntryLevelWarning {
				w.add("log " + string(ev.Entry.Level) + " (" + string(ev.Entry.Source) + "): " + ev.Entry.Text + " " + ev.Entry.URL)
			}
		case *network.EventRequestWillBeSent:
			if u := ev.Request.URL; !strings.HasPrefix(u, "file://") && !strings.HasPrefix(u, "data:") {
				w.add("network request: " + u)
			}
		case *network.EventWebSocketCreated:
			w.add("websocket: " + ev.URL)
		case *network.EventLoadingFailed:
			w.add("failed to load: " + ev.ErrorText)
		case *cdppage.EventJavascriptDialogOpening:
			w.add("dialog " + string(ev.Type) + ": " + ev.Message)
		}
	})
	if err != nil {
		t.Fatalf("listen: %v", err)
	}

	// Subscribe before Fetch.enable so that no paused request is missed.
	paused := chromedp.Events(ctx, fetch.RequestPaused)
	var patterns []*fetch.RequestPattern
	for _, scheme := range []string{"http", "https", "ws", "wss"} {
		patterns = append(patterns, &fetch.RequestPattern{URLPattern: scheme + "://*"})
	}
	if _, err := chromedp.Call(ctx, fetch.Enable, fetch.EnableParams{Patterns: patterns}); err != nil {
		t.Fatalf("fetch.enable: %v", err)
	}
	go func() {
		for ev, err := range paused {
			if err != nil {
				if ctx.Err() == nil {
					w.add("Fetch.requestPaused: " + err.Error())
				}
				return
			}
			w.add("blocked request: " + ev.Request.URL)
			if _, err := chromedp.Call(ctx, fetch.FailRequest, fetch.FailRequestParams{
				RequestID:   ev.RequestID,
				ErrorReason: network.ErrorReasonBlockedByClient,
			}); err != nil && ctx.Err() == nil {
				w.add(fmt.Sprintf("fail request %s: %v", ev.Request.URL, err))
			}
		}
	}()

	if _, err := chromedp.Call(ctx, cdppage.AddScriptToEvaluateOnNewDocument, cdppage.AddScriptToEvaluateOnNewDocumentParams{Source: cspReporter}); err != nil {
		t.Fatalf("add CSP reporter: %v", err)
	}
	return w
}

// open loads a file of the site dir, with an optional #fragment, and gives
// its scripts time to run.
func open(ctx context.Context, dir, file string) error {
	target := "file://" + filepath.ToSlash(filepath.Join(dir, file))
	return chromedp.Do(ctx,
		chromedp.Navigate(target),
		chromedp.WaitReady("body"),
		chromedp.Sleep(500*time.Millisecond),
	)
}

// drilldown is the drill-down page the browser tests filter, and the JS
// that counts its complaint rows that are visible.
const (
	drilldown    = "complaints/agent-zhang.wei-2025-11.html"
	visibleRows  = `document.querySelectorAll("table.drill tbody tr:not(.nomatch)").length`
	allRows      = `JSON.parse(document.getElementById("drill-meta").textContent).rows`
	ftrChipCount = `document.querySelector('.chips a[href="#ftr_rate"] .count').textContent`
)

// checkFiltered checks that the drill-down page shows exactly the rows
// #ftr_rate selects: the complaints of November resolved in December are
// hidden, and the rows shown are the ones its chip counts.
func checkFiltered(t *testing.T, ctx context.Context) {
	t.Helper()
	visible, err := chromedp.Run(ctx, chromedp.Evaluate[int](visibleRows))
	if err != nil {
		t.Fatal(err)
	}
	all, err := chromedp.Run(ctx, chromedp.Evaluate[int](allRows))
	if err != nil {
		t.Fatal(err)
	}
	if visible == 0 || visible >= all {
		t.Errorf("filter #ftr_rate shows %d of %d rows, want some hidden", visible, all)
	}
	count, err := chromedp.Run(ctx, chromedp.Evaluate[string](ftrChipCount))
	if err != nil {
		t.Fatal(err)
	}
	if want, _ := strconv.Atoi(strings.TrimSpace(count)); visible != want {
		t.Errorf("filter #ftr_rate shows %d rows, its chip counts %d", visible, want)
	}
}

// hoverChart moves the mouse over the middle of the first chart of the page
// and returns the text of the tooltip ECharts shows, "" if none.
func hoverChart(ctx context.Context) (string, error) {
	rect, err := chromedp.Run(ctx, chromedp.Evaluate[[]float64](`(function () {
		var el = document.querySelector(".chart");
		el.scrollIntoView({block: "center"});
		var r = el.getBoundingClientRect();
		return [r.left, r.top, r.width, r.height];
	})()`))
	if err != nil {
		return "", err
	}
	x, y := rect[0]+rect[2]/2, rect[1]+rect[3]/2
	if err := chromedp.Do(ctx,
		chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, x-10, y),
		chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, x, y),
		chromedp.Sleep(300*time.Millisecond),
	); err != nil {
		return "", err
	}
	// ECharts appends the tooltip, a div built with innerHTML, to the
	// chart's element, next to the div that holds the canvas.
	return chromedp.Run(ctx, chromedp.Evaluate[string](`(function () {
		var el = document.querySelector(".chart");
		var tip = Array.from(el.children).filter(function (c) { return !c.querySelector("canvas"); })[0];
		if (!tip || getComputedStyle(tip).display === "none" || getComputedStyle(tip).visibility === "hidden") return "";
		return tip.textContent;
	})()`))
}

// TestBrowser opens pages of the site from file:// with the network off
// (see watch) and checks that ECharts drew its canvases and shows a
// tooltip, that the drill-down filter works, that nothing was requested
// from the network, that no page broke its Content-Security-Policy and
// that no console error or exception happened. With
// KPIDESK_SCREENSHOTS=DIR it also saves a full-page screenshot of each
// page it opens, to review the look of the site.
func TestBrowser(t *testing.T) {
	ctx := browser(t)
	dir := build(t, golden.options(t))
	w := watch(t, ctx)

	// The watcher itself: a page that reaches for a local server (not the
	// site's, so that a leak would show as a hit) must have every request
	// failed and recorded, and a page that breaks the site's CSP must have
	// the violation recorded.
	t.Run("offline", func(t *testing.T) {
		var hits atomic.Int32
		srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
			hits.Add(1)
			fmt.Fprint(rw, "leaked")
		}))
		defer srv.Close()
		ws := "ws" + strings.TrimPrefix(srv.URL, "http")
		probe := `<!DOCTYPE html><html><head><meta charset="utf-8">
<link rel="stylesheet" href="` + srv.URL + `/style.css"></head><body>
<img src="` + srv.URL + `/img.png">
<script>
fetch("` + srv.URL + `/fetch").then(function () { document.title = "fetched"; }, function () { document.title = "fetch failed"; });
try { new WebSocket("` + ws + `/ws"); } catch (e) {}
</script></body></html>`
		if err := os.WriteFile(filepath.Join(dir, "probe-offline.html"), []byte(probe), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := open(ctx, dir, "probe-offline.html"); err != nil {
			t.Fatal(err)
		}
		got := w.take()
		if n := hits.Load(); n != 0 {
			t.Errorf("the local server got %d requests, want none", n)
		}
		title, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.title`))
		if err != nil {
			t.Fatal(err)
		}
		if title != "fetch failed" {
			t.Errorf("fetch() ended in %q, want it to fail", title)
		}
		for _, path := range []string{"/style.css", "/img.png", "/fetch"} {
			if !slices.Contains(got, "blocked request: "+srv.URL+path) {
				t.Errorf("request for %s not recorded as blocked; recorded:\n%s", path, strings.Join(got, "\n"))
			}
		}
		if !slices.ContainsFunc(got, func(p string) bool { return strings.Contains(p, ws+"/ws") }) {
			t.Errorf("WebSocket to %s not recorded; recorded:\n%s", ws, strings.Join(got, "\n"))
		}
	})
	t.Run("csp", func(t *testing.T) {
		idx, err := os.ReadFile(filepath.Join(dir, "index.html"))
		if err != nil {
			t.Fatal(err)
		}
		inline := []byte(`<script>document.title = "inline script ran";</script><p style="color: red">x</p><style>p { color: red }</style></body>`)
		probe := bytes.Replace(idx, []byte("</body>"), inline, 1)
		if err := os.WriteFile(filepath.Join(dir, "probe-csp.html"), probe, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := open(ctx, dir, "probe-csp.html"); err != nil {
			t.Fatal(err)
		}
		got := w.take()
		title, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.title`))
		if err != nil {
			t.Fatal(err)
		}
		if title == "inline script ran" {
			t.Errorf("an inline script ran despite the CSP")
		}
		for _, directive := range []string{"script-src-elem", "style-src-elem"} {
			if !slices.ContainsFunc(got, func(p string) bool { return strings.Contains(p, "CSP violation: "+directive+" blocked inline") }) {
				t.Errorf("inline %s violation not recorded; recorded:\n%s", directive, strings.Join(got, "\n"))
			}
		}
		if slices.ContainsFunc(got, func(p string) bool { return strings.Contains(p, "style-src-attr") }) {
			t.Errorf("a style attribute was blocked; ECharts tooltips need them; recorded:\n%s", strings.Join(got, "\n"))
		}
	})

	for _, file := range []string{
		"index.html", "agent/zhang.wei.html", "team/care-east.html",
		drilldown + "#ftr_rate", "methodology.html", "quality.html", "appeals.html",
	} {
		t.Run(file, func(t *testing.T) {
			defer w.check(t)
			if err := open(ctx, dir, file); err != nil {
				t.Fatalf("open %s: %v", file, err)
			}
			canvases, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll(".chart canvas").length`))
			if err != nil {
				t.Fatal(err)
			}
			drawn, err := chromedp.Run(ctx, chromedp.Evaluate[int](`Array.from(document.querySelectorAll(".chart canvas")).filter(function (c) {
				var d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
				for (var i = 3; i < d.length; i += 4) { if (d[i] !== 0) return true; }
				return false;
			}).length`))
			if err != nil {
				t.Fatal(err)
			}
			if drawn < canvases {
				t.Errorf("%s: %d chart canvases, %d drawn; want ECharts to draw every one", file, canvases, drawn)
			}
			switch {
			case strings.HasPrefix(file, "index.html") || strings.HasPrefix(file, "agent/") || strings.HasPrefix(file, "team/"):
				if canvases == 0 {
					t.Errorf("%s: no chart canvas, want charts", file)
					break
				}
				tip, err := hoverChart(ctx)
				if err != nil {
					t.Fatalf("hover chart: %v", err)
				}
				if !strings.Contains(tip, "2025-") {
					t.Errorf("%s: tooltip over the first chart = %q, want the month and its values", file, tip)
				}
			case strings.HasPrefix(file, drilldown):
				checkFiltered(t, ctx)
			}
			if shots := os.Getenv("KPIDESK_SCREENSHOTS"); shots != "" {
				buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
				if err != nil {
					t.Fatal(err)
				}
				name := strings.NewReplacer("/", "_", ".html", ".png").Replace(strings.Split(file, "#")[0])
				if err := os.WriteFile(filepath.Join(shots, name), buf, 0o644); err != nil {
					t.Fatal(err)
				}
			}
		})
	}

	// A malformed fragment makes decodeURIComponent throw; the page must
	// show every row, and filter once the fragment names a metric.
	t.Run("malformed hash", func(t *testing.T) {
		defer w.check(t)
		if err := open(ctx, dir, drilldown+"#%E0%A4%A"); err != nil {
			t.Fatal(err)
		}
		visible, err := chromedp.Run(ctx, chromedp.Evaluate[int](visibleRows))
		if err != nil {
			t.Fatal(err)
		}
		all, err := chromedp.Run(ctx, chromedp.Evaluate[int](allRows))
		if err != nil {
			t.Fatal(err)
		}
		if all == 0 || visible != all {
			t.Errorf("#%%E0%%A4%%A shows %d of %d rows, want all", visible, all)
		}
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[string](`location.hash = "ftr_rate"`)); err != nil {
			t.Fatal(err)
		}
		if err := chromedp.Do(ctx, chromedp.Sleep(200*time.Millisecond)); err != nil {
			t.Fatal(err)
		}
		checkFiltered(t, ctx)
	})

	// Names that are markup stay text: in the pages, in the chart JSON and
	// in the tooltips ECharts builds with innerHTML. A name that got
	// through as markup would add an element, run a script or break the CSP.
	t.Run("hostile names", func(t *testing.T) {
		f := golden
		f.hostile = true
		hdir := build(t, f.options(t))
		for _, file := range []string{"index.html", "team/care-east.html", "team/care-vip.html", "quality.html"} {
			t.Run(file, func(t *testing.T) {
				defer w.check(t)
				if err := open(ctx, hdir, file); err != nil {
					t.Fatalf("open %s: %v", file, err)
				}
				if file == "team/care-east.html" {
					// The team is called hostileEnd; its line is the first
					// chart's subject.
					tip, err := hoverChart(ctx)
					if err != nil {
						t.Fatalf("hover chart: %v", err)
					}
					if !strings.Contains(tip, hostileEnd) {
						t.Errorf("tooltip over the first chart = %q, want the team name %q as text", tip, hostileEnd)
					}
				}
				injected, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('img, [onerror], script:not([src]):not([type="application/json"])').length`))
				if err != nil {
					t.Fatal(err)
				}
				if injected != 0 {
					t.Errorf("%s: %d elements made from hostile names", file, injected)
				}
			})
		}
	})
}

// servedBrowser starts a headless chromium that reaches only the loopback
// address of a local test server (every other name or address fails), and
// records what watch does except requests to origin, which the server
// answers. It skips as browser does.
func servedBrowser(t *testing.T, origin string) (context.Context, *watcher) {
	t.Helper()
	if _, err := os.Stat(chromium); err != nil {
		if os.Getenv("KPIDESK_BROWSER_TESTS") == "1" {
			t.Fatalf("KPIDESK_BROWSER_TESTS=1 but %s is missing: %v", chromium, err)
		}
		t.Skipf("%s not found", chromium)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium),
		chromedp.NoSandbox,
		chromedp.WindowSize(1280, 900),
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"),
	)
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(cancel)
	ctx, cancel = context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(cancel)
	w := &watcher{}
	err := chromedp.Listen(ctx, func(ev any) {
		switch ev := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeWarning {
				var args []string
				for _, a := range ev.Args {
					args = append(args, strings.Trim(string(a.Value), `"`)+a.Description)
				}
				w.add("console " + string(ev.Type) + ": " + strings.Join(args, " "))
			}
		case *runtime.EventExceptionThrown:
			w.add("exception: " + ev.ExceptionDetails.Text)
		case *log.EventEntryAdded:
			if ev.Entry.Level == log.EntryLevelError || ev.Entry.Level == log.EntryLevelWarning {
				w.add("log " + string(ev.Entry.Level) + ": " + ev.Entry.Text + " " + ev.Entry.URL)
			}
		case *network.EventRequestWillBeSent:
			if u := ev.Request.URL; !strings.HasPrefix(u, origin+"/") && !strings.HasPrefix(u, "data:") {
				w.add("network request: " + u)
			}
		case *network.EventLoadingFailed:
			w.add("failed to load: " + ev.ErrorText)
		}
	})
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
		t.Fatalf("network.enable: %v", err)
	}
	if _, err := chromedp.Call(ctx, cdppage.AddScriptToEvaluateOnNewDocument, cdppage.AddScriptToEvaluateOnNewDocumentParams{Source: cspReporter}); err != nil {
		t.Fatalf("add CSP reporter: %v", err)
	}
	return ctx, w
}

// drillSite builds the fixture with lists longer than a page, each spread
// over several data files, and returns the site and one list's rows as
// the data has them.
func drillSite(t *testing.T) (string, []listRow) {
	t.Helper()
	defer func(n int) { drillPartRows = n }(drillPartRows)
	drillPartRows = 30
	f := golden
	f.perAgent = 40
	opt := f.options(t)
	opt.Config.Site.Drilldown = -1
	dir := build(t, opt)
	tree := readTree(t, dir)
	meta, rows := drillList(t, tree, drillList2)
	if len(rows) <= drillPageRows || len(meta.Parts) < 2 {
		t.Fatalf("%s lists %d rows in %d parts; want more than a page, in several parts", drillList2, len(rows), len(meta.Parts))
	}
	return dir, rows
}

// subPathServer serves the site in dir under a sub-path (as GitHub Pages
// serves a project's site) on loopback until the test ends; sub is the
// path, "/reports/kpi/".
func subPathServer(t *testing.T, dir string) (srv *httptest.Server, sub string) {
	sub = "/reports/kpi/"
	mux := http.NewServeMux()
	mux.Handle(sub, http.StripPrefix(sub, http.FileServer(http.Dir(dir))))
	// The host's own icon, which browsers ask the root for: not the site's.
	mux.HandleFunc("/favicon.ico", func(rw http.ResponseWriter, r *http.Request) { rw.WriteHeader(http.StatusNoContent) })
	srv = httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv, sub
}

// drillList2 is the list the drill-down browser tests use.
const drillList2 = "complaints/team-care-east-2025-11.html"

// TestBrowserDrill works a drill-down list in Chromium, from file:// and
// from an HTTP server under a sub-path: the rows the page renders itself
// without JavaScript, the same rows rendered from the data, paging,
// sorting, filtering by metric and outcome, search, with no console error,
// CSP violation or request elsewhere.
func TestBrowserDrill(t *testing.T) {
	dir, rows := drillSite(t)
	t.Run("file", func(t *testing.T) {
		ctx := browser(t)
		w := watch(t, ctx)
		exerciseDrill(t, ctx, w, "file://"+filepath.ToSlash(filepath.Join(dir, drillList2)), rows)
	})
	t.Run("hostile titles", func(t *testing.T) {
		f := golden
		f.hostile = true
		opt := f.options(t)
		opt.Config.Site.Drilldown = -1
		hdir := build(t, opt)
		ctx := browser(t)
		w := watch(t, ctx)
		defer w.check(t)
		const list = "complaints/team-care-east-2025-10.html"
		if err := open(ctx, hdir, list); err != nil {
			t.Fatal(err)
		}
		injected, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('img, [onerror], script:not([src]):not([type="application/json"])').length`))
		if err != nil {
			t.Fatal(err)
		}
		if injected != 0 {
			t.Errorf("%s: %d elements made from hostile titles", list, injected)
		}
		titles, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("table.drill td.title")).map(function (c) { return c.textContent; })`))
		if err != nil {
			t.Fatal(err)
		}
		if len(titles) == 0 {
			t.Fatal("no rows")
		}
		for _, s := range titles {
			if !slices.Contains([]string{hostileScript, hostileAttr, hostileEnd}, s) {
				t.Errorf("a title reads %q, want a fixture's hostile title as text", s)
			}
		}
		links, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("table.drill td.key a")).map(function (a) { return a.getAttribute("href"); })`))
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range links {
			if !strings.HasPrefix(l, "https://") && !strings.HasPrefix(l, "../appeals.html#") {
				t.Errorf("a key links to %q", l)
			}
		}
	})
	// The English site reads the data the Chinese one wrote, from the
	// root, in English.
	t.Run("english", func(t *testing.T) {
		bdir := build(t, bilingual(t))
		ctx := browser(t)
		w := watch(t, ctx)
		defer w.check(t)
		const list = "en/complaints/agent-zhang.wei-2025-11.html"
		if err := open(ctx, bdir, list); err != nil {
			t.Fatal(err)
		}
		got, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[document.querySelector(".drill-count").textContent,
			String(document.querySelectorAll("table.drill tbody tr").length),
			String(JSON.parse(document.getElementById("drill-meta").textContent).rows),
			document.querySelector("table.drill tbody tr").cells[4].textContent,
			Array.from(document.querySelectorAll("table.drill .why")).map(function (e) { return e.textContent; }).join("|")]`))
		if err != nil {
			t.Fatal(err)
		}
		if got[0] != got[2]+" match" || got[1] != got[2] || (got[3] != "open" && got[3] != "resolved") {
			t.Errorf("English list: count %q, %s rows of %s, status %q", got[0], got[1], got[2], got[3])
		}
		if !strings.Contains(got[4], "no survey answer") || strings.ContainsFunc(got[4], func(r rune) bool { return r >= 0x4e00 && r <= 0x9fff }) {
			t.Errorf("English list reasons: %q", got[4])
		}
	})
	t.Run("http sub-path", func(t *testing.T) {
		srv, sub := subPathServer(t, dir)
		ctx, w := servedBrowser(t, srv.URL)
		exerciseDrill(t, ctx, w, srv.URL+sub+drillList2, rows)
	})
}

// drillRows returns the key cell text of the rows the list shows.
const drillKeys = `Array.from(document.querySelectorAll("table.drill tbody tr:not(.nomatch)")).map(function (r) { return r.cells[0].firstChild.textContent; })`

// drillCells returns the rows the list shows as their cells' text.
const drillCells = `Array.from(document.querySelectorAll("table.drill tbody tr")).map(function (r) { return Array.from(r.cells).map(function (c) { return c.textContent.trim() + (c.title ? "@" + c.title : ""); }).join("|"); })`

func exerciseDrill(t *testing.T, ctx context.Context, w *watcher, target string, rows []listRow) {
	defer w.check(t)
	eval := func(js string, out any) {
		t.Helper()
		var err error
		switch out := out.(type) {
		case *string:
			*out, err = chromedp.Run(ctx, chromedp.Evaluate[string](js))
		case *bool:
			*out, err = chromedp.Run(ctx, chromedp.Evaluate[bool](js))
		case *int:
			*out, err = chromedp.Run(ctx, chromedp.Evaluate[int](js))
		case *[]string:
			*out, err = chromedp.Run(ctx, chromedp.Evaluate[[]string](js))
		default:
			t.Fatalf("eval into %T", out)
		}
		if err != nil {
			t.Fatalf("%s: %v", js, err)
		}
	}
	load := func(url string) {
		t.Helper()
		if err := chromedp.Do(ctx, chromedp.Navigate(url), chromedp.WaitReady("body"), chromedp.Sleep(400*time.Millisecond)); err != nil {
			t.Fatalf("open %s: %v", url, err)
		}
	}
	// click clicks the element of a CSS selector, as a reader would.
	click := func(sel string) {
		t.Helper()
		var ok bool
		eval(`(function () { var el = document.querySelector(`+strconv.Quote(sel)+`); if (!el) return false; el.click(); return true; })()`, &ok)
		if !ok {
			t.Fatalf("no %s to click", sel)
		}
	}
	setSelect := func(sel, value string) {
		t.Helper()
		var ok bool
		eval(`(function () { var s = document.querySelector(`+strconv.Quote(sel)+`); s.value = `+strconv.Quote(value)+`; s.dispatchEvent(new Event("change")); return s.value === `+strconv.Quote(value)+`; })()`, &ok)
		if !ok {
			t.Fatalf("%s has no option %q", sel, value)
		}
	}
	search := func(q string) {
		t.Helper()
		var ok bool
		eval(`(function () { var el = document.querySelector(".drill-q"); el.value = `+strconv.Quote(q)+`; el.dispatchEvent(new Event("input")); return true; })()`, &ok)
	}
	var keys []string
	var cells []string

	// Without JavaScript: the first page of rows, in list order, and a
	// note that the rest needs JavaScript.
	if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		t.Fatal(err)
	}
	load(target)
	var noJS []string
	eval(drillCells, &noJS)
	eval(drillKeys, &keys)
	var note bool
	eval(`!!document.querySelector(".drill-nojs") && !document.querySelector(".drill-nojs").hidden && document.querySelector(".drill-tools").hidden`, &note)
	if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: false}); err != nil {
		t.Fatal(err)
	}
	if len(keys) != drillFirstRows || keys[0] != rows[0].Key || keys[drillFirstRows-1] != rows[drillFirstRows-1].Key {
		t.Errorf("without JavaScript the page shows %d rows from %v, want the first %d of the list", len(keys), keys[:min(3, len(keys))], drillFirstRows)
	}
	if !note {
		t.Errorf("without JavaScript: no note that the list needs it, or the tools show")
	}

	// With it: the same first rows, rendered from the data, and the rest
	// of the first page.
	load(target)
	eval(drillCells, &cells)
	if len(cells) != drillPageRows {
		t.Errorf("the first page shows %d rows, want %d", len(cells), drillPageRows)
	}
	cells = cells[:min(len(cells), len(noJS))]
	if !slices.Equal(cells, noJS) {
		for i := range min(len(cells), len(noJS)) {
			if cells[i] != noJS[i] {
				t.Errorf("row %d rendered from the data reads\n%s\nthe page's own row reads\n%s", i, cells[i], noJS[i])
				break
			}
		}
		if len(cells) != len(noJS) {
			t.Errorf("%d rows rendered from the data, %d in the page", len(cells), len(noJS))
		}
	}
	var pos string
	eval(`document.querySelector(".drill-pos").textContent`, &pos)
	if want := fmt.Sprintf("第 1–%d 条，共 %d 条", drillPageRows, len(rows)); pos != want {
		t.Errorf("pager says %q, want %q", pos, want)
	}

	// Paging.
	click(".drill-next")
	eval(drillKeys, &keys)
	if len(keys) != min(drillPageRows, len(rows)-drillPageRows) || keys[0] != rows[drillPageRows].Key {
		t.Errorf("page 2 shows %d rows from %v, want the list from row %d (%s)", len(keys), keys[:min(1, len(keys))], drillPageRows+1, rows[drillPageRows].Key)
	}

	// Sorting by key, both ways, back to page 1.
	sorted := func(desc bool) {
		t.Helper()
		eval(drillKeys, &keys)
		if len(keys) != drillPageRows {
			t.Errorf("sorted list shows %d rows, want a page", len(keys))
		}
		if !slices.IsSortedFunc(keys, func(a, b string) int {
			if desc {
				a, b = b, a
			}
			return naturalCompare(a, b)
		}) {
			t.Errorf("sorted by key (descending %v): %v", desc, keys)
		}
	}
	click(`th[data-sort="key"] button`)
	sorted(false)
	var lowest string
	for _, r := range rows {
		if lowest == "" || naturalCompare(r.Key, lowest) < 0 {
			lowest = r.Key
		}
	}
	if keys[0] != lowest {
		t.Errorf("sorted by key, the first row is %s, want %s", keys[0], lowest)
	}
	click(`th[data-sort="key"] button`)
	sorted(true)
	var ariaSort string
	eval(`document.querySelector('th[data-sort="key"]').getAttribute("aria-sort")`, &ariaSort)
	if ariaSort != "descending" {
		t.Errorf("key column aria-sort = %q, want descending", ariaSort)
	}
	// Sorting by priority puts the most urgent first, whatever its name.
	click(`th[data-sort="priority"] button`)
	urgent, best := "", 10
	for _, r := range rows {
		if r.Rank < best {
			urgent, best = r.Priority, r.Rank
		}
	}
	var firstPriority string
	eval(`(function () { var i = document.querySelector('th[data-sort="priority"]').cellIndex; return document.querySelector("table.drill tbody tr").cells[i].textContent; })()`, &firstPriority)
	if firstPriority != urgent {
		t.Errorf("sorted by priority, the first row's is %q, want %q", firstPriority, urgent)
	}
	// Sorting by an outcome puts the misses first.
	click(`th[data-sort="ftr_rate"] button`)
	var firstClass string
	eval(`(function () { var th = document.querySelector('th[data-sort="ftr_rate"]'); var i = th.cellIndex; var c = document.querySelector("table.drill tbody tr").cells[i].querySelector("i"); return c ? c.className : ""; })()`, &firstClass)
	if firstClass != "miss" {
		t.Errorf("sorted by ftr_rate, the first row's outcome is %q, want miss", firstClass)
	}

	// Filtering: misses of ftr_rate only.
	wantMiss := 0
	for _, r := range rows {
		if r.Out["ftr_rate"] == "m" {
			wantMiss++
		}
	}
	setSelect(".drill-metric", "ftr_rate")
	setSelect(".drill-outcome", "miss")
	var count string
	eval(`document.querySelector(".drill-count").textContent`, &count)
	if want := fmt.Sprintf("%d 条符合", wantMiss); count != want || wantMiss == 0 {
		t.Errorf("misses of ftr_rate: %q, want %q", count, want)
	}
	var allMiss bool
	eval(`(function () { var i = document.querySelector('th[data-sort="ftr_rate"]').cellIndex; return Array.from(document.querySelectorAll("table.drill tbody tr")).every(function (r) { var c = r.cells[i].querySelector("i"); return c && c.className === "miss"; }); })()`, &allMiss)
	if !allMiss {
		t.Errorf("misses of ftr_rate: a row shown is not a miss")
	}
	// Excluded: csat's complaints without a survey answer.
	wantExcluded := 0
	for _, r := range rows {
		if r.Out["csat"] == "x" {
			wantExcluded++
		}
	}
	setSelect(".drill-metric", "csat")
	setSelect(".drill-outcome", "excluded")
	eval(`document.querySelector(".drill-count").textContent`, &count)
	if want := fmt.Sprintf("%d 条符合", wantExcluded); count != want || wantExcluded == 0 {
		t.Errorf("excluded from csat: %q, want %q", count, want)
	}
	setSelect(".drill-outcome", "appeal")
	eval(`document.querySelector(".drill-count").textContent`, &count)
	var noneRow int
	eval(`document.querySelectorAll("table.drill tbody tr.nomatch").length`, &noneRow)
	if count != "0 条符合" || noneRow != 1 {
		t.Errorf("excluded by appeal (none in the fixture): %q, %d no-match rows", count, noneRow)
	}
	setSelect(".drill-metric", "")
	setSelect(".drill-outcome", "")

	// Search by key and by title.
	probe := rows[len(rows)-1]
	for _, q := range []string{probe.Key, probe.Title} {
		want := 0
		for _, r := range rows {
			if strings.Contains(strings.ToLower(r.Key+" "+r.Title), strings.ToLower(q)) {
				want++
			}
		}
		search(q)
		eval(drillKeys, &keys)
		if len(keys) != want || !slices.Contains(keys, probe.Key) {
			t.Errorf("search %q shows %v, want %d rows with %s", q, keys, want, probe.Key)
		}
	}

	// #metric shows the rows counted in it, as its chip says.
	search("")
	load(target + "#ftr_rate")
	var chip string
	eval(ftrChipCount, &chip)
	eval(`document.querySelector(".drill-count").textContent`, &count)
	if n, _ := strconv.Atoi(strings.TrimSpace(chip)); count != fmt.Sprintf("%d 条符合", n) || n == 0 {
		t.Errorf("#ftr_rate shows %q, its chip counts %s", count, chip)
	}
}

// TestBrowserChartsAndTables checks issue 15 §5 in Chromium: the unit
// picker under a trend chart toggles a team's line, a duration axis and
// tooltip read in hours and minutes, a list of agents sorts by a column
// both ways, a scorecard at 390 px keeps its metric names readable, and
// printed on A4 it fits one page; no console error throughout.
func TestBrowserChartsAndTables(t *testing.T) {
	ctx := browser(t)
	dir := build(t, golden.options(t))
	w := watch(t, ctx)
	eval := func(expr string, out any) {
		t.Helper()
		raw, err := chromedp.Run(ctx, chromedp.Evaluate[[]byte](expr))
		if err != nil {
			t.Fatalf("%s: %v", expr, err)
		}
		if err := json.Unmarshal(raw, out); err != nil {
			t.Fatalf("%s: %v", expr, err)
		}
	}

	t.Run("picker", func(t *testing.T) {
		defer w.check(t)
		if err := open(ctx, dir, "index.html"); err != nil {
			t.Fatal(err)
		}
		// The final score trend: the org on, three teams off until picked.
		const chart = `document.querySelector('[data-chart="trend-final-option"]')`
		var boxes []bool
		eval(`Array.from(`+chart+`.parentNode.querySelectorAll(".chart-picker input")).map(function (i) { return i.checked; })`, &boxes)
		if !slices.Equal(boxes, []bool{true, false, false, false}) {
			t.Fatalf("picker boxes = %v, want the org on and three teams off", boxes)
		}
		var before, after map[string]bool
		var legendShown bool
		eval(`echarts.getInstanceByDom(`+chart+`).getOption().legend[0].show`, &legendShown)
		if legendShown {
			t.Errorf("the legend shows beside the picker")
		}
		eval(`echarts.getInstanceByDom(`+chart+`).getOption().legend[0].selected`, &before)
		var name string
		eval(`(function () { var l = `+chart+`.parentNode.querySelectorAll(".chart-picker label")[1]; l.querySelector("input").click(); return l.textContent; })()`, &name)
		eval(`echarts.getInstanceByDom(`+chart+`).getOption().legend[0].selected`, &after)
		if before[name] || !after[name] {
			t.Errorf("picking %q: selected %v before, %v after; want it off, then on", name, before[name], after[name])
		}
	})

	t.Run("duration axis", func(t *testing.T) {
		defer w.check(t)
		if err := open(ctx, dir, "index.html"); err != nil {
			t.Fatal(err)
		}
		const chart = `echarts.getInstanceByDom(document.querySelector('[data-chart="trend-first_response_time-option"]')).getOption()`
		var axis []string
		var tip string
		eval(`[0, 0.25, 2, 2.5].map(function (v) { return `+chart+`.yAxis[0].axisLabel.formatter(v); })`, &axis)
		eval(chart+`.tooltip[0].valueFormatter(1.7)`, &tip)
		if want := []string{"0", "15分", "2小时", "2小时30分"}; !slices.Equal(axis, want) {
			t.Errorf("0, 0.25, 2 and 2.5 h on the axis = %q, want %q", axis, want)
		}
		if tip != "1小时42分" {
			t.Errorf("1.7 h in the tooltip = %q, want 1小时42分", tip)
		}
		// The Pareto's tooltip: a count, then a cumulative share.
		var pareto []string
		eval(`(function () { var s = echarts.getInstanceByDom(document.querySelector('[data-chart="analysis-pareto-option"]')).getOption().series; return [s[0].tooltip.valueFormatter(45), s[1].tooltip.valueFormatter(75)]; })()`, &pareto)
		if !slices.Equal(pareto, []string{"45", "75%"}) {
			t.Errorf("Pareto tooltip values = %q, want 45, 75%%", pareto)
		}
	})

	t.Run("sort", func(t *testing.T) {
		defer w.check(t)
		if err := open(ctx, dir, "agents.html"); err != nil {
			t.Fatal(err)
		}
		// The final points' column, second to last: clicked once,
		// ascending with agents without points last; twice, descending.
		column := func() ([]string, string) {
			var keys []string
			var sort string
			eval(`Array.from(document.querySelectorAll("table[data-sortable] tbody tr")).map(function (tr) { return tr.cells[tr.cells.length - 2].getAttribute("data-sort"); })`, &keys)
			eval(`(function () { var th = document.querySelector("table[data-sortable] thead tr").cells; return th[th.length - 2].getAttribute("aria-sort") || ""; })()`, &sort)
			return keys, sort
		}
		click := `(function () { var th = document.querySelector("table[data-sortable] thead tr").cells; th[th.length - 2].querySelector("button").click(); return true; })()`
		var ok bool
		for _, want := range []string{"ascending", "descending"} {
			eval(click, &ok)
			keys, sort := column()
			if sort != want {
				t.Errorf("aria-sort = %q, want %q", sort, want)
			}
			var nums []float64
			for i, k := range keys {
				if k == "" {
					if i < len(keys)-1 && keys[i+1] != "" {
						t.Errorf("%s: an agent without points before one with: %q", want, keys)
					}
					continue
				}
				v, err := strconv.ParseFloat(k, 64)
				if err != nil {
					t.Fatal(err)
				}
				nums = append(nums, v)
			}
			if len(nums) < 3 {
				t.Fatalf("only %d agents with points: %q", len(nums), keys)
			}
			sorted := slices.IsSorted(nums)
			if want == "descending" {
				slices.Reverse(nums)
				sorted = slices.IsSorted(nums)
			}
			if !sorted {
				t.Errorf("%s: final points in the order %q", want, keys)
			}
		}
		// The names' column sorts by text (the fixture's names have no
		// digits, so natural order is code point order).
		var names []string
		eval(`(function () { document.querySelector("table[data-sortable] thead th button").click(); return Array.from(document.querySelectorAll("table[data-sortable] tbody tr")).map(function (tr) { return tr.cells[0].textContent.trim(); }); })()`, &names)
		if len(names) < 3 || !slices.IsSorted(names) {
			t.Errorf("names sorted = %q", names)
		}
	})

	t.Run("390px", func(t *testing.T) {
		defer w.check(t)
		viewport(t, ctx, emulation.SetDeviceMetricsOverrideParams{Width: 390, Height: 844, DeviceScaleFactor: 2, Mobile: true})
		if err := open(ctx, dir, "agent/zhang.wei.html"); err != nil {
			t.Fatal(err)
		}
		// A metric name gets at least 110 px (about eight characters);
		// the numbers scroll sideways inside the card instead.
		var widths []float64
		eval(`Array.from(document.querySelectorAll(".scorecard table.data tbody td:first-child")).map(function (td) { return td.getBoundingClientRect().width; })`, &widths)
		if len(widths) == 0 {
			t.Fatal("no scorecard rows")
		}
		t.Logf("metric name cells at 390 px: %.0f px", widths)
		if m := slices.Min(widths); m < 110 {
			t.Errorf("narrowest metric name cell %.0f px at 390 px, want at least 110", m)
		}
		if shots := os.Getenv("KPIDESK_SCREENSHOTS"); shots != "" {
			buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(shots, "agent-390.png"), buf, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		var pageWidth float64
		eval(`document.documentElement.scrollWidth`, &pageWidth)
		if pageWidth > 390 {
			t.Errorf("the page is %.0f px wide at 390 px: the table should scroll in its card, not the page", pageWidth)
		}
	})

	t.Run("print", func(t *testing.T) {
		defer w.check(t)
		// A4 less 12 mm margins: 186 × 273 mm, at 96 px to the inch.
		const width, height = 703, 1031 // 186 × 96 / 25.4, 273 × 96 / 25.4
		viewport(t, ctx, emulation.SetDeviceMetricsOverrideParams{Width: width, Height: height, DeviceScaleFactor: 1})
		if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"}); err != nil {
			t.Fatal(err)
		}
		defer chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{})
		if err := open(ctx, dir, "agent/zhang.wei.html"); err != nil {
			t.Fatal(err)
		}
		var heights []float64
		eval(`Array.from(document.querySelectorAll(".scorecard")).map(function (el) { return el.getBoundingClientRect().height; })`, &heights)
		if len(heights) == 0 {
			t.Fatal("no scorecard")
		}
		t.Logf("printed scorecards: %.0f px tall", heights)
		for _, h := range heights {
			if h > height {
				t.Errorf("a printed scorecard is %.0f px tall, more than an A4 page's %d", h, height)
			}
		}
		var hidden bool
		eval(`Array.from(document.querySelectorAll(".nav, .chart-picker, details.chart-data")).every(function (el) { return getComputedStyle(el).display === "none"; })`, &hidden)
		if !hidden {
			t.Errorf("navigation, picker or chart tables show in print")
		}
	})
}

// TestBrowserSearch types into the header's search box from file:// with
// the network off: the index loads only once the box is used, a unit's
// name finds its page and a ticket's key its row in the drill-down list,
// which the list pages to, marks and focuses (#key=); Enter opens the
// first result and Esc closes the list; the other language finds its own
// names; hostile titles stay text; nothing logs an error, breaks the CSP
// or reaches the network.
func TestBrowserSearch(t *testing.T) {
	ctx := browser(t)
	w := watch(t, ctx)
	opt := golden.options(t)
	opt.Config.Site.Languages = []string{"zh", "en"}
	dir := build(t, opt)
	eval := func(t *testing.T, js string) string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[string](js))
		if err != nil {
			t.Fatalf("%s: %v", js, err)
		}
		return v
	}
	// typeQuery focuses the box, types q and waits for a result matching
	// sel to show.
	typeQuery := func(t *testing.T, q, sel string) {
		t.Helper()
		wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		if err := chromedp.Do(wctx,
			chromedp.Click("#site-search"),
			chromedp.SendKeys("#site-search", q),
			chromedp.WaitVisible(sel),
		); err != nil {
			t.Fatalf("type %q, wait for %s: %v; results: %q", q, sel, err, eval(t, `document.querySelector(".search-results").textContent`))
		}
	}
	loaded := `String(document.querySelectorAll('script[src*="data/search/"]').length)`

	t.Run("unit", func(t *testing.T) {
		defer w.check(t)
		if err := open(ctx, dir, "index.html"); err != nil {
			t.Fatal(err)
		}
		if got := eval(t, `String(document.querySelector("form[data-search]").hidden)`); got != "false" {
			t.Errorf("search box hidden = %s, want shown", got)
		}
		if n := eval(t, loaded); n != "0" {
			t.Errorf("%s index scripts before the box is used, want none", n)
		}
		typeQuery(t, "李娜", `.search-results a[href="agent/li.na.html"]`)
		if err := chromedp.Do(ctx, chromedp.Click(`.search-results a[href="agent/li.na.html"]`), chromedp.Sleep(500*time.Millisecond)); err != nil {
			t.Fatal(err)
		}
		if got := eval(t, `location.pathname`); !strings.HasSuffix(got, "/agent/li.na.html") {
			t.Errorf("clicking 李娜 opened %s", got)
		}
	})

	t.Run("ticket key", func(t *testing.T) {
		defer w.check(t)
		if err := open(ctx, dir, "agent/li.na.html"); err != nil {
			t.Fatal(err)
		}
		// SD-45 is wang.fang's, created in 2025-11 (fixture.evidence).
		typeQuery(t, "SD-45", `.search-results a.key`)
		first := eval(t, `document.querySelector(".search-results a").getAttribute("href")`)
		if want := "../complaints/agent-wang.fang-2025-11.html#key=SD-45"; first != want {
			t.Errorf("first result links %q, want %q", first, want)
		}
		if ext := eval(t, `document.querySelector(".search-results a.ext").getAttribute("href")`); ext != ticketURL(45) {
			t.Errorf("ticket link %q, want %q", ext, ticketURL(45))
		}
		if err := chromedp.Do(ctx, chromedp.SendKeys("#site-search", "\r"), chromedp.Sleep(700*time.Millisecond)); err != nil {
			t.Fatal(err)
		}
		if got := eval(t, `location.pathname + location.hash`); !strings.HasSuffix(got, "/complaints/agent-wang.fang-2025-11.html#key=SD-45") {
			t.Errorf("Enter opened %s", got)
		}
		if got := eval(t, `(document.querySelector("table.drill tr.target td.key") || {}).textContent || ""`); !strings.HasPrefix(got, "SD-45") {
			t.Errorf("marked row %q, want SD-45's", got)
		}
		if got := eval(t, `String(document.activeElement === document.querySelector("table.drill tr.target"))`); got != "true" {
			t.Errorf("the marked row does not have the focus")
		}
	})

	t.Run("title and Esc", func(t *testing.T) {
		defer w.check(t)
		if err := open(ctx, dir, "index.html"); err != nil {
			t.Fatal(err)
		}
		typeQuery(t, "订单 1088", `.search-results a.key`)
		if got := eval(t, `document.querySelector(".search-results a.key").textContent`); got != "SD-88" {
			t.Errorf("title search found %q first, want SD-88", got)
		}
		if err := chromedp.Do(ctx, chromedp.SendKeys("#site-search", "\x1b"), chromedp.Sleep(200*time.Millisecond)); err != nil {
			t.Fatal(err)
		}
		if got := eval(t, `String(document.querySelector(".search-results").hidden)`); got != "true" {
			t.Errorf("results hidden after Esc = %s, want true", got)
		}
	})

	// A ticket listed in several months shows once: SD-3, open since
	// 2025-10, is on the backlog lists of every later month.
	t.Run("each ticket once", func(t *testing.T) {
		defer w.check(t)
		if err := open(ctx, dir, "index.html"); err != nil {
			t.Fatal(err)
		}
		typeQuery(t, "SD-3", `.search-results a.key`)
		keys := strings.Fields(eval(t, `Array.from(document.querySelectorAll(".search-results a.key")).map(function (a) { return a.textContent; }).join(" ")`))
		if len(keys) != 11 || keys[0] != "SD-3" {
			t.Errorf("tickets shown %v, want SD-3, then SD-30 to SD-39", keys)
		}
		seen := map[string]bool{}
		for _, k := range keys {
			if seen[k] {
				t.Errorf("%s shown twice in %v", k, keys)
			}
			seen[k] = true
		}
	})

	t.Run("english", func(t *testing.T) {
		defer w.check(t)
		if err := open(ctx, dir, "en/index.html"); err != nil {
			t.Fatal(err)
		}
		typeQuery(t, "vip", `.search-results a[href="team/care-vip.html"]`)
		if got := eval(t, `document.querySelector(".search-results").textContent`); !strings.Contains(got, "VIP Line") || !strings.Contains(got, "Teams and people") {
			t.Errorf("English results read %q", got)
		}
	})

	// A row beyond the first page of a long list: the list pages to it.
	t.Run("row on a later page", func(t *testing.T) {
		defer w.check(t)
		ldir, rows := drillSite(t)
		key := rows[len(rows)-1].Key
		if err := open(ctx, ldir, drillList2+"#key="+key); err != nil {
			t.Fatal(err)
		}
		if got := eval(t, `(document.querySelector("table.drill tr.target td.key") || {}).textContent || ""`); !strings.HasPrefix(got, key) {
			t.Errorf("#key=%s marks %q", key, got)
		}
		if got := eval(t, `String(document.querySelector(".drill-next").disabled) + " " + document.querySelector(".drill-prev").disabled`); got != "true false" {
			t.Errorf("next and previous disabled = %s, want the last page (true false) of %d rows", got, len(rows))
		}
	})

	// Served under a sub-path, the index and the parts load from the
	// site's root, and the result opens the list there.
	t.Run("http sub-path", func(t *testing.T) {
		srv, sub := subPathServer(t, dir)
		sctx, sw := servedBrowser(t, srv.URL)
		defer sw.check(t)
		wctx, cancel := context.WithTimeout(sctx, 20*time.Second)
		defer cancel()
		str := func(js string) string {
			t.Helper()
			v, err := chromedp.Run(wctx, chromedp.Evaluate[string](js))
			if err != nil {
				t.Fatalf("%s: %v", js, err)
			}
			return v
		}
		if err := chromedp.Do(wctx,
			chromedp.Navigate(srv.URL+sub+"en/agent/li.na.html"),
			chromedp.WaitReady("body"),
			chromedp.Click("#site-search"),
			chromedp.SendKeys("#site-search", "sd-45"),
			chromedp.WaitVisible(".search-results a.key"),
		); err != nil {
			t.Fatal(err)
		}
		href := str(`document.querySelector(".search-results a.key").href`)
		parts := str(`Array.from(document.querySelectorAll('script[src*="data/complaints/"]')).map(function (s) { return new URL(s.src).pathname; }).join(" ")`)
		if err := chromedp.Do(wctx, chromedp.SendKeys("#site-search", "\r"), chromedp.Sleep(700*time.Millisecond)); err != nil {
			t.Fatal(err)
		}
		got := str(`(document.querySelector("table.drill tr.target td.key") || {}).textContent || ""`)
		if want := srv.URL + sub + "en/complaints/agent-wang.fang-2025-11.html#key=SD-45"; href != want {
			t.Errorf("result links %q, want %q", href, want)
		}
		if !strings.Contains(parts, sub+"data/complaints/2025-11/") {
			t.Errorf("the search loaded the parts %q, want 2025-11's from the site's root", parts)
		}
		if !strings.HasPrefix(got, "SD-45") {
			t.Errorf("Enter: marked row %q, want SD-45's", got)
		}
	})

	// Beyond the budget, a key search reads the month's key index and
	// then only the part that holds the key, not every part whose key
	// ranges span it.
	t.Run("key index", func(t *testing.T) {
		defer w.check(t)
		defer func(n int) { searchBudget = n }(searchBudget)
		searchBudget = 1
		kopt := golden.options(t)
		kdir := build(t, kopt)
		if err := open(ctx, kdir, "index.html"); err != nil {
			t.Fatal(err)
		}
		typeQuery(t, "sd-1", `.search-results a.key`)
		if got := eval(t, `document.querySelector(".search-results a.key").textContent`); got != "SD-1" {
			t.Errorf("first result %q, want SD-1", got)
		}
		scripts := eval(t, `Array.from(document.querySelectorAll('script[src*="data/"]')).map(function (s) { return new URL(s.src).pathname.replace(/.*\/data\//, ""); }).join(" ")`)
		var parts, indexes int
		for _, src := range strings.Fields(scripts) {
			switch {
			case strings.HasPrefix(src, "complaints/"):
				parts++
			case strings.HasPrefix(src, "search/keys-"):
				indexes++
			}
		}
		// One part for the budget, and one a month SD-1 is listed in.
		if indexes == 0 || parts > 1+indexes {
			t.Errorf("loaded %d key indexes and %d parts (%s), want an index a month and a part each", indexes, parts, scripts)
		}
	})

	t.Run("hostile titles", func(t *testing.T) {
		defer w.check(t)
		f := golden
		f.hostile = true
		hdir := build(t, f.options(t))
		if err := open(ctx, hdir, "index.html"); err != nil {
			t.Fatal(err)
		}
		typeQuery(t, "alert", `.search-results a.key`)
		injected := eval(t, `String(document.querySelectorAll('img, [onerror], script:not([src]):not([type="application/json"])').length)`)
		if injected != "0" {
			t.Errorf("%s elements made from hostile titles", injected)
		}
	})
}

// viewport emulates a screen of the given size for the rest of the
// (sub)test, and restores the browser's own after it.
func viewport(t *testing.T, ctx context.Context, p emulation.SetDeviceMetricsOverrideParams) {
	t.Helper()
	if _, err := chromedp.Call(ctx, emulation.SetDeviceMetricsOverride, p); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { chromedp.Call(ctx, emulation.ClearDeviceMetricsOverride, cdp.Empty{}) })
}
