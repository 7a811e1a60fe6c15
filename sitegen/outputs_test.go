package sitegen

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kpidesk/kpidesk/scoring"
)

// TestLatestHeadline checks that the headline is summary.md's: the
// organization's card that decides its grade (seed001, not the secondary
// desk card listed first) in the latest complete month, unrounded, and
// whether a gate failed; no figures without scores.
func TestLatestHeadline(t *testing.T) {
	opt := golden.options(t)
	opt.Gates = fixtureGates(t, opt)
	got, err := LatestHeadline(opt)
	if err != nil {
		t.Fatal(err)
	}
	s, err := newSite(opt)
	if err != nil {
		t.Fatal(err)
	}
	month := scoring.LatestMonth(opt.Scores)
	c := scorecardOf(t, opt.Scores, s.org.Key(), month)
	want := Headline{Period: month, Scorecard: "seed001", Final: c.Final, Grade: c.Grade, GatesPassed: false}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("LatestHeadline (-want +got):\n%s", diff)
	}
	summary, err := Summary(opt)
	if err != nil {
		t.Fatal(err)
	}
	if line := "**最终得分 " + md(s.finalText(got.Final)) + "** · 等级 " + md(s.gradeView(got.Grade).Name); !strings.Contains(string(summary), line) {
		t.Errorf("summary.md lacks the headline %q:\n%s", line, summary)
	}

	opt.Gates = opt.Gates[1:] // the failed one left out
	if got, err := LatestHeadline(opt); err != nil || !got.GatesPassed {
		t.Errorf("LatestHeadline without a failed gate: GatesPassed %v, %v; want true", got.GatesPassed, err)
	}
	opt.Scores = &scoring.Scores{Schema: scoring.Schema}
	if got, err := LatestHeadline(opt); err != nil || !cmp.Equal(got, Headline{GatesPassed: true}) {
		t.Errorf("LatestHeadline of empty scores = %+v, %v; want no figures", got, err)
	}
}
