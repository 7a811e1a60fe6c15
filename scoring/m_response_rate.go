package scoring

import "github.com/kpidesk/kpidesk/connectors"

func init() { register(responseRate{}) }

type responseRate struct{}

func (responseRate) Info() Info {
	return Info{ID: "response_rate", Needs: pauses, Name: "及时响应率", NameEN: "Response rate", Value: ValueRate, Cohort: CohortCreated, Higher: true,
		Help:      "在响应时限内得到坐席首次公开答复的投诉占比；仍在时限内未答复的不计入。",
		HelpEN:    "Share of complaints whose first public agent reply came within the response deadline; those still inside it are not counted yet.",
		Reference: "000"}
}

// Evaluate judges the first public agent reply against the response
// deadline on the team calendar, or takes the source's SLA verdict
// (metrics.response_rate.sla: source; sla.go).
func (responseRate) Evaluate(c *connectors.Complaint, x *Context) Outcome {
	return judgeDeadlineSLA(c, x, c.FirstResponseAt, x.Settings.Response, x.Settings.ResponseSLA, "answered")
}

func (responseRate) slaChoice(s *Settings) SLAChoice { return s.ResponseSLA }

func (responseRate) slaVerdicts(c *connectors.Complaint, x *Context) slaPair {
	return bothVerdicts(c, x, c.FirstResponseAt, x.Settings.Response, x.Settings.ResponseSLA)
}
