package file

import (
	"strconv"
	"time"
)

// timeExample is shown in problems about malformed times.
const timeExample = "2026-03-01T09:30:00+08:00"

// parseTime parses an RFC 3339 timestamp, YYYY-MM-DDThh:mm:ss[.frac]
// followed by Z or ±hh:mm, and returns it in UTC. As RFC 3339 §5.6 allows,
// the T may be a space or lower case. A fraction longer than nanoseconds is
// truncated. On failure it returns a reason for a Problem; a time without an
// offset gets its own reason, because it is the mistake spreadsheets make.
//
// It is hand-written rather than time.Parse because it runs seven times per
// imported complaint: it does not allocate and never builds a time.Location.
func parseTime[T ~string | ~[]byte](s T) (time.Time, string) {
	n := len(s)
	if n < 19 || s[4] != '-' || s[7] != '-' || s[13] != ':' || s[16] != ':' ||
		(s[10] != 'T' && s[10] != 't' && s[10] != ' ') {
		return time.Time{}, badTime(s)
	}
	year, ok1 := atoiN(s[0:4])
	month, ok2 := atoiN(s[5:7])
	day, ok3 := atoiN(s[8:10])
	hour, ok4 := atoiN(s[11:13])
	minute, ok5 := atoiN(s[14:16])
	sec, ok6 := atoiN(s[17:19])
	if !ok1 || !ok2 || !ok3 || !ok4 || !ok5 || !ok6 ||
		month < 1 || month > 12 || day < 1 || day > daysIn(month, year) ||
		hour > 23 || minute > 59 || sec > 59 {
		return time.Time{}, badTime(s)
	}
	i := 19
	nsec := 0
	if i < n && s[i] == '.' {
		i++
		start := i
		for i < n && '0' <= s[i] && s[i] <= '9' {
			if i-start < 9 {
				nsec = nsec*10 + int(s[i]-'0')
			}
			i++
		}
		digits := i - start
		if digits == 0 {
			return time.Time{}, badTime(s)
		}
		for ; digits < 9; digits++ {
			nsec *= 10
		}
	}
	if i == n {
		return time.Time{}, "time " + quoteShort(s) + " has no UTC offset: add Z or ±hh:mm, e.g. " + timeExample
	}
	offset := 0
	switch s[i] {
	case 'Z', 'z':
		i++
	case '+', '-':
		if n-i != 6 || s[i+3] != ':' {
			return time.Time{}, badTime(s)
		}
		oh, ok1 := atoiN(s[i+1 : i+3])
		om, ok2 := atoiN(s[i+4 : i+6])
		if !ok1 || !ok2 || oh > 23 || om > 59 {
			return time.Time{}, badTime(s)
		}
		offset = (oh*60 + om) * 60
		if s[i] == '-' {
			offset = -offset
		}
		i += 6
	}
	if i != n {
		return time.Time{}, badTime(s)
	}
	t := time.Date(year, time.Month(month), day, hour, minute, sec, nsec, time.UTC).Add(-time.Duration(offset) * time.Second)
	// Before 1900 is a placeholder (spreadsheets' day 0 is 1899-12-30) or
	// the model's zero time, which means "did not happen"; after 9999 does
	// not print as RFC 3339.
	if y := t.Year(); y < 1900 || y > 9999 {
		return time.Time{}, "time " + quoteShort(s) + " is out of range: want a year from 1900 to 9999"
	}
	return t, ""
}

func badTime[T ~string | ~[]byte](s T) string {
	return "invalid time " + quoteShort(s) + ": want RFC 3339 with a UTC offset, e.g. " + timeExample
}

// atoiN parses a short run of ASCII digits.
func atoiN[T ~string | ~[]byte](s T) (int, bool) {
	v := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int(c-'0')
	}
	return v, len(s) > 0
}

func daysIn(month, year int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// quoteShort quotes untrusted input for a problem's reason, cut to a
// length that keeps the message on one line.
func quoteShort[T ~string | ~[]byte](s T) string {
	const limit = 60
	if len(s) > limit {
		return strconv.Quote(string(s[:limit])) + "…"
	}
	return strconv.Quote(string(s))
}
