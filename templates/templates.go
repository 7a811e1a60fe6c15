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
// Package sitegen executes the templates with html/template; a --templates
// directory given to the CLI overrides files of FS one by one.
package templates

import "embed"

// FS holds *.html, style.css and assets/.
//
//go:embed *.html style.css assets
var FS embed.FS
