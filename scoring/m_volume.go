package scoring

import (
	"fmt"

	"github.com/kpidesk/kpidesk/connectors"
)

func init() { register(volume{}) }

type volume struct{}

func (volume) Info() Info {
	return Info{ID: "volume", Name: "投诉量", NameEN: "Volume", Value: ValueCount, Cohort: CohortCreated,
		Help: "期间内收到的投诉数。", HelpEN: "Complaints received in the period.", Reference: "000"}
}

func (volume) Evaluate(c *connectors.Complaint, x *Context) Outcome {
	return Outcome{Result: Counted, Reason: reason(x, func() string { return fmt.Sprintf("received %s", c.CreatedAt.UTC().Format("2006-01-02 15:04Z")) })}
}
