package calendar

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const icsNationalDay = "BEGIN:VCALENDAR\r\n" +
	"VERSION:2.0\r\n" +
	"PRODID:-//kpidesk//test//EN\r\n" +
	"BEGIN:VEVENT\r\n" +
	"UID:1@example.com\r\n" +
	"DTSTART;VALUE=DATE:20251001\r\n" +
	"DTEND;VALUE=DATE:20251004\r\n" +
	"SUMMARY:National Day and Mid-Autumn Fest\r\n" +
	" ival (folded)\r\n" +
	"BEGIN:VALARM\r\n" +
	"TRIGGER:-PT15M\r\n" +
	"DTSTART:19990101T000000Z\r\n" + // a VALARM property, not the event's
	"END:VALARM\r\n" +
	"END:VEVENT\r\n" +
	"BEGIN:VEVENT\r\n" +
	"DTSTART;TZID=Asia/Shanghai:20250101T090000\r\n" +
	"DTEND;TZID=Asia/Shanghai:20250101T180000\r\n" +
	"SUMMARY:New Year\r\n" +
	"END:VEVENT\r\n" +
	"END:VCALENDAR\r\n"

func TestParseICS(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{name: "multi-day, alarm, date-time", in: icsNationalDay, want: []string{"2025-01-01", "2025-10-01", "2025-10-02", "2025-10-03"}},
		{
			name: "LF line ends, no DTEND, duplicates, lower case",
			in: "BEGIN:VCALENDAR\nbegin:vevent\ndtstart;value=date:20250501\nend:vevent\n" +
				"BEGIN:VEVENT\nDTSTART;VALUE=DATE:20250501\nDTEND;VALUE=DATE:20250503\nEND:VEVENT\nEND:VCALENDAR\n",
			want: []string{"2025-05-01", "2025-05-02"},
		},
		{
			name: "folded DTSTART and quoted parameter",
			in: "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;X-NOTE=\"a:b;c\";VALUE=DA\r\n\tTE:2025\r\n 1225\r\n" +
				"DURATION:P2D\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
			want: []string{"2025-12-25", "2025-12-26"},
		},
		{
			name: "cancelled event and a week",
			in: "BEGIN:VCALENDAR\nBEGIN:VEVENT\nSTATUS:CANCELLED\nDTSTART;VALUE=DATE:20250101\nEND:VEVENT\n" +
				"BEGIN:VEVENT\nDTSTART;VALUE=DATE:20250228\nDURATION:P1W\nEND:VEVENT\nEND:VCALENDAR\n",
			want: []string{"2025-02-28", "2025-03-01", "2025-03-02", "2025-03-03", "2025-03-04", "2025-03-05", "2025-03-06"},
		},
		{name: "no events", in: "BEGIN:VCALENDAR\nVERSION:2.0\nEND:VCALENDAR\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseICS(strings.NewReader(tc.in))
			if err != nil {
				t.Fatalf("ParseICS: %v", err)
			}
			var gotS []string
			for _, d := range got {
				gotS = append(gotS, d.String())
			}
			if diff := cmp.Diff(tc.want, gotS); diff != "" {
				t.Errorf("ParseICS dates (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseICSErrors(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{name: "not ics", in: "date,name\n2025-01-01,x\n", want: "line 1: not an iCalendar file"},
		{name: "empty", in: "", want: "line 1: not an iCalendar file: no BEGIN:VCALENDAR"},
		{name: "bad date", in: "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:20251301\nEND:VEVENT\nEND:VCALENDAR\n", want: `line 3: DTSTART: "20251301": no such date`},
		{name: "date with time", in: "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:20250101T000000\nEND:VEVENT\nEND:VCALENDAR\n", want: "line 3: DTSTART"},
		{name: "no colon", in: "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART\nEND:VEVENT\nEND:VCALENDAR\n", want: "line 3: content line \"DTSTART\": no colon"},
		{name: "no DTSTART", in: "BEGIN:VCALENDAR\nBEGIN:VEVENT\nSUMMARY:x\nEND:VEVENT\nEND:VCALENDAR\n", want: "line 2: VEVENT without DTSTART"},
		{name: "end before start", in: "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:20250105\nDTEND;VALUE=DATE:20250101\nEND:VEVENT\nEND:VCALENDAR\n", want: "line 4: DTEND 2025-01-01 before DTSTART 2025-01-05"},
		{name: "too long", in: "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:20250101\nDTEND;VALUE=DATE:29250101\nEND:VEVENT\nEND:VCALENDAR\n", want: "line 4: event of 2025-01-01 to 2925-01-01 spans more than 366 days"},
		{name: "recurring", in: "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:20250101\nRRULE:FREQ=YEARLY\nEND:VEVENT\nEND:VCALENDAR\n", want: "line 4: recurring event"},
		{name: "unclosed", in: "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:20250101\n", want: "line 4: BEGIN:VEVENT on line 2 not ended"},
		{name: "mismatched end", in: "BEGIN:VCALENDAR\nBEGIN:VEVENT\nEND:VCALENDAR\n", want: "line 3: END:VCALENDAR does not match BEGIN:VEVENT on line 2"},
		{name: "bad duration", in: "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:20250101\nDURATION:PT1H\nEND:VEVENT\nEND:VCALENDAR\n", want: `line 4: DURATION "PT1H"`},
		{name: "stray continuation", in: " BEGIN:VCALENDAR\n", want: "line 1: continuation line"},
		// The folded event starts on line 2; its DTSTART on line 3 spans two lines.
		{name: "line of folded property", in: "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:2025\n 0132\nEND:VEVENT\nEND:VCALENDAR\n", want: "line 3: DTSTART"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseICS(strings.NewReader(tc.in))
			if err == nil {
				t.Fatalf("ParseICS = %v, nil; want error containing %q", got, tc.want)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("ParseICS error = %q, want it to contain %q", err, tc.want)
			}
		})
	}
}
