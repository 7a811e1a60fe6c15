package scoring

import (
	"github.com/kpidesk/kpidesk/connectors"
	"github.com/kpidesk/kpidesk/internal/reason"
)

func init() { register(ftrRate{}) }

type ftrRate struct{}

func (ftrRate) Info() Info {
	return Info{ID: "ftr_rate", Name: "首次解决率", NameEN: "First-contact resolution", Value: ValueRate, Cohort: CohortResolved, Higher: true,
		Help:      "期间内解决的投诉中，坐席公开答复不超过 1 次即解决且从未重开的占比（阈值可配置）。",
		HelpEN:    "Share of the complaints resolved in the period that took at most one public agent reply and were never reopened (thresholds in config).",
		Reference: "001"}
}

func (ftrRate) Evaluate(c *connectors.Complaint, x *Context) Outcome {
	if !c.Resolved() {
		return excluded(reason.NotResolved)
	}
	maxReplies, maxReopens := x.Settings.MaxReplies, x.Settings.MaxReopens
	if c.AgentReplies <= maxReplies && c.Reopens <= maxReopens {
		return hit(x, func() reason.Reason {
			return reason.New(reason.FirstContact, reason.Int(c.AgentReplies), reason.Int(c.Reopens))
		})
	}
	return miss(x, func() reason.Reason {
		return reason.New(reason.NotFirstContact, reason.Int(c.AgentReplies), reason.Int(maxReplies), reason.Int(c.Reopens), reason.Int(maxReopens))
	})
}
