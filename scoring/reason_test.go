package scoring

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/kpidesk/kpidesk/config"
	"github.com/kpidesk/kpidesk/connectors"
	"github.com/kpidesk/kpidesk/internal/reason"
	"github.com/kpidesk/kpidesk/scoring/appeals"
)

const reasonConfig = `
version: 1
calendar: office
calendars:
  office:
    timezone: UTC
    hours: {mon-fri: ["09:00-17:00"]}
teams: [{id: t, calendar: office}, {id: esc, calendar: office}]
kinds: [complaint]
periods: [month]
metrics:
  min_sample: 1
  escalation_rate: {by: [event, "label:vip", "team:esc", priority_increase]}
  response_rate:
    deadlines: [{within: 4h, priority: [urgent], clock: business}, {within: 24h, priority: [normal, high]}]
  resolution_sla_rate:
    deadlines: [{within: 3wd}]
  custom:
    - {id: refund_rate, type: rate, where: {category: [refund]}, of: {channel: [email]}}
    - {id: return_time, type: duration, from: "label:return", to: resolved, cohort: resolved}
    - {id: waiting_time, type: time_in, statuses: [Waiting for customer], cohort: resolved}
scorecards:
  - id: s
    items: [{metric: volume, weight: 1, rule: {type: linear, target: 10, floor: 0}}]
`

// reasonComplaints makes complaints that take every path of the metrics
// under reasonConfig, as of reasonAsOf.
func reasonComplaints() []connectors.Complaint {
	mon := at("2026-03-02T09:00:00Z")
	mk := func(id string, f func(c *connectors.Complaint)) connectors.Complaint {
		c := connectors.Complaint{ID: "r:" + id, Kind: connectors.KindComplaint, Team: "t", Assignee: "a1", Customer: "cust-" + id,
			Category: "delivery", Channel: "email", Priority: connectors.PriorityNormal, CreatedAt: mon}
		f(&c)
		return c
	}
	paused := pausedComplaint()
	paused.ID, paused.Assignee, paused.Channel, paused.Priority, paused.Customer = "r:paused", "a1", "email", connectors.PriorityUrgent, "cust-p"
	return []connectors.Complaint{
		paused,
		mk("fast", func(c *connectors.Complaint) {
			c.FirstResponseAt, c.ResolvedAt, c.AgentReplies = mon.Add(time.Hour), mon.Add(2*time.Hour), 1
			c.CSAT = &connectors.CSAT{Value: 5, Scale: 5, At: c.ResolvedAt}
			c.Escalated = true
		}),
		mk("slow", func(c *connectors.Complaint) {
			c.FirstResponseAt, c.ResolvedAt, c.AgentReplies, c.Reopens = mon.Add(30*time.Hour), mon.Add(10*24*time.Hour), 3, 1
			c.CSAT = &connectors.CSAT{Value: 2, Scale: 3, At: c.ResolvedAt}
			c.Labels, c.Category = []string{"vip"}, "refund"
		}),
		mk("quiet", func(c *connectors.Complaint) {
			c.FirstResponseAt, c.ResolvedAt = mon.Add(time.Hour), mon.Add(4*time.Hour)
			c.Team, c.Channel = "esc", "phone"
		}),
		mk("raised", func(c *connectors.Complaint) {
			c.Customer = "cust-fast"
			c.CreatedAt = mon.Add(time.Hour)
			c.Events = []connectors.Event{{At: mon.Add(2 * time.Hour), Kind: connectors.EventPriority, From: connectors.PriorityNormal, To: connectors.PriorityHigh}}
		}),
		mk("open-late", func(c *connectors.Complaint) { c.CreatedAt = at("2026-01-05T09:00:00Z") }),
		mk("open-new", func(c *connectors.Complaint) { c.CreatedAt = at("2026-03-31T16:00:00Z"); c.Customer = "" }),
		mk("no-rule", func(c *connectors.Complaint) { c.Priority = connectors.PriorityLow; c.Category = "refund" }),
		mk("appealed", func(c *connectors.Complaint) { c.FirstResponseAt = mon.Add(time.Hour) }),
		mk("suggestion", func(c *connectors.Complaint) { c.Kind = "suggestion" }),
		mk("urgent-waiting", func(c *connectors.Complaint) {
			c.Priority, c.CreatedAt = connectors.PriorityUrgent, at("2026-03-31T16:30:00Z")
		}),
	}
}

var reasonAsOf = at("2026-04-01T10:00:00Z")

// TestReasonsAreCodes: every reason scoring gives, hits and misses
// included, is a code of the catalogue with the arguments its messages
// name; every code that scoring's source names is given by some path
// here; and none of them is prose.
func TestReasonsAreCodes(t *testing.T) {
	// The codes scoring's source names.
	api := map[string]bool{"New": true, "Text": true, "Quoted": true, "Term": true, "Int": true, "Number": true, "Duration": true,
		"Deadline": true, "Instant": true, "Month": true, "List": true, "Event": true, "Render": true, "Parse": true, "EN": true, "ZH": true,
		"Reason": true, "Arg": true, "Code": true, "None": true, "Explained": true, "Check": true, "FormatDuration": true, "Codes": true,
		"Points": true, "Arity": true}
	byName := map[string]reason.Code{}
	for _, c := range reason.Codes() {
		byName[c.Name()] = c
	}
	named := map[reason.Code]string{}
	files, _ := filepath.Glob("*.go")
	ref := regexp.MustCompile(`\breason\.([A-Z]\w*)`)
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range ref.FindAllStringSubmatch(string(b), -1) {
			if api[m[1]] {
				continue
			}
			c, ok := byName[snake(m[1])]
			if !ok {
				t.Errorf("%s names reason.%s, which is neither a code of the catalogue nor its API", f, m[1])
				continue
			}
			named[c] = f
		}
	}
	if len(named) < 30 {
		t.Fatalf("found %d codes in scoring's source: the scan is broken", len(named))
	}

	// The codes scoring gives, explained.
	cfg, err := config.Parse([]byte(reasonConfig), "reasons.yaml")
	if err != nil {
		t.Fatal(err)
	}
	given := map[reason.Code]bool{}
	give := func(where string, o Outcome) {
		if o.Result == "" || o.Reason.IsZero() && (o.Result == Counted || o.Result == Hit || o.Result == Miss) {
			return // snapshot months and input metrics, judged elsewhere
		}
		if o.Reason.IsZero() {
			t.Errorf("%s: a %s without a reason", where, o.Result)
			return
		}
		if err := reason.Check(o.Reason); err != nil {
			t.Errorf("%s: %v", where, err)
		}
		given[o.Reason.Code] = true
	}
	appealFile, err := appeals.Parse([]byte(`
- id: A-1
  unit: agent:a1
  period: 2026-03
  metric: response_rate
  complaints: [r:appealed]
  claim: a duplicate
  filed: 2026-04-01
  stage: closed
  history:
    - {stage: hr_review, date: 2026-04-01}
    - {stage: data_recheck, date: 2026-04-01}
    - {stage: three_party_meeting, date: 2026-04-01}
    - {stage: agreement, date: 2026-04-01}
  decision: {outcome: accepted, by: three_party_meeting, date: 2026-04-01, reason: a duplicate, changes: [{exclude: r:appealed}]}
`), "appeals.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var evs []*Evidence
	_, err = Score(context.Background(), reasonComplaints(), Options{Config: cfg, AsOf: reasonAsOf, Reasons: true, Appeals: appealFile,
		Evidence: func(ev *Evidence) error {
			evs = append(evs, ev)
			for id, o := range ev.Outcomes {
				give(ev.ID+" "+id, o)
			}
			return nil
		}})
	if err != nil {
		t.Fatal(err)
	}
	// The backlog as explain reads it, in each period.
	for _, ev := range evs {
		for _, p := range []string{"2026-01", "2026-02", "2026-03", "2026-04"} {
			_, month, _ := parsePeriodID(p)
			for _, asOf := range []bool{false, true} {
				if o, ok := ev.In(backlog{}.Info(), Span{Snapshot: p, AtAsOf: asOf, First: month.ID(), Last: month.ID()}); ok {
					give(ev.ID+" backlog in "+p, o)
				}
			}
		}
	}
	// What config validation keeps from scoring.
	give("unknown custom type", newCustom(config.CustomMetric{ID: "x", Type: "ratio"}).Evaluate(&connectors.Complaint{}, &Context{AsOf: reasonAsOf, Settings: &Settings{}}))
	noFrom := newCustom(config.CustomMetric{ID: "x", Type: "duration", From: "status:Escalated", To: "resolved"})
	give("no from", noFrom.Evaluate(&connectors.Complaint{}, &Context{AsOf: reasonAsOf, Settings: &Settings{}}))
	noTo := newCustom(config.CustomMetric{ID: "x", Type: "duration", From: "created", To: "status:Done"})
	give("no to", noTo.Evaluate(&connectors.Complaint{CreatedAt: reasonAsOf.Add(-time.Hour)}, &Context{AsOf: reasonAsOf, Settings: &Settings{}}))
	neverIn := newCustom(config.CustomMetric{ID: "x", Type: "time_in", Labels: []string{"triage"}, Absent: "exclude"})
	give("never in", neverIn.Evaluate(&connectors.Complaint{CreatedAt: reasonAsOf.Add(-time.Hour)}, &Context{AsOf: reasonAsOf, Settings: &Settings{}}))
	rate := newCustom(config.CustomMetric{ID: "x", Type: "rate", Where: config.Filter{Category: []string{"refund"}}})
	give("rate hit", rate.Evaluate(&connectors.Complaint{Category: "refund"}, &Context{AsOf: reasonAsOf, Settings: &Settings{}, Explain: true}))
	// A deadline metric against the source's SLA record (sla_test.go).
	for _, o := range slaReasonOutcomes(t) {
		give("sla", o)
	}

	// The service star's reason, in its parts: a lead within noise over
	// one rival, and full points with a lead shared with more than three.
	starCfg := confidenceConfig(t, `{metric: ftr_rate, weight: 1, rule: {type: linear, target: 100%, floor: 0%}}`)
	crowd := ftrComplaints("a1", 10, 10)
	for _, a := range []string{"a2", "a3", "a4", "a5", "a6"} {
		crowd = append(crowd, ftrComplaints(a, 9, 10)...)
	}
	for _, cs := range [][]connectors.Complaint{append(ftrComplaints("a1", 9, 10), ftrComplaints("a2", 8, 10)...), crowd} {
		for _, st := range scoreMarch(t, starCfg, cs).Stars {
			for _, r := range st.Why {
				give("star "+st.Unit.ID, Outcome{Result: Excluded, Reason: r})
			}
		}
	}

	// Why the weights in force fell back.
	for _, r := range weightNotes(t) {
		give("weights", Outcome{Result: Excluded, Reason: r})
	}

	for c, f := range named {
		if !given[c] {
			t.Errorf("%s names reason code %s, which no path of this test gives: add one", f, c.Name())
		}
	}
	for c := range given {
		if _, ok := named[c]; !ok {
			t.Errorf("scoring gave reason code %s, which its source does not name", c.Name())
		}
	}
}

// snake turns a Go name into the catalogue's: OpenAtMonthEnds is
// open_at_month_ends.
func snake(s string) string {
	var b strings.Builder
	rs := []rune(s)
	for i, r := range rs {
		if unicode.IsUpper(r) {
			// A word starts at an upper-case letter after a lower-case
			// one, or before one after an initialism (AHPUnusable is
			// ahp_unusable).
			if i > 0 && (!unicode.IsUpper(rs[i-1]) || i+1 < len(rs) && unicode.IsLower(rs[i+1])) {
				b.WriteByte('_')
			}
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}

// TestEvaluateWithoutReasons: without explain, only exclusions and the
// backlog's months carry a reason (the evidence file's), and judging
// allocates nothing for a reason.
func TestEvaluateWithoutReasons(t *testing.T) {
	cfg, err := config.Parse([]byte(reasonConfig), "reasons.yaml")
	if err != nil {
		t.Fatal(err)
	}
	e, err := NewEngine(cfg)
	if err != nil {
		t.Fatal(err)
	}
	cs := reasonComplaints()
	outs := make([]Outcome, len(e.metrics))
	for i := range cs {
		c := &cs[i]
		e.evaluate(c, e.Place(c), reasonAsOf, 0, false, outs)
		for mi, o := range outs {
			if !o.Reason.IsZero() && o.Result != Excluded {
				t.Errorf("%s %s: a %s with reason %s without explain", c.ID, e.ids[mi], o.Result, o.Reason)
			}
		}
	}
	// A judgement allocates nothing for its reason: a hit or a miss has
	// none unless explained, an exclusion's is a code (its arguments, when
	// it has any, are the evidence's). Time in a status allocates for its
	// intervals, whatever the reason.
	for i := range cs {
		c := &cs[i]
		p := e.Place(c)
		for mi, m := range e.metrics {
			if e.infos[mi].Cohort == CohortInput || e.ids[mi] == "waiting_time" {
				continue
			}
			x := Context{AsOf: reasonAsOf, Calendar: p.Calendar, Team: p.Team, Settings: e.set}
			o := m.Evaluate(c, &x)
			if o.Result == Excluded && len(o.Reason.Args) > 0 {
				continue
			}
			if n := testing.AllocsPerRun(20, func() { m.Evaluate(c, &x) }); n != 0 {
				t.Errorf("%s %s (%s) allocates %v times", c.ID, e.ids[mi], o.Result, n)
			}
		}
	}
}
