package github

import (
	"fmt"
	"maps"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/kpidesk/kpidesk/connectors"
	"github.com/kpidesk/kpidesk/internal/problem"
)

// TypeName is the GitHub source's type in a config.
const TypeName = "github"

// DefaultTokenEnv is the variable the token is read from by default: the
// one GitHub Actions workflows export their GITHUB_TOKEN in, by
// convention, so a workflow works as it is.
const DefaultTokenEnv = "GITHUB_TOKEN"

// Settings is a GitHub source's config section (docs/github.md).
type Settings struct {
	// Repos ("owner/name"), or Org with an optional Topic.
	Repos []string `yaml:"repos"`
	Org   string   `yaml:"org"`
	Topic string   `yaml:"topic"`
	// BaseURL is the REST API root: https://api.github.com by default,
	// https://HOST/api/v3 for GitHub Enterprise Server.
	BaseURL string `yaml:"base_url"`
	// TokenEnv names the variable holding the token (default GITHUB_TOKEN).
	TokenEnv string `yaml:"token_env"`
	// App authenticates as a GitHub App installation instead.
	App *AppSettings `yaml:"app"`

	Overlap     string `yaml:"overlap"`     // default 10m
	Concurrency int    `yaml:"concurrency"` // default 4
	MaxWait     string `yaml:"max_wait"`    // default 10m

	// Roles.
	Responders        string   `yaml:"responders"` // agents (default) or anyone
	Agents            []string `yaml:"agents"`
	AgentTeams        []string `yaml:"agent_teams"`
	AgentAssociations []string `yaml:"agent_associations"`
	Bots              []string `yaml:"bots"`

	// Label mapping.
	// LabelPrefixes overrides prefixes of the documented scheme by field
	// (kind, category, channel, priority, team, department, csat); an
	// empty prefix turns that field's prefix off.
	LabelPrefixes       map[string]string `yaml:"label_prefixes"`
	Kinds               map[string]string `yaml:"kinds"`
	Categories          map[string]string `yaml:"categories"`
	Channels            map[string]string `yaml:"channels"`
	Priorities          map[string]string `yaml:"priorities"`
	Teams               map[string]string `yaml:"teams"`
	Departments         map[string]string `yaml:"departments"`
	IgnoreLabels        []string          `yaml:"ignore_labels"`
	EscalationLabels    []string          `yaml:"escalation_labels"`
	EscalationTransfers bool              `yaml:"escalation_transfers"`
	NotPlanned          string            `yaml:"not_planned"` // resolved (default) or excluded
	Duplicate           string            `yaml:"duplicate"`   // resolved (default) or excluded
	Channel             string            `yaml:"channel"`     // default github
	CSATCommand         string            `yaml:"csat_command"`
	CSATScale           float64           `yaml:"csat_scale"`
}

// AppSettings is GitHub App installation authentication: the App's ID,
// the installation's ID, and the variable holding the App's PEM private
// key (never the key itself).
type AppSettings struct {
	AppID          int64  `yaml:"app_id"`
	InstallationID int64  `yaml:"installation_id"`
	PrivateKeyEnv  string `yaml:"private_key_env"`
}

var (
	envName    = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	validAssoc = []string{"OWNER", "MEMBER", "COLLABORATOR", "CONTRIBUTOR", "FIRST_TIME_CONTRIBUTOR", "FIRST_TIMER", "MANNEQUIN", "NONE"}
)

// Check checks a GitHub source's section.
func (s *Settings) Check(sec connectors.Section) problem.List {
	var ps problem.List
	add := func(field, format string, args ...any) { ps = append(ps, sec.Problem(field, format, args...)) }
	switch {
	case len(s.Repos) == 0 && s.Org == "":
		add("repos", "a github source needs repos (owner/name) or an org")
	case len(s.Repos) > 0 && s.Org != "":
		add("org", "give repos or org, not both")
	}
	for i, r := range s.Repos {
		if !repoName.MatchString(r) {
			add(fmt.Sprintf("repos[%d]", i), "%q is not a repository as owner/name", r)
		}
	}
	if s.Org != "" && !ownerRe.MatchString(s.Org) {
		add("org", "%q is not an organization login", s.Org)
	}
	if s.Topic != "" && s.Org == "" {
		add("topic", "topic selects among an org's repositories: set org")
	}
	if s.BaseURL != "" {
		u, err := url.Parse(s.BaseURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			add("base_url", "%q is not an http(s) URL; GitHub Enterprise Server's is https://HOST/api/v3", s.BaseURL)
		} else if u.User != nil {
			add("base_url", "must not contain credentials: name them with token_env")
		}
	}
	if s.TokenEnv != "" && !envName.MatchString(s.TokenEnv) {
		add("token_env", "%q is not an environment variable name", s.TokenEnv)
	}
	if a := s.App; a != nil {
		if a.AppID <= 0 {
			add("app.app_id", "the GitHub App's numeric ID (its settings page shows it)")
		}
		if a.InstallationID <= 0 {
			add("app.installation_id", "the installation's numeric ID (the last part of its settings URL)")
		}
		if !envName.MatchString(a.PrivateKeyEnv) {
			add("app.private_key_env", "name the environment variable that holds the App's PEM private key")
		}
		if s.TokenEnv != "" {
			add("token_env", "give token_env or app, not both")
		}
	}
	dur := func(field, v string, min time.Duration) {
		if v == "" {
			return
		}
		d, err := time.ParseDuration(v)
		switch {
		case err != nil || d < 0:
			add(field, "%q is not a duration such as 10m", v)
		case d < min:
			add(field, "%s is too short: at least %s", v, min)
		}
	}
	// GitHub compares since to the second; a second of overlap re-reads
	// the issues that share the cursor's second.
	dur("overlap", s.Overlap, time.Second)
	dur("max_wait", s.MaxWait, 0)
	if s.Concurrency < 0 {
		add("concurrency", "must not be negative")
	}
	if s.Responders != "" && s.Responders != RespondersAgents && s.Responders != RespondersAnyone {
		add("responders", "must be agents or anyone (anyone but the issue's author and bots), not %q", s.Responders)
	}
	for i, t := range s.AgentTeams {
		if !repoName.MatchString(t) {
			add(fmt.Sprintf("agent_teams[%d]", i), "%q is not org/team-slug", t)
		}
	}
	for i, a := range s.AgentAssociations {
		if !slices.Contains(validAssoc, strings.ToUpper(a)) {
			add(fmt.Sprintf("agent_associations[%d]", i), "%q is not an author_association (%s)", a, strings.Join(validAssoc, ", "))
		}
	}
	for _, name := range slices.Sorted(maps.Keys(s.Priorities)) {
		if to := s.Priorities[name]; !slices.Contains(connectors.Priorities, to) {
			add("priorities."+name, "maps to %q; want urgent, high, normal or low", to)
		}
	}
	for _, c := range []struct{ field, v string }{{"not_planned", s.NotPlanned}, {"duplicate", s.Duplicate}} {
		if c.v != "" && c.v != CloseResolved && c.v != CloseExcluded {
			add(c.field, "must be resolved or excluded, not %q", c.v)
		}
	}
	var probe Prefixes
	for _, field := range slices.Sorted(maps.Keys(s.LabelPrefixes)) {
		if probe.field(field) == nil {
			add("label_prefixes."+field, "is not kind, category, channel, priority, team, department or csat")
		}
	}
	if s.CSATScale < 0 {
		add("csat_scale", "must be positive")
	}
	return ps
}

// newFromSettings builds a GitHub source from checked settings, reading
// its credential from the environment variable it names.
func newFromSettings(s *Settings, env connectors.Env) (connectors.Source, []string, error) {
	cfg := Config{
		BaseURL:     s.BaseURL,
		Concurrency: s.Concurrency,
		UserAgent:   env.UserAgent,
		OnRequest:   env.OnRequest,
		OnWait:      env.OnWait,
	}
	var secrets []string
	if a := s.App; a != nil {
		pem := env.Lookup(a.PrivateKeyEnv)
		if pem == "" {
			return nil, nil, fmt.Errorf("source %s: environment variable %s (app.private_key_env) is not set: export the GitHub App's PEM private key in it", env.Name, a.PrivateKeyEnv)
		}
		key, err := ParsePrivateKey([]byte(pem))
		if err != nil {
			return nil, nil, fmt.Errorf("source %s: %s: %w", env.Name, a.PrivateKeyEnv, err)
		}
		cfg.App = &AppAuth{AppID: a.AppID, InstallationID: a.InstallationID, PrivateKey: key}
		cfg.Credential = fmt.Sprintf("GitHub App %d installation %d", a.AppID, a.InstallationID)
		secrets = append(secrets, pem)
	} else {
		name := s.TokenEnv
		if name == "" {
			name = DefaultTokenEnv
		}
		token := env.Lookup(name)
		if token == "" {
			return nil, nil, fmt.Errorf("source %s: environment variable %s (token_env) is not set: export a GitHub token in it (in a workflow: env: %s: ${{ secrets.GITHUB_TOKEN }})", env.Name, name, name)
		}
		cfg.Token = token
		cfg.Credential = "token in " + name
		secrets = append(secrets, token)
	}
	if s.MaxWait != "" {
		cfg.MaxWait, _ = time.ParseDuration(s.MaxWait) // checked by Check
	}
	var overlap time.Duration
	if s.Overlap != "" {
		overlap, _ = time.ParseDuration(s.Overlap)
	}
	prefixes := DefaultPrefixes
	for field, p := range s.LabelPrefixes {
		if dst := prefixes.field(field); dst != nil {
			*dst = p
		}
	}
	var assoc []string
	if s.AgentAssociations != nil {
		assoc = []string{}
		for _, a := range s.AgentAssociations {
			assoc = append(assoc, strings.ToUpper(a))
		}
	}
	src, err := NewSource(SourceConfig{
		Name:       env.Name,
		Client:     cfg,
		Repos:      s.Repos,
		Org:        s.Org,
		Topic:      s.Topic,
		AgentTeams: s.AgentTeams,
		Overlap:    overlap,
		Mapping: Mapping{
			Prefixes:            prefixes,
			Kinds:               s.Kinds,
			Categories:          s.Categories,
			Channels:            s.Channels,
			Priorities:          s.Priorities,
			Teams:               s.Teams,
			Departments:         s.Departments,
			IgnoreLabels:        s.IgnoreLabels,
			EscalationLabels:    s.EscalationLabels,
			EscalationTransfers: s.EscalationTransfers,
			NotPlanned:          s.NotPlanned,
			Duplicate:           s.Duplicate,
			Agents:              s.Agents,
			Bots:                s.Bots,
			AgentAssociations:   assoc,
			Responders:          s.Responders,
			CSATCommand:         s.CSATCommand,
			CSATScale:           s.CSATScale,
			Channel:             s.Channel,
			ClockSkew:           env.ClockSkew,
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

// field returns the prefix of a field by its config name, or nil.
func (p *Prefixes) field(name string) *string {
	switch name {
	case "kind":
		return &p.Kind
	case "category":
		return &p.Category
	case "channel":
		return &p.Channel
	case "priority":
		return &p.Priority
	case "team":
		return &p.Team
	case "department":
		return &p.Department
	case "csat":
		return &p.CSAT
	}
	return nil
}
