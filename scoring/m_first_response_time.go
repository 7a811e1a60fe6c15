package scoring

import (
	"github.com/kpidesk/kpidesk/connectors"
	"github.com/kpidesk/kpidesk/internal/reason"
)

func init() { register(firstResponseTime{}) }

type firstResponseTime struct{}

func (firstResponseTime) Info() Info {
	return Info{ID: "first_response_time", Needs: pauses, Name: "平均响应时间", NameEN: "First response time", Value: ValueDuration, Cohort: CohortCreated, Wall: true,
		Help:      "从收到投诉到坐席首次公开答复的工作时间（均值、中位数、P90）；机器人和内部备注不算答复，尚未答复的不计入。",
		HelpEN:    "Business time from receipt to the first public agent reply (mean, median, p90); bots and internal notes are not replies, unanswered complaints are left out.",
		Reference: "001, 002"}
}

func (firstResponseTime) Evaluate(c *connectors.Complaint, x *Context) Outcome {
	if c.FirstResponseAt.IsZero() {
		return excluded(reason.NoReply)
	}
	d := duration(x, c.CreatedAt, c.FirstResponseAt)
	return measuredSpan(x, d, c.CreatedAt, c.FirstResponseAt, func() reason.Reason {
		return reason.New(reason.FirstResponse, reason.Duration(d, false), reason.Term(x.Settings.clock()),
			reason.Duration(c.FirstResponseAt.Sub(c.CreatedAt), false))
	})
}
