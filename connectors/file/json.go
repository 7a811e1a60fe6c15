package file

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/kpidesk/kpidesk/connectors"
	"github.com/kpidesk/kpidesk/internal/control"
)

// The JSON readers below walk the tokens of a line with jsontext rather than
// unmarshal into a struct: that names the exact key at fault, tells a null
// from an absent key, collects every problem of a line instead of the first,
// and is fast enough for the import target (SPEC §12). A returned error is a
// syntax error that makes the rest of the line unreadable; everything else
// is a problem recorded on the builder, and the walk goes on.

// names finds a repeated member name in one JSON object (RFC 8259 leaves
// its meaning open; the import refuses it, SPEC §12). The decoders run with
// jsontext.AllowDuplicateNames, which spares jsontext's own check, a tenth
// of an import's decoding: this one knows most names by their index in
// the object's known names, and keeps the few others in a list.
type names struct {
	known uint64
	other []string
	many  map[string]bool // other, once it is long
}

// add records name, known as index i of the object's names when known,
// and fails if the object had it before, as jsontext would.
func (n *names) add(name []byte, i int, known bool) error {
	if known && i < 64 {
		bit := uint64(1) << i
		if n.known&bit != 0 {
			return duplicateName(name)
		}
		n.known |= bit
		return nil
	}
	if n.many != nil {
		if n.many[string(name)] {
			return duplicateName(name)
		}
		n.many[string(name)] = true
		return nil
	}
	for _, o := range n.other {
		if o == string(name) {
			return duplicateName(name)
		}
	}
	n.other = append(n.other, string(name))
	if len(n.other) > 16 {
		n.many = make(map[string]bool, 2*len(n.other))
		for _, o := range n.other {
			n.many[o] = true
		}
	}
	return nil
}

// duplicateName is jsontext's error for a repeated name, which
// syntaxReason words.
func duplicateName(name []byte) error {
	return &jsontext.SyntacticError{Err: jsontext.ErrDuplicateName, JSONPointer: jsontext.Pointer("/" + pointerToken.Replace(string(name)))}
}

// pointerToken escapes a name as a JSON Pointer token (RFC 6901).
var pointerToken = strings.NewReplacer("~", "~0", "/", "~1")

// unquote returns the content of a JSON string value. It aliases v unless
// the string has escapes, in which case it uses b.scratch.
func (b *builder) unquote(v jsontext.Value) []byte {
	raw := v[1 : len(v)-1]
	if bytes.IndexByte(raw, '\\') < 0 {
		return raw
	}
	out, err := jsontext.AppendUnquote(b.scratch[:0], v)
	if err != nil { // cannot happen: the decoder validated v
		return raw
	}
	b.scratch = out
	return out
}

// wrong skips a value of the wrong kind and records why.
func (b *builder) wrong(d *jsontext.Decoder, k jsontext.Kind, name, want string) error {
	if err := d.SkipValue(); err != nil {
		return err
	}
	b.bad(name, "want "+want+", got "+kindName(k))
	return nil
}

// str reads a string value, unquoted; a value of another kind is skipped
// and reported as not the wanted one, and ok is false.
func (b *builder) str(d *jsontext.Decoder, k jsontext.Kind, name, want string) (s []byte, ok bool, err error) {
	if k != '"' {
		return nil, false, b.wrong(d, k, name, want)
	}
	v, err := d.ReadValue()
	if err != nil {
		return nil, false, err
	}
	return b.unquote(v), true, nil
}

// jsonObject reads a complaint object; the next token of d must be '{'.
func (b *builder) jsonObject(d *jsontext.Decoder) error {
	if _, err := d.ReadToken(); err != nil {
		return err
	}
	var seen names
	for d.PeekKind() != '}' {
		name, err := d.ReadValue()
		if err != nil {
			return err
		}
		key := b.unquote(name)
		f, ok := lookupField(key)
		if err := seen.add(key, int(f), ok); err != nil {
			return err
		}
		if !ok {
			b.bad(fieldLabel(key), unknownKey(key, fieldNames))
			if err := d.SkipValue(); err != nil {
				return err
			}
			continue
		}
		if err := b.jsonField(d, f); err != nil {
			return err
		}
	}
	_, err := d.ReadToken()
	return err
}

// jsonField reads the value of top-level field f.
func (b *builder) jsonField(d *jsontext.Decoder, f field) error {
	k := d.PeekKind()
	if k == 'n' {
		_, err := d.ReadToken()
		if f.derived() {
			b.setNull(f)
		}
		return err
	}
	switch f.typ() {
	case connectors.FieldString:
		if k != '"' && k != '0' {
			b.mark(f)
			return b.wrong(d, k, f.String(), "a string")
		}
		v, err := d.ReadValue()
		if err != nil {
			return err
		}
		raw := []byte(v) // numeric ids and customer numbers are common in exports
		if k == '"' {
			raw = b.unquote(v)
		}
		if f.interned() {
			b.setString(f, b.intern(raw))
		} else {
			b.setString(f, string(raw))
		}
	case connectors.FieldTime:
		if k != '"' {
			b.mark(f)
			return b.wrong(d, k, f.String(), "a time string")
		}
		v, err := d.ReadValue()
		if err != nil {
			return err
		}
		setTime(b, f, b.unquote(v))
	case connectors.FieldCount:
		if k != '0' {
			b.mark(f)
			return b.wrong(d, k, f.String(), "a whole number")
		}
		v, err := d.ReadValue()
		if err != nil {
			return err
		}
		setCount(b, f, v)
	case connectors.FieldBool:
		if k != 't' && k != 'f' {
			b.mark(f)
			return b.wrong(d, k, f.String(), "true or false")
		}
		tok, err := d.ReadToken()
		if err != nil {
			return err
		}
		b.setBool(f, tok.Bool())
	case connectors.FieldList:
		b.mark(f)
		if k != '[' {
			return b.wrong(d, k, f.String(), "an array of strings")
		}
		return b.jsonLabels(d, f)
	case connectors.FieldCSAT:
		b.mark(f)
		return b.jsonCSAT(d, k)
	case connectors.FieldEvents:
		b.mark(f)
		if k != '[' {
			return b.wrong(d, k, f.String(), "an array of objects")
		}
		return b.jsonEvents(d)
	case connectors.FieldMap:
		b.mark(f)
		if k != '{' {
			return b.wrong(d, k, f.String(), "an object")
		}
		v, err := b.jsonAny(d, f.String())
		if err != nil {
			return err
		}
		if m := v.(map[string]any); len(m) > 0 {
			*f.def().Map(b.c) = m
		}
	default:
		panic("file: no reader for field " + f.String() + " of kind " + f.typ().String())
	}
	return nil
}

// jsonLabels reads the array of strings of FieldList field f; empty
// strings are dropped.
func (b *builder) jsonLabels(d *jsontext.Decoder, f field) error {
	if _, err := d.ReadToken(); err != nil {
		return err
	}
	var labels []string
	for i := 0; d.PeekKind() != ']'; i++ {
		k := d.PeekKind()
		s, ok, err := b.str(d, k, fmt.Sprintf("%s[%d]", f, i), "a string")
		if err != nil {
			return err
		}
		if ok && len(s) > 0 {
			if reason := control.Check(s); reason != "" {
				b.bad(fmt.Sprintf("%s[%d]", f, i), reason)
				continue
			}
			labels = append(labels, string(s))
		}
	}
	*b.list(f) = labels
	_, err := d.ReadToken()
	return err
}

// jsonCSAT reads a survey answer: an object, or a bare number as its value.
func (b *builder) jsonCSAT(d *jsontext.Decoder, k jsontext.Kind) error {
	cs := &connectors.CSAT{Scale: 5}
	hasValue := false
	switch k {
	case '0':
		v, err := d.ReadValue()
		if err != nil {
			return err
		}
		if cs.Value, hasValue = b.number(v, "csat"); !hasValue {
			return nil
		}
	case '{':
		if _, err := d.ReadToken(); err != nil {
			return err
		}
		var seen names
		for d.PeekKind() != '}' {
			name, err := d.ReadValue()
			if err != nil {
				return err
			}
			key := b.unquote(name)
			i := slices.Index(csatKeys, string(key))
			if err := seen.add(key, i, i >= 0); err != nil {
				return err
			}
			k := d.PeekKind()
			if k == 'n' && (string(key) == "at" || string(key) == "comment") {
				if _, err := d.ReadToken(); err != nil {
					return err
				}
				continue
			}
			switch string(key) {
			case "value", "scale":
				label := "csat." + string(key)
				if k != '0' {
					if err := b.wrong(d, k, label, "a number"); err != nil {
						return err
					}
					if label == "csat.value" {
						hasValue = true // reported already
					}
					continue
				}
				v, err := d.ReadValue()
				if err != nil {
					return err
				}
				x, ok := b.number(v, label)
				if label == "csat.value" {
					hasValue = true
					cs.Value = x
				} else if ok {
					cs.Scale = x
				}
			case "at":
				s, ok, err := b.str(d, k, "csat.at", "a time string")
				if err != nil {
					return err
				}
				if ok && len(s) > 0 {
					t, reason := parseTime(s)
					if reason != "" {
						b.bad("csat.at", reason)
					}
					cs.At = t
				}
			case "comment":
				s, ok, err := b.str(d, k, "csat.comment", "a string")
				if err != nil {
					return err
				}
				if ok {
					cs.Comment = control.StripText(string(s))
				}
			default:
				b.bad("csat."+fieldLabel(key), unknownKey(key, csatKeys))
				if err := d.SkipValue(); err != nil {
					return err
				}
			}
		}
		if _, err := d.ReadToken(); err != nil {
			return err
		}
	default:
		return b.wrong(d, k, "csat", "an object")
	}
	switch {
	case !hasValue:
		b.bad("csat.value", "required")
	case cs.Scale <= 0:
		b.bad("csat.scale", "must be positive, got "+fmtNum(cs.Scale))
	case cs.Value < 0 || cs.Value > cs.Scale:
		b.bad("csat.value", fmtNum(cs.Value)+" is outside 0.."+fmtNum(cs.Scale))
	}
	*fCSAT.def().CSAT(b.c) = cs
	return nil
}

var csatKeys = []string{"value", "scale", "at", "comment"}

// number parses a JSON number value into a finite float64.
func (b *builder) number(v jsontext.Value, label string) (float64, bool) {
	x, err := strconv.ParseFloat(string(v), 64)
	if err != nil || math.IsInf(x, 0) {
		b.bad(label, "number out of range: "+quoteShort(v))
		return 0, false
	}
	return x, true
}

func fmtNum(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }

var eventKeys = []string{"at", "kind", "actor", "role", "public", "from", "to"}

// jsonEvents reads the events array.
func (b *builder) jsonEvents(d *jsontext.Decoder) error {
	if _, err := d.ReadToken(); err != nil {
		return err
	}
	evs := b.evs[:0]
	for i := 0; d.PeekKind() != ']'; i++ {
		k := d.PeekKind()
		if k != '{' {
			if err := b.wrong(d, k, fmt.Sprintf("events[%d]", i), "an object"); err != nil {
				return err
			}
			continue
		}
		e, err := b.jsonEvent(d, i)
		if err != nil {
			return err
		}
		evs = append(evs, e)
	}
	if _, err := d.ReadToken(); err != nil {
		return err
	}
	b.evs = evs
	if len(evs) > 0 {
		*fEvents.def().Events(b.c) = slices.Clone(evs)
	}
	return nil
}

func eventLabel(i int, key string) string { return fmt.Sprintf("events[%d].%s", i, key) }

// eventString reads the string value of events[i].key: a JSON string, or a
// number where numeric is set (actor ids). ok is false for null, for an
// empty string and for a value of the wrong kind, which is reported.
func (b *builder) eventString(d *jsontext.Decoder, k jsontext.Kind, i int, key string, want string, numeric bool) (s []byte, ok bool, err error) {
	switch {
	case k == 'n':
		_, err = d.ReadToken()
		return nil, false, err
	case k == '"' || numeric && k == '0':
	default:
		if err := d.SkipValue(); err != nil {
			return nil, false, err
		}
		b.bad(eventLabel(i, key), "want "+want+", got "+kindName(k))
		return nil, false, nil
	}
	v, err := d.ReadValue()
	if err != nil {
		return nil, false, err
	}
	if k == '"' {
		v = b.unquote(v)
	}
	if reason := control.Check(v); reason != "" {
		b.bad(eventLabel(i, key), reason)
		return nil, false, nil
	}
	return v, len(v) > 0, nil
}

// jsonEvent reads events[i].
func (b *builder) jsonEvent(d *jsontext.Decoder, i int) (connectors.Event, error) {
	var e connectors.Event
	if _, err := d.ReadToken(); err != nil {
		return e, err
	}
	hasAt, hasKind := false, false
	var seen names
	for d.PeekKind() != '}' {
		name, err := d.ReadValue()
		if err != nil {
			return e, err
		}
		key := b.unquote(name)
		ki := slices.Index(eventKeys, string(key))
		if err := seen.add(key, ki, ki >= 0); err != nil {
			return e, err
		}
		k := d.PeekKind()
		var s []byte
		var ok bool
		switch string(key) {
		case "at":
			hasAt = k != 'n'
			if s, ok, err = b.eventString(d, k, i, "at", "a time string", false); ok {
				t, reason := parseTime(s)
				if reason != "" {
					b.bad(eventLabel(i, "at"), reason)
				}
				e.At = t
			} else if k == '"' {
				hasAt = false // empty string
			}
		case "kind":
			hasKind = k != 'n'
			if s, ok, err = b.eventString(d, k, i, "kind", "a string", false); ok {
				kind, known := eventKind(s)
				if !known {
					b.bad(eventLabel(i, "kind"), "unknown kind "+quoteShort(s)+": want one of "+eventKindList)
				}
				e.Kind = kind
			} else if k == '"' {
				hasKind = false
			}
		case "role":
			if s, ok, err = b.eventString(d, k, i, "role", "a string", false); ok {
				role, known := eventRole(s)
				if !known {
					b.bad(eventLabel(i, "role"), "unknown role "+quoteShort(s)+": want customer, agent or bot")
				}
				e.Role = role
			}
		case "actor":
			if s, ok, err = b.eventString(d, k, i, "actor", "a string", true); ok {
				e.Actor = b.intern(s)
			}
		case "from":
			if s, ok, err = b.eventString(d, k, i, "from", "a string", true); ok {
				e.From = b.intern(s)
			}
		case "to":
			if s, ok, err = b.eventString(d, k, i, "to", "a string", true); ok {
				e.To = b.intern(s)
			}
		case "public":
			switch k {
			case 't', 'f', 'n':
				var tok jsontext.Token
				if tok, err = d.ReadToken(); err == nil && k != 'n' {
					e.Public = tok.Bool()
				}
			default:
				err = b.wrong(d, k, eventLabel(i, "public"), "true or false")
			}
		default:
			b.bad(eventLabel(i, fieldLabel(key)), unknownKey(key, eventKeys))
			err = d.SkipValue()
		}
		if err != nil {
			return e, err
		}
	}
	if _, err := d.ReadToken(); err != nil {
		return e, err
	}
	if !hasAt {
		b.bad(eventLabel(i, "at"), "required")
	}
	if !hasKind {
		b.bad(eventLabel(i, "kind"), "required")
	}
	return e, nil
}

var eventKindList = func() string {
	s := make([]string, len(connectors.EventKinds))
	for i, k := range connectors.EventKinds {
		s[i] = string(k)
	}
	return strings.Join(s, ", ")
}()

// eventKind returns the connectors.EventKinds value s names, ignoring case.
func eventKind(s []byte) (connectors.EventKind, bool) {
	for _, k := range connectors.EventKinds {
		if string(s) == string(k) {
			return k, true
		}
	}
	for _, k := range connectors.EventKinds {
		if bytes.EqualFold(s, []byte(k)) {
			return k, true
		}
	}
	return "", false
}

// eventRole returns the role s names, ignoring case.
func eventRole(s []byte) (connectors.Role, bool) {
	for _, r := range [...]connectors.Role{connectors.RoleAgent, connectors.RoleCustomer, connectors.RoleBot} {
		if string(s) == string(r) || bytes.EqualFold(s, []byte(r)) {
			return r, true
		}
	}
	return "", false
}

// jsonAny reads any JSON value as the usual Go values: map[string]any,
// []any, string, float64, bool and nil. Numbers out of float64 range are a
// problem at path.
func (b *builder) jsonAny(d *jsontext.Decoder, path string) (any, error) {
	switch k := d.PeekKind(); k {
	case '{':
		if _, err := d.ReadToken(); err != nil {
			return nil, err
		}
		m := make(map[string]any)
		var seen names
		for d.PeekKind() != '}' {
			name, err := d.ReadToken()
			if err != nil {
				return nil, err
			}
			raw := name.String()
			if err := seen.add([]byte(raw), 0, false); err != nil {
				return nil, err
			}
			key := control.StripText(raw)
			v, err := b.jsonAny(d, path+"."+key)
			if err != nil {
				return nil, err
			}
			m[key] = v
		}
		_, err := d.ReadToken()
		return m, err
	case '[':
		if _, err := d.ReadToken(); err != nil {
			return nil, err
		}
		a := []any{}
		for i := 0; d.PeekKind() != ']'; i++ {
			v, err := b.jsonAny(d, fmt.Sprintf("%s[%d]", path, i))
			if err != nil {
				return nil, err
			}
			a = append(a, v)
		}
		_, err := d.ReadToken()
		return a, err
	case '0':
		v, err := d.ReadValue()
		if err != nil {
			return nil, err
		}
		x, _ := b.number(v, path)
		return x, nil
	default:
		tok, err := d.ReadToken()
		if err != nil {
			return nil, err
		}
		switch k {
		case '"':
			return control.StripText(tok.String()), nil
		case 't', 'f':
			return tok.Bool(), nil
		}
		return nil, nil
	}
}

// fieldLabel prints an untrusted key as a problem's field: as it is when it
// looks like a key, quoted otherwise.
func fieldLabel(key []byte) string {
	if len(key) == 0 || len(key) > 60 {
		return quoteShort(key)
	}
	for _, c := range key {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-' || c == '.') {
			return quoteShort(key)
		}
	}
	return string(key)
}

// unknownKey is the reason for an unknown key, with a suggestion when the
// key is a near miss of a known one: typo protection (SPEC §12).
func unknownKey(key []byte, known []string) string {
	if s := suggest(strings.ToLower(string(key)), known); s != "" {
		return "unknown key (did you mean " + s + "?)"
	}
	return "unknown key"
}

// suggest returns the known name closest to s, if it is close: at most two
// edits away, or equal to it but for case.
func suggest(s string, known []string) string {
	best, bestD := "", 3
	for _, k := range known {
		if d := editDistance(s, k, bestD); d < bestD {
			best, bestD = k, d
		}
	}
	if bestD > 0 && bestD*3 > len(s) { // "ab" is not a typo of "id"
		return ""
	}
	return best
}

// editDistance is the Levenshtein distance of a and b, or limit when it is
// at least limit.
func editDistance(a, b string, limit int) int {
	if len(a)-len(b) >= limit || len(b)-len(a) >= limit {
		return limit
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return min(prev[len(b)], limit)
}

// cellDecoder reads the JSON text of one CSV cell.
type cellDecoder struct {
	buf bytes.Buffer
	dec jsontext.Decoder
}

// jsonCell reads the JSON text of a CSV cell as top-level field f.
func (b *builder) jsonCell(f field, cell string) {
	cd := &b.cell
	cd.buf.Reset()
	cd.buf.WriteString(cell)
	cd.dec.Reset(&cd.buf, jsontext.AllowDuplicateNames(true))
	n := len(b.probs)
	err := b.jsonField(&cd.dec, f)
	if err == nil {
		if _, err = cd.dec.ReadToken(); err == io.EOF {
			return
		} else if err == nil {
			err = fmt.Errorf("unexpected data after the value")
		}
	}
	// Problems found before the syntax error are dropped, as for a JSONL
	// line: the cell is unreadable as a whole.
	b.probs = b.probs[:n]
	b.mark(f)
	b.bad(f.String(), "invalid JSON: "+syntaxReason(err))
}
