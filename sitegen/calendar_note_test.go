package sitegen

import (
	"strings"
	"testing"

	"github.com/kpidesk/kpidesk/config"
	"github.com/kpidesk/kpidesk/scoring"
)

// TestCalendarNote checks the sentence a team's and its agents' pages give
// about their business calendar, in both languages.
func TestCalendarNote(t *testing.T) {
	s := testSite(t)
	s.linkChildren()
	team := s.units[scoring.UnitTeam+":care-east"]
	agent := s.units[scoring.UnitAgent+":zhang.wei"]
	agent.parent = team // the evidence places the fixture's agents
	want := "业务日历：office，周一–周五 09:00–12:00、13:30–18:00（Asia/Shanghai）；时长与期限只计工作时间。"
	if got := s.calendarNote(team); got != want {
		t.Errorf("team note = %q\nwant        %q", got, want)
	}
	if got := s.calendarNote(agent); got != want {
		t.Errorf("agent note = %q, want the team's", got)
	}
	if got := s.calendarNote(s.org); got != "" {
		t.Errorf("organization note = %q, want none", got)
	}

	en, err := newSiteIn(golden.options(t), "en")
	if err != nil {
		t.Fatal(err)
	}
	en.linkChildren()
	if got, want := en.calendarNote(en.units[scoring.UnitTeam+":care-east"]), "Business calendar: office, Mon–Fri 09:00–12:00, 13:30–18:00 (Asia/Shanghai); durations and deadlines count working time only."; got != want {
		t.Errorf("English note = %q\nwant          %q", got, want)
	}

	s.cfg.Calendars = map[string]config.Calendar{"office": {Always: true, TimeZone: "Asia/Shanghai"}, "cn": {Holidays: "cn", Hours: map[string][]string{"sat": {"10:00-16:00"}, "mon-fri": {"09:00-18:00"}}}}
	if got := s.calendarNote(team); !strings.Contains(got, "全天候（24×7，Asia/Shanghai）") {
		t.Errorf("24×7 note = %q", got)
	}
	s.cfg.Calendar = "cn"
	if got, want := s.calendarNote(team), "业务日历：cn，周一–周五 09:00–18:00；周六 10:00–16:00（UTC），节假日休息；时长与期限只计工作时间。"; got != want {
		t.Errorf("note with holidays = %q\nwant                 %q", got, want)
	}
}
