package file

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/kpidesk/kpidesk/connectors"
)

// genComplaints makes n deterministic complaints, as Decode would return
// them, for round-trip tests and benchmarks. Most have a conversation of
// about six events; some override a derived field explicitly, some have no
// events at all.
func genComplaints(n int, seed uint64) []connectors.Complaint {
	r := rand.New(rand.NewPCG(seed, 7))
	pick := func(s ...string) string { return s[r.IntN(len(s))] }
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	cs := make([]connectors.Complaint, n)
	for i := range cs {
		key := fmt.Sprintf("T-%06d", i)
		created := base.Add(time.Duration(r.IntN(90*24*60)) * time.Minute)
		if r.IntN(4) == 0 {
			created = created.Add(time.Duration(r.IntN(1e9))) // sub-second precision
		}
		customer := fmt.Sprintf("cust-%04d", r.IntN(2000))
		agent := pick("li.wei", "wang.fang", "zhang.min", "chen.jie")
		c := connectors.Complaint{
			ID: "file:" + key, Source: "file", Key: key,
			URL:          "https://help.example.com/tickets/" + key,
			Title:        pick("Refund not received", "App crashes on login — again", `Order "A-77" late`, "发票开错了", "Wrong item\tdelivered"),
			Kind:         pick("complaint", "complaint", "complaint", "suggestion", "inquiry"),
			Category:     pick("product-quality", "usage", "delivery", "billing"),
			Channel:      pick("email", "portal", "phone", "chat", "social"),
			Priority:     pick(connectors.Priorities...),
			Customer:     customer,
			Organization: pick("", "Acme", "Globex"),
			Assignee:     agent,
			Team:         pick("tier1", "tier2"),
			Department:   "service",
			CreatedAt:    created,
		}
		if r.IntN(3) == 0 {
			c.Labels = []string{pick("vip", "refund", "repeat"), "imported"}
		}
		switch i % 4 { // not drawn from r: the rest of the data stays as it was
		case 1:
			c.Components = []string{"payments"}
		case 2:
			c.Components = []string{"mobile-app", "payments"}
		}
		if r.IntN(5) == 0 {
			c.Fields = map[string]any{"refund_dispute": r.IntN(2) == 0, "order": fmt.Sprintf("A-%d", r.IntN(1e6)), "amount": float64(r.IntN(10000)) / 100}
		}

		if r.IntN(10) == 0 { // no events: the derived fields as a helpdesk reports them
			if r.IntN(2) == 0 {
				c.FirstResponseAt = created.Add(time.Duration(1+r.IntN(600)) * time.Minute)
				c.ResolvedAt = c.FirstResponseAt.Add(time.Duration(r.IntN(3000)) * time.Minute)
				c.FirstResolvedAt = c.ResolvedAt
				c.AgentReplies = 1 + r.IntN(3)
				c.Reopens = r.IntN(2)
			}
			cs[i] = c
			continue
		}

		// customer opens, bot acknowledges, internal note, public reply,
		// maybe escalation, resolution, maybe reopen and a second resolution
		at := created
		next := func(max int) time.Time {
			at = at.Add(time.Duration(1+r.IntN(max)) * time.Minute)
			return at
		}
		ev := []connectors.Event{
			{At: created, Kind: connectors.EventComment, Actor: customer, Role: connectors.RoleCustomer, Public: true},
			{At: created.Add(5 * time.Second), Kind: connectors.EventComment, Actor: "autoreply", Role: connectors.RoleBot, Public: true},
			{At: next(120), Kind: connectors.EventComment, Actor: agent, Role: connectors.RoleAgent},
			{At: next(600), Kind: connectors.EventComment, Actor: agent, Role: connectors.RoleAgent, Public: true},
		}
		if r.IntN(8) == 0 {
			ev = append(ev, connectors.Event{At: next(60), Kind: connectors.EventEscalated, Actor: agent, Role: connectors.RoleAgent, To: "tier2"})
		}
		if r.IntN(6) > 0 {
			ev = append(ev, connectors.Event{At: next(3000), Kind: connectors.EventResolved, Actor: agent, Role: connectors.RoleAgent, From: "open", To: "resolved"})
			if r.IntN(10) == 0 {
				ev = append(ev,
					connectors.Event{At: next(600), Kind: connectors.EventReopened, Actor: customer, Role: connectors.RoleCustomer},
					connectors.Event{At: next(600), Kind: connectors.EventResolved, Actor: agent, Role: connectors.RoleAgent})
			}
		}
		c.Events = ev
		connectors.Derive(ev).Apply(&c)
		switch r.IntN(20) { // explicit values that win over the events
		case 0:
			c.ResolvedAt = time.Time{}
		case 1:
			c.Reopens, c.AgentReplies = 0, 3
		case 2:
			c.Escalated, c.EscalatedAt = false, time.Time{}
		}
		if c.Resolved() && r.IntN(3) == 0 {
			c.CSAT = &connectors.CSAT{Value: float64(1 + r.IntN(5)), Scale: 5, At: c.ResolvedAt.Add(time.Hour), Comment: pick("", "thanks", "slow")}
		}
		cs[i] = c
	}
	return cs
}
