package scoring

import (
	"github.com/kpidesk/kpidesk/connectors"
	"github.com/kpidesk/kpidesk/internal/reason"
)

func init() { register(reopenRate{}) }

type reopenRate struct{}

func (reopenRate) Info() Info {
	return Info{ID: "reopen_rate", Name: "重开率", NameEN: "Reopen rate", Value: ValueRate, Cohort: CohortResolved,
		Help:   "期间内解决的投诉中曾被重新打开的占比。",
		HelpEN: "Share of the complaints resolved in the period that were reopened at least once."}
}

func (reopenRate) Evaluate(c *connectors.Complaint, x *Context) Outcome {
	if !c.Resolved() {
		return excluded(reason.NotResolved)
	}
	if c.Reopens > 0 {
		return hit(x, func() reason.Reason { return reason.New(reason.Reopened, reason.Int(c.Reopens)) })
	}
	return miss(x, func() reason.Reason { return reason.New(reason.NeverReopened) })
}
