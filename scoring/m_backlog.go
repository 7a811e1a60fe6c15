package scoring

import (
	"time"

	"github.com/kpidesk/kpidesk/connectors"
)

func init() { register(backlog{}) }

// backlog is a snapshot metric: a complaint counts at every month end it
// was still open (SPEC §13.10). The aggregator asks it for the deadline
// through snapshotter and walks the months itself; Evaluate only says, for
// the evidence, whether the complaint is ever in a backlog.
type backlog struct{}

func (backlog) Info() Info {
	return Info{ID: "backlog", Needs: pauses, Name: "积压量", NameEN: "Backlog", Value: ValueCount, Cohort: CohortSnapshot,
		Help:      "期末（下一期开始的时刻，或评估时点）仍未解决的投诉数；分子为其中已超过解决时限的投诉。",
		HelpEN:    "Complaints still open at the end of the period (the first instant of the next one, or the evaluation instant); the numerator counts those past their resolution deadline.",
		Reference: "000"}
}

func (backlog) Evaluate(c *connectors.Complaint, x *Context) Outcome {
	return Outcome{Result: Counted}
}

// past reports whether c is past its resolution deadline at a snapshot.
func (backlog) past(c *connectors.Complaint, x *Context, at time.Time) bool {
	return pastDeadline(c, x, at)
}

// snapshotter is a metric whose complaints count at period ends.
type snapshotter interface {
	past(c *connectors.Complaint, x *Context, at time.Time) bool
}
