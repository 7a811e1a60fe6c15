package calendar

import (
	"math/rand/v2"
	"testing"
	"time"
)

// reference is a brute-force model of a calendar: one flag per UTC minute
// of a window, set by reading the local wall clock of that minute. It
// shares no code with the tables; it is correct whenever every working
// interval starts and ends on a UTC minute, which holds for whole-hour zone
// offsets and spans that do not start or end inside a skipped DST hour.
type reference struct {
	origin  time.Time
	working []bool
	prefix  []int64 // prefix[i] = working minutes before minute i
}

func newReference(spec Spec, from, to time.Time) *reference {
	loc, err := time.LoadLocation(spec.TimeZone)
	if err != nil {
		panic(err)
	}
	holidays := make(map[string]bool)
	for _, d := range spec.Holidays {
		holidays[d.String()] = true
	}
	workdays := make(map[string]bool)
	for _, d := range spec.Workdays {
		workdays[d.String()] = true
	}
	adjusted := spec.AdjustedDay
	if adjusted == time.Sunday {
		adjusted = time.Monday
	}
	n := int(to.Sub(from) / time.Minute)
	r := &reference{origin: from, working: make([]bool, n), prefix: make([]int64, n+1)}
	for i := range n {
		l := from.Add(time.Duration(i) * time.Minute).In(loc)
		day := l.Format(time.DateOnly)
		spans := spec.Hours[l.Weekday()]
		switch {
		case holidays[day]:
			spans = nil
		case workdays[day]:
			spans = spec.Hours[adjusted]
		}
		m := l.Hour()*60 + l.Minute()
		for _, sp := range spans {
			if sp.Start <= m && m < sp.End {
				r.working[i] = true
			}
		}
		r.prefix[i+1] = r.prefix[i]
		if r.working[i] {
			r.prefix[i+1]++
		}
	}
	return r
}

// cum returns the working time from the origin to t.
func (r *reference) cum(t time.Time) time.Duration {
	off := t.Sub(r.origin)
	i := int(off / time.Minute)
	c := time.Duration(r.prefix[i]) * time.Minute
	if i < len(r.working) && r.working[i] {
		c += off - time.Duration(i)*time.Minute
	}
	return c
}

func (r *reference) between(a, b time.Time) time.Duration {
	if !b.After(a) {
		return 0
	}
	return r.cum(b) - r.cum(a)
}

func (r *reference) end() time.Time {
	return r.origin.Add(time.Duration(len(r.working)) * time.Minute)
}

type propertyCase struct {
	name     string
	spec     Spec
	from, to time.Time
	focus    []time.Time // instants to sample densely around, such as DST changes
}

func propertyCases(t *testing.T) []propertyCase {
	hol, work, err := Holidays("cn")
	if err != nil {
		t.Fatal(err)
	}
	nyHours := weekdayHours(Span{9 * 60, 17 * 60})
	nyHours[time.Sunday] = []Span{{60, 180}}
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	return []propertyCase{
		{
			name: "Asia/Shanghai cn",
			spec: Spec{TimeZone: "Asia/Shanghai", Hours: weekdayHours(morning, afternoon), Holidays: hol, Workdays: work},
			from: time.Date(2023, 12, 20, 0, 0, 0, 0, time.UTC),
			to:   time.Date(2027, 1, 10, 0, 0, 0, 0, time.UTC),
			focus: []time.Time{
				time.Date(2025, 9, 28, 0, 0, 0, 0, time.UTC),
				time.Date(2025, 1, 26, 0, 0, 0, 0, time.UTC),
				time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
			},
		},
		{
			name: "America/New_York DST",
			spec: Spec{
				TimeZone: "America/New_York",
				Hours:    nyHours,
				Holidays: []Date{{2025, 7, 4}, {2025, 11, 27}, {2025, 12, 25}},
				Workdays: []Date{{2025, 3, 8}, {2025, 11, 1}},
			},
			from: time.Date(2024, 12, 25, 0, 0, 0, 0, time.UTC),
			to:   time.Date(2026, 1, 10, 0, 0, 0, 0, time.UTC),
			focus: []time.Time{
				time.Date(2025, 3, 9, 7, 0, 0, 0, ny), // 02:00 EST becomes 03:00 EDT
				time.Date(2025, 11, 2, 6, 0, 0, 0, ny),
			},
		},
	}
}

// sampler draws random instants from a window, half of them near a focus
// instant, a fifth of them on a whole minute.
type sampler struct {
	rng      *rand.Rand
	from, to time.Time
	focus    []time.Time
}

func (s *sampler) instant() time.Time {
	var t time.Time
	if len(s.focus) > 0 && s.rng.IntN(2) == 0 {
		f := s.focus[s.rng.IntN(len(s.focus))]
		t = f.Add(time.Duration(s.rng.Int64N(int64(6*24*time.Hour))) - 3*24*time.Hour)
	} else {
		t = s.from.Add(time.Duration(s.rng.Int64N(int64(s.to.Sub(s.from)))))
	}
	if s.rng.IntN(5) == 0 {
		t = t.Truncate(time.Minute)
	}
	return t
}

// after returns an instant at most max after t, often a short one.
func (s *sampler) after(t time.Time, max time.Duration) time.Time {
	if s.rng.IntN(3) == 0 {
		max = 3 * time.Hour
	}
	u := t.Add(time.Duration(s.rng.Int64N(int64(max))))
	if u.After(s.to) {
		return s.to
	}
	return u
}

func TestBetweenMatchesReference(t *testing.T) {
	for _, pc := range propertyCases(t) {
		t.Run(pc.name, func(t *testing.T) {
			c := mustNew(t, pc.spec)
			ref := newReference(pc.spec, pc.from, pc.to)
			s := &sampler{rng: rand.New(rand.NewPCG(1, 2)), from: pc.from, to: pc.to.Add(-time.Minute), focus: pc.focus}
			for range 20000 {
				a := s.instant()
				var b time.Time
				if s.rng.IntN(10) == 0 {
					b = s.instant() // anywhere, including before a
				} else {
					b = s.after(a, 40*24*time.Hour)
				}
				if got, want := c.Between(a, b), ref.between(a, b); got != want {
					t.Fatalf("Between(%v, %v) = %v, want %v", a.UTC(), b.UTC(), got, want)
				}
			}
		})
	}
}

func TestBetweenAdditive(t *testing.T) {
	for _, pc := range propertyCases(t) {
		t.Run(pc.name, func(t *testing.T) {
			c := mustNew(t, pc.spec)
			s := &sampler{rng: rand.New(rand.NewPCG(3, 4)), from: pc.from, to: pc.to, focus: pc.focus}
			for range 20000 {
				a := s.instant()
				b := s.after(a, 20*24*time.Hour)
				cc := s.after(b, 20*24*time.Hour)
				ab, bc, ac := c.Between(a, b), c.Between(b, cc), c.Between(a, cc)
				if ab+bc != ac {
					t.Fatalf("Between(a, b) + Between(b, c) = %v + %v, Between(a, c) = %v; a=%v b=%v c=%v", ab, bc, ac, a, b, cc)
				}
				if ab < 0 || ab > b.Sub(a) {
					t.Fatalf("Between(%v, %v) = %v, want within [0, %v]", a, b, ab, b.Sub(a))
				}
			}
		})
	}
}

func TestAddRoundTrip(t *testing.T) {
	for _, pc := range propertyCases(t) {
		t.Run(pc.name, func(t *testing.T) {
			c := mustNew(t, pc.spec)
			ref := newReference(pc.spec, pc.from, pc.to)
			s := &sampler{rng: rand.New(rand.NewPCG(5, 6)), from: pc.from, to: pc.to.Add(-60 * 24 * time.Hour), focus: pc.focus}
			for i := range 20000 {
				start := s.instant()
				var d time.Duration
				switch i % 3 {
				case 0: // whole minutes, so deadlines land on interval ends
					d = time.Duration(1+s.rng.Int64N(100*60)) * time.Minute
				case 1:
					d = time.Duration(1 + s.rng.Int64N(int64(3*time.Hour)))
				default:
					d = time.Duration(1 + s.rng.Int64N(int64(200*time.Hour)))
				}
				got := c.Add(start, d)
				if !got.Before(ref.end()) {
					t.Fatalf("Add(%v, %v) = %v, past the reference window", start, d, got)
				}
				if b := ref.between(start, got); b != d {
					t.Fatalf("Add(%v, %v) = %v, but the reference business time to it is %v", start.UTC(), d, got.UTC(), b)
				}
				if b := ref.between(start, got.Add(-time.Nanosecond)); b >= d {
					t.Fatalf("Add(%v, %v) = %v is not the earliest: 1 ns before it the business time is %v", start.UTC(), d, got.UTC(), b)
				}
				if b := c.Between(start, got); b != d {
					t.Fatalf("Between(%v, Add(%[1]v, %v)) = %v, want %[2]v", start.UTC(), d, b)
				}
			}
		})
	}
}
