package scoring

import (
	"fmt"
	"os"
	"slices"
	"time"

	"github.com/kpidesk/kpidesk/config"
	"github.com/kpidesk/kpidesk/scoring/calendar"
)

// defaultCalendarName is used when a config defines no calendar: Monday to
// Friday, 09:00–18:00 UTC.
const defaultCalendarName = "default"

// Calendars builds the calendars of a config, by name. The config's default
// calendar is also under "" so that lookups of teams without one succeed.
func Calendars(cfg *config.Config) (map[string]*calendar.Calendar, error) {
	out := map[string]*calendar.Calendar{}
	for name, cc := range cfg.Calendars {
		cal, err := buildCalendar(name, cc)
		if err != nil {
			return nil, fmt.Errorf("%s: calendars.%s: %w", cfg.File, name, err)
		}
		out[name] = cal
	}
	if cfg.Calendar != "" {
		out[""] = out[cfg.Calendar]
	} else {
		out[""] = defaultCalendar()
	}
	return out, nil
}

// defaultCalendar is the calendar of a config that defines none.
func defaultCalendar() *calendar.Calendar {
	cal, err := calendar.New(calendar.Spec{Name: defaultCalendarName, Hours: weekdayHours(9*60, 18*60)})
	if err != nil {
		panic(err) // a constant spec
	}
	return cal
}

func weekdayHours(start, end int) map[time.Weekday][]calendar.Span {
	h := map[time.Weekday][]calendar.Span{}
	for d := time.Monday; d <= time.Friday; d++ {
		h[d] = []calendar.Span{{Start: start, End: end}}
	}
	return h
}

func buildCalendar(name string, cc config.Calendar) (*calendar.Calendar, error) {
	spec := calendar.Spec{Name: name, TimeZone: cc.TimeZone, Always: cc.Always, Hours: map[time.Weekday][]calendar.Span{}}
	for days, spans := range cc.Hours {
		wds, err := config.ParseDays(days)
		if err != nil {
			return nil, err
		}
		for _, s := range spans {
			a, b, err := config.ParseSpan(s)
			if err != nil {
				return nil, err
			}
			for _, wd := range wds {
				spec.Hours[wd] = append(spec.Hours[wd], calendar.Span{Start: a, End: b})
			}
		}
	}
	// Several keys may give hours for one weekday ("mon-fri" and "mon");
	// calendar.New wants each weekday's spans sorted.
	for wd := range spec.Hours {
		slices.SortFunc(spec.Hours[wd], func(a, b calendar.Span) int { return a.Start - b.Start })
	}
	if cc.AdjustedDay != "" {
		wds, err := config.ParseDays(cc.AdjustedDay)
		if err != nil {
			return nil, err
		}
		spec.AdjustedDay = wds[0]
	}
	if cc.Holidays != "" {
		hs, ws, err := calendar.Holidays(cc.Holidays)
		if err != nil {
			return nil, err
		}
		spec.Holidays, spec.Workdays = hs, ws
	}
	if cc.HolidayFile != "" {
		f, err := os.Open(cc.HolidayFile)
		if err != nil {
			return nil, err
		}
		hs, err := calendar.ParseICS(f)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", cc.HolidayFile, err)
		}
		spec.Holidays = append(spec.Holidays, hs...)
	}
	for _, s := range cc.AddHolidays {
		d, err := calendar.ParseDate(s)
		if err != nil {
			return nil, err
		}
		spec.Holidays = append(spec.Holidays, d)
		spec.Workdays = removeDate(spec.Workdays, d)
	}
	for _, s := range cc.AddWorkdays {
		d, err := calendar.ParseDate(s)
		if err != nil {
			return nil, err
		}
		spec.Workdays = append(spec.Workdays, d)
		spec.Holidays = removeDate(spec.Holidays, d)
	}
	return calendar.New(spec)
}

// removeDate lets config override a built-in day in either direction.
func removeDate(ds []calendar.Date, d calendar.Date) []calendar.Date {
	out := ds[:0:0]
	for _, x := range ds {
		if x != d {
			out = append(out, x)
		}
	}
	return out
}
