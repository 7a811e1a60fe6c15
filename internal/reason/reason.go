// Package reason is the message catalogue of outcome reasons (issue 12 §4).
//
// Scoring says why a metric made what it did of a complaint as a Reason: a
// Code and typed arguments (a duration in working or wall time, an instant,
// a month, a count, a term, text from the data). It never writes prose.
// The catalogue renders a reason in English or Chinese, for the site, for
// `kpidesk explain` and for the evidence file, whose reasons stay the
// English rendering (SPEC §12: a stable contract); Parse reads such a
// rendering back into its code from the same English templates, so that
// a site built from evidence.jsonl speaks its reader's language.
//
// Rendering costs nothing unless asked for: a reason without arguments is
// its template, and scoring builds the reasons of hits, misses and
// measured values only when `kpidesk explain` wants them.
package reason

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Languages the catalogue speaks. Any other value reads as Chinese, the
// default site language (config site.language).
const (
	EN = "en"
	ZH = "zh"
)

// Reason is why an outcome is what it is: a code and its arguments, in
// the order the catalogue names them. The zero Reason is no reason.
type Reason struct {
	Code Code
	Args []Arg
}

// New returns a reason with args; Check says whether they fit the code.
func New(c Code, args ...Arg) Reason { return Reason{Code: c, Args: args} }

// IsZero reports whether r is no reason.
func (r Reason) IsZero() bool { return r.Code == None }

// Arg returns the argument named name ("elapsed", "past_from"), if r's
// code has one.
func (r Reason) Arg(name string) (Arg, bool) {
	if int(r.Code) >= len(catalogue) {
		return Arg{}, false
	}
	for i, a := range catalogue[r.Code].args {
		if a.name == name && i < len(r.Args) {
			return r.Args[i], true
		}
	}
	return Arg{}, false
}

// Equal reports whether r and o are the same code with the same arguments.
func (r Reason) Equal(o Reason) bool {
	if r.Code != o.Code || len(r.Args) != len(o.Args) {
		return false
	}
	for i := range r.Args {
		if r.Args[i] != o.Args[i] {
			return false
		}
	}
	return true
}

// String is the English rendering, for tests and logs.
func (r Reason) String() string { return Render(r, EN) }

// Kind is the type of an argument, which says how it is written in each
// language.
type Kind uint8

// The kinds of argument.
const (
	KindText     Kind = iota + 1 // text from the data or config, as written (an ID, a category, an event spec)
	KindQuoted                   // text from the data, Go-quoted so that an empty value shows
	KindTerm                     // a word of the catalogue's vocabulary (a clock, an event, a kind), else as written
	KindInt                      // a count
	KindNumber                   // a number, shortest form (a rating)
	KindDuration                 // a duration, in business time or wall time
	KindDeadline                 // a deadline rule as configured ("24h", "3wd"), on the business clock or not
	KindInstant                  // an instant, RFC 3339 in UTC
	KindMonth                    // a month, "2025-10"
	KindList                     // a list of texts
	KindEvent                    // an event spec of a custom metric, as configured: created, first_response, resolved, first_resolved, escalated, status:NAME, label:NAME
	KindPoints                   // points of a score (a final), to two decimals: "87.50"
)

var kindNames = [...]string{KindText: "text", KindQuoted: "quoted", KindTerm: "term", KindInt: "int", KindNumber: "number",
	KindDuration: "duration", KindDeadline: "deadline", KindInstant: "instant", KindMonth: "month", KindList: "list", KindEvent: "event", KindPoints: "points"}

func (k Kind) String() string {
	if int(k) < len(kindNames) && kindNames[k] != "" {
		return kindNames[k]
	}
	return "kind(" + strconv.Itoa(int(k)) + ")"
}

// Arg is one typed argument of a reason. It is comparable.
type Arg struct {
	kind Kind
	s    string
	n    int64
}

// Kind returns the argument's kind.
func (a Arg) Kind() Kind { return a.kind }

// Text is text from the data or the config, shown as written.
func Text(s string) Arg { return Arg{kind: KindText, s: s} }

// Event is a custom metric's event spec as configured ("first_response",
// "status:Waiting"), shown as written.
func Event(spec string) Arg { return Arg{kind: KindEvent, s: spec} }

// Quoted is text from the data shown Go-quoted ("P9", ""), where an empty
// or odd value must show.
func Quoted(s string) Arg { return Arg{kind: KindQuoted, s: s} }

// Term is a word the catalogue translates (business, wall, answered,
// resolved, complaint kinds); an unknown one is shown as written.
func Term(s string) Arg { return Arg{kind: KindTerm, s: s} }

// Int is a count.
func Int(n int) Arg { return Arg{kind: KindInt, n: int64(n)} }

// Number is a number shown in its shortest form (4, 4.5).
func Number(f float64) Arg { return Arg{kind: KindNumber, n: int64(math.Float64bits(f))} }

// Duration is a span of time; business says it is business time of the
// team calendar ("3h20m of business time"), else it is shown bare.
func Duration(d time.Duration, business bool) Arg {
	a := Arg{kind: KindDuration, n: int64(d)}
	if business {
		a.s = "business"
	}
	return a
}

// Deadline is a deadline rule's limit as configured ("24h", "3wd");
// business marks a limit in hours counted on the business clock.
func Deadline(within string, business bool) Arg {
	a := Arg{kind: KindDeadline, s: within}
	if business {
		a.n = 1
	}
	return a
}

// Instant is an instant, written in UTC to the second.
func Instant(t time.Time) Arg {
	t = t.UTC().Truncate(time.Second)
	return Arg{kind: KindInstant, n: t.Unix()}
}

// Points is a score's points (a final), shown to two decimals.
func Points(f float64) Arg { return Arg{kind: KindPoints, n: int64(math.Float64bits(f))} }

// Month is a month given as year×12 + month − 1 (2025-10 is 2025×12+9),
// the way scoring numbers months.
func Month(index int) Arg { return Arg{kind: KindMonth, n: int64(index)} }

// List is a list of texts (config values), joined in the reader's way.
func List(items ...string) Arg { return Arg{kind: KindList, s: strings.Join(items, listSep)} }

const listSep = "\x1f"

// Str returns a text, quoted, term, deadline or list argument's text (a
// list's items joined by ", ").
func (a Arg) Str() string {
	if a.kind == KindList {
		return strings.ReplaceAll(a.s, listSep, ", ")
	}
	return a.s
}

// MonthIndex returns a month argument as year×12 + month − 1.
func (a Arg) MonthIndex() (int, bool) { return int(a.n), a.kind == KindMonth }

// MonthID returns a month argument as "2025-10".
func (a Arg) MonthID() string { return monthID(a.n) }

func monthID(i int64) string {
	y, m := i/12, i%12+1
	if i < 0 || y > 9999 {
		return "?"
	}
	b := make([]byte, 0, 7)
	b = append(b, byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10), '-', byte('0'+m/10), byte('0'+m%10))
	return string(b)
}

// format writes a in lang.
func (a Arg) format(b *strings.Builder, lang string) {
	zh := lang != EN
	switch a.kind {
	case KindText, KindEvent:
		b.WriteString(a.s)
	case KindQuoted:
		b.WriteString(strconv.Quote(a.s))
	case KindTerm:
		if zh {
			if t, ok := termsZH[a.s]; ok {
				b.WriteString(t)
				return
			}
		}
		b.WriteString(a.s)
	case KindInt:
		b.WriteString(strconv.FormatInt(a.n, 10))
	case KindNumber:
		b.WriteString(strconv.FormatFloat(math.Float64frombits(uint64(a.n)), 'g', -1, 64))
	case KindPoints:
		b.WriteString(strconv.FormatFloat(math.Float64frombits(uint64(a.n)), 'f', 2, 64))
	case KindDuration:
		b.WriteString(FormatDuration(time.Duration(a.n), lang))
		if a.s != "" {
			if zh {
				b.WriteString("（工作时间）")
			} else {
				b.WriteString(" of business time")
			}
		}
	case KindDeadline:
		b.WriteString(a.s)
		if a.n != 0 {
			if zh {
				b.WriteString("（工作时间）")
			} else {
				b.WriteString(" (business)")
			}
		}
	case KindInstant:
		b.WriteString(time.Unix(a.n, 0).UTC().Format(time.RFC3339))
	case KindMonth:
		b.WriteString(monthID(a.n))
	case KindList:
		sep := ", "
		if zh {
			sep = "、"
		}
		b.WriteString(strings.ReplaceAll(a.s, listSep, sep))
	default:
		b.WriteString("?")
	}
}

// FormatDuration writes d to the second as readers of a helpdesk expect:
// "26h12m", "3m20s", "45s" in English, "26小时12分", "3分20秒", "45秒" in
// Chinese.
func FormatDuration(d time.Duration, lang string) string {
	if d < 0 {
		return "-" + FormatDuration(-d, lang)
	}
	d = d.Round(time.Second)
	h, m, s := int(d/time.Hour), int(d/time.Minute)%60, int(d/time.Second)%60
	u := [3]string{"h", "m", "s"}
	if lang != EN {
		u = [3]string{"小时", "分", "秒"}
	}
	switch {
	case h > 0 && m > 0:
		return fmt.Sprintf("%d%s%02d%s", h, u[0], m, u[1])
	case h > 0:
		return fmt.Sprintf("%d%s", h, u[0])
	case m > 0 && s > 0:
		return fmt.Sprintf("%d%s%02d%s", m, u[1], s, u[2])
	case m > 0:
		return fmt.Sprintf("%d%s", m, u[1])
	default:
		return fmt.Sprintf("%d%s", s, u[2])
	}
}

// Render writes r in lang (EN, else Chinese); the zero Reason is "". A
// reason without arguments is its template, without allocating.
func Render(r Reason, lang string) string {
	if r.Code == None {
		return ""
	}
	if int(r.Code) >= len(compiled) {
		return "reason(" + strconv.Itoa(int(r.Code)) + ")"
	}
	segs := compiled[r.Code].zh
	if lang == EN {
		segs = compiled[r.Code].en
	}
	if len(segs) == 1 && segs[0].arg < 0 {
		return segs[0].lit
	}
	var b strings.Builder
	for _, s := range segs {
		if s.arg < 0 {
			b.WriteString(s.lit)
			continue
		}
		if s.arg < len(r.Args) {
			r.Args[s.arg].format(&b, lang)
		} else {
			b.WriteString("?")
		}
	}
	return b.String()
}

// Explained is an outcome's reason as `kpidesk explain` prints it in lang:
// an exclusion's reason after "not counted: ", another outcome's reason as
// it is, and "" for no reason. result is the outcome's result ("hit",
// "excluded", …).
func Explained(result string, r Reason, lang string) string {
	text := Render(r, lang)
	if text == "" || result != "excluded" {
		return text
	}
	if lang == EN {
		return "not counted: " + text
	}
	return "不计入：" + text
}

// Check reports whether r is a code of the catalogue with the arguments
// its messages name, of their kinds.
func Check(r Reason) error {
	if r.Code == None || int(r.Code) >= len(catalogue) {
		return fmt.Errorf("reason code %d is not in the catalogue", r.Code)
	}
	m := &catalogue[r.Code]
	if len(r.Args) != len(m.args) {
		return fmt.Errorf("reason %s: %d arguments, want %d", m.name, len(r.Args), len(m.args))
	}
	for i, a := range m.args {
		if r.Args[i].kind != a.kind {
			return fmt.Errorf("reason %s: argument %s is %v, want %v", m.name, a.name, r.Args[i].kind, a.kind)
		}
	}
	return nil
}

// AppendBinary appends r in a compact binary form that ReadBinary reads
// back exactly: for files kpidesk writes and reads back itself in one run
// (the site's spill of the evidence), where rendering a reason to text and
// parsing it again would cost more than the rest of the record.
func (r Reason) AppendBinary(b []byte) []byte {
	b = binary.AppendUvarint(b, uint64(r.Code))
	b = binary.AppendUvarint(b, uint64(len(r.Args)))
	for _, a := range r.Args {
		b = binary.AppendUvarint(b, uint64(a.kind))
		b = binary.AppendUvarint(b, uint64(len(a.s)))
		b = append(b, a.s...)
		b = binary.AppendVarint(b, a.n)
	}
	return b
}

// ReadBinary reads a reason that AppendBinary wrote at the start of b and
// returns the rest of b.
func ReadBinary(b []byte) (Reason, []byte, error) {
	bad := errors.New("reason: truncated binary form")
	uv := func() uint64 {
		v, n := binary.Uvarint(b)
		if n <= 0 {
			b = nil
			return 0
		}
		b = b[n:]
		return v
	}
	var r Reason
	r.Code = Code(uv())
	n := uv()
	if b == nil || n > uint64(len(b)) {
		return Reason{}, nil, bad
	}
	if n > 0 {
		r.Args = make([]Arg, n)
	}
	for i := range r.Args {
		kind, size := Kind(uv()), uv()
		if b == nil || size > uint64(len(b)) {
			return Reason{}, nil, bad
		}
		s := string(b[:size])
		b = b[size:]
		v, k := binary.Varint(b)
		if k <= 0 {
			return Reason{}, nil, bad
		}
		b = b[k:]
		r.Args[i] = Arg{kind: kind, s: s, n: v}
	}
	return r, b, nil
}
