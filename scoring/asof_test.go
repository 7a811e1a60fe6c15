package scoring

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/kpidesk/kpidesk/config"
	"github.com/kpidesk/kpidesk/connectors"
	"github.com/kpidesk/kpidesk/internal/linediff"
)

// asOfConfig reads events in every way scoring can: pauses, escalation by
// event, label, priority increase and team, custom durations between status
// and label events, time in a status or label, deadlines by priority, teams
// matched by assignee and by label, on a business-hours calendar in another
// zone and a 24x7 one.
const asOfConfig = `
version: 1
calendar: office
calendars:
  office: {timezone: Asia/Shanghai, hours: {mon-fri: ["09:00-12:00", "13:30-18:00"]}}
  always: {timezone: UTC, always: true}
departments: [{id: d1}, {id: d2}]
teams:
  - {id: t1, department: d1}
  - {id: t2, department: d2, calendar: always, match: {labels: [vip]}}
  - {id: esc, department: d1}
agents:
  - {id: a1, team: t1}
  - {id: a2, team: t1}
  - {id: a3, team: t2}
  - {id: a4, team: esc}
periods: [month, quarter]
metrics:
  min_sample: 1
  pause: {statuses: [waiting for customer]}
  response_rate:
    deadlines: [{priority: [urgent], within: 4h}, {within: 1wd}]
  resolution_sla_rate:
    deadlines: [{priority: [urgent], within: 24h}, {priority: [high], within: 2wd}, {within: 3wd}]
  escalation_rate: {by: [event, "label:escalated", "team:esc", priority_increase]}
  repeat_rate: {window: 240h}
  custom:
    - {id: vip_rate, type: rate, where: {label: [vip]}}
    - {id: urgent_rate, type: rate, where: {priority: [urgent]}}
    - {id: to_progress, type: duration, from: created, to: "status:in progress"}
    - {id: to_hold, type: duration, from: first_response, to: "label:hold", clock: wall}
    - {id: waiting, type: time_in, statuses: [waiting for customer], labels: [hold]}
    - {id: reopened_for, type: duration, from: first_resolved, to: resolved, cohort: resolved}
scorecards:
  - id: s
    units: [org, department, team, agent]
    weights: {method: fixed, normalize: true}
    items:
      - {metric: response_rate, weight: 1, rule: {type: linear, target: 95%, floor: 50%}}
      - {metric: resolution_rate, weight: 1, rule: {type: linear, target: 95%, floor: 50%}}
      - {metric: resolution_sla_rate, weight: 1, rule: {type: linear, target: 95%, floor: 50%}}
      - {metric: first_response_time, weight: 1, rule: {type: linear, direction: lower, target: 1h, floor: 24h}}
      - {metric: handling_time, weight: 1, rule: {type: linear, direction: lower, target: 1wd, floor: 5wd}}
      - {metric: ftr_rate, weight: 1, rule: {type: linear, target: 90%, floor: 50%}}
      - {metric: reopen_rate, weight: 1, rule: {type: linear, direction: lower, target: 5%, floor: 50%}}
      - {metric: escalation_rate, weight: 1, rule: {type: linear, direction: lower, target: 5%, floor: 50%}}
      - {metric: csat, weight: 1, rule: {type: linear, target: 90, floor: 50}}
      - {metric: repeat_rate, weight: 1, rule: {type: linear, direction: lower, target: 5%, floor: 50%}}
      - {metric: waiting, weight: 1, rule: {type: linear, direction: lower, target: 1h, floor: 24h}}
`

// history is a complaint as its source would tell it at any instant: the
// values it was created with and everything that happened to it.
type history struct {
	id, customer, category, kind, channel string
	team                                  string // given by the source, or "" to match by config
	created                               time.Time
	priority, assignee                    string   // at creation
	labels                                []string // at creation: no event adds them
	events                                []connectors.Event
	csat                                  *connectors.CSAT
	// Without events the source gives the derived fields itself.
	firstResponse, resolved, escalatedAt time.Time
	reopens, replies                     int
}

// at builds the complaint a sync at cut would have read: the events up to
// cut, the snapshot values they leave, the derived fields they give. It is
// the definition the property test holds scoring to, written forwards, from
// creation, where connectors.Rewind works backwards from the last sync.
func (h *history) at(cut time.Time) connectors.Complaint {
	c := connectors.Complaint{ID: h.id, Key: h.id, Kind: h.kind, Category: h.category, Channel: h.channel, Customer: h.customer,
		Team: h.team, CreatedAt: h.created, Priority: h.priority, Assignee: h.assignee, Labels: slices.Clone(h.labels)}
	for _, e := range h.events {
		if e.At.After(cut) {
			continue // events are in time order, but keep looking: the test does not rely on it
		}
		c.Events = append(c.Events, e)
		switch e.Kind {
		case connectors.EventAssignment:
			c.Assignee = e.To
		case connectors.EventPriority:
			c.Priority = e.To
		case connectors.EventLabel:
			if e.From != "" {
				c.Labels = slices.DeleteFunc(c.Labels, func(l string) bool { return l == e.From })
			}
			if e.To != "" && !slices.Contains(c.Labels, e.To) {
				c.Labels = append(c.Labels, e.To)
			}
		}
	}
	if len(h.events) > 0 {
		connectors.Derive(c.Events).Apply(&c)
	} else {
		// Snapshot fields without events: what lies after cut had not
		// happened; counts cannot be dated.
		keep := func(t time.Time) time.Time {
			if t.After(cut) {
				return time.Time{}
			}
			return t
		}
		c.FirstResponseAt, c.ResolvedAt, c.FirstResolvedAt = keep(h.firstResponse), keep(h.resolved), keep(h.resolved)
		c.EscalatedAt = keep(h.escalatedAt)
		c.Escalated = !c.EscalatedAt.IsZero()
		c.Reopens, c.AgentReplies = h.reopens, h.replies
	}
	if h.csat != nil && !h.csat.At.After(cut) {
		c.CSAT = h.csat // an answer without a date is a snapshot and kept
	}
	return c
}

// randomHistories makes n complaints created from start over about three
// months, with random events: public and internal comments by agents,
// customers and bots, status changes into and out of a pause, assignments,
// priority changes, labels added and removed, resolutions, reopens (also
// stray ones), escalations, CSAT answers with and without a date, and
// several events at one instant.
func randomHistories(r *rand.Rand, n int, start time.Time) []history {
	agents := []string{"", "a1", "a2", "a3", "a4", "zed"}
	teams := []string{"", "", "t1", "t2", "esc"}
	statuses := []string{"open", "in progress", "waiting for customer", "in progress"}
	pick := func(s []string) string { return s[r.IntN(len(s))] }
	hs := make([]history, n)
	for i := range hs {
		h := &hs[i]
		h.id = fmt.Sprintf("t:%03d", i)
		h.customer = pick([]string{"", "c1", "c2", "c3", "c4"})
		h.category = pick([]string{"billing", "delivery"})
		h.kind = pick([]string{"complaint", "complaint", "complaint", "", "suggestion"})
		h.channel = pick([]string{"email", "chat"})
		h.team = pick(teams)
		h.created = start.Add(time.Duration(r.Int64N(int64(90 * 24 * time.Hour)))).Truncate(time.Minute)
		h.priority = pick(connectors.Priorities)
		h.assignee = pick(agents)
		if r.IntN(4) == 0 {
			h.labels = []string{pick([]string{"legacy", "vip", "hold"})}
		}
		if r.IntN(8) == 0 {
			// No events: the source gives the derived fields.
			t := h.created
			step := func() time.Time { t = t.Add(time.Duration(r.Int64N(int64(72 * time.Hour)))); return t }
			if r.IntN(3) > 0 {
				h.firstResponse = step()
				h.replies = 1 + r.IntN(3)
			}
			if r.IntN(2) == 0 {
				h.resolved = step()
				h.reopens = r.IntN(2)
			}
			if r.IntN(4) == 0 {
				h.escalatedAt = step()
			}
			continue
		}
		t := h.created
		labels := slices.Clone(h.labels)
		assignee, priority, status := h.assignee, h.priority, "open"
		resolved := false
		add := func(e connectors.Event) {
			if r.IntN(5) > 0 { // else at the same instant as the one before
				t = t.Add(time.Duration(1+r.Int64N(int64(30*time.Hour))) / time.Minute * time.Minute)
			}
			e.At = t
			h.events = append(h.events, e)
		}
		for range r.IntN(12) {
			switch k := r.IntN(14); {
			case k < 4:
				role := []connectors.Role{connectors.RoleAgent, connectors.RoleAgent, connectors.RoleCustomer, connectors.RoleBot}[r.IntN(4)]
				add(connectors.Event{Kind: connectors.EventComment, Role: role, Public: r.IntN(4) > 0})
			case k == 4:
				to := pick(statuses)
				add(connectors.Event{Kind: connectors.EventStatus, From: status, To: to, Role: connectors.RoleAgent})
				status = to
			case k == 5:
				to := pick(agents)
				add(connectors.Event{Kind: connectors.EventAssignment, From: assignee, To: to, Role: connectors.RoleAgent})
				assignee = to
			case k == 6:
				to := pick(connectors.Priorities)
				if to != priority {
					add(connectors.Event{Kind: connectors.EventPriority, From: priority, To: to, Role: connectors.RoleAgent})
					priority = to
				}
			case k == 7:
				l := pick([]string{"vip", "hold", "escalated", "legacy"})
				if slices.Contains(labels, l) {
					add(connectors.Event{Kind: connectors.EventLabel, From: l, Role: connectors.RoleAgent})
					labels = slices.DeleteFunc(labels, func(x string) bool { return x == l })
				} else {
					add(connectors.Event{Kind: connectors.EventLabel, To: l, Role: connectors.RoleAgent})
					labels = append(labels, l)
				}
			case k < 10:
				if !resolved || r.IntN(4) == 0 { // sometimes resolved twice
					add(connectors.Event{Kind: connectors.EventResolved, Role: connectors.RoleAgent})
					resolved = true
				}
			case k < 12:
				if resolved || r.IntN(4) == 0 { // sometimes a stray reopen
					add(connectors.Event{Kind: connectors.EventReopened, Role: connectors.RoleCustomer})
					resolved = false
				}
			case k == 12:
				add(connectors.Event{Kind: connectors.EventEscalated, Role: connectors.RoleAgent})
			default:
				if h.csat == nil {
					h.csat = &connectors.CSAT{Value: float64(1 + r.IntN(5)), Scale: 5}
					if r.IntN(3) > 0 {
						h.csat.At = t.Add(time.Duration(r.Int64N(int64(48 * time.Hour))))
					}
				}
			}
		}
	}
	return hs
}

// asOfInstant picks the instant to score at: anywhere in the data, on an
// event's or a creation's instant, or at a month's start.
func asOfInstant(r *rand.Rand, hs []history, start time.Time) time.Time {
	switch r.IntN(4) {
	case 0:
		h := &hs[r.IntN(len(hs))]
		if len(h.events) > 0 {
			return h.events[r.IntN(len(h.events))].At
		}
		return h.created
	case 1:
		return hs[r.IntN(len(hs))].created
	case 2:
		return time.Date(2026, time.Month(3+r.IntN(4)), 1, 0, 0, 0, 0, time.UTC)
	default:
		return start.Add(time.Duration(r.Int64N(int64(110 * 24 * time.Hour))))
	}
}

// scoreBytes scores cs as of asOf into scores.json (with complaint IDs)
// and evidence.jsonl.
func scoreBytes(t *testing.T, cfg *config.Config, cs []connectors.Complaint, asOf time.Time) (scores, evidence []byte) {
	t.Helper()
	var ev, js bytes.Buffer
	s, err := Score(context.Background(), cs, Options{Config: cfg, AsOf: asOf, IDs: true, EvidenceOut: &ev})
	if err != nil {
		t.Fatal(err)
	}
	if err := WriteJSON(&js, s); err != nil {
		t.Fatal(err)
	}
	return js.Bytes(), ev.Bytes()
}

// TestAsOfEqualsHistory is the as-of property (SPEC §13.6, issue 11): for
// random event histories and random instants, scoring the complaints as
// last synced, as of an instant, gives the same scores.json and
// evidence.jsonl as scoring the complaints built from their history up to
// that instant (events after it removed, complaints created after it
// dropped).
func TestAsOfEqualsHistory(t *testing.T) {
	cfg, err := config.Parse([]byte(asOfConfig), "asof.yaml")
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2026, 2, 20, 0, 0, 0, 0, time.UTC)
	rounds := 300
	if testing.Short() {
		rounds = 40
	}
	for seed := range uint64(rounds) {
		r := rand.New(rand.NewPCG(seed, 11))
		hs := randomHistories(r, 5+r.IntN(40), start)
		asOf := asOfInstant(r, hs, start)
		var synced, then []connectors.Complaint
		for i := range hs {
			synced = append(synced, hs[i].at(time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)))
			if !hs[i].created.After(asOf) {
				then = append(then, hs[i].at(asOf))
			}
		}
		gotJS, gotEv := scoreBytes(t, cfg, synced, asOf)
		wantJS, wantEv := scoreBytes(t, cfg, then, asOf)
		if !bytes.Equal(gotJS, wantJS) {
			t.Fatalf("seed %d, as of %s: scores.json differs from the history's: %s", seed, asOf.Format(time.RFC3339), linediff.First(gotJS, wantJS, "store", "history"))
		}
		if !bytes.Equal(gotEv, wantEv) {
			t.Fatalf("seed %d, as of %s: evidence.jsonl differs from the history's: %s", seed, asOf.Format(time.RFC3339), linediff.First(gotEv, wantEv, "store", "history"))
		}
	}
}

// TestAsOfBeforeReopen is issue 11's reproduction: three complaints with
// the same history up to 2026-11-03, resolved on 2 November; X1 reopened
// on the 5th and still open, X2 reopened and resolved again. As of the
// 3rd all three are resolved: resolution rate 3/3, handling time for 3,
// backlog 0.
func TestAsOfBeforeReopen(t *testing.T) {
	cfg, err := config.Parse([]byte(`
version: 1
calendar: c
calendars: {c: {timezone: UTC, always: true}}
teams: [{id: t, calendar: c}]
periods: [month]
metrics: {min_sample: 1}
scorecards:
  - {id: s, units: [team], items: [{metric: resolution_rate, weight: 1, rule: {type: linear, target: 95%, floor: 70%}}]}
`), "issue11.yaml")
	if err != nil {
		t.Fatal(err)
	}
	common := []connectors.Event{
		ev("2026-11-02T02:00:00Z", connectors.EventComment, connectors.RoleAgent, true),
		ev("2026-11-02T03:00:00Z", connectors.EventResolved, connectors.RoleAgent, false),
	}
	mk := func(id string, later ...connectors.Event) connectors.Complaint {
		c := connectors.Complaint{ID: id, Team: "t", CreatedAt: at("2026-11-02T01:00:00Z"), Events: append(slices.Clone(common), later...)}
		connectors.Derive(c.Events).Apply(&c)
		return c
	}
	cs := []connectors.Complaint{
		mk("X1", ev("2026-11-05T00:00:00Z", connectors.EventReopened, connectors.RoleCustomer, false)),
		mk("X2", ev("2026-11-05T00:00:00Z", connectors.EventReopened, connectors.RoleCustomer, false),
			ev("2026-11-06T00:00:00Z", connectors.EventResolved, connectors.RoleAgent, false)),
		mk("X3"),
	}
	s, err := Score(context.Background(), cs, Options{Config: cfg, AsOf: at("2026-11-03T00:00:00Z"), IDs: true})
	if err != nil {
		t.Fatal(err)
	}
	team := find(t, s, "2026-11", "team:t")
	for _, tc := range []struct {
		metric     string
		num, denom float64
	}{
		{"resolution_rate", 3, 3},
		{"handling_time", 3 * 7200, 3},
		{"backlog", 0, 0},
		{"reopen_rate", 0, 3},
		{"ftr_rate", 3, 3},
	} {
		if r := team.Metrics[tc.metric]; r.Numerator != tc.num || r.Denominator != tc.denom {
			t.Errorf("%s as of 2026-11-03 = %v / %v (ids %v), want %v / %v", tc.metric, r.Numerator, r.Denominator, r.IDs, tc.num, tc.denom)
		}
	}
}
