package scoring

import (
	"fmt"
	"slices"
	"strings"

	"github.com/kpidesk/kpidesk/connectors"
)

func init() { register(escalationRate{}) }

type escalationRate struct{}

func (escalationRate) Info() Info {
	return Info{ID: "escalation_rate", Name: "升级率", NameEN: "Escalation rate", Value: ValueRate, Cohort: CohortCreated,
		Help:      "需转交高级客服或主管的投诉占比；哪些情形算“升级”由配置决定（升级事件、标签、优先级上调、转交升级团队）。",
		HelpEN:    "Share of complaints escalated to a higher tier; what counts as escalated is config (escalation event, label, priority increase, transfer to an escalation team).",
		Reference: "001, 003"}
}

func (escalationRate) Evaluate(c *connectors.Complaint, x *Context) Outcome {
	for _, by := range x.Config.Metrics.Escalation.By {
		if why := escalatedBy(c, x.Team, by); why != "" {
			return hit(x, func() string { return "escalated: " + why })
		}
	}
	return miss(x, func() string {
		return fmt.Sprintf("not escalated by %s", strings.Join(x.Config.Metrics.Escalation.By, ", "))
	})
}

var priorityRank = map[string]int{connectors.PriorityLow: 1, connectors.PriorityNormal: 2, connectors.PriorityHigh: 3, connectors.PriorityUrgent: 4}

// escalatedBy says why c counts as escalated under one definition, or "".
func escalatedBy(c *connectors.Complaint, team, by string) string {
	kind, arg, _ := strings.Cut(by, ":")
	switch kind {
	case "event":
		if c.Escalated {
			return "escalation event"
		}
	case "label":
		if slices.Contains(c.Labels, arg) {
			return "label " + arg
		}
		for _, e := range c.Events {
			if e.Kind == connectors.EventLabel && e.To == arg {
				return "label " + arg
			}
		}
	case "team":
		if team == arg {
			return "owned by team " + arg
		}
	case "priority_increase":
		for _, e := range c.Events {
			if e.Kind == connectors.EventPriority && priorityRank[e.To] > priorityRank[e.From] && priorityRank[e.From] > 0 {
				return "priority raised from " + e.From + " to " + e.To
			}
		}
	}
	return ""
}
