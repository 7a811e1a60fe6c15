package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestDemoMethodologyInSiteLanguage builds the demo site, which is Chinese
// (site.language zh): its methodology page renders docs/methodology.zh.md,
// not the English document. Built again with site.language en, the page
// renders docs/methodology.md.
func TestDemoMethodologyInSiteLanguage(t *testing.T) {
	dir := runDemo(t, "2000")
	page := func(site string) string {
		t.Helper()
		b, err := os.ReadFile(filepath.Join(dir, site, "methodology.html"))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	zhHeadings := []string{"<h1>计分方法</h1>", "<h2>从投诉到计分卡</h2>", "<h2>每个数字有多可靠</h2>"}
	enHeadings := []string{"<h1>Methodology</h1>", "<h2>From complaints to scorecards</h2>", "<h2>How sure each number is</h2>"}
	check := func(site string, want, not []string) {
		t.Helper()
		meth := page(site)
		for _, s := range want {
			if !strings.Contains(meth, s) {
				t.Errorf("%s/methodology.html lacks %q", site, s)
			}
		}
		for _, s := range not {
			if strings.Contains(meth, s) {
				t.Errorf("%s/methodology.html has %q, from the other language's methodology", site, s)
			}
		}
	}
	check("site", zhHeadings, enHeadings)

	cfg := filepath.Join(dir, "kpidesk.yaml")
	b, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	lang := regexp.MustCompile(`(?m)^(\s+language:\s*)zh\b`)
	if !lang.Match(b) {
		t.Fatalf("the demo config has no site.language zh:\n%s", b)
	}
	if err := os.WriteFile(cfg, lang.ReplaceAll(b, []byte("${1}en")), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	args := []string{"build", "--config", cfg, "--store", filepath.Join(dir, "kpidesk.db"),
		"--out", filepath.Join(dir, "site-en"), "--scores", filepath.Join(dir, "out-en"), "-q"}
	if code := run(context.Background(), args, &out, &errb); code != 0 {
		t.Fatalf("kpidesk build exited %d: %s", code, errb.String())
	}
	check("site-en", enHeadings, zhHeadings)
}
