package calendar

import (
	"math/rand/v2"
	"testing"
	"time"
)

// benchPairs returns n complaint-like intervals in 2025: created anywhere,
// closed up to ten days later.
func benchPairs(n int) (starts, ends []time.Time, ds []time.Duration) {
	rng := rand.New(rand.NewPCG(7, 8))
	from := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	for range n {
		s := from.Add(time.Duration(rng.Int64N(int64(365 * 24 * time.Hour))))
		starts = append(starts, s)
		ends = append(ends, s.Add(time.Duration(rng.Int64N(int64(10*24*time.Hour)))))
		ds = append(ds, time.Duration(rng.Int64N(int64(40*time.Hour))))
	}
	return starts, ends, ds
}

func BenchmarkBetween(b *testing.B) {
	c := shanghai(b)
	starts, ends, _ := benchPairs(1024)
	c.Between(starts[0], starts[0].AddDate(1, 0, 0)) // build the table
	b.ReportAllocs()
	var sink time.Duration
	i := 0
	for b.Loop() {
		sink += c.Between(starts[i&1023], ends[i&1023])
		i++
	}
	_ = sink
}

// BenchmarkBetweenWideTable measures the worst case: a table covering all
// supported years, so the binary searches are deepest.
func BenchmarkBetweenWideTable(b *testing.B) {
	c := shanghai(b)
	c.Between(time.Date(MinYear, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(MaxYear, 1, 1, 0, 0, 0, 0, time.UTC))
	starts, ends, _ := benchPairs(1024)
	b.ReportAllocs()
	var sink time.Duration
	i := 0
	for b.Loop() {
		sink += c.Between(starts[i&1023], ends[i&1023])
		i++
	}
	_ = sink
}

func BenchmarkAdd(b *testing.B) {
	c := shanghai(b)
	starts, _, ds := benchPairs(1024)
	c.Between(starts[0], starts[0].AddDate(1, 0, 0))
	b.ReportAllocs()
	var sink int64
	i := 0
	for b.Loop() {
		sink += c.Add(starts[i&1023], ds[i&1023]).Unix()
		i++
	}
	_ = sink
}

// BenchmarkNew measures building a calendar and its first three-year table.
func BenchmarkNew(b *testing.B) {
	hol, work, err := Holidays("cn")
	if err != nil {
		b.Fatal(err)
	}
	spec := Spec{TimeZone: "Asia/Shanghai", Hours: weekdayHours(morning, afternoon), Holidays: hol, Workdays: work}
	t := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	b.ReportAllocs()
	for b.Loop() {
		c, err := New(spec)
		if err != nil {
			b.Fatal(err)
		}
		c.Between(t, t.Add(time.Hour))
	}
}
