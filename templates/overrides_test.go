package templates

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"testing"
)

func TestOpenOverrides(t *testing.T) {
	layout, err := fs.ReadFile(FS, "layout.html")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		files map[string]string
		names []string // Overrides.Names
		err   string   // a regular expression; "" for none
	}{
		{name: "empty"},
		{name: "overrides", files: map[string]string{"layout.html": string(layout), "style.css": "", "assets/kpidesk.js": "", ".DS_Store": "", ".git/config": ""},
			names: []string{"assets/kpidesk.js", "layout.html", "style.css"}},
		{name: "unknown name", files: map[string]string{"footer.html": ""},
			err: `^templates: tpl[/\\]footer\.html: no built-in file has this name, so it would override nothing; a templates folder may hold appeals\.html, assets/echarts-LICENSE\.txt, .*, unit\.html$`},
		{name: "does not parse", files: map[string]string{"index.html": "{{define \"content\"}}\n{{range .X}}\n{{end}}\n{{end"},
			err: `^templates: tpl[/\\]index\.html:4: unclosed action$`},
		{name: "unknown functions are sitegen's to check", files: map[string]string{"index.html": `{{define "content"}}{{frob .}}{{end}}`},
			names: []string{"index.html"}},
		{name: "a definition missing", files: map[string]string{"index.html": `<p>no content</p>`},
			err: `^templates: tpl[/\\]index\.html does not define "content", which the built-in index\.html defines and the pages use$`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "tpl")
			if err := os.Mkdir(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			for name, text := range tc.files {
				path := filepath.Join(dir, filepath.FromSlash(name))
				os.MkdirAll(filepath.Dir(path), 0o755)
				if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			t.Chdir(filepath.Dir(dir))
			o, err := OpenOverrides("tpl")
			if tc.err != "" {
				if err == nil || !regexp.MustCompile(tc.err).MatchString(err.Error()) {
					t.Fatalf("OpenOverrides = %v, want an error matching %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("OpenOverrides: %v", err)
			}
			if !slices.Equal(o.Names, tc.names) {
				t.Errorf("Names = %q, want %q", o.Names, tc.names)
			}
			for _, name := range tc.names {
				if !o.Has(name) {
					t.Errorf("Has(%q) = false, want true", name)
				}
				if _, err := fs.ReadFile(o, name); err != nil {
					t.Errorf("ReadFile(%q): %v", name, err)
				}
			}
			if o.Has("unit.html") {
				t.Error(`Has("unit.html") = true, want false`)
			}
		})
	}
	if _, err := OpenOverrides(filepath.Join(t.TempDir(), "none")); err == nil {
		t.Error("OpenOverrides of a missing folder: no error")
	}
}

func TestNames(t *testing.T) {
	names := Names()
	for _, want := range []string{"layout.html", "index.html", "style.css", "assets/kpidesk.js", "assets/echarts.min.js"} {
		if !slices.Contains(names, want) {
			t.Errorf("Names() has no %q", want)
		}
	}
	if !slices.IsSorted(names) {
		t.Errorf("Names() = %q, not sorted", names)
	}
}
