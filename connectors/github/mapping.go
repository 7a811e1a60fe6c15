package github

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/kpidesk/kpidesk/connectors"
)

// Close reasons' meanings (Mapping.NotPlanned, Mapping.Duplicate).
const (
	// CloseResolved counts the close as a resolution like any other.
	CloseResolved = "resolved"
	// CloseExcluded keeps the issue but gives it the close reason as its
	// kind (not_planned, duplicate): the model has no per-complaint
	// exclusion, and only kind complaint counts toward complaint metrics
	// (SPEC §13.2), so it is counted and shown apart, with its reason.
	CloseExcluded = "excluded"
)

// Responders says whose comments can be a first response
// (Mapping.Responders).
const (
	// RespondersAgents: agents only (the default, SPEC §2).
	RespondersAgents = "agents"
	// RespondersAnyone: anyone but the issue's author and bots, as
	// github-community-projects/issue-metrics counts a response.
	RespondersAnyone = "anyone"
)

// DefaultAgentAssociations are the author_association values that make a
// commenter an agent: people with a role in the repository or its owner.
var DefaultAgentAssociations = []string{"OWNER", "MEMBER", "COLLABORATOR"}

// Prefixes are the label prefixes of the documented label scheme
// (docs/github.md): "cat:billing" sets the category to billing.
type Prefixes struct {
	Kind       string `yaml:"kind"`
	Category   string `yaml:"category"`
	Channel    string `yaml:"channel"`
	Priority   string `yaml:"priority"`
	Team       string `yaml:"team"`
	Department string `yaml:"department"`
	CSAT       string `yaml:"csat"`
}

// DefaultPrefixes is the documented label scheme.
var DefaultPrefixes = Prefixes{
	Kind: "kind:", Category: "cat:", Channel: "channel:", Priority: "priority:",
	Team: "team:", Department: "dept:", CSAT: "csat:",
}

// Mapping maps GitHub issues onto the common model.
type Mapping struct {
	// Source is the source name: the ID prefix.
	Source string
	// Prefixes are label prefixes; a zero field turns that prefix off.
	Prefixes Prefixes
	// Exact label maps, label name → value, looked up before prefixes.
	Kinds, Categories, Channels, Priorities, Teams, Departments map[string]string
	// IgnoreLabels need no mapping (good first issue, …): they are not
	// reported as unmapped.
	IgnoreLabels []string
	// EscalationLabels are labels whose addition is an escalation.
	EscalationLabels []string
	// EscalationTransfers makes a transfer into the repository an
	// escalation (issues moved from a public support repository to an
	// engineering one).
	EscalationTransfers bool
	// NotPlanned and Duplicate are CloseResolved (default) or
	// CloseExcluded.
	NotPlanned, Duplicate string
	// Agents and Bots are logins (case-insensitive) besides the rules.
	Agents, Bots []string
	// AgentAssociations are the author_association values of agents
	// (default [DefaultAgentAssociations]); an empty non-nil list makes
	// only Agents agents.
	AgentAssociations []string
	// Responders is RespondersAgents (default) or RespondersAnyone.
	Responders string
	// CSATCommand is the comment command by which the issue's author
	// rates (default "/csat"); CSATScale the scale (default 5).
	CSATCommand string
	CSATScale   float64
	// Channel is the channel of every issue without a channel label
	// (default "github").
	Channel string
	// ClockSkew is the clock-skew tolerance (SPEC §13.12).
	ClockSkew time.Duration
}

// ghUser, ghLabel, ghIssue and ghEvent are the parts of GitHub's issue and
// timeline JSON the mapping reads. They are kpidesk's own, not go-github's:
// v60's Timeline lacks author_association and state_reason, and decoding
// only these fields keeps a 50,000-issue sync fast.
type ghUser struct {
	Login string `json:"login"`
	Type  string `json:"type"`
}

type ghLabel struct {
	Name string `json:"name"`
}

type ghIssue struct {
	Number            int              `json:"number"`
	Title             string           `json:"title"`
	State             string           `json:"state"`
	StateReason       string           `json:"state_reason"`
	HTMLURL           string           `json:"html_url"`
	User              *ghUser          `json:"user"`
	Labels            []ghLabel        `json:"labels"`
	Assignee          *ghUser          `json:"assignee"`
	Comments          int              `json:"comments"`
	CreatedAt         time.Time        `json:"created_at"`
	UpdatedAt         time.Time        `json:"updated_at"`
	ClosedAt          *time.Time       `json:"closed_at"`
	AuthorAssociation string           `json:"author_association"`
	PullRequest       *json.RawMessage `json:"pull_request"`
}

type ghEvent struct {
	Event             string           `json:"event"`
	CreatedAt         *time.Time       `json:"created_at"`
	Actor             *ghUser          `json:"actor"`
	User              *ghUser          `json:"user"` // commented
	Label             *ghLabel         `json:"label"`
	Assignee          *ghUser          `json:"assignee"`
	StateReason       string           `json:"state_reason"`
	AuthorAssociation string           `json:"author_association"`
	Body              string           `json:"body"`
	PerformedVia      *json.RawMessage `json:"performed_via_github_app"`
}

// note is a data-quality finding on one issue.
type note struct {
	Field, Reason string
}

// isBot reports whether a user is automation: an account of type Bot, a
// login ending in [bot] (GitHub Apps' accounts), or a configured login.
func (m *Mapping) isBot(u *ghUser) bool {
	if u == nil {
		return false
	}
	return u.Type == "Bot" || strings.HasSuffix(strings.ToLower(u.Login), "[bot]") || containsFold(m.Bots, u.Login)
}

func containsFold(list []string, s string) bool {
	return slices.ContainsFunc(list, func(x string) bool { return strings.EqualFold(x, s) })
}

// login is a user's login; a deleted account ("ghost", or null) is
// "ghost".
func login(u *ghUser) string {
	if u == nil || u.Login == "" {
		return "ghost"
	}
	return u.Login
}

// roles decides the role of an actor on one issue.
type roles struct {
	m      *Mapping
	author string
	teams  map[string]bool // lower-case logins of agent teams' members
	assoc  map[string]string
}

// of returns the role of u acting on the issue: comment says whether the
// act is a comment (assoc is then its author_association), via whether it
// was performed through a GitHub App.
func (r *roles) of(u *ghUser, comment bool, assoc string, via bool) connectors.Role {
	name := login(u)
	switch {
	case via || r.m.isBot(u):
		return connectors.RoleBot
	case strings.EqualFold(name, r.author) || name == "ghost":
		// The author is never their own responder, whatever their role in
		// the repository; a deleted account is a customer (SPEC §2).
		return connectors.RoleCustomer
	case containsFold(r.m.Agents, name) || r.teams[strings.ToLower(name)]:
		return connectors.RoleAgent
	case comment && r.m.Responders == RespondersAnyone:
		return connectors.RoleAgent
	}
	if !comment {
		// Timeline events carry no author_association. Labelling,
		// assigning, closing or reopening someone else's issue needs
		// triage access, so the actor is staff unless their comments
		// here said otherwise.
		a, ok := r.assoc[strings.ToLower(name)]
		if !ok {
			return connectors.RoleAgent
		}
		assoc = a
	}
	if slices.Contains(r.m.agentAssociations(), strings.ToUpper(assoc)) {
		return connectors.RoleAgent
	}
	return connectors.RoleCustomer
}

func (m *Mapping) agentAssociations() []string {
	if m.AgentAssociations == nil {
		return DefaultAgentAssociations
	}
	return m.AgentAssociations
}

// Complaint maps one issue of repo ("owner/name") and its timeline.
// It returns an error for an issue it cannot map (no creation time, a
// clock skew beyond the tolerance), and notes on what it could not map.
func (m *Mapping) Complaint(repo string, is *ghIssue, timeline []ghEvent, teams map[string]bool) (connectors.Complaint, []note, error) {
	key := repo + "#" + strconv.Itoa(is.Number)
	if is.CreatedAt.IsZero() || is.Number <= 0 {
		return connectors.Complaint{}, nil, fmt.Errorf("issue %s has no number or creation time", key)
	}
	var notes []note
	author := login(is.User)
	c := connectors.Complaint{
		ID:        m.Source + ":" + key,
		Source:    m.Source,
		Key:       key,
		URL:       is.HTMLURL,
		Title:     is.Title,
		Kind:      connectors.KindComplaint,
		Channel:   m.Channel,
		Customer:  author,
		CreatedAt: is.CreatedAt.UTC(),
		UpdatedAt: is.UpdatedAt.UTC(),
	}
	if c.Channel == "" {
		c.Channel = "github"
	}
	if is.Assignee != nil {
		c.Assignee = is.Assignee.Login
	}
	for _, l := range is.Labels {
		c.Labels = append(c.Labels, l.Name)
	}

	r := &roles{m: m, author: author, teams: teams, assoc: map[string]string{}}
	for _, e := range timeline {
		if e.Event == "commented" && e.User != nil && e.AuthorAssociation != "" {
			r.assoc[strings.ToLower(e.User.Login)] = e.AuthorAssociation
		}
	}

	var (
		events      []connectors.Event
		priority    string // the priority label in force, for priority events
		assignee    string
		escalatedBy = map[string]bool{}
		labeled     = map[string]bool{} // labels on the issue after the timeline's label events, lower case
		csat        *connectors.CSAT
		closes      int
	)
	for _, e := range timeline {
		if e.CreatedAt == nil {
			continue // committed and similar items have no time
		}
		at := e.CreatedAt.UTC()
		via := e.PerformedVia != nil
		actor := e.Actor
		add := func(k connectors.EventKind, role connectors.Role, from, to string) {
			events = append(events, connectors.Event{At: at, Kind: k, Actor: login(actor), Role: role, From: from, To: to})
		}
		switch e.Event {
		case "commented":
			actor = e.User
			role := r.of(e.User, true, e.AuthorAssociation, via)
			events = append(events, connectors.Event{At: at, Kind: connectors.EventComment, Actor: login(e.User), Role: role, Public: true})
			if strings.EqualFold(login(e.User), author) && author != "ghost" {
				if v, ok, bad := m.csatCommand(e.Body); ok {
					csat = &connectors.CSAT{Value: v, Scale: m.scale(), At: at}
				} else if bad != "" {
					notes = append(notes, note{"csat", bad})
				}
			}
		case "labeled", "unlabeled":
			if e.Label == nil {
				continue
			}
			role := r.of(actor, false, "", via)
			name := e.Label.Name
			labeled[strings.ToLower(name)] = e.Event == "labeled"
			if e.Event == "unlabeled" {
				add(connectors.EventLabel, role, name, "")
				if p, ok := m.labelPriority(name); ok && p == priority {
					priority = ""
				}
				continue
			}
			add(connectors.EventLabel, role, "", name)
			if containsFold(m.EscalationLabels, name) {
				add(connectors.EventEscalated, role, "", name)
				escalatedBy[strings.ToLower(name)] = true
			}
			if p, ok := m.labelPriority(name); ok && p != priority {
				add(connectors.EventPriority, role, priority, p)
				priority = p
			}
			if v, ok := m.csatLabel(name); ok && slices.Contains(c.Labels, name) {
				csat = &connectors.CSAT{Value: v, Scale: m.scale(), At: at}
			}
		case "assigned", "unassigned":
			if e.Assignee == nil {
				continue
			}
			role := r.of(actor, false, "", via)
			if e.Event == "assigned" {
				add(connectors.EventAssignment, role, assignee, e.Assignee.Login)
				assignee = e.Assignee.Login
			} else {
				add(connectors.EventAssignment, role, e.Assignee.Login, "")
				if strings.EqualFold(assignee, e.Assignee.Login) {
					assignee = ""
				}
			}
		case "closed":
			role := r.of(actor, false, "", via)
			closes++
			add(connectors.EventStatus, role, "open", "closed")
			add(connectors.EventResolved, role, "open", "closed")
		case "reopened":
			role := r.of(actor, false, "", via)
			add(connectors.EventStatus, role, "closed", "open")
			add(connectors.EventReopened, role, "closed", "open")
		case "transferred":
			if m.EscalationTransfers {
				add(connectors.EventEscalated, r.of(actor, false, "", via), "", "transferred")
			}
		}
	}
	if is.State == "closed" && closes == 0 && is.ClosedAt != nil {
		// The timeline was not read (an untouched issue) or lost its
		// close: the issue's closed_at is the resolution.
		events = append(events, connectors.Event{At: is.ClosedAt.UTC(), Kind: connectors.EventResolved, Actor: "", Role: connectors.RoleAgent, From: "open", To: "closed"})
	}
	// A label the issue carries without a labeled event that put it there
	// (set when the issue was opened, or the timeline was not read: an
	// untouched issue) has carried it since creation, so that time in the
	// label counts from then.
	for _, l := range c.Labels {
		if !labeled[strings.ToLower(l)] {
			events = append(events, connectors.Event{At: c.CreatedAt, Kind: connectors.EventLabel, Actor: author, Role: connectors.RoleCustomer, To: l})
		}
	}
	// An escalation label set when the issue was opened, or whose labeled
	// event the timeline did not give, escalated it at creation.
	for _, l := range c.Labels {
		if containsFold(m.EscalationLabels, l) && !escalatedBy[strings.ToLower(l)] {
			events = append(events, connectors.Event{At: c.CreatedAt, Kind: connectors.EventEscalated, Actor: author, Role: connectors.RoleCustomer, To: l})
			escalatedBy[strings.ToLower(l)] = true
		}
	}
	slices.SortStableFunc(events, func(a, b connectors.Event) int { return a.At.Compare(b.At) })
	c.Events = events

	notes = append(notes, m.labels(&c)...)
	if csat == nil {
		// A csat:N label without its labeled event (timeline not read).
		for _, l := range c.Labels {
			if v, ok := m.csatLabel(l); ok {
				csat = &connectors.CSAT{Value: v, Scale: m.scale()}
			}
		}
	}
	c.CSAT = csat

	if is.State == "closed" && is.StateReason != "" {
		c.Fields = map[string]any{"state_reason": is.StateReason}
		switch {
		case is.StateReason == "not_planned" && m.NotPlanned == CloseExcluded:
			c.Kind = "not_planned"
		case is.StateReason == "duplicate" && m.Duplicate == CloseExcluded:
			c.Kind = "duplicate"
		}
	}

	connectors.Derive(c.Events).Apply(&c)
	for _, sk := range connectors.ClockSkews(&c) {
		if sk.Beyond(m.ClockSkew) {
			return connectors.Complaint{}, nil, fmt.Errorf("%s: %s: more than the clock-skew tolerance of %s", sk.Field, sk, m.ClockSkew)
		}
		notes = append(notes, note{sk.Field, fmt.Sprintf("clock skew: %s; its duration counts 0", sk)})
	}
	return c, notes, nil
}

func (m *Mapping) scale() float64 {
	if m.CSATScale > 0 {
		return m.CSATScale
	}
	return 5
}

// csatLabel reads a csat:N label.
func (m *Mapping) csatLabel(label string) (float64, bool) {
	p := m.Prefixes.CSAT
	if p == "" || !hasPrefixFold(label, p) {
		return 0, false
	}
	v, err := strconv.ParseFloat(strings.TrimSpace(label[len(p):]), 64)
	if err != nil || v < 1 || v > m.scale() {
		return 0, false
	}
	return v, true
}

// csatCommand reads a "/csat N" comment: ok with the rating, or bad
// saying why a command was not understood.
func (m *Mapping) csatCommand(body string) (v float64, ok bool, bad string) {
	cmd := m.CSATCommand
	if cmd == "" {
		cmd = "/csat"
	}
	line, _, _ := strings.Cut(strings.TrimSpace(body), "\n")
	f := strings.Fields(line)
	if len(f) == 0 || !strings.EqualFold(f[0], cmd) {
		return 0, false, ""
	}
	if len(f) < 2 {
		return 0, false, fmt.Sprintf("%s without a rating", cmd)
	}
	v, err := strconv.ParseFloat(strings.TrimSuffix(f[1], "/"+strconv.FormatFloat(m.scale(), 'f', -1, 64)), 64)
	if err != nil || v < 1 || v > m.scale() {
		return 0, false, fmt.Sprintf("%s %q is not a rating from 1 to %g", cmd, truncate(f[1], 20), m.scale())
	}
	return v, true, ""
}

// labelPriority maps a label to a normalized priority, if it names one.
func (m *Mapping) labelPriority(label string) (string, bool) {
	if p, ok := lookupFold(m.Priorities, label); ok {
		return p, true
	}
	if pre := m.Prefixes.Priority; pre != "" && hasPrefixFold(label, pre) {
		v := strings.ToLower(strings.TrimSpace(label[len(pre):]))
		if p, ok := lookupFold(m.Priorities, v); ok {
			return p, true
		}
		if slices.Contains(connectors.Priorities, v) {
			return v, true
		}
	}
	return "", false
}

// labels sets kind, category, channel, priority, team and department from
// c's labels (the first label that sets a field wins) and returns the
// labels it could not map.
func (m *Mapping) labels(c *connectors.Complaint) []note {
	var notes []note
	set := map[string]bool{}
	assign := func(field string, dst *string, v string) {
		if !set[field] && v != "" {
			*dst, set[field] = v, true
		}
	}
	for _, l := range c.Labels {
		switch {
		case containsFold(m.EscalationLabels, l), containsFold(m.IgnoreLabels, l):
			continue
		}
		if _, ok := m.csatLabel(l); ok {
			continue
		}
		if p, ok := m.labelPriority(l); ok {
			assign("priority", &c.Priority, p)
			continue
		}
		matched := false
		for _, f := range []struct {
			field  string
			dst    *string
			exact  map[string]string
			prefix string
			lower  bool
		}{
			{"kind", &c.Kind, m.Kinds, m.Prefixes.Kind, true},
			{"category", &c.Category, m.Categories, m.Prefixes.Category, false},
			{"channel", &c.Channel, m.Channels, m.Prefixes.Channel, true},
			{"team", &c.Team, m.Teams, m.Prefixes.Team, false},
			{"department", &c.Department, m.Departments, m.Prefixes.Department, false},
		} {
			if v, ok := lookupFold(f.exact, l); ok {
				assign(f.field, f.dst, v)
				matched = true
				break
			}
			if f.prefix != "" && hasPrefixFold(l, f.prefix) {
				v := strings.TrimSpace(l[len(f.prefix):])
				if f.lower {
					v = strings.ToLower(v)
				}
				if v == "" {
					break
				}
				assign(f.field, f.dst, v)
				matched = true
				break
			}
		}
		if matched {
			continue
		}
		if pre := m.Prefixes.Priority; pre != "" && hasPrefixFold(l, pre) {
			notes = append(notes, note{"labels", fmt.Sprintf("label %q names no priority: map it under priorities, or use urgent, high, normal or low", l)})
			continue
		}
		if pre := m.Prefixes.CSAT; pre != "" && hasPrefixFold(l, pre) {
			notes = append(notes, note{"csat", fmt.Sprintf("label %q is not a rating from 1 to %g", l, m.scale())})
			continue
		}
		notes = append(notes, note{"labels", fmt.Sprintf("unmapped label %q", l)})
	}
	return notes
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// lookupFold looks a label up in a map whose keys are label names,
// case-insensitively (GitHub label names are case-insensitive).
func lookupFold(m map[string]string, k string) (string, bool) {
	if v, ok := m[k]; ok {
		return v, true
	}
	for key, v := range m {
		if strings.EqualFold(key, k) {
			return v, true
		}
	}
	return "", false
}
