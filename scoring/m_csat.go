package scoring

import (
	"fmt"

	"github.com/kpidesk/kpidesk/connectors"
)

func init() { register(csat{}) }

type csat struct{}

func (csat) Info() Info {
	return Info{ID: "csat", Name: "投诉处理满意度", NameEN: "CSAT", Value: ValueScore, Cohort: CohortResolved, Higher: true,
		Help:      "期间内解决的投诉中已回答问卷的平均评分（换算为 0–100，5 分制 × 20）；另报 4–5 分占比和问卷回收率。未回答不算 0 分。",
		HelpEN:    "Mean survey rating of the complaints resolved in the period, on 0–100 (5-point × 20); also the share of 4–5 ratings and the survey response rate. No answer is not a zero.",
		Reference: "001, 002"}
}

func (csat) Evaluate(c *connectors.Complaint, x *Context) Outcome {
	if !c.Resolved() {
		return excluded("not resolved")
	}
	if c.CSAT == nil {
		return excluded("no survey answer")
	}
	return measured(x, c.CSAT.Score(), func() string {
		return fmt.Sprintf("rated %g of %g → %.0f", c.CSAT.Value, c.CSAT.Scale, c.CSAT.Score())
	})
}
