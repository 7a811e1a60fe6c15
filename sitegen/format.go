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

// pct formats a fraction as a percentage: 0.934 → "93.4%".
func pct(v float64) string { return compact(v*100, 1) + "%" }

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
func (s *site) duration(sec float64) string {
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
	case r < 3600:
		return neg + s.tf("dur.m", int64(math.Round(sec/60)))
	case r < 100*3600:
		m := int64(math.Round(sec / 60))
		return neg + s.tf("dur.hm", m/60, m%60)
	default:
		return neg + s.tf("dur.h", int64(math.Round(sec/3600)))
	}
}

// metricValue formats a metric value by the kind of value it is.
func (s *site) metricValue(info scoring.Info, v float64) string {
	switch info.Value {
	case scoring.ValueRate:
		return pct(v)
	case scoring.ValueDuration:
		return s.duration(v)
	case scoring.ValueCount:
		return compact(v, 1)
	default:
		return compact(v, 1)
	}
}

// metricValuePtr formats a nullable metric value.
func (s *site) metricValuePtr(info scoring.Info, v *float64) string {
	if v == nil {
		return dash
	}
	return s.metricValue(info, *v)
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

// chartUnit is the unit suffix of chartValue.
func (s *site) chartUnit(info scoring.Info) string {
	switch info.Value {
	case scoring.ValueRate:
		return "%"
	case scoring.ValueDuration:
		if s.lang == "zh" {
			return "小时"
		}
		return "h"
	}
	return ""
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
// metric: rates as percentages, durations as written ("2h", "3wd").
func (s *site) configValue(info scoring.Info, v config.Value) string {
	if !v.Set {
		return dash
	}
	switch {
	case v.IsDuration():
		return v.Text
	case info.Value == scoring.ValueRate:
		return pct(v.Number)
	default:
		return compact(v.Number, 2)
	}
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
	if !r.Target.Set {
		return dash
	}
	if higher(info, r) {
		return "≥ " + s.configValue(info, r.Target)
	}
	return "≤ " + s.configValue(info, r.Target)
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
	case "baseline":
		tol := pct(r.Tolerance)
		if !r.Floor.Set {
			return s.tf("rule.baseline_nf", s.configValue(info, r.Baseline), tol)
		}
		return s.tf("rule.baseline", s.configValue(info, r.Baseline), tol, s.configValue(info, r.Floor))
	default:
		return s.tf("rule.other", r.Type, tg)
	}
}

// statusClass colours a scored metric: good when it earns full points (the
// target is met), warn from 60 points, bad below, na without points or
// with too few complaints.
func statusClass(m scoring.MetricResult) string {
	switch {
	case m.Status == scoring.StatusInsufficient || m.Points == nil:
		return "na"
	case *m.Points >= 99.95:
		return "good"
	case *m.Points >= 60:
		return "warn"
	default:
		return "bad"
	}
}

// category returns the display name of a scorecard category.
func (s *site) category(c string) string {
	if c == "" {
		return dash
	}
	if v, ok := labels[s.lang]["cat."+c]; ok {
		return v
	}
	return c
}
