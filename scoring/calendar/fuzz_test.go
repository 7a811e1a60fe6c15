package calendar

import (
	"bytes"
	"fmt"
	"slices"
	"testing"
	"time"
)

func FuzzParseICS(f *testing.F) {
	f.Add([]byte(icsNationalDay))
	f.Add([]byte("BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:20250101\nDURATION:P1W\nEND:VEVENT\nEND:VCALENDAR\n"))
	f.Add([]byte("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;X=\"a:b\":2025\r\n 0101T000000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"))
	f.Add([]byte("BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:20251301\nEND:VEVENT\n"))
	f.Add([]byte(" \n:\n;;:\nBEGIN:VCALENDAR\nEND:VCALENDAR\nBEGIN:VCALENDAR\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		dates, err := ParseICS(bytes.NewReader(data))
		if err != nil {
			return
		}
		if !slices.IsSortedFunc(dates, Date.Compare) || len(slices.Compact(slices.Clone(dates))) != len(dates) {
			t.Fatalf("ParseICS dates not sorted and unique: %v", dates)
		}
		// Writing the dates back as one-day events must give them again.
		var buf bytes.Buffer
		buf.WriteString("BEGIN:VCALENDAR\r\n")
		for _, d := range dates {
			if !d.Valid() {
				t.Fatalf("ParseICS returned invalid date %v", d)
			}
			fmt.Fprintf(&buf, "BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:%04d%02d%02d\r\nEND:VEVENT\r\n", d.Year, int(d.Month), d.Day)
		}
		buf.WriteString("END:VCALENDAR\r\n")
		again, err := ParseICS(&buf)
		if err != nil {
			t.Fatalf("ParseICS of rewritten dates: %v", err)
		}
		if !slices.Equal(dates, again) {
			t.Fatalf("round trip: got %v, want %v", again, dates)
		}
	})
}

// FuzzBetween checks the invariants of Between and Add on arbitrary instants,
// including ones far outside the supported years.
func FuzzBetween(f *testing.F) {
	c := shanghai(f)
	f.Add(time.Date(2025, 9, 30, 9, 0, 0, 0, time.UTC).UnixNano(), int64(10*24*time.Hour), uint16(30000))
	f.Add(time.Date(2025, 3, 4, 3, 59, 59, 0, time.UTC).UnixNano(), int64(time.Hour), uint16(0))
	f.Add(int64(0), int64(-time.Hour), uint16(65535))
	f.Add(time.Date(MaxYear, 12, 31, 0, 0, 0, 0, time.UTC).UnixNano(), int64(48*time.Hour), uint16(1))
	f.Add(time.Date(MinYear, 1, 1, 0, 0, 0, 0, time.UTC).UnixNano()-1, int64(100*time.Hour), uint16(500))
	f.Fuzz(func(t *testing.T, startNs, span int64, split uint16) {
		a := time.Unix(0, startNs)
		b := a.Add(time.Duration(span))
		got := c.Between(a, b)
		if got < 0 || got > max(b.Sub(a), 0) {
			t.Fatalf("Between(%v, %v) = %v, want within [0, %v]", a, b, got, b.Sub(a))
		}
		if span <= 0 {
			return
		}
		m := a.Add(time.Duration(float64(span) * float64(split) / 65535))
		if ab, bc := c.Between(a, m), c.Between(m, b); ab+bc != got {
			t.Fatalf("Between(a, m) + Between(m, b) = %v + %v, want Between(a, b) = %v; a=%v m=%v b=%v", ab, bc, got, a, m, b)
		}
		if got == 0 {
			return
		}
		end := c.Add(a, got)
		if end.After(b) {
			t.Fatalf("Add(%v, %v) = %v, after %v", a, got, end, b)
		}
		if back := c.Between(a, end); back != got {
			t.Fatalf("Between(%v, Add(%v, %v) = %v) = %v", a, a, got, end, back)
		}
		if back := c.Between(a, end.Add(-1)); back >= got {
			t.Fatalf("Add(%v, %v) = %v is not the earliest", a, got, end)
		}
	})
}
