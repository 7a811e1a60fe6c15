// Package docs embeds the documentation that kpidesk renders into the site.
package docs

import _ "embed"

//go:embed methodology.md
var methodology []byte

// Methodology returns docs/methodology.md, rendered on the site's
// methodology page.
func Methodology() []byte { return append([]byte(nil), methodology...) }
