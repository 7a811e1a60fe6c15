// Package templates holds what the static site is made of: the HTML
// templates (layout.html and one file per page kind), the stylesheet
// style.css and the static assets copied verbatim into the site's assets/
// folder: kpidesk.js (chart start-up and the drill-down filter) and Apache
// ECharts 5.6.0 with its licence and notice (echarts-LICENSE.txt,
// echarts-NOTICE.txt).
//
// echarts.min.js is dist/echarts.min.js of `npm pack echarts@5.6.0`
// (sha256 bf4a223524e40b77c304bec67e1222cf551f14880cf42c69dc046558e11c07b1;
// the tarball's npm integrity is sha512-oTbVTsXfKuEhxftHqL5xprgLoc0k7uScAwtryCgWF6hPYFLRwOUHiFmHGCBKP5NPFNkDVopOieyUqYGH8Fa3kA==).
// 5.6.0 is the last 5.x release; go-echarts v2.6.7 writes ECharts 5
// options, and 5.5.1 fixed an XSS in legend tooltips. echarts-NOTICE.txt is
// the package's NOTICE; echarts-LICENSE.txt is its LICENSE followed by
// licenses/LICENSE-d3, the BSD licence of the d3 code the bundle embeds.
// Shipping ECharts makes the site work offline, with no CDN (SPEC §10).
// TestECharts checks that the file carries the version and hash given here.
//
// Every page carries a Content-Security-Policy meta tag (layout.html) that
// lets it run only these files: no inline script, no remote origin.
//
// Package sitegen executes the templates with html/template. A folder of
// the user's (the CLI's --templates DIR, opened by [OpenOverrides])
// overrides files of FS one by one, as Hugo's layouts do: a file of the
// folder replaces the embedded file of the same name, and every other file
// stays the embedded one. A layout.html of the user's replaces the
// Content-Security-Policy with it, so it must keep the meta tag.
package templates

import (
	"embed"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"text/template/parse"
)

// FS holds *.html, style.css and assets/.
//
//go:embed *.html style.css assets
var FS embed.FS

// Names returns the names of the files of FS, slash-separated and sorted:
// the files a templates folder may override.
func Names() []string {
	var names []string
	fs.WalkDir(FS, ".", func(name string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			names = append(names, name)
		}
		return err
	})
	slices.Sort(names)
	return names
}

// Overrides is a user's templates folder, checked by [OpenOverrides]. As
// an fs.FS it reads the folder, for sitegen.Options.Templates, which takes
// a file from it when it has one and from FS otherwise.
type Overrides struct {
	fs.FS
	// Dir is the folder, as given.
	Dir string
	// Names are the files of FS it overrides, slash-separated and sorted.
	Names []string
}

// OpenOverrides reads and checks the templates folder dir. Each file in it
// (or in its assets folder) must have the name of a file of FS; each HTML
// file must parse as a template and define at least the templates that
// its embedded namesake defines ("layout", "content", "chart", …), since
// the other pages call them. An error names the user's file by its path in
// dir and, for a template that does not parse, the line. Files and folders
// whose names begin with a dot (.git, .DS_Store) are left out.
//
// Template functions are not checked here, nor is what a template does
// when executed: sitegen knows its functions and data, and reports those
// errors under the file's name (layout.html:12), which [Overrides.Path]
// turns back into the user's path.
func OpenOverrides(dir string) (*Overrides, error) {
	fi, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("templates: %w", err)
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("templates: %s is not a folder", dir)
	}
	known := Names()
	o := &Overrides{FS: os.DirFS(dir), Dir: dir}
	var unknown string
	err = fs.WalkDir(o.FS, ".", func(name string, d fs.DirEntry, err error) error {
		switch {
		case err != nil:
			return err
		case name != "." && strings.HasPrefix(d.Name(), "."):
			if d.IsDir() {
				return fs.SkipDir
			}
		case d.IsDir():
		case slices.Contains(known, name):
			o.Names = append(o.Names, name)
		default:
			unknown = name
			return fs.SkipAll
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("templates: read %s: %w", dir, err)
	}
	if unknown != "" {
		return nil, fmt.Errorf("templates: %s: no built-in file has this name, so it would override nothing; a templates folder may hold %s", o.Path(unknown), strings.Join(known, ", "))
	}
	slices.Sort(o.Names)
	for _, name := range o.Names {
		if path.Ext(name) != ".html" {
			continue
		}
		if err := o.check(name); err != nil {
			return nil, err
		}
	}
	return o, nil
}

// check parses the user's template name and compares what it defines with
// its embedded namesake.
func (o *Overrides) check(name string) error {
	text, err := fs.ReadFile(o.FS, name)
	if err != nil {
		return fmt.Errorf("templates: read %s: %w", o.Path(name), err)
	}
	mine, err := defines(o.Path(name), string(text))
	if err != nil {
		// parse's errors read "template: NAME:LINE: reason".
		return fmt.Errorf("templates: %s", strings.TrimPrefix(err.Error(), "template: "))
	}
	builtIn, err := fs.ReadFile(FS, name)
	if err != nil {
		return err
	}
	want, err := defines(name, string(builtIn))
	if err != nil {
		return err
	}
	for _, d := range want {
		if !slices.Contains(mine, d) {
			return fmt.Errorf("templates: %s does not define %q, which the built-in %s defines and the pages use", o.Path(name), d, name)
		}
	}
	return nil
}

// defines parses a template named name, without checking its functions,
// and returns the names of the templates it defines.
func defines(name, text string) ([]string, error) {
	tree := parse.New(name)
	tree.Mode = parse.SkipFuncCheck
	trees := map[string]*parse.Tree{}
	if _, err := tree.Parse(text, "", "", trees); err != nil {
		return nil, err
	}
	var names []string
	for n := range trees {
		if n != name {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	return names, nil
}

// Path returns the path of the user's file that overrides the file name of
// FS ("layout.html", "assets/kpidesk.js"): Dir joined with name.
func (o *Overrides) Path(name string) string {
	return filepath.Join(o.Dir, filepath.FromSlash(name))
}

// Has reports whether the folder overrides the file name of FS.
func (o *Overrides) Has(name string) bool {
	_, found := slices.BinarySearch(o.Names, name)
	return found
}
