package calendar

import (
	"cmp"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Date is a civil date with no time zone: a holiday, an adjusted working day
// or the local date of an instant in a calendar's zone (SPEC §13.1).
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// ParseDate parses a date written as "2006-01-02".
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("parse date %q: want YYYY-MM-DD", s)
	}
	return DateOf(t), nil
}

// DateOf returns the date of t in t's own location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// String formats d as "2006-01-02".
func (d Date) String() string {
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

// MarshalText implements encoding.TextMarshaler, so dates read and write as
// "2006-01-02" in YAML and JSON.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (d *Date) UnmarshalText(b []byte) error {
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// Valid reports whether d names a real day of the proleptic Gregorian calendar.
func (d Date) Valid() bool {
	return d.Month >= time.January && d.Month <= time.December &&
		d.Day >= 1 && d.Day <= daysIn(d.Year, d.Month)
}

// Weekday returns the day of the week of d.
func (d Date) Weekday() time.Weekday { return d.midnightUTC().Weekday() }

// AddDays returns the date n days after d (before it if n is negative).
func (d Date) AddDays(n int) Date { return DateOf(d.midnightUTC().AddDate(0, 0, n)) }

// Compare returns -1, 0 or +1 as d is before, equal to or after e.
func (d Date) Compare(e Date) int {
	switch {
	case d.Year != e.Year:
		return cmp.Compare(d.Year, e.Year)
	case d.Month != e.Month:
		return cmp.Compare(int(d.Month), int(e.Month))
	default:
		return cmp.Compare(d.Day, e.Day)
	}
}

func (d Date) midnightUTC() time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC)
}

func isLeap(y int) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

func daysIn(y int, m time.Month) int {
	switch m {
	case time.February:
		if isLeap(y) {
			return 29
		}
		return 28
	case time.April, time.June, time.September, time.November:
		return 30
	}
	return 31
}

// Span is a working span of one day in local wall-clock minutes after
// midnight: [Start, End) with 0 ≤ Start < End ≤ 1440. 09:00–12:00 is {540, 720}.
type Span struct{ Start, End int }

// ParseSpan parses "09:00-12:00" (an en dash or "–" also separates the ends;
// "24:00" is the end of the day).
func ParseSpan(s string) (Span, error) {
	a, b, ok := strings.Cut(s, "-")
	if !ok {
		a, b, ok = strings.Cut(s, "–")
	}
	if !ok {
		return Span{}, fmt.Errorf("parse span %q: want HH:MM-HH:MM", s)
	}
	start, err := parseClock(strings.TrimSpace(a))
	if err != nil {
		return Span{}, fmt.Errorf("parse span %q: %w", s, err)
	}
	end, err := parseClock(strings.TrimSpace(b))
	if err != nil {
		return Span{}, fmt.Errorf("parse span %q: %w", s, err)
	}
	sp := Span{start, end}
	if err := sp.check(); err != nil {
		return Span{}, fmt.Errorf("parse span %q: %w", s, err)
	}
	return sp, nil
}

func parseClock(s string) (int, error) {
	h, m, ok := strings.Cut(s, ":")
	if !ok || len(h) == 0 || len(h) > 2 || len(m) != 2 {
		return 0, fmt.Errorf("clock %q: want HH:MM", s)
	}
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if err1 != nil || err2 != nil || hh < 0 || mm < 0 || mm > 59 || hh > 24 || (hh == 24 && mm != 0) {
		return 0, fmt.Errorf("clock %q: want HH:MM between 00:00 and 24:00", s)
	}
	return hh*60 + mm, nil
}

// String formats s as "09:00-12:00".
func (s Span) String() string {
	return fmt.Sprintf("%02d:%02d-%02d:%02d", s.Start/60, s.Start%60, s.End/60, s.End%60)
}

// Duration returns the nominal length of s (wall-clock time on a day
// without a DST change).
func (s Span) Duration() time.Duration { return time.Duration(s.End-s.Start) * time.Minute }

func (s Span) check() error {
	switch {
	case s.Start < 0 || s.End > 24*60:
		return fmt.Errorf("span %d-%d minutes: outside 0..1440", s.Start, s.End)
	case s.Start >= s.End:
		return fmt.Errorf("span %d-%d minutes: start not before end", s.Start, s.End)
	}
	return nil
}
