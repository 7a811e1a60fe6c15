package store

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"math/bits"
	"slices"
	"strconv"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/kpidesk/kpidesk/connectors"
)

// The decoders below read the JSON blobs back without reflection: through
// encoding/json they were more than half the cost of Each. They accept any
// valid JSON of the right shape and mean what encoding/json means by it
// (unknown keys ignored, keys matched case-insensitively, the last of
// duplicate keys wins, null leaves a field zero, numbers in Fields are
// float64); FuzzDecode holds them to that.

// maxDepth bounds nesting in Fields, as encoding/json does.
const maxDepth = 10000

// reader is a cursor over one JSON text.
type reader struct {
	b     []byte
	i     int
	err   error
	depth int
	buf   []byte    // scratch for strings with escapes
	anys  []any     // scratch: a stack of the elements of the arrays being read
	strs  *interner // may be nil
}

func (r *reader) fail(format string, args ...any) {
	if r.err == nil {
		r.err = fmt.Errorf("json offset %d: %s", r.i, fmt.Sprintf(format, args...))
	}
	r.i = len(r.b) // stop every loop
}

// next skips white space and returns the next byte without consuming it,
// or 0 at the end.
func (r *reader) next() byte {
	for r.i < len(r.b) {
		switch c := r.b[r.i]; c {
		case ' ', '\t', '\n', '\r':
			r.i++
		default:
			return c
		}
	}
	return 0
}

// finish checks that nothing but white space follows the value.
func (r *reader) finish() error {
	if r.err == nil {
		if r.next(); r.i < len(r.b) {
			r.fail("unexpected %q after value", r.b[r.i])
		}
	}
	return r.err
}

// null consumes a null and reports whether there was one.
func (r *reader) null() bool {
	if r.next() == 'n' {
		r.literal("null")
		return true
	}
	return false
}

func (r *reader) literal(word string) {
	if !bytes.HasPrefix(r.b[r.i:], []byte(word)) {
		r.fail("invalid literal")
		return
	}
	r.i += len(word)
}

// array calls elem for each element of an array; null is an empty array.
// It reports whether the value was an array (rather than null).
func (r *reader) array(elem func()) bool {
	switch r.next() {
	case 'n':
		r.literal("null")
		return false
	case '[':
		r.i++
	default:
		r.fail("want an array")
		return false
	}
	if r.next() == ']' {
		r.i++
		return true
	}
	for r.err == nil {
		elem()
		switch r.next() {
		case ',':
			r.i++
		case ']':
			r.i++
			return true
		default:
			r.fail("want , or ] in array")
		}
	}
	return true
}

// object calls member for each key of an object, with the reader on the
// key's value; the key is valid only during the call. null is an empty
// object. It reports whether the value was an object (rather than null).
func (r *reader) object(member func(key []byte)) bool {
	switch r.next() {
	case 'n':
		r.literal("null")
		return false
	case '{':
		r.i++
	default:
		r.fail("want an object")
		return false
	}
	if r.next() == '}' {
		r.i++
		return true
	}
	for r.err == nil {
		if r.next() != '"' {
			r.fail("want a key")
			return true
		}
		key := r.stringBytes()
		if r.next() != ':' {
			r.fail("want : after key")
			return true
		}
		r.i++
		member(key)
		switch r.next() {
		case ',':
			r.i++
		case '}':
			r.i++
			return true
		default:
			r.fail("want , or } in object")
		}
	}
	return true
}

// plain is true for the bytes a JSON string holds as themselves, ASCII
// alone: not '"', '\\' or a control character.
var plain = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// stringBytes reads a string, returning its unescaped bytes; they alias
// the input or r.buf, so they are valid until the next string.
func (r *reader) stringBytes() []byte {
	if r.next() != '"' {
		r.fail("want a string")
		return nil
	}
	r.i++
	start := r.i
	// Fastest path: printable ASCII without escapes, most strings.
	for r.i < len(r.b) && plain[r.b[r.i]] {
		r.i++
	}
	if r.i < len(r.b) && r.b[r.i] == '"' {
		r.i++
		return r.b[start : r.i-1]
	}
	// Fast path: no escapes, control characters or invalid UTF-8.
	ascii := true
	for r.i < len(r.b) {
		c := r.b[r.i]
		switch {
		case c == '"':
			if s := r.b[start:r.i]; ascii || utf8.Valid(s) {
				r.i++
				return s
			}
			return r.slowString(start)
		case c == '\\' || c < 0x20:
			return r.slowString(start)
		case c >= utf8.RuneSelf:
			ascii = false
		}
		r.i++
	}
	r.fail("unterminated string")
	return nil
}

// slowString unescapes the string starting at start the way encoding/json
// does: invalid UTF-8 and lone surrogates become U+FFFD.
func (r *reader) slowString(start int) []byte {
	out := r.buf[:0]
	r.i = start
	for r.i < len(r.b) {
		c := r.b[r.i]
		switch {
		case c == '"':
			r.i++
			r.buf = out
			return out
		case c < 0x20:
			r.fail("control character in string")
			return nil
		case c == '\\':
			if r.i+1 >= len(r.b) {
				r.fail("unterminated string")
				return nil
			}
			r.i += 2
			switch e := r.b[r.i-1]; e {
			case '"', '\\', '/':
				out = append(out, e)
			case 'b':
				out = append(out, '\b')
			case 'f':
				out = append(out, '\f')
			case 'n':
				out = append(out, '\n')
			case 'r':
				out = append(out, '\r')
			case 't':
				out = append(out, '\t')
			case 'u':
				rr := r.hex4()
				if r.err != nil {
					return nil
				}
				if utf16.IsSurrogate(rr) {
					dec := utf8.RuneError
					if bytes.HasPrefix(r.b[r.i:], []byte(`\u`)) {
						save := r.i
						r.i += 2
						lo := r.hex4()
						if r.err != nil {
							return nil
						}
						if d := utf16.DecodeRune(rr, lo); d != utf8.RuneError {
							dec = d
						} else {
							r.i = save // not a pair: the next escape stands alone
						}
					}
					rr = dec
				}
				out = utf8.AppendRune(out, rr)
			default:
				r.fail("invalid escape")
				return nil
			}
		case c < utf8.RuneSelf:
			out = append(out, c)
			r.i++
		default:
			rr, size := utf8.DecodeRune(r.b[r.i:])
			out = utf8.AppendRune(out, rr) // RuneError for invalid UTF-8
			r.i += size
		}
	}
	r.fail("unterminated string")
	return nil
}

func (r *reader) hex4() rune {
	if r.i+4 > len(r.b) {
		r.fail("short \\u escape")
		return 0
	}
	var v rune
	for _, c := range r.b[r.i : r.i+4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c -= 'a' - 10
		case 'A' <= c && c <= 'F':
			c -= 'A' - 10
		default:
			r.fail("invalid \\u escape")
			return 0
		}
		v = v<<4 | rune(c)
	}
	r.i += 4
	return v
}

// string reads a string or null (""), through the interner if there is one.
func (r *reader) string() string {
	if r.null() {
		return ""
	}
	return r.strs.get(r.stringBytes())
}

// interner shares equal strings among the complaints one decoder of a read
// decodes (see decoder): actors, labels, SLA names, Fields keys and the
// low-cardinality columns repeat across millions of rows, and a shared string costs neither an allocation nor memory in a
// caller that keeps the complaints. It stops adding at maxInterned entries,
// so a column of unique values costs one map lookup a row. A nil *interner
// just copies.
//
// In front of the map is a small cache indexed by a cheap hash of a few
// bytes: a read looks up some twenty strings a complaint, and a hit there
// costs a third of a map lookup.
type interner struct {
	m     map[string]string
	boxed map[string]any
	cache [1 << 10]string
}

// cacheSlot hashes the length, first and last bytes of b to a cache index.
func cacheSlot(b []byte) int {
	x := uint64(len(b))
	if len(b) >= 8 {
		x ^= binary.LittleEndian.Uint64(b) ^ bits.RotateLeft64(binary.LittleEndian.Uint64(b[len(b)-8:]), 29)
	} else {
		for _, c := range b {
			x = x<<8 ^ uint64(c)
		}
	}
	return int((x * 0x9e3779b97f4a7c15) >> (64 - 10))
}

const maxInterned = 1 << 14

func newInterner() *interner {
	return &interner{m: make(map[string]string), boxed: make(map[string]any)}
}

func (in *interner) get(b []byte) string {
	if in == nil {
		return string(b)
	}
	slot := &in.cache[cacheSlot(b)]
	if *slot == string(b) {
		return *slot
	}
	s, ok := in.m[string(b)]
	if !ok {
		s = string(b)
		if len(in.m) < maxInterned {
			in.m[s] = s
		}
	}
	*slot = s
	return s
}

// value is get for a string in an interface (in Fields): boxing a string
// allocates too, so the boxed values are shared as well.
func (in *interner) value(b []byte) any {
	if in == nil {
		return string(b)
	}
	if v, ok := in.boxed[string(b)]; ok {
		return v
	}
	var v any = in.get(b)
	if len(in.boxed) < maxInterned {
		in.boxed[v.(string)] = v
	}
	return v
}

// Known values of event kind and role, shared instead of allocated again
// for each of millions of events.
var (
	eventKinds []string
	roles      = []string{string(connectors.RoleAgent), string(connectors.RoleCustomer), string(connectors.RoleBot)}
)

func init() {
	for _, k := range connectors.EventKinds {
		eventKinds = append(eventKinds, string(k))
	}
}

// known reads a string or null, returning the equal element of known
// rather than a new copy when there is one.
func (r *reader) known(known []string) string {
	if r.null() {
		return ""
	}
	b := r.stringBytes()
	for _, k := range known {
		if string(b) == k {
			return k
		}
	}
	return string(b)
}

// number reads the text of a JSON number.
func (r *reader) number() []byte {
	r.next()
	start := r.i
	digits := func() int {
		n := 0
		for r.i < len(r.b) && '0' <= r.b[r.i] && r.b[r.i] <= '9' {
			r.i++
			n++
		}
		return n
	}
	if r.i < len(r.b) && r.b[r.i] == '-' {
		r.i++
	}
	if r.i < len(r.b) && r.b[r.i] == '0' {
		r.i++
	} else if digits() == 0 {
		r.fail("want a number")
		return nil
	}
	if r.i < len(r.b) && r.b[r.i] == '.' {
		r.i++
		if digits() == 0 {
			r.fail("want digits after .")
			return nil
		}
	}
	if r.i < len(r.b) && (r.b[r.i] == 'e' || r.b[r.i] == 'E') {
		r.i++
		if r.i < len(r.b) && (r.b[r.i] == '+' || r.b[r.i] == '-') {
			r.i++
		}
		if digits() == 0 {
			r.fail("want digits in exponent")
			return nil
		}
	}
	return r.b[start:r.i]
}

func (r *reader) int() int64 {
	if r.null() {
		return 0
	}
	s := r.number()
	if r.err != nil {
		return 0
	}
	if n, ok := smallInt(s); ok {
		return n
	}
	n, err := strconv.ParseInt(string(s), 10, 64)
	if err != nil {
		r.fail("number %s is not an integer", s)
	}
	return n
}

// smallInt parses s if it is a JSON integer of at most 18 digits, so that
// it fits in an int64 and in a float64 exactly when it has 15 or fewer.
func smallInt(s []byte) (n int64, ok bool) {
	digits := s
	if len(s) > 0 && s[0] == '-' {
		digits = s[1:]
	}
	if len(digits) == 0 || len(digits) > 18 {
		return 0, false
	}
	for _, c := range digits {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	if len(digits) < len(s) {
		n = -n
	}
	return n, true
}

func (r *reader) float() float64 {
	if r.null() {
		return 0
	}
	s := r.number()
	if r.err != nil {
		return 0
	}
	// An integer of up to 15 digits is exactly a float64; -0 is not an
	// int64.
	if n, ok := smallInt(s); ok && len(s) <= 15 && s[0] != '-' {
		return float64(n)
	}
	f, err := strconv.ParseFloat(string(s), 64)
	if err != nil {
		r.fail("number %s out of range", s)
	}
	return f
}

func (r *reader) bool() bool {
	switch r.next() {
	case 't':
		r.literal("true")
		return true
	case 'f':
		r.literal("false")
	case 'n':
		r.literal("null")
	default:
		r.fail("want a boolean")
	}
	return false
}

// value reads any JSON value as encoding/json does into an interface.
func (r *reader) value() any {
	switch c := r.next(); {
	case c == '{':
		if r.depth++; r.depth > maxDepth {
			r.fail("nested too deeply")
			return nil
		}
		m := map[string]any{}
		r.object(func(key []byte) { k := r.strs.get(key); m[k] = r.value() })
		r.depth--
		return m
	case c == '[':
		if r.depth++; r.depth > maxDepth {
			r.fail("nested too deeply")
			return nil
		}
		// Elements go on the r.anys stack first, then to a slice of the
		// exact length; an inner array pushes and pops its own.
		start := len(r.anys)
		r.array(func() {
			v := r.value()
			r.anys = append(r.anys, v)
		})
		a := make([]any, len(r.anys)-start)
		copy(a, r.anys[start:])
		clear(r.anys[start:])
		r.anys = r.anys[:start]
		r.depth--
		return a
	case c == '"':
		return r.strs.value(r.stringBytes())
	case c == 't' || c == 'f':
		return r.bool()
	case c == 'n':
		r.literal("null")
		return nil
	case c == '-' || '0' <= c && c <= '9':
		f := r.float()
		if 0 <= f && f < float64(len(smallFloats)) && f == math.Trunc(f) && !math.Signbit(f) {
			return smallFloats[int(f)]
		}
		return f
	default:
		r.fail("unexpected %q", c)
		return nil
	}
}

// smallFloats holds the numbers 0, 1, … 255 in interfaces: boxing a float64
// allocates, and small counts are common in Fields.
var smallFloats = func() (t [256]any) {
	for i := range t {
		t[i] = float64(i)
	}
	return t
}()

// skip reads any JSON value and throws it away; unlike value it does not
// convert numbers, so an out-of-range one is no error here either.
func (r *reader) skip() {
	switch c := r.next(); {
	case c == '{' || c == '[':
		if r.depth++; r.depth > maxDepth {
			r.fail("nested too deeply")
			return
		}
		if c == '{' {
			r.object(func([]byte) { r.skip() })
		} else {
			r.array(r.skip)
		}
		r.depth--
	case c == '"':
		r.stringBytes()
	case c == 't' || c == 'f' || c == 'n':
		r.bool()
	case c == '-' || '0' <= c && c <= '9':
		r.number()
	default:
		r.fail("unexpected %q", c)
	}
}

// match returns the index of the field name (ASCII) in names that a JSON
// key names, or -1. Like encoding/json it prefers an exact match, else
// matches after upper-casing each rune (so "AT" and "ſcale" match too).
func match(key []byte, names []string) int {
	for i, n := range names {
		if string(key) == n {
			return i
		}
	}
	for i, n := range names {
		if fold(key, n) {
			return i
		}
	}
	return -1
}

func fold(key []byte, name string) bool {
	j := 0
	for i := 0; i < len(key); j++ {
		r, n := utf8.DecodeRune(key[i:])
		i += n
		if j >= len(name) || unicode.ToUpper(r) != unicode.ToUpper(rune(name[j])) {
			return false
		}
	}
	return j == len(name)
}

var (
	eventNames = []string{"at", "kind", "actor", "role", "public", "from", "to"}
	slaNames   = []string{"name", "goal_seconds", "elapsed_seconds", "breached", "paused", "cycles", "calendar"}
	csatNames  = []string{"value", "scale", "at", "comment"}
)

// The decoder methods below read the JSON blobs of one complaint; the
// decodeX functions are the same for one blob at a time.

func decodeLabels(b []byte, strs *interner) ([]string, error) {
	d := decoder{strs: strs}
	return d.labels(b)
}

func decodeEvents(b []byte, strs *interner, scratch *[]connectors.Event) ([]connectors.Event, error) {
	d := decoder{strs: strs, eventBuf: *scratch}
	evs, err := d.events(b)
	*scratch = d.eventBuf
	return evs, err
}

func decodeSLA(b []byte, strs *interner) ([]connectors.SLA, error) {
	d := decoder{strs: strs}
	return d.sla(b)
}

func decodeCSAT(b []byte) (*connectors.CSAT, error) {
	var d decoder
	return d.csat(b)
}

func decodeFields(b []byte) (map[string]any, error) {
	var d decoder
	return d.fields(b)
}

// exact returns a copy of scratch in a slice of its length, or nil if
// isArray is false (the JSON was null). An empty array is an empty slice,
// as encoding/json decodes [].
func exact[T any](scratch []T, isArray bool) []T {
	switch {
	case !isArray:
		return nil
	case len(scratch) == 0:
		return []T{}
	}
	return slices.Clone(scratch)
}

// labels decodes labels or components.
func (d *decoder) labels(b []byte) ([]string, error) {
	r := reader{b: b, strs: d.strs}
	v := d.labelBuf[:0]
	isArray := r.array(func() { v = append(v, r.string()) })
	d.labelBuf = v
	if err := r.finish(); err != nil {
		return nil, err
	}
	return exact(v, isArray), nil
}

func (d *decoder) events(b []byte) ([]connectors.Event, error) {
	r := reader{b: b, strs: d.strs}
	evs := d.eventBuf[:0]
	isArray := r.array(func() {
		var e connectors.Event
		r.object(func(k []byte) {
			switch match(k, eventNames) {
			case 0:
				e.At = fromJSONMillis(r.int())
			case 1:
				e.Kind = connectors.EventKind(r.known(eventKinds))
			case 2:
				e.Actor = r.string()
			case 3:
				e.Role = connectors.Role(r.known(roles))
			case 4:
				e.Public = r.bool()
			case 5:
				e.From = r.string()
			case 6:
				e.To = r.string()
			default:
				r.skip()
			}
		})
		evs = append(evs, e)
	})
	d.eventBuf = evs
	if err := r.finish(); err != nil {
		return nil, err
	}
	return exact(evs, isArray), nil
}

func (d *decoder) sla(b []byte) ([]connectors.SLA, error) {
	r := reader{b: b, strs: d.strs}
	v := d.slaBuf[:0]
	isArray := r.array(func() {
		var s connectors.SLA
		r.object(func(k []byte) {
			switch match(k, slaNames) {
			case 0:
				s.Name = r.string()
			case 1:
				s.Goal = r.int()
			case 2:
				s.Elapsed = r.int()
			case 3:
				s.Breached = r.bool()
			case 4:
				s.Paused = r.bool()
			case 5:
				s.Cycles = int(r.int())
			case 6:
				s.Calendar = r.string()
			default:
				r.skip()
			}
		})
		v = append(v, s)
	})
	d.slaBuf = v
	if err := r.finish(); err != nil {
		return nil, err
	}
	return exact(v, isArray), nil
}

func (d *decoder) csat(b []byte) (*connectors.CSAT, error) {
	r := reader{b: b, strs: d.strs}
	var c connectors.CSAT
	ok := r.object(func(k []byte) {
		switch match(k, csatNames) {
		case 0:
			c.Value = r.float()
		case 1:
			c.Scale = r.float()
		case 2:
			c.At = fromJSONMillis(r.int())
		case 3:
			c.Comment = r.string()
		default:
			r.skip()
		}
	})
	if err := r.finish(); err != nil || !ok {
		return nil, err
	}
	return &c, nil
}

func (d *decoder) fields(b []byte) (map[string]any, error) {
	r := reader{b: b, strs: d.strs, anys: d.anyBuf}
	defer func() { d.anyBuf = r.anys }()
	var m map[string]any
	if r.next() != 'n' {
		if r.next() != '{' {
			r.fail("want an object")
		}
		m, _ = r.value().(map[string]any)
	} else {
		r.literal("null")
	}
	return m, r.finish()
}
