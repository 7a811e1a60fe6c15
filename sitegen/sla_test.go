package sitegen

import (
	"strings"
	"testing"

	"github.com/kpidesk/kpidesk/scoring"
)

// TestQualitySLA: the data-quality page shows the reconciliation of the
// deadline metrics with the source's SLAs, in the site's language, and
// nothing of it when scores.json has none.
func TestQualitySLA(t *testing.T) {
	recon := map[string]scoring.SLAReconciliation{
		"response_rate": {Name: "Time to first response", Verdict: "source", Months: map[string]scoring.SLACounts{
			"2025-12": {Compared: 6, Agree: 3, SourceMissCalendarHit: 1, SourceHitCalendarMiss: 1, SourcePending: 1, NoRecord: 4},
			"2025-11": {Compared: 2, Agree: 2},
		}},
	}
	for _, tc := range []struct {
		lang string
		want []string
	}{
		{lang: "zh", want: []string{"与来源时限的核对", "及时响应率", "来源判定", "Time to first response", "来源达标、日历未达标", "仅来源暂不计入", "无记录", "kpidesk explain",
			`<td class="num">6</td><td class="num">3</td><td class="num">1</td><td class="num">1</td><td class="num">1</td><td class="num">0</td><td class="num">4</td>`}},
		{lang: "en", want: []string{"Agreement with the source&#39;s SLAs", "Response rate", "<td>source</td>", "Source hit, calendar miss", "Pending on the calendar only", "Without record"}},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			f := golden
			f.lang = tc.lang
			opt := f.options(t)
			plain := string(readTree(t, build(t, opt))["quality.html"])
			if strings.Contains(plain, "sla.") || strings.Contains(plain, tc.want[0]) {
				t.Errorf("quality.html without a reconciliation shows one")
			}
			opt.Metrics = append(opt.Metrics, scoring.Info{ID: "response_rate", Name: "及时响应率", NameEN: "Response rate", Value: scoring.ValueRate, Cohort: scoring.CohortCreated, Higher: true})
			sc := *opt.Scores
			sc.SLAReconciliation = recon
			opt.Scores = &sc
			q := string(readTree(t, build(t, opt))["quality.html"])
			for _, s := range tc.want {
				if !strings.Contains(q, s) {
					t.Errorf("quality.html lacks %q", s)
				}
			}
			if i, j := strings.Index(q, "2025-11"), strings.Index(q, "2025-12"); i < 0 || j < i {
				t.Errorf("months not oldest first (2025-11 at %d, 2025-12 at %d)", i, j)
			}
		})
	}
}
