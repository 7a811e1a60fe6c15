package main

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/kpidesk/kpidesk/templates"
)

// TestTemplates runs build and demo with --templates DIR: a file of DIR
// replaces the built-in one of the same name (Hugo's model), and a broken
// or unknown one fails before anything is written, naming the user's
// file (and its line, for a template).
func TestTemplates(t *testing.T) {
	base := filepath.Join(t.TempDir(), "d")
	var errb bytes.Buffer
	if code := run(context.Background(), []string{"demo", "--out", base, "--size", "400", "-q"}, &bytes.Buffer{}, &errb); code != 0 {
		t.Fatalf("demo: exit %d: %s", code, errb.String())
	}
	builtIn := func(name string) string {
		b, err := fs.ReadFile(templates.FS, name)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	// replace returns the built-in file name with old replaced by new.
	replace := func(name, old, new string) string {
		text := builtIn(name)
		if !strings.Contains(text, old) {
			t.Fatalf("the built-in %s has no %q", name, old)
		}
		return strings.Replace(text, old, new, 1)
	}
	footer := replace("layout.html", `{{t "footer.generated"}}`, `Made with care by ACME · {{t "footer.generated"}}`)
	for _, tc := range []struct {
		name   string
		files  map[string]string // the templates folder
		demo   bool              // run kpidesk demo instead of build
		code   int
		stderr string   // a regular expression stderr must match; "" for empty stderr
		pages  []string // pages that must carry the footer
	}{
		{name: "layout.html with another footer", files: map[string]string{"layout.html": footer},
			pages: []string{"index.html", "teams.html", "methodology.html", "quality.html"}},
		{name: "demo takes it too", demo: true, files: map[string]string{"layout.html": footer},
			pages: []string{"site/index.html", "site/appeals.html"}},
		{name: "style.css, dot files left out", files: map[string]string{"style.css": "body{}\n", ".DS_Store": "x", ".git/HEAD": "x"}},
		{name: "a template that does not parse", files: map[string]string{"layout.html": "{{define \"layout\"}}\n<p>\n{{.Title</p>\n{{end}}\n"},
			code: 1, stderr: `^kpidesk: templates: tpl[/\\]layout\.html:3: `},
		{name: "a template that misses a definition", files: map[string]string{"layout.html": `{{define "layout"}}{{template "content" .}}{{end}}`},
			code: 1, stderr: `^kpidesk: templates: tpl[/\\]layout\.html does not define "chart", which the built-in layout\.html defines`},
		{name: "a name that overrides nothing", files: map[string]string{"header.html": "<h1>x</h1>"},
			code: 1, stderr: `^kpidesk: templates: tpl[/\\]header\.html: no built-in file has this name, so it would override nothing; a templates folder may hold appeals\.html, .*layout\.html, .*style\.css, unit\.html\n`},
		{name: "a name in a folder of its own", files: map[string]string{"partials/layout.html": footer},
			code: 1, stderr: `tpl[/\\]partials[/\\]layout\.html: no built-in file has this name`},
		{name: "an unknown function", files: map[string]string{"layout.html": replace("layout.html", `{{t "footer.generated"}}`, `{{nosuch "x"}}`)},
			code: 1, stderr: `^kpidesk: build site site: sitegen: template: tpl[/\\]layout\.html:\d+: function "nosuch" not defined`},
		{name: "an error when executed", files: map[string]string{"unit.html": replace("unit.html", `{{define "content"}}`, `{{define "content"}}{{.Body.NoSuchField}}`)},
			code: 1, stderr: `template: tpl[/\\]unit\.html:\d+:\d+: executing "content" at <\.Body\.NoSuchField>`},
		{name: "a layout without the CSP", files: map[string]string{"layout.html": regexp.MustCompile(`(?m)^.*Content-Security-Policy.*\n`).ReplaceAllString(builtIn("layout.html"), "")},
			stderr: `^warning: tpl[/\\]layout\.html has no Content-Security-Policy meta tag`},
		{name: "no such folder", code: 1, stderr: `^kpidesk: templates: stat tpl: no such file or directory`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			t.Chdir(dir)
			if tc.files != nil {
				os.Mkdir("tpl", 0o755)
			}
			for name, text := range tc.files {
				path := filepath.Join("tpl", filepath.FromSlash(name))
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			args := []string{"build", "--config", filepath.Join(base, "kpidesk.yaml"), "--store", filepath.Join(base, "kpidesk.db"), "--out", "site", "--scores", "out", "-q", "--templates", "tpl"}
			out := "site"
			if tc.demo {
				args, out = []string{"demo", "--out", "d", "--size", "400", "-q", "--templates", "tpl"}, "d"
			}
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), args, &stdout, &stderr)
			if code != tc.code {
				t.Fatalf("kpidesk %s: exit %d, want %d; stderr:\n%s", strings.Join(args, " "), code, tc.code, stderr.String())
			}
			if tc.stderr == "" && stderr.Len() > 0 {
				t.Errorf("stderr = %q, want none", stderr.String())
			}
			if tc.stderr != "" && !regexp.MustCompile(tc.stderr).MatchString(stderr.String()) {
				t.Errorf("stderr = %q, want a match for %q", stderr.String(), tc.stderr)
			}
			if tc.code != 0 {
				if _, err := os.Stat(out); err == nil {
					t.Errorf("%s exists after a failed command", out)
				}
				return
			}
			for _, page := range tc.pages {
				b, err := os.ReadFile(filepath.Join(out, page))
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Contains(b, []byte("Made with care by ACME")) {
					t.Errorf("%s has no footer of the user's", page)
				}
				if !bytes.Contains(b, []byte("Content-Security-Policy")) {
					t.Errorf("%s lost its Content-Security-Policy", page)
				}
			}
			if css, ok := tc.files["style.css"]; ok {
				b, err := os.ReadFile(filepath.Join(out, "assets", "style.css"))
				if err != nil {
					t.Fatal(err)
				}
				if string(b) != css {
					t.Errorf("assets/style.css = %q, want the user's %q", b, css)
				}
			}
		})
	}
}
