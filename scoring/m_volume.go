package scoring

import (
	"github.com/kpidesk/kpidesk/connectors"
	"github.com/kpidesk/kpidesk/internal/reason"
)

func init() { register(volume{}) }

type volume struct{}

func (volume) Info() Info {
	return Info{ID: "volume", Name: "投诉量", NameEN: "Volume", Value: ValueCount, Cohort: CohortCreated, ComplaintCount: true,
		Help: "期间内收到的投诉数。", HelpEN: "Complaints received in the period.", Reference: "000"}
}

func (volume) Evaluate(c *connectors.Complaint, x *Context) Outcome {
	return Outcome{Result: Counted, Reason: because(x, func() reason.Reason { return reason.New(reason.Received, reason.Instant(c.CreatedAt)) })}
}
