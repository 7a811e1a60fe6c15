package main

import (
	"fmt"
	"io"
	"slices"
	"strconv"

	"github.com/kpidesk/kpidesk/config"
	"github.com/kpidesk/kpidesk/connectors"
	"github.com/kpidesk/kpidesk/scoring"
	"github.com/kpidesk/kpidesk/scoring/calendar"
)

// holidayGaps finds the scored periods that lie outside the holiday data of
// a calendar in use (the default one and the teams'): a year in which that
// calendar has no holidays while it has some in other years, such as 2027
// for the built-in cn schedule (2024–2026). Business time there counts the
// year's public holidays as working days. Each calendar and year is
// warned about once on w, even with -q (the verdicts depend on it), and
// returned as a problem for the data-quality page; neither is stored, so
// the warning goes away once the year's holidays are in the config.
func holidayGaps(cfg *config.Config, scores *scoring.Scores, w io.Writer) ([]connectors.Problem, error) {
	cals, err := scoring.Calendars(cfg)
	if err != nil {
		return nil, err
	}
	used := []string{cfg.Calendar} // "" is the built-in default
	for _, t := range cfg.Teams {
		if !slices.Contains(used, t.Calendar) {
			used = append(used, t.Calendar)
		}
	}
	slices.Sort(used)
	var years []int
	for _, p := range scores.Periods {
		if y, err := strconv.Atoi(p.ID[:min(4, len(p.ID))]); err == nil && !slices.Contains(years, y) {
			years = append(years, y)
		}
	}
	slices.Sort(years)
	var out []connectors.Problem
	seen := map[string]bool{} // the default calendar is also under its name
	for _, name := range used {
		cal := cals[name]
		if cal == nil || seen[cal.Name()] {
			continue
		}
		name = cal.Name()
		seen[name] = true
		for _, y := range years {
			if cal.HolidaysCover(y) {
				continue
			}
			have := calendar.YearRanges(cal.HolidayYears(), ", ")
			fmt.Fprintf(w, "warning: calendar %s has no holiday data for %d (it has %s): the periods of %d count its public holidays as working days; add them to the calendar (add_holidays, add_workdays or holiday_file, docs/configuration.md)\n", name, y, have, y)
			out = append(out, connectors.Problem{
				Source: "calendar " + name,
				Where:  "calendars." + name,
				Field:  "holidays",
				Reason: fmt.Sprintf("no holiday data for %d (it has %s): business time in %d counts public holidays as working days until they are added", y, have, y),
			})
		}
	}
	return out, nil
}
