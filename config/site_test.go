package config

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestSiteLanguages reads site.languages, its default and the deprecated
// site.language.
func TestSiteLanguages(t *testing.T) {
	for _, tc := range []struct {
		name, yaml string
		want       []string
	}{
		{name: "default", yaml: "version: 1\n", want: []string{"zh", "en"}},
		{name: "listed", yaml: "version: 1\nsite:\n  languages: [en, zh]\n", want: []string{"en", "zh"}},
		{name: "one", yaml: "version: 1\nsite:\n  languages: [zh]\n", want: []string{"zh"}},
		{name: "deprecated language", yaml: "version: 1\nsite:\n  language: en\n", want: []string{"en"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Parse([]byte(tc.yaml), "f.yaml")
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(c.Site.Languages, tc.want) || c.Site.Language != tc.want[0] {
				t.Errorf("languages %v, language %q; want %v, %q", c.Site.Languages, c.Site.Language, tc.want, tc.want[0])
			}
		})
	}
	c := Default()
	if !slices.Equal(c.Site.Languages, []string{"zh", "en"}) || c.Site.TitleEN == "" {
		t.Errorf("the built-in config builds %v, English title %q; want both languages with a title each", c.Site.Languages, c.Site.TitleEN)
	}
	if got := c.Site.Names.Categories["billing"]; got.ZH == "" || got.EN == "" {
		t.Errorf("the built-in config names category billing %+v, want both languages", got)
	}
}

// TestSiteProblems reports the site section's problems at their lines.
func TestSiteProblems(t *testing.T) {
	for _, tc := range []struct {
		name, yaml string
		want       []string
	}{
		{
			name: "both language settings",
			yaml: "version: 1\nsite:\n  language: zh\n  languages: [zh, en]\n",
			want: []string{"f.yaml:3: site.language: site.language is deprecated and cannot be given with site.languages: list the languages in site.languages only"},
		},
		{
			name: "unknown language",
			yaml: "version: 1\nsite:\n  languages:\n    - zh\n    - fr\n",
			want: []string{`f.yaml:5: site.languages[1]: language must be zh or en, not "fr"`},
		},
		{
			name: "twice",
			yaml: "version: 1\nsite:\n  languages: [en, en]\n",
			want: []string{"f.yaml:3: site.languages[1]: en is listed twice"},
		},
		{
			name: "none",
			yaml: "version: 1\nsite:\n  languages: []\n",
			want: []string{"f.yaml:3: site.languages: list at least one language (zh, en); the first is the site's root"},
		},
		{
			name: "deprecated unknown",
			yaml: "version: 1\nsite:\n  language: de\n",
			want: []string{`f.yaml:3: site.language: language must be zh or en, not "de"`},
		},
		{
			name: "relative url",
			yaml: "version: 1\nsite:\n  title: t\n  url: kpi.example.com/desk\n",
			want: []string{`f.yaml:4: site.url: url must be an absolute http(s) URL such as https://kpi.example.com/, not "kpi.example.com/desk"`},
		},
		{
			name: "url of another scheme",
			yaml: "version: 1\nsite:\n  url: ftp://kpi.example.com/\n",
			want: []string{`f.yaml:3: site.url: url must be an absolute http(s) URL such as https://kpi.example.com/, not "ftp://kpi.example.com/"`},
		},
		{
			name: "url that does not parse",
			yaml: "version: 1\nsite:\n  url: \"https://kpi:secret@exa mple.com/\"\n",
			want: []string{`f.yaml:3: site.url: url must be an absolute http(s) URL such as https://kpi.example.com/: invalid character " " in host name`},
		},
		{
			name: "url with a password",
			yaml: "version: 1\nsite:\n  url: https://kpi:secret@kpi.example.com/\n",
			want: []string{"f.yaml:3: site.url: url cannot hold a user or password: the summary shows it to everyone who reads it"},
		},
		{
			name: "url with a query",
			yaml: "version: 1\nsite:\n  url: https://kpi.example.com/?lang=en\n",
			want: []string{`f.yaml:3: site.url: url is the folder the site is published in and cannot have a query or fragment, not "https://kpi.example.com/?lang=en"`},
		},
		{
			name: "url with a fragment",
			yaml: "version: 1\nsite:\n  url: \"https://kpi.example.com/#top\"\n",
			want: []string{`f.yaml:3: site.url: url is the folder the site is published in and cannot have a query or fragment, not "https://kpi.example.com/#top"`},
		},
		{
			name: "name without text",
			yaml: "version: 1\nsite:\n  names:\n    channels:\n      fax: {}\n",
			want: []string{"f.yaml:5: site.names.channels.fax: give the name in zh, en or both: {zh: 账单, en: Billing}"},
		},
		{
			name: "category groups",
			yaml: "version: 1\nsite:\n  category_groups:\n" +
				"    - {id: usage, name: {zh: 使用问题}, categories: [login, usage]}\n" +
				"    - {id: usage, name: {}, categories: [defect, defect]}\n" +
				"    - {id: quality, name: {en: Quality}, categories: [usage]}\n" +
				"    - {name: {en: Other}, categories: []}\n",
			want: []string{
				`f.yaml:5: site.category_groups[1].categories[1]: category "defect" is listed twice`,
				`f.yaml:5: site.category_groups[1].id: category group "usage" is defined twice`,
				"f.yaml:5: site.category_groups[1].name: give the group's name in zh, en or both: {zh: 使用问题, en: Usage}",
				`f.yaml:6: site.category_groups[2].categories[0]: category "usage" is already in group "usage": a category is in one group at most`,
				"f.yaml:7: site.category_groups[3].categories: list the categories of the group",
				"f.yaml:7: site.category_groups[3].id: a category group needs an id",
			},
		},
		{
			name: "name in another language",
			yaml: "version: 1\nsite:\n  names:\n    kinds:\n      praise: {de: Lob}\n",
			want: []string{"f.yaml:5: de: unknown field in name"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(tc.yaml), "f.yaml")
			if err == nil {
				t.Fatal("Parse succeeded, want problems")
			}
			if diff := cmp.Diff(tc.want, strings.Split(err.Error(), "\n")); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
}

// TestSiteURL reads site.url: an absolute http(s) URL, with or without a
// path, or nothing.
func TestSiteURL(t *testing.T) {
	for _, tc := range []struct{ name, yaml, want string }{
		{name: "none", yaml: "version: 1\n", want: ""},
		{name: "root", yaml: "version: 1\nsite:\n  url: https://kpi.example.com/\n", want: "https://kpi.example.com/"},
		{name: "sub-path over http", yaml: "version: 1\nsite:\n  url: http://intranet/kpi\n", want: "http://intranet/kpi"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Parse([]byte(tc.yaml), "f.yaml")
			if err != nil {
				t.Fatal(err)
			}
			if c.Site.URL != tc.want {
				t.Errorf("site.url = %q, want %q", c.Site.URL, tc.want)
			}
		})
	}
}

// TestNameIn picks a display name's language.
func TestNameIn(t *testing.T) {
	n := Name{ZH: "账单", EN: "Billing"}
	if n.In("zh") != "账单" || n.In("en") != "Billing" || (Name{ZH: "账单"}).In("en") != "" {
		t.Errorf("Name.In: zh %q, en %q", n.In("zh"), n.In("en"))
	}
}
