// Package sitegen builds kpidesk's static website (SPEC §10): an overview
// with KPI tiles against their targets, grade distribution, service star
// and monthly trends; a scorecard page for the organization and every
// department, team and agent with its history; drill-down lists of the
// complaints behind every metric value (SPEC §4, §12), linking back to
// the helpdesk; the methodology; and a data-quality page.
//
// # Pages
//
//	index.html                          overview of the latest complete month
//	org.html, department/ID.html,       scorecards of the latest complete month,
//	team/ID.html, agent/ID.html         history, final-points trend, period switcher
//	org/PERIOD.html, KIND/ID/PERIOD.html the scorecards of every other month,
//	                                    quarter, half-year and year (periods.go)
//	teams.html, departments.html,       every unit with its metric values
//	agents.html
//	complaints/KIND-ID-MONTH.html       drill-down for agents and teams;
//	                                    #metric shows one metric's complaints,
//	                                    #key=KEY one complaint's row
//	data/complaints/MONTH/T-P.js        the lists' rows, once per complaint
//	                                    and month (drill_data.go)
//	data/search/                        the search box's index, loaded when
//	                                    used (search.go)
//	methodology.html, quality.html,
//	appeals.html
//	en/                                 the same pages in the second language
//	                                    of site.languages
//	.kpidesk-site                       the marker: kpidesk wrote this folder
//	assets/                             style.css, kpidesk.js, echarts.min.js
//
// IDs that are not plain ASCII file names get a cleaned-up name with a
// short hash, so a unit called "../x" or "张三" still gets a safe file.
//
// # Safety
//
// Everything from a helpdesk is untrusted (SPEC §11). Pages go through
// html/template only; no data string is ever turned into template.HTML or
// template.JS. Chart options are built with go-echarts and written as JSON
// data blocks that html/template encodes (with <, > and & as \u0026-style
// escapes), never through go-echarts' own templates, which do not escape
// "</script>". The methodology Markdown is rendered by goldmark with raw
// HTML disabled. Every page carries a Content-Security-Policy meta tag
// (templates/layout.html): only the site's own scripts run, no inline
// script, nothing from another origin, no connections.
//
// # Offline and relocatable
//
// Every link is relative (pages in a sub-folder use "../"), and the site
// ships its own copy of Apache ECharts, so it works from file://, under a
// sub-path such as GitHub Pages, and without a network.
//
// # Determinism and atomicity
//
// The same Options give a byte-identical site: everything is sorted, and
// the only time shown is the scores' as-of. Build replaces only a folder
// that is absent, empty or a site kpidesk wrote (internal/outdir), writing
// the site into a stage beside it and switching it in at the end, so a
// failed or cancelled Build leaves the previous site untouched.
package sitegen
