package templates

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestFS checks that the embedded files the site needs are there.
func TestFS(t *testing.T) {
	for _, name := range []string{
		"layout.html", "index.html", "unit.html", "list.html", "complaints.html", "methodology.html", "quality.html", "appeals.html",
		"style.css", "assets/kpidesk.js", "assets/echarts.min.js", "assets/echarts-LICENSE.txt", "assets/echarts-NOTICE.txt",
	} {
		b, err := fs.ReadFile(FS, name)
		if err != nil {
			t.Errorf("ReadFile(%q): %v", name, err)
			continue
		}
		if len(b) == 0 {
			t.Errorf("%s is empty", name)
		}
	}
}

// TestECharts checks that echarts.min.js is the release the package doc
// names, with the sha256 it gives, and that its licence and notice ship
// with it.
func TestECharts(t *testing.T) {
	doc, err := os.ReadFile("templates.go")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("`npm pack echarts@([0-9.]+)`\\s*//\\s*\\(sha256 ([0-9a-f]{64})").FindSubmatch(doc)
	if m == nil {
		t.Fatal("templates.go does not document echarts.min.js as `npm pack echarts@VERSION` (sha256 HASH")
	}
	version, sum := string(m[1]), string(m[2])
	if !bytes.Contains(doc, []byte("Apache\n// ECharts "+version+" ")) && !bytes.Contains(doc, []byte("Apache ECharts "+version+" ")) {
		t.Errorf("the package doc names another ECharts release than `npm pack echarts@%s`", version)
	}

	js, err := fs.ReadFile(FS, "assets/echarts.min.js")
	if err != nil {
		t.Fatal(err)
	}
	// The bundle sets its version once, as version="5.x.y".
	got := regexp.MustCompile(`\bversion="([0-9]+\.[0-9]+\.[0-9]+[^"]*)"`).FindAllSubmatch(js, -1)
	if len(got) != 1 {
		t.Fatalf("echarts.min.js sets version %d times, want once", len(got))
	}
	if v := string(got[0][1]); v != version {
		t.Errorf("echarts.min.js is ECharts %s, templates.go documents %s", v, version)
	}
	h := sha256.Sum256(js)
	if s := hex.EncodeToString(h[:]); s != sum {
		t.Errorf("sha256 of echarts.min.js = %s, templates.go documents %s", s, sum)
	}

	for _, tc := range []struct {
		name string
		want []string
	}{
		{"assets/echarts-LICENSE.txt", []string{"Apache License", "Version 2.0", "d3", "Mike Bostock"}},
		{"assets/echarts-NOTICE.txt", []string{"Apache ECharts", "The Apache Software Foundation"}},
	} {
		b, err := fs.ReadFile(FS, tc.name)
		if err != nil {
			t.Errorf("ReadFile(%q): %v", tc.name, err)
			continue
		}
		if len(bytes.TrimSpace(b)) == 0 {
			t.Errorf("%s is empty", tc.name)
		}
		for _, s := range tc.want {
			if !strings.Contains(string(b), s) {
				t.Errorf("%s lacks %q", tc.name, s)
			}
		}
	}
}

// TestCSP checks the Content-Security-Policy of layout.html, which every
// page uses, and that no template needs more than it allows: no inline
// script (chart options are JSON data, not script), no inline event
// handler, no remote URL. The browser test in sitegen checks the pages
// against it in Chromium.
func TestCSP(t *testing.T) {
	layout, err := fs.ReadFile(FS, "layout.html")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`<meta http-equiv="Content-Security-Policy" content="([^"]*)">`).FindSubmatchIndex(layout)
	if m == nil {
		t.Fatal("layout.html has no Content-Security-Policy meta tag")
	}
	// A policy given by a meta tag covers only what comes after it.
	for _, s := range []string{"<link", "<script", "<style", "<title"} {
		if i := bytes.Index(layout, []byte(s)); i >= 0 && i < m[0] {
			t.Errorf("layout.html has %s before its Content-Security-Policy", s)
		}
	}
	policy := map[string][]string{}
	for _, d := range strings.Split(string(layout[m[2]:m[3]]), ";") {
		f := strings.Fields(d)
		if len(f) > 0 {
			policy[f[0]] = f[1:]
		}
	}
	for directive, want := range map[string]string{
		"default-src":    "'none'",
		"script-src":     "'self'",
		"style-src-elem": "'self'",
		"style-src-attr": "'unsafe-inline'",
		"style-src":      "'self' 'unsafe-inline'",
		"img-src":        "'self'",
		"connect-src":    "'none'",
		"base-uri":       "'none'",
		"form-action":    "'none'",
	} {
		if got := strings.Join(policy[directive], " "); got != want {
			t.Errorf("Content-Security-Policy %s = %q, want %q", directive, got, want)
		}
	}

	script := regexp.MustCompile(`<script\b[^>]*>`)
	handler := regexp.MustCompile(`(?i)\son[a-z]+\s*=|javascript:|https?://`)
	pages, err := fs.Glob(FS, "*.html")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range pages {
		b, err := fs.ReadFile(FS, name)
		if err != nil {
			t.Fatal(err)
		}
		for _, tag := range script.FindAll(b, -1) {
			if !bytes.Contains(tag, []byte(` src=`)) && !bytes.Contains(tag, []byte(`type="application/json"`)) {
				t.Errorf("%s: inline script %s; put code in assets/kpidesk.js", name, tag)
			}
		}
		if loc := handler.Find(b); loc != nil {
			t.Errorf("%s: %q: no inline handler, javascript: URL or remote URL may appear in a page", name, loc)
		}
		if name != "layout.html" && bytes.Contains(b, []byte("<head")) {
			t.Errorf("%s has its own <head>; use layout.html, which carries the Content-Security-Policy", name)
		}
	}
}
