package connectors

import (
	"cmp"
	"encoding/base64"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"
)

// Redacted replaces a secret in text.
const Redacted = "REDACTED"

// Redactor removes a source's secrets (API tokens, passwords) from text a
// server sent back: error bodies, and every string of a complaint before it
// is stored (SPEC §11). A server may echo a secret in another form than it
// was sent, so each secret s is matched, case-insensitively, as
//
//   - s itself;
//   - base64 of s, standard and URL alphabets, padded or not;
//   - url.QueryEscape and url.PathEscape of each of the above.
//
// Pass a Basic-auth pair as "user:password" besides the password, so that
// the Authorization header's base64 is covered. The zero and nil
// Redactors redact nothing. A Redactor is safe for concurrent use.
type Redactor struct {
	byFirst [256][]string // lower-case ASCII forms by first byte, longest first
	re      *regexp.Regexp
	ascii   bool // every form is ASCII: the fast path in Redact applies
}

// NewRedactor returns a redactor for secrets; empty ones are ignored.
func NewRedactor(secrets ...string) *Redactor {
	seen := map[string]bool{}
	var forms []string
	add := func(s string) {
		if l := strings.ToLower(s); s != "" && !seen[l] {
			seen[l] = true
			forms = append(forms, l)
		}
	}
	for _, s := range secrets {
		if s == "" {
			continue
		}
		for _, f := range []string{
			s,
			base64.StdEncoding.EncodeToString([]byte(s)),
			base64.RawStdEncoding.EncodeToString([]byte(s)),
			base64.URLEncoding.EncodeToString([]byte(s)),
			base64.RawURLEncoding.EncodeToString([]byte(s)),
		} {
			add(f)
			add(url.QueryEscape(f))
			add(url.PathEscape(f))
		}
	}
	r := &Redactor{ascii: true}
	if len(forms) == 0 {
		return r
	}
	// Longest first, so that a form containing another is replaced whole.
	slices.SortFunc(forms, func(a, b string) int { return cmp.Or(cmp.Compare(len(b), len(a)), strings.Compare(a, b)) })
	quoted := make([]string, len(forms))
	for i, f := range forms {
		quoted[i] = regexp.QuoteMeta(f)
		if !isASCII(f) {
			r.ascii = false
		}
	}
	for _, f := range forms {
		r.byFirst[f[0]] = append(r.byFirst[f[0]], f)
	}
	r.re = regexp.MustCompile("(?i)" + strings.Join(quoted, "|"))
	return r
}

// Redact returns s with every form of every secret replaced by [Redacted].
func (r *Redactor) Redact(s string) string {
	if r == nil || r.re == nil || s == "" {
		return s
	}
	// Fast path: most strings hold no secret, and ASCII case folding finds
	// that without the regexp. Two non-ASCII letters fold to ASCII ones
	// (U+212A Kelvin sign to k, U+017F long s to s); with either present,
	// or a non-ASCII secret, the regexp decides.
	if r.ascii && !strings.ContainsRune(s, '\u212a') && !strings.ContainsRune(s, '\u017f') && !r.containsFoldASCII(s) {
		return s
	}
	return r.re.ReplaceAllLiteralString(s, Redacted)
}

// containsFoldASCII reports whether s contains a form under ASCII case
// folding.
func (r *Redactor) containsFoldASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		for _, f := range r.byFirst[lowerASCII(s[i])] {
			if len(s)-i >= len(f) && hasPrefixFoldASCII(s[i:], f) {
				return true
			}
		}
	}
	return false
}

// Complaint redacts every string of c in place: text, names, labels,
// events, SLA names, the CSAT comment, and the keys and values (nested
// too) of Fields.
func (r *Redactor) Complaint(c *Complaint) {
	if r == nil || r.re == nil {
		return
	}
	// Every text and list field of the complaint schema's table, so that
	// a field added to the table is scrubbed too.
	for i := range Fields {
		f := &Fields[i]
		switch f.Kind {
		case FieldString:
			p := f.Str(c)
			*p = r.Redact(*p)
		case FieldList:
			r.strings(*f.List(c))
		}
	}
	for i := range c.Events {
		e := &c.Events[i]
		e.Kind = EventKind(r.Redact(string(e.Kind)))
		e.Role = Role(r.Redact(string(e.Role)))
		e.Actor, e.From, e.To = r.Redact(e.Actor), r.Redact(e.From), r.Redact(e.To)
	}
	for i := range c.SLA {
		c.SLA[i].Name, c.SLA[i].Calendar = r.Redact(c.SLA[i].Name), r.Redact(c.SLA[i].Calendar)
	}
	if c.CSAT != nil {
		c.CSAT.Comment = r.Redact(c.CSAT.Comment)
	}
	if c.Fields != nil {
		c.Fields = r.value(c.Fields).(map[string]any)
	}
}

// Batch redacts every complaint and problem of b in place (the problems
// into a new slice); the cursor, opaque to all but its source, is left as
// it is.
func (r *Redactor) Batch(b *Batch) {
	for i := range b.Complaints {
		r.Complaint(&b.Complaints[i])
	}
	if len(b.Problems) > 0 {
		b.Problems = r.Problems(b.Problems)
	}
}

// Problems returns ps with every secret redacted from what their source
// read (Record, Where, Field, Reason; Source is the configured name), in a new
// slice (ps is left as it is); nil for none.
func (r *Redactor) Problems(ps []Problem) []Problem {
	if len(ps) == 0 {
		return nil
	}
	out := make([]Problem, len(ps))
	for i, p := range ps {
		p.Record, p.Where = r.Redact(p.Record), r.Redact(p.Where)
		p.Field, p.Reason = r.Redact(p.Field), r.Redact(p.Reason)
		out[i] = p
	}
	return out
}

func (r *Redactor) strings(ss []string) {
	for i, s := range ss {
		ss[i] = r.Redact(s)
	}
}

// value redacts a decoded JSON-like value: strings, and slices and maps of
// them, nested. Other kinds (numbers, booleans, times) hold no text.
func (r *Redactor) value(v any) any {
	switch v := v.(type) {
	case string:
		return r.Redact(v)
	case []string:
		r.strings(v)
		return v
	case []any:
		for i, x := range v {
			v[i] = r.value(x)
		}
		return v
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, x := range v {
			out[r.Redact(k)] = r.value(x)
		}
		return out
	case map[string]string:
		out := make(map[string]string, len(v))
		for k, x := range v {
			out[r.Redact(k)] = r.Redact(x)
		}
		return out
	}
	return v
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// hasPrefixFoldASCII reports whether s starts with lower (lower-case
// ASCII, no longer than s) under ASCII case folding.
func hasPrefixFoldASCII(s, lower string) bool {
	for j := 0; j < len(lower); j++ {
		if lowerASCII(s[j]) != lower[j] {
			return false
		}
	}
	return true
}

func lowerASCII(b byte) byte {
	if 'A' <= b && b <= 'Z' {
		return b + 'a' - 'A'
	}
	return b
}
