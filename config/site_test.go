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
			name: "name without text",
			yaml: "version: 1\nsite:\n  names:\n    channels:\n      fax: {}\n",
			want: []string{"f.yaml:5: site.names.channels.fax: give the name in zh, en or both: {zh: 账单, en: Billing}"},
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

// TestNameIn picks a display name's language.
func TestNameIn(t *testing.T) {
	n := Name{ZH: "账单", EN: "Billing"}
	if n.In("zh") != "账单" || n.In("en") != "Billing" || (Name{ZH: "账单"}).In("en") != "" {
		t.Errorf("Name.In: zh %q, en %q", n.In("zh"), n.In("en"))
	}
}
