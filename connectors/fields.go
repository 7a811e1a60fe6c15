package connectors

import (
	"fmt"
	"reflect"
	"time"
)

// FieldKind is the Go type of a complaint field's value, which decides how
// each format writes it.
type FieldKind uint8

// Field kinds. The store keeps FieldString, FieldTime, FieldCount and
// FieldBool in a column of their own (a time as unix milliseconds, NULL
// when zero) and the others as JSON text; the import format (SPEC §12)
// writes a time as RFC 3339 and a list as an array (in CSV, cells joined by
// ";").
const (
	FieldString FieldKind = iota + 1 // string
	FieldTime                        // time.Time, UTC; zero means "did not happen"
	FieldCount                       // int ≥ 0
	FieldBool                        // bool
	FieldList                        // []string
	FieldEvents                      // []Event
	FieldSLA                         // []SLA
	FieldCSAT                        // *CSAT
	FieldMap                         // map[string]any
)

var fieldKindNames = [...]string{FieldString: "string", FieldTime: "time", FieldCount: "count",
	FieldBool: "bool", FieldList: "list", FieldEvents: "events", FieldSLA: "sla", FieldCSAT: "csat", FieldMap: "map"}

func (k FieldKind) String() string {
	if int(k) < len(fieldKindNames) && fieldKindNames[k] != "" {
		return fieldKindNames[k]
	}
	return fmt.Sprintf("FieldKind(%d)", uint8(k))
}

// A Field is one field of [Complaint] as every format that carries a
// complaint names it: the import and export format, the store and the
// corrections of accepted appeals. [Fields] lists them all, so that adding
// a field to the model is a change to that table (and a store migration
// adding its column), not to each format.
type Field struct {
	// Name is the field's key in the import format (SPEC §12: JSON Lines
	// key, CSV column), also the name an appeal's correction gives it. It
	// is "" for a field the format has no place for: the source and key
	// follow from id, updated_at and first_resolved_at are the source's
	// bookkeeping, SLA records come only from a helpdesk.
	Name string
	// Column is the field's column in the store's table complaints, or in
	// complaint_events for the events.
	Column string
	// Kind is the type of the value, found from the accessor.
	Kind FieldKind
	// Unique marks a string that is (nearly) unique to a complaint, so
	// that sharing equal values among complaints saves nothing: readers
	// copy it rather than intern it.
	Unique bool
	// Few marks a string with few distinct values (teams, channels,
	// agents): readers keep one copy of each value.
	Few bool
	// Derived marks a field that follows from the events (Derive): an
	// import derives it unless the line gives it, and a null given
	// explicitly means "none" rather than "derive it".
	Derived bool
	// Correctable marks a field an accepted appeal may correct (SPEC §9).
	// A correction of a FieldCSAT field gives the rating alone, or null to
	// remove it.
	Correctable bool
	// Values, if not nil, are the only values a string field takes.
	Values []string

	// ptr returns a pointer to the field of c, typed by Kind (*string,
	// *time.Time, *int, *bool, *[]string, *[]Event, *[]SLA, **CSAT or
	// *map[string]any).
	ptr func(c *Complaint) any
}

// Fields lists every field of [Complaint], in the order in which the import
// format documents them and the export writes them (SPEC §12); the fields
// the format lacks sit beside the ones they follow from.
// TestFieldsCoverComplaint fails when a field of Complaint is missing here.
var Fields = initFields([]Field{
	{Name: "id", Column: "id", Unique: true, ptr: func(c *Complaint) any { return &c.ID }},
	{Column: "source", Few: true, ptr: func(c *Complaint) any { return &c.Source }},
	{Column: "key", Unique: true, ptr: func(c *Complaint) any { return &c.Key }},
	{Name: "created_at", Column: "created_at", Correctable: true, ptr: func(c *Complaint) any { return &c.CreatedAt }},
	{Column: "updated_at", ptr: func(c *Complaint) any { return &c.UpdatedAt }},
	{Name: "first_response_at", Column: "first_response_at", Derived: true, Correctable: true, ptr: func(c *Complaint) any { return &c.FirstResponseAt }},
	{Column: "first_resolved_at", Derived: true, ptr: func(c *Complaint) any { return &c.FirstResolvedAt }},
	{Name: "resolved_at", Column: "resolved_at", Derived: true, Correctable: true, ptr: func(c *Complaint) any { return &c.ResolvedAt }},
	{Name: "reopens", Column: "reopens", Derived: true, Correctable: true, ptr: func(c *Complaint) any { return &c.Reopens }},
	{Name: "escalated", Column: "escalated", Derived: true, Correctable: true, ptr: func(c *Complaint) any { return &c.Escalated }},
	{Name: "escalated_at", Column: "escalated_at", Derived: true, ptr: func(c *Complaint) any { return &c.EscalatedAt }},
	{Name: "agent_replies", Column: "agent_replies", Derived: true, Correctable: true, ptr: func(c *Complaint) any { return &c.AgentReplies }},
	{Name: "priority", Column: "priority", Few: true, Correctable: true, Values: Priorities, ptr: func(c *Complaint) any { return &c.Priority }},
	{Name: "channel", Column: "channel", Few: true, ptr: func(c *Complaint) any { return &c.Channel }},
	{Name: "category", Column: "category", Few: true, Correctable: true, ptr: func(c *Complaint) any { return &c.Category }},
	{Name: "kind", Column: "kind", Few: true, Correctable: true, ptr: func(c *Complaint) any { return &c.Kind }},
	{Name: "customer", Column: "customer", ptr: func(c *Complaint) any { return &c.Customer }},
	{Name: "organization", Column: "organization", Few: true, ptr: func(c *Complaint) any { return &c.Organization }},
	{Name: "assignee", Column: "assignee", Few: true, Correctable: true, ptr: func(c *Complaint) any { return &c.Assignee }},
	{Name: "assignee_name", Column: "assignee_name", Few: true, ptr: func(c *Complaint) any { return &c.AssigneeName }},
	{Name: "team", Column: "team", Few: true, Correctable: true, ptr: func(c *Complaint) any { return &c.Team }},
	{Name: "department", Column: "department", Few: true, ptr: func(c *Complaint) any { return &c.Department }},
	{Name: "title", Column: "title", Unique: true, ptr: func(c *Complaint) any { return &c.Title }},
	{Name: "url", Column: "url", Unique: true, ptr: func(c *Complaint) any { return &c.URL }},
	{Name: "labels", Column: "labels", ptr: func(c *Complaint) any { return &c.Labels }},
	{Name: "components", Column: "components", ptr: func(c *Complaint) any { return &c.Components }},
	{Column: "sla", ptr: func(c *Complaint) any { return &c.SLA }},
	{Name: "csat", Column: "csat", Correctable: true, ptr: func(c *Complaint) any { return &c.CSAT }},
	{Name: "events", Column: "events", ptr: func(c *Complaint) any { return &c.Events }},
	{Name: "fields", Column: "fields", ptr: func(c *Complaint) any { return &c.Fields }},
})

// initFields sets each field's Kind from its accessor. A field of a type
// no kind covers is a bug in the table, which panics at start-up.
func initFields(fs []Field) []Field {
	var c Complaint
	for i := range fs {
		f := &fs[i]
		switch p := f.ptr(&c).(type) {
		case *string:
			f.Kind = FieldString
		case *time.Time:
			f.Kind = FieldTime
		case *int:
			f.Kind = FieldCount
		case *bool:
			f.Kind = FieldBool
		case *[]string:
			f.Kind = FieldList
		case *[]Event:
			f.Kind = FieldEvents
		case *[]SLA:
			f.Kind = FieldSLA
		case **CSAT:
			f.Kind = FieldCSAT
		case *map[string]any:
			f.Kind = FieldMap
		default:
			panic(fmt.Sprintf("connectors: field %s has no kind for %T", f.Column, p))
		}
	}
	return fs
}

// FieldNamed returns the field whose import-format name is name.
func FieldNamed(name string) (*Field, bool) {
	for i := range Fields {
		if Fields[i].Name == name && name != "" {
			return &Fields[i], true
		}
	}
	return nil, false
}

// MustField returns the field named name, for a package that refers to a
// field by its name at start-up; a wrong name panics.
func MustField(name string) *Field {
	f, ok := FieldNamed(name)
	if !ok {
		panic("connectors: no field " + name)
	}
	return f
}

// Label names the field in messages: its import name, else its column.
func (f *Field) Label() string {
	if f.Name != "" {
		return f.Name
	}
	return f.Column
}

// The typed accessors return a pointer to the field in c, through which a
// format reads and sets it without boxing the value. Each panics when the
// field is of another kind, a bug in its caller.

// Str returns the FieldString field of c.
func (f *Field) Str(c *Complaint) *string { return f.ptr(c).(*string) }

// Time returns the FieldTime field of c.
func (f *Field) Time(c *Complaint) *time.Time { return f.ptr(c).(*time.Time) }

// Count returns the FieldCount field of c.
func (f *Field) Count(c *Complaint) *int { return f.ptr(c).(*int) }

// Bool returns the FieldBool field of c.
func (f *Field) Bool(c *Complaint) *bool { return f.ptr(c).(*bool) }

// List returns the FieldList field of c.
func (f *Field) List(c *Complaint) *[]string { return f.ptr(c).(*[]string) }

// Events returns the FieldEvents field of c.
func (f *Field) Events(c *Complaint) *[]Event { return f.ptr(c).(*[]Event) }

// SLA returns the FieldSLA field of c.
func (f *Field) SLA(c *Complaint) *[]SLA { return f.ptr(c).(*[]SLA) }

// CSAT returns the FieldCSAT field of c.
func (f *Field) CSAT(c *Complaint) **CSAT { return f.ptr(c).(**CSAT) }

// Map returns the FieldMap field of c.
func (f *Field) Map(c *Complaint) *map[string]any { return f.ptr(c).(*map[string]any) }

// Ptr returns a pointer to the field of c as an interface: *string,
// *time.Time, *int, *bool, *[]string, *[]Event, *[]SLA, **CSAT or
// *map[string]any, by Kind.
func (f *Field) Ptr(c *Complaint) any { return f.ptr(c) }

// Get returns the value of the field of c: a string, time.Time, int, bool,
// []string, []Event, []SLA, *CSAT or map[string]any, by Kind.
func (f *Field) Get(c *Complaint) any {
	return reflect.ValueOf(f.ptr(c)).Elem().Interface()
}

// Set sets the field of c to v, which must be of the type Get returns (nil
// for a nil slice, map or *CSAT). It fails, changing nothing, when v is of
// another type.
func (f *Field) Set(c *Complaint, v any) error {
	p := reflect.ValueOf(f.ptr(c)).Elem()
	if v == nil {
		switch p.Kind() {
		case reflect.Slice, reflect.Map, reflect.Pointer:
			p.SetZero()
			return nil
		}
		return fmt.Errorf("field %s: nil is not a %s", f.Label(), f.Kind)
	}
	val := reflect.ValueOf(v)
	if val.Type() != p.Type() {
		return fmt.Errorf("field %s: %T is not a %s", f.Label(), v, f.Kind)
	}
	p.Set(val)
	return nil
}

// IsZero reports whether the field of c has its zero value (an empty list
// or map counts as zero: every format leaves it out).
func (f *Field) IsZero(c *Complaint) bool {
	p := reflect.ValueOf(f.ptr(c)).Elem()
	switch p.Kind() {
	case reflect.Slice, reflect.Map:
		return p.Len() == 0
	}
	return p.IsZero()
}
