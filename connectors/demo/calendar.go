package demo

import (
	"math"
	"sort"
	"time"
)

// The generator keeps its own small working calendar. It exists only to
// place agents' replies inside office hours and is deliberately rough: the
// scoring calendar (scoring/calendar) is the one that measures.

// cst is China Standard Time. Asia/Shanghai has had no DST since 1991, so a
// fixed zone is exact and needs no tzdata.
var cst = time.FixedZone("CST", 8*3600)

const (
	daySec = 86400
	// Working intervals of a working day, seconds after local midnight:
	// 09:00–12:00 and 13:30–18:00, 7.5 h in all.
	amOpen    = 9 * 3600
	amClose   = 12 * 3600
	pmOpen    = 13*3600 + 1800
	pmClose   = 18 * 3600
	amLen     = amClose - amOpen
	workPerDy = amLen + pmClose - pmOpen
	// never is an instant after every horizon: "did not happen in the data".
	never = math.MaxInt64 / 4
)

// dayKind classifies a calendar date in the holiday table.
type dayKind int8

const (
	dayNormal  dayKind = iota
	dayHoliday         // statutory day off, even on a weekday
	dayWorkday         // adjusted working day (调休), even on a weekend
)

// holidayTable is an approximate table of Chinese public holidays and
// adjusted working days for 2025 and 2026, as YYYYMMDD ranges. It is for
// realism only; exactness is not needed.
var holidayTable = []struct {
	from, to int
	kind     dayKind
}{
	{20250101, 20250101, dayHoliday},
	{20250128, 20250204, dayHoliday}, // Spring Festival
	{20250126, 20250126, dayWorkday},
	{20250208, 20250208, dayWorkday},
	{20250404, 20250406, dayHoliday}, // Qingming
	{20250501, 20250505, dayHoliday}, // Labour Day
	{20250427, 20250427, dayWorkday},
	{20250531, 20250602, dayHoliday}, // Dragon Boat
	{20251001, 20251008, dayHoliday}, // National Day and Mid-Autumn
	{20250928, 20250928, dayWorkday},
	{20251011, 20251011, dayWorkday},
	{20260101, 20260103, dayHoliday},
	{20260104, 20260104, dayWorkday},
	{20260215, 20260223, dayHoliday}, // Spring Festival
	{20260214, 20260214, dayWorkday},
	{20260228, 20260228, dayWorkday},
	{20260404, 20260406, dayHoliday},
	{20260501, 20260505, dayHoliday},
	{20260509, 20260509, dayWorkday},
	{20260619, 20260621, dayHoliday},
	{20260925, 20260927, dayHoliday},
	{20261001, 20261007, dayHoliday},
	{20260920, 20260920, dayWorkday},
	{20261010, 20261010, dayWorkday},
}

func holidayKind(ymd int) dayKind {
	for _, h := range holidayTable {
		if ymd >= h.from && ymd <= h.to {
			return h.kind
		}
	}
	return dayNormal
}

// day is what the generator knows about one local date.
type day struct {
	work    bool    // agents work 09:00–12:00, 13:30–18:00
	offDay  bool    // a holiday (not a plain weekend)
	duty    bool    // a plain weekend day: the duty rota answers 10:00–16:00
	arrival float64 // relative arrival intensity of the day
	load    float64 // ≥ 1: queue pressure that slows replies (post-holiday, promotions)
	promo   int8    // promotion code: inside the aftermath of 11.11 or 618
	month   int     // months after the first day's month
	ymd     int
}

// calendar maps unix seconds to business seconds and back in O(log n).
type calendar struct {
	base int64   // unix seconds of local midnight of day 0
	days []day   // day 0 … horizon
	cum  []int64 // cum[d]: business seconds before day d; len(days)+1
}

func newCalendar(start time.Time, horizonDays int) *calendar {
	ls := start.In(cst)
	first := time.Date(ls.Year(), ls.Month(), ls.Day(), 0, 0, 0, 0, cst)
	c := &calendar{base: first.Unix(), days: make([]day, horizonDays), cum: make([]int64, horizonDays+1)}
	for d := range c.days {
		t := first.AddDate(0, 0, d)
		y, m, dd := t.Date()
		ymd := y*10000 + int(m)*100 + dd
		k := holidayKind(ymd)
		wd := t.Weekday()
		work := wd != time.Saturday && wd != time.Sunday
		switch k {
		case dayHoliday:
			work = false
		case dayWorkday:
			work = true
		}
		c.days[d] = day{
			work:   work,
			offDay: k == dayHoliday,
			duty:   !work && k == dayNormal,
			month:  (y-first.Year())*12 + int(m) - int(first.Month()),
			ymd:    ymd,
		}
		c.cum[d+1] = c.cum[d]
		if work {
			c.cum[d+1] += workPerDy
		}
	}
	return c
}

// dayOf returns the day index of unix instant t (may be out of range).
func (c *calendar) dayOf(t int64) int {
	x := t - c.base
	if x < 0 {
		return int((x - daySec + 1) / daySec)
	}
	return int(x / daySec)
}

// busAt returns the business seconds elapsed from day 0 up to t.
func (c *calendar) busAt(t int64) int64 {
	d := c.dayOf(t)
	if d < 0 {
		return 0
	}
	if d >= len(c.days) {
		return c.cum[len(c.days)]
	}
	b := c.cum[d]
	if !c.days[d].work {
		return b
	}
	s := t - c.base - int64(d)*daySec
	switch {
	case s <= amOpen:
	case s <= amClose:
		b += s - amOpen
	case s <= pmOpen:
		b += amLen
	case s <= pmClose:
		b += amLen + s - pmOpen
	default:
		b += workPerDy
	}
	return b
}

// fromBus returns the instant at which b business seconds have elapsed; a
// boundary maps to the next opening. Past the horizon it returns never.
func (c *calendar) fromBus(b int64) int64 {
	n := len(c.days)
	if b >= c.cum[n] {
		return never
	}
	// The working day d with cum[d] ≤ b < cum[d+1].
	d := sort.Search(n, func(i int) bool { return c.cum[i+1] > b })
	r := b - c.cum[d]
	at := c.base + int64(d)*daySec
	if r < amLen {
		return at + amOpen + r
	}
	return at + pmOpen + r - amLen
}

// working reports whether t is inside working hours.
func (c *calendar) working(t int64) bool {
	d := c.dayOf(t)
	if d < 0 || d >= len(c.days) || !c.days[d].work {
		return false
	}
	s := t - c.base - int64(d)*daySec
	return (s >= amOpen && s < amClose) || (s >= pmOpen && s < pmClose)
}

// Weekend duty window, seconds after local midnight.
const (
	dutyOpen  = 10 * 3600
	dutyClose = 16 * 3600
)

// duty returns the first weekend duty window [from, to) that overlaps
// [t0, t1), if any: the rota answers what arrived over the weekend and what
// was left unanswered on Friday. Public holidays have no duty.
func (c *calendar) duty(t0, t1 int64) (from, to int64, ok bool) {
	for d := max(c.dayOf(t0), 0); d < len(c.days); d++ {
		at := c.base + int64(d)*daySec
		if at >= t1 {
			break
		}
		if c.days[d].duty && t0 < at+dutyClose && at+dutyOpen < t1 {
			return max(t0, at+dutyOpen), at + dutyClose, true
		}
	}
	return 0, 0, false
}

// day returns the day record of t, clamped to the horizon.
func (c *calendar) day(t int64) *day {
	d := c.dayOf(t)
	d = max(0, min(d, len(c.days)-1))
	return &c.days[d]
}
