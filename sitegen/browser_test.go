package sitegen

import (
	"bytes"
	"context"
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
	visibleRows  = `Array.from(document.querySelectorAll("tbody tr[data-m]")).filter(function (r) { return !r.hidden; }).length`
	allRows      = `document.querySelectorAll("tbody tr[data-m]").length`
	ftrChipCount = `document.querySelector('a[data-metric="ftr_rate"] .count').textContent`
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
