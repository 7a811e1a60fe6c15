package scoring

import (
	"github.com/kpidesk/kpidesk/connectors"
	"github.com/kpidesk/kpidesk/internal/reason"
)

func init() { register(csatResponseRate{}) }

// csatResponseRate is the survey response rate: answered surveys ÷
// complaints resolved in the period (SPEC §13.8; seeds 001, 002: 问卷回收率).
// It says how far csat and csat_positive_rate speak for the resolved
// complaints.
type csatResponseRate struct{}

func (csatResponseRate) Info() Info {
	return Info{ID: "csat_response_rate", Name: "问卷回收率", NameEN: "Survey response rate", Value: ValueRate, Cohort: CohortResolved, Higher: true,
		Help:      "期间内解决的投诉中，客户回答了满意度问卷的占比。",
		HelpEN:    "Share of the complaints resolved in the period whose customer answered the satisfaction survey.",
		Reference: "001, 002"}
}

func (csatResponseRate) Evaluate(c *connectors.Complaint, x *Context) Outcome {
	if !c.Resolved() {
		return excluded(reason.NotResolved)
	}
	if c.CSAT == nil {
		return miss(x, func() reason.Reason { return reason.New(reason.SurveyMissing) })
	}
	return hit(x, func() reason.Reason { return reason.New(reason.SurveyAnswered) })
}
