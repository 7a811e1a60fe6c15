package sitegen

import (
	"fmt"
	"math"
	"net/url"
	"strings"

	"github.com/kpidesk/kpidesk/config"
	"github.com/kpidesk/kpidesk/scoring"
)

// Summary renders summary.md (SPEC §10), the latest complete month in
// Markdown for a CI job summary (GitHub's $GITHUB_STEP_SUMMARY, or an
// artifact elsewhere) or a chat channel: the organization's final score and
// grade, its metrics against their targets, the teams, each with its change
// against the previous month (issue 16 §6), the gates as a table, the
// agents' grades, the service star and what the data-quality page lists.
// With site.url it links the site's index and the unit pages, in the
// summary's language. It is written in the site's first language with the
// site's figures; only Out, Evidence and Progress of opt are not read.
// Every string is escaped for Markdown, and the same options give the same
// bytes.
func Summary(opt Options) ([]byte, error) {
	if opt.Config == nil || opt.Scores == nil {
		return nil, fmt.Errorf("sitegen: config and scores are required")
	}
	s, err := newSite(opt)
	if err != nil {
		return nil, err
	}
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	title := md(s.siteTitle())
	if s.org != nil {
		title = s.unitLink(s.org)
	}
	w("## %s · %s %s\n\n", title, md(s.t("latest_month")), md(s.latest))
	w("%s %s\n\n", md(s.t("asof")), md(s.when(s.sc.AsOf)))
	if href := s.siteURL("index.html"); href != "" {
		w("%s\n\n", mdLink(s.t("summary.site"), href))
	}
	if n := len(scoring.GateFailures(s.opt.Gates)); n > 0 {
		w("**❌ %s**\n\n", md(s.tf("gates.failed", n)))
	}
	if s.latest == "" {
		w("%s\n", md(s.t("summary.empty")))
		return []byte(b.String()), nil
	}
	prev := s.previousPeriod(s.latest) // periods.go
	vs := md(s.t("summary.vsprev"))
	if prev != "" {
		vs = md(s.tf("summary.vs", prev))
	}

	if s.org != nil {
		if c := s.card(s.org, s.latest); c != nil {
			cv, err := s.cardView("", s.org, c)
			if err != nil {
				return nil, err
			}
			w("**%s %s** · %s %s", md(s.t("final")), md(cv.Final), md(s.t("grade")), md(s.gradeText(cv.Grade)))
			if cv.Coefficient != dash && cv.Coefficient != "1.00" {
				w(" · %s × %s", md(s.t("coefficient")), md(cv.Coefficient))
			}
			w(" · %s %s", vs, md(s.finalChange(c, s.card(s.org, prev))))
			w("\n\n")
			w("| %s | %s | %s | %s | %s | %s | %s |\n|---|---:|---:|---|---:|---:|---|\n",
				md(s.t("metric")), md(s.t("value")), vs, md(s.t("target")), md(s.t("points")), md(s.t("weight")), md(s.t("summary.status")))
			var before *scoring.Scorecard
			if prev != "" {
				before = s.cards[cardKey{s.org.Key(), prev, c.Scorecard}]
			}
			ci := false
			for _, r := range cv.Rows {
				value := r.Value
				if r.Interval != "" {
					value += " (" + r.Interval + ")"
					ci = true
				}
				for _, f := range r.Sub {
					if f.Interval != "" {
						value += " · " + f.Label + " " + f.Value + " (" + f.Interval + ")"
						ci = true
					}
				}
				w("| %s | %s | %s | %s | %s | %s | %s |\n", md(r.Name), md(value), md(s.metricChange(c, before, r.ID)),
					md(r.Target), md(r.Points), md(r.Weight), md(s.statusText(r)))
			}
			w("\n")
			if ci {
				w("%s\n\n", md(s.t("summary.ci")))
			}
		}
	}

	if len(s.opt.Gates) > 0 {
		w("### %s\n\n| %s | %s | %s | %s | %s | %s |\n|---|---|---|---:|---|---|\n", md(s.t("gates")),
			md(s.t("summary.gate")), md(s.t("summary.gate.unit")), md(s.t("metric")), md(s.t("value")), md(s.t("summary.bound")), md(s.t("summary.result")))
		for _, g := range s.opt.Gates {
			unit := md(s.gateUnit(g.Unit))
			if u := s.units[g.Unit.Key()]; u != nil {
				unit = s.unitLink(u)
			}
			metric := s.t("final")
			if g.Gate.Metric != "final" {
				metric = s.metricName(g.Gate.Metric)
			}
			value := dash
			if g.Value != nil {
				value = s.gateValue(g)
			}
			w("| %s | %s | %s | %s | %s | %s %s |\n", md(g.Name), unit, md(metric), md(value), md(s.gateBound(g)),
				gateIcon[g.Result], md(s.gateResult(g.Result)))
		}
		w("\n")
	}

	// Published periods whose scorecards changed since (issue 16 §4).
	s.summaryPublished(w)

	if teams := s.teamsInOrder(); len(teams) > 0 {
		w("### %s\n\n| %s | %s | %s | %s |\n|---|---:|---:|---|\n", md(s.t("teams")), md(s.t("summary.unit")), md(s.t("final")), vs, md(s.t("grade")))
		for _, u := range teams {
			final, grade := dash, dash
			c := s.card(u, s.latest)
			if c != nil {
				final, grade = s.finalText(c.Final), s.gradeText(s.cardGrade(c))
			}
			w("| %s | %s | %s | %s |\n", s.unitLink(u), md(final), md(s.finalChange(c, s.card(u, prev))), md(grade))
		}
		w("\n")
	}

	if d := s.gradeDist(); d != nil {
		w("### %s\n\n", md(s.t("grades.of")))
		for _, seg := range d.Segs {
			w("- %s: %d (%s)\n", md(seg.Name), seg.Count, md(seg.Share))
		}
		if d.NoData > 0 {
			w("\n%s\n", md(s.tf("grades.nodata", d.NoData)))
		}
		w("\n")
	}

	for _, st := range s.sc.Stars {
		if st.Period != s.latest {
			continue
		}
		name := md(st.Unit.ID)
		if u := s.units[st.Unit.Key()]; u != nil {
			name = s.unitLink(u)
		}
		w("**★ %s** · %s: %s\n\n", md(s.t("star")), name, md(s.starReason(st)+s.starTied(st)))
		break
	}

	w("### %s\n\n", md(s.t("quality")))
	for _, sy := range s.opt.Syncs {
		w("- %s: %s %s, %s %s, %s %d\n", md(sy.Source), md(s.t("quality.asof")), md(s.when(sy.AsOf)),
			md(s.t("quality.synced")), md(s.when(sy.SyncedAt)), md(s.t("quality.count")), sy.Count)
	}
	if n := len(s.opt.Problems); n > 0 {
		w("- %s\n", md(s.tf("summary.problems", n)))
	} else {
		w("- %s\n", md(s.t("quality.none")))
	}
	return []byte(b.String()), nil
}

// finalChange is the change of a unit's final score from the card before
// to the card now, in points: "▲ 1.2 分", "▼ 0.4 pts", "0.0 pts"; a dash
// when either has no final score, never a silent 0.
func (s *site) finalChange(now, before *scoring.Scorecard) string {
	return s.finalDelta(now, before).Text
}

// finalDelta is finalChange with whether it is good news: a higher final
// score always is.
func (s *site) finalDelta(now, before *scoring.Scorecard) delta {
	if now == nil || before == nil {
		return delta{Text: dash, Class: "none"}
	}
	text, sign, ok := signedChange(now.Final, before.Final, func(v float64) string { return s.tf("delta.points", fixed(v, 1)) })
	return deltaClass(text, sign, ok, 1)
}

// metricChange is the change of a metric from the card before to the card
// now, in the metric's unit at the precision its value is shown with:
// percentage points for a rate, a duration for a duration, the value's own
// unit otherwise. A dash when either month has no value or the metric is
// not applicable in either.
func (s *site) metricChange(now, before *scoring.Scorecard, id string) string {
	return s.metricDelta(now, before, id).Text
}

// metricDelta is metricChange with whether it is good news for the
// metric: up is good where its rule (or, without one, the metric) says
// higher is better. A metric the scorecard does not score has no
// direction to judge by.
func (s *site) metricDelta(now, before *scoring.Scorecard, id string) delta {
	if now == nil || before == nil {
		return delta{Text: dash, Class: "none"}
	}
	a, b := now.Metrics[id], before.Metrics[id]
	if a.Status == scoring.StatusNotApplicable || b.Status == scoring.StatusNotApplicable {
		return delta{Text: dash, Class: "none"}
	}
	info, prec := s.metric(id), s.valuePrec(now, id)
	text, sign, ok := signedChange(a.Value, b.Value, func(v float64) string {
		if info.Value == scoring.ValueRate {
			return s.tf("delta.pp", fixed(v*100, prec))
		}
		return s.metricValueAt(info, v, prec)
	})
	dir := 0
	if it, scored := s.item(now, id); scored {
		dir = -1
		if higher(info, it.Rule) {
			dir = 1
		}
	}
	return deltaClass(text, sign, ok, dir)
}

// change formats now − before as an arrow and the size of the change,
// which format writes in the metric's unit: ▲ up, ▼ down, no arrow when
// the change shows as zero. A dash when either is missing.
func change(now, before *float64, format func(float64) string) string {
	text, _, _ := signedChange(now, before, format)
	return text
}

// signedChange is change with the direction it shows: 1 up, -1 down, 0
// when it shows as zero; ok is false (and the text a dash) when either
// value is missing.
func signedChange(now, before *float64, format func(float64) string) (text string, sign int, ok bool) {
	if now == nil || before == nil || math.IsNaN(*now-*before) {
		return dash, 0, false
	}
	d := *now - *before
	text = format(math.Abs(d))
	switch {
	case text == format(0):
		return text, 0, true
	case d > 0:
		return "▲ " + text, 1, true
	default:
		return "▼ " + text, -1, true
	}
}

// deltaClass classes a change for a metric whose better direction is dir
// (1 higher, -1 lower, 0 unknown): good, bad, flat, or none without one.
func deltaClass(text string, sign int, ok bool, dir int) delta {
	d := delta{Text: text}
	switch {
	case !ok:
		d.Class = "none"
	case sign == 0:
		d.Class = "flat"
	case dir == 0:
	case sign == dir:
		d.Class = "good"
	default:
		d.Class = "bad"
	}
	return d
}

// gateBound is a gate's bounds as the config writes them in the metric's
// unit: "≥ 95%", "≤ 4小时", "≥ 60, ≤ 90".
func (s *site) gateBound(g scoring.GateResult) string {
	info := s.metric(g.Gate.Metric)
	if g.Gate.Metric == "final" {
		info = scoring.Info{ID: "final", Value: scoring.ValueScore, Higher: true}
	}
	var out []string
	if g.Gate.Min.Set {
		out = append(out, "≥ "+s.configValue(info, g.Gate.Min))
	}
	if g.Gate.Max.Set {
		out = append(out, "≤ "+s.configValue(info, g.Gate.Max))
	}
	if len(out) == 0 {
		return dash
	}
	return strings.Join(out, ", ")
}

// gateResult is a gate's result in words: pass, fail or insufficient data.
func (s *site) gateResult(result string) string {
	switch result {
	case scoring.GatePass:
		return s.t("gate.pass")
	case scoring.GateFail:
		return s.t("gate.fail")
	default:
		return s.t("insufficient")
	}
}

// siteURL is the page rel of the summary's language at site.url, "" when
// site.url is not set. The summary is in the site's first language, at
// the site's root; langDir keeps it right for any other.
func (s *site) siteURL(rel string) string {
	if s.cfg.Site.URL == "" {
		return ""
	}
	href, err := url.JoinPath(s.cfg.Site.URL, langDir(languages(s.cfg), s.lang), rel)
	if err != nil {
		return "" // config.Validate rejects such a site.url
	}
	return href
}

// unitLink is a unit's name, escaped, linked to its page at site.url when
// there is one.
func (s *site) unitLink(u *unit) string {
	if href := s.siteURL(u.File); href != "" {
		return mdLink(u.Name, href)
	}
	return md(u.Name)
}

// mdLink is an inline Markdown link: text escaped by md, and the
// destination with the characters that could end it backslash-escaped,
// and spaces, control characters and & (which could start an entity)
// percent-encoded.
func mdLink(text, href string) string {
	var b strings.Builder
	b.WriteString("[" + md(text) + "](")
	for i := 0; i < len(href); i++ {
		switch c := href[i]; {
		case c <= ' ' || c == 0x7f || c == '&':
			// An entity in the destination would be decoded, and not
			// every renderer honours a backslash before it.
			fmt.Fprintf(&b, "%%%02X", c)
		case c == '\\' || c == '(' || c == ')' || c == '<' || c == '>' || c == '`' || c == '|':
			b.WriteByte('\\')
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte(')')
	return b.String()
}

// gateValue formats a gate's value finely enough to see why it breaks
// its bound ("69.96" under "min 70", not "70.0").
func (s *site) gateValue(g scoring.GateResult) string {
	info := s.metric(g.Gate.Metric)
	if g.Gate.Metric == "final" {
		info = scoring.Info{ID: "final", Value: scoring.ValueScore, Higher: true}
	}
	base := basePrec(info, config.Rule{Target: g.Gate.Min, Floor: g.Gate.Max})
	if info.Value == scoring.ValueRate {
		base = ratePrec(*g.Value, base)
	}
	prec := base
	for _, b := range []struct {
		v   config.Value
		dir string
	}{{g.Gate.Min, "higher"}, {g.Gate.Max, "lower"}} {
		if b.v.Set {
			prec = max(prec, s.precFor(info, config.Rule{Type: "linear", Direction: b.dir, Target: b.v}, *g.Value, base))
		}
	}
	return s.metricValueAt(info, *g.Value, prec)
}

// gateIcon marks a gate's result in summary.md.
var gateIcon = map[string]string{scoring.GatePass: "✅", scoring.GateFail: "❌", scoring.GateNoData: "➖"}

// gateUnit is the display name of a gate's unit.
func (s *site) gateUnit(u scoring.Unit) string {
	if v := s.units[u.Key()]; v != nil {
		return v.Name
	}
	if u.Kind == scoring.UnitOrg {
		return s.t("kind.org")
	}
	return u.Key()
}

// gradeText is a grade in words with what qualifies it, for Markdown:
// "meets (provisional; borderline: First-time resolution)", "no data".
func (s *site) gradeText(g gradeView) string {
	var marks []string
	if g.Provisional {
		marks = append(marks, s.t("provisional"))
	}
	switch {
	case g.BorderlineOf != "":
		marks = append(marks, s.tf("borderline.of", g.BorderlineOf))
	case g.Borderline != "":
		marks = append(marks, s.t("borderline"))
	}
	if len(marks) == 0 {
		return g.Name
	}
	return g.Name + s.tf("summary.marks", strings.Join(marks, s.t("summary.marksep")))
}

// statusText is a metric row's status as the scorecard shows it.
func (s *site) statusText(r metricRow) string {
	if r.NotApplicable {
		return s.t("not_applicable")
	}
	if r.Insufficient || r.Class == "na" {
		return s.t("insufficient")
	}
	return s.t("status." + r.Class)
}

// md escapes text for Markdown (GitHub's flavour) where summary.md puts
// it: inside a line, after a list marker, a heading mark or a table pipe,
// never at a line's start. The characters of inline markup (emphasis,
// code, links and images, strikethrough, table cells, math) are
// backslash-escaped, < and & become entities so that no raw HTML or entity
// gets through, and line breaks become spaces. A helpdesk's text is shown
// as text, never as markup.
func md(text string) string {
	var b strings.Builder
	for _, r := range text {
		switch r {
		case '\\', '`', '*', '_', '[', ']', '|', '~', '$':
			b.WriteByte('\\')
			b.WriteRune(r)
		case '<':
			b.WriteString("&lt;")
		case '&':
			b.WriteString("&amp;")
		case '\n', '\r', '\t':
			b.WriteByte(' ')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
