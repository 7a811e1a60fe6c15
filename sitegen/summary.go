package sitegen

import (
	"fmt"
	"strings"

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
			w("**%s %s** · %s %s", md(s.t("final")), md(cv.Final), md(s.t("grade")), md(cv.Grade.Name))
			if cv.Coefficient != dash && cv.Coefficient != "1.00" {
				w(" · %s × %s", md(s.t("coefficient")), md(cv.Coefficient))
			}
			w("\n\n")
			w("| %s | %s | %s | %s | %s | %s |\n|---|---:|---|---:|---:|---|\n",
				md(s.t("metric")), md(s.t("value")), md(s.t("target")), md(s.t("points")), md(s.t("weight")), md(s.t("summary.status")))
			for _, r := range cv.Rows {
				w("| %s | %s | %s | %s | %s | %s |\n", md(r.Name), md(r.Value), md(r.Target), md(r.Points), md(r.Weight), md(s.statusText(r)))
			}
			w("\n")
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
				value = s.metricValuePtr(s.metric(g.Gate.Metric), g.Value)
				if g.Gate.Metric == "final" {
					value = ptr(g.Value, 1)
				}
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
				final, grade = ptr(c.Final, 1), s.gradeView(c.Grade).Name
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
		w("**★ %s** · %s: %s\n\n", md(s.t("star")), md(name), md(s.starReason(st)))
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

// statusText is a metric row's status as the scorecard shows it.
func (s *site) statusText(r metricRow) string {
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
