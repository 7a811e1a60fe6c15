package connectors

import (
	"reflect"
	"testing"
	"time"
)

// TestFieldsCoverComplaint holds the field table to the struct: every
// exported field of Complaint has exactly one entry, found by the address
// its accessor returns, so that a field added to the struct alone fails
// here (and with it every format that walks the table).
func TestFieldsCoverComplaint(t *testing.T) {
	var c Complaint
	base := reflect.ValueOf(&c).Elem()
	byAddr := map[uintptr]string{}
	for i := range Fields {
		f := &Fields[i]
		addr := reflect.ValueOf(f.Ptr(&c)).Pointer()
		if prev, dup := byAddr[addr]; dup {
			t.Errorf("fields %s and %s point at the same struct field", prev, f.Label())
		}
		byAddr[addr] = f.Label()
	}
	covered := map[string]bool{}
	for i := 0; i < base.NumField(); i++ {
		sf := base.Type().Field(i)
		if !sf.IsExported() {
			continue
		}
		addr := base.Field(i).Addr().Pointer()
		name, ok := byAddr[addr]
		if !ok {
			t.Errorf("Complaint.%s is not in connectors.Fields: add it to the table (and a store migration for its column)", sf.Name)
			continue
		}
		covered[name] = true
	}
	for i := range Fields {
		if !covered[Fields[i].Label()] {
			t.Errorf("field %s does not point at an exported field of Complaint", Fields[i].Label())
		}
	}
}

// TestFieldsTable checks the table's own rules: unique names and columns,
// the kind each flag makes sense for.
func TestFieldsTable(t *testing.T) {
	names, cols := map[string]bool{}, map[string]bool{}
	for i := range Fields {
		f := &Fields[i]
		if f.Column == "" {
			t.Errorf("field %s has no store column", f.Label())
		}
		if cols[f.Column] {
			t.Errorf("column %s twice", f.Column)
		}
		cols[f.Column] = true
		if f.Name != "" {
			if names[f.Name] {
				t.Errorf("name %s twice", f.Name)
			}
			names[f.Name] = true
			if g, ok := FieldNamed(f.Name); !ok || g != f {
				t.Errorf("FieldNamed(%q) = %v, %v; want the table's entry", f.Name, g, ok)
			}
		}
		if (f.Unique || f.Few || f.Values != nil) && f.Kind != FieldString {
			t.Errorf("field %s: Unique, Few and Values are for strings, not %s", f.Label(), f.Kind)
		}
		if f.Unique && f.Few {
			t.Errorf("field %s is both Unique and Few", f.Label())
		}
		if f.Correctable && f.Name == "" {
			t.Errorf("field %s is correctable but has no name to correct it by", f.Label())
		}
	}
	if _, ok := FieldNamed(""); ok {
		t.Error(`FieldNamed("") found a field`)
	}
}

// sample returns a non-zero value of kind k, distinct per seed.
func sample(k FieldKind, seed int) any {
	at := time.Date(2026, 3, 1, 9, seed, 0, 0, time.UTC)
	switch k {
	case FieldString:
		return "v" + string(rune('a'+seed))
	case FieldTime:
		return at
	case FieldCount:
		return seed + 1
	case FieldBool:
		return true
	case FieldList:
		return []string{"x", "y"}
	case FieldEvents:
		return []Event{{At: at, Kind: EventComment, Actor: "a", Role: RoleAgent, Public: true}}
	case FieldSLA:
		return []SLA{{Name: "ttr", Goal: 60}}
	case FieldCSAT:
		return &CSAT{Value: 4, Scale: 5}
	case FieldMap:
		return map[string]any{"k": "v"}
	}
	panic(k)
}

func TestFieldGetSet(t *testing.T) {
	for i := range Fields {
		f := &Fields[i]
		var c Complaint
		if !f.IsZero(&c) {
			t.Errorf("%s: IsZero of a zero complaint = false", f.Label())
		}
		v := sample(f.Kind, i)
		if err := f.Set(&c, v); err != nil {
			t.Fatalf("%s: Set(%v): %v", f.Label(), v, err)
		}
		if got := f.Get(&c); !reflect.DeepEqual(got, v) {
			t.Errorf("%s: Get after Set = %v, want %v", f.Label(), got, v)
		}
		if f.IsZero(&c) {
			t.Errorf("%s: IsZero after Set(%v) = true", f.Label(), v)
		}
		// Only this field changed.
		want := Complaint{}
		reflect.ValueOf(f.Ptr(&want)).Elem().Set(reflect.ValueOf(v))
		if !reflect.DeepEqual(c, want) {
			t.Errorf("%s: Set changed other fields: %+v", f.Label(), c)
		}
		if err := f.Set(&c, struct{}{}); err == nil {
			t.Errorf("%s: Set(struct{}{}) succeeded", f.Label())
		}
		switch f.Kind {
		case FieldList, FieldEvents, FieldSLA, FieldCSAT, FieldMap:
			if err := f.Set(&c, nil); err != nil || !f.IsZero(&c) {
				t.Errorf("%s: Set(nil) = %v, zero %v", f.Label(), err, f.IsZero(&c))
			}
		default:
			if err := f.Set(&c, nil); err == nil {
				t.Errorf("%s: Set(nil) succeeded on a %s", f.Label(), f.Kind)
			}
		}
	}
}

func TestTypedAccessors(t *testing.T) {
	var c Complaint
	MustField("title").Str(&c)
	*MustField("title").Str(&c) = "t"
	*MustField("created_at").Time(&c) = time.Unix(1, 0)
	*MustField("reopens").Count(&c) = 2
	*MustField("escalated").Bool(&c) = true
	*MustField("labels").List(&c) = []string{"l"}
	*MustField("events").Events(&c) = []Event{{Kind: EventComment}}
	*MustField("csat").CSAT(&c) = &CSAT{Value: 1}
	*MustField("fields").Map(&c) = map[string]any{"a": 1.0}
	want := Complaint{Title: "t", CreatedAt: time.Unix(1, 0), Reopens: 2, Escalated: true, Labels: []string{"l"},
		Events: []Event{{Kind: EventComment}}, CSAT: &CSAT{Value: 1}, Fields: map[string]any{"a": 1.0}}
	if !reflect.DeepEqual(c, want) {
		t.Errorf("got %+v, want %+v", c, want)
	}
	defer func() {
		if recover() == nil {
			t.Error("Str on a time field did not panic")
		}
	}()
	MustField("created_at").Str(&c)
}
