package scoring

import (
	"context"
	"fmt"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/kpidesk/kpidesk/config"
	"github.com/kpidesk/kpidesk/connectors"
)

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func ev(ts string, kind connectors.EventKind, role connectors.Role, public bool) connectors.Event {
	return connectors.Event{At: at(ts), Kind: kind, Role: role, Public: public, Actor: string(role)}
}

// smallFixture is the hand-computed fixture of score_test.go: five
// complaints and one suggestion in March 2026 on a Mon–Fri 09:00–17:00 UTC
// calendar (8 business hours a day), evaluated as of 2026-03-31T00:00Z.
func smallFixture() []connectors.Complaint {
	mk := func(id, agent, customer, category, created string, events ...connectors.Event) connectors.Complaint {
		c := connectors.Complaint{ID: id, Key: id, Kind: "complaint", Assignee: agent, Team: "t1", Customer: customer,
			Category: category, Priority: "normal", Channel: "email", CreatedAt: at(created), Events: events}
		connectors.Derive(events).Apply(&c)
		return c
	}
	c1 := mk("t:1", "a1", "X", "billing", "2026-03-02T10:00:00Z",
		ev("2026-03-02T11:00:00Z", connectors.EventComment, connectors.RoleAgent, true),
		ev("2026-03-02T15:00:00Z", connectors.EventResolved, connectors.RoleAgent, false))
	c1.CSAT = &connectors.CSAT{Value: 5, Scale: 5, At: at("2026-03-03T09:00:00Z")}
	c2 := mk("t:2", "a1", "X", "billing", "2026-03-02T16:00:00Z",
		ev("2026-03-02T16:01:00Z", connectors.EventComment, connectors.RoleBot, true),
		ev("2026-03-03T10:00:00Z", connectors.EventComment, connectors.RoleAgent, true),
		ev("2026-03-03T15:00:00Z", connectors.EventComment, connectors.RoleAgent, true),
		ev("2026-03-04T12:00:00Z", connectors.EventResolved, connectors.RoleAgent, false))
	c2.CSAT = &connectors.CSAT{Value: 3, Scale: 5, At: at("2026-03-05T09:00:00Z")}
	c3 := mk("t:3", "a2", "Y", "delivery", "2026-03-06T16:00:00Z",
		ev("2026-03-06T16:30:00Z", connectors.EventComment, connectors.RoleAgent, false),
		ev("2026-03-09T17:00:00Z", connectors.EventComment, connectors.RoleAgent, true),
		ev("2026-03-09T17:00:00Z", connectors.EventResolved, connectors.RoleAgent, false),
		ev("2026-03-10T09:00:00Z", connectors.EventReopened, connectors.RoleCustomer, false),
		ev("2026-03-11T09:00:00Z", connectors.EventResolved, connectors.RoleAgent, false))
	c4 := mk("t:4", "a2", "Z", "usage", "2026-03-30T10:00:00Z",
		ev("2026-03-30T12:00:00Z", connectors.EventEscalated, connectors.RoleAgent, false))
	c5 := mk("t:5", "a1", "X", "delivery", "2026-03-10T10:00:00Z")
	c6 := mk("t:6", "a2", "Y", "delivery", "2026-03-03T10:00:00Z",
		ev("2026-03-03T10:05:00Z", connectors.EventComment, connectors.RoleAgent, true))
	c6.Kind = "suggestion"
	return []connectors.Complaint{c5, c3, c1, c6, c2, c4}
}

func loadTestConfig(t *testing.T, path string) *config.Config {
	t.Helper()
	cfg, err := config.Load(path)
	if err != nil {
		t.Fatalf("load %s: %v", path, err)
	}
	return cfg
}

func find(t *testing.T, s *Scores, period, unitKey string) Scorecard {
	t.Helper()
	for _, sc := range s.Scorecards {
		if sc.Period == period && sc.Unit.Key() == unitKey {
			return sc
		}
	}
	t.Fatalf("no scorecard for %s %s", period, unitKey)
	return Scorecard{}
}

func TestMetricsHandComputed(t *testing.T) {
	cfg := loadTestConfig(t, "testdata/small.yaml")
	s, err := Score(context.Background(), smallFixture(), Options{Config: cfg, AsOf: at("2026-03-31T00:00:00Z"), IDs: true})
	if err != nil {
		t.Fatal(err)
	}
	org := find(t, s, "2026-03", "org:org")
	tests := []struct {
		metric           string
		value, num, den  float64
		median, p90      float64 // NaN when not a duration
		ids, numeratorID []string
	}{
		{metric: "volume", value: 5, num: 5, den: 5, median: math.NaN(), ids: []string{"t:1", "t:2", "t:3", "t:4", "t:5"}},
		// t:4 is still inside its 24 h deadline at as_of: not counted.
		{metric: "response_rate", value: 0.5, num: 2, den: 4, median: math.NaN(), ids: []string{"t:1", "t:2", "t:3", "t:5"}, numeratorID: []string{"t:1", "t:2"}},
		// 1 h; 2 h (Mon 16–17, Tue 9–10; the bot at 16:01 does not count); 9 h (Fri 16–17, Mon 9–17; the internal note does not count).
		{metric: "first_response_time", value: 14400, num: 43200, den: 3, median: 7200, p90: 32400},
		{metric: "resolution_rate", value: 0.6, num: 3, den: 5, median: math.NaN()},
		// 3 working days = 24 business hours; t:3 resolved Wed 09:00 before its deadline Wed 16:00; t:5 missed Fri 10:00; t:4 pending.
		{metric: "resolution_sla_rate", value: 0.75, num: 3, den: 4, median: math.NaN(), numeratorID: []string{"t:1", "t:2", "t:3"}},
		// 5 h; 12 h (Mon 1 + Tue 8 + Wed 3); 17 h to the final resolution (Fri 1 + Mon 8 + Tue 8).
		{metric: "handling_time", value: 40800, num: 122400, den: 3, median: 43200, p90: 61200},
		{metric: "ftr_rate", value: 1.0 / 3, num: 1, den: 3, median: math.NaN(), numeratorID: []string{"t:1"}},
		{metric: "csat", value: 80, num: 160, den: 2, median: 80, p90: 100},
		{metric: "escalation_rate", value: 0.2, num: 1, den: 5, median: math.NaN(), numeratorID: []string{"t:4"}},
		{metric: "repeat_rate", value: 0.2, num: 1, den: 5, median: math.NaN(), numeratorID: []string{"t:2"}},
		{metric: "reopen_rate", value: 1.0 / 3, num: 1, den: 3, median: math.NaN(), numeratorID: []string{"t:3"}},
		// The March snapshot is as_of (March 31 00:00, before April 1): t:4
		// and t:5 are open; t:5 is past its deadline (March 13), t:4 is not
		// (April 2).
		{metric: "backlog", value: 2, num: 1, den: 2, median: math.NaN(), ids: []string{"t:4", "t:5"}, numeratorID: []string{"t:5"}},
	}
	for _, tc := range tests {
		t.Run(tc.metric, func(t *testing.T) {
			r, ok := org.Metrics[tc.metric]
			if !ok {
				t.Fatalf("metric %s missing", tc.metric)
			}
			if r.Value == nil || math.Abs(*r.Value-tc.value) > 1e-6 {
				t.Errorf("value = %v, want %v", deref(r.Value), tc.value)
			}
			if r.Numerator != tc.num || r.Denominator != tc.den {
				t.Errorf("numerator/denominator = %v/%v, want %v/%v", r.Numerator, r.Denominator, tc.num, tc.den)
			}
			if !math.IsNaN(tc.median) {
				if r.Median == nil || *r.Median != tc.median || r.P90 == nil || *r.P90 != tc.p90 {
					t.Errorf("median, p90 = %v, %v, want %v, %v", deref(r.Median), deref(r.P90), tc.median, tc.p90)
				}
			}
			if tc.ids != nil && !equal(r.IDs, tc.ids) {
				t.Errorf("ids = %v, want %v", r.IDs, tc.ids)
			}
			if tc.numeratorID != nil && !equal(r.NumeratorIDs, tc.numeratorID) {
				t.Errorf("numerator_ids = %v, want %v", r.NumeratorIDs, tc.numeratorID)
			}
		})
	}
	csat := org.Metrics["csat"]
	if csat.Extra["share_positive"] != 0.5 || math.Abs(csat.Extra["survey_rate"]-0.666667) > 1e-9 {
		t.Errorf("csat extra = %v, want share_positive 0.5, survey_rate 0.666667", csat.Extra)
	}
	// Every metric of the organization has a denominator below 5 except
	// volume, so the statuses are insufficient. Neither item of the
	// scorecard is scored from data, so the scorecard is not graded (no
	// data), rather than graded on the neutral 60 points alone.
	if got := org.Metrics["response_rate"].Status; got != StatusInsufficient {
		t.Errorf("response_rate status = %s, want insufficient (4 < min_sample 5)", got)
	}
	for _, c := range []Scorecard{org, find(t, s, "2026-03", "team:t1")} {
		if c.Status != ScorecardNoData || c.Total != nil || c.Final != nil || c.Coefficient != nil || c.Grade != "" || c.Metrics["response_rate"].Points != nil {
			t.Errorf("%s: status %s, total/coefficient/final/grade = %v/%v/%v/%q, want no_data and no grade", c.Unit.Key(), c.Status, deref(c.Total), deref(c.Coefficient), deref(c.Final), c.Grade)
		}
	}
	if k := s.Kinds["2026-03"]; k["complaint"] != 5 || k["suggestion"] != 1 {
		t.Errorf("kinds of 2026-03 = %v, want 5 complaints and 1 suggestion", k)
	}
	if q := find(t, s, "2026-Q1", "agent:a1"); q.Metrics["volume"].Numerator != 3 {
		t.Errorf("a1 Q1 volume = %v, want 3", q.Metrics["volume"].Numerator)
	}
}

func TestMinSampleOK(t *testing.T) {
	cfg := loadTestConfig(t, "testdata/small.yaml")
	cfg.Metrics.MinSample = 1
	s, err := Score(context.Background(), smallFixture(), Options{Config: cfg, AsOf: at("2026-03-31T00:00:00Z")})
	if err != nil {
		t.Fatal(err)
	}
	org := find(t, s, "2026-03", "org:org")
	// response 0.5 → 50 points, ftr 0.333333 (the value as printed, six
	// decimals) → 33.3333 points; weights 0.5 each.
	want := 0.5*50 + 0.5*33.3333
	if math.Abs(*org.Total-want) > 1e-9 {
		t.Errorf("total = %v, want %v", *org.Total, want)
	}
}

func TestRepeatWindow(t *testing.T) {
	cfg := loadTestConfig(t, "testdata/small.yaml")
	e, err := NewEngine(cfg)
	if err != nil {
		t.Fatal(err)
	}
	base := at("2026-01-01T08:00:00Z")
	mk := func(id string, days int, cat string) connectors.Complaint {
		return connectors.Complaint{ID: id, Customer: "C", Category: cat, CreatedAt: base.AddDate(0, 0, days)}
	}
	// Day 30 is within the 720 h window, day 31 after day 0 is not — but
	// it is 1 day after the day-30 complaint, so it is a repeat of that one.
	cs := []connectors.Complaint{mk("a", 0, "x"), mk("b", 30, "x"), mk("c", 61, "x"), mk("d", 61, "x"), mk("e", 92, "x"), mk("f", 93, "y")}
	got := repeats(e, cs, base.AddDate(1, 0, 0))
	want := []bool{false, true, false, false, false, false}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("Repeats()[%s] = %v, want %v", cs[i].ID, got[i], want[i])
		}
	}
	cs = []connectors.Complaint{mk("a", 0, "x"), mk("b", 31, "x")}
	if got := repeats(e, cs, base.AddDate(1, 0, 0)); got[1] {
		t.Errorf("a complaint 31 days later is a repeat, want not")
	}
}

func TestAsOfHidesTheFuture(t *testing.T) {
	cfg := loadTestConfig(t, "testdata/small.yaml")
	// As of Mon 2026-03-02 10:30, t:1 is unanswered but inside its deadline,
	// and nothing created later exists.
	s, err := Score(context.Background(), smallFixture(), Options{Config: cfg, AsOf: at("2026-03-02T10:30:00Z"), IDs: true})
	if err != nil {
		t.Fatal(err)
	}
	org := find(t, s, "2026-03", "org:org")
	if r := org.Metrics["volume"]; r.Numerator != 1 {
		t.Errorf("volume = %v, want 1", r.Numerator)
	}
	if r := org.Metrics["response_rate"]; r.Denominator != 0 || r.Value != nil {
		t.Errorf("response_rate = %v/%v, want no value (pending)", r.Numerator, r.Denominator)
	}
}

func deref(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestPlaceByMapping(t *testing.T) {
	cfg, err := config.Parse([]byte(`
version: 1
departments: [{id: d}]
teams:
  - {id: a, department: d, match: {assignees: [ann], components: [Billing], labels: [vip]}}
  - {id: b, department: d, match: {components: [Billing, Shipping], labels: [east], request_types: [Refund request]}}
agents:
  - {id: bob, team: b}
`), "t.yaml")
	if err != nil {
		t.Fatal(err)
	}
	e, err := NewEngine(cfg)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name       string
		c          connectors.Complaint
		team, dept string
	}{
		{"source team wins", connectors.Complaint{Team: "x", Assignee: "ann"}, "x", ""},
		{"assignee", connectors.Complaint{Assignee: "ann", Components: []string{"Shipping"}}, "a", "d"},
		{"agent's team", connectors.Complaint{Assignee: "bob"}, "b", "d"},
		{"component before label", connectors.Complaint{Components: []string{"Shipping"}, Labels: []string{"vip"}}, "b", "d"},
		{"request type before component", connectors.Complaint{Fields: map[string]any{"request_type": "Refund request"}, Components: []string{"Billing"}}, "b", "d"},
		{"first team listing a component", connectors.Complaint{Components: []string{"Billing"}}, "a", "d"},
		{"label", connectors.Complaint{Labels: []string{"east"}}, "b", "d"},
		{"unmapped", connectors.Complaint{Labels: []string{"other"}}, "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := e.Place(&tc.c)
			if p.Team != tc.team || p.Department != tc.dept {
				t.Errorf("Place() = team %q dept %q, want %q %q", p.Team, p.Department, tc.team, tc.dept)
			}
		})
	}
}

func TestPeriodsOnlyWithData(t *testing.T) {
	cfg := loadTestConfig(t, "testdata/small.yaml")
	s, err := Score(context.Background(), smallFixture(), Options{Config: cfg, AsOf: at("2026-05-15T00:00:00Z")})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range s.Periods {
		got = append(got, p.ID)
	}
	// April and May have no new complaints, but t:4 and t:5 are still open
	// at their ends: they are backlog periods. June does not exist yet.
	want := []string{"2026-Q1", "2026-H1", "2026", "2026-03", "2026-04", "2026-Q2", "2026-05"}
	if !equal(got, want) {
		t.Errorf("periods = %v, want %v", got, want)
	}
	for _, tc := range []struct {
		period          string
		volume, backlog float64
		past            float64
	}{
		// End of March (April 1 00:00): t:4 (due April 2) and t:5 (due
		// March 13, past) are open.
		{"2026-03", 5, 2, 1},
		// End of April: both past their deadlines.
		{"2026-04", 0, 2, 2},
		// As of May 15, the snapshot of May and of Q2 is as_of itself.
		{"2026-05", 0, 2, 2},
		{"2026-Q2", 0, 2, 2},
		// Q1's snapshot is March's.
		{"2026-Q1", 5, 2, 1},
	} {
		org := find(t, s, tc.period, "org:org")
		if v := org.Metrics["volume"].Numerator; v != tc.volume {
			t.Errorf("%s volume = %v, want %v", tc.period, v, tc.volume)
		}
		b := org.Metrics["backlog"]
		if b.Value == nil || *b.Value != tc.backlog || b.Numerator != tc.past {
			t.Errorf("%s backlog = %v (past deadline %v), want %v (%v)", tc.period, deref(b.Value), b.Numerator, tc.backlog, tc.past)
		}
	}
}

func TestExplainBacklog(t *testing.T) {
	cfg := loadTestConfig(t, "testdata/small.yaml")
	ex, err := Explain(context.Background(), SliceFeed(sortedByID(smallFixture())), Options{Config: cfg, AsOf: at("2026-05-15T00:00:00Z")}, "org", "backlog", "2026-03")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, l := range ex.Lines {
		got = append(got, l.ID+" "+l.Outcome.Result)
	}
	want := []string{"t:4 miss", "t:5 hit"}
	if !equal(got, want) {
		t.Errorf("explain backlog lines = %v, want %v", got, want)
	}
	if *ex.Result.Value != 2 || ex.Result.Numerator != 1 {
		t.Errorf("explain backlog value = %v/%v, want 2 with 1 past deadline", *ex.Result.Value, ex.Result.Numerator)
	}
}

// TestEscalationDefinitions is seed 003's example: of 100 complaints 90 are
// closed on the spot, 10 customers stay unsatisfied, 2 of them give up and
// 8 insist on escalation. "The escalation rate" is 8 % when it counts the
// escalations and 10 % when it counts the unsatisfied; config says which.
func TestEscalationDefinitions(t *testing.T) {
	base := at("2026-03-02T10:00:00Z")
	var cs []connectors.Complaint
	for i := 0; i < 100; i++ {
		c := connectors.Complaint{ID: fmt.Sprintf("c:%03d", i), Kind: "complaint", Team: "t1", CreatedAt: base.Add(time.Duration(i) * time.Minute)}
		if i >= 90 {
			c.Labels = []string{"unsatisfied"}
		}
		if i >= 92 {
			c.Escalated, c.EscalatedAt = true, c.CreatedAt.Add(time.Hour)
		}
		cs = append(cs, c)
	}
	for _, tc := range []struct {
		by   []string
		want float64
	}{
		{[]string{"event"}, 0.08},
		{[]string{"label:unsatisfied"}, 0.10},
		{[]string{"event", "label:unsatisfied"}, 0.10},
	} {
		cfg := loadTestConfig(t, "testdata/small.yaml")
		cfg.Metrics.Escalation.By = tc.by
		s, err := Score(context.Background(), slices.Clone(cs), Options{Config: cfg, AsOf: at("2026-03-31T00:00:00Z")})
		if err != nil {
			t.Fatal(err)
		}
		if got := find(t, s, "2026-03", "org:org").Metrics["escalation_rate"]; *got.Value != tc.want || got.Denominator != 100 {
			t.Errorf("escalation by %v = %v of %v, want %v of 100", tc.by, *got.Value, got.Denominator, tc.want)
		}
	}
}

// TestCustomerAliases is seed 003's customer who writes by email, calls by
// phone and chats from an app account: merged by shared fields, the three
// identities are one customer, so the second and third complaints are
// repeats.
func TestCustomerAliases(t *testing.T) {
	base := at("2026-03-02T10:00:00Z")
	mk := func(id, customer string, day int, fields map[string]any) connectors.Complaint {
		return connectors.Complaint{ID: id, Kind: "complaint", Customer: customer, Category: "delivery", CreatedAt: base.AddDate(0, 0, day), Fields: fields}
	}
	cs := []connectors.Complaint{
		mk("a", "mail:li@example.com", 0, map[string]any{"email": "li@example.com"}),
		mk("b", "tel:138000", 3, map[string]any{"phone": "138000", "email": "li@example.com"}),
		mk("c", "app:u42", 6, map[string]any{"phone": "138000"}),
		mk("d", "app:u99", 9, map[string]any{"phone": "139999"}),
	}
	for _, tc := range []struct {
		by   []string
		want []bool
	}{
		{nil, []bool{false, false, false, false}},
		{[]string{"email"}, []bool{false, true, false, false}},
		{[]string{"email", "phone"}, []bool{false, true, true, false}},
	} {
		cfg := loadTestConfig(t, "testdata/small.yaml")
		cfg.Customers.MergeBy = tc.by
		e, err := NewEngine(cfg)
		if err != nil {
			t.Fatal(err)
		}
		got := repeats(e, cs, base.AddDate(0, 1, 0))
		for i := range got {
			if got[i] != tc.want[i] {
				t.Errorf("merge by %v: Repeats()[%s] = %v, want %v", tc.by, cs[i].ID, got[i], tc.want[i])
			}
		}
	}
}

// TestAsOfAtMonthStart: as_of at the first instant of April ends March; an
// open complaint then makes no April period.
func TestAsOfAtMonthStart(t *testing.T) {
	cfg := loadTestConfig(t, "testdata/small.yaml")
	s, err := Score(context.Background(), smallFixture(), Options{Config: cfg, AsOf: at("2026-04-01T00:00:00Z")})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range s.Periods {
		if p.ID == "2026-04" || p.ID == "2026-Q2" {
			t.Errorf("period %s listed; as_of 2026-04-01T00:00Z ends March", p.ID)
		}
	}
	if b := find(t, s, "2026-03", "org:org").Metrics["backlog"]; *b.Value != 2 {
		t.Errorf("March backlog = %v, want 2", *b.Value)
	}
}

func TestMinSampleByMetric(t *testing.T) {
	cfg := loadTestConfig(t, "testdata/small.yaml")
	cfg.Metrics.MinSampleBy = map[string]int{"response_rate": 4, "csat": 3}
	s, err := Score(context.Background(), smallFixture(), Options{Config: cfg, AsOf: at("2026-03-31T00:00:00Z")})
	if err != nil {
		t.Fatal(err)
	}
	org := find(t, s, "2026-03", "org:org")
	for metric, want := range map[string]string{"response_rate": StatusOK, "csat": StatusInsufficient, "ftr_rate": StatusInsufficient} {
		if got := org.Metrics[metric].Status; got != want {
			t.Errorf("%s status = %s, want %s (denominator %v)", metric, got, want, org.Metrics[metric].Denominator)
		}
	}
}

// TestServiceStar: with min_sample 1, a1's items all have values in March;
// a2 has no CSAT answer while a1 has one, so only a1 can be the star. The
// complaint rate, which no agent has (no orders per agent), disqualifies
// no one.
func TestServiceStar(t *testing.T) {
	cfg := loadTestConfig(t, "testdata/small.yaml")
	cfg.Metrics.MinSample = 1
	cfg.Scorecards[0].Items = append(cfg.Scorecards[0].Items, config.Item{Metric: "complaint_rate", Weight: 0,
		Rule: config.Rule{Type: "linear", Direction: "lower", Target: config.Value{Set: true, Number: 0.01, Text: "1%"}, Floor: config.Value{Set: true, Number: 0.1, Text: "10%"}}})
	s, err := Score(context.Background(), smallFixture(), Options{Config: cfg, AsOf: at("2026-03-31T00:00:00Z")})
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Stars) != 1 {
		t.Fatalf("stars = %+v, want one for 2026-03", s.Stars)
	}
	if st := s.Stars[0]; st.Period != "2026-03" || st.Unit.ID != "a1" || st.Complaints != 3 {
		t.Errorf("star = %s %s with %d complaints, want 2026-03 a1 with 3", st.Period, st.Unit.ID, st.Complaints)
	}
}

// repeats runs repeat_rate's key pass over complaints in memory.
func repeats(e *Engine, cs []connectors.Complaint, asOf time.Time) []bool {
	keys, _ := SliceFeed(cs).Keys(context.Background(), true)
	return repeatRate{}.judgeKeys(e, keys, asOf)
}
