package scoring

import (
	"fmt"

	"github.com/kpidesk/kpidesk/connectors"
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
		return excluded("no customer identity")
	}
	if x.Repeat {
		return hit(x, func() string {
			return fmt.Sprintf("the customer complained about %q within the last %s", c.Category, x.Config.Metrics.Repeat.Window)
		})
	}
	return miss(x, func() string {
		return fmt.Sprintf("no earlier complaint about %q from this customer within %s", c.Category, x.Config.Metrics.Repeat.Window)
	})
}
