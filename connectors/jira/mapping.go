package jira

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/kpidesk/kpidesk/connectors"
)

// Mapping turns raw Jira issues, changelog histories and comments into
// connectors.Complaint values. It is pure: no HTTP, no clock, no state.
//
// Lookups by name (statuses, priorities, labels, request types,
// components) are case-insensitive.
type Mapping struct {
	// Source is the configured source name, used as the ID prefix:
	// "jira" gives "jira:SD-12".
	Source string
	// BaseURL is the site URL; Complaint.URL is BaseURL + "/browse/" + key.
	BaseURL string
	// ResolvedStatuses are the status names that mean resolved. When
	// empty, DefaultResolvedStatuses is used. The issue's current status
	// also counts as resolved when its statusCategory is "done", and so
	// does any changelog item that carries a "done" status category.
	ResolvedStatuses []string
	// Priorities maps Jira priority names to urgent|high|normal|low,
	// overriding DefaultPriorities.
	Priorities map[string]string
	// Bots lists account IDs or names that are bots. accountType "app" is
	// always a bot.
	Bots []string
	// AgentsOnly, when true, makes only the accounts listed in Agents
	// agents: any other account that is neither a bot nor a customer by the
	// rules above becomes a customer. The Source sets both from
	// SourceConfig.AgentGroups on every Fetch.
	AgentsOnly bool
	// Agents lists the account IDs, names, keys or emails of the agents,
	// used when AgentsOnly is true.
	Agents []string
	// EscalationLabels: adding one of these labels escalates.
	EscalationLabels []string
	// EscalationStatuses: a transition into one of these statuses escalates.
	EscalationStatuses []string
	// Kinds maps a request type name, component or label to
	// complaint|suggestion|inquiry. Unmatched issues are complaints.
	//
	// Kinds and Categories are each looked up in this order, the first
	// match winning: the request type name, then the components (in the
	// issue's order), then the labels (in the issue's order). A request
	// type name that is in neither map, when at least one of them is
	// non-empty, is reported as Unmapped{Field: "request type"}.
	Kinds map[string]string
	// Categories maps a request type name, component or label to a
	// category, in the order described at Kinds.
	Categories map[string]string
	// RequestTypeField is the ID of the JSM request type custom field
	// (schema.custom com.atlassian.servicedesk:vp-origin, e.g.
	// "customfield_10010"; [DiscoverFields] finds it). Its value is
	// {"requestType": {"id": "7", "name": "Refund request", ...}, ...};
	// {"name": ...} and a plain string are accepted too. The name goes to
	// Complaint.Fields["request_type"] and is matched in Kinds and
	// Categories. When empty, the request type is looked for by shape
	// ({"requestType": {"name": ...}}) among the customfield_* values the
	// search returned (see SourceConfig.Fields).
	RequestTypeField string
	// OrganizationField is the ID of the JSM Organizations custom field
	// (schema.custom com.atlassian.servicedesk:sd-customer-organizations,
	// e.g. "customfield_10002"), found through /rest/api/3/field. When
	// empty, Organization is left empty.
	OrganizationField string
	// SLAFields maps the IDs of the JSM SLA custom fields (schema.custom
	// com.atlassian.servicedesk:sd-sla-field) to SLA names, e.g.
	// "customfield_10034" → "Time to first response". Each present value
	// becomes one Complaint.SLA; a missing or null value is no SLA.
	SLAFields map[string]string
	// CSATField is the ID of the JSM satisfaction field (schema.custom
	// com.atlassian.servicedesk:sd-request-feedback, value {"rating": 1..5,
	// "comment": {"body": ...}}); CSATDateField the satisfaction date
	// (…:sd-request-feedback-date). Without a date, the resolution date
	// is used. [DiscoverFields] finds all three.
	CSATField, CSATDateField string
	// CustomFields copies custom fields into Complaint.Fields for custom
	// metrics: name → field ID ({refund_dispute: customfield_10100}). A
	// value is kept as text, number or bool; an option or a user becomes its
	// value or name.
	CustomFields map[string]string
	// ClockSkew is how far before the issue's creation a first response,
	// resolution, escalation or changelog entry may lie (SPEC §13.12): such
	// an issue is mapped, its durations count 0, and the skew is reported
	// as an Unmapped with a Reason; beyond it the issue is rejected (Fetch
	// skips it and reports it as [UnmappedIssue]), as `kpidesk import`
	// refuses the line. Zero tolerates none; kpidesk passes the config's
	// import.clock_skew (default [connectors.DefaultClockSkew]).
	ClockSkew time.Duration
}

// Unmapped is what the mapping reports for the data-quality page: a value
// it did not know (Value), or, with Reason set, a problem of the issue's
// data that did not stop it, such as a clock skew; Value is then empty.
// It is the mapping's structured finding (tests and the deduplication in
// Fetch compare its parts); [Source.Problems] turns it into the
// data-quality [connectors.Problem] the store keeps.
type Unmapped struct{ Field, Value, Key, Reason string }

// DefaultResolvedStatuses are used when Mapping.ResolvedStatuses is empty.
var DefaultResolvedStatuses = []string{"Done", "Resolved", "Closed"}

// DefaultPriorities maps Jira's stock priority names.
var DefaultPriorities = map[string]string{
	"highest":  connectors.PriorityUrgent,
	"blocker":  connectors.PriorityUrgent,
	"critical": connectors.PriorityUrgent,
	"high":     connectors.PriorityHigh,
	"major":    connectors.PriorityHigh,
	"medium":   connectors.PriorityNormal,
	"low":      connectors.PriorityLow,
	"minor":    connectors.PriorityLow,
	"lowest":   connectors.PriorityLow,
	"trivial":  connectors.PriorityLow,
}

// jiraLayouts are tried in order by parseJiraTime. Go accepts a fractional
// second after the seconds field even when the layout has none, and Z0700
// accepts both "Z" and "+0100".
var jiraLayouts = []string{
	"2006-01-02T15:04:05Z0700", // Jira platform: 2022-07-15T09:19:44.990+0000, JSM iso8601 without millis
	time.RFC3339Nano,           // 2022-07-15T09:19:44.99+01:00, ...Z
}

// parseJiraTime parses Jira's timestamps ("2022-07-15T09:19:44.990+0000",
// "+0100", no millis, or RFC 3339) into UTC. An empty string is the zero time.
func parseJiraTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	for _, l := range jiraLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("jira: unrecognised timestamp %q", s)
}

// user is a Jira user as it appears on issues, histories and comments:
// Cloud has accountId, Server/Data Center has name (and key).
type user struct {
	AccountID    string `json:"accountId"`
	Name         string `json:"name"`
	Key          string `json:"key"`
	EmailAddress string `json:"emailAddress"`
	AccountType  string `json:"accountType"`
}

func (u *user) id() string {
	if u == nil {
		return ""
	}
	return cmp.Or(u.AccountID, u.Name, u.Key)
}

type named struct {
	Name string `json:"name"`
}

type rawIssue struct {
	Key    string                     `json:"key"`
	Fields map[string]json.RawMessage `json:"fields"`
	// Changelog and comments embedded in a search result, used only when
	// the caller passes none (they may be partial).
	Changelog *struct {
		Histories []json.RawMessage `json:"histories"`
	} `json:"changelog"`
}

type issueFields struct {
	Summary        string `json:"summary"`
	Created        string `json:"created"`
	Updated        string `json:"updated"`
	ResolutionDate string `json:"resolutiondate"`
	Status         *struct {
		ID             string `json:"id"`
		Name           string `json:"name"`
		StatusCategory *struct {
			Key string `json:"key"`
		} `json:"statusCategory"`
	} `json:"status"`
	Priority   *named   `json:"priority"`
	Assignee   *user    `json:"assignee"`
	Reporter   *user    `json:"reporter"`
	Components []named  `json:"components"`
	Labels     []string `json:"labels"`
	Comment    *struct {
		Comments []json.RawMessage `json:"comments"`
	} `json:"comment"`
}

type history struct {
	ID      string    `json:"id"`
	Author  *user     `json:"author"`
	Created string    `json:"created"`
	Items   []histItm `json:"items"`
	at      time.Time
}

type histItm struct {
	Field      string  `json:"field"`
	FieldID    string  `json:"fieldId"`
	From       *string `json:"from"`
	FromString *string `json:"fromString"`
	To         *string `json:"to"`
	ToString   *string `json:"toString"`
	// Not in Atlassian's changelog today; honoured when present.
	ToStatusCategory   string `json:"toStatusCategory"`
	FromStatusCategory string `json:"fromStatusCategory"`
	TmpFromAccountID   string `json:"tmpFromAccountId"`
	TmpToAccountID     string `json:"tmpToAccountId"`
}

type comment struct {
	ID         string `json:"id"`
	Author     *user  `json:"author"`
	Created    string `json:"created"`
	JSDPublic  *bool  `json:"jsdPublic"`
	Properties []struct {
		Key   string `json:"key"`
		Value struct {
			Internal *bool `json:"internal"`
		} `json:"value"`
	} `json:"properties"`
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// foldSet is a case-insensitive set of names.
type foldSet map[string]bool

func newFoldSet(names ...[]string) foldSet {
	s := foldSet{}
	for _, ns := range names {
		for _, n := range ns {
			if n = strings.TrimSpace(n); n != "" {
				s[strings.ToLower(n)] = true
			}
		}
	}
	return s
}

func (s foldSet) has(n string) bool { return n != "" && s[strings.ToLower(n)] }

// foldGet looks name up in m case-insensitively (exact match first).
func foldGet(m map[string]string, name string) (string, bool) {
	if name == "" {
		return "", false
	}
	if v, ok := m[name]; ok {
		return v, true
	}
	for k, v := range m {
		if strings.EqualFold(k, name) {
			return v, true
		}
	}
	return "", false
}

// mapper carries the state of one Complaint call.
type mapper struct {
	m        Mapping
	key      string
	reporter string
	bots     foldSet
	agents   foldSet
	resolved foldSet // status names
	resIDs   map[string]bool
	escLab   foldSet
	escStat  foldSet
	unmapped []Unmapped
}

func (mp *mapper) unknown(field, value string) {
	u := Unmapped{Field: field, Value: value, Key: mp.key}
	if !slices.Contains(mp.unmapped, u) {
		mp.unmapped = append(mp.unmapped, u)
	}
}

// role applies the role rules: the reporter and portal-only accounts are
// customers, app accounts and configured bots are bots, the rest agents
// (with Mapping.AgentsOnly, only the listed agents; the others customers).
// A change with no author (Jira itself) is a bot's.
func (mp *mapper) role(u *user) connectors.Role {
	switch {
	case u == nil || u.id() == "":
		return connectors.RoleBot
	case mp.reporter != "" && u.id() == mp.reporter:
		return connectors.RoleCustomer
	case strings.EqualFold(u.AccountType, "customer"):
		return connectors.RoleCustomer
	case strings.EqualFold(u.AccountType, "app"),
		mp.bots.has(u.AccountID), mp.bots.has(u.Name), mp.bots.has(u.Key), mp.bots.has(u.EmailAddress):
		return connectors.RoleBot
	case mp.m.AgentsOnly && !mp.agents.has(u.AccountID) && !mp.agents.has(u.Name) &&
		!mp.agents.has(u.Key) && !mp.agents.has(u.EmailAddress):
		return connectors.RoleCustomer
	}
	return connectors.RoleAgent
}

// priority maps a Jira priority name, reporting unknown names.
func (mp *mapper) priority(name string) string {
	if name == "" {
		return ""
	}
	p, ok := foldGet(mp.m.Priorities, name)
	if !ok {
		p, ok = DefaultPriorities[strings.ToLower(name)]
	}
	if !ok || !slices.Contains(connectors.Priorities, p) {
		mp.unknown("priority", name)
		return ""
	}
	return p
}

func (mp *mapper) isResolvedStatus(id, name, category string) bool {
	if category != "" {
		return strings.EqualFold(category, "done")
	}
	return (id != "" && mp.resIDs[id]) || mp.resolved.has(name)
}

// Complaint maps one issue (a search result object), its full changelog
// histories (any order) and its comments onto the common model. When
// histories or comments is empty, the changelog or comments embedded in
// the issue, if any, are used instead. Unknown values are returned as
// Unmapped, not dropped silently.
func (m Mapping) Complaint(issue json.RawMessage, histories []json.RawMessage, comments []json.RawMessage) (connectors.Complaint, []Unmapped, error) {
	var ri rawIssue
	if err := json.Unmarshal(issue, &ri); err != nil {
		return connectors.Complaint{}, nil, fmt.Errorf("jira: decode issue: %w", err)
	}
	if ri.Key == "" {
		return connectors.Complaint{}, nil, errors.New("jira: issue has no key")
	}
	var typed struct {
		Fields issueFields `json:"fields"`
	}
	if err := json.Unmarshal(issue, &typed); err != nil {
		return connectors.Complaint{}, nil, fmt.Errorf("jira: decode fields of %s: %w", ri.Key, err)
	}
	f := typed.Fields
	wrap := func(err error) error { return fmt.Errorf("jira: %s: %w", ri.Key, err) }

	mp := &mapper{
		m:       m,
		key:     ri.Key,
		bots:    newFoldSet(m.Bots),
		agents:  newFoldSet(m.Agents),
		resIDs:  map[string]bool{},
		escLab:  newFoldSet(m.EscalationLabels),
		escStat: newFoldSet(m.EscalationStatuses),
	}
	if len(m.ResolvedStatuses) > 0 {
		mp.resolved = newFoldSet(m.ResolvedStatuses)
	} else {
		mp.resolved = newFoldSet(DefaultResolvedStatuses)
	}
	if s := f.Status; s != nil && s.StatusCategory != nil && strings.EqualFold(s.StatusCategory.Key, "done") {
		mp.resolved[strings.ToLower(s.Name)] = true
		if s.ID != "" {
			mp.resIDs[s.ID] = true
		}
	}
	if f.Reporter != nil {
		mp.reporter = f.Reporter.id()
	}

	c := connectors.Complaint{
		ID:     m.Source + ":" + ri.Key,
		Source: m.Source,
		Key:    ri.Key,
		Title:  f.Summary,
		Labels: slices.Clone(f.Labels),
	}
	if m.BaseURL != "" {
		c.URL = strings.TrimRight(m.BaseURL, "/") + "/browse/" + ri.Key
	}
	for _, comp := range f.Components {
		if comp.Name != "" {
			c.Components = append(c.Components, comp.Name)
		}
	}
	if f.Priority != nil {
		c.Priority = mp.priority(f.Priority.Name)
	}
	if f.Assignee != nil {
		c.Assignee = f.Assignee.id()
	}
	if r := f.Reporter; r != nil {
		c.Customer = cmp.Or(r.AccountID, r.EmailAddress, r.Name, r.Key)
	}
	var err error
	if c.CreatedAt, err = parseJiraTime(f.Created); err != nil {
		return connectors.Complaint{}, nil, wrap(err)
	}
	if c.UpdatedAt, err = parseJiraTime(f.Updated); err != nil {
		return connectors.Complaint{}, nil, wrap(err)
	}
	resolutionDate, err := parseJiraTime(f.ResolutionDate)
	if err != nil {
		return connectors.Complaint{}, nil, wrap(err)
	}
	c.Organization = organization(ri.Fields[m.OrganizationField])
	mp.slaAndCSAT(&c, ri.Fields, resolutionDate)
	rtField := unmappedRequestTypeLegacy
	rt := requestTypeName(ri.Fields)
	if m.RequestTypeField != "" {
		rtField = UnmappedRequestType
		rt = requestTypeValue(ri.Fields[m.RequestTypeField])
	}
	if rt != "" {
		c.Fields = map[string]any{"request_type": rt}
	}
	for name, id := range m.CustomFields {
		if v, ok := customValue(ri.Fields[id]); ok {
			if c.Fields == nil {
				c.Fields = map[string]any{}
			}
			c.Fields[name] = v
		}
	}
	mp.classify(&c, rt, rtField)

	if len(histories) == 0 && ri.Changelog != nil {
		histories = ri.Changelog.Histories
	}
	if len(comments) == 0 && f.Comment != nil {
		comments = f.Comment.Comments
	}
	events, err := mp.historyEvents(histories)
	if err != nil {
		return connectors.Complaint{}, nil, wrap(err)
	}
	cevents, err := mp.commentEvents(comments)
	if err != nil {
		return connectors.Complaint{}, nil, wrap(err)
	}
	events = append(events, cevents...)
	slices.SortStableFunc(events, func(a, b connectors.Event) int { return a.At.Compare(b.At) })
	events = mp.fallbacks(events, c, resolutionDate)

	c.Events = events
	connectors.Derive(events).Apply(&c)
	// An instant before creation is clock skew between Jira's nodes or an
	// import into Jira (SPEC §13.12), checked as `kpidesk import` checks it.
	for _, sk := range connectors.ClockSkews(&c) {
		if sk.Beyond(m.ClockSkew) {
			return connectors.Complaint{}, nil, wrap(fmt.Errorf("%s: %s: more than the clock-skew tolerance of %s", sk.Field, sk, m.ClockSkew))
		}
		mp.unmapped = append(mp.unmapped, Unmapped{Field: sk.Field, Key: ri.Key, Reason: fmt.Sprintf("clock skew: %s; its duration counts 0", sk)})
	}
	return c, mp.unmapped, nil
}

// fallbacks adds what the changelog does not show: a resolution at
// resolutiondate when the changelog leaves the issue unresolved (no
// transition seen, or a partial changelog), and an escalation at creation
// when an escalation label is on the issue but was never added in the
// changelog (it was set at creation). Neither has an author, so both are
// Jira's own: a bot's, as role says of a change without one.
func (mp *mapper) fallbacks(events []connectors.Event, c connectors.Complaint, resolutionDate time.Time) []connectors.Event {
	if !resolutionDate.IsZero() {
		d := connectors.Derive(events)
		var lastReopen time.Time
		for _, e := range events {
			if e.Kind == connectors.EventReopened {
				lastReopen = e.At
			}
		}
		if d.ResolvedAt.IsZero() && !resolutionDate.Before(lastReopen) {
			events = append(events, connectors.Event{At: resolutionDate, Kind: connectors.EventResolved, Role: connectors.RoleBot})
		}
	}
	if !c.CreatedAt.IsZero() && !slices.ContainsFunc(events, func(e connectors.Event) bool { return e.Kind == connectors.EventEscalated }) {
		if slices.ContainsFunc(c.Labels, mp.escLab.has) {
			events = append(events, connectors.Event{At: c.CreatedAt, Kind: connectors.EventEscalated, Role: connectors.RoleBot})
		}
	}
	slices.SortStableFunc(events, func(a, b connectors.Event) int { return a.At.Compare(b.At) })
	return events
}

// historyEvents turns changelog histories into events, oldest first.
func (mp *mapper) historyEvents(raws []json.RawMessage) ([]connectors.Event, error) {
	hs := make([]history, 0, len(raws))
	for _, r := range raws {
		var h history
		if err := json.Unmarshal(r, &h); err != nil {
			return nil, fmt.Errorf("decode changelog history: %w", err)
		}
		t, err := parseJiraTime(h.Created)
		if err != nil {
			return nil, fmt.Errorf("changelog history %s: %w", h.ID, err)
		}
		h.at = t
		hs = append(hs, h)
	}
	slices.SortStableFunc(hs, func(a, b history) int {
		if c := a.at.Compare(b.at); c != 0 {
			return c
		}
		ai, aerr := strconv.ParseInt(a.ID, 10, 64)
		bi, berr := strconv.ParseInt(b.ID, 10, 64)
		if aerr == nil && berr == nil {
			return cmp.Compare(ai, bi)
		}
		return 0
	})

	var evs []connectors.Event
	for _, h := range hs {
		base := connectors.Event{At: h.at, Actor: h.Author.id(), Role: mp.role(h.Author)}
		add := func(kind connectors.EventKind, from, to string) {
			e := base
			e.Kind, e.From, e.To = kind, from, to
			evs = append(evs, e)
		}
		for _, it := range h.Items {
			field := strings.ToLower(cmp.Or(it.FieldID, it.Field))
			switch field {
			case "status":
				from, to := str(it.FromString), str(it.ToString)
				if str(it.From) == str(it.To) && strings.EqualFold(from, to) {
					continue // self-transition from a workflow or board move
				}
				add(connectors.EventStatus, from, to)
				wasRes := mp.isResolvedStatus(str(it.From), from, it.FromStatusCategory)
				isRes := mp.isResolvedStatus(str(it.To), to, it.ToStatusCategory)
				switch {
				case isRes && !wasRes:
					add(connectors.EventResolved, from, to)
				case wasRes && !isRes:
					add(connectors.EventReopened, from, to)
				}
				if mp.escStat.has(to) && !mp.escStat.has(from) {
					add(connectors.EventEscalated, from, to)
				}
			case "assignee":
				from := cmp.Or(it.TmpFromAccountID, str(it.From), str(it.FromString))
				to := cmp.Or(it.TmpToAccountID, str(it.To), str(it.ToString))
				if from != to {
					add(connectors.EventAssignment, from, to)
				}
			case "priority":
				from, to := mp.priority(str(it.FromString)), mp.priority(str(it.ToString))
				if !strings.EqualFold(str(it.FromString), str(it.ToString)) {
					add(connectors.EventPriority, from, to)
				}
			case "labels":
				before := strings.Fields(str(it.FromString))
				after := strings.Fields(str(it.ToString))
				for _, l := range before {
					if !slices.Contains(after, l) {
						add(connectors.EventLabel, l, "")
					}
				}
				for _, l := range after {
					if slices.Contains(before, l) {
						continue
					}
					add(connectors.EventLabel, "", l)
					if mp.escLab.has(l) {
						add(connectors.EventEscalated, "", l)
					}
				}
			}
		}
	}
	return evs, nil
}

// commentEvents turns comments into events. A comment is public unless
// jsdPublic is false or, where jsdPublic is absent, the sd.public.comment
// property says internal. Bodies are not kept.
func (mp *mapper) commentEvents(raws []json.RawMessage) ([]connectors.Event, error) {
	evs := make([]connectors.Event, 0, len(raws))
	for _, r := range raws {
		var cm comment
		if err := json.Unmarshal(r, &cm); err != nil {
			return nil, fmt.Errorf("decode comment: %w", err)
		}
		t, err := parseJiraTime(cm.Created)
		if err != nil {
			return nil, fmt.Errorf("comment %s: %w", cm.ID, err)
		}
		public := true
		if cm.JSDPublic != nil {
			public = *cm.JSDPublic
		} else {
			for _, p := range cm.Properties {
				if p.Key == "sd.public.comment" && p.Value.Internal != nil {
					public = !*p.Value.Internal
				}
			}
		}
		evs = append(evs, connectors.Event{
			At: t, Kind: connectors.EventComment,
			Actor: cm.Author.id(), Role: mp.role(cm.Author), Public: public,
		})
	}
	return evs, nil
}

// Unmapped.Field values for request types. UnmappedRequestType is used
// when Mapping.RequestTypeField is set; the shape-based lookup keeps its
// historical name.
const (
	UnmappedRequestType       = "request type"
	unmappedRequestTypeLegacy = "requestType"
)

// classify sets Kind and Category: the request type name first, then
// components, then labels (see Mapping.Kinds). Kind defaults to complaint.
// A request type name found in neither Kinds nor Categories, when either
// is configured, is reported under field.
func (mp *mapper) classify(c *connectors.Complaint, requestType, field string) {
	keys := append(append([]string{requestType}, c.Components...), c.Labels...)
	for _, k := range keys {
		v, ok := foldGet(mp.m.Kinds, k)
		if !ok {
			continue
		}
		if v != connectors.KindComplaint && v != connectors.KindSuggestion && v != connectors.KindInquiry {
			mp.unknown("kind", v) // a mapping to a kind the model does not have
			continue
		}
		c.Kind = v
		break
	}
	for _, k := range keys {
		if v, ok := foldGet(mp.m.Categories, k); ok && v != "" {
			c.Category = v
			break
		}
	}
	if requestType != "" && (len(mp.m.Kinds) > 0 || len(mp.m.Categories) > 0) {
		_, inKinds := foldGet(mp.m.Kinds, requestType)
		_, inCats := foldGet(mp.m.Categories, requestType)
		if !inKinds && !inCats {
			mp.unknown(field, requestType)
		}
	}
	if c.Kind == "" {
		c.Kind = connectors.KindComplaint
	}
}

// requestTypeValue reads the value of Mapping.RequestTypeField:
// {"requestType": {"name": ...}, ...}, {"name": ...} or a plain string.
// Anything else (missing, null, another shape) is no request type.
func requestTypeValue(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return strings.TrimSpace(s)
	}
	var v struct {
		RequestType *named `json:"requestType"`
		Name        string `json:"name"`
	}
	if json.Unmarshal(raw, &v) != nil {
		return ""
	}
	if v.RequestType != nil && strings.TrimSpace(v.RequestType.Name) != "" {
		return strings.TrimSpace(v.RequestType.Name)
	}
	return strings.TrimSpace(v.Name)
}

// requestTypeName finds the JSM request type (custom field of type
// sd-customerrequesttype, whose value is {"requestType": {"name": ...}, ...})
// by its shape, since its customfield ID differs per site.
func requestTypeName(fields map[string]json.RawMessage) string {
	keys := make([]string, 0, len(fields))
	for k := range fields {
		if strings.HasPrefix(k, "customfield_") {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys) // deterministic if a site has two
	for _, k := range keys {
		raw := fields[k]
		if len(raw) == 0 || raw[0] != '{' {
			continue
		}
		var v struct {
			RequestType *named `json:"requestType"`
		}
		if json.Unmarshal(raw, &v) == nil && v.RequestType != nil && v.RequestType.Name != "" {
			return v.RequestType.Name
		}
	}
	return ""
}

// organization reads the JSM Organizations field ([{"id","name"}, ...]),
// joining several names with ", ". Any other shape gives "".
func organization(raw json.RawMessage) string {
	if len(raw) == 0 {
		return ""
	}
	var orgs []named
	if json.Unmarshal(raw, &orgs) != nil {
		return ""
	}
	names := make([]string, 0, len(orgs))
	for _, o := range orgs {
		if o.Name != "" {
			names = append(names, o.Name)
		}
	}
	return strings.Join(names, ", ")
}

// customValue turns a custom field's JSON into a plain value: a string,
// number or bool as is; an option ({"value": …}) or a user/object with a
// name ({"name": …}, {"displayName": …}) as that text; a list as its values
// joined by ", ". null or an unknown shape gives ok false.
func customValue(raw json.RawMessage) (any, bool) {
	if len(raw) == 0 {
		return nil, false
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil || v == nil {
		return nil, false
	}
	switch x := v.(type) {
	case string, float64, bool:
		return x, true
	case map[string]any:
		for _, k := range []string{"value", "name", "displayName"} {
			if s, ok := x[k].(string); ok {
				return s, true
			}
		}
	case []any:
		var parts []string
		for _, e := range x {
			if b, err := json.Marshal(e); err == nil {
				if p, ok := customValue(b); ok {
					parts = append(parts, fmt.Sprint(p))
				}
			}
		}
		if len(parts) > 0 {
			return strings.Join(parts, ", "), true
		}
	}
	return nil, false
}
