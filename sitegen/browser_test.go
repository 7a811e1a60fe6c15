package sitegen

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
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
	)
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(cancel)
	ctx, cancel = context.WithTimeout(ctx, 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// TestBrowser opens the overview from file:// with the network off and
// checks that ECharts drew its canvases, that nothing was requested from
// the network, and that no console error or exception happened. With
// KPIDESK_SCREENSHOTS=DIR it also saves a full-page screenshot of each
// page it opens, to review the look of the site.
func TestBrowser(t *testing.T) {
	ctx := browser(t)
	dir := build(t, golden.options(t))

	var mu sync.Mutex
	var problems []string
	err := chromedp.Listen(ctx, func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch ev := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeWarning {
				var args []string
				for _, a := range ev.Args {
					args = append(args, string(a.Value)+a.Description)
				}
				problems = append(problems, "console "+string(ev.Type)+": "+strings.Join(args, " "))
			}
		case *runtime.EventExceptionThrown:
			msg := ev.ExceptionDetails.Text
			if ex := ev.ExceptionDetails.Exception; ex != nil {
				msg += " " + ex.Description
			}
			problems = append(problems, "exception: "+msg)
		case *network.EventRequestWillBeSent:
			if !strings.HasPrefix(ev.Request.URL, "file://") && !strings.HasPrefix(ev.Request.URL, "data:") {
				problems = append(problems, "network request: "+ev.Request.URL)
			}
		case *network.EventLoadingFailed:
			problems = append(problems, "failed to load: "+ev.ErrorText)
		}
	})
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
		t.Fatalf("network.enable: %v", err)
	}
	if _, err := chromedp.Call(ctx, network.EmulateNetworkConditionsByRule, network.EmulateNetworkConditionsByRuleParams{
		MatchedNetworkConditions: []*network.Conditions{{Offline: true, DownloadThroughput: -1, UploadThroughput: -1}},
	}); err != nil {
		t.Fatalf("go offline: %v", err)
	}

	for _, page := range []string{"index.html", "agent/zhang.wei.html", "complaints/agent-zhang.wei-2025-11.html"} {
		t.Run(page, func(t *testing.T) {
			drill := strings.HasPrefix(page, "complaints/")
			target := "file://" + filepath.ToSlash(filepath.Join(dir, page))
			if drill {
				target += "#ftr_rate"
			}
			if err := chromedp.Do(ctx,
				chromedp.Navigate(target),
				chromedp.WaitReady("body"),
				chromedp.Sleep(500*time.Millisecond),
			); err != nil {
				t.Fatalf("open %s: %v", page, err)
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
			if !drill && (canvases == 0 || drawn < canvases) {
				t.Errorf("%s: %d chart canvases, %d drawn; want ECharts to draw every one", page, canvases, drawn)
			}
			if drill {
				// #ftr_rate hides the rows not counted in ftr_rate: the
				// complaints of November resolved in December.
				visible, err := chromedp.Run(ctx, chromedp.Evaluate[int](`Array.from(document.querySelectorAll("tbody tr[data-m]")).filter(function (r) { return !r.hidden; }).length`))
				if err != nil {
					t.Fatal(err)
				}
				all, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("tbody tr[data-m]").length`))
				if err != nil {
					t.Fatal(err)
				}
				if visible == 0 || visible >= all {
					t.Errorf("filter #ftr_rate shows %d of %d rows, want some hidden", visible, all)
				}
				// Exactly the complaints its chip counts.
				count, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('a[data-metric="ftr_rate"] .count').textContent`))
				if err != nil {
					t.Fatal(err)
				}
				if want, _ := strconv.Atoi(strings.TrimSpace(count)); visible != want {
					t.Errorf("filter #ftr_rate shows %d rows, its chip counts %d", visible, want)
				}
			}
			if shots := os.Getenv("KPIDESK_SCREENSHOTS"); shots != "" {
				buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
				if err != nil {
					t.Fatal(err)
				}
				name := strings.NewReplacer("/", "_", ".html", ".png").Replace(page)
				if err := os.WriteFile(filepath.Join(shots, name), buf, 0o644); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
	mu.Lock()
	defer mu.Unlock()
	for _, p := range problems {
		t.Error(p)
	}
}
