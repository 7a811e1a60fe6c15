package calendar

import (
	"math"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// Office hours of the tests: 09:00–12:00 and 13:30–18:00, 7.5 h a day.
var (
	morning   = Span{9 * 60, 12 * 60}
	afternoon = Span{13*60 + 30, 18 * 60}
)

func weekdayHours(spans ...Span) map[time.Weekday][]Span {
	h := make(map[time.Weekday][]Span)
	for wd := time.Monday; wd <= time.Friday; wd++ {
		h[wd] = spans
	}
	return h
}

// shanghai is a Beijing office on the official cn schedule.
func shanghai(tb testing.TB) *Calendar {
	tb.Helper()
	hol, work, err := Holidays("cn")
	if err != nil {
		tb.Fatal(err)
	}
	c, err := New(Spec{
		Name:     "beijing-office",
		TimeZone: "Asia/Shanghai",
		Hours:    weekdayHours(morning, afternoon),
		Holidays: hol,
		Workdays: work,
	})
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// local parses "2006-01-02 15:04" in c's zone.
func local(tb testing.TB, c *Calendar, s string) time.Time {
	tb.Helper()
	t, err := time.ParseInLocation("2006-01-02 15:04", s, c.Location())
	if err != nil {
		tb.Fatal(err)
	}
	return t
}

func TestBetween(t *testing.T) {
	c := shanghai(t)
	tests := []struct {
		name       string
		start, end string
		want       time.Duration
	}{
		{name: "same morning", start: "2025-03-04 09:30", end: "2025-03-04 11:00", want: 90 * time.Minute},
		{name: "created before opening", start: "2025-03-04 07:00", end: "2025-03-04 09:15", want: 15 * time.Minute},
		{name: "answered during lunch", start: "2025-03-04 11:30", end: "2025-03-04 12:40", want: 30 * time.Minute},
		{name: "answered after lunch", start: "2025-03-04 11:30", end: "2025-03-04 13:45", want: 45 * time.Minute},
		{name: "created and answered in lunch", start: "2025-03-04 12:10", end: "2025-03-04 13:20", want: 0},
		{name: "created after closing", start: "2025-03-04 19:00", end: "2025-03-05 09:10", want: 10 * time.Minute},
		{name: "whole working day", start: "2025-03-04 00:00", end: "2025-03-05 00:00", want: 7*time.Hour + 30*time.Minute},
		{name: "across weekend", start: "2025-03-07 17:00", end: "2025-03-10 09:30", want: 90 * time.Minute},
		{name: "created on New Year holiday", start: "2025-01-01 10:00", end: "2025-01-02 10:30", want: 90 * time.Minute},
		// Sep 30 17:00–18:00 1 h; Oct 1–8 off; Oct 9 and 10 7.5 h each;
		// Sat Oct 11 is an adjusted working day on Monday hours: 1 h.
		{name: "across 2025 National Day to adjusted Saturday", start: "2025-09-30 17:00", end: "2025-10-11 10:00", want: 17 * time.Hour},
		{name: "adjusted Sunday before National Day", start: "2025-09-27 10:00", end: "2025-09-28 10:00", want: time.Hour},
		{name: "holiday week only", start: "2025-10-01 00:00", end: "2025-10-09 00:00", want: 0},
		// Sun Jan 26 is a working day, so is Mon Jan 27; Jan 28–Feb 4 off.
		{name: "across 2025 Spring Festival", start: "2025-01-27 17:00", end: "2025-02-05 10:00", want: 2 * time.Hour},
		{name: "2024 National Day", start: "2024-09-29 09:00", end: "2024-10-08 09:00", want: 15 * time.Hour},
		// Dec 31 1 h; Jan 1–3 2026 off; Sun Jan 4 adjusted 7.5 h; Jan 5 30 min.
		{name: "across New Year 2026", start: "2025-12-31 17:00", end: "2026-01-05 09:30", want: 9 * time.Hour},
		{name: "end before start", start: "2025-03-04 11:00", end: "2025-03-04 10:00", want: 0},
		{name: "end equals start", start: "2025-03-04 10:00", end: "2025-03-04 10:00", want: 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			start, end := local(t, c, tc.start), local(t, c, tc.end)
			if got := c.Between(start, end); got != tc.want {
				t.Errorf("Between(%v, %v) = %v, want %v", start, end, got, tc.want)
			}
			// The zone of the instants must not matter.
			if got := c.Between(start.UTC(), end.UTC()); got != tc.want {
				t.Errorf("Between(%v, %v) = %v, want %v", start.UTC(), end.UTC(), got, tc.want)
			}
		})
	}
}

func TestBetweenTwentyFourSeven(t *testing.T) {
	a := time.Date(2025, 10, 1, 3, 0, 0, 0, time.UTC) // a Chinese holiday, and 03:00
	for _, c := range []*Calendar{TwentyFourSeven(), mustNew(t, Spec{Name: "ops", TimeZone: "Asia/Shanghai", Always: true})} {
		if got, want := c.Between(a, a.Add(50*time.Hour)), 50*time.Hour; got != want {
			t.Errorf("%s: Between(%v, +50h) = %v, want %v", c.Name(), a, got, want)
		}
		if got := c.Between(a, a.Add(-time.Hour)); got != 0 {
			t.Errorf("%s: Between(%v, -1h) = %v, want 0", c.Name(), a, got)
		}
		if got, want := c.Add(a, 30*time.Hour), a.Add(30*time.Hour); !got.Equal(want) {
			t.Errorf("%s: Add(%v, 30h) = %v, want %v", c.Name(), a, got, want)
		}
		if got, want := c.DailyWork(), 24*time.Hour; got != want {
			t.Errorf("%s: DailyWork() = %v, want %v", c.Name(), got, want)
		}
		if !c.IsWorkingDay(Date{2025, 10, 1}) {
			t.Errorf("%s: IsWorkingDay(2025-10-01) = false, want true", c.Name())
		}
	}
}

func mustNew(tb testing.TB, s Spec) *Calendar {
	tb.Helper()
	c, err := New(s)
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

func TestAdd(t *testing.T) {
	c := shanghai(t)
	tests := []struct {
		name  string
		start string
		d     time.Duration
		want  string
	}{
		{name: "within morning", start: "2025-03-04 09:00", d: 2 * time.Hour, want: "2025-03-04 11:00"},
		{name: "ends at lunch, not after it", start: "2025-03-04 11:00", d: time.Hour, want: "2025-03-04 12:00"},
		{name: "one minute past lunch", start: "2025-03-04 11:00", d: 61 * time.Minute, want: "2025-03-04 13:31"},
		{name: "created during lunch", start: "2025-03-04 12:30", d: 30 * time.Minute, want: "2025-03-04 14:00"},
		{name: "ends at closing", start: "2025-09-30 17:00", d: time.Hour, want: "2025-09-30 18:00"},
		{name: "across weekend", start: "2025-03-07 17:30", d: time.Hour, want: "2025-03-10 09:30"},
		{name: "across National Day", start: "2025-09-30 17:00", d: 2 * time.Hour, want: "2025-10-09 10:00"},
		{name: "created on holiday", start: "2025-10-03 10:00", d: 7*time.Hour + 30*time.Minute, want: "2025-10-09 18:00"},
		{name: "into adjusted Saturday", start: "2025-10-10 17:00", d: 2 * time.Hour, want: "2025-10-11 10:00"},
		{name: "zero", start: "2025-03-04 12:30", d: 0, want: "2025-03-04 12:30"},
		{name: "negative", start: "2025-03-04 12:30", d: -time.Hour, want: "2025-03-04 12:30"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			start, want := local(t, c, tc.start), local(t, c, tc.want)
			got := c.Add(start, tc.d)
			if !got.Equal(want) {
				t.Errorf("Add(%v, %v) = %v, want %v", start, tc.d, got, want)
			}
			if got.Location() != start.Location() {
				t.Errorf("Add(%v, %v) location = %v, want %v", start, tc.d, got.Location(), start.Location())
			}
		})
	}
}

func TestAddWorkingDays(t *testing.T) {
	c := shanghai(t)
	tests := []struct {
		start string
		n     float64
		want  string
	}{
		// 2 × 7.5 h: Wed 6.5 h, Thu 7.5 h, Fri 1 h.
		{"2025-03-05 10:00", 2, "2025-03-07 10:00"},
		// 3 h 45 min: the morning, then 45 min after lunch.
		{"2025-03-03 09:00", 0.5, "2025-03-03 14:15"},
		// 1 day from Sep 30 09:00: Sep 30 is a full day, ending at 18:00.
		{"2025-09-30 09:00", 1, "2025-09-30 18:00"},
		{"2025-09-30 10:00", 1, "2025-10-09 10:00"},
		{"2025-09-30 10:00", 0, "2025-09-30 10:00"},
		{"2025-09-30 10:00", math.NaN(), "2025-09-30 10:00"},
	}
	for _, tc := range tests {
		start, want := local(t, c, tc.start), local(t, c, tc.want)
		if got := c.AddWorkingDays(start, tc.n); !got.Equal(want) {
			t.Errorf("AddWorkingDays(%v, %v) = %v, want %v", start, tc.n, got, want)
		}
	}
}

func TestDailyWork(t *testing.T) {
	tests := []struct {
		name  string
		hours map[time.Weekday][]Span
		want  time.Duration
	}{
		{name: "monday", hours: weekdayHours(morning, afternoon), want: 7*time.Hour + 30*time.Minute},
		{name: "monday off", hours: map[time.Weekday][]Span{
			time.Tuesday:  {{8 * 60, 16 * 60}},
			time.Saturday: {{8 * 60, 12 * 60}},
		}, want: 8 * time.Hour},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := mustNew(t, Spec{Hours: tc.hours})
			if got := c.DailyWork(); got != tc.want {
				t.Errorf("DailyWork() = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestIsWorkingDay(t *testing.T) {
	c := shanghai(t)
	tests := []struct {
		date string
		want bool
	}{
		{"2025-09-29", true},  // Monday
		{"2025-10-01", false}, // National Day
		{"2025-10-08", false}, // last day of the holiday, a Wednesday
		{"2025-10-09", true},
		{"2025-10-11", true},  // adjusted Saturday
		{"2025-10-12", false}, // ordinary Sunday
		{"2025-09-28", true},  // adjusted Sunday
		{"2026-02-14", true},  // adjusted Saturday before Spring Festival
		{"2026-02-23", false}, // Monday, still Spring Festival
	}
	for _, tc := range tests {
		d, err := ParseDate(tc.date)
		if err != nil {
			t.Fatal(err)
		}
		if got := c.IsWorkingDay(d); got != tc.want {
			t.Errorf("IsWorkingDay(%v) = %v, want %v", d, got, tc.want)
		}
	}
}

func TestLocalDate(t *testing.T) {
	c := shanghai(t)
	// SPEC §13.1: 2026-09-30T17:30Z is 1 October in Asia/Shanghai.
	in := time.Date(2026, 9, 30, 17, 30, 0, 0, time.UTC)
	if got, want := c.LocalDate(in), (Date{2026, time.October, 1}); got != want {
		t.Errorf("LocalDate(%v) = %v, want %v", in, got, want)
	}
	if got, want := TwentyFourSeven().LocalDate(in), (Date{2026, time.September, 30}); got != want {
		t.Errorf("24x7 LocalDate(%v) = %v, want %v", in, got, want)
	}
}

func TestBetweenExcluding(t *testing.T) {
	c := shanghai(t)
	start, end := local(t, c, "2025-03-04 09:00"), local(t, c, "2025-03-05 18:00") // 15 h
	iv := func(a, b string) Interval { return Interval{local(t, c, a), local(t, c, b)} }
	tests := []struct {
		name   string
		paused []Interval
		want   time.Duration
	}{
		{name: "none", want: 15 * time.Hour},
		{name: "over lunch", paused: []Interval{iv("2025-03-04 11:00", "2025-03-04 14:00")}, want: 13*time.Hour + 30*time.Minute},
		{
			name: "overlapping, unsorted, reaching outside",
			paused: []Interval{
				iv("2025-03-04 13:00", "2025-03-04 15:00"), // with the next: 11:00–15:00, 2.5 h
				iv("2025-03-04 11:00", "2025-03-04 14:00"),
				iv("2025-03-03 10:00", "2025-03-04 09:30"), // 30 min inside
				iv("2025-03-05 17:00", "2025-03-06 12:00"), // 1 h inside
				iv("2025-03-04 14:30", "2025-03-04 14:45"), // inside the first
			},
			want: 11 * time.Hour,
		},
		{name: "all", paused: []Interval{iv("2025-03-01 00:00", "2025-03-09 00:00")}, want: 0},
		{name: "reversed interval ignored", paused: []Interval{iv("2025-03-04 12:00", "2025-03-04 10:00")}, want: 15 * time.Hour},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := cloneIntervals(tc.paused)
			if got := c.BetweenExcluding(start, end, tc.paused); got != tc.want {
				t.Errorf("BetweenExcluding(%v, %v, %d paused) = %v, want %v", start, end, len(tc.paused), got, tc.want)
			}
			if diff := cmp.Diff(before, tc.paused); diff != "" {
				t.Errorf("BetweenExcluding changed its argument (-before +after):\n%s", diff)
			}
		})
	}
}

func cloneIntervals(in []Interval) []Interval { return append([]Interval(nil), in...) }

func TestNewYorkDST(t *testing.T) {
	c := newYork(t)
	tests := []struct {
		name       string
		start, end string
		want       time.Duration
	}{
		// 01:00 EST to 03:00 EDT is one hour of real time.
		{name: "spring forward Sunday", start: "2025-03-09 00:00", end: "2025-03-10 00:00", want: time.Hour},
		// 01:00 EDT to 03:00 EST is three hours: 01:00–02:00 happens twice.
		{name: "fall back Sunday", start: "2025-11-02 00:00", end: "2025-11-03 00:00", want: 3 * time.Hour},
		{name: "ordinary Sunday", start: "2025-06-01 00:00", end: "2025-06-02 00:00", want: 2 * time.Hour},
		{name: "Monday after spring forward", start: "2025-03-10 00:00", end: "2025-03-11 00:00", want: 8 * time.Hour},
		{name: "Monday after fall back", start: "2025-11-03 08:00", end: "2025-11-03 18:00", want: 8 * time.Hour},
		{name: "Independence Day", start: "2025-07-04 00:00", end: "2025-07-05 00:00", want: 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			start, end := local(t, c, tc.start), local(t, c, tc.end)
			if got := c.Between(start, end); got != tc.want {
				t.Errorf("Between(%v, %v) = %v, want %v", start, end, got, tc.want)
			}
		})
	}
}

// newYork works 09:00–17:00 on weekdays and 01:00–03:00 on Sundays, which
// straddles both DST changes of 2025 (Sunday 9 March and Sunday 2 November).
func newYork(tb testing.TB) *Calendar {
	tb.Helper()
	hours := weekdayHours(Span{9 * 60, 17 * 60})
	hours[time.Sunday] = []Span{{60, 180}}
	return mustNew(tb, Spec{
		Name:     "nyc",
		TimeZone: "America/New_York",
		Hours:    hours,
		Holidays: []Date{{2025, 7, 4}, {2025, 11, 27}, {2025, 12, 25}},
		Workdays: []Date{{2025, 3, 8}, {2025, 11, 1}}, // Saturdays on Monday hours
	})
}

func TestNewErrors(t *testing.T) {
	mon := func(spans ...Span) map[time.Weekday][]Span { return map[time.Weekday][]Span{time.Monday: spans} }
	tests := []struct {
		name string
		spec Spec
		want []string // substrings of the error
	}{
		{name: "unknown zone", spec: Spec{TimeZone: "Mars/Olympus", Hours: mon(morning)}, want: []string{`time zone "Mars/Olympus"`}},
		{name: "machine zone", spec: Spec{TimeZone: "Local", Hours: mon(morning)}, want: []string{`"Local" depends on the machine`}},
		{name: "overlapping spans", spec: Spec{Name: "x", Hours: mon(Span{540, 720}, Span{700, 800})}, want: []string{`calendar "x": monday span 2 (11:40-13:20): overlaps`}},
		{name: "unsorted spans", spec: Spec{Hours: mon(afternoon, morning)}, want: []string{"monday span 2 (09:00-12:00): overlaps or precedes span 1"}},
		{name: "empty span", spec: Spec{Hours: mon(Span{600, 600})}, want: []string{"monday span 1: span 600-600 minutes: start not before end"}},
		{name: "span past midnight", spec: Spec{Hours: mon(Span{1380, 1500})}, want: []string{"outside 0..1440"}},
		{name: "bad weekday", spec: Spec{Hours: map[time.Weekday][]Span{7: {morning}, time.Monday: {morning}}}, want: []string{"hours for weekday 7: not a weekday"}},
		{name: "holiday and workday", spec: Spec{Hours: mon(morning), Holidays: []Date{{2025, 10, 1}}, Workdays: []Date{{2025, 10, 1}}}, want: []string{"2025-10-01 is both a holiday and a working day"}},
		{name: "no date", spec: Spec{Hours: mon(morning), Holidays: []Date{{2025, 2, 29}}}, want: []string{"holiday 2025-02-29: not a date"}},
		{name: "no hours", spec: Spec{Name: "idle"}, want: []string{`calendar "idle": no working hours`}},
		{name: "24x7 with hours", spec: Spec{Always: true, Hours: mon(morning)}, want: []string{"monday hours: not allowed on an always (24x7) calendar"}},
		{name: "adjusted day off", spec: Spec{Hours: mon(morning), Workdays: []Date{{2025, 10, 11}}, AdjustedDay: time.Friday}, want: []string{"adjusted working days follow friday hours, but friday has none"}},
		{name: "several", spec: Spec{TimeZone: "Nowhere", Hours: mon(Span{-5, 10})}, want: []string{"2 problems", `time zone "Nowhere"`, "monday span 1"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := New(tc.spec)
			if err == nil {
				t.Fatalf("New(%+v) = %v, nil; want an error", tc.spec, c)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("New(%+v) error = %q, want it to contain %q", tc.spec, err, w)
				}
			}
		})
	}
}

func TestTouchingSpansMerge(t *testing.T) {
	// 00:00–24:00 every day is continuous time, and spans that touch are
	// one span; both must agree with a 24x7 calendar over a week.
	h := make(map[time.Weekday][]Span)
	for wd := time.Sunday; wd <= time.Saturday; wd++ {
		h[wd] = []Span{{0, 600}, {600, 1440}}
	}
	c := mustNew(t, Spec{TimeZone: "Europe/Berlin", Hours: h})
	a := time.Date(2025, 3, 25, 10, 0, 0, 0, time.UTC) // across the 30 March DST change
	b := a.Add(10 * 24 * time.Hour)
	if got, want := c.Between(a, b), b.Sub(a); got != want {
		t.Errorf("Between(%v, %v) = %v, want %v", a, b, got, want)
	}
}

func TestOutsideSupportedYears(t *testing.T) {
	c := shanghai(t)
	lo := time.Date(MinYear, 1, 1, 0, 0, 0, 0, c.Location())
	hi := time.Date(MaxYear+1, 1, 1, 0, 0, 0, 0, c.Location())

	// Before MinYear every instant is working time.
	a := lo.Add(-48 * time.Hour)
	if got, want := c.Between(a, lo), 48*time.Hour; got != want {
		t.Errorf("Between(%v, %v) = %v, want %v", a, lo, got, want)
	}
	if got, want := c.Add(a, time.Hour), a.Add(time.Hour); !got.Equal(want) {
		t.Errorf("Add(%v, 1h) = %v, want %v", a, got, want)
	}
	// 1950-01-01 is a Sunday; Monday 2 January opens at 09:00.
	if got, want := c.Add(a, 48*time.Hour+time.Minute), lo.Add(33*time.Hour+time.Minute); !got.Equal(want) {
		t.Errorf("Add(%v, 48h1m) = %v, want %v", a, got, want)
	}
	// After MaxYear too; Add runs off the end of the table into it.
	b := hi.Add(-24 * time.Hour) // Tuesday 31 December 2199, 00:00
	if got, want := c.Between(b, hi.Add(time.Hour)), 7*time.Hour+30*time.Minute+time.Hour; got != want {
		t.Errorf("Between(%v, %v) = %v, want %v", b, hi.Add(time.Hour), got, want)
	}
	if got, want := c.Add(b, 8*time.Hour+30*time.Minute), hi.Add(time.Hour); !got.Equal(want) {
		t.Errorf("Add(%v, 8h30m) = %v, want %v", b, got, want)
	}
	// Extremes saturate instead of overflowing or panicking.
	if got := c.Between(time.Time{}, time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)); got != math.MaxInt64 {
		t.Errorf("Between(zero, 9999) = %v, want %v", got, time.Duration(math.MaxInt64))
	}
	if got, want := c.Add(time.Time{}, time.Hour), (time.Time{}).Add(time.Hour); !got.Equal(want) {
		t.Errorf("Add(zero, 1h) = %v, want %v", got, want)
	}
}

func TestConcurrentUse(t *testing.T) {
	// A fresh calendar builds its tables while many goroutines read them.
	want := shanghai(t)
	c := shanghai(t)
	starts := make([]time.Time, 200)
	for i := range starts {
		starts[i] = time.Date(1960+i, time.Month(1+i%12), 1+i%28, i%24, 0, 0, 0, time.UTC)
	}
	var wg sync.WaitGroup
	errs := make(chan string, 16*len(starts))
	for g := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range starts {
				s := starts[(i*7+g)%len(starts)]
				e := s.Add(time.Duration(i%40) * 24 * time.Hour)
				if got, w := c.Between(s, e), want.Between(s, e); got != w {
					errs <- s.String()
				}
				if got, w := c.Add(s, 100*time.Hour), want.Add(s, 100*time.Hour); !got.Equal(w) {
					errs <- s.String()
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for s := range errs {
		t.Errorf("concurrent result from %s differs from sequential", s)
	}
}

func TestDate(t *testing.T) {
	d, err := ParseDate("2024-02-29")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := d, (Date{2024, time.February, 29}); got != want {
		t.Errorf("ParseDate(2024-02-29) = %v, want %v", got, want)
	}
	if got, want := d.AddDays(1).String(), "2024-03-01"; got != want {
		t.Errorf("AddDays(1) = %v, want %v", got, want)
	}
	if got, want := d.Weekday(), time.Thursday; got != want {
		t.Errorf("Weekday() = %v, want %v", got, want)
	}
	for _, bad := range []string{"2025-02-29", "2025-2-1", "20250201", ""} {
		if _, err := ParseDate(bad); err == nil {
			t.Errorf("ParseDate(%q) = nil error, want one", bad)
		}
	}
	var u Date
	if err := u.UnmarshalText([]byte("2025-10-01")); err != nil || u != (Date{2025, 10, 1}) {
		t.Errorf("UnmarshalText(2025-10-01) = %v, %v", u, err)
	}
}

func TestParseSpan(t *testing.T) {
	tests := []struct {
		in      string
		want    Span
		wantErr bool
	}{
		{in: "09:00-12:00", want: Span{540, 720}},
		{in: "13:30 – 18:00", want: Span{810, 1080}},
		{in: "00:00-24:00", want: Span{0, 1440}},
		{in: "9:00-12:00", want: Span{540, 720}},
		{in: "12:00-09:00", wantErr: true},
		{in: "09:00-24:30", wantErr: true},
		{in: "09:60-10:00", wantErr: true},
		{in: "0900-1000", wantErr: true},
		{in: "09:00", wantErr: true},
	}
	for _, tc := range tests {
		got, err := ParseSpan(tc.in)
		if (err != nil) != tc.wantErr {
			t.Errorf("ParseSpan(%q) error = %v, want error %v", tc.in, err, tc.wantErr)
			continue
		}
		if got != tc.want {
			t.Errorf("ParseSpan(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}
