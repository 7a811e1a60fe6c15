package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDemoMethodologyInSiteLanguage builds the demo site, which is in
// Chinese at its root and in English in en/ (site.languages [zh, en]):
// the Chinese methodology page renders docs/methodology.zh.md, the English
// one docs/methodology.md, each without the other's text.
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
	check(filepath.Join("site", "en"), enHeadings, zhHeadings)
}
