package jira

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/kpidesk/kpidesk/connectors"
	"github.com/kpidesk/kpidesk/internal/problem"
)

// TypeName is the Jira source's type in a config.
const TypeName = "jira"

// Settings is a Jira source's config section (docs/jira.md): Jira Service
// Management, Cloud or Data Center.
type Settings struct {
	BaseURL    string `yaml:"base_url"`
	Deployment string `yaml:"deployment"` // cloud, datacenter, or empty to detect
	// EmailEnv and TokenEnv name the environment variables that hold the
	// credentials (Cloud: email + API token; Data Center: a personal
	// access token in TokenEnv). The values never enter the config.
	EmailEnv    string   `yaml:"email_env"`
	TokenEnv    string   `yaml:"token_env"`
	Projects    []string `yaml:"projects"`
	JQL         string   `yaml:"jql"`
	Overlap     string   `yaml:"overlap"` // re-read window before the cursor, default 24h
	Concurrency int      `yaml:"concurrency"`
	// Mapping of Jira values onto the common model.
	ResolvedStatuses   []string          `yaml:"resolved_statuses"`
	Priorities         map[string]string `yaml:"priorities"`
	Bots               []string          `yaml:"bots"`
	EscalationLabels   []string          `yaml:"escalation_labels"`
	EscalationStatuses []string          `yaml:"escalation_statuses"`
	Kinds              map[string]string `yaml:"kinds"`
	Categories         map[string]string `yaml:"categories"`
	Channels           map[string]string `yaml:"channels"`
	Teams              map[string]string `yaml:"teams"`
	// KindFrom … TeamFrom say where kinds, categories, channels,
	// priorities and teams are looked up, in order: request_type,
	// components, labels, priority, a field ID (customfield_10050) or a
	// field name ("Contact channel"). See Mapping.Kinds.
	KindFrom          []string `yaml:"kind_from"`
	CategoryFrom      []string `yaml:"category_from"`
	ChannelFrom       []string `yaml:"channel_from"`
	PriorityFrom      []string `yaml:"priority_from"`
	TeamFrom          []string `yaml:"team_from"`
	OrganizationField string   `yaml:"organization_field"`
	// ParticipantsField is the JSM Request participants field (schema
	// custom sd-request-participants): its users are customers.
	ParticipantsField string `yaml:"participants_field"`
	// EscalationPriorityRaise makes a raise of the priority, in the
	// site's priority order (or PriorityOrder), an escalation event.
	EscalationPriorityRaise bool     `yaml:"escalation_priority_raise"`
	PriorityOrder           []string `yaml:"priority_order"`
	// SLAFields maps JSM SLA custom fields to their names
	// ({customfield_10034: Time to first response}); CSATField and
	// CSATDateField are the satisfaction fields. GET /rest/api/3/field
	// lists them (schema custom sd-sla-field, sd-request-feedback,
	// sd-request-feedback-date).
	SLAFields map[string]string `yaml:"sla_fields"`
	// RequestTypeField is the JSM request type custom field (schema custom
	// vp-origin); kinds, categories, channels and teams read its name
	// first unless their _from list says otherwise.
	RequestTypeField string `yaml:"request_type_field"`
	// CustomFields copies custom fields into the complaints' fields, for
	// custom metrics and filters: name → field ID.
	CustomFields map[string]string `yaml:"custom_fields"`
	// AgentGroups, when set, makes only the members of these Jira groups
	// agents; other accounts that are not bots are customers.
	AgentGroups []string `yaml:"agent_groups"`
	// Agents lists agents by account ID (Cloud) or username (Data
	// Center); with AgentGroups or alone, only they are agents.
	Agents []string `yaml:"agents"`
	// DiscoverFields finds the request type, SLA, satisfaction,
	// organization and request participants fields from the site's field
	// list at each sync, for those not named here.
	DiscoverFields bool `yaml:"discover_fields"`
	// FeedbackEndpoint asks JSM's request feedback endpoint for the rating
	// of resolved requests that the satisfaction field does not give.
	FeedbackEndpoint bool   `yaml:"feedback_endpoint"`
	CSATField        string `yaml:"csat_field"`
	CSATDateField    string `yaml:"csat_date_field"`
}

// minOverlap is the shortest overlap of a Jira source: the widest
// distance of a time zone from UTC.
const minOverlap = 14 * time.Hour

var envName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// Check checks a Jira source's section: where it is, how it authenticates
// (by environment variable names, never values) and its mapping.
func (s *Settings) Check(sec connectors.Section) problem.List {
	var ps problem.List
	add := func(field, format string, args ...any) { ps = append(ps, sec.Problem(field, format, args...)) }
	switch {
	case s.BaseURL == "":
		add("base_url", "a jira source needs base_url, such as https://example.atlassian.net")
	case !strings.HasPrefix(s.BaseURL, "https://") && !strings.HasPrefix(s.BaseURL, "http://"):
		add("base_url", "%q is not an http(s) URL", s.BaseURL)
	}
	if s.Deployment != "" && s.Deployment != "cloud" && s.Deployment != "datacenter" {
		add("deployment", "deployment must be cloud or datacenter (or left out to detect), not %q", s.Deployment)
	}
	if !envName.MatchString(s.TokenEnv) {
		add("token_env", "name the environment variable that holds the API token or personal access token, such as JIRA_TOKEN")
	}
	if s.EmailEnv != "" && !envName.MatchString(s.EmailEnv) {
		add("email_env", "%q is not an environment variable name", s.EmailEnv)
	}
	if s.Deployment == "cloud" && s.EmailEnv == "" {
		add("email_env", "Jira Cloud authenticates with an email and an API token: name the variable that holds the email")
	}
	if len(s.Projects) == 0 && s.JQL == "" {
		add("projects", "a jira source needs projects (or a jql filter)")
	}
	if s.Overlap != "" {
		d, err := time.ParseDuration(s.Overlap)
		switch {
		case err != nil || d < 0:
			add("overlap", "%q is not a duration such as 24h", s.Overlap)
		case d < minOverlap:
			// The bound is written in UTC and JQL reads it in the Jira
			// account's time zone: west of UTC a shorter overlap would
			// skip the updates of the hours in between, silently.
			add("overlap", "%s is too short: JQL reads the sync's time bound in the Jira account's time zone, up to 14h from UTC, so keep at least 14h (the default is 24h)", s.Overlap)
		}
	}
	for name, to := range s.Priorities {
		if !slices.Contains([]string{"urgent", "high", "normal", "low"}, to) {
			add("priorities."+name, "maps to %q; want urgent, high, normal or low", to)
		}
	}
	if s.Concurrency < 0 {
		add("concurrency", "must not be negative")
	}
	for _, f := range []struct {
		key  string
		list []string
		m    map[string]string
	}{
		{"kind_from", s.KindFrom, s.Kinds}, {"category_from", s.CategoryFrom, s.Categories},
		{"channel_from", s.ChannelFrom, s.Channels}, {"priority_from", s.PriorityFrom, nil},
		{"team_from", s.TeamFrom, s.Teams},
	} {
		for i, e := range f.list {
			if strings.TrimSpace(e) == "" {
				add(fmt.Sprintf("%s[%d]", f.key, i), "name request_type, components, labels, priority, a field ID such as customfield_10050 or a field name")
			}
		}
		if len(f.list) > 0 && len(f.m) == 0 && f.key != "priority_from" {
			plural := map[string]string{"kind_from": "kinds", "category_from": "categories", "channel_from": "channels", "team_from": "teams"}[f.key]
			add(f.key, "says where to read values that %s does not map: add %s", plural, plural)
		}
	}
	for name, to := range s.Kinds {
		if !slices.Contains([]string{connectors.KindComplaint, connectors.KindSuggestion, connectors.KindInquiry}, to) {
			add("kinds."+name, "maps to %q; want complaint, suggestion or inquiry", to)
		}
	}
	for i, a := range s.Agents {
		if strings.TrimSpace(a) == "" {
			add(fmt.Sprintf("agents[%d]", i), "empty: name an account ID (Cloud) or a username (Data Center)")
		}
	}
	if len(s.PriorityOrder) > 0 && !s.EscalationPriorityRaise {
		add("priority_order", "is read only with escalation_priority_raise: true")
	}
	return ps
}

// newFromSettings builds a Jira source from checked settings, reading its
// credentials from the environment variables they name. Their values go to
// the client only: never to errors, logs, the store or the site. It also
// returns the secrets to scrub from what the source returns (the token,
// and the email:token pair whose base64 is the Basic credential).
func newFromSettings(s *Settings, env connectors.Env) (connectors.Source, []string, error) {
	token := env.Lookup(s.TokenEnv)
	if token == "" {
		return nil, nil, fmt.Errorf("source %s: environment variable %s (token_env) is not set: export the API token or personal access token in it", env.Name, s.TokenEnv)
	}
	var email string
	if s.EmailEnv != "" {
		if email = env.Lookup(s.EmailEnv); email == "" {
			return nil, nil, fmt.Errorf("source %s: environment variable %s (email_env) is not set", env.Name, s.EmailEnv)
		}
	}
	secrets := []string{token}
	if email != "" {
		secrets = append(secrets, email+":"+token)
	}
	overlap := 24 * time.Hour
	if s.Overlap != "" {
		overlap, _ = time.ParseDuration(s.Overlap) // checked by Check
	}
	src, err := NewSource(SourceConfig{
		Name: env.Name,
		Client: Config{
			BaseURL:     s.BaseURL,
			Deployment:  s.Deployment,
			Email:       email,
			Token:       token,
			Concurrency: s.Concurrency,
			UserAgent:   env.UserAgent,
			OnRequest:   env.OnRequest,
			OnWait:      env.OnWait,
		},
		Projects:         s.Projects,
		AgentGroups:      s.AgentGroups,
		DiscoverFields:   s.DiscoverFields,
		FeedbackEndpoint: s.FeedbackEndpoint,
		JQL:              s.JQL,
		Overlap:          overlap,
		Mapping: Mapping{
			ResolvedStatuses:       s.ResolvedStatuses,
			Priorities:             s.Priorities,
			Bots:                   s.Bots,
			EscalationLabels:       s.EscalationLabels,
			EscalationStatuses:     s.EscalationStatuses,
			Kinds:                  s.Kinds,
			Categories:             s.Categories,
			Channels:               s.Channels,
			Teams:                  s.Teams,
			KindFrom:               s.KindFrom,
			CategoryFrom:           s.CategoryFrom,
			ChannelFrom:            s.ChannelFrom,
			PriorityFrom:           s.PriorityFrom,
			TeamFrom:               s.TeamFrom,
			Agents:                 s.Agents,
			AgentsOnly:             len(s.Agents) > 0,
			ParticipantsField:      s.ParticipantsField,
			PriorityRaiseEscalates: s.EscalationPriorityRaise,
			PriorityOrder:          s.PriorityOrder,
			OrganizationField:      s.OrganizationField,
			SLAFields:              s.SLAFields,
			CSATField:              s.CSATField,
			CSATDateField:          s.CSATDateField,
			RequestTypeField:       s.RequestTypeField,
			CustomFields:           s.CustomFields,
			ClockSkew:              env.ClockSkew,
		},
	})
	if err != nil {
		return nil, nil, err
	}
	return src, secrets, nil
}

func init() {
	connectors.Register(connectors.SourceType[Settings]{
		Name:  TypeName,
		Check: (*Settings).Check,
		New:   newFromSettings,
	})
}

// Problems returns what the last Fetch could not map, for the data-quality
// page (connectors.ProblemReporter): an unmapped value, a value outside
// the clock-skew tolerance, or an issue it skipped. Each is also on the
// Batch.Problems of the batch Fetch emitted it with, so the store keeps
// those of a Fetch that was cancelled.
func (s *Source) Problems() []connectors.Problem {
	us := s.Unmapped()
	out := make([]connectors.Problem, 0, len(us))
	for _, u := range us {
		out = append(out, u.problem())
	}
	return out
}

// problem is u as a data-quality problem, for the page and the store.
func (u Unmapped) problem() connectors.Problem {
	reason := fmt.Sprintf("unmapped value %q", u.Value)
	switch {
	case u.Field == UnmappedIssue:
		reason = "skipped: " + u.Value // the issue could not be read
	case u.Reason != "":
		reason = u.Reason
	}
	return connectors.Problem{Where: u.Key, Field: u.Field, Reason: reason}
}
