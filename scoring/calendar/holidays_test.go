package calendar

import (
	"slices"
	"testing"
	"time"
)

func TestHolidaysCN(t *testing.T) {
	hol, work, err := Holidays("cn")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.IsSortedFunc(hol, Date.Compare) || !slices.IsSortedFunc(work, Date.Compare) {
		t.Error("Holidays(cn) is not sorted")
	}
	isHol := make(map[Date]bool)
	for _, d := range hol {
		isHol[d] = true
	}
	for _, d := range work {
		if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
			t.Errorf("adjusted working day %v is a %v, want a weekend day", d, wd)
		}
		if isHol[d] {
			t.Errorf("%v is both a holiday and a working day", d)
		}
	}
	weekdaysOff := make(map[int]int)
	for _, d := range hol {
		if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
			weekdaysOff[d.Year]++
		}
	}
	adjusted := make(map[int]int)
	for _, d := range work {
		adjusted[d.Year]++
	}
	// Each adjusted working day pays for one extra weekday off, so weekdays
	// off minus adjusted days is the statutory days that fall on weekdays:
	// 11 in 2024 (all of them), 13 from 2025 (when 除夕 and 2 May were added).
	for _, tc := range []struct{ year, weekdaysOff, adjusted int }{
		{2024, 19, 8},
		{2025, 18, 5},
		{2026, 19, 6},
	} {
		if weekdaysOff[tc.year] != tc.weekdaysOff || adjusted[tc.year] != tc.adjusted {
			t.Errorf("%d: %d weekdays off and %d adjusted working days, want %d and %d",
				tc.year, weekdaysOff[tc.year], adjusted[tc.year], tc.weekdaysOff, tc.adjusted)
		}
	}
	for _, s := range []string{
		"2024-02-10", "2024-02-17", "2024-10-07",
		"2025-01-28", "2025-02-04", "2025-10-01", "2025-10-08", "2025-05-02",
		"2026-01-02", "2026-02-23", "2026-10-07",
	} {
		d, _ := ParseDate(s)
		if !isHol[d] {
			t.Errorf("%v missing from the cn holidays", d)
		}
	}
	for _, s := range []string{"2024-02-04", "2024-02-18", "2025-01-26", "2025-02-08", "2025-09-28", "2025-10-11", "2026-01-04", "2026-02-28"} {
		d, _ := ParseDate(s)
		if !slices.Contains(work, d) {
			t.Errorf("%v missing from the cn adjusted working days", d)
		}
	}

	// Callers own the slices they get.
	hol[0] = Date{1999, 1, 1}
	again, _, _ := Holidays("cn")
	if again[0] == hol[0] {
		t.Error("Holidays returns shared slices")
	}
}

func TestHolidaysUnknown(t *testing.T) {
	_, _, err := Holidays("xx")
	if err == nil || err.Error() != `holiday schedule "xx": unknown (known: cn)` {
		t.Errorf("Holidays(xx) error = %v", err)
	}
}
