// Package templates holds what the static site is made of: the HTML
// templates (layout.html and one file per page kind), the stylesheet
// style.css and the static assets copied verbatim into the site's assets/
// folder: kpidesk.js (chart start-up and the drill-down filter) and Apache
// ECharts 5.4.3, the release go-echarts v2.6.7 targets, with its licence
// and notice (echarts-LICENSE.txt, echarts-NOTICE.txt).
//
// echarts.min.js is dist/echarts.min.js of `npm pack echarts@5.4.3`
// (sha256 1156429a16a38cb8604dcc6518c19406d4226142d908f8edd2e3531443c54d19);
// shipping it makes the site work offline, with no CDN (SPEC §10).
//
// Package sitegen executes the templates with html/template; a --templates
// directory given to the CLI overrides files of FS one by one.
package templates

import "embed"

// FS holds *.html, style.css and assets/.
//
//go:embed *.html style.css assets
var FS embed.FS
