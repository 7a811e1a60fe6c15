package sitegen

import (
	"cmp"
	"maps"
	"slices"
	"strings"

	"github.com/kpidesk/kpidesk/scoring"
)

// calendarNote says which business calendar a team's durations and
// deadlines count on (issue 15 §5: 24×7 or office hours), for the team's
// page and its agents'; "" for other units or a config without calendars.
func (s *site) calendarNote(u *unit) string {
	team := u
	if u.Kind == scoring.UnitAgent {
		team = u.parent
	}
	if team == nil || team.Kind != scoring.UnitTeam || s.cfg == nil {
		return ""
	}
	name := s.cfg.Calendar
	for _, t := range s.cfg.Teams {
		if t.ID == team.ID && t.Calendar != "" {
			name = t.Calendar
		}
	}
	c, ok := s.cfg.Calendars[name]
	if !ok {
		return ""
	}
	tz := cmp.Or(c.TimeZone, "UTC")
	if c.Always {
		return s.tf("calendar.always", name, tz)
	}
	var days []string
	for _, d := range slices.Sorted(maps.Keys(c.Hours)) {
		days = append(days, s.dayRange(d)+" "+strings.ReplaceAll(strings.Join(c.Hours[d], s.listSep()), "-", "–"))
	}
	holidays := ""
	if c.Holidays != "" || c.HolidayFile != "" || len(c.AddHolidays) > 0 {
		holidays = s.t("calendar.holidays")
	}
	return s.tf("calendar.hours", name, strings.Join(days, s.t("calendar.sep")), tz, holidays)
}

// dayRange names a key of a calendar's hours ("mon-fri", "sat") in the
// page's language; a key it does not know is shown as written.
func (s *site) dayRange(key string) string {
	var parts []string
	for _, d := range strings.Split(key, "-") {
		l, ok := labels[s.lang]["day."+strings.ToLower(strings.TrimSpace(d))]
		if !ok {
			return key
		}
		parts = append(parts, l)
	}
	return strings.Join(parts, "–")
}
