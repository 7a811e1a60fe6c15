package file

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/kpidesk/kpidesk/connectors"
	"github.com/kpidesk/kpidesk/internal/control"
)

// field is a top-level key of the import format.
type field uint8

const (
	fID field = iota
	fCreatedAt
	fFirstResponseAt
	fResolvedAt
	fReopens
	fEscalated
	fEscalatedAt
	fAgentReplies
	fPriority
	fChannel
	fCategory
	fKind
	fCustomer
	fOrganization
	fAssignee
	fTeam
	fDepartment
	fTitle
	fURL
	fLabels
	fComponents
	fCSAT
	fEvents
	fFields
	numFields
)

// fieldNames are the keys (JSONL) and column names (CSV), in the order
// EncodeJSONL writes them.
var fieldNames = [numFields]string{
	"id", "created_at", "first_response_at", "resolved_at", "reopens", "escalated",
	"escalated_at", "agent_replies", "priority", "channel", "category", "kind",
	"customer", "organization", "assignee", "team", "department", "title", "url",
	"labels", "components", "csat", "events", "fields",
}

func (f field) String() string { return fieldNames[f] }

// lookupField returns the field named name. The switch on a converted byte
// slice does not allocate.
func lookupField(name []byte) (field, bool) {
	switch string(name) {
	case "id":
		return fID, true
	case "created_at":
		return fCreatedAt, true
	case "first_response_at":
		return fFirstResponseAt, true
	case "resolved_at":
		return fResolvedAt, true
	case "reopens":
		return fReopens, true
	case "escalated":
		return fEscalated, true
	case "escalated_at":
		return fEscalatedAt, true
	case "agent_replies":
		return fAgentReplies, true
	case "priority":
		return fPriority, true
	case "channel":
		return fChannel, true
	case "category":
		return fCategory, true
	case "kind":
		return fKind, true
	case "customer":
		return fCustomer, true
	case "organization":
		return fOrganization, true
	case "assignee":
		return fAssignee, true
	case "team":
		return fTeam, true
	case "department":
		return fDepartment, true
	case "title":
		return fTitle, true
	case "url":
		return fURL, true
	case "labels":
		return fLabels, true
	case "components":
		return fComponents, true
	case "csat":
		return fCSAT, true
	case "events":
		return fEvents, true
	case "fields":
		return fFields, true
	}
	return 0, false
}

// fieldType says how a field's value is read.
type fieldType uint8

const (
	tString fieldType = iota
	tTime
	tCount
	tBool
	tLabels // a list of strings: labels, components
	tCSAT
	tEvents
	tFields
)

func (f field) typ() fieldType {
	switch f {
	case fCreatedAt, fFirstResponseAt, fResolvedAt, fEscalatedAt:
		return tTime
	case fReopens, fAgentReplies:
		return tCount
	case fEscalated:
		return tBool
	case fLabels, fComponents:
		return tLabels
	case fCSAT:
		return tCSAT
	case fEvents:
		return tEvents
	case fFields:
		return tFields
	}
	return tString
}

// derived reports whether f can be derived from events, so that a null
// given explicitly means "none" and wins over the events.
func (f field) derived() bool {
	switch f {
	case fFirstResponseAt, fResolvedAt, fReopens, fEscalated, fEscalatedAt, fAgentReplies:
		return true
	}
	return false
}

// builder turns the fields of one line into a complaint. The JSONL and CSV
// readers feed it through the same setters, so both formats validate alike.
type builder struct {
	src, prefix string

	c    *connectors.Complaint
	id   string // the id as written, trimmed
	line int
	// has marks fields given with a value (valid or not); explicit also
	// marks fields given as null, which for derived fields means "none".
	has, explicit uint32
	probs         []Problem // this line's problems; File, Line and ID are filled in by the importer
	// skews are the line's clock skews within tol (SPEC §13.12), listed
	// but not problems; tol is Options.ClockSkew.
	skews []Problem
	tol   time.Duration

	evs     []connectors.Event // scratch for events
	strs    map[string]string  // interned values, see intern
	scratch []byte             // scratch for unquoting
	cell    cellDecoder        // JSON in CSV cells
}

// intern returns s as a string, shared with earlier equal values of
// low-cardinality fields (teams, agents, channels): a large import then
// holds one copy of each, and decoding allocates less.
func (b *builder) intern(s []byte) string {
	if v, ok := b.strs[string(s)]; ok {
		return v
	}
	v := string(s)
	if b.strs == nil {
		b.strs = make(map[string]string)
	}
	if len(b.strs) < 4096 && len(v) <= 64 {
		b.strs[v] = v
	}
	return v
}

// interned reports whether f's values are few enough to intern.
func (f field) interned() bool {
	switch f {
	case fChannel, fCategory, fKind, fOrganization, fAssignee, fTeam, fDepartment, fPriority:
		return true
	}
	return false
}

func (b *builder) reset(line int) {
	b.c = &connectors.Complaint{}
	b.id = ""
	b.line = line
	b.has, b.explicit = 0, 0
	b.probs = b.probs[:0]
	b.skews = b.skews[:0]
}

func (b *builder) bad(field, reason string) {
	b.probs = append(b.probs, Problem{Field: field, Reason: reason})
}

func (b *builder) mark(f field) {
	b.has |= 1 << f
	b.explicit |= 1 << f
}

// list returns the complaint's list of strings that tLabels field f sets.
func (b *builder) list(f field) *[]string {
	switch f {
	case fLabels:
		return &b.c.Labels
	case fComponents:
		return &b.c.Components
	}
	panic("file: list on " + f.String())
}

// setNull records f given as null (JSON) or "null" (CSV, derived fields).
func (b *builder) setNull(f field) {
	b.explicit |= 1 << f
}

func (b *builder) given(f field) bool { return b.explicit&(1<<f) != 0 }

// setString sets a string field. Empty means absent. The title is free
// text, whose control characters other than tab, line feed and carriage
// return are removed; every other string field is an identifier or a code,
// which may not hold a control character at all (internal/control).
func (b *builder) setString(f field, s string) {
	if s == "" {
		return
	}
	b.mark(f)
	if f == fTitle {
		s = control.StripText(s)
	} else if reason := control.Check(s); reason != "" {
		b.bad(f.String(), reason)
		return
	}
	c := b.c
	switch f {
	case fID:
		s = strings.TrimSpace(s)
		b.id = s
		// An id already qualified with this source keeps its ID, so that
		// an export re-imports to the same complaints.
		key := strings.TrimPrefix(s, b.prefix)
		if key == "" {
			b.bad("id", fmt.Sprintf("%s has nothing after the source prefix", quoteShort(s)))
			return
		}
		c.ID, c.Key, c.Source = b.prefix+key, key, b.src
	case fPriority:
		p, ok := normPriority(s)
		if !ok {
			b.bad("priority", fmt.Sprintf("unknown priority %s: want urgent, high, normal or low", quoteShort(s)))
			return
		}
		c.Priority = p
	case fKind:
		c.Kind = strings.ToLower(strings.TrimSpace(s))
	case fURL:
		u, err := url.Parse(s)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			b.bad("url", fmt.Sprintf("want an absolute http or https URL, got %s", quoteShort(s)))
			return
		}
		c.URL = s
	case fChannel:
		c.Channel = s
	case fCategory:
		c.Category = s
	case fCustomer:
		c.Customer = s
	case fOrganization:
		c.Organization = s
	case fAssignee:
		c.Assignee = s
	case fTeam:
		c.Team = s
	case fDepartment:
		c.Department = s
	case fTitle:
		c.Title = s
	default:
		panic("file: setString on " + f.String())
	}
}

// normPriority maps a priority, or one of the usual synonyms from other
// helpdesks (Jira's Highest..Lowest, P1..P4, Freshdesk's Medium), to the
// normalized one, case-insensitively.
func normPriority(s string) (string, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "urgent", "p1", "critical", "highest":
		return connectors.PriorityUrgent, true
	case "high", "p2":
		return connectors.PriorityHigh, true
	case "normal", "medium", "p3":
		return connectors.PriorityNormal, true
	case "low", "p4", "lowest":
		return connectors.PriorityLow, true
	}
	return "", false
}

// setTime parses and sets a time field. Empty means null.
func setTime[T ~string | ~[]byte](b *builder, f field, s T) {
	if len(s) == 0 {
		b.setNull(f)
		return
	}
	b.mark(f)
	t, reason := parseTime(s)
	if reason != "" {
		b.bad(f.String(), reason)
		return
	}
	c := b.c
	switch f {
	case fCreatedAt:
		c.CreatedAt = t
	case fFirstResponseAt:
		c.FirstResponseAt = t
	case fResolvedAt:
		c.ResolvedAt = t
	case fEscalatedAt:
		c.EscalatedAt = t
	}
}

// parseCount parses a whole number ≥ 0 (reopens, agent replies).
func parseCount[T ~string | ~[]byte](s T) (int, string) {
	neg := len(s) > 0 && s[0] == '-'
	digits := s
	if neg {
		digits = s[1:]
	}
	if len(digits) > 9 {
		return 0, "count too large: " + quoteShort(s)
	}
	v, ok := atoiN(digits)
	if !ok {
		return 0, "want a whole number ≥ 0, got " + quoteShort(s)
	}
	if neg && v != 0 {
		return 0, "negative count " + string(s) + ": want a whole number ≥ 0"
	}
	return v, ""
}

func setCount[T ~string | ~[]byte](b *builder, f field, s T) {
	b.mark(f)
	v, reason := parseCount(s)
	if reason != "" {
		b.bad(f.String(), reason)
		return
	}
	if f == fReopens {
		b.c.Reopens = v
	} else {
		b.c.AgentReplies = v
	}
}

func (b *builder) setEscalated(v bool) {
	b.mark(fEscalated)
	b.c.Escalated = v
}

// finish checks what the line as a whole needs and fills in the derived
// fields (SPEC §12): with events, every derived field the line does not give
// explicitly (even as null) comes from connectors.Derive.
func (b *builder) finish() {
	c := b.c
	if b.has&(1<<fID) == 0 {
		b.bad("id", "required")
	}
	if b.has&(1<<fCreatedAt) == 0 {
		b.bad("created_at", "required")
	}
	if c.Kind == "" {
		c.Kind = connectors.KindComplaint
	}

	var d connectors.Derived
	if len(c.Events) > 0 {
		if !slices.IsSortedFunc(c.Events, cmpEventTime) {
			slices.SortStableFunc(c.Events, cmpEventTime)
		}
		// Every event has a role (SPEC §2). One the line gives none is the
		// system's own, a bot's, as Jira's changes without an author are:
		// never a first response or an agent reply, as Derive counted it
		// before it had a role.
		for i := range c.Events {
			if c.Events[i].Role == "" {
				c.Events[i].Role = connectors.RoleBot
			}
		}
		d = connectors.Derive(c.Events)
		if !b.given(fFirstResponseAt) {
			c.FirstResponseAt = d.FirstResponseAt
		}
		if !b.given(fResolvedAt) {
			c.ResolvedAt = d.ResolvedAt
		}
		if !b.given(fReopens) {
			c.Reopens = d.Reopens
		}
		if !b.given(fAgentReplies) {
			c.AgentReplies = d.AgentReplies
		}
		if !b.given(fEscalated) {
			c.Escalated = d.Escalated
		}
		if !b.given(fEscalatedAt) && c.Escalated {
			c.EscalatedAt = d.EscalatedAt
		}
	}
	// The first resolution comes from the events; without one it is the
	// final resolution, and it is never later than the final resolution.
	c.FirstResolvedAt = d.FirstResolvedAt
	if c.FirstResolvedAt.IsZero() || (c.Resolved() && c.ResolvedAt.Before(c.FirstResolvedAt)) {
		c.FirstResolvedAt = c.ResolvedAt
	}

	// An instant before created_at is clock skew between systems (SPEC
	// §13.12): kept and listed within the tolerance, a problem beyond it.
	for _, sk := range connectors.ClockSkews(c) {
		if sk.Field != "events" && !b.given(fieldOf(sk.Field)) {
			sk.What += " (from events)"
		}
		what := sk.String()
		if sk.Beyond(b.tol) {
			b.bad(sk.Field, fmt.Sprintf("%s: more than the clock-skew tolerance of %s", what, b.tol))
		} else {
			b.skews = append(b.skews, Problem{Field: sk.Field, Reason: fmt.Sprintf("clock skew: %s; its duration counts 0", what)})
		}
	}
	if !c.EscalatedAt.IsZero() && !c.Escalated {
		b.bad("escalated_at", "set, but escalated is not true")
	}
}

// fieldOf returns the field named name, which must be one.
func fieldOf(name string) field {
	f, ok := lookupField([]byte(name))
	if !ok {
		panic("file: no field " + name)
	}
	return f
}

func cmpEventTime(a, b connectors.Event) int { return a.At.Compare(b.At) }
