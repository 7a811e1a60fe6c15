package config

import (
	"fmt"
	"math"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/kpidesk/kpidesk/connectors"
)

// Config is one kpidesk.yaml. Field docs are the user-facing reference;
// docs/configuration.md and the starter config repeat them for readers.
type Config struct {
	Version     int                 `yaml:"version"`
	Org         Org                 `yaml:"org"`
	Calendar    string              `yaml:"calendar"` // default calendar for teams that name none
	Calendars   map[string]Calendar `yaml:"calendars"`
	Sources     []Source            `yaml:"sources"`
	Departments []Department        `yaml:"departments"`
	Teams       []Team              `yaml:"teams"`
	Agents      []Agent             `yaml:"agents"`
	Periods     []string            `yaml:"periods"` // month, quarter, half, year
	Kinds       []string            `yaml:"kinds"`   // kinds that count as complaints; default [complaint]
	Customers   Customers           `yaml:"customers"`
	Inputs      Inputs              `yaml:"inputs"`
	// Appeals is the appeals file (docs/appeals.md): decided appeals
	// change scores, every appeal is listed on its scorecard. Relative to
	// the config file's folder.
	Appeals    string      `yaml:"appeals"`
	Metrics    Metrics     `yaml:"metrics"`
	Scorecards []Scorecard `yaml:"scorecards"`
	Grades     []Grade     `yaml:"grades"`
	Site       Site        `yaml:"site"`
	// Gates are the quality gates (SPEC §10): bounds that the latest
	// complete month must keep, or score and build exit with status 3.
	Gates []Gate `yaml:"gates"`
	// Import says how complaints read into the store are checked, by
	// `kpidesk import` and by `kpidesk sync` alike.
	Import Import `yaml:"import"`

	// File is where the config was read from ("(built-in)" for the default).
	File string `yaml:"-"`

	// root is the parsed YAML, for the positions of Problem.
	root *yaml.Node
}

// Problem returns a problem positioned at path ("scorecards[0].items[6].metric"),
// at the line of the deepest node of the path present in the config file:
// what a check made outside this package (a warning of `kpidesk config
// check`) reports, in the same form as Parse's problems.
func (c *Config) Problem(path, format string, args ...any) Problem {
	v := validator{file: c.File, root: c.root}
	v.add(path, format, args...)
	return v.problems[0]
}

// Import holds the checks on complaints read into the store.
type Import struct {
	// ClockSkew is the clock-skew tolerance (SPEC §13.12): how far before
	// created_at a first response, resolution, escalation or event may lie
	// and still be taken for skew between systems' clocks. Such a complaint
	// is kept, the duration counts 0 and the skew is listed on the
	// data-quality page; beyond it the complaint is refused (an import
	// error; a Jira issue is skipped and listed). A duration such as 1h or
	// 90s; default 1h; 0s tolerates none.
	ClockSkew string `yaml:"clock_skew"`
}

// ClockSkewTolerance returns import.clock_skew as a duration: the default
// 1h when it is empty. Validate has checked it.
func (i Import) ClockSkewTolerance() time.Duration {
	if i.ClockSkew == "" {
		return time.Hour
	}
	d, err := time.ParseDuration(i.ClockSkew)
	if err != nil || d < 0 {
		return time.Hour
	}
	return d
}

// Org names the organization as a whole.
type Org struct {
	Name   string `yaml:"name"`
	NameEN string `yaml:"name_en"`
}

// Calendar is a business calendar: time zone, weekly working hours,
// holidays and adjusted working days (SPEC §3).
type Calendar struct {
	TimeZone    string              `yaml:"timezone"`
	Always      bool                `yaml:"always"`   // 24x7
	Holidays    string              `yaml:"holidays"` // a built-in schedule: "cn", or ""
	HolidayFile string              `yaml:"holiday_file"`
	Hours       map[string][]string `yaml:"hours"` // "mon-fri": ["09:00-12:00", "13:30-18:00"]
	AdjustedDay string              `yaml:"adjusted_day"`
	AddHolidays []string            `yaml:"add_holidays"`
	AddWorkdays []string            `yaml:"add_workdays"`
}

// Source is one helpdesk to read complaints from: its name and type, which
// every source has, and the settings of its type, which the package of the
// type declares, decodes and checks (connectors.Register): a demo source's
// seed and size, a Jira source's base_url, projects and mapping.
type Source struct {
	Name string `yaml:"name"`
	Type string `yaml:"type"` // a registered source type: demo, jira
	// Settings are the type's own keys, decoded and checked by Parse.
	Settings connectors.Settings `yaml:"-"`

	// node is the source's section, for its type's decoder.
	node *yaml.Node
}

// section returns the source's section, the i-th of the config file.
func (s *Source) section(file string, i int) connectors.Section {
	return connectors.Section{File: file, Path: fmt.Sprintf("sources[%d]", i), Node: s.node}
}

// UnmarshalYAML reads a source's name and type and keeps its section for
// the type's decoder: the keys of a type are the type's business.
func (s *Source) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.MappingNode {
		what := n.ShortTag()
		if n.Kind == yaml.ScalarNode {
			what += " `" + n.Value + "`"
		}
		return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: cannot unmarshal %s into config.Source", n.Line, what)}}
	}
	var common struct {
		Name string `yaml:"name"`
		Type string `yaml:"type"`
	}
	if err := n.Decode(&common); err != nil {
		return err
	}
	*s = Source{Name: common.Name, Type: common.Type, node: n}
	return nil
}

// Department groups teams; its coefficient multiplies the weighted total
// (SPEC §7). Coefficient 0 means 1.
type Department struct {
	ID          string  `yaml:"id"`
	Name        string  `yaml:"name"`
	NameEN      string  `yaml:"name_en"`
	Coefficient float64 `yaml:"coefficient"`
	// Goal makes the coefficient the department's goal completion (seed
	// 001: 部门系数 = 团队目标完成度): its own weighted total in the period
	// divided by Target, clamped to [Min, Max] (default 0.8–1.2). It applies
	// to the department's teams and agents; the department's own final is
	// its total.
	Goal *Goal `yaml:"goal"`
}

// Goal is a department's target total for the goal-completion coefficient.
type Goal struct {
	Target float64 `yaml:"target"`
	Min    float64 `yaml:"min"`
	Max    float64 `yaml:"max"`
}

// Team maps complaints to a team by what the source knows about them.
type Team struct {
	ID         string `yaml:"id"`
	Name       string `yaml:"name"`
	NameEN     string `yaml:"name_en"`
	Department string `yaml:"department"`
	Calendar   string `yaml:"calendar"`
	Match      Match  `yaml:"match"`
}

// Match lists source values that put a complaint into a team when the
// source did not name one. The order is: the team an agents entry gives the
// assignee, then match.assignees, then the request type, then components,
// then labels (in the complaint's own order); the first team in config
// order that lists a value wins.
type Match struct {
	Assignees  []string `yaml:"assignees"`
	Components []string `yaml:"components"`
	Labels     []string `yaml:"labels"`
	// RequestTypes matches the request type a source recorded in the
	// complaint's fields (request_type; Jira Service Management).
	RequestTypes []string `yaml:"request_types"`
}

// Inputs are values that do not come from tickets, per unit and period,
// read from CSV or YAML files (docs/inputs.md): business volume for the
// complaint rate, and manual metrics such as an employee satisfaction
// survey, QA sampling, service attitude or a 360° review.
type Inputs struct {
	// Files are read in order; a relative path is relative to the config
	// file's folder.
	Files []string `yaml:"files"`
	// Volume is the input metric that holds business volume (orders) for
	// complaint_rate = complaints ÷ volume. Default "orders".
	Volume string `yaml:"volume"`
	// Metrics are scored from the input rows of the same id.
	Metrics []InputMetric `yaml:"metrics"`
}

// InputMetric is a manual metric (SPEC §4 "manual inputs").
type InputMetric struct {
	ID     string `yaml:"id"`
	Name   string `yaml:"name"`
	NameEN string `yaml:"name_en"`
	// Value is how the numbers read: rate (fractions; "87%" in a file is
	// 0.87) or score (0–100). Default score.
	Value  string `yaml:"value"`
	Higher *bool  `yaml:"higher"` // default true
	// Raters weighs a 360° review's raters (self, supervisor, qa, …); rows
	// of a rater not listed are an error. Empty means a plain mean.
	Raters map[string]float64 `yaml:"raters"`
}

// Customers says how one customer's aliases across channels are merged
// (seed 003: one customer who writes by email and calls by phone is one
// customer). MergeBy names fields of the complaints (Fields) whose equal
// values join customers: e.g. [email, phone, account].
type Customers struct {
	MergeBy []string `yaml:"merge_by"`
}

// Agent gives an assignee a display name and, optionally, a team.
type Agent struct {
	ID   string `yaml:"id"`
	Name string `yaml:"name"`
	Team string `yaml:"team"`
}

// Metrics holds the parameters of the metric catalogue (SPEC §4).
type Metrics struct {
	MinSample int `yaml:"min_sample"` // default 5
	// MinSampleBy overrides MinSample per metric, e.g. {csat: 10}.
	MinSampleBy map[string]int   `yaml:"min_sample_by"`
	Response    DeadlineMetric   `yaml:"response_rate"`
	Resolution  DeadlineMetric   `yaml:"resolution_sla_rate"`
	FTR         FTRMetric        `yaml:"ftr_rate"`
	Escalation  EscalationMetric `yaml:"escalation_rate"`
	Repeat      RepeatMetric     `yaml:"repeat_rate"`
	Clock       string           `yaml:"clock"` // business (default) or wall, for durations
	Pause       Pause            `yaml:"pause"`
	Custom      []CustomMetric   `yaml:"custom"`
	// Percentile is how a duration metric's median and p90 are taken from
	// its sorted values: nearest_rank (default, SPEC §13.7: the ⌈0.9·n⌉-th
	// smallest) or linear (interpolated between order statistics, as
	// numpy's percentile and github-community-projects/issue-metrics
	// compute them). Their 95 % intervals stay on order statistics.
	Percentile string `yaml:"percentile"`
}

// Pause stops the clock while a complaint sits in one of the statuses
// (waiting for the customer, pending a third party), as helpdesk SLAs do:
// durations and deadlines exclude those intervals. Status names are
// compared case-insensitively with the status change events' To value.
type Pause struct {
	Statuses []string `yaml:"statuses"`
}

// CustomMetric is a metric defined in config (SPEC §4, "custom"):
//   - rate: the share of the cohort's complaints that match Where, among
//     those that match Of (default: all);
//   - duration: the time from one event to another (From, To: created,
//     first_response, resolved, escalated, status:NAME, label:NAME);
//   - time_in: how long complaints sat in Statuses or carried Labels.
type CustomMetric struct {
	ID       string   `yaml:"id"`
	Name     string   `yaml:"name"`
	NameEN   string   `yaml:"name_en"`
	Type     string   `yaml:"type"`   // rate, duration, time_in
	Cohort   string   `yaml:"cohort"` // created (default) or resolved
	Higher   bool     `yaml:"higher"` // higher is better (default lower for rates and durations)
	Where    Filter   `yaml:"where"`
	Of       Filter   `yaml:"of"`
	From     string   `yaml:"from"`
	To       string   `yaml:"to"`
	Statuses []string `yaml:"statuses"`
	Labels   []string `yaml:"labels"`
	Clock    string   `yaml:"clock"` // business (default) or wall
	// Absent says, for time_in, what a complaint that never was in the
	// statuses or labels counts as: zero (the default: 0 s, in the mean
	// and the percentiles) or exclude (left out, as issue-metrics leaves
	// an issue that never carried the label out of its time in label).
	Absent string `yaml:"absent"`
}

// Filter selects complaints; every field given must match, a list matches
// any of its values, and Fields compares a mapped source field's value
// with the given one as text.
type Filter struct {
	Kind     []string          `yaml:"kind"`
	Category []string          `yaml:"category"`
	Channel  []string          `yaml:"channel"`
	Priority []string          `yaml:"priority"`
	Label    []string          `yaml:"label"`
	Fields   map[string]string `yaml:"fields"`
}

// Empty reports whether the filter selects everything.
func (f Filter) Empty() bool {
	return len(f.Kind)+len(f.Category)+len(f.Channel)+len(f.Priority)+len(f.Label)+len(f.Fields) == 0
}

// DeadlineMetric gives deadlines as rules; the first rule whose filters all
// match a complaint applies (a rule with no filter matches everything).
type DeadlineMetric struct {
	Deadlines []Deadline `yaml:"deadlines"`
	// SLA is whose verdict the metric takes: calendar (default: the
	// deadline rules on the team calendar) or source (the helpdesk's own
	// SLA record named SLAName, as JSM reports it; a complaint without one
	// is judged on the calendar). The other verdict is computed too and
	// the two are reconciled (docs/jira.md).
	SLA string `yaml:"sla"`
	// SLAName is the SLA record the metric reads: "Time to first response"
	// for response_rate and "Time to resolution" for resolution_sla_rate
	// by default.
	SLAName string `yaml:"sla_name"`
}

// Deadline is one deadline rule. Within is "24h", "30m", "60s" (wall clock
// unless Clock is business) or "3wd" (working days of the team calendar).
type Deadline struct {
	Priority []string `yaml:"priority"`
	Channel  []string `yaml:"channel"`
	Category []string `yaml:"category"`
	Within   string   `yaml:"within"`
	Clock    string   `yaml:"clock"`
}

// FTRMetric sets the thresholds of first-contact resolution (SPEC §13.8).
type FTRMetric struct {
	MaxReplies *int `yaml:"max_replies"` // default 1
	MaxReopens *int `yaml:"max_reopens"` // default 0
}

// EscalationMetric says what counts as escalated (SPEC §2, seed 003).
type EscalationMetric struct {
	// By lists the definitions that count: "event" (the source's escalation
	// event), "label:NAME", "team:ID" (transferred to that team),
	// "priority_increase". Default [event].
	By []string `yaml:"by"`
}

// RepeatMetric sets the repeat-complaint window (SPEC §13.9).
type RepeatMetric struct {
	Window string `yaml:"window"` // default 720h (30 days, wall clock)
}

// Scorecard is one scoring scheme: which metrics, how their values become
// points, with which weights, for which kinds of unit.
type Scorecard struct {
	ID string `yaml:"id"`
	// EffectiveFrom makes this entry a version of scorecard ID: a period
	// is scored with the version whose date is the latest on or before the
	// period's start ("2026-04-01" or "2026-04"), so recalibrating this
	// quarter leaves last year's scorecards as they were (SPEC §8). A
	// period before every version of an ID is not scored by it; an entry
	// without a date applies from the beginning.
	EffectiveFrom string   `yaml:"effective_from"`
	Name          string   `yaml:"name"`
	NameEN        string   `yaml:"name_en"`
	Units         []string `yaml:"units"` // agent, team, department, org
	// Primary makes this scorecard the one that decides the grade of the
	// units it covers (the grade distribution, the service star, gates on
	// final); the others are secondary for those units. At most one
	// scorecard ID may be primary for a kind of unit. Without one, the
	// first scorecard in config order that covers a kind is its primary.
	// Like every key, it belongs to one version (effective_from) of the
	// scorecard: a new version repeats it.
	Primary      bool    `yaml:"primary"`
	Weights      Weights `yaml:"weights"`
	Insufficient string  `yaml:"insufficient"` // neutral (default) or exclude
	Neutral      float64 `yaml:"neutral"`      // points for an insufficient metric, default 60
	Items        []Item  `yaml:"items"`
}

// Weights says where a scorecard's weights come from (SPEC §6).
type Weights struct {
	// Method is fixed (the items' weight), expert, ahp, entropy or
	// combined.
	Method string `yaml:"method"`
	// Normalize divides fixed weights by their sum. Seed 001's reference
	// weights add up to 110 %; with normalize they keep their proportions.
	Normalize bool `yaml:"normalize"`
	// Experts holds, for expert, one row per expert with one importance
	// score per item, in item order; the weights are the normalized means.
	Experts [][]float64 `yaml:"experts"`
	// Matrix is, for ahp, the pairwise comparison matrix over the items in
	// item order, on Saaty's 1–9 scale; cells may be written "1/3".
	Matrix [][]Ratio `yaml:"matrix"`
	// Entropy is the entropy method's normalization: sum (default) or
	// minmax. Items whose rule direction is lower count as lower-is-better.
	Entropy string `yaml:"entropy"`
	// Alpha and Subjective combine, for combined: α × subjective (fixed,
	// expert or ahp) + (1 − α) × entropy.
	Alpha      float64 `yaml:"alpha"`
	Subjective string  `yaml:"subjective"`
	// Categories makes the weights two-level: each category's weight times
	// the item's weight within its category.
	Categories map[string]float64 `yaml:"categories"`
}

// Ratio is a number that may be written as a fraction ("1/3").
type Ratio float64

// UnmarshalYAML reads 3, 0.5 or "1/3".
func (r *Ratio) UnmarshalYAML(n *yaml.Node) error {
	s := strings.TrimSpace(n.Value)
	if a, b, ok := strings.Cut(s, "/"); ok {
		x, err1 := parseFinite(strings.TrimSpace(a))
		y, err2 := parseFinite(strings.TrimSpace(b))
		if err1 != nil || err2 != nil || y == 0 || math.IsInf(x/y, 0) {
			return fmt.Errorf("line %d: %q is not a finite number or a fraction such as 1/3", n.Line, s)
		}
		*r = Ratio(x / y)
		return nil
	}
	x, err := parseFinite(s)
	if err != nil {
		return fmt.Errorf("line %d: %q is not a finite number or a fraction such as 1/3", n.Line, s)
	}
	*r = Ratio(x)
	return nil
}

// Item is one metric of a scorecard.
type Item struct {
	Metric   string  `yaml:"metric"`
	Category string  `yaml:"category"` // efficiency, quality, business, people
	Weight   float64 `yaml:"weight"`
	Rule     Rule    `yaml:"rule"`
}

// Rule maps a metric value to 0–100 points (SPEC §5). Target and Floor are
// numbers, or durations ("2h", "3wd") for duration metrics.
type Rule struct {
	Type      string  `yaml:"type"`      // linear, step, baseline, bands, change, bonus, deduction
	Direction string  `yaml:"direction"` // higher (default) or lower
	Target    Value   `yaml:"target"`
	Floor     Value   `yaml:"floor"`
	Step      Value   `yaml:"step"`
	Points    float64 `yaml:"points"`
	Baseline  Value   `yaml:"baseline"`
	Tolerance float64 `yaml:"tolerance"`
	// Bands maps thresholds to points; the first band the value reaches
	// applies (at_least for higher-is-better, at_most for lower).
	Bands []Band `yaml:"bands"`
	// Base and Cap bound the bonus rule: Base points plus Points for every
	// Step of improvement over the previous period, at most Cap (default 100).
	Base float64 `yaml:"base"`
	Cap  float64 `yaml:"cap"`
}

// Band is one row of a bands rule.
type Band struct {
	AtLeast Value   `yaml:"at_least"`
	AtMost  Value   `yaml:"at_most"`
	Points  float64 `yaml:"points"`
}

// Value is a number or a duration in config. Durations are stored in seconds
// after parsing; WorkingDays keeps "N wd" apart so the team calendar can
// turn it into business time.
type Value struct {
	Set         bool
	Number      float64
	WorkingDays float64
	Text        string
}

// Gate is a quality gate: a bound on one value of the latest complete
// month, for one unit or for each unit of a kind. A value that is missing
// or insufficient does not fail a gate; it is reported as such.
type Gate struct {
	Name string `yaml:"name"` // shown in messages; default the unit and metric
	// Unit is org (the default), department:ID, team:ID or agent:ID, or
	// departments, teams or agents for each unit of that kind.
	Unit string `yaml:"unit"`
	// Metric is a metric ID, or final for the final score.
	Metric string `yaml:"metric"`
	Min    Value  `yaml:"min"`
	Max    Value  `yaml:"max"`
}

// Grade is a band of final points with the action it carries (SPEC §7).
type Grade struct {
	ID       string  `yaml:"id"`
	Name     string  `yaml:"name"`
	NameEN   string  `yaml:"name_en"`
	Min      float64 `yaml:"min"`
	Action   string  `yaml:"action"`
	ActionEN string  `yaml:"action_en"`
}

// Site holds options of the generated site.
type Site struct {
	// Title is the site's title in Chinese (or the only title of a site
	// built in English alone); TitleEN the English one.
	Title   string `yaml:"title"`
	TitleEN string `yaml:"title_en"`
	// Languages are the languages the site is built in, each a whole site
	// with a switch on every page to the same page in the others: the
	// first at the site's root, each other in a folder of its name (en/).
	// Default zh and en. summary.md and kpidesk explain use the first.
	Languages []string `yaml:"languages"`
	// Language is the deprecated single-language setting: language: en is
	// languages: [en]. After Parse it is the first of Languages.
	Language string `yaml:"language"`
	// Names are the display names, per language, of the categories,
	// channels and kinds of contact a helpdesk reports by ID.
	Names SiteNames `yaml:"names"`
	// CategoryGroups sort categories into groups the site shows apart,
	// such as problems of use and problems of quality (seed 003): the
	// category Paretos colour each category by its group and give each
	// group's share. A category in no group is shown as ungrouped.
	CategoryGroups []CategoryGroup `yaml:"category_groups"`
	// Drilldown caps how many complaints a unit-period list shows; beyond
	// it the page points to evidence.jsonl and `kpidesk explain`.
	Drilldown int `yaml:"drilldown"`
	// ShowCustomers shows customer identities instead of pseudonyms.
	ShowCustomers bool `yaml:"show_customers"`
	// URL is where the site is published, an absolute http(s) URL
	// ("https://kpi.example.com/desk/"): summary.md links the site's index
	// and the unit pages under it. Empty for no links.
	URL string `yaml:"url"`

	// languageGiven and languagesGiven record what the file wrote, for
	// the check that it did not write both.
	languageGiven, languagesGiven bool
}

// SiteNames are display names by ID. A name missing in a language falls
// back to the site's own label for a well-known ID (email, suggestion),
// then to the ID itself.
type SiteNames struct {
	Categories map[string]Name `yaml:"categories"`
	Channels   map[string]Name `yaml:"channels"`
	Kinds      map[string]Name `yaml:"kinds"`
}

// CategoryGroup is a group of categories (site.category_groups).
type CategoryGroup struct {
	ID         string   `yaml:"id"`
	Name       Name     `yaml:"name"`
	Categories []string `yaml:"categories"`
}

// Name is a display name in each language of the site.
type Name struct {
	ZH string `yaml:"zh"`
	EN string `yaml:"en"`
}

// In returns the name in lang ("zh" or "en"), "" when it has none.
func (n Name) In(lang string) string {
	if lang == "en" {
		return n.EN
	}
	return n.ZH
}

// SiteLanguages are the languages a site can be built in.
var SiteLanguages = []string{"zh", "en"}
