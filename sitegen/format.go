package sitegen

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/kpidesk/kpidesk/config"
	"github.com/kpidesk/kpidesk/scoring"
)

// dash stands for a missing number on every page.
const dash = "—"

// finalText formats a final score with one decimal, or more when one
// would round it up onto a grade boundary it does not reach: 89.96 under
// "excellent ≥ 90" shows as "89.96", never "90.0" beside "meets".
func (s *site) finalText(v *float64) string {
	if v == nil {
		return dash
	}
	p := 1
	for _, g := range s.cfg.Grades {
		for p < maxPrec && *v < g.Min {
			shown, err := strconv.ParseFloat(fixed(*v, p), 64)
			if err != nil || shown < g.Min {
				break
			}
			p++
		}
	}
	return fixed(*v, p)
}

// t returns the UI label key in the site's language. A missing key is a
// programmer error caught by the tests; it shows as the key itself.
func (s *site) t(key string) string {
	if v, ok := labels[s.lang][key]; ok {
		return v
	}
	return key
}

// tf formats the label key with args.
func (s *site) tf(key string, args ...any) string { return fmt.Sprintf(s.t(key), args...) }

// fixed formats v with prec decimals, dropping a negative zero.
func fixed(v float64, prec int) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return dash
	}
	out := strconv.FormatFloat(v, 'f', prec, 64)
	if strings.Trim(out, "-0.") == "" {
		out = strings.TrimPrefix(out, "-")
	}
	return out
}

// compact formats v with at most prec decimals and no trailing zeros.
func compact(v float64, prec int) string {
	out := fixed(v, prec)
	if strings.Contains(out, ".") {
		out = strings.TrimRight(strings.TrimRight(out, "0"), ".")
	}
	return out
}

// pct formats a share or a weight as a percentage with one decimal,
// always, so that a column of them reads alike: 0.934 → "93.4%", 0.05 →
// "5.0%".
func pct(v float64) string { return pctN(v, 1) }

// pctN formats a fraction as a percentage with prec decimals.
func pctN(v float64, prec int) string { return fixed(v*100, prec) + "%" }

// pctWritten formats a percentage written in the config as it was written:
// 0.003 → "0.3%", 0.9 → "90%".
func pctWritten(v float64) string { return compact(v*100, 4) + "%" }

// ptr formats a nullable number.
func ptr(v *float64, prec int) string {
	if v == nil {
		return dash
	}
	return fixed(*v, prec)
}

// duration formats seconds for readers: "42秒", "12分", "3小时05分" (or
// "42s", "12m", "3h 05m"). Business durations are shown in hours, never
// days, because a business day's length depends on the calendar.
func (s *site) duration(sec float64) string { return s.durationAt(sec, 0) }

// durationAt formats seconds as duration does at level 0, and to the
// second at level 1 (below 100 hours): "2小时00分20秒", "2h 00m 20s", for a
// value that misses its target by less than a minute.
func (s *site) durationAt(sec float64, level int) string {
	if math.IsNaN(sec) || math.IsInf(sec, 0) {
		return dash
	}
	neg := ""
	if sec < 0 {
		neg, sec = "-", -sec
	}
	r := int64(math.Round(sec))
	switch {
	case r < 60:
		return neg + s.tf("dur.s", r)
	case level > 0 && r < 3600:
		return neg + s.tf("dur.ms", r/60, r%60)
	case level > 0 && r < 100*3600:
		return neg + s.tf("dur.hms", r/3600, r/60%60, r%60)
	case r < 3600:
		return neg + s.tf("dur.m", int64(math.Round(sec/60)))
	case r < 100*3600:
		m := int64(math.Round(sec / 60))
		return neg + s.tf("dur.hm", m/60, m%60)
	default:
		return neg + s.tf("dur.h", int64(math.Round(sec/3600)))
	}
}

// metricValueAt formats a metric value with prec: the decimals of a rate
// (in percent) or a score, the level of a duration (see durationAt). A
// count keeps at most max(prec, 1) decimals and drops trailing zeros, so
// that whole counts read as whole numbers.
func (s *site) metricValueAt(info scoring.Info, v float64, prec int) string {
	switch info.Value {
	case scoring.ValueRate:
		return pctN(v, prec)
	case scoring.ValueDuration:
		return s.durationAt(v, prec)
	case scoring.ValueCount:
		return compact(v, max(prec, 1))
	default:
		return fixed(v, prec)
	}
}

// interval formats a 95 % interval with the precision of its value:
// "0.30–0.37%", "32m–51m"; "" without one.
func (s *site) interval(info scoring.Info, iv *[2]float64, prec int) string {
	if iv == nil {
		return ""
	}
	if info.Value == scoring.ValueRate {
		return fixed(iv[0]*100, prec) + "–" + fixed(iv[1]*100, prec) + "%"
	}
	return s.metricValueAt(info, iv[0], prec) + "–" + s.metricValueAt(info, iv[1], prec)
}

// maxPrec bounds how far precision grows to show a miss: 0.0001 % for a
// rate, seconds for a duration.
const maxPrec = 4

// basePrec is the precision a metric's values start from: a rate gets one
// decimal of percent more than its target is written with, at least one
// (target 90 % → "81.5%", target 0.3 % → "0.34%"), so that a value is
// shown finer than the target it is judged against; a score one decimal; a
// duration whole minutes.
func basePrec(info scoring.Info, r config.Rule) int {
	switch info.Value {
	case scoring.ValueRate:
		p := 1
		for _, v := range []config.Value{r.Target, r.Floor, r.Baseline} {
			if v.Set && !v.IsDuration() {
				p = max(p, decimals(v.Number*100)+1)
			}
		}
		return min(p, maxPrec)
	case scoring.ValueDuration:
		return 0
	default:
		return 1
	}
}

// ratePrec is the precision a rate needs for two significant digits
// below 1 %: 0.0036 → 2 ("0.36%"), 0.00036 → 3; prec otherwise.
func ratePrec(v float64, prec int) int {
	x := math.Abs(v * 100)
	for d := 1; x > 0 && x < math.Pow10(-d+1) && d < maxPrec; d++ {
		prec = max(prec, d+1)
	}
	return prec
}

// decimals counts the decimals of v as compact writes it, up to 4.
func decimals(v float64) int {
	out := compact(v, 4)
	if i := strings.IndexByte(out, '.'); i >= 0 {
		return len(out) - i - 1
	}
	return 0
}

// comparable returns a rule's target in the metric's own units when a
// value can be read against it directly (linear and step rules; not a
// change against the previous period, a baseline band or working days,
// whose length depends on the team calendar).
func comparable(r config.Rule) (float64, bool) {
	switch r.Type {
	case "", "linear", "step":
	default:
		return 0, false
	}
	if !r.Target.Set || r.Target.WorkingDays > 0 || strings.HasSuffix(r.Target.Text, "wd") {
		return 0, false
	}
	return r.Target.Number, true
}

// precFor is the precision at which v reads as missing its target when it
// does: from base up, until value and target no longer look the same
// ("0.34%" against "≤ 0.3%", not "0.3%"; "89.96%" against "≥ 90%", not
// "90.0%"). A value that meets its target, or a rule without a target to
// read it against, keeps base.
func (s *site) precFor(info scoring.Info, r config.Rule, v float64, base int) int {
	t, ok := comparable(r)
	if !ok || v == t || higher(info, r) == (v > t) {
		return base
	}
	limit := maxPrec
	if info.Value == scoring.ValueDuration {
		limit = 1
	}
	p := base
	for p < limit && s.metricValueAt(info, v, p) == s.metricValueAt(info, t, p) {
		p++
	}
	return p
}

// chartValue converts a metric value to the number a chart plots: rates in
// percent, durations in hours, with a fixed precision so that the site is
// byte-identical for the same input.
func chartValue(info scoring.Info, v float64) float64 {
	switch info.Value {
	case scoring.ValueRate:
		return round(v*100, 2)
	case scoring.ValueDuration:
		return round(v/3600, 2)
	default:
		return round(v, 2)
	}
}

func round(v float64, prec int) float64 {
	p := math.Pow10(prec)
	r := math.Round(v*p) / p
	if r == 0 {
		return 0 // no negative zero
	}
	return r
}

// configValue formats a target, floor or step written in the config for a
// metric: rates as percentages, durations in the site's language ("2小时",
// "3个工作日"; "2h", "3 working days").
func (s *site) configValue(info scoring.Info, v config.Value) string {
	if !v.Set {
		return dash
	}
	switch {
	case v.IsDuration():
		return s.configDuration(v)
	case info.Value == scoring.ValueRate:
		return pctWritten(v.Number)
	default:
		return compact(v.Number, 2)
	}
}

// configDuration formats a duration written in the config: working days
// as working days, whose length depends on the team calendar; other
// durations in whole hours when they are whole hours ("24小时", not
// "24小时00分"), else as durations are shown elsewhere.
func (s *site) configDuration(v config.Value) string {
	if v.WorkingDays > 0 || strings.HasSuffix(v.Text, "wd") {
		if v.WorkingDays == 1 {
			return s.t("dur.wd1")
		}
		return s.tf("dur.wd", compact(v.WorkingDays, 2))
	}
	if sec := v.Number; sec >= 3600 && math.Mod(sec, 3600) == 0 {
		return s.tf("dur.h", int64(sec/3600))
	}
	return s.duration(v.Number)
}

// higher reports whether a rule rewards higher values: its direction when
// written, else the metric's own.
func higher(info scoring.Info, r config.Rule) bool {
	switch r.Direction {
	case "higher":
		return true
	case "lower":
		return false
	}
	return info.Higher
}

// target formats a rule's target with its comparator: "≥ 90%", "≤ 2h".
func (s *site) target(info scoring.Info, r config.Rule) string {
	if r.Type == "baseline" && r.Baseline.Set {
		return "≈ " + s.configValue(info, r.Baseline)
	}
	switch r.Type {
	case "bands":
		// The threshold of the best band: the level that earns its points.
		if b, ok := bestBand(r); ok {
			return s.bandLimit(info, r, b)
		}
		return dash
	case "bonus":
		// No level: points for improving on the previous period.
		return s.t("target.bonus")
	case "deduction":
		return s.t("target.deduction")
	}
	if !r.Target.Set {
		return dash
	}
	if r.Type == "change" {
		// A relative change against the same unit's previous period, never
		// a level: "−10% vs previous period".
		return s.tf("target.change", signed(pctWritten(r.Target.Number)))
	}
	if higher(info, r) {
		return "≥ " + s.configValue(info, r.Target)
	}
	return "≤ " + s.configValue(info, r.Target)
}

// signed writes a change with its sign, a true minus for a fall: "−10%",
// "+10%".
func signed(text string) string {
	switch {
	case strings.HasPrefix(text, "-"):
		return "−" + text[1:]
	case text == "0%":
		return text
	default:
		return "+" + text
	}
}

// rule describes a scoring rule in one line (SPEC §5).
func (s *site) rule(info scoring.Info, r config.Rule) string {
	tg := s.target(info, r)
	switch r.Type {
	case "linear", "":
		if !r.Floor.Set {
			return s.tf("rule.linear_nofl", tg)
		}
		return s.tf("rule.linear", tg, s.configValue(info, r.Floor))
	case "step":
		return s.tf("rule.step", tg, s.configValue(info, r.Step), compact(r.Points, 2))
	case "change":
		return s.tf("rule.change", signed(pctWritten(r.Target.Number)), signed(pctWritten(r.Floor.Number)))
	case "bonus":
		limit := r.Cap
		if limit == 0 {
			limit = 100
		}
		return s.tf("rule.bonus", compact(r.Base, 2), compact(r.Points, 2), s.configValue(info, r.Step), compact(limit, 2))
	case "deduction":
		return s.tf("rule.deduction", compact(r.Points, 2))
	case "bands":
		parts := make([]string, len(r.Bands))
		for i, b := range r.Bands {
			parts[i] = s.tf("rule.band", s.bandLimit(info, r, b), compact(b.Points, 2))
		}
		return s.tf("rule.bands", strings.Join(parts, s.t("rule.band_sep")))
	case "baseline":
		tol := pctWritten(r.Tolerance)
		if !r.Floor.Set {
			return s.tf("rule.baseline_nf", s.configValue(info, r.Baseline), tol)
		}
		return s.tf("rule.baseline", s.configValue(info, r.Baseline), tol, s.configValue(info, r.Floor))
	default:
		return s.tf("rule.other", r.Type, tg)
	}
}

// bestBand is the band of a bands rule that gives the most points (the
// first of those), false without bands.
func bestBand(r config.Rule) (config.Band, bool) {
	if len(r.Bands) == 0 {
		return config.Band{}, false
	}
	best := r.Bands[0]
	for _, b := range r.Bands[1:] {
		if b.Points > best.Points {
			best = b
		}
	}
	return best, true
}

// bandLimit formats a band's threshold with its comparator: "≥ 95%", or
// "≤ 4小时" with direction lower (SPEC §5: the first band the value
// reaches applies).
func (s *site) bandLimit(info scoring.Info, r config.Rule, b config.Band) string {
	if r.Direction == "lower" {
		return "≤ " + s.configValue(info, b.AtMost)
	}
	return "≥ " + s.configValue(info, b.AtLeast)
}

// statusClass colours a scored metric: good when it earns full points (the
// target is met), warn from 60 points, bad below, na without points or
// with too few complaints.
func statusClass(m scoring.MetricResult) string {
	switch {
	case m.Status == scoring.StatusInsufficient || m.Status == scoring.StatusNotApplicable || m.Points == nil:
		return "na"
	case *m.Points >= 99.95:
		return "good"
	case *m.Points >= 60:
		return "warn"
	default:
		return "bad"
	}
}

// category returns the display name of a scorecard category: its name
// in config site.names.categories, else the site's label for the usual
// ones (efficiency, quality, …), else the ID.
func (s *site) category(c string) string {
	if c == "" {
		return dash
	}
	return s.displayName(s.names().Categories, "cat.", c)
}

// names are the config's display names (site.names); none without a
// config.
func (s *site) names() config.SiteNames {
	if s.cfg == nil {
		return config.SiteNames{}
	}
	return s.cfg.Site.Names
}

// displayName is id's name in the site's language: from names (config
// site.names), else the label prefix+id (none when prefix is ""), else
// id itself.
func (s *site) displayName(names map[string]config.Name, prefix, id string) string {
	if v := names[id].In(s.lang); v != "" {
		return v
	}
	if prefix != "" {
		if v, ok := labels[s.lang][prefix+id]; ok {
			return v
		}
	}
	return id
}
