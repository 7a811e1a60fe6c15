package sitegen

import (
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/kpidesk/kpidesk/config"
	"github.com/kpidesk/kpidesk/connectors"
	"github.com/kpidesk/kpidesk/internal/reason"
	"github.com/kpidesk/kpidesk/scoring"
	"github.com/kpidesk/kpidesk/scoring/interval"
)

// testCatalog stands in for scoring.Catalog() in these tests, so that the
// golden files do not change when the real catalogue's wording does.
var testCatalog = []scoring.Info{
	{ID: "first_response_time", Name: "首次响应时间", NameEN: "First response time", Value: scoring.ValueDuration, Cohort: scoring.CohortCreated,
		Help: "从收到投诉到坐席首次公开回复的工作时间。", HelpEN: "Business time from receipt to the first public agent reply.", Reference: "001, 002"},
	{ID: "ftr_rate", Name: "首次解决率", NameEN: "First-time resolution", Value: scoring.ValueRate, Cohort: scoring.CohortResolved, Higher: true,
		Help: "至多一次回复即解决且未重开的比例。", HelpEN: "Share resolved with at most one reply and never reopened.", Reference: "001"},
	{ID: "csat", Name: "客户满意度", NameEN: "Customer satisfaction", Value: scoring.ValueScore, Cohort: scoring.CohortResolved, Higher: true,
		Help: "满意度评分换算为百分制的平均值。", HelpEN: "Mean rating scaled to 0–100.", Reference: "001, 002"},
	{ID: "escalation_rate", Name: "升级率", NameEN: "Escalation rate", Value: scoring.ValueRate, Cohort: scoring.CohortCreated,
		Help: "被升级的投诉占比。", HelpEN: "Share of complaints escalated.", Reference: "001, 003"},
	{ID: "complaint_rate", Name: "客诉率", NameEN: "Complaint rate", Value: scoring.ValueRate, Cohort: scoring.CohortCreated,
		Help: "投诉量除以业务量（订单数）。", HelpEN: "Complaints per unit of business volume (orders).", Reference: "001"},
	{ID: "volume", Name: "投诉量", NameEN: "Volume", Value: scoring.ValueCount, Cohort: scoring.CohortCreated, Higher: true,
		Help: "投诉数量。", HelpEN: "Number of complaints.", Reference: "—"},
}

const fixtureYAML = `
version: 1
org: {name: 示例服务有限公司, name_en: Demo Service Co.}
calendar: office
calendars:
  office:
    timezone: Asia/Shanghai
    hours: {mon-fri: ["09:00-12:00", "13:30-18:00"]}
departments:
  - {id: care, name: 客户关怀部, name_en: Customer Care}
  - {id: tech, name: 技术支持部, name_en: Technical Support}
teams:
  - {id: care-east, name: 华东客服组, name_en: East China Desk, department: care}
  - {id: care-vip, name: VIP 专线组, name_en: VIP Line, department: care}
  - {id: tech-l1, name: 一线支持组, name_en: Tier 1, department: tech}
scorecards:
  # Listed first but secondary for teams and departments: the unit header
  # must show seed001's grade, not this one's. Expert weights: the items
  # carry 0 in the config; scores.json has the weights in force.
  - id: desk
    name: 团队服务质量
    name_en: Desk quality
    units: [team, department]
    weights: {method: expert, experts: [[6, 4], [7, 3]]}
    items:
      - {metric: csat, category: quality, weight: 0, rule: {type: linear, target: 90, floor: 60}}
      - {metric: ftr_rate, category: quality, weight: 0, rule: {type: linear, target: 90%, floor: 60%}}
  - id: seed001
    name: 客诉处理绩效考核
    name_en: Complaint handling scorecard
    weights: {method: fixed, normalize: true}
    items:
      - {metric: first_response_time, category: efficiency, weight: 0.2, rule: {type: linear, direction: lower, target: 2h, floor: 24h}}
      - {metric: ftr_rate, category: quality, weight: 0.25, rule: {type: step, target: 90%, step: 5%, points: 8}}
      - {metric: csat, category: quality, weight: 0.2, rule: {type: linear, target: 90, floor: 60}}
      - {metric: escalation_rate, category: quality, weight: 0.1, rule: {type: linear, direction: lower, target: 5%, floor: 20%}}
      - {metric: complaint_rate, category: business, weight: 0.1, rule: {type: change, direction: lower, target: -10%, floor: 10%}}
site:
  title: 客诉绩效看板
  language: zh
  drilldown: 12
`

// fixture describes a hand-built data set: agents spread over the three
// teams, months ending December 2025, and perAgent complaints per agent
// and month. It sets issue 11's verdicts by hand, so that each rendering
// has a case: complaint rate not applicable to agents (and scored by a
// change rule elsewhere), the fifth agent without data in the latest
// month, the partial year 2026, the desk scorecard secondary for teams
// and departments, borderline grades, rate and duration intervals, a
// shared star, and escalation rates of 5.04 % against a ≤ 5 % target.
type fixture struct {
	agents   int
	months   int
	perAgent int
	hostile  bool
	lang     string
}

const (
	hostileScript = `<script>alert("x")</script>`
	hostileAttr   = `"><img src=x onerror=alert(1)>`
	hostileEnd    = `</script><script>alert(1)</script>`
)

func (f fixture) teams() []string { return []string{"care-east", "care-vip", "tech-l1"} }

func (f fixture) agentID(i int) string {
	names := []string{"zhang.wei", "li.na", "wang.fang", "liu.yang", "chen.jing", "yang.lei", "zhao.min", "huang.li"}
	if i < len(names) {
		return names[i]
	}
	return fmt.Sprintf("agent%03d", i)
}

func (f fixture) agentName(i int) string {
	names := []string{"张伟", "李娜", "王芳", "刘洋", "陈静", "杨磊", "赵敏", "黄丽"}
	if f.hostile && i == 1 {
		return hostileAttr
	}
	if f.hostile && i == 2 {
		return hostileEnd
	}
	if i < len(names) {
		return names[i]
	}
	return fmt.Sprintf("坐席 %03d", i)
}

func (f fixture) teamOf(i int) string { return f.teams()[i%3] }

// monthsOf lists the fixture's months, oldest first, ending 2025-12.
func (f fixture) monthsOf(loc *time.Location) []scoring.Period {
	var ps []scoring.Period
	end := time.Date(2026, 1, 1, 0, 0, 0, 0, loc)
	for i := f.months; i >= 1; i-- {
		start := end.AddDate(0, -i, 0)
		ps = append(ps, scoring.Period{ID: start.Format("2006-01"), Kind: "month", Start: start, End: start.AddDate(0, 1, 0)})
	}
	return ps
}

// noise is a deterministic value in [0, 1) for a key.
func noise(parts ...any) float64 {
	h := uint64(1469598103934665603)
	for _, b := range []byte(fmt.Sprint(parts...)) {
		h ^= uint64(b)
		h *= 1099511628211
	}
	return float64(h%10007) / 10007
}

func fp(v float64) *float64 { return &v }

func ptrOr(v *float64) float64 {
	if v == nil {
		return 0
	}
	return *v
}

// fixtureInfo is testCatalog's entry for a metric.
func fixtureInfo(id string) scoring.Info {
	for _, m := range testCatalog {
		if m.ID == id {
			return m
		}
	}
	return scoring.Info{ID: id}
}

func (f fixture) options(t testing.TB) Options {
	t.Helper()
	cfg, err := config.Parse([]byte(fixtureYAML), "fixture.yaml")
	if err != nil {
		t.Fatalf("fixture config: %v", err)
	}
	if f.lang != "" {
		cfg.Site.Language, cfg.Site.Languages = f.lang, []string{f.lang}
	}
	if f.hostile {
		cfg.Org.Name = hostileScript
		cfg.Teams[0].Name = hostileEnd
		cfg.Departments[1].Name = hostileAttr
	}
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatalf("time zone: %v", err)
	}
	months := f.monthsOf(loc)
	periods := append([]scoring.Period(nil), months...)
	// Quarters, halves and years touched by the months, and the year that
	// as_of (2026-01-03) falls in, which is partial.
	seen := map[string]bool{}
	for _, m := range months {
		y, mo := m.Start.Year(), int(m.Start.Month())
		q := (mo-1)/3 + 1
		h := (mo-1)/6 + 1
		qs := time.Date(y, time.Month((q-1)*3+1), 1, 0, 0, 0, 0, loc)
		hs := time.Date(y, time.Month((h-1)*6+1), 1, 0, 0, 0, 0, loc)
		ys := time.Date(y, 1, 1, 0, 0, 0, 0, loc)
		for _, p := range []scoring.Period{
			{ID: fmt.Sprintf("%d-Q%d", y, q), Kind: "quarter", Start: qs, End: qs.AddDate(0, 3, 0)},
			{ID: fmt.Sprintf("%d-H%d", y, h), Kind: "half", Start: hs, End: hs.AddDate(0, 6, 0)},
			{ID: fmt.Sprint(y), Kind: "year", Start: ys, End: ys.AddDate(1, 0, 0)},
		} {
			if !seen[p.ID] {
				seen[p.ID] = true
				periods = append(periods, p)
			}
		}
	}
	y2026 := time.Date(2026, 1, 1, 0, 0, 0, 0, loc)
	periods = append(periods, scoring.Period{ID: "2026", Kind: "year", Start: y2026, End: y2026.AddDate(1, 0, 0), Partial: true})
	latest := months[len(months)-1].ID

	sc := &scoring.Scores{
		Schema:   scoring.Schema,
		AsOf:     time.Date(2026, 1, 3, 10, 0, 0, 0, loc).UTC(),
		Periods:  periods,
		Versions: map[string]string{},
		Kinds:    map[string]map[string]int{},
	}
	sc.Mix = scoring.Mix{Created: map[string]int{}, Resolved: map[string]int{}, Categories: map[string]map[string]int{}, Channels: map[string]map[string]int{},
		Buckets: scoring.DurationBuckets, Durations: map[string]map[string][]int{"first_response_time": {}}}
	for i, p := range months {
		sc.Kinds[p.ID] = map[string]int{"complaint": 100, "suggestion": 7, "inquiry": 3}
		sc.Mix.Created[p.ID], sc.Mix.Resolved[p.ID] = 100, 90+i
		sc.Mix.Categories[p.ID] = map[string]int{"billing": 45, "delivery": 30, "usage": 25}
		sc.Mix.Channels[p.ID] = map[string]int{"email": 60, "phone": 40}
		sc.Mix.Durations["first_response_time"][p.ID] = []int{30, 25, 20, 10, 10, 3, 2}
		if f.hostile {
			sc.Mix.Categories[p.ID][hostileEnd] = 5
			sc.Mix.Channels[p.ID][hostileAttr] = 1
		}
	}
	units := []scoring.Unit{{ID: "org", Kind: scoring.UnitOrg, Name: cfg.Org.Name}}
	for _, d := range cfg.Departments {
		units = append(units, scoring.Unit{ID: d.ID, Kind: scoring.UnitDepartment, Name: d.Name})
	}
	for _, tm := range cfg.Teams {
		units = append(units, scoring.Unit{ID: tm.ID, Kind: scoring.UnitTeam, Name: tm.Name})
	}
	for i := 0; i < f.agents; i++ {
		units = append(units, scoring.Unit{ID: f.agentID(i), Kind: scoring.UnitAgent, Name: f.agentName(i)})
	}
	// Agents have no business volume: complaint rate is not applicable
	// to them, and the other four weights are renormalized.
	agentW := map[string]float64{"first_response_time": 0.2 / 0.75, "ftr_rate": 0.25 / 0.75, "csat": 0.2 / 0.75, "escalation_rate": 0.1 / 0.75}
	unitW := map[string]float64{"first_response_time": 0.2 / 0.85, "ftr_rate": 0.25 / 0.85, "csat": 0.2 / 0.85, "escalation_rate": 0.1 / 0.85, "complaint_rate": 0.1 / 0.85}
	deskW := map[string]float64{"csat": 0.65, "ftr_rate": 0.35}
	gradeOf := func(final float64) string {
		for _, g := range cfg.Grades {
			if final >= g.Min {
				return g.ID
			}
		}
		return ""
	}
	for _, p := range periods {
		if p.Kind == "month" {
			sc.Versions[p.ID] = "1"
			for _, kind := range []string{scoring.UnitOrg, scoring.UnitDepartment, scoring.UnitTeam} {
				sc.Weights = append(sc.Weights, scoring.WeightsInForce{Method: "fixed", Period: p.ID, Scorecard: "seed001", UnitKind: kind, Weights: unitW})
			}
			sc.Weights = append(sc.Weights,
				scoring.WeightsInForce{Method: "fixed", Period: p.ID, Scorecard: "seed001", UnitKind: scoring.UnitAgent, Weights: agentW},
				scoring.WeightsInForce{Method: "expert", Period: p.ID, Scorecard: "desk", UnitKind: scoring.UnitTeam, Weights: deskW},
				scoring.WeightsInForce{Method: "expert", Period: p.ID, Scorecard: "desk", UnitKind: scoring.UnitDepartment, Weights: deskW})
		}
		best := -1.0
		var star scoring.Unit
		for ui, u := range units {
			card := scoring.Scorecard{Unit: u, Period: p.ID, Scorecard: "seed001", Status: scoring.ScorecardOK, Partial: p.Partial, Metrics: map[string]scoring.MetricResult{}}
			n := noise(u.Key(), p.ID)
			den := 6.0
			switch u.Kind {
			case scoring.UnitTeam:
				den = 30
			case scoring.UnitDepartment:
				den = 60
			case scoring.UnitOrg:
				den = 90
			}
			if u.Kind == scoring.UnitAgent && ui == len(units)-1 && f.agents >= 5 && p.ID == latest {
				// No complaint and no input this month: not graded.
				card.Status = scoring.ScorecardNoData
				for id := range agentW {
					card.Metrics[id] = scoring.MetricResult{Status: scoring.StatusInsufficient}
				}
				card.Metrics["complaint_rate"] = scoring.MetricResult{Status: scoring.StatusNotApplicable}
				sc.Scorecards = append(sc.Scorecards, card)
				continue
			}
			weights := unitW
			if u.Kind == scoring.UnitAgent {
				weights = agentW
			}
			frt := 3600 * (1 + 6*noise("frt", u.Key(), p.ID))
			ftr := 0.7 + 0.28*noise("ftr", u.Key(), p.ID)
			csat := 70 + 28*noise("csat", u.Key(), p.ID)
			esc := 0.02 + 0.12*noise("esc", u.Key(), p.ID)
			// Rates are k of n, as scoring makes them, so that their
			// intervals hold them.
			ftr = math.Round(ftr*den) / den
			escNum, escDen := math.Round(esc*den), den
			esc = escNum / escDen
			if p.ID == latest && (u.Kind == scoring.UnitOrg || u.ID == "care-east") {
				// Misses "≤ 5%" by 0.04 points: "5.0%" would hide why.
				escNum, escDen = 63, 1250
				esc = escNum / escDen
			}
			rate := 0.003 + 0.001*noise("rate", u.Key(), p.ID)
			pts := map[string]float64{
				"first_response_time": math.Max(0, math.Min(100, 100*(24*3600-frt)/(22*3600))),
				"ftr_rate":            math.Max(0, 100-8*math.Ceil(math.Max(0, 0.9-ftr)/0.05)),
				"csat":                math.Max(0, math.Min(100, 100*(csat-60)/30)),
				"escalation_rate":     math.Max(0, math.Min(100, 100*(0.2-esc)/0.15)),
				"complaint_rate":      math.Round(100 * noise("change", u.Key(), p.ID)),
			}
			vals := map[string]float64{"first_response_time": frt, "ftr_rate": ftr, "csat": csat, "escalation_rate": esc, "complaint_rate": rate}
			total := 0.0
			for id, v := range vals {
				m := scoring.MetricResult{Value: fp(v), Denominator: den, Status: scoring.StatusOK, Weight: weights[id], Points: fp(pts[id])}
				switch id {
				case "ftr_rate":
					m.Numerator = math.Round(v * den)
				case "escalation_rate":
					m.Numerator, m.Denominator = escNum, escDen
				case "complaint_rate":
					m.Denominator = den * 1000
					m.Numerator = math.Round(v * m.Denominator)
				case "first_response_time":
					m.Median = fp(frt * 0.8)
					m.P90 = fp(frt * 2.1)
					if den >= float64(interval.MinQuantileN(0.5, 0.95)) {
						m.MedianInterval = &[2]float64{frt * 0.6, frt * 1.05}
					}
					if den >= float64(interval.MinQuantileN(0.9, 0.95)) {
						m.P90Interval = &[2]float64{frt * 1.6, frt * 2.9}
					}
				}
				if info := fixtureInfo(id); info.Value == scoring.ValueRate {
					if lo, hi, ok := interval.Wilson(int(m.Numerator), int(m.Denominator), 0.95); ok {
						m.Interval = &[2]float64{lo, hi}
					}
				}
				if u.Kind == scoring.UnitAgent && id == "csat" && n < 0.25 {
					m.Status = scoring.StatusInsufficient
					m.Denominator = 3
					m.Points = fp(60)
				}
				if u.Kind == scoring.UnitAgent && id == "complaint_rate" {
					m = scoring.MetricResult{Status: scoring.StatusNotApplicable}
				}
				total += m.Weight * ptrOr(m.Points)
				card.Metrics[id] = m
			}
			// Not in the scorecard: shown apart, not scored.
			card.Metrics["volume"] = scoring.MetricResult{Value: fp(den), Numerator: den, Denominator: den, Status: scoring.StatusOK}
			coef := 1.0
			if u.ID == "tech" || u.Kind == scoring.UnitAgent && n > 0.9 {
				coef = 1.05
			}
			final := math.Min(100, total*coef)
			card.Total, card.Coefficient, card.Final = fp(total), fp(coef), fp(final)
			card.Grade = gradeOf(final)
			if p.ID == latest && (u.ID == f.agentID(0) || u.ID == "care-east") {
				card.Borderline = true
				card.BorderlineMetrics = []string{"ftr_rate", "csat"}
			}
			if u.Kind == scoring.UnitAgent && u.ID == f.agentID(0) && p.ID == latest {
				card.Appeals = []string{"A-2025-007"}
			}
			sc.Scorecards = append(sc.Scorecards, card)
			if p.Kind == "month" && u.Kind == scoring.UnitAgent && final > best {
				best, star = final, u
			}
			if u.Kind == scoring.UnitTeam || u.Kind == scoring.UnitDepartment {
				// The desk scorecard: secondary, a grade of its own that must
				// not stand for the unit's.
				desk := scoring.Scorecard{Unit: u, Period: p.ID, Scorecard: "desk", Status: scoring.ScorecardOK, Partial: p.Partial, Secondary: true,
					Metrics: map[string]scoring.MetricResult{}}
				dt := 0.0
				for id, w := range deskW {
					m := card.Metrics[id]
					m.Weight = w
					dt += w * ptrOr(m.Points)
					desk.Metrics[id] = m
				}
				desk.Total, desk.Coefficient, desk.Final, desk.Grade = fp(dt), fp(1), fp(dt), gradeOf(dt)
				sc.Scorecards = append(sc.Scorecards, desk)
			}
		}
		if p.Kind == "month" && best >= 0 {
			st := scoring.Star{Final: best, Period: p.ID, Complaints: 42,
				FullPoints: []string{"ftr_rate", "csat"}, Reason: "final, complaints, full points", Unit: star}
			if p.ID == latest {
				// The lead does not survive the borderline test: shared.
				for _, u := range units {
					if u.Kind == scoring.UnitAgent && u != star {
						st.Tied = []scoring.Unit{u}
						break
					}
				}
			}
			sc.Stars = append(sc.Stars, st)
		}
	}

	opt := Options{
		Config:   cfg,
		Scores:   sc,
		Metrics:  testCatalog,
		Evidence: f.evidence(months),
		Syncs: []connectors.SyncInfo{
			{Source: "demo", AsOf: sc.AsOf, SyncedAt: sc.AsOf.Add(5 * time.Minute), Count: f.agents * f.months * f.perAgent},
		},
		Problems: []connectors.Problem{
			{Source: "import.csv", Where: "import.csv:12", Field: "created_at", Reason: "not RFC 3339"},
			{Source: "import.csv", Where: "import.csv:9", Field: "id", Reason: "duplicate id"},
		},
		Methodology: []byte("# 说明\n\n本站按 **seed 001** 的计分卡评分。\n\n| 等级 | 分数 |\n|---|---|\n| 优秀 | ≥ 90 |\n"),
		Version:     "v0.1.0-test",
	}
	if f.hostile {
		opt.Syncs[0].Source = hostileAttr
		opt.Problems = append(opt.Problems, connectors.Problem{Source: hostileEnd, Where: hostileScript, Field: hostileAttr, Reason: hostileScript})
		opt.Methodology = []byte("# Notes\n\n<script>alert(1)</script>\n\n[click](javascript:alert(1)) and <img src=x onerror=alert(1)>\n")
	}
	return opt
}

// ticketURL is the helpdesk link of complaint n.
func ticketURL(n int) string { return fmt.Sprintf("https://helpdesk.example.com/browse/SD-%d", n) }

// evidence streams the fixture's evidence lines, generated on the fly.
func (f fixture) evidence(months []scoring.Period) func(func(*scoring.Evidence) error) error {
	return func(fn func(*scoring.Evidence) error) error {
		n := 0
		for mi, m := range months {
			for a := 0; a < f.agents; a++ {
				for k := 0; k < f.perAgent; k++ {
					n++
					resolved := m.ID
					if k%4 == 3 && mi+1 < len(months) {
						resolved = months[mi+1].ID
					}
					title := fmt.Sprintf("订单 %d 退款迟迟未到账", 1000+n)
					url := ticketURL(n)
					if f.hostile {
						title = []string{hostileScript, hostileAttr, hostileEnd}[n%3]
						if n == 2 {
							url = "javascript:alert(1)"
						}
					}
					// Created on day n%20 of its month at (n%9):07, resolved
					// 5 hours later or, when in the next month, on its 3rd at
					// 03:00, in the organization's time zone.
					created := m.Start.AddDate(0, 0, n%20).Add(time.Duration(n%9)*time.Hour + 7*time.Minute)
					done := created.Add(5 * time.Hour)
					if resolved != m.ID {
						done = months[mi+1].Start.AddDate(0, 0, 2).Add(3 * time.Hour)
					}
					e := &scoring.Evidence{
						Created:  created.UTC(),
						Resolved: done.UTC(),
						Priority: connectors.Priorities[n%4],
						Channel:  []string{"phone", "email", "chat", ""}[n%4],
						Category: []string{"billing", "delivery"}[n%2],
						ID:       fmt.Sprintf("demo:%06d", n),
						Key:      fmt.Sprintf("SD-%d", n),
						Kind:     "complaint",
						Agent:    f.agentID(a), Team: f.teamOf(a), Department: map[string]string{"care-east": "care", "care-vip": "care", "tech-l1": "tech"}[f.teamOf(a)],
						Title: title,
						URL:   url,
						Periods: map[string]string{
							scoring.CohortCreated:  m.ID,
							scoring.CohortResolved: resolved,
						},
						Outcomes: map[string]scoring.Outcome{
							"first_response_time": {Result: scoring.Measured, Seconds: float64(600 + (n*977)%20000)},
							"ftr_rate":            {Result: []string{scoring.Hit, scoring.Hit, scoring.Miss}[n%3]},
							"escalation_rate":     {Result: []string{scoring.Miss, scoring.Miss, scoring.Miss, scoring.Hit}[n%4]},
							"volume":              {Result: scoring.Counted},
						},
					}
					if n%5 == 0 {
						e.Outcomes["csat"] = scoring.Outcome{Result: scoring.Excluded, Reason: reason.New(reason.NoSurveyAnswer)}
					} else {
						e.Outcomes["csat"] = scoring.Outcome{Result: scoring.Measured, Seconds: float64(60 + (n*7)%41)}
					}
					if err := fn(e); err != nil {
						return err
					}
				}
			}
		}
		return nil
	}
}
