package config

import (
	"errors"
	"fmt"
	"maps"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/kpidesk/kpidesk/connectors"
	"github.com/kpidesk/kpidesk/internal/problem"
	"github.com/kpidesk/kpidesk/scoring/weights"
	"gopkg.in/yaml.v3"
)

// Known values, also listed in docs/configuration.md.
var (
	UnitKinds   = []string{"agent", "team", "department", "org"}
	PeriodKinds = []string{"month", "quarter", "half", "year"}
	RuleTypes   = []string{"linear", "step", "baseline", "bands", "change", "bonus", "deduction"}
)

// applyDefaults fills what a config may leave out.
func (c *Config) applyDefaults() {
	if c.Version == 0 {
		c.Version = 1
	}
	if len(c.Periods) == 0 {
		c.Periods = []string{"month", "quarter", "half", "year"}
	}
	if len(c.Kinds) == 0 {
		c.Kinds = []string{"complaint"}
	}
	for i := range c.Departments {
		if g := c.Departments[i].Goal; g != nil && g.Min == 0 && g.Max == 0 {
			g.Min, g.Max = 0.8, 1.2
		}
	}
	if c.Inputs.Volume == "" {
		c.Inputs.Volume = "orders"
	}
	if c.Metrics.MinSample == 0 {
		c.Metrics.MinSample = 5
	}
	if c.Metrics.Clock == "" {
		c.Metrics.Clock = "business"
	}
	if c.Metrics.Percentile == "" {
		c.Metrics.Percentile = "nearest_rank"
	}
	if len(c.Metrics.Response.Deadlines) == 0 {
		c.Metrics.Response.Deadlines = []Deadline{{Within: "24h"}}
	}
	if len(c.Metrics.Resolution.Deadlines) == 0 {
		c.Metrics.Resolution.Deadlines = []Deadline{{Priority: []string{"urgent"}, Within: "24h"}, {Within: "3wd"}}
	}
	for _, m := range []*DeadlineMetric{&c.Metrics.Response, &c.Metrics.Resolution} {
		if m.SLA == "" {
			m.SLA = SLACalendar
		}
	}
	if c.Metrics.Response.SLAName == "" {
		c.Metrics.Response.SLAName = "Time to first response"
	}
	if c.Metrics.Resolution.SLAName == "" {
		c.Metrics.Resolution.SLAName = "Time to resolution"
	}
	if c.Metrics.FTR.MaxReplies == nil {
		one := 1
		c.Metrics.FTR.MaxReplies = &one
	}
	if c.Metrics.FTR.MaxReopens == nil {
		zero := 0
		c.Metrics.FTR.MaxReopens = &zero
	}
	if len(c.Metrics.Escalation.By) == 0 {
		c.Metrics.Escalation.By = []string{"event"}
	}
	if c.Metrics.Repeat.Window == "" {
		c.Metrics.Repeat.Window = "720h"
	}
	if c.Import.ClockSkew == "" {
		c.Import.ClockSkew = "1h"
	}
	if len(c.Grades) == 0 {
		c.Grades = DefaultGrades()
	}
	c.Site.languageGiven, c.Site.languagesGiven = c.Site.Language != "", c.Site.Languages != nil
	if len(c.Site.Languages) == 0 {
		if c.Site.Language != "" {
			c.Site.Languages = []string{c.Site.Language}
		} else if !c.Site.languagesGiven {
			c.Site.Languages = slices.Clone(SiteLanguages)
		}
	}
	if len(c.Site.Languages) > 0 {
		c.Site.Language = c.Site.Languages[0]
	}
	if c.Site.Drilldown == 0 {
		c.Site.Drilldown = 5000
	}
	for i := range c.Scorecards {
		s := &c.Scorecards[i]
		if len(s.Units) == 0 {
			s.Units = []string{"agent", "team", "department", "org"}
		}
		if s.Weights.Method == "" {
			s.Weights.Method = "fixed"
		}
		if s.Insufficient == "" {
			s.Insufficient = "neutral"
		}
		if s.Neutral == 0 {
			s.Neutral = 60
		}
	}
}

// DefaultGrades are seed 001's grades: excellent ≥ 90, meets 70–89, needs
// improvement below 70, with the actions the seed ties to them.
func DefaultGrades() []Grade {
	return []Grade{
		{ID: "excellent", Name: "优秀", NameEN: "Excellent", Min: 90, Action: "奖金 +15%，优先晋升", ActionEN: "Bonus +15%, promotion priority"},
		{ID: "meets", Name: "达标", NameEN: "Meets expectations", Min: 70, Action: "基础奖金", ActionEN: "Base bonus"},
		{ID: "improve", Name: "待改进", NameEN: "Needs improvement", Min: 0, Action: "制定改进计划，培训资源倾斜", ActionEN: "Improvement plan and training"},
	}
}

// Catalog is the metric catalogue a config's metric references are
// checked against: each built-in metric's ID and whether its value is a
// duration (then its targets and gate bounds are durations too). Package
// scoring owns it and checks a config with it when it compiles one
// (scoring.Compile): config knows no metric by name, so Parse gives the
// same verdict whatever is linked into the program.
type Catalog map[string]bool

// IDs returns the catalogue's metric IDs, sorted.
func (c Catalog) IDs() []string { return sortedKeys(c) }

type validator struct {
	file     string
	root     *yaml.Node
	problems Problems
}

// add records a problem at path, e.g. "teams[2].department". The line is
// that of the deepest node of the path present in the file.
func (v *validator) add(path string, format string, args ...any) {
	v.problems = append(v.problems, Problem{File: v.file, Line: v.line(path), Field: path, Reason: fmt.Sprintf(format, args...)})
}

func (v *validator) line(path string) int {
	if v.root == nil || len(v.root.Content) == 0 {
		return 0
	}
	return problem.Line(v.root.Content[0], path)
}

func (v *validator) config(c *Config) {
	if c.Version != 1 {
		v.add("version", "version %d is not supported by this kpidesk (1)", c.Version)
	}
	for name, cal := range c.Calendars {
		v.calendar("calendars."+name, cal)
	}
	if c.Calendar != "" {
		if _, ok := c.Calendars[c.Calendar]; !ok {
			v.add("calendar", "calendar %q is not defined under calendars", c.Calendar)
		}
	}
	seen := map[string]bool{}
	for i, s := range c.Sources {
		p := fmt.Sprintf("sources[%d]", i)
		v.unique(p+".name", "a source", "name", s.Name, seen)
		if known := connectors.SourceTypes(); !contains(known, s.Type) {
			v.add(p+".type", "unknown source type %q (known: %s)", s.Type, strings.Join(known, ", "))
			continue
		}
		v.problems = append(v.problems, connectors.CheckSource(s.Settings, s.section(v.file, i))...)
	}
	depts := map[string]bool{}
	for i, d := range c.Departments {
		p := fmt.Sprintf("departments[%d]", i)
		v.unique(p+".id", "a department", "id", d.ID, depts)
		if d.Coefficient < 0 {
			v.add(p+".coefficient", "coefficient must not be negative")
		}
		if g := d.Goal; g != nil {
			if d.Coefficient != 0 {
				v.add(p+".goal", "a department has a fixed coefficient or a goal, not both")
			}
			if g.Target <= 0 {
				v.add(p+".goal.target", "the goal needs a target total > 0")
			}
			if g.Min < 0 || (g.Max != 0 && g.Max < g.Min) {
				v.add(p+".goal", "the clamp range [%v, %v] is not a range", g.Min, g.Max)
			}
		}
	}
	teams := map[string]bool{}
	for i, t := range c.Teams {
		p := fmt.Sprintf("teams[%d]", i)
		v.unique(p+".id", "a team", "id", t.ID, teams)
		if t.Department != "" && !depts[t.Department] {
			v.add(p+".department", "department %q is not defined under departments", t.Department)
		}
		if t.Calendar != "" {
			if _, ok := c.Calendars[t.Calendar]; !ok {
				v.add(p+".calendar", "calendar %q is not defined under calendars", t.Calendar)
			}
		}
	}
	for i, a := range c.Agents {
		p := fmt.Sprintf("agents[%d]", i)
		if a.ID == "" {
			v.add(p+".id", "an agent needs an id")
		}
		v.id(p+".id", a.ID)
		if a.Team != "" && !teams[a.Team] {
			v.add(p+".team", "team %q is not defined under teams", a.Team)
		}
	}
	for i, k := range c.Periods {
		if !contains(PeriodKinds, k) {
			v.add(fmt.Sprintf("periods[%d]", i), "unknown period %q (known: %s)", k, strings.Join(PeriodKinds, ", "))
		}
	}
	if c.Metrics.MinSample < 0 {
		v.add("metrics.min_sample", "min_sample must not be negative")
	}
	for id, n := range c.Metrics.MinSampleBy {
		if n < 0 {
			v.add("metrics.min_sample_by."+id, "min_sample must not be negative")
		}
	}
	if c.Metrics.Clock != "business" && c.Metrics.Clock != "wall" {
		v.add("metrics.clock", "clock must be business or wall, not %q", c.Metrics.Clock)
	}
	if c.Metrics.Percentile != "nearest_rank" && c.Metrics.Percentile != "linear" {
		v.add("metrics.percentile", "percentile must be nearest_rank or linear, not %q", c.Metrics.Percentile)
	}
	v.deadlines("metrics.response_rate.deadlines", c.Metrics.Response.Deadlines)
	v.deadlines("metrics.resolution_sla_rate.deadlines", c.Metrics.Resolution.Deadlines)
	v.deadlineSLA("metrics.response_rate", c.Metrics.Response)
	v.deadlineSLA("metrics.resolution_sla_rate", c.Metrics.Resolution)
	if n := c.Metrics.FTR.MaxReplies; n != nil && *n < 0 {
		v.add("metrics.ftr_rate.max_replies", "must not be negative")
	}
	if n := c.Metrics.FTR.MaxReopens; n != nil && *n < 0 {
		v.add("metrics.ftr_rate.max_reopens", "must not be negative")
	}
	for i, by := range c.Metrics.Escalation.By {
		p := fmt.Sprintf("metrics.escalation_rate.by[%d]", i)
		kind, arg, _ := strings.Cut(by, ":")
		switch {
		case by == "event" || by == "priority_increase":
		case (kind == "label" || kind == "team") && arg != "":
			if kind == "team" && !teams[arg] {
				v.add(p, "team %q is not defined under teams", arg)
			}
		default:
			v.add(p, "unknown escalation definition %q (event, priority_increase, label:NAME, team:ID)", by)
		}
	}
	if d, err := time.ParseDuration(c.Metrics.Repeat.Window); err != nil || d <= 0 {
		v.add("metrics.repeat_rate.window", "window %q is not a positive duration such as 720h", c.Metrics.Repeat.Window)
	}
	if d, err := time.ParseDuration(c.Import.ClockSkew); err != nil || d < 0 {
		v.add("import.clock_skew", "%q is not a duration ≥ 0 such as 1h, 90s or 0s", c.Import.ClockSkew)
	}
	custom := v.customMetrics(c.Metrics.Custom)
	for i, m := range c.Inputs.Metrics {
		p := fmt.Sprintf("inputs.metrics[%d]", i)
		switch {
		case !metricID.MatchString(m.ID):
			v.add(p+".id", "%q is not a metric id (lower-case letters, digits and _)", m.ID)
		case hasKey(custom, m.ID):
			v.add(p+".id", "metric %q is defined twice", m.ID)
		}
		custom[m.ID] = false
		if m.Value != "" && m.Value != "rate" && m.Value != "score" {
			v.add(p+".value", "value must be rate or score, not %q", m.Value)
		}
		for r, w := range m.Raters {
			if w < 0 {
				v.add(p+".raters."+r, "a rater weight must not be negative")
			}
		}
	}
	for i, f := range c.Inputs.Files {
		if !strings.HasSuffix(f, ".csv") && !strings.HasSuffix(f, ".yaml") && !strings.HasSuffix(f, ".yml") {
			v.add(fmt.Sprintf("inputs.files[%d]", i), "%q is neither .csv nor .yaml", f)
		}
	}
	for i, g := range c.Gates {
		v.gate(fmt.Sprintf("gates[%d]", i), g, c, custom)
	}
	ids := map[string]bool{}
	for i, s := range c.Scorecards {
		v.scorecard(fmt.Sprintf("scorecards[%d]", i), s, ids, custom)
	}
	v.primaries(c.Scorecards)
	for i, g := range c.Grades {
		p := fmt.Sprintf("grades[%d]", i)
		if g.ID == "" {
			v.add(p+".id", "a grade needs an id")
		}
		v.id(p+".id", g.ID)
		if i > 0 && g.Min >= c.Grades[i-1].Min {
			v.add(p+".min", "grades must be listed from the highest min down (%v after %v)", g.Min, c.Grades[i-1].Min)
		}
	}
	if n := len(c.Grades); n > 0 && c.Grades[n-1].Min > 0 {
		v.add(fmt.Sprintf("grades[%d].min", n-1), "the lowest grade must start at 0 so that every score has a grade")
	}
	v.site(c.Site)
}

// site checks the site section: the languages (site.language is the
// deprecated form of site.languages, and the two do not mix), the URL
// the site is published at and the display names.
func (v *validator) site(s Site) {
	if s.URL != "" {
		u, err := url.Parse(s.URL)
		switch {
		case err != nil:
			// The cause alone: the text may hold a user and password.
			var ue *url.Error
			if errors.As(err, &ue) {
				err = ue.Err
			}
			v.add("site.url", "url must be an absolute http(s) URL such as https://kpi.example.com/: %v", err)
		case u.User != nil:
			// Never echo it: the user part may hold a password.
			v.add("site.url", "url cannot hold a user or password: the summary shows it to everyone who reads it")
		case (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
			v.add("site.url", "url must be an absolute http(s) URL such as https://kpi.example.com/, not %q", s.URL)
		case u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || strings.HasSuffix(s.URL, "#"):
			v.add("site.url", "url is the folder the site is published in and cannot have a query or fragment, not %q", s.URL)
		}
	}
	switch {
	case s.languageGiven && s.languagesGiven:
		v.add("site.language", "site.language is deprecated and cannot be given with site.languages: list the languages in site.languages only")
	case s.languageGiven:
		if !slices.Contains(SiteLanguages, s.Language) {
			v.add("site.language", "language must be zh or en, not %q", s.Language)
		}
	case s.languagesGiven && len(s.Languages) == 0:
		v.add("site.languages", "list at least one language (zh, en); the first is the site's root")
	default:
		seen := map[string]bool{}
		for i, l := range s.Languages {
			p := fmt.Sprintf("site.languages[%d]", i)
			switch {
			case !slices.Contains(SiteLanguages, l):
				v.add(p, "language must be zh or en, not %q", l)
			case seen[l]:
				v.add(p, "%s is listed twice", l)
			}
			seen[l] = true
		}
	}
	v.categoryGroups(s.CategoryGroups)
	for _, group := range []struct {
		key   string
		names map[string]Name
	}{{"categories", s.Names.Categories}, {"channels", s.Names.Channels}, {"kinds", s.Names.Kinds}} {
		for _, id := range slices.Sorted(maps.Keys(group.names)) {
			p := "site.names." + group.key + "." + id
			v.id(p, id)
			if n := group.names[id]; n.ZH == "" && n.EN == "" {
				v.add(p, "give the name in zh, en or both: {zh: 账单, en: Billing}")
			}
		}
	}
}

// maxCategoryGroups is the most category groups a chart can tell apart
// by colour at a glance.
const maxCategoryGroups = 6

// categoryGroups checks site.category_groups: named groups, each of some
// categories, no category in two.
func (v *validator) categoryGroups(groups []CategoryGroup) {
	if len(groups) > maxCategoryGroups {
		v.add("site.category_groups", "at most %d groups: a chart cannot tell more apart by colour", maxCategoryGroups)
	}
	ids := map[string]bool{}
	in := map[string]string{} // category → its group
	for i, g := range groups {
		p := fmt.Sprintf("site.category_groups[%d]", i)
		v.unique(p+".id", "a category group", "id", g.ID, ids)
		if g.Name.ZH == "" && g.Name.EN == "" {
			v.add(p+".name", "give the group's name in zh, en or both: {zh: 使用问题, en: Usage}")
		}
		if len(g.Categories) == 0 {
			v.add(p+".categories", "list the categories of the group")
		}
		for j, c := range g.Categories {
			cp := fmt.Sprintf("%s.categories[%d]", p, j)
			switch other, ok := in[c]; {
			case c == "":
				v.add(cp, "a category cannot be empty")
			case ok && other == g.ID:
				v.add(cp, "category %q is listed twice", c)
			case ok:
				v.add(cp, "category %q is already in group %q: a category is in one group at most", c, other)
			default:
				in[c] = g.ID
			}
		}
	}
}

var hoursRange = regexp.MustCompile(`^(\d\d):(\d\d)-(\d\d):(\d\d)$`)
var dayNames = []string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}

// ParseDays turns "mon-fri", "sat" or "mon,wed" into weekdays.
func ParseDays(s string) ([]time.Weekday, error) {
	var out []time.Weekday
	for _, part := range strings.Split(s, ",") {
		from, to, isRange := strings.Cut(strings.TrimSpace(part), "-")
		a, b := indexOf(dayNames, from), indexOf(dayNames, to)
		if a < 0 || (isRange && b < 0) {
			return nil, fmt.Errorf("%q is not a day or a day range such as mon-fri", part)
		}
		if !isRange {
			b = a
		}
		for d := a; ; d = (d + 1) % 7 {
			out = append(out, time.Weekday(d))
			if d == b {
				break
			}
		}
	}
	return out, nil
}

// ParseSpan turns "09:00-12:00" into minutes after midnight.
func ParseSpan(s string) (start, end int, err error) {
	m := hoursRange.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return 0, 0, fmt.Errorf("%q is not a span such as 09:00-12:00", s)
	}
	n := func(i int) int { x, _ := strconv.Atoi(m[i]); return x }
	start, end = n(1)*60+n(2), n(3)*60+n(4)
	if n(1) > 24 || n(3) > 24 || n(2) > 59 || n(4) > 59 || start >= end || end > 1440 {
		return 0, 0, fmt.Errorf("%q is not a span within one day that ends after it starts", s)
	}
	return start, end, nil
}

func (v *validator) calendar(p string, c Calendar) {
	if c.TimeZone != "" {
		if _, err := time.LoadLocation(c.TimeZone); err != nil {
			v.add(p+".timezone", "unknown time zone %q", c.TimeZone)
		}
	}
	if c.Holidays != "" && c.Holidays != "cn" {
		v.add(p+".holidays", "unknown holiday schedule %q (built in: cn)", c.Holidays)
	}
	if c.Always && len(c.Hours) > 0 {
		v.add(p+".hours", "a 24x7 calendar (always: true) has no hours")
	}
	if !c.Always && len(c.Hours) == 0 {
		v.add(p+".hours", "a calendar needs working hours, or always: true for 24x7")
	}
	for days, spans := range c.Hours {
		if _, err := ParseDays(days); err != nil {
			v.add(p+".hours."+days, "%v", err)
		}
		for i, s := range spans {
			if _, _, err := ParseSpan(s); err != nil {
				v.add(fmt.Sprintf("%s.hours.%s[%d]", p, days, i), "%v", err)
			}
		}
	}
	switch {
	case c.AdjustedDay == "sun":
		v.add(p+".adjusted_day", "an adjusted working day replaces a weekday: choose mon … sat")
	case c.AdjustedDay != "" && indexOf(dayNames, c.AdjustedDay) < 0:
		v.add(p+".adjusted_day", "%q is not a day (mon … sat)", c.AdjustedDay)
	}
	for field, dates := range map[string][]string{"add_holidays": c.AddHolidays, "add_workdays": c.AddWorkdays} {
		for i, d := range dates {
			if _, err := time.Parse(time.DateOnly, d); err != nil {
				v.add(fmt.Sprintf("%s.%s[%d]", p, field, i), "%q is not a date such as 2026-10-01", d)
			}
		}
	}
}

// Whose verdict a deadline metric takes (DeadlineMetric.SLA).
const (
	SLACalendar = "calendar"
	SLASource   = "source"
)

// deadlineSLA checks a deadline metric's sla and sla_name.
func (v *validator) deadlineSLA(p string, m DeadlineMetric) {
	if m.SLA != SLACalendar && m.SLA != SLASource {
		v.add(p+".sla", "sla must be %s or %s, not %q", SLASource, SLACalendar, m.SLA)
	}
	if strings.TrimSpace(m.SLAName) == "" {
		v.add(p+".sla_name", "sla_name must name an SLA record, such as %q", "Time to first response")
	}
}

func (v *validator) deadlines(p string, ds []Deadline) {
	for i, d := range ds {
		q := fmt.Sprintf("%s[%d]", p, i)
		val, err := ParseValue(d.Within)
		switch {
		case err != nil:
			v.add(q+".within", "%v", err)
		case !val.IsDuration():
			v.add(q+".within", "%q is not a duration such as 24h or 3wd", d.Within)
		}
		if d.Clock != "" && d.Clock != "wall" && d.Clock != "business" {
			v.add(q+".clock", "clock must be wall or business, not %q", d.Clock)
		}
		for j, pr := range d.Priority {
			if !contains([]string{"urgent", "high", "normal", "low"}, pr) {
				v.add(fmt.Sprintf("%s.priority[%d]", q, j), "unknown priority %q (urgent, high, normal, low)", pr)
			}
		}
	}
}

func (v *validator) scorecard(p string, s Scorecard, ids map[string]bool, custom map[string]bool) {
	if _, err := ParseEffective(s.EffectiveFrom); err != nil {
		v.add(p+".effective_from", "%v", err)
	}
	version := s.ID + "@" + s.EffectiveFrom
	v.id(p+".id", s.ID)
	switch {
	case s.ID == "":
		v.add(p+".id", "a scorecard needs an id")
	case ids[version] && s.EffectiveFrom == "":
		v.add(p+".id", "scorecard %q is defined twice (versions need distinct effective_from dates)", s.ID)
	case ids[version]:
		v.add(p+".effective_from", "scorecard %q has two versions from %s", s.ID, s.EffectiveFrom)
	}
	ids[version] = true
	for i, u := range s.Units {
		if !contains(UnitKinds, u) {
			v.add(fmt.Sprintf("%s.units[%d]", p, i), "unknown unit %q (known: %s)", u, strings.Join(UnitKinds, ", "))
		}
	}
	v.weights(p+".weights", s)
	if s.Insufficient != "neutral" && s.Insufficient != "exclude" {
		v.add(p+".insufficient", "must be neutral or exclude, not %q", s.Insufficient)
	}
	if len(s.Items) == 0 {
		v.add(p+".items", "a scorecard needs at least one item")
	}
	sum := 0.0
	seen := map[string]bool{}
	for i, it := range s.Items {
		q := fmt.Sprintf("%s.items[%d]", p, i)
		if seen[it.Metric] {
			v.add(q+".metric", "metric %q is listed twice", it.Metric)
		}
		seen[it.Metric] = true
		if it.Weight < 0 || it.Weight > 1 {
			v.add(q+".weight", "weight %v is outside 0..1", it.Weight)
		}
		sum += it.Weight
		v.rule(q+".rule", it.Rule)
		if isDur, ok := custom[it.Metric]; ok {
			v.ruleKinds(q+".rule", it.Rule, isDur)
		}
	}
	fixedUsed := s.Weights.Method == "fixed" || (s.Weights.Method == "combined" && s.Weights.Subjective == "fixed")
	switch {
	case !fixedUsed:
	case len(s.Items) > 0 && sum <= 0:
		v.add(p+".items", "the weights add up to 0")
	case len(s.Items) > 0 && !s.Weights.Normalize && len(s.Weights.Categories) == 0 && (sum < 0.999 || sum > 1.001):
		v.add(p+".items", "weights add up to %.4g, not 1 (set weights.normalize: true to scale them)", sum)
	}
}

// primaries checks that at most one scorecard ID is primary for each kind
// of unit; the versions of one ID may all say so.
func (v *validator) primaries(scs []Scorecard) {
	primary := map[string]string{} // unit kind → scorecard ID
	for i, s := range scs {
		if !s.Primary {
			continue
		}
		clash := map[string][]string{} // the other primary → the kinds both cover
		var others []string
		for _, kind := range s.Units {
			other, ok := primary[kind]
			switch {
			case !ok:
				primary[kind] = s.ID
			case other != s.ID:
				if clash[other] == nil {
					others = append(others, other)
				}
				clash[other] = append(clash[other], kind)
			}
		}
		for _, other := range others {
			v.add(fmt.Sprintf("scorecards[%d].primary", i), "scorecards %q and %q are both primary for %s units: mark one only (the primary decides the grade)", other, s.ID, strings.Join(clash[other], ", "))
		}
	}
}

// rule checks a rule's shape; ruleKinds checks its values against the
// metric's kind, once the metric is known.
func (v *validator) rule(p string, r Rule) {
	if !contains(RuleTypes, r.Type) {
		v.add(p+".type", "unknown rule %q (known: %s)", r.Type, strings.Join(RuleTypes, ", "))
		return
	}
	if r.Direction != "" && r.Direction != "higher" && r.Direction != "lower" {
		v.add(p+".direction", "direction must be higher or lower, not %q", r.Direction)
	}
	check := func(field string, val Value, required bool) {
		if !val.Set && required {
			v.add(p+"."+field, "the %s rule needs %s", r.Type, field)
		}
	}
	switch r.Type {
	case "linear":
		check("target", r.Target, true)
		check("floor", r.Floor, true)
		if r.Target.Set && r.Floor.Set && r.Target.Number == r.Floor.Number && r.Target.WorkingDays == r.Floor.WorkingDays {
			v.add(p+".floor", "floor equals target: the rule could give only 0 or 100")
		}
	case "step":
		check("target", r.Target, true)
		check("step", r.Step, true)
		if r.Points <= 0 {
			v.add(p+".points", "the step rule needs points > 0 (points lost per step)")
		}
	case "baseline":
		check("baseline", r.Baseline, true)
		if r.Tolerance < 0 || r.Tolerance >= 1 {
			v.add(p+".tolerance", "tolerance %v is outside [0, 1)", r.Tolerance)
		}
		check("floor", r.Floor, false)
	case "bands":
		if len(r.Bands) == 0 {
			v.add(p+".bands", "the bands rule needs bands: [{at_least: 95%%, points: 100}, …]")
		}
		for i, b := range r.Bands {
			q := fmt.Sprintf("%s.bands[%d]", p, i)
			lower := r.Direction == "lower"
			switch {
			case lower && !b.AtMost.Set:
				v.add(q+".at_most", "a lower-is-better band needs at_most")
			case !lower && !b.AtLeast.Set:
				v.add(q+".at_least", "a band needs at_least (or direction: lower and at_most)")
			}
			if b.Points < 0 || b.Points > 100 {
				v.add(q+".points", "points %v are outside 0..100", b.Points)
			}
			if i > 0 {
				prev := r.Bands[i-1]
				if (!lower && b.AtLeast.Seconds(0) >= prev.AtLeast.Seconds(0)) || (lower && b.AtMost.Seconds(0) <= prev.AtMost.Seconds(0)) {
					v.add(q, "bands must go from the best threshold to the worst")
				}
			}
		}
	case "change":
		// Target and floor are relative changes against the previous
		// period: target -10% (full points at a 10 % drop), floor 10%.
		for _, f := range []struct {
			name string
			val  Value
		}{{"target", r.Target}, {"floor", r.Floor}} {
			switch {
			case !f.val.Set:
				v.add(p+"."+f.name, "the change rule needs %s, a change against the previous period such as -10%%", f.name)
			case f.val.IsDuration():
				v.add(p+"."+f.name, "%q must be a relative change such as -10%%", f.val.Text)
			}
		}
		if r.Target.Set && r.Floor.Set && r.Target.Number == r.Floor.Number {
			v.add(p+".floor", "floor equals target: the rule could give only 0 or 100")
		}
	case "bonus":
		check("step", r.Step, true)
		if r.Points <= 0 {
			v.add(p+".points", "the bonus rule needs points > 0 (points per step of improvement)")
		}
		if r.Base < 0 || r.Base > 100 {
			v.add(p+".base", "base %v is outside 0..100", r.Base)
		}
		if r.Cap < 0 || r.Cap > 100 {
			v.add(p+".cap", "cap %v is outside 0..100", r.Cap)
		}
	case "deduction":
		if r.Points <= 0 {
			v.add(p+".points", "the deduction rule needs points > 0 (points lost per incident)")
		}
	}
}

// ruleKinds checks that the values of a rule are durations when its
// metric's value is one (isDur) and numbers otherwise. A change rule's
// target and floor are relative changes, checked by rule.
func (v *validator) ruleKinds(p string, r Rule, isDur bool) {
	var fields []string
	switch r.Type {
	case "linear":
		fields = []string{"target", "floor"}
	case "step":
		fields = []string{"target", "step"}
	case "baseline":
		fields = []string{"baseline", "floor"}
	case "bonus":
		fields = []string{"step"}
	}
	vals := map[string]Value{"target": r.Target, "floor": r.Floor, "step": r.Step, "baseline": r.Baseline}
	for _, field := range fields {
		switch val := vals[field]; {
		case val.Set && isDur && !val.IsDuration():
			v.add(p+"."+field, "%q must be a duration (such as 4h or 3wd) for a duration metric", val.Text)
		case val.Set && !isDur && val.IsDuration():
			v.add(p+"."+field, "%q is a duration but the metric is not", val.Text)
		}
	}
}

func contains(list []string, s string) bool { return indexOf(list, s) >= 0 }

func indexOf(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return -1
}

var metricID = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

// eventSpecs are the instants a duration metric can run between.
var eventSpecs = []string{"created", "first_response", "resolved", "first_resolved", "escalated"}

// customMetrics validates metrics.custom and returns their IDs with
// whether each is a duration.
func (v *validator) customMetrics(ms []CustomMetric) map[string]bool {
	out := map[string]bool{}
	for i, m := range ms {
		p := fmt.Sprintf("metrics.custom[%d]", i)
		switch {
		case !metricID.MatchString(m.ID):
			v.add(p+".id", "%q is not a metric id (lower-case letters, digits and _)", m.ID)
		case out[m.ID]:
			v.add(p+".id", "metric %q is defined twice", m.ID)
		}
		if m.Cohort != "" && m.Cohort != "created" && m.Cohort != "resolved" {
			v.add(p+".cohort", "cohort must be created or resolved, not %q", m.Cohort)
		}
		if m.Clock != "" && m.Clock != "business" && m.Clock != "wall" {
			v.add(p+".clock", "clock must be business or wall, not %q", m.Clock)
		}
		switch {
		case m.Absent == "" || m.Absent == "zero" || m.Absent == "exclude" && m.Type == "time_in":
		case m.Type != "time_in":
			v.add(p+".absent", "absent applies to a time_in metric only")
		default:
			v.add(p+".absent", "absent must be zero or exclude, not %q", m.Absent)
		}
		switch m.Type {
		case "rate":
			if m.Where.Empty() {
				v.add(p+".where", "a rate metric needs a where filter (kind, category, channel, priority, label or fields)")
			}
			out[m.ID] = false
		case "duration":
			for _, f := range []struct{ name, val string }{{"from", m.From}, {"to", m.To}} {
				kind, arg, _ := strings.Cut(f.val, ":")
				ok := slices.Contains(eventSpecs, f.val) || ((kind == "status" || kind == "label") && arg != "")
				if !ok {
					v.add(p+"."+f.name, "%q is not an event (%s, status:NAME, label:NAME)", f.val, strings.Join(eventSpecs, ", "))
				}
			}
			out[m.ID] = true
		case "time_in":
			if len(m.Statuses)+len(m.Labels) == 0 {
				v.add(p+".statuses", "a time_in metric needs statuses or labels")
			}
			out[m.ID] = true
		default:
			v.add(p+".type", "unknown custom metric type %q (rate, duration, time_in)", m.Type)
		}
	}
	return out
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func hasKey(m map[string]bool, k string) bool { _, ok := m[k]; return ok }

var weightMethods = []string{"fixed", "expert", "ahp", "entropy", "combined"}

// weights checks a scorecard's weight method against its items; an AHP
// matrix is checked for consistency here, so that `kpidesk config check`
// names the worst judgement with its line.
func (v *validator) weights(p string, s Scorecard) {
	w := s.Weights
	if !contains(weightMethods, w.Method) {
		v.add(p+".method", "unknown weight method %q (known: %s)", w.Method, strings.Join(weightMethods, ", "))
		return
	}
	n := len(s.Items)
	names := make([]string, n)
	for i, it := range s.Items {
		names[i] = it.Metric
	}
	needs := map[string]bool{w.Method: true}
	if w.Method == "combined" {
		if w.Alpha < 0 || w.Alpha > 1 {
			v.add(p+".alpha", "alpha %v is outside 0..1", w.Alpha)
		}
		if !contains([]string{"fixed", "expert", "ahp"}, w.Subjective) {
			v.add(p+".subjective", "combined needs subjective: fixed, expert or ahp (not %q)", w.Subjective)
		}
		needs[w.Subjective], needs["entropy"] = true, true
	}
	if needs["expert"] {
		if len(w.Experts) == 0 {
			v.add(p+".experts", "the expert method needs experts: one row of %d scores per expert, in item order", n)
		}
		for i, row := range w.Experts {
			if len(row) != n {
				v.add(fmt.Sprintf("%s.experts[%d]", p, i), "has %d scores; the scorecard has %d items", len(row), n)
			}
			for _, x := range row {
				if x < 0 {
					v.add(fmt.Sprintf("%s.experts[%d]", p, i), "scores must not be negative")
					break
				}
			}
		}
	}
	if needs["ahp"] {
		m := make([][]float64, len(w.Matrix))
		square := len(w.Matrix) == n
		for i, row := range w.Matrix {
			if len(row) != n {
				square = false
			}
			for _, x := range row {
				m[i] = append(m[i], float64(x))
			}
		}
		switch {
		case !square:
			v.add(p+".matrix", "the ahp method needs an %d×%d matrix over the items in order", n, n)
		default:
			if _, err := weights.AHP(names, m); err != nil {
				var me *weights.MatrixError
				if errors.As(err, &me) {
					v.add(fmt.Sprintf("%s.matrix[%d][%d]", p, me.Row, me.Col), "%s", me.Msg)
				} else {
					v.add(p+".matrix", "%v", err)
				}
			}
		}
	}
	if needs["entropy"] && w.Entropy != "" && w.Entropy != "sum" && w.Entropy != "minmax" {
		v.add(p+".entropy", "entropy normalization must be sum or minmax, not %q", w.Entropy)
	}
	if len(w.Categories) > 0 {
		for i, it := range s.Items {
			if _, ok := w.Categories[it.Category]; !ok {
				v.add(fmt.Sprintf("%s.items[%d].category", strings.TrimSuffix(p, ".weights"), i), "category %q has no weight under weights.categories", it.Category)
			}
		}
		for c, x := range w.Categories {
			if x < 0 {
				v.add(p+".categories."+c, "a category weight must not be negative")
			}
		}
	}
}

// ParseEffective reads an effective_from date: "2026-04-01" or "2026-04"
// (the first of the month); "" is the zero time (from the beginning).
func ParseEffective(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	for _, layout := range []string{time.DateOnly, "2006-01"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a date such as 2026-04-01 or a month such as 2026-04", s)
}

// id reports a control character in an identifier: one that config text
// allows (tab, line feed, carriage return), as checkScalars has reported
// the others already.
func (v *validator) id(path, s string) {
	if textReason(s) == "" {
		if reason := idReason(s); reason != "" {
			v.add(path, "%s", reason)
		}
	}
}

// unique reports an empty or repeated identifier of what ("a team") at
// path, and records it in seen.
func (v *validator) unique(path, what, key, value string, seen map[string]bool) {
	article := "a"
	if key == "id" {
		article = "an"
	}
	v.id(path, value)
	switch {
	case value == "":
		v.add(path, "%s needs %s %s", what, article, key)
	case seen[value]:
		_, noun, _ := strings.Cut(what, " ") // "a team" → "team"
		v.add(path, "%s %q is defined twice", noun, value)
	}
	seen[value] = true
}

// gate checks a quality gate: a unit the config knows (agents come from the
// data, so any agent ID goes), a known metric or final, and bounds of the
// metric's kind. Working days are refused: a gate reads a month's value,
// not a deadline.
func (v *validator) gate(p string, g Gate, c *Config, custom map[string]bool) {
	switch kind, id, _ := strings.Cut(g.Unit, ":"); {
	case g.Unit == "" || g.Unit == "org" || g.Unit == "departments" || g.Unit == "teams" || g.Unit == "agents":
	case kind == "agent" && id != "":
	case kind == "department" && id != "":
		if !slices.ContainsFunc(c.Departments, func(d Department) bool { return d.ID == id }) {
			v.add(p+".unit", "no department %q in departments", id)
		}
	case kind == "team" && id != "":
		if !slices.ContainsFunc(c.Teams, func(t Team) bool { return t.ID == id }) {
			v.add(p+".unit", "no team %q in teams", id)
		}
	default:
		v.add(p+".unit", "%q is not a unit: want org, department:ID, team:ID, agent:ID, departments, teams or agents", g.Unit)
	}
	isDur, known := custom[g.Metric]
	if g.Metric == "" {
		v.add(p+".metric", "a gate needs a metric (a metric ID, or final for the final score)")
	}
	if !g.Min.Set && !g.Max.Set {
		v.add(p, "a gate needs min, max or both")
	}
	for _, b := range []struct {
		name string
		val  Value
	}{{"min", g.Min}, {"max", g.Max}} {
		switch {
		case !b.val.Set:
		case b.val.WorkingDays > 0:
			v.add(p+"."+b.name, "%q: a gate bounds a month's value; give a duration in hours, not working days", b.val.Text)
		case g.Metric == "final" && b.val.IsDuration():
			v.add(p+"."+b.name, "%q: the final score is points from 0 to 100, not a duration", b.val.Text)
		case known:
			v.boundKind(p+"."+b.name, b.val, g.Metric, isDur)
		}
	}
	if g.Min.Set && g.Max.Set && g.Min.Number > g.Max.Number {
		v.add(p+".max", "max %s is below min %s", g.Max.Text, g.Min.Text)
	}
}

// boundKind checks a gate bound against its metric's kind.
func (v *validator) boundKind(p string, val Value, metric string, isDur bool) {
	switch {
	case !val.Set || val.WorkingDays > 0 || val.IsDuration() == isDur:
	case isDur:
		v.add(p, "%q: %s is a duration; give one such as 24h", val.Text, metric)
	default:
		v.add(p, "%q: %s is not a duration; give a number or a percentage", val.Text, metric)
	}
}

// CheckMetrics checks the config's references to built-in metrics against
// catalog, the catalogue of the scoring package that will score it:
// scorecard items and gates that name a metric the catalogue lacks, rule
// targets and gate bounds of the wrong kind for their metric, and custom or
// input metrics that take a built-in metric's ID. Parse checked the rest,
// references to custom and input metrics included. The problems are
// positioned like Parse's.
func (c *Config) CheckMetrics(catalog Catalog) Problems {
	v := validator{file: c.File, root: c.root}
	custom := map[string]bool{}
	for _, m := range c.Metrics.Custom {
		custom[m.ID] = m.Type != "rate"
	}
	for _, m := range c.Inputs.Metrics {
		custom[m.ID] = false
	}
	known := func() string { return strings.Join(append(catalog.IDs(), sortedKeys(custom)...), ", ") }
	for i, m := range c.Metrics.Custom {
		if _, builtin := catalog[m.ID]; builtin {
			v.add(fmt.Sprintf("metrics.custom[%d].id", i), "%q is a built-in metric; choose another id", m.ID)
		}
	}
	for i, m := range c.Inputs.Metrics {
		if _, builtin := catalog[m.ID]; builtin {
			v.add(fmt.Sprintf("inputs.metrics[%d].id", i), "%q is a built-in metric; choose another id", m.ID)
		}
	}
	for _, id := range slices.Sorted(maps.Keys(c.Metrics.MinSampleBy)) {
		if !hasKey(catalog, id) && !hasKey(custom, id) {
			v.add("metrics.min_sample_by."+id, "unknown metric %q", id)
		}
	}
	for i, s := range c.Scorecards {
		for j, it := range s.Items {
			q := fmt.Sprintf("scorecards[%d].items[%d]", i, j)
			isDur, builtin := catalog[it.Metric]
			switch {
			case hasKey(custom, it.Metric):
			case !builtin:
				v.add(q+".metric", "unknown metric %q (known: %s)", it.Metric, known())
			default:
				v.ruleKinds(q+".rule", it.Rule, isDur)
			}
		}
	}
	for i, g := range c.Gates {
		p := fmt.Sprintf("gates[%d]", i)
		isDur, builtin := catalog[g.Metric]
		switch {
		case g.Metric == "final" || g.Metric == "" || hasKey(custom, g.Metric):
		case !builtin:
			v.add(p+".metric", "unknown metric %q (known: final, %s)", g.Metric, known())
		default:
			v.boundKind(p+".min", g.Min, g.Metric, isDur)
			v.boundKind(p+".max", g.Max, g.Metric, isDur)
		}
	}
	sortProblems(v.problems)
	return v.problems
}
