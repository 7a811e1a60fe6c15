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

// field is a top-level key of the import format: an index into
// formatFields.
type field uint8

// formatFields are the fields of the common model that the import format
// has (SPEC §12), in the order of connectors.Fields, which is the order of
// the format's documentation and of EncodeJSONL; fieldNames are their keys
// (JSONL) and column names (CSV).
var formatFields, fieldNames, fieldIndex = func() ([]*connectors.Field, []string, map[string]field) {
	var fs []*connectors.Field
	var names []string
	index := map[string]field{}
	for i := range connectors.Fields {
		if f := &connectors.Fields[i]; f.Name != "" {
			index[f.Name] = field(len(fs))
			fs = append(fs, f)
			names = append(names, f.Name)
		}
	}
	// A line marks the fields it gives in a bit set (builder.has).
	if len(fs) > 64 {
		panic("file: more than 64 fields in the import format")
	}
	return fs, names, index
}()

// numFields is the number of fields of the format.
var numFields = len(formatFields)

// The fields the importer reads or checks in a way of their own; the
// others are read by their kind alone.
var (
	fID          = fieldOf("id")
	fCreatedAt   = fieldOf("created_at")
	fEscalatedAt = fieldOf("escalated_at")
	fPriority    = fieldOf("priority")
	fKind        = fieldOf("kind")
	fTitle       = fieldOf("title")
	fURL         = fieldOf("url")
	fCSAT        = fieldOf("csat")
	fEvents      = fieldOf("events")
)

func (f field) String() string { return fieldNames[f] }

// def returns the field's entry in connectors.Fields.
func (f field) def() *connectors.Field { return formatFields[f] }

// lookupField returns the field named name. The map lookup with a
// converted byte slice does not allocate.
func lookupField(name []byte) (field, bool) {
	f, ok := fieldIndex[string(name)]
	return f, ok
}

// typ returns how the field's value is read: by its kind in the model.
func (f field) typ() connectors.FieldKind { return f.def().Kind }

// derived reports whether f can be derived from events, so that a null
// given explicitly means "none" and wins over the events.
func (f field) derived() bool { return f.def().Derived }

// builder turns the fields of one line into a complaint. The JSONL and CSV
// readers feed it through the same setters, so both formats validate alike.
type builder struct {
	src, prefix string

	c    *connectors.Complaint
	id   string // the id as written, trimmed
	line int
	// has marks fields given with a value (valid or not); explicit also
	// marks fields given as null, which for derived fields means "none".
	has, explicit uint64
	probs         []Problem // this line's problems; File, Line and ID are filled in by the importer
	// skews are the line's clock skews within tol (SPEC §13.12), listed
	// but not problems; tol is Options.ClockSkew.
	skews []Problem
	tol   time.Duration

	// reuse makes every line decode into the same complaint, for a
	// caller that copies it (Source.Fetch): a complaint allocated a line
	// was a sixth of an import's allocation.
	reuse bool
	dc    connectors.Complaint // scratch for the events' derived fields

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
func (f field) interned() bool { return f.def().Few }

func (b *builder) reset(line int) {
	if b.reuse && b.c != nil {
		*b.c = connectors.Complaint{}
	} else {
		b.c = &connectors.Complaint{}
	}
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

// list returns the complaint's list of strings that FieldList field f
// sets.
func (b *builder) list(f field) *[]string { return f.def().List(b.c) }

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
		return
	case fPriority:
		p, ok := normPriority(s)
		if !ok {
			b.bad("priority", fmt.Sprintf("unknown priority %s: want urgent, high, normal or low", quoteShort(s)))
			return
		}
		s = p
	case fKind:
		s = strings.ToLower(strings.TrimSpace(s))
	case fURL:
		u, err := url.Parse(s)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			b.bad("url", fmt.Sprintf("want an absolute http or https URL, got %s", quoteShort(s)))
			return
		}
	}
	*f.def().Str(c) = s
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
	*f.def().Time(b.c) = t
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
	*f.def().Count(b.c) = v
}

func (b *builder) setBool(f field, v bool) {
	b.mark(f)
	*f.def().Bool(b.c) = v
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
		d.Apply(&b.dc)
		for f := range field(numFields) {
			if f.derived() && !b.given(f) {
				takeDerived(f, c, &b.dc)
			}
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

// takeDerived sets derived field f of c, which the line does not give,
// from dc, the complaint its events make (Derived.Apply); derived fields
// are taken in the table's order, escalated before escalated_at. A
// complaint takes its escalation time from the events only when it is
// escalated, which the line may say against its events. EncodeJSONL
// writes a derived field when this would give another value.
func takeDerived(f field, c, dc *connectors.Complaint) {
	d := f.def()
	switch {
	case f == fEscalatedAt && !c.Escalated:
	case d.Kind == connectors.FieldTime:
		*d.Time(c) = *d.Time(dc)
	case d.Kind == connectors.FieldCount:
		*d.Count(c) = *d.Count(dc)
	case d.Kind == connectors.FieldBool:
		*d.Bool(c) = *d.Bool(dc)
	default:
		panic("file: derived field " + f.String() + " of kind " + d.Kind.String())
	}
}
