package demo

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/kpidesk/kpidesk/connectors"
)

// stats is one pass over the default demo data; the shape tests read it.
type stats struct {
	n, complaints           int
	kinds                   map[string]int
	resolved, csat          int
	csatSum                 float64
	escalated, escalatedCmp int
	reopened                int
	repeats                 int
	answered, late24        int
	neverAnswered           int // open at the end with no agent reply
	autoClosed              int // resolved by automation after waiting for the customer
	botBeforeFR             int // a bot's public comment precedes the first response
	ftr                     int
	agents                  map[string]int
	teams                   map[string]int
	categories              map[string]int
	channels                map[string]int
	priorities              map[string]int
	frSep, frOct            []time.Duration // wall-clock first response, complaints
	titles, customers       map[string]bool
	labels                  map[string]bool
	problems                []string
}

func (st *stats) problem(format string, args ...any) {
	if len(st.problems) < 20 {
		st.problems = append(st.problems, fmt.Sprintf(format, args...))
	}
}

var (
	defaultOnce  sync.Once
	defaultStats *stats
)

// defaultData scores the default demo once for all shape tests.
func defaultData(t *testing.T) *stats {
	t.Helper()
	defaultOnce.Do(func() {
		st := &stats{kinds: map[string]int{}, agents: map[string]int{}, teams: map[string]int{},
			categories: map[string]int{}, channels: map[string]int{}, priorities: map[string]int{},
			titles: map[string]bool{}, customers: map[string]bool{}, labels: map[string]bool{}}
		type key struct{ cust, cat string }
		last := map[key]time.Time{}
		var prev time.Time
		err := New(Options{}).Fetch(context.Background(), "", func(b connectors.Batch) error {
			for k := range b.Complaints {
				st.add(&b.Complaints[k], b.AsOf, &prev)
				c := &b.Complaints[k]
				if !c.IsComplaint() {
					continue
				}
				kk := key{c.Customer, c.Category}
				if p, ok := last[kk]; ok && c.CreatedAt.Sub(p) > 0 && c.CreatedAt.Sub(p) <= 30*24*time.Hour {
					st.repeats++
				}
				last[kk] = c.CreatedAt
			}
			return nil
		})
		if err != nil {
			st.problem("fetch: %v", err)
		}
		defaultStats = st
	})
	return defaultStats
}

func (st *stats) add(c *connectors.Complaint, asOf time.Time, prev *time.Time) {
	st.n++
	st.kinds[c.Kind]++
	st.agents[c.Assignee]++
	st.teams[c.Team]++
	st.channels[c.Channel]++
	st.priorities[c.Priority]++
	st.titles[c.Title] = true
	st.customers[c.Customer] = true
	for _, l := range c.Labels {
		st.labels[l] = true
	}
	if c.CreatedAt.Before(*prev) {
		st.problem("%s: created %v before the previous complaint's %v", c.ID, c.CreatedAt, *prev)
	}
	*prev = c.CreatedAt
	if c.CreatedAt.Location() != time.UTC || !c.CreatedAt.Before(asOf) {
		st.problem("%s: CreatedAt %v not UTC or not before %v", c.ID, c.CreatedAt, asOf)
	}
	for k, e := range c.Events {
		if e.At.Before(c.CreatedAt) || !e.At.Before(asOf) {
			st.problem("%s: event %d at %v outside [%v, %v)", c.ID, k, e.At, c.CreatedAt, asOf)
		}
		if k > 0 && e.At.Before(c.Events[k-1].At) {
			st.problem("%s: event %d at %v before event %d", c.ID, k, e.At, k-1)
		}
	}
	if len(c.Events) > 0 && !c.UpdatedAt.Equal(c.Events[len(c.Events)-1].At) {
		st.problem("%s: UpdatedAt %v, want last event %v", c.ID, c.UpdatedAt, c.Events[len(c.Events)-1].At)
	}
	got := connectors.Derived{FirstResponseAt: c.FirstResponseAt, FirstResolvedAt: c.FirstResolvedAt,
		ResolvedAt: c.ResolvedAt, Reopens: c.Reopens, AgentReplies: c.AgentReplies,
		Escalated: c.Escalated, EscalatedAt: c.EscalatedAt}
	if diff := cmp.Diff(connectors.Derive(c.Events), got); diff != "" {
		st.problem("%s: derived fields differ from Derive(events) (-want +got):\n%s", c.ID, diff)
	}
	for _, e := range c.Events {
		if e.Kind == connectors.EventComment && e.Public && e.Role == connectors.RoleBot {
			if e.At.Equal(c.FirstResponseAt) && !slices.ContainsFunc(c.Events, func(a connectors.Event) bool {
				return connectors.IsFirstResponse(a) && a.At.Equal(c.FirstResponseAt)
			}) {
				st.problem("%s: bot comment at %v is the first response", c.ID, e.At)
			}
			if !c.FirstResponseAt.IsZero() && e.At.Before(c.FirstResponseAt) {
				st.botBeforeFR++
				break
			}
		}
	}
	if !c.FirstResponseAt.IsZero() {
		if k := slices.IndexFunc(c.Events, func(e connectors.Event) bool { return e.At.Equal(c.FirstResponseAt) && connectors.IsFirstResponse(e) }); k < 0 || c.Events[k].Role != connectors.RoleAgent {
			st.problem("%s: first response %v is not an agent's public comment", c.ID, c.FirstResponseAt)
		}
	}
	if c.Reopens > 0 {
		st.reopened++
	}
	if c.Resolved() {
		st.resolved++
		if k := slices.IndexFunc(c.Events, func(e connectors.Event) bool {
			return e.Kind == connectors.EventResolved && e.At.Equal(c.ResolvedAt)
		}); k >= 0 && c.Events[k].Role == connectors.RoleBot {
			st.autoClosed++
		}
		if c.CSAT != nil {
			st.csat++
			st.csatSum += c.CSAT.Score()
			if c.CSAT.At.Before(c.ResolvedAt) || c.CSAT.Scale != 5 || c.CSAT.Value < 1 || c.CSAT.Value > 5 {
				st.problem("%s: CSAT %+v for resolution at %v", c.ID, *c.CSAT, c.ResolvedAt)
			}
		}
		if c.AgentReplies <= 1 && c.Reopens == 0 {
			st.ftr++
		}
	} else if c.CSAT != nil {
		st.problem("%s: CSAT on an open complaint", c.ID)
	}
	if c.Escalated {
		st.escalated++
	}
	if !c.IsComplaint() {
		return
	}
	st.complaints++
	st.categories[c.Category]++
	if c.Escalated {
		st.escalatedCmp++
	}
	if c.FirstResponseAt.IsZero() {
		if !c.Resolved() && c.CreatedAt.Before(asOf.AddDate(0, 0, -7)) {
			st.neverAnswered++
		}
	} else {
		st.answered++
		fr := c.FirstResponseAt.Sub(c.CreatedAt)
		if fr > 24*time.Hour {
			st.late24++
		}
		local := c.CreatedAt.In(cst)
		switch {
		case local.Year() == 2025 && local.Month() == time.September:
			st.frSep = append(st.frSep, fr)
		case local.Year() == 2025 && local.Month() == time.October && local.Day() <= 7:
			st.frOct = append(st.frOct, fr)
		}
	}
}

func median(d []time.Duration) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2]
}

func share(n, of int) float64 {
	if of == 0 {
		return 0
	}
	return float64(n) / float64(of)
}

func TestConsistency(t *testing.T) {
	st := defaultData(t)
	if st.n != DefaultSize {
		t.Errorf("generated %d complaints, want %d", st.n, DefaultSize)
	}
	for _, p := range st.problems {
		t.Error(p)
	}
}

func TestShapes(t *testing.T) {
	st := defaultData(t)
	t.Logf("kinds %v", st.kinds)
	t.Logf("teams %v", st.teams)
	t.Logf("channels %v", st.channels)
	t.Logf("priorities %v", st.priorities)
	t.Logf("categories %v", st.categories)
	t.Logf("CSAT mean %.1f", st.csatSum/float64(max(st.csat, 1)))
	t.Logf("September median FR %v, 1–7 October %v", median(st.frSep), median(st.frOct))
	tests := []struct {
		name     string
		got      float64
		min, max float64
	}{
		{"complaint share", share(st.kinds[connectors.KindComplaint], st.n), 0.82, 0.88},
		{"suggestion share", share(st.kinds[connectors.KindSuggestion], st.n), 0.08, 0.12},
		{"inquiry share", share(st.kinds[connectors.KindInquiry], st.n), 0.035, 0.065},
		// Open at the end: the last days' complaints, the ones never
		// answered (1 %), and a tenth of the stalled ones (the rest are
		// closed by automation).
		{"resolved share", share(st.resolved, st.n), 0.96, 0.99},
		{"CSAT answers per resolved", share(st.csat, st.resolved), 0.28, 0.38},
		{"escalated complaints", share(st.escalatedCmp, st.complaints), 0.06, 0.10},
		{"reopened of resolved", share(st.reopened, st.resolved), 0.045, 0.08},
		{"repeat complaints", share(st.repeats, st.complaints), 0.08, 0.12},
		{"answered after 24 h", share(st.late24, st.answered), 0.03, 0.07},
		{"never answered", share(st.neverAnswered, st.complaints), 0.007, 0.015},
		{"closed by automation", share(st.autoClosed, st.n), 0.05, 0.09},
		{"bot comment before first response", share(st.botBeforeFR, st.n), 0.5, 0.7},
		{"first-contact resolution", share(st.ftr, st.resolved), 0.75, 0.9},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Logf("%s = %.4f", tc.name, tc.got)
			if tc.got < tc.min || tc.got > tc.max {
				t.Errorf("%s = %.4f, want in [%.3f, %.3f]", tc.name, tc.got, tc.min, tc.max)
			}
		})
	}
}

func TestNationalDayBacklog(t *testing.T) {
	st := defaultData(t)
	sep, oct := median(st.frSep), median(st.frOct)
	if len(st.frOct) < 100 || oct < 10*sep || oct < 24*time.Hour {
		t.Errorf("median first response: September %v (n=%d), 1–7 October %v (n=%d); want October ≥ 10× and ≥ 24 h",
			sep, len(st.frSep), oct, len(st.frOct))
	}
}

func TestEveryAgentHasComplaints(t *testing.T) {
	st := defaultData(t)
	org := Org()
	for _, a := range org.Agents {
		if st.agents[a.ID] == 0 {
			t.Errorf("agent %s (%s, %s) has no complaints", a.ID, a.Name, a.Team)
		}
	}
	for _, tm := range org.Teams {
		if st.teams[tm.ID] == 0 {
			t.Errorf("team %s has no complaints", tm.ID)
		}
	}
	if len(st.agents) != len(org.Agents) {
		t.Errorf("assignees = %d distinct, want the %d agents of Org", len(st.agents), len(org.Agents))
	}
}

func TestHostileStrings(t *testing.T) {
	st := defaultData(t)
	for _, h := range hostileTitles {
		if !st.titles[h] {
			t.Errorf("title %.40q never generated", h)
		}
	}
	for _, h := range hostileCustomers {
		found := false
		for c := range st.customers {
			if strings.HasPrefix(c, h) {
				found = true
				break
			}
		}
		if !found {
			t.Errorf("customer %q never generated", h)
		}
	}
	if !st.labels[hostileLabel] {
		t.Errorf("label %q never generated", hostileLabel)
	}
	if n := len([]rune(longTitle())); n != 400 {
		t.Errorf("long title has %d characters, want 400", n)
	}
}
