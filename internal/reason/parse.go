package reason

import (
	"cmp"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Parse reads an English rendering back into its reason: the inverse of
// Render(r, EN), derived from the same templates, for the reasons of an
// evidence file (SPEC §12 keeps them English). A text no message renders
// exactly is Verbatim; "" is no reason.
func Parse(s string) Reason {
	if s == "" {
		return Reason{}
	}
	if c, ok := fixedEN[s]; ok {
		return Reason{Code: c}
	}
	for _, c := range parseOrder {
		segs := compiled[c].en
		if segs[0].arg < 0 && !strings.HasPrefix(s, segs[0].lit) {
			continue
		}
		args := make([]Arg, len(catalogue[c].args))
		if match(s, segs, catalogue[c].args, args) {
			r := Reason{Code: c, Args: args}
			if Render(r, EN) == s { // the rendering decides, whatever the match
				return r
			}
		}
	}
	return Reason{Code: Verbatim, Args: []Arg{Text(s)}}
}

// fixedEN maps the messages without arguments to their codes.
var fixedEN = func() map[string]Code {
	m := map[string]Code{}
	for c := None + 1; c < numCodes; c++ {
		if len(catalogue[c].args) == 0 {
			m[catalogue[c].en] = c
		}
	}
	return m
}()

// parseOrder is the codes with arguments, those with the most literal
// text first: the more a template says, the less it can match by chance
// ("no {event} after {after}" before "no {event}").
var parseOrder = func() []Code {
	var out []Code
	for c := None + 1; c < numCodes; c++ {
		if len(catalogue[c].args) > 0 && c != Verbatim {
			out = append(out, c)
		}
	}
	lit := func(c Code) int {
		n := 0
		for _, s := range compiled[c].en {
			n += len(s.lit)
		}
		return n
	}
	slices.SortStableFunc(out, func(a, b Code) int { return cmp.Compare(lit(b), lit(a)) })
	return out
}()

// match fits s to segs, filling args; an argument ends at the first place
// where the rest matches.
func match(s string, segs []segment, specs []argSpec, args []Arg) bool {
	if len(segs) == 0 {
		return s == ""
	}
	seg := segs[0]
	if seg.arg < 0 {
		return strings.HasPrefix(s, seg.lit) && match(s[len(seg.lit):], segs[1:], specs, args)
	}
	if len(segs) == 1 {
		a, ok := parseArg(specs[seg.arg].kind, s)
		args[seg.arg] = a
		return ok
	}
	next := segs[1].lit // compile keeps arguments apart
	for i := 0; i <= len(s); {
		j := strings.Index(s[i:], next)
		if j < 0 {
			return false
		}
		if a, ok := parseArg(specs[seg.arg].kind, s[:i+j]); ok {
			args[seg.arg] = a
			if match(s[i+j:], segs[1:], specs, args) {
				return true
			}
		}
		i += j + 1
	}
	return false
}

// parseArg reads one argument of kind k as Arg.format writes it in
// English.
func parseArg(k Kind, s string) (Arg, bool) {
	switch k {
	case KindText:
		return Text(s), true
	case KindTerm: // a word or an ID
		return Term(s), !strings.Contains(s, " ")
	case KindEvent:
		switch s {
		case "created", "first_response", "resolved", "first_resolved", "escalated":
			return Event(s), true
		}
		return Event(s), strings.HasPrefix(s, "status:") || strings.HasPrefix(s, "label:")
	case KindQuoted:
		u, err := strconv.Unquote(s)
		return Quoted(u), err == nil && strings.HasPrefix(s, `"`)
	case KindInt:
		n, err := strconv.Atoi(s)
		return Int(n), err == nil
	case KindNumber:
		f, err := strconv.ParseFloat(s, 64)
		return Number(f), err == nil && !math.IsNaN(f)
	case KindPoints:
		f, err := strconv.ParseFloat(s, 64)
		return Points(f), err == nil && !math.IsNaN(f)
	case KindDuration:
		text, business := strings.CutSuffix(s, " of business time")
		d, err := time.ParseDuration(text)
		return Duration(d, business), err == nil
	case KindDeadline:
		text, business := strings.CutSuffix(s, " (business)")
		return Deadline(text, business), text != ""
	case KindInstant:
		t, err := time.Parse(time.RFC3339, s)
		return Instant(t), err == nil
	case KindMonth:
		y, m, ok := strings.Cut(s, "-")
		yi, err1 := strconv.Atoi(y)
		mi, err2 := strconv.Atoi(m)
		if !ok || len(y) != 4 || len(m) != 2 || err1 != nil || err2 != nil || mi < 1 || mi > 12 {
			return Arg{}, false
		}
		return Month(yi*12 + mi - 1), true
	case KindList:
		return List(strings.Split(s, ", ")...), s != ""
	}
	return Arg{}, false
}
