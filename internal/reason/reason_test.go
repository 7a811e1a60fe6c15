package reason

import (
	"regexp"
	"strings"
	"testing"
	"time"
)

// sample returns arguments of each kind, the awkward ones included, for
// the round trips.
func samples(k Kind) []Arg {
	switch k {
	case KindText:
		return []Arg{Text("A-2025-101"), Text("care east, 2"), Text("")}
	case KindQuoted:
		return []Arg{Quoted("P9"), Quoted(""), Quoted(`<b>"x", channel "y"</b>`)}
	case KindTerm:
		return []Arg{Term("answered"), Term("resolved"), Term("business"), Term("suggestion"), Term("feedback")}
	case KindInt:
		return []Arg{Int(0), Int(3), Int(-1)}
	case KindNumber:
		return []Arg{Number(4), Number(4.5), Number(0.1), Number(1e21)}
	case KindDuration:
		return []Arg{Duration(26*time.Hour+12*time.Minute, true), Duration(45*time.Second, false), Duration(0, false), Duration(-90*time.Second, true)}
	case KindDeadline:
		return []Arg{Deadline("24h", false), Deadline("4h", true), Deadline("3wd", false)}
	case KindInstant:
		return []Arg{Instant(time.Date(2025, 10, 31, 23, 59, 59, 0, time.UTC)), Instant(time.Date(2026, 3, 1, 8, 0, 0, 0, time.FixedZone("CST", 8*3600)))}
	case KindMonth:
		return []Arg{Month(2025*12 + 9), Month(2026*12 + 0)}
	case KindList:
		return []Arg{List("event"), List("event", "label:vip", "priority_increase")}
	case KindPoints:
		return []Arg{Points(87.5), Points(100), Points(0)}
	case KindEvent:
		return []Arg{Event("first_response"), Event("status:Waiting for customer"), Event("label:vip")}
	}
	return nil
}

// reasons returns, for code c, reasons with each sample of each argument.
func reasons(c Code) []Reason {
	specs := catalogue[c].args
	if len(specs) == 0 {
		return []Reason{{Code: c}}
	}
	var out []Reason
	for i := range specs {
		for _, s := range samples(specs[i].kind) {
			args := make([]Arg, len(specs))
			for j := range specs {
				args[j] = samples(specs[j].kind)[0]
			}
			args[i] = s
			out = append(out, Reason{Code: c, Args: args})
		}
	}
	return out
}

// TestCatalogue: every code has a name, an English and a Chinese message,
// each naming every argument; the Chinese ones have no English words
// besides the arguments'.
func TestCatalogue(t *testing.T) {
	latin := regexp.MustCompile(`[A-Za-z]`)
	names := map[string]Code{}
	for _, c := range Codes() {
		m := catalogue[c]
		if m.name == "" || m.en == "" || m.zh == "" {
			t.Errorf("code %d: name %q, en %q, zh %q: want all three", c, m.name, m.en, m.zh)
			continue
		}
		if prev, dup := names[m.name]; dup {
			t.Errorf("codes %d and %d are both %q", prev, c, m.name)
		}
		names[m.name] = c
		if c.Name() != m.name {
			t.Errorf("Code(%d).Name() = %q, want %q", c, c.Name(), m.name)
		}
		for _, s := range compiled[c].zh {
			if s.arg < 0 && latin.MatchString(s.lit) {
				t.Errorf("%s: the Chinese message %q has English words", m.name, m.zh)
			}
		}
		if m.en == m.zh && c != Verbatim {
			t.Errorf("%s: the Chinese message is the English one", m.name)
		}
	}
	if len(names) != int(numCodes)-1 {
		t.Errorf("%d codes named, want %d", len(names), numCodes-1)
	}
	for _, bad := range []struct{ tmpl string }{{"{x"}, {"{y}"}, {"{x}{x}"}, {"a {x}{z} b"}, {"no args"}, {""}} {
		if _, err := compile(bad.tmpl, []argSpec{a("x", KindText), a("z", KindText)}); err == nil {
			t.Errorf("compile(%q) = nil error, want one", bad.tmpl)
		}
	}
}

// TestRoundTrip: Parse reads every code's English rendering back to the
// same reason, with awkward arguments, and the Chinese rendering keeps
// none of the English message's words.
func TestRoundTrip(t *testing.T) {
	for _, c := range Codes() {
		if c == Verbatim {
			continue
		}
		for _, r := range reasons(c) {
			if err := Check(r); err != nil {
				t.Fatalf("sample: %v", err)
			}
			en := Render(r, EN)
			got := Parse(en)
			if !got.Equal(r) && Render(got, ZH) != Render(r, ZH) {
				t.Errorf("Parse(%q) = %s %v, want %s %v", en, got.Code.Name(), got.Args, c.Name(), r.Args)
			}
			zh := Render(r, ZH)
			for _, s := range compiled[c].en {
				for _, w := range strings.Fields(s.lit) {
					if len(w) > 3 && strings.Contains(zh, w) && !argsContain(r, w) {
						t.Errorf("%s: Chinese %q has the English word %q", c.Name(), zh, w)
					}
				}
			}
		}
	}
}

func argsContain(r Reason, w string) bool {
	for _, a := range r.Args {
		if strings.Contains(a.s, w) {
			return true
		}
	}
	return false
}

// TestRenderEvidence pins the English of the reasons an evidence file
// holds (SPEC §12): the bytes scoring wrote before reasons were codes.
func TestRenderEvidence(t *testing.T) {
	for _, tc := range []struct {
		r    Reason
		want string
	}{
		{New(NotResolved), "not resolved"},
		{New(KindNotCounted, Term("suggestion")), "kind suggestion is not counted as a complaint"},
		{New(ExcludedByAppeal, Text("A-2025-101")), "excluded by appeal A-2025-101"},
		{New(NoDeadlineRule, Quoted("P9"), Quoted(""), Quoted("x")), `no deadline rule matches priority "P9", channel "", category "x"`},
		{New(NoEventAfter, Event("status:Resolved"), Event("status:Waiting")), "no status:Resolved after status:Waiting"},
		{New(UnknownCustomType, Quoted("ratio")), `unknown custom metric type "ratio"`},
		{New(OpenAtMonthEnds, Month(2025*12+9), Month(2025*12+11)), "open at the end of 2025-10..2025-12"},
		{New(OpenAtMonthEndsPast, Month(2025*12+9), Month(2025*12+11), Month(2025*12+10)), "open at the end of 2025-10..2025-12, past its resolution deadline from 2025-11"},
		{New(OnTime, Term("answered"), Duration(time.Hour, false), Deadline("24h", false)), "answered 1h after creation, deadline 24h → hit"},
		{New(Overdue, Term("resolved"), Instant(time.Date(2026, 3, 5, 9, 0, 0, 0, time.UTC)), Duration(25*time.Hour+30*time.Minute, true), Deadline("4h", true)),
			"not resolved by 2026-03-05T09:00:00Z (25h30m of business time elapsed), deadline 4h (business) passed → miss"},
		{New(Rated, Number(2), Number(3), Int(67)), "rated 2 of 3 → 67"},
	} {
		if got := Render(tc.r, EN); got != tc.want {
			t.Errorf("Render(%s, en) = %q, want %q", tc.r.Code.Name(), got, tc.want)
		}
	}
}

func TestParseUnknown(t *testing.T) {
	for _, s := range []string{`no deadline rule matches priority "x"`, "open at the end of 2025-13..2025-14", "something else", "no survey answer!"} {
		r := Parse(s)
		if r.Code != Verbatim || Render(r, ZH) != s || Render(r, EN) != s {
			t.Errorf("Parse(%q) = %s %v, want it verbatim", s, r.Code.Name(), r.Args)
		}
	}
	if r := Parse(""); !r.IsZero() {
		t.Errorf("Parse(\"\") = %v, want no reason", r)
	}
}

func TestFormatDuration(t *testing.T) {
	for _, tc := range []struct {
		d      time.Duration
		en, zh string
	}{
		{26*time.Hour + 12*time.Minute, "26h12m", "26小时12分"},
		{3*time.Hour + 20*time.Second, "3h", "3小时"},
		{3*time.Minute + 20*time.Second, "3m20s", "3分20秒"},
		{5 * time.Minute, "5m", "5分"},
		{45*time.Second + 400*time.Millisecond, "45s", "45秒"},
		{-90 * time.Second, "-1m30s", "-1分30秒"},
	} {
		if got := FormatDuration(tc.d, EN); got != tc.en {
			t.Errorf("FormatDuration(%v, en) = %q, want %q", tc.d, got, tc.en)
		}
		if got := FormatDuration(tc.d, ZH); got != tc.zh {
			t.Errorf("FormatDuration(%v, zh) = %q, want %q", tc.d, got, tc.zh)
		}
	}
}

func TestExplained(t *testing.T) {
	r := New(KindNotCounted, Term("suggestion"))
	for _, tc := range []struct {
		result, lang, want string
	}{
		{"excluded", EN, "not counted: kind suggestion is not counted as a complaint"},
		{"excluded", ZH, "不计入：类型“建议”不计为投诉"},
		{"hit", EN, "kind suggestion is not counted as a complaint"},
	} {
		if got := Explained(tc.result, r, tc.lang); got != tc.want {
			t.Errorf("Explained(%s, %s) = %q, want %q", tc.result, tc.lang, got, tc.want)
		}
	}
	if got := Explained("excluded", Reason{}, EN); got != "" {
		t.Errorf("Explained without a reason = %q, want \"\"", got)
	}
}

// TestExamples: the examples are one well-formed reason per code.
func TestExamples(t *testing.T) {
	ex := Examples()
	if len(ex) != len(Codes()) {
		t.Fatalf("%d examples for %d codes", len(ex), len(Codes()))
	}
	for i, r := range ex {
		if r.Code != Codes()[i] {
			t.Errorf("example %d is %s, want %s", i, r.Code.Name(), Codes()[i].Name())
		}
		if err := Check(r); err != nil {
			t.Error(err)
		}
		if got := Parse(Render(r, EN)); !got.Equal(r) {
			t.Errorf("Parse(%q) = %s %v, want %s", Render(r, EN), got.Code.Name(), got.Args, r.Code.Name())
		}
	}
}

func TestCheck(t *testing.T) {
	for _, r := range []Reason{{}, {Code: numCodes}, New(Late), New(NotResolved, Int(1)), New(Reopened, Text("2"))} {
		if err := Check(r); err == nil {
			t.Errorf("Check(%d %v) = nil, want an error", r.Code, r.Args)
		}
	}
	if err := Check(New(Reopened, Int(2))); err != nil {
		t.Errorf("Check(reopened 2) = %v", err)
	}
}

// TestArg reads the arguments the explain view needs back by name.
func TestArg(t *testing.T) {
	r := Parse("open at the end of 2025-10..2025-12, past its resolution deadline from 2025-11")
	past, ok := r.Arg("past_from")
	if i, isMonth := past.MonthIndex(); !ok || !isMonth || i != 2025*12+10 || past.MonthID() != "2025-11" {
		t.Errorf("past_from = %v %v, want 2025-11", past, ok)
	}
	if _, ok := New(NotResolved).Arg("past_from"); ok {
		t.Error("not_resolved has a past_from")
	}
}

// TestRenderAllocs: a reason without arguments renders as its template;
// scoring's evidence writer renders one per excluded outcome.
func TestRenderAllocs(t *testing.T) {
	r := New(NoSurveyAnswer)
	if n := testing.AllocsPerRun(100, func() { _ = Render(r, EN); _ = Render(r, ZH) }); n != 0 {
		t.Errorf("Render of a reason without arguments allocates %v times", n)
	}
}

// FuzzParse: whatever the text, Parse gives a reason whose English is that
// text, so an evidence file's reasons survive a read and a write.
func FuzzParse(f *testing.F) {
	for _, c := range Codes() {
		for _, r := range reasons(c) {
			f.Add(Render(r, EN))
		}
	}
	f.Fuzz(func(t *testing.T, s string) {
		r := Parse(s)
		if got := Render(r, EN); got != s {
			t.Errorf("Render(Parse(%q)) = %q", s, got)
		}
		if s != "" {
			if err := Check(r); err != nil {
				t.Errorf("Parse(%q): %v", s, err)
			}
		}
	})
}
