package sitegen

import (
	"fmt"
	"strings"

	"github.com/kpidesk/kpidesk/config"
	"github.com/kpidesk/kpidesk/scoring"
)

// Summary renders summary.md (SPEC §10), the latest complete month in
// Markdown for a CI job summary (GitHub's $GITHUB_STEP_SUMMARY, or an
// artifact elsewhere): the organization's final score and grade, its
// metrics against their targets, the teams, the agents' grades, the
// service star and what the data-quality page lists. It is written in the
// site's language with the site's figures; only Out, Evidence and Progress
// of opt are not read. Every string is escaped for Markdown, and the same
// options give the same bytes.
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
	title := s.siteTitle()
	if s.org != nil {
		title = s.org.Name
	}
	w("## %s · %s %s\n\n", md(title), md(s.t("latest_month")), md(s.latest))
	w("%s %s\n\n", md(s.t("asof")), md(s.when(s.sc.AsOf)))
	if n := len(scoring.GateFailures(s.opt.Gates)); n > 0 {
		w("**❌ %s**\n\n", md(s.tf("gates.failed", n)))
	}
	if s.latest == "" {
		w("%s\n", md(s.t("summary.empty")))
		return []byte(b.String()), nil
	}

	if s.org != nil {
		if c := s.card(s.org, s.latest); c != nil {
			cv := s.cardView("", s.org, c)
			w("**%s %s** · %s %s", md(s.t("final")), md(cv.Final), md(s.t("grade")), md(s.gradeText(cv.Grade)))
			if cv.Coefficient != dash && cv.Coefficient != "1.00" {
				w(" · %s × %s", md(s.t("coefficient")), md(cv.Coefficient))
			}
			w("\n\n")
			w("| %s | %s | %s | %s | %s | %s |\n|---|---:|---|---:|---:|---|\n",
				md(s.t("metric")), md(s.t("value")), md(s.t("target")), md(s.t("points")), md(s.t("weight")), md(s.t("summary.status")))
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
				w("| %s | %s | %s | %s | %s | %s |\n", md(r.Name), md(value), md(r.Target), md(r.Points), md(r.Weight), md(s.statusText(r)))
			}
			w("\n")
			if ci {
				w("%s\n\n", md(s.t("summary.ci")))
			}
		}
	}

	if len(s.opt.Gates) > 0 {
		w("### %s\n\n", md(s.t("gates")))
		for _, g := range s.opt.Gates {
			w("- %s %s · %s", gateIcon[g.Result], md(g.Name), md(s.gateUnit(g.Unit)))
			metric := s.t("final")
			if g.Gate.Metric != "final" {
				metric = s.metricName(g.Gate.Metric)
			}
			value := s.t("insufficient")
			if g.Value != nil {
				value = s.gateValue(g)
			}
			w(" · %s %s", md(metric), md(value))
			if g.Bound != "" {
				w(" · %s", md(s.tf("gate."+strings.Fields(g.Bound)[0], strings.TrimPrefix(strings.TrimPrefix(g.Bound, "min "), "max "))))
			}
			w("\n")
		}
		w("\n")
	}

	if teams := s.teamsInOrder(); len(teams) > 0 {
		w("### %s\n\n| %s | %s | %s |\n|---|---:|---|\n", md(s.t("teams")), md(s.t("summary.unit")), md(s.t("final")), md(s.t("grade")))
		for _, u := range teams {
			final, grade := dash, dash
			if c := s.card(u, s.latest); c != nil {
				final, grade = s.finalText(c.Final), s.gradeText(s.cardGrade(c))
			}
			w("| %s | %s | %s |\n", md(u.Name), md(final), md(grade))
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
		name := st.Unit.ID
		if u := s.units[st.Unit.Key()]; u != nil {
			name = u.Name
		}
		w("**★ %s** · %s: %s\n\n", md(s.t("star")), md(name), md(s.starReason(st)+s.starTied(st)))
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
