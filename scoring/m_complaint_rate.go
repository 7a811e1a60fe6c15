package scoring

import (
	"github.com/kpidesk/kpidesk/config"
	"github.com/kpidesk/kpidesk/connectors"
	"github.com/kpidesk/kpidesk/internal/reason"
	"github.com/kpidesk/kpidesk/scoring/inputs"
)

func init() { register(complaintRate{}) }

// complaintRate is complaints ÷ business volume (SPEC §4; seed 001 客诉率 =
// 投诉量/订单总量). The volume is an input (inputs.volume, "orders" by
// default) per unit and period; each complaint of the period counts in the
// numerator.
type complaintRate struct{}

func (complaintRate) Info() Info {
	return Info{ID: "complaint_rate", Name: "客诉率", NameEN: "Complaint rate", Value: ValueRate, Cohort: CohortCreated, Tally: true,
		Help:      "投诉量 ÷ 业务量（如订单总量，按单位和期间从输入文件读取）。",
		HelpEN:    "Complaints ÷ business volume (such as orders, read per unit and period from an input file).",
		Reference: "001, 003"}
}

// input is the business volume, inputs.volume (verdict.go).
func (complaintRate) input(cfg *config.Config) string { return cfg.Inputs.Volume }

// Evaluate puts every complaint in the numerator; the denominator comes
// from the inputs in finish.
func (complaintRate) Evaluate(c *connectors.Complaint, x *Context) Outcome {
	return hit(x, func() reason.Reason { return reason.New(reason.ComplaintOfPeriod) })
}

// finish divides the period's complaints by the unit's volume for the
// period: the row for the period itself, else the sum of the rows of its
// months (all of them must be there).
func (complaintRate) finish(r *MetricResult, unit Unit, p Period, months []string, in *inputs.Set, volume string) {
	complaints := r.Numerator
	r.Denominator, r.Value = 0, nil
	orders, ok := inputTotal(in, volume, unit.Key(), p.ID, months)
	if !ok || orders <= 0 {
		r.Status = StatusInsufficient
		return
	}
	r.Denominator = round6(orders)
	r.Value = ptr(round6(complaints / orders))
}

// inputTotal returns metric's value for unit in period, or the sum over the
// period's months when every month has one.
func inputTotal(in *inputs.Set, metric, unit, period string, months []string) (float64, bool) {
	if v, ok, _ := in.Value(metric, unit, period, nil); ok {
		return v, true
	}
	if len(months) < 2 {
		return 0, false
	}
	sum := 0.0
	for _, m := range months {
		v, ok, _ := in.Value(metric, unit, m, nil)
		if !ok {
			return 0, false
		}
		sum += v
	}
	return sum, true
}

// finisher is a metric whose value needs more than the complaints: it is
// completed per unit and period after aggregation.
type finisher interface {
	finish(r *MetricResult, unit Unit, p Period, months []string, in *inputs.Set, volume string)
}
