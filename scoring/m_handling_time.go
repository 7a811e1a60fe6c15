package scoring

import (
	"github.com/kpidesk/kpidesk/connectors"
	"github.com/kpidesk/kpidesk/internal/reason"
)

func init() { register(handlingTime{}) }

type handlingTime struct{}

func (handlingTime) Info() Info {
	return Info{ID: "handling_time", Needs: pauses, Name: "平均处理时长", NameEN: "Handling time", Value: ValueDuration, Cohort: CohortResolved, Wall: true,
		Help:      "期间内解决的投诉从收到到最终解决的工作时间（均值、中位数、P90）。",
		HelpEN:    "Business time from receipt to final resolution of the complaints resolved in the period (mean, median, p90).",
		Reference: "000, 001"}
}

func (handlingTime) Evaluate(c *connectors.Complaint, x *Context) Outcome {
	if !c.Resolved() {
		return excluded(reason.NotResolved)
	}
	d := duration(x, c.CreatedAt, c.ResolvedAt)
	return measuredSpan(x, d, c.CreatedAt, c.ResolvedAt, func() reason.Reason {
		return reason.New(reason.Handled, reason.Duration(d, false), reason.Term(x.Settings.clock()),
			reason.Duration(c.ResolvedAt.Sub(c.CreatedAt), false))
	})
}
