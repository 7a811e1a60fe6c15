package scoring

import (
	"github.com/kpidesk/kpidesk/connectors"
	"github.com/kpidesk/kpidesk/internal/reason"
)

func init() { register(resolutionRate{}) }

type resolutionRate struct{}

func (resolutionRate) Info() Info {
	return Info{ID: "resolution_rate", Name: "解决率", NameEN: "Resolution rate", Value: ValueRate, Cohort: CohortCreated, Higher: true,
		Help:      "期间内收到的投诉中，截至评估时点已解决的占比。",
		HelpEN:    "Share of the period's complaints resolved by the evaluation instant.",
		Reference: "000"}
}

func (resolutionRate) Evaluate(c *connectors.Complaint, x *Context) Outcome {
	if c.Resolved() {
		return hit(x, func() reason.Reason { return reason.New(reason.ResolvedAt, reason.Instant(c.ResolvedAt)) })
	}
	return miss(x, func() reason.Reason { return reason.New(reason.StillOpenAt, reason.Instant(x.AsOf)) })
}
