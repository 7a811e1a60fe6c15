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
	// Bots lists account IDs (Cloud) or usernames and keys (Data Center)
	// that are bots. accountType "app" is always a bot.
	Bots []string
	// AgentsOnly, when true, makes only the accounts listed in Agents
	// agents: any other account that is neither a bot nor a customer by the
	// rules above becomes a customer. The Source sets it when
	// SourceConfig.Agents or AgentGroups is set, and adds the groups'
	// members to Agents on every Fetch.
	AgentsOnly bool
	// Agents lists the account IDs, usernames, keys or emails of the
	// agents. A listed account is an agent even when it is a request
	// participant; with AgentsOnly, only listed accounts are agents.
	Agents []string
	// EscalationLabels: adding one of these labels escalates.
	EscalationLabels []string
	// EscalationStatuses: a transition into one of these statuses escalates.
	EscalationStatuses []string
	// Kinds maps a value to complaint|suggestion|inquiry; issues whose
	// values it does not know are complaints. Categories maps a value to a
	// category, Channels to a channel (email, portal, phone, chat, …),
	// Teams to a team ID, and Priorities (above) to a normalized priority.
	//
	// Each is looked up with the values of the sources its From list
	// names, in that order, the first value known winning: KindFrom,
	// CategoryFrom, ChannelFrom and TeamFrom default to [FromRequestType,
	// FromComponents, FromLabels] (the request type's name, then the
	// components and the labels in the issue's order); PriorityFrom to
	// [FromPriority]. A From entry that is not a token is a field ID, such
	// as a select or cascading select custom field (see fieldValues for the
	// values a field gives). A value of the request type or of a field that
	// no map reading it knows, when such a map is non-empty, is reported as
	// Unmapped: under UnmappedRequestType (or "requestType" when the
	// request type was found by shape), or the field's ID, with its name
	// from FieldNames when known.
	Kinds      map[string]string
	Categories map[string]string
	Channels   map[string]string
	Teams      map[string]string
	// KindFrom, CategoryFrom, ChannelFrom, PriorityFrom and TeamFrom: see
	// Kinds. Tokens are normalized by NormalizeFrom.
	KindFrom, CategoryFrom, ChannelFrom, PriorityFrom, TeamFrom []string
	// FieldNames names field IDs in what is reported: ID → name. The
	// Source fills it in for the fields it resolved by name.
	FieldNames map[string]string
	// ParticipantsField is the ID of the JSM "Request participants" field
	// (schema.custom com.atlassian.servicedesk:sd-request-participants, a
	// list of users). Participants are customers, like the reporter, on
	// both deployments: Data Center users carry no accountType, so without
	// it a participant who comments would count as an agent.
	ParticipantsField string
	// PriorityRaiseEscalates, when true, adds an escalation event to every
	// change of the priority field to a higher priority in PriorityOrder,
	// the source's own order (so Lowest → Low is a raise, though both
	// normalize to low). A priority missing from the order is compared by
	// its normalized level.
	PriorityRaiseEscalates bool
	// PriorityOrder lists the source's priority names from the highest
	// down, as GET /rest/api/2/priority gives them (the Source reads it
	// when PriorityRaiseEscalates is set and no order is configured).
	PriorityOrder []string
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
	DisplayName  string `json:"displayName"`
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
	// Changelog embedded in a search result, used only when the caller
	// passes none (it may be partial: Total tells). Its histories are
	// decoded with the issue, not kept raw and decoded again.
	Changelog *struct {
		Total     int       `json:"total"`
		Histories []history `json:"histories"`
	} `json:"changelog"`
}

// commentList is the comment field of an issue, as the search embeds it:
// possibly partial (Total tells).
type commentList struct {
	Total    int       `json:"total"`
	Comments []comment `json:"comments"`
}

// parsedIssue is a raw issue decoded once, for the mapping and for the
// Source's decision whether its changelog and comments are whole: the
// JSON of a ticket with its comments is the bulk of a sync's work, so it
// is not decoded again, and the embedded comments are decoded only when
// they are used (on Data Center they are read again with their
// visibility).
type parsedIssue struct {
	rawIssue
	f        issueFields
	comments *commentList // embedded, once decoded
}

// parseIssue decodes a raw issue: its key, its fields (kept raw for the
// custom fields and the comments, decoded for the ones the mapping always
// reads) and its embedded changelog.
func parseIssue(raw json.RawMessage) (*parsedIssue, error) {
	p := &parsedIssue{}
	if err := json.Unmarshal(raw, &p.rawIssue); err != nil {
		return nil, fmt.Errorf("jira: decode issue: %w", err)
	}
	if p.Key == "" {
		return nil, errors.New("jira: issue has no key")
	}
	if err := p.f.decode(p.Fields); err != nil {
		return nil, fmt.Errorf("jira: decode fields of %s: %w", p.Key, err)
	}
	return p, nil
}

// embeddedComments decodes the comments the search embedded (nil when it
// gave none).
func (p *parsedIssue) embeddedComments() (*commentList, error) {
	if p.comments != nil {
		return p.comments, nil
	}
	c := p.Fields["comment"]
	if len(c) == 0 || isNull(c) {
		return nil, nil
	}
	var cl commentList
	if err := json.Unmarshal(c, &cl); err != nil {
		return nil, fmt.Errorf("decode fields of %s: comment: %w", p.Key, err)
	}
	p.comments = &cl
	return p.comments, nil
}

// decode sets f from the issue's raw fields, field by field, so that the
// comments (decoded apart) and custom fields are not decoded again.
func (f *issueFields) decode(fields map[string]json.RawMessage) error {
	for _, fd := range [...]struct {
		key string
		dst any
	}{
		{"summary", &f.Summary}, {"created", &f.Created}, {"updated", &f.Updated},
		{"resolutiondate", &f.ResolutionDate}, {"status", &f.Status}, {"priority", &f.Priority},
		{"assignee", &f.Assignee}, {"reporter", &f.Reporter}, {"components", &f.Components},
		{"labels", &f.Labels},
	} {
		if raw, ok := fields[fd.key]; ok {
			if err := json.Unmarshal(raw, fd.dst); err != nil {
				return fmt.Errorf("%s: %w", fd.key, err)
			}
		}
	}
	return nil
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
	ID        string `json:"id"`
	Author    *user  `json:"author"`
	Created   string `json:"created"`
	JSDPublic *bool  `json:"jsdPublic"`
	// Properties is nil when the comment came without them (not
	// expanded), non-nil, maybe empty, when they were expanded.
	Properties *[]commentProp `json:"properties"`
}

// commentProp is an entity property of a comment; the JSM one is
// sd.public.comment with the value {"internal": true|false}.
type commentProp struct {
	Key   string `json:"key"`
	Value struct {
		Internal *bool `json:"internal"`
	} `json:"value"`
}

// visible reports whether the comment says whether it is public: it has
// jsdPublic or its expanded properties.
func (c *comment) visible() bool { return c.JSDPublic != nil || c.Properties != nil }

// decodeComments decodes raw comments.
func decodeComments(raws []json.RawMessage) ([]comment, error) {
	out := make([]comment, len(raws))
	for i, r := range raws {
		if err := json.Unmarshal(r, &out[i]); err != nil {
			return nil, fmt.Errorf("decode comment: %w", err)
		}
	}
	return out, nil
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
	// participants are the request participants' IDs: customers.
	participants foldSet
	// prioRank is PriorityOrder's position of each priority name,
	// lower-case (0 is the highest).
	prioRank map[string]int
	resolved foldSet // status names
	resIDs   map[string]bool
	// byKey maps the user keys of the issue's users (lower case) to their
	// IDs (user.id): a Data Center changelog names the assignees it
	// changes by key (JIRAUSER10100), while an assignee is its username.
	byKey map[string]string
	// users are the keys the sync resolved through the server (nil
	// outside a sync).
	users    *userKeys
	escLab   foldSet
	escStat  foldSet
	unmapped []Unmapped
}

// learnUsers records the user keys of the users the issue's payloads
// carry, for userID.
func (mp *mapper) learnUsers(f issueFields, histories []history, comments []comment) {
	mp.byKey = payloadUsers(f, histories, comments)
}

// userID returns the ID of the user a changelog names by key, when the
// issue's payloads carry that user or the sync resolved the key (userkeys.go);
// else ref as it is (an account ID on Cloud, a username where key and name
// agree).
func (mp *mapper) userID(ref string) string {
	if id, ok := mp.byKey[strings.ToLower(ref)]; ok {
		return id
	}
	if id, ok := mp.users.get(ref); ok {
		return id
	}
	return ref
}

func (mp *mapper) unknown(field, value string) {
	u := Unmapped{Field: field, Value: value, Key: mp.key}
	if !slices.Contains(mp.unmapped, u) {
		mp.unmapped = append(mp.unmapped, u)
	}
}

// role applies the role rules: the reporter and portal-only accounts are
// customers, app accounts and configured bots are bots, listed agents are
// agents, request participants are customers, and the rest agents (with
// Mapping.AgentsOnly, customers). A change with no author (Jira itself) is
// a bot's.
func (mp *mapper) role(u *user) connectors.Role {
	switch {
	case u == nil || u.id() == "":
		return connectors.RoleBot
	case mp.reporter != "" && u.id() == mp.reporter:
		return connectors.RoleCustomer
	case strings.EqualFold(u.AccountType, "customer"):
		return connectors.RoleCustomer
	case strings.EqualFold(u.AccountType, "app"), u.in(mp.bots):
		return connectors.RoleBot
	case u.in(mp.agents):
		return connectors.RoleAgent
	case u.in(mp.participants), mp.m.AgentsOnly:
		return connectors.RoleCustomer
	}
	return connectors.RoleAgent
}

// in reports whether any of u's identities is in s.
func (u *user) in(s foldSet) bool {
	return s.has(u.AccountID) || s.has(u.Name) || s.has(u.Key) || s.has(u.EmailAddress)
}

// raised reports whether a change of the priority field from one name to
// another raises it: in the source's order (Mapping.PriorityOrder) when
// it has both, else by normalized level, where a change within one level
// is no raise. An empty name (no priority before) is never raised from.
func (mp *mapper) raised(from, to string) bool {
	if from == "" || to == "" {
		return false
	}
	rf, okf := mp.prioRank[strings.ToLower(from)]
	rt, okt := mp.prioRank[strings.ToLower(to)]
	if okf && okt {
		return rt < rf
	}
	level := func(name string) int {
		p, ok := foldGet(mp.m.Priorities, name)
		if !ok {
			p = DefaultPriorities[strings.ToLower(name)]
		}
		i := slices.Index(connectors.Priorities, p)
		if i < 0 {
			return 0 // unknown
		}
		return len(connectors.Priorities) - i // urgent is the highest
	}
	lf, lt := level(from), level(to)
	return lf > 0 && lt > lf
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
	p, err := parseIssue(issue)
	if err != nil {
		return connectors.Complaint{}, nil, err
	}
	cs, err := decodeComments(comments)
	if err != nil {
		return connectors.Complaint{}, nil, fmt.Errorf("jira: %s: %w", p.Key, err)
	}
	hs, err := decodeHistories(histories)
	if err != nil {
		return connectors.Complaint{}, nil, fmt.Errorf("jira: %s: %w", p.Key, err)
	}
	return m.complaint(p, hs, cs)
}

// decodeHistories decodes raw changelog histories.
func decodeHistories(raws []json.RawMessage) ([]history, error) {
	out := make([]history, len(raws))
	for i, r := range raws {
		if err := json.Unmarshal(r, &out[i]); err != nil {
			return nil, fmt.Errorf("decode changelog history: %w", err)
		}
	}
	return out, nil
}

// complaint is Complaint on a parsed issue and decoded comments.
func (m Mapping) complaint(p *parsedIssue, histories []history, comments []comment) (connectors.Complaint, []Unmapped, error) {
	return m.complaintWith(p, histories, comments, nil)
}

// complaintWith is complaint with the user keys a sync resolved.
func (m Mapping) complaintWith(p *parsedIssue, histories []history, comments []comment, users *userKeys) (connectors.Complaint, []Unmapped, error) {
	ri, f := &p.rawIssue, p.f
	wrap := func(err error) error { return fmt.Errorf("jira: %s: %w", ri.Key, err) }

	mp := &mapper{
		m:       m,
		key:     ri.Key,
		bots:    newFoldSet(m.Bots),
		agents:  newFoldSet(m.Agents),
		resIDs:  map[string]bool{},
		escLab:  newFoldSet(m.EscalationLabels),
		escStat: newFoldSet(m.EscalationStatuses),
		users:   users,
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
	if id := m.ParticipantsField; id != "" {
		var ps []user
		if json.Unmarshal(ri.Fields[id], &ps) == nil {
			mp.participants = foldSet{}
			for _, pt := range ps {
				for _, v := range []string{pt.AccountID, pt.Name, pt.Key} {
					if v != "" {
						mp.participants[strings.ToLower(v)] = true
					}
				}
			}
		}
	}
	if m.PriorityRaiseEscalates && len(m.PriorityOrder) > 0 {
		mp.prioRank = make(map[string]int, len(m.PriorityOrder))
		for i, name := range m.PriorityOrder {
			if k := strings.ToLower(strings.TrimSpace(name)); k != "" {
				if _, dup := mp.prioRank[k]; !dup {
					mp.prioRank[k] = i
				}
			}
		}
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
	if f.Priority != nil && (len(m.PriorityFrom) == 0 || (len(m.PriorityFrom) == 1 && NormalizeFrom(m.PriorityFrom[0]) == FromPriority)) {
		c.Priority = mp.priority(f.Priority.Name)
	}
	if f.Assignee != nil {
		c.Assignee = f.Assignee.id()
		c.AssigneeName = f.Assignee.DisplayName
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
	iv := issueValues{requestType: rt, components: c.Components, labels: c.Labels, fields: ri.Fields}
	if f.Priority != nil {
		iv.priority = f.Priority.Name
	}
	mp.classify(&c, &iv, rtField)

	if len(histories) == 0 && ri.Changelog != nil {
		histories = ri.Changelog.Histories
	}
	if len(comments) == 0 {
		cl, err := p.embeddedComments()
		if err != nil {
			return connectors.Complaint{}, nil, wrap(err)
		}
		if cl != nil {
			comments = cl.Comments
		}
	}
	mp.learnUsers(f, histories, comments)
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

// historyEvents turns changelog histories into events, oldest first. The
// input is not modified.
func (mp *mapper) historyEvents(in []history) ([]connectors.Event, error) {
	hs := make([]history, 0, len(in))
	for _, h := range in {
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
				from := mp.userID(cmp.Or(it.TmpFromAccountID, str(it.From), str(it.FromString)))
				to := mp.userID(cmp.Or(it.TmpToAccountID, str(it.To), str(it.ToString)))
				if from != to {
					add(connectors.EventAssignment, from, to)
				}
			case "priority":
				from, to := mp.priority(str(it.FromString)), mp.priority(str(it.ToString))
				if !strings.EqualFold(str(it.FromString), str(it.ToString)) {
					add(connectors.EventPriority, from, to)
					if mp.m.PriorityRaiseEscalates && mp.raised(str(it.FromString), str(it.ToString)) {
						add(connectors.EventEscalated, str(it.FromString), str(it.ToString))
					}
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
func (mp *mapper) commentEvents(comments []comment) ([]connectors.Event, error) {
	evs := make([]connectors.Event, 0, len(comments))
	for _, cm := range comments {
		t, err := parseJiraTime(cm.Created)
		if err != nil {
			return nil, fmt.Errorf("comment %s: %w", cm.ID, err)
		}
		public := true
		if cm.JSDPublic != nil {
			public = *cm.JSDPublic
		} else if cm.Properties != nil {
			for _, p := range *cm.Properties {
				if p.Key == propPublicComment && p.Value.Internal != nil {
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
