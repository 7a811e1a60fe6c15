package scoring

import (
	"github.com/kpidesk/kpidesk/connectors"
	"github.com/kpidesk/kpidesk/internal/reason"
)

func init() { register(repeatRate{}) }

type repeatRate struct{}

func (repeatRate) Info() Info {
	return Info{ID: "repeat_rate", Name: "重复投诉率", NameEN: "Repeat complaints", Value: ValueRate, Cohort: CohortCreated,
		Help:      "同一客户在窗口期（默认 30 天）内就同一类别再次投诉的占比。",
		HelpEN:    "Share of complaints whose customer already complained about the same category within the window (default 30 days).",
		Reference: "001, 002"}
}

func (repeatRate) Evaluate(c *connectors.Complaint, x *Context) Outcome {
	if c.Customer == "" {
		return excluded(reason.NoCustomer)
	}
	if x.Repeat {
		return hit(x, func() reason.Reason {
			return reason.New(reason.Repeat, reason.Quoted(c.Category), reason.Text(x.Settings.RepeatWindowText))
		})
	}
	return miss(x, func() reason.Reason {
		return reason.New(reason.NoRepeat, reason.Quoted(c.Category), reason.Text(x.Settings.RepeatWindowText))
	})
}
