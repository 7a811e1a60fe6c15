package scoring

import (
	"fmt"
	"time"

	"github.com/kpidesk/kpidesk/scoring/calendar"
)

// Period kinds.
const (
	Month   = "month"
	Quarter = "quarter"
	Half    = "half"
	Year    = "year"
)

// monthIndex numbers months from year 0 so that periods of every kind are
// plain integer arithmetic on it.
type monthIndex int

func monthOf(d calendar.Date) monthIndex { return monthIndex(d.Year*12 + int(d.Month) - 1) }

func (m monthIndex) year() int         { return int(m) / 12 }
func (m monthIndex) month() time.Month { return time.Month(int(m)%12 + 1) }

// ID is the month as "2025-03". The IDs of 1900–2299 are made once: scoring
// asks for one per complaint and cohort, millions of times.
func (m monthIndex) ID() string {
	if i := int(m) - monthIDFirst; i >= 0 && i < len(monthIDs) {
		return monthIDs[i]
	}
	return fmt.Sprintf("%04d-%02d", m.year(), m.month())
}

const monthIDFirst = 1900 * 12

var monthIDs = func() []string {
	ids := make([]string, 400*12)
	for i := range ids {
		m := monthIndex(monthIDFirst + i)
		ids[i] = fmt.Sprintf("%04d-%02d", m.year(), m.month())
	}
	return ids
}()

func (m monthIndex) start(loc *time.Location) time.Time {
	return time.Date(m.year(), m.month(), 1, 0, 0, 0, 0, loc)
}

// periodOf returns the period of kind that contains month m.
func periodOf(kind string, m monthIndex, loc *time.Location) Period {
	y, mo := m.year(), int(m.month())
	var first, months int
	var id string
	switch kind {
	case Month:
		first, months, id = mo, 1, m.ID()
	case Quarter:
		q := (mo-1)/3 + 1
		first, months, id = (q-1)*3+1, 3, fmt.Sprintf("%04d-Q%d", y, q)
	case Half:
		h := (mo-1)/6 + 1
		first, months, id = (h-1)*6+1, 6, fmt.Sprintf("%04d-H%d", y, h)
	case Year:
		first, months, id = 1, 12, fmt.Sprintf("%04d", y)
	default:
		panic("scoring: unknown period kind " + kind)
	}
	start := time.Date(y, time.Month(first), 1, 0, 0, 0, 0, loc)
	return Period{ID: id, Kind: kind, Start: start.UTC(), End: start.AddDate(0, months, 0).UTC()}
}

// monthID returns the month period ID ("2025-10") of t's local date in loc
// (SPEC §13.1).
func monthID(t time.Time, loc *time.Location) string {
	l := t.In(loc)
	return fmt.Sprintf("%04d-%02d", l.Year(), l.Month())
}
