// Command screenshots takes the README's pictures of a built site: the
// overview and a team's scorecard, in Chinese and in English, in headless
// Chromium.
//
//	go run ./cmd/kpidesk demo --out /tmp/kpidesk-demo
//	go run ./internal/screenshots /tmp/kpidesk-demo/site docs/screenshots
//
// The site must hold both languages (the demo does: Chinese at the root,
// English in en/). The pictures are PNG files of the first 1280 × 900
// pixels of each page, taken once its charts have drawn.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/chromedp/chromedp"
)

// shots are the pictures: the file each is saved to and the page, from
// the site's root. The team is the first of the demo's config.
var shots = [][2]string{
	{"overview.zh.png", "index.html"},
	{"overview.en.png", "en/index.html"},
	{"scorecard.zh.png", "team/billing-refund.html"},
	{"scorecard.en.png", "en/team/billing-refund.html"},
}

func main() {
	chromium := flag.String("chromium", "/usr/bin/chromium", "the Chromium binary")
	flag.Usage = func() {
		fmt.Fprintln(flag.CommandLine.Output(), "usage: screenshots [--chromium PATH] SITE OUTDIR")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 2 {
		flag.Usage()
		os.Exit(2)
	}
	if err := run(*chromium, flag.Arg(0), flag.Arg(1)); err != nil {
		fmt.Fprintln(os.Stderr, "screenshots:", err)
		os.Exit(1)
	}
}

func run(chromium, site, out string) error {
	site, err := filepath.Abs(site)
	if err != nil {
		return err
	}
	for _, s := range shots {
		if _, err := os.Stat(filepath.Join(site, filepath.FromSlash(s[1]))); err != nil {
			return fmt.Errorf("%s is not a site of both languages with the demo's teams: %w", site, err)
		}
	}
	if _, err := os.Stat(chromium); err != nil {
		return fmt.Errorf("no Chromium (apt install chromium, or --chromium PATH): %w", err)
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium),
		chromedp.NoSandbox,
		chromedp.WindowSize(1280, 900),
		chromedp.Flag("hide-scrollbars", true),
		// The site needs no network: nothing resolves.
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND"),
	)
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancel = context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	for _, s := range shots {
		url := "file://" + filepath.ToSlash(filepath.Join(site, filepath.FromSlash(s[1])))
		err := chromedp.Do(ctx,
			chromedp.Navigate(url),
			chromedp.WaitReady("body"),
			// Long enough for ECharts' entry animation to end.
			chromedp.Sleep(1500*time.Millisecond),
		)
		var png []byte
		if err == nil {
			png, err = chromedp.Run(ctx, chromedp.CaptureScreenshot())
		}
		if err != nil {
			return fmt.Errorf("%s: %w", s[1], err)
		}
		if len(png) == 0 || !strings.HasPrefix(string(png), "\x89PNG") {
			return errors.New(s[1] + ": Chromium returned no PNG")
		}
		name := filepath.Join(out, s[0])
		if err := os.WriteFile(name, png, 0o644); err != nil {
			return err
		}
		fmt.Println(name)
	}
	return nil
}
