package calendar

import (
	"fmt"
	"slices"
	"strings"
)

// schedule is an official holiday schedule: ranges of days off and the
// adjusted working days that pay for them.
type schedule struct {
	holidays []dateRange
	workdays []Date
}

// dateRange is an inclusive range of days off as a notice states it
// ("10月1日至8日放假调休"). Weekend days inside it are listed too.
type dateRange struct{ from, to Date }

var schedules = map[string]schedule{
	"cn": cnSchedule,
}

// Holidays returns a builtin holiday schedule, sorted: the days off and the
// adjusted working days. The only schedule is "cn": mainland China, 2024
// through 2026. Days of other years are ordinary weekdays and weekends
// until the data is updated, so configure holidays for them explicitly.
func Holidays(name string) (holidays, workdays []Date, err error) {
	s, ok := schedules[strings.ToLower(name)]
	if !ok {
		known := make([]string, 0, len(schedules))
		for k := range schedules {
			known = append(known, k)
		}
		slices.Sort(known)
		return nil, nil, fmt.Errorf("holiday schedule %q: unknown (known: %s)", name, strings.Join(known, ", "))
	}
	for _, r := range s.holidays {
		for d := r.from; d.Compare(r.to) <= 0; d = d.AddDays(1) {
			holidays = append(holidays, d)
		}
	}
	workdays = slices.Clone(s.workdays)
	slices.SortFunc(holidays, Date.Compare)
	slices.SortFunc(workdays, Date.Compare)
	return holidays, workdays, nil
}
