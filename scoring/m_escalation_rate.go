package scoring

import (
	"slices"
	"strings"

	"github.com/kpidesk/kpidesk/config"
	"github.com/kpidesk/kpidesk/connectors"
	"github.com/kpidesk/kpidesk/internal/reason"
)

func init() { register(escalationRate{}) }

type escalationRate struct{}

func (escalationRate) Info() Info {
	return Info{ID: "escalation_rate", Name: "升级率", NameEN: "Escalation rate", Value: ValueRate, Cohort: CohortCreated,
		Help:      "需转交高级客服或主管的投诉占比；哪些情形算“升级”由配置决定（升级事件、标签、优先级上调、转交升级团队）。",
		HelpEN:    "Share of complaints escalated to a higher tier; what counts as escalated is config (escalation event, label, priority increase, transfer to an escalation team).",
		Reference: "001, 003", Needs: Needs{Under: escalationNeeds}}
}

// escalationNeeds: escalation by label or by a priority increase reads the
// events.
func escalationNeeds(cfg *config.Config) Needs {
	for _, by := range cfg.Metrics.Escalation.By {
		if strings.HasPrefix(by, "label:") || by == "priority_increase" {
			return Needs{Events: true}
		}
	}
	return Needs{}
}

func (escalationRate) Evaluate(c *connectors.Complaint, x *Context) Outcome {
	for _, by := range x.Settings.EscalationBy {
		if code, a1, a2 := escalatedBy(c, x.Team, by); code != reason.None {
			return hit(x, func() reason.Reason {
				switch code {
				case reason.EscalatedEvent:
					return reason.New(code)
				case reason.EscalatedPriority:
					return reason.New(code, reason.Text(a1), reason.Text(a2))
				}
				return reason.New(code, reason.Text(a1))
			})
		}
	}
	return miss(x, func() reason.Reason {
		return reason.New(reason.NotEscalated, reason.List(x.Settings.EscalationBy...))
	})
}

var priorityRank = map[string]int{connectors.PriorityLow: 1, connectors.PriorityNormal: 2, connectors.PriorityHigh: 3, connectors.PriorityUrgent: 4}

// escalatedBy says why c counts as escalated under one definition: the
// reason's code (None when it does not) and its text arguments, which only
// an explanation puts together.
func escalatedBy(c *connectors.Complaint, team, by string) (code reason.Code, a1, a2 string) {
	kind, arg, _ := strings.Cut(by, ":")
	switch kind {
	case "event":
		if c.Escalated {
			return reason.EscalatedEvent, "", ""
		}
	case "label":
		if slices.Contains(c.Labels, arg) {
			return reason.EscalatedLabel, arg, ""
		}
		for _, e := range c.Events {
			if e.Kind == connectors.EventLabel && e.To == arg {
				return reason.EscalatedLabel, arg, ""
			}
		}
	case "team":
		if team == arg {
			return reason.EscalatedTeam, arg, ""
		}
	case "priority_increase":
		for _, e := range c.Events {
			if e.Kind == connectors.EventPriority && priorityRank[e.To] > priorityRank[e.From] && priorityRank[e.From] > 0 {
				return reason.EscalatedPriority, e.From, e.To
			}
		}
	}
	return reason.None, "", ""
}
