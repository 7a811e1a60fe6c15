package calendar

import (
	"cmp"
	"slices"
	"time"
)

// table holds the working intervals of a range of local years as Unix
// nanoseconds, sorted and disjoint, with the cumulative working time at the
// end of each. Between is two binary searches over it and Add one more.
// A table is immutable once published, so readers need no lock.
type table struct {
	first, last int   // local years covered
	lo, hi      int64 // Unix ns of local first-01-01 00:00 and (last+1)-01-01 00:00

	starts, ends []int64 // interval i is [starts[i], ends[i])
	cumEnd       []int64 // working ns in [lo, ends[i])
}

// cum returns the working nanoseconds in [t.lo, x) for lo ≤ x ≤ hi.
func (t *table) cum(x int64) int64 {
	// Find the last interval that starts at or before x.
	lo, hi := 0, len(t.starts)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if t.starts[m] <= x {
			lo = m + 1
		} else {
			hi = m
		}
	}
	i := lo - 1
	if i < 0 {
		return 0
	}
	if x < t.ends[i] {
		return t.cumEnd[i] - (t.ends[i] - x)
	}
	return t.cumEnd[i]
}

// add returns the earliest x with cum(x) − cum(s) == d, for d > 0, and false
// if the table ends first.
func (t *table) add(s, d int64) (int64, bool) {
	n := len(t.cumEnd)
	c0 := t.cum(s)
	if n == 0 || d > t.cumEnd[n-1]-c0 {
		return 0, false
	}
	target := c0 + d
	// Find the first interval whose end reaches the target; the deadline
	// falls inside it or on its end, never on the next opening.
	lo, hi := 0, n
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if t.cumEnd[m] < target {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return t.ends[lo] - (t.cumEnd[lo] - target), true
}

// table returns a table covering local years first through last, building
// a larger one if the cached table does not.
func (c *Calendar) table(first, last int) *table {
	covers := func(t *table) bool { return t != nil && t.first <= first && last <= t.last }
	if t := c.tab.Load(); covers(t) {
		return t
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	t := c.tab.Load()
	if covers(t) {
		return t
	}
	if t == nil {
		// Neighbouring years are nearly free and catch complaints that
		// cross New Year.
		first, last = first-1, last+1
	} else {
		// Grow at least twofold so that walking year by year costs
		// O(log years) builds.
		size := t.last - t.first + 1
		if first < t.first {
			first = min(first, t.first-size)
		} else {
			first = t.first
		}
		if last > t.last {
			last = max(last, t.last+size)
		} else {
			last = t.last
		}
	}
	nt := c.build(max(first, MinYear), min(last, MaxYear))
	c.tab.Store(nt)
	return nt
}

// build computes the working intervals of local years first through last.
// Each span boundary is converted with time.Date in the calendar's zone, so
// spans follow the local wall clock across DST changes: a boundary in a
// skipped hour moves forward, as time.Date normalises it, and a boundary in
// a repeated hour takes the first occurrence.
func (c *Calendar) build(first, last int) *table {
	t := &table{
		first: first,
		last:  last,
		lo:    time.Date(first, time.January, 1, 0, 0, 0, 0, c.loc).UnixNano(),
		hi:    time.Date(last+1, time.January, 1, 0, 0, 0, 0, c.loc).UnixNano(),
	}
	perWeek := 0
	for _, spans := range c.hours {
		perWeek += len(spans)
	}
	raw := make([][2]int64, 0, (last-first+1)*53*perWeek)
	d := Date{first, time.January, 1}
	wd := d.Weekday()
	for d.Year <= last {
		for _, sp := range c.spansOn(d, wd) {
			s := time.Date(d.Year, d.Month, d.Day, 0, sp.Start, 0, 0, c.loc).UnixNano()
			e := time.Date(d.Year, d.Month, d.Day, 0, sp.End, 0, 0, c.loc).UnixNano()
			s, e = max(s, t.lo), min(e, t.hi)
			if s < e {
				raw = append(raw, [2]int64{s, e})
			}
		}
		wd = (wd + 1) % 7
		if d.Day++; d.Day > daysIn(d.Year, d.Month) {
			d.Day = 1
			if d.Month++; d.Month > time.December {
				d.Month = time.January
				d.Year++
			}
		}
	}
	// DST can make intervals of one day overlap or reverse order; merge
	// them (and touching intervals such as 24:00 and 00:00) into disjoint
	// ones.
	slices.SortFunc(raw, func(a, b [2]int64) int { return cmp.Compare(a[0], b[0]) })
	merged := raw[:0]
	for _, iv := range raw {
		if n := len(merged); n > 0 && iv[0] <= merged[n-1][1] {
			merged[n-1][1] = max(merged[n-1][1], iv[1])
			continue
		}
		merged = append(merged, iv)
	}
	t.starts = make([]int64, len(merged))
	t.ends = make([]int64, len(merged))
	t.cumEnd = make([]int64, len(merged))
	var cum int64
	for i, iv := range merged {
		cum += iv[1] - iv[0]
		t.starts[i], t.ends[i], t.cumEnd[i] = iv[0], iv[1], cum
	}
	return t
}
