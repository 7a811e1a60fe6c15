package scoring

import (
	"fmt"
	"testing"
	"time"

	"github.com/kpidesk/kpidesk/scoring/calendar"
)

func TestMonthID(t *testing.T) {
	for _, tc := range []struct {
		year  int
		month time.Month
		want  string
	}{
		{1899, time.December, "1899-12"}, // before the table
		{1900, time.January, "1900-01"},  // its first
		{2025, time.March, "2025-03"},
		{2299, time.December, "2299-12"}, // its last
		{2300, time.January, "2300-01"},  // after it
		{987, time.July, "0987-07"},
	} {
		m := monthOf(calendar.Date{Year: tc.year, Month: tc.month, Day: 1})
		if got := m.ID(); got != tc.want {
			t.Errorf("monthOf(%d-%d).ID() = %q, want %q", tc.year, tc.month, got, tc.want)
		}
		if got := fmt.Sprintf("%04d-%02d", m.year(), m.month()); got != tc.want {
			t.Errorf("year/month of %s = %s", tc.want, got)
		}
	}
}
