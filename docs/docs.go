// Package docs embeds the documentation that kpidesk renders into the site.
package docs

import _ "embed"

//go:embed methodology.md
var methodology []byte

// methodologyZH is docs/methodology.zh.md, the Chinese translation of
// methodology.md. The two must keep the same sections, list items, code
// spans and numbers: docs_test.go checks it.
//
//go:embed methodology.zh.md
var methodologyZH []byte

// Methodology returns docs/methodology.md, rendered on the site's
// methodology page when the site is in English.
func Methodology() []byte { return append([]byte(nil), methodology...) }

// MethodologyZH returns docs/methodology.zh.md, the Chinese methodology.
func MethodologyZH() []byte { return append([]byte(nil), methodologyZH...) }

// MethodologyIn returns the methodology in the site language lang (config
// site.language): English for "en", Chinese otherwise, as the site itself
// falls back to Chinese for a language it does not speak.
func MethodologyIn(lang string) []byte {
	if lang == "en" {
		return Methodology()
	}
	return MethodologyZH()
}
