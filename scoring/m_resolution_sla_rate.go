package scoring

import "github.com/kpidesk/kpidesk/connectors"

func init() { register(resolutionSLARate{}) }

type resolutionSLARate struct{}

func (resolutionSLARate) Info() Info {
	return Info{ID: "resolution_sla_rate", Needs: pauses, Name: "按时解决率", NameEN: "Resolution within deadline", Value: ValueRate, Cohort: CohortCreated, Higher: true,
		Help:      "在解决时限内（默认 3 个工作日，紧急 24 小时）解决的投诉占比；仍在时限内未解决的不计入。",
		HelpEN:    "Share resolved within the resolution deadline (default 3 working days, urgent 24 h); those still inside it are not counted yet.",
		Reference: "000"}
}

// Evaluate judges the final resolution against the resolution deadline on
// the team calendar, or takes the source's SLA verdict
// (metrics.resolution_sla_rate.sla: source; sla.go).
func (resolutionSLARate) Evaluate(c *connectors.Complaint, x *Context) Outcome {
	return judgeDeadlineSLA(c, x, c.ResolvedAt, x.Settings.Resolution, x.Settings.ResolutionSLA, "resolved")
}

func (resolutionSLARate) slaChoice(s *Settings) SLAChoice { return s.ResolutionSLA }

func (resolutionSLARate) slaVerdicts(c *connectors.Complaint, x *Context) slaPair {
	return bothVerdicts(c, x, c.ResolvedAt, x.Settings.Resolution, x.Settings.ResolutionSLA)
}
