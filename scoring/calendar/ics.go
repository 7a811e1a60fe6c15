package calendar

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
)

// maxEventDays bounds a single event's expansion, so a typo such as
// DTEND:29250101 is an error instead of a million holidays.
const maxEventDays = 366

// ParseICS reads holidays from an iCalendar file (RFC 5545), such as a
// public holiday calendar exported from a calendar application. Each VEVENT
// gives days off:
//
//   - DTSTART;VALUE=DATE:20251001 with DTEND;VALUE=DATE:20251009 gives 1 to
//     8 October (DTEND is exclusive); without DTEND (or with DURATION:PnD
//     or PnW) it gives that many days, one by default;
//   - DTSTART with a date-time (20251001T000000Z, or with TZID) gives the
//     date as written;
//   - STATUS:CANCELLED events are skipped; recurring events (RRULE, RDATE)
//     are an error, since their occurrences are not listed.
//
// Folded lines are unfolded first. The dates come back sorted without
// duplicates. Errors name the line number.
func ParseICS(r io.Reader) ([]Date, error) {
	p := icsParser{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	var (
		cur     strings.Builder
		curLine int
		have    bool
		n       int
	)
	for sc.Scan() {
		n++
		line := strings.TrimSuffix(sc.Text(), "\r")
		if len(line) > 0 && (line[0] == ' ' || line[0] == '\t') {
			if !have {
				return nil, icsErr(n, errors.New("continuation line with nothing to continue"))
			}
			cur.WriteString(line[1:])
			continue
		}
		if have {
			if err := p.line(curLine, cur.String()); err != nil {
				return nil, err
			}
		}
		cur.Reset()
		cur.WriteString(line)
		curLine, have = n, true
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("parse ics: line %d: %w", n+1, err)
	}
	if have {
		if err := p.line(curLine, cur.String()); err != nil {
			return nil, err
		}
	}
	if err := p.finish(n); err != nil {
		return nil, err
	}
	slices.SortFunc(p.dates, Date.Compare)
	return slices.Compact(p.dates), nil
}

func icsErr(line int, err error) error { return fmt.Errorf("parse ics: line %d: %w", line, err) }

type icsParser struct {
	started bool
	stack   []icsComponent
	ev      icsEvent
	dates   []Date
}

type icsComponent struct {
	name string
	line int
}

type icsProp struct {
	value   string
	valType string // the VALUE parameter, upper case
	line    int
}

type icsEvent struct {
	start, end, duration *icsProp
	cancelled            bool
	recurring            int // line of RRULE or RDATE, 0 if none
}

func (p *icsParser) line(n int, s string) error {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	name, params, value, err := splitContentLine(s)
	if !p.started {
		if err != nil || name != "BEGIN" || !strings.EqualFold(value, "VCALENDAR") {
			return icsErr(n, fmt.Errorf("not an iCalendar file: want BEGIN:VCALENDAR, got %q", truncate(s, 40)))
		}
		p.started = true
	}
	if err != nil {
		return icsErr(n, err)
	}
	switch name {
	case "BEGIN":
		comp := strings.ToUpper(value)
		if len(p.stack) == 0 && comp != "VCALENDAR" {
			return icsErr(n, fmt.Errorf("BEGIN:%s outside VCALENDAR", comp))
		}
		if comp == "VEVENT" {
			p.ev = icsEvent{}
		}
		p.stack = append(p.stack, icsComponent{comp, n})
		return nil
	case "END":
		comp := strings.ToUpper(value)
		if len(p.stack) == 0 {
			return icsErr(n, fmt.Errorf("END:%s without BEGIN", comp))
		}
		top := p.stack[len(p.stack)-1]
		if top.name != comp {
			return icsErr(n, fmt.Errorf("END:%s does not match BEGIN:%s on line %d", comp, top.name, top.line))
		}
		p.stack = p.stack[:len(p.stack)-1]
		if comp == "VEVENT" {
			return p.endEvent(top.line)
		}
		return nil
	}
	if len(p.stack) == 0 {
		return icsErr(n, fmt.Errorf("property %s after END:VCALENDAR", name))
	}
	if p.stack[len(p.stack)-1].name != "VEVENT" {
		return nil // properties of the calendar, a VALARM, a VTIMEZONE...
	}
	prop := &icsProp{value: value, line: n}
	for _, param := range params {
		k, v, _ := strings.Cut(param, "=")
		if strings.EqualFold(k, "VALUE") {
			prop.valType = strings.ToUpper(v)
		}
	}
	switch name {
	case "DTSTART":
		p.ev.start = prop
	case "DTEND":
		p.ev.end = prop
	case "DURATION":
		p.ev.duration = prop
	case "STATUS":
		p.ev.cancelled = strings.EqualFold(strings.TrimSpace(value), "CANCELLED")
	case "RRULE", "RDATE":
		p.ev.recurring = n
	}
	return nil
}

func (p *icsParser) endEvent(begin int) error {
	ev := p.ev
	if ev.cancelled {
		return nil
	}
	if ev.recurring != 0 {
		return icsErr(ev.recurring, errors.New("recurring event (RRULE or RDATE) not supported; export its occurrences"))
	}
	if ev.start == nil {
		return icsErr(begin, errors.New("VEVENT without DTSTART"))
	}
	start, isDate, err := parseICSDate(ev.start)
	if err != nil {
		return icsErr(ev.start.line, fmt.Errorf("DTSTART: %w", err))
	}
	days := 1
	if isDate {
		switch {
		case ev.end != nil:
			end, _, err := parseICSDate(ev.end)
			if err != nil {
				return icsErr(ev.end.line, fmt.Errorf("DTEND: %w", err))
			}
			diff := end.midnightUTC().Sub(start.midnightUTC())
			if diff < 0 {
				return icsErr(ev.end.line, fmt.Errorf("DTEND %v before DTSTART %v", end, start))
			}
			if diff > maxEventDays*24*time.Hour {
				return icsErr(ev.end.line, fmt.Errorf("event of %v to %v spans more than %d days", start, end, maxEventDays))
			}
			days = max(int(diff/(24*time.Hour)), 1)
		case ev.duration != nil:
			days, err = parseICSDays(ev.duration.value)
			if err != nil {
				return icsErr(ev.duration.line, fmt.Errorf("DURATION %q: %w", ev.duration.value, err))
			}
		}
	}
	for i := range days {
		p.dates = append(p.dates, start.AddDays(i))
	}
	return nil
}

func (p *icsParser) finish(lines int) error {
	if !p.started {
		return icsErr(lines+1, errors.New("not an iCalendar file: no BEGIN:VCALENDAR"))
	}
	if len(p.stack) > 0 {
		top := p.stack[len(p.stack)-1]
		return icsErr(lines+1, fmt.Errorf("BEGIN:%s on line %d not ended", top.name, top.line))
	}
	return nil
}

// splitContentLine splits "NAME;P1=a;P2=\"x:y\":value" (RFC 5545 §3.1),
// honouring quoted parameter values. The name comes back upper case.
func splitContentLine(s string) (name string, params []string, value string, err error) {
	inQuote := false
	nameEnd, last := -1, 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"':
			inQuote = !inQuote
		case inQuote:
		case c == ';' || c == ':':
			if nameEnd < 0 {
				nameEnd = i
				name = s[:i]
			} else {
				params = append(params, s[last:i])
			}
			last = i + 1
			if c == ':' {
				value = s[i+1:]
				if name == "" {
					return "", nil, "", fmt.Errorf("content line %q: empty property name", truncate(s, 40))
				}
				return strings.ToUpper(name), params, value, nil
			}
		}
	}
	return "", nil, "", fmt.Errorf("content line %q: no colon", truncate(s, 40))
}

// parseICSDate reads a DATE (20251001) or DATE-TIME (20251001T090000,
// optionally with Z) value and returns its date as written.
func parseICSDate(p *icsProp) (Date, bool, error) {
	v := strings.TrimSpace(p.value)
	datePart, timePart, hasTime := strings.Cut(v, "T")
	if p.valType == "DATE" && hasTime {
		return Date{}, false, fmt.Errorf("%q: VALUE=DATE with a time", v)
	}
	if len(datePart) != 8 || !allDigits(datePart) {
		return Date{}, false, fmt.Errorf("%q: want YYYYMMDD", v)
	}
	if hasTime {
		tp := strings.TrimSuffix(timePart, "Z")
		if len(tp) != 6 || !allDigits(tp) {
			return Date{}, false, fmt.Errorf("%q: want YYYYMMDDTHHMMSS", v)
		}
	}
	y, _ := strconv.Atoi(datePart[:4])
	m, _ := strconv.Atoi(datePart[4:6])
	dd, _ := strconv.Atoi(datePart[6:])
	date := Date{y, time.Month(m), dd}
	if !date.Valid() {
		return Date{}, false, fmt.Errorf("%q: no such date", v)
	}
	return date, !hasTime, nil
}

// parseICSDays reads a whole-day DURATION such as P1D, P3D or P1W.
func parseICSDays(v string) (int, error) {
	v = strings.TrimPrefix(strings.TrimSpace(v), "+")
	if len(v) < 3 || v[0] != 'P' {
		return 0, errors.New("want PnD or PnW")
	}
	num, unit := v[1:len(v)-1], v[len(v)-1]
	if !allDigits(num) || len(num) > 4 || (unit != 'D' && unit != 'W') {
		return 0, errors.New("want PnD or PnW")
	}
	n, _ := strconv.Atoi(num)
	if unit == 'W' {
		n *= 7
	}
	if n < 1 || n > maxEventDays {
		return 0, fmt.Errorf("want 1 to %d days", maxEventDays)
	}
	return n, nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
