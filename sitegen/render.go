package sitegen

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"path"
	"reflect"
	"slices"
	"strings"
	"sync"

	"github.com/kpidesk/kpidesk/templates"
)

// pageTemplates are the page files of templates.FS; each is parsed
// together with layout.html, which defines "layout" and calls "content".
var pageTemplates = []string{"index.html", "unit.html", "list.html", "complaints.html", "methodology.html", "quality.html", "appeals.html"}

// partTemplates are files of templates.FS that only define templates the
// others call, parsed with layout.html: published.html ("changed since
// published", on the scorecards and appeals.html).
var partTemplates = []string{"published.html"}

// assetFiles are copied verbatim into the site: from templates.FS path to
// site path.
var assetFiles = [][2]string{
	{"style.css", "assets/style.css"},
	{"assets/kpidesk.js", "assets/kpidesk.js"},
	{"assets/echarts.min.js", "assets/echarts.min.js"},
	{"assets/echarts-LICENSE.txt", "assets/echarts-LICENSE.txt"},
	{"assets/echarts-NOTICE.txt", "assets/echarts-NOTICE.txt"},
}

// overlay reads a file from the override FS when it has it, else from the
// embedded templates.
type overlay struct{ top fs.FS }

func (o overlay) Open(name string) (fs.File, error) {
	if o.top != nil {
		f, err := o.top.Open(name)
		if err == nil {
			return f, nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
	}
	return templates.FS.Open(name)
}

func (s *site) files() fs.FS { return overlay{s.opt.Templates} }

// loadTemplates parses the page templates. Their functions are t, the UI
// label in the site's language, tf, the label formatted with arguments
// (a missing label fails the build), and frag, a template of
// layout.html's executed on data as a fragment: "delta" and "grade" show
// the same few values on thousands of rows.
func (s *site) loadTemplates() error {
	funcs := template.FuncMap{
		"frag": s.frag,
		"t": func(key string) (string, error) {
			v, ok := labels[s.lang][key]
			if !ok {
				return "", fmt.Errorf("no label %q", key)
			}
			return v, nil
		},
		"tf": func(key string, args ...any) (string, error) {
			v, ok := labels[s.lang][key]
			if !ok {
				return "", fmt.Errorf("no label %q", key)
			}
			return fmt.Sprintf(v, args...), nil
		},
	}
	layout, err := fs.ReadFile(s.files(), "layout.html")
	if err != nil {
		return fmt.Errorf("sitegen: %w", err)
	}
	base, err := template.New("layout.html").Funcs(funcs).Parse(string(layout))
	if err != nil {
		return fmt.Errorf("sitegen: %w", err)
	}
	for _, name := range partTemplates {
		text, err := fs.ReadFile(s.files(), name)
		if err != nil {
			return fmt.Errorf("sitegen: %w", err)
		}
		if _, err := base.New(name).Parse(string(text)); err != nil {
			return fmt.Errorf("sitegen: %w", err)
		}
	}
	s.tmpl = map[string]*template.Template{}
	for _, name := range pageTemplates {
		text, err := fs.ReadFile(s.files(), name)
		if err != nil {
			return fmt.Errorf("sitegen: %w", err)
		}
		t, err := template.Must(base.Clone()).New(name).Parse(string(text))
		if err != nil {
			return fmt.Errorf("sitegen: %w", err)
		}
		s.tmpl[name] = t
	}
	// Executed only now that the clones are taken: Clone fails after.
	s.base = base
	return nil
}

// page is what layout.html sees.
type page struct {
	Root string // from the page to its language's root: "" or "../"
	// Assets leads from the page to the folder that holds assets/: the
	// site's root, which every language shares ("../" from en/index.html).
	Assets    string
	Lang      string
	Langs     []langLink // the same page in each other language of the site
	Title     string
	SiteTitle string
	OrgName   string
	Nav       string // the active nav entry
	NavItems  []navItem
	Crumbs    []link
	Version   string
	AsOf      string
	Scripts   []string
	Charts    []chartView // rendered as JSON data blocks at the end of the body
	Body      any
	// Top, TopEnd and Foot are the layout's fragments around the page,
	// CrumbNav the breadcrumb trail's (layoutFragments).
	Top, TopEnd, Foot, CrumbNav template.HTML
}

type navItem struct {
	Href, Text string
	Active     bool
}

// langLink is the language switch's link to the same page in another
// language: its URL, its name in that language, and its code (lang and
// hreflang attributes).
type langLink struct {
	Href, Text, Lang string
}

// langDir is the folder of a language's pages from the site root: "" for
// the first language, "en/" for the others.
func langDir(langs []string, lang string) string {
	if len(langs) == 0 || langs[0] == lang {
		return ""
	}
	return lang + "/"
}

// langLinks links the page rel of this language to the same page in each
// other language, relative to the page, so that the switch works from
// file:// and under any sub-path.
func (s *site) langLinks(rel string) []langLink {
	var out []langLink
	back := rootOf(rel) + s.up // from the page to the site root
	for _, l := range s.langs {
		if l == s.lang {
			continue
		}
		out = append(out, langLink{Href: back + langDir(s.langs, l) + rel, Text: labels[l]["lang.name"], Lang: labels[l]["lang"]})
	}
	return out
}

// rootOf returns the relative path from a page to the site root.
func rootOf(rel string) string {
	return strings.Repeat("../", strings.Count(rel, "/"))
}

// fragments are the parts of pages that many pages show the same,
// rendered once per language (see fragment).
type fragments struct {
	mu sync.Mutex
	m  map[fragmentKey]template.HTML
}

type fragmentKey struct {
	name string
	key  any
}

// fragment is the template name of t (a page template, or s.base for
// layout.html's) executed on data(), cached under key: html/template
// escapes it as it escapes a page, and the page inserts it where a
// template call would have stood, in an element's content. Executing
// html/template costs about a microsecond an action, and the rows of
// lists and scorecards are most of a site's actions: a cell that reads
// "met" is rendered once, not once per row. key must be comparable and
// determine what data returns; nil caches nothing (a figure that is
// seldom the same twice). Fragment names are unique across templates.
func (s *site) fragment(t *template.Template, name string, key any, data func() any) (template.HTML, error) {
	k := fragmentKey{name, key}
	if key != nil {
		s.frags.mu.Lock()
		h, ok := s.frags.m[k]
		s.frags.mu.Unlock()
		if ok {
			return h, nil
		}
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, name, data()); err != nil {
		return "", fmt.Errorf("sitegen: %s: %w", name, err)
	}
	h := template.HTML(buf.String())
	if key != nil {
		s.frags.mu.Lock()
		if s.frags.m == nil {
			s.frags.m = map[fragmentKey]template.HTML{}
		}
		s.frags.m[k] = h
		s.frags.mu.Unlock()
	}
	return h, nil
}

// frag is the templates' function frag: the template name of
// layout.html's executed on data as a fragment, cached under data when
// its type is comparable.
func (s *site) frag(name string, data any) (template.HTML, error) {
	var key any
	if data != nil && reflect.TypeOf(data).Comparable() {
		key = data
	}
	return s.fragment(s.base, name, key, func() any { return data })
}

// render executes a page template into the stage folder at rel.
func (s *site) render(rel, tmpl, nav, title string, crumbs []link, charts []chartView, body any) error {
	root := rootOf(rel)
	assets := root + s.up
	p := page{
		Root:      root,
		Assets:    assets,
		Langs:     s.langLinks(rel),
		Lang:      s.t("lang"),
		Title:     title,
		SiteTitle: s.siteTitle(),
		OrgName:   s.name(s.cfg.Org.Name, s.cfg.Org.NameEN),
		Nav:       nav,
		Crumbs:    crumbs,
		Version:   s.opt.Version,
		AsOf:      s.asOf(),
		Charts:    charts,
		Body:      body,
	}
	for _, n := range [][2]string{
		{"overview", "index.html"}, {"teams", "teams.html"}, {"departments", "departments.html"},
		{"agents", "agents.html"}, {"methodology", "methodology.html"}, {"appeals", "appeals.html"}, {"quality", "quality.html"},
	} {
		p.NavItems = append(p.NavItems, navItem{Href: root + n[1], Text: s.t("nav." + n[0]), Active: n[0] == nav})
	}
	for _, c := range charts {
		for _, a := range c.Assets {
			// The site's own copy, whatever folder the chart was built for.
			a = assets + "assets/" + path.Base(a)
			if !slices.Contains(p.Scripts, a) {
				p.Scripts = append(p.Scripts, a)
			}
		}
	}
	p.Scripts = append(p.Scripts, assets+"assets/kpidesk.js")
	if err := s.layoutFragments(&p); err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := s.tmpl[tmpl].ExecuteTemplate(&buf, "layout", p); err != nil {
		return fmt.Errorf("sitegen: %s: %w", rel, err)
	}
	if err := s.writeFile(rel, buf.Bytes()); err != nil {
		return err
	}
	s.count.mu.Lock()
	s.count.done++
	if s.opt.Progress != nil {
		s.opt.Progress(s.count.done, s.count.total)
	}
	s.count.mu.Unlock()
	return nil
}

// layoutFragments renders the layout's parts that pages of the same
// folder and navigation share. A layout.html of the user's (--templates)
// that defines none of them leaves them empty: it does not show them.
func (s *site) layoutFragments(p *page) error {
	type place struct{ root, assets, nav string }
	var trail strings.Builder // the crumbs, as a key: the pages of a folder share them
	for _, c := range p.Crumbs {
		trail.WriteString(c.Href)
		trail.WriteByte(0)
		trail.WriteString(c.Text)
		trail.WriteByte(0)
	}
	for _, f := range []struct {
		name string
		key  any
		out  *template.HTML
	}{
		{"top", place{p.Root, p.Assets, p.Nav}, &p.Top},
		{"top-end", place{p.Root, p.Assets, ""}, &p.TopEnd},
		{"foot", place{}, &p.Foot},
		{"crumbs", trail.String(), &p.CrumbNav},
	} {
		if s.base.Lookup(f.name) == nil {
			continue
		}
		h, err := s.fragment(s.base, f.name, f.key, func() any { return p })
		if err != nil {
			return err
		}
		*f.out = h
	}
	return nil
}

// siteTitle is the site's title in the page's language: site.title in
// Chinese, site.title_en in English (site.title too on a site built in
// English alone), else "kpidesk".
func (s *site) siteTitle() string {
	t := s.cfg.Site
	if s.lang == "en" {
		if t.TitleEN != "" {
			return t.TitleEN
		}
		if t.Title != "" && !slices.Contains(languages(s.cfg), "zh") {
			return t.Title
		}
		return "kpidesk"
	}
	return cmp.Or(t.Title, t.TitleEN, "kpidesk")
}
