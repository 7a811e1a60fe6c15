package calendar

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// MinYear and MaxYear bound the local years for which a calendar computes
// working intervals (250 years, so cumulative working nanoseconds fit an
// int64). Instants outside them count as working time, as in a 24x7
// calendar, so Between and Add stay total, additive and monotonic for any
// input; real complaint timestamps never get there.
const (
	MinYear = 1950
	MaxYear = 2199
)

// Spec describes a calendar as config writes it.
type Spec struct {
	Name     string
	TimeZone string // IANA name such as "Asia/Shanghai"; "" means UTC

	// Hours holds the working spans per weekday in local wall-clock minutes,
	// sorted and non-overlapping. A weekday with no spans is a day off.
	Hours map[time.Weekday][]Span

	Holidays []Date // days off even if their weekday has hours
	Workdays []Date // adjusted working days (调休), e.g. a Saturday declared a working day

	// AdjustedDay is the weekday whose hours an adjusted working day follows
	// (SPEC §13.3). Its zero value, time.Sunday, means the default: Monday.
	// Sunday therefore cannot be chosen; adjusted working days exist to
	// replace a normal weekday.
	AdjustedDay time.Weekday

	// Always makes every instant working time (24x7); Hours must then be
	// empty, and Holidays and Workdays are ignored.
	Always bool
}

// Calendar answers business-time questions for one team (SPEC §3, §13.3).
// It is safe for concurrent use. Working intervals are computed lazily per
// range of local years and cached, so the first call for a new year costs
// a table build (about 50 µs per year) and later calls are O(log n).
type Calendar struct {
	name     string
	loc      *time.Location
	always   bool
	hours    [7][]Span
	adjusted time.Weekday
	holidays map[Date]struct{}
	workdays map[Date]struct{}
	daily    time.Duration
	// years are the years with at least one holiday, sorted: the years
	// the calendar's holiday data covers.
	years []int

	loSec, hiSec int64 // Unix seconds of local MinYear-01-01 and (MaxYear+1)-01-01
	lo, hi       time.Time

	mu  sync.Mutex // serialises table builds
	tab atomic.Pointer[table]
}

var weekdays = [7]time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday, time.Sunday}

func weekdayName(w time.Weekday) string { return strings.ToLower(w.String()) }

// New validates s and returns its calendar. The error lists every problem
// found: an unknown zone, a bad, unsorted or overlapping span, a day that is
// both a holiday and a working day, no working hours at all.
func New(s Spec) (*Calendar, error) {
	var errs []error
	fail := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }

	loc := time.UTC
	switch s.TimeZone {
	case "":
	case "Local":
		fail("time zone %q depends on the machine; name an IANA zone such as \"Asia/Shanghai\"", s.TimeZone)
	default:
		l, err := time.LoadLocation(s.TimeZone)
		if err != nil {
			fail("time zone %q: %w", s.TimeZone, err)
		} else {
			loc = l
		}
	}

	c := &Calendar{name: s.Name, loc: loc, always: s.Always, adjusted: s.AdjustedDay}
	if c.adjusted == time.Sunday {
		c.adjusted = time.Monday
	}
	if c.adjusted < time.Sunday || c.adjusted > time.Saturday {
		fail("adjusted day %d: not a weekday", int(s.AdjustedDay))
		c.adjusted = time.Monday
	}

	for wd := range s.Hours {
		if wd < time.Sunday || wd > time.Saturday {
			fail("hours for weekday %d: not a weekday", int(wd))
		}
	}
	for _, wd := range weekdays {
		spans := s.Hours[wd]
		if len(spans) > 0 && s.Always {
			fail("%s hours: not allowed on an always (24x7) calendar", weekdayName(wd))
			continue
		}
		ok := true
		for i, sp := range spans {
			if err := sp.check(); err != nil {
				fail("%s span %d: %w", weekdayName(wd), i+1, err)
				ok = false
			} else if i > 0 && sp.Start < spans[i-1].End && spans[i-1].check() == nil {
				fail("%s span %d (%v): overlaps or precedes span %d (%v); list spans in order without overlap",
					weekdayName(wd), i+1, sp, i, spans[i-1])
				ok = false
			}
		}
		if ok {
			c.hours[wd] = mergeSpans(spans)
		}
	}

	if !s.Always {
		c.holidays = make(map[Date]struct{}, len(s.Holidays))
		for _, d := range s.Holidays {
			if !d.Valid() {
				fail("holiday %v: not a date", d)
				continue
			}
			c.holidays[d] = struct{}{}
		}
		c.workdays = make(map[Date]struct{}, len(s.Workdays))
		for _, d := range s.Workdays {
			if !d.Valid() {
				fail("working day %v: not a date", d)
				continue
			}
			if _, dup := c.holidays[d]; dup {
				fail("%v is both a holiday and a working day", d)
			}
			c.workdays[d] = struct{}{}
		}
		if len(c.workdays) > 0 && len(c.hours[c.adjusted]) == 0 && len(s.Hours[c.adjusted]) == 0 {
			fail("adjusted working days follow %s hours, but %s has none", weekdayName(c.adjusted), weekdayName(c.adjusted))
		}
		if c.weeklyWork() == 0 && len(errs) == 0 {
			fail("no working hours on any weekday; set hours or always (24x7)")
		}
	}

	if len(errs) > 0 {
		prefix := "calendar"
		if s.Name != "" {
			prefix = fmt.Sprintf("calendar %q", s.Name)
		}
		if len(errs) == 1 {
			return nil, fmt.Errorf("%s: %w", prefix, errs[0])
		}
		return nil, fmt.Errorf("%s: %d problems: %w", prefix, len(errs), errors.Join(errs...))
	}

	for d := range c.holidays {
		if _, ok := slices.BinarySearch(c.years, d.Year); !ok {
			c.years = append(c.years, d.Year)
			slices.Sort(c.years)
		}
	}
	c.daily = c.computeDailyWork()
	c.lo = time.Date(MinYear, time.January, 1, 0, 0, 0, 0, loc)
	c.hi = time.Date(MaxYear+1, time.January, 1, 0, 0, 0, 0, loc)
	c.loSec, c.hiSec = c.lo.Unix(), c.hi.Unix()
	return c, nil
}

// HolidayYears returns the years that the calendar's holiday data covers,
// sorted: those with at least one holiday (from a built-in schedule, a
// holiday file or the config). It is empty for a calendar without
// holidays, and for a 24x7 one, which ignores them.
func (c *Calendar) HolidayYears() []int { return slices.Clone(c.years) }

// YearRanges writes sorted years as ranges joined by sep: 2024–2026, or
// 2022, 2024–2026 (sep ", ").
func YearRanges(ys []int, sep string) string {
	var parts []string
	for i := 0; i < len(ys); {
		j := i
		for j+1 < len(ys) && ys[j+1] == ys[j]+1 {
			j++
		}
		if j > i {
			parts = append(parts, strconv.Itoa(ys[i])+"–"+strconv.Itoa(ys[j]))
		} else {
			parts = append(parts, strconv.Itoa(ys[i]))
		}
		i = j + 1
	}
	return strings.Join(parts, sep)
}

// HolidaysCover reports whether the calendar's holiday data covers year: it
// has holidays in that year, or none in any year (a calendar without
// holidays has no data to fall outside of). A year it does not cover
// counts its public holidays as working days, which only new holiday data
// can correct: the built-in "cn" schedule covers 2024–2026, and each
// year's is published by the State Council some weeks before it starts.
func (c *Calendar) HolidaysCover(year int) bool {
	if len(c.years) == 0 {
		return true
	}
	_, ok := slices.BinarySearch(c.years, year)
	return ok
}

// mergeSpans copies spans, joining spans that touch (12:00 end, 12:00 start).
func mergeSpans(spans []Span) []Span {
	var out []Span
	for _, sp := range spans {
		if n := len(out); n > 0 && out[n-1].End == sp.Start {
			out[n-1].End = sp.End
			continue
		}
		out = append(out, sp)
	}
	return out
}

// TwentyFourSeven returns the 24x7 calendar: every instant is working time,
// in UTC.
func TwentyFourSeven() *Calendar {
	return &Calendar{name: "24x7", loc: time.UTC, always: true, daily: 24 * time.Hour}
}

// Name returns the calendar's name from its Spec.
func (c *Calendar) Name() string { return c.name }

// Location returns the calendar's time zone.
func (c *Calendar) Location() *time.Location { return c.loc }

// Always reports whether c is a 24x7 calendar.
func (c *Calendar) Always() bool { return c.always }

func (c *Calendar) weeklyWork() time.Duration {
	var sum time.Duration
	for _, spans := range c.hours {
		for _, sp := range spans {
			sum += sp.Duration()
		}
	}
	return sum
}

func dayWork(spans []Span) time.Duration {
	var sum time.Duration
	for _, sp := range spans {
		sum += sp.Duration()
	}
	return sum
}

func (c *Calendar) computeDailyWork() time.Duration {
	if c.always {
		return 24 * time.Hour
	}
	if d := dayWork(c.hours[time.Monday]); d > 0 {
		return d
	}
	var longest time.Duration
	for _, wd := range weekdays {
		longest = max(longest, dayWork(c.hours[wd]))
	}
	return longest
}

// DailyWork returns the calendar's normal daily working time: Monday's
// hours, or the longest weekday's if Monday is off; 24 h for 24x7.
// "N working days" is N × DailyWork of business time (SPEC §3).
func (c *Calendar) DailyWork() time.Duration { return c.daily }

// AddWorkingDays returns the deadline n working days after start:
// Add(start, n × DailyWork), rounded to the nanosecond. n ≤ 0 returns start.
func (c *Calendar) AddWorkingDays(start time.Time, n float64) time.Time {
	if !(n > 0) {
		return start
	}
	d := n * float64(c.daily)
	if d >= math.MaxInt64 {
		return c.Add(start, math.MaxInt64)
	}
	return c.Add(start, time.Duration(math.Round(d)))
}

// spansOn returns the working spans of local date d, nil on a day off.
func (c *Calendar) spansOn(d Date, wd time.Weekday) []Span {
	if _, ok := c.holidays[d]; ok {
		return nil
	}
	if _, ok := c.workdays[d]; ok {
		return c.hours[c.adjusted]
	}
	return c.hours[wd]
}

// IsWorkingDay reports whether d has working time: a holiday never does, an
// adjusted working day always does, other days do if their weekday has
// hours. Every day is a working day of a 24x7 calendar.
func (c *Calendar) IsWorkingDay(d Date) bool {
	if c.always {
		return true
	}
	return len(c.spansOn(d, d.Weekday())) > 0
}

// LocalDate returns the civil date of t in the calendar's zone; a complaint
// belongs to the period of this date (SPEC §13.1).
func (c *Calendar) LocalDate(t time.Time) Date { return DateOf(t.In(c.loc)) }

// Between returns the business time in [start, end): the overlap of the
// interval with the calendar's working intervals (SPEC §13.3). It returns 0
// if end ≤ start, and end − start for a 24x7 calendar.
func (c *Calendar) Between(start, end time.Time) time.Duration {
	if c.always {
		if !end.After(start) {
			return 0
		}
		return end.Sub(start)
	}
	ss, es := start.Unix(), end.Unix()
	if t := c.tab.Load(); t != nil && ss >= c.loSec && es < c.hiSec {
		s, e := start.UnixNano(), end.UnixNano()
		if e <= s {
			return 0
		}
		if s >= t.lo && e <= t.hi {
			return time.Duration(t.cum(e) - t.cum(s))
		}
	}
	return c.slowBetween(start.Round(0), end.Round(0))
}

func (c *Calendar) slowBetween(start, end time.Time) time.Duration {
	if !end.After(start) {
		return 0
	}
	var sum time.Duration
	if start.Before(c.lo) {
		sum = satAdd(sum, minTime(end, c.lo).Sub(start))
	}
	if a, b := maxTime(start, c.lo), minTime(end, c.hi); a.Before(b) {
		t := c.table(c.yearOf(a), c.yearOf(b))
		sum = satAdd(sum, time.Duration(t.cum(b.UnixNano())-t.cum(a.UnixNano())))
	}
	if end.After(c.hi) {
		sum = satAdd(sum, end.Sub(maxTime(start, c.hi)))
	}
	return sum
}

// Add returns the deadline d of business time after start: the earliest
// instant t with Between(start, t) == d. A deadline that ends a working
// interval is that interval's end (12:00), not the next opening (13:30).
// d ≤ 0 returns start. The result is in start's location.
func (c *Calendar) Add(start time.Time, d time.Duration) time.Time {
	if d <= 0 {
		return start
	}
	if c.always {
		return start.Add(d)
	}
	if ss := start.Unix(); ss >= c.loSec && ss < c.hiSec {
		if t := c.tab.Load(); t != nil {
			s := start.UnixNano()
			if s >= t.lo && s <= t.hi {
				if r, ok := t.add(s, int64(d)); ok {
					return time.Unix(0, r).In(start.Location())
				}
			}
		}
	}
	return c.slowAdd(start.Round(0), d)
}

func (c *Calendar) slowAdd(start time.Time, d time.Duration) time.Time {
	loc := start.Location()
	if start.Before(c.lo) {
		if t := start.Add(d); !t.After(c.lo) {
			return t
		}
		d -= c.lo.Sub(start)
		start = c.lo
	}
	if start.Before(c.hi) {
		first := c.yearOf(start)
		for {
			t := c.table(first, first)
			if r, ok := t.add(start.UnixNano(), int64(d)); ok {
				return time.Unix(0, r).In(loc)
			}
			if t.last >= MaxYear {
				d -= time.Duration(t.cum(t.hi) - t.cum(start.UnixNano()))
				start = c.hi
				break
			}
			// The table grows at least twofold per build, so this loop
			// runs O(log years) times.
			c.table(first, t.last+1)
		}
	}
	return start.Add(d).In(loc)
}

// yearOf returns the local year of t clamped to [MinYear, MaxYear].
func (c *Calendar) yearOf(t time.Time) int {
	return min(max(t.In(c.loc).Year(), MinYear), MaxYear)
}

// Interval is a wall-clock interval [Start, End).
type Interval struct{ Start, End time.Time }

// BetweenExcluding returns the business time in [start, end) outside the
// paused intervals, which may overlap, be unsorted or reach outside
// [start, end): the clock stops while a complaint waits for the customer
// (SPEC §13.5). It allocates only if paused is not sorted by Start.
func (c *Calendar) BetweenExcluding(start, end time.Time, paused []Interval) time.Duration {
	total := c.Between(start, end)
	if total == 0 || len(paused) == 0 {
		return total
	}
	sorted := slices.IsSortedFunc(paused, cmpIntervalStart)
	if !sorted {
		paused = slices.Clone(paused)
		slices.SortFunc(paused, cmpIntervalStart)
	}
	cursor := start
	for _, p := range paused {
		a, b := maxTime(p.Start, cursor), minTime(p.End, end)
		if a.Before(b) {
			total -= c.Between(a, b)
			cursor = b
		}
	}
	return max(total, 0)
}

func cmpIntervalStart(a, b Interval) int { return a.Start.Compare(b.Start) }

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// satAdd adds durations, saturating instead of overflowing (time.Sub
// saturates the same way for spans of more than 292 years).
func satAdd(a, b time.Duration) time.Duration {
	s := a + b
	if b > 0 && s < a {
		return math.MaxInt64
	}
	if b < 0 && s > a {
		return math.MinInt64
	}
	return s
}
