package calendar

import (
	"slices"
	"testing"
	"time"
)

// TestHolidaysCover: a calendar's holiday data covers the years it has
// holidays in; a year outside them is flagged, unless the calendar has no
// holiday data at all.
func TestHolidaysCover(t *testing.T) {
	cnHolidays, cnWorkdays, err := Holidays("cn")
	if err != nil {
		t.Fatal(err)
	}
	hours := map[time.Weekday][]Span{time.Monday: {{Start: 9 * 60, End: 18 * 60}}}
	tests := []struct {
		name    string
		spec    Spec
		years   []int
		covered map[int]bool
	}{
		{name: "cn", spec: Spec{Hours: hours, Holidays: cnHolidays, Workdays: cnWorkdays},
			years: []int{2024, 2025, 2026}, covered: map[int]bool{2023: false, 2024: true, 2026: true, 2027: false}},
		{name: "cn and the 2027 notice added", spec: Spec{Hours: hours, Holidays: append(slices.Clone(cnHolidays), Date{2027, 1, 1}), Workdays: cnWorkdays},
			years: []int{2024, 2025, 2026, 2027}, covered: map[int]bool{2027: true, 2028: false}},
		{name: "an adjusted working day alone covers nothing", spec: Spec{Hours: hours, Holidays: []Date{{2026, 10, 1}}, Workdays: []Date{{2027, 1, 4}}},
			years: []int{2026}, covered: map[int]bool{2026: true, 2027: false}},
		{name: "no holiday data", spec: Spec{Hours: hours},
			covered: map[int]bool{2026: true, 2027: true}},
		{name: "24x7 ignores holidays", spec: Spec{Always: true, Holidays: cnHolidays},
			covered: map[int]bool{2027: true}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := New(tc.spec)
			if err != nil {
				t.Fatal(err)
			}
			if got := c.HolidayYears(); !slices.Equal(got, tc.years) {
				t.Errorf("HolidayYears() = %v, want %v", got, tc.years)
			}
			for y, want := range tc.covered {
				if got := c.HolidaysCover(y); got != want {
					t.Errorf("HolidaysCover(%d) = %v, want %v", y, got, want)
				}
			}
		})
	}
}

func TestYearRanges(t *testing.T) {
	for _, tc := range []struct {
		ys   []int
		sep  string
		want string
	}{
		{nil, ", ", ""},
		{[]int{2025}, ", ", "2025"},
		{[]int{2024, 2025, 2026}, ", ", "2024–2026"},
		{[]int{2022, 2024, 2025, 2026, 2028}, "、", "2022、2024–2026、2028"},
	} {
		if got := YearRanges(tc.ys, tc.sep); got != tc.want {
			t.Errorf("YearRanges(%v) = %q, want %q", tc.ys, got, tc.want)
		}
	}
}
