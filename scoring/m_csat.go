package scoring

import (
	"math"

	"github.com/kpidesk/kpidesk/connectors"
	"github.com/kpidesk/kpidesk/internal/reason"
)

func init() { register(csat{}) }

type csat struct{}

func (csat) Info() Info {
	return Info{ID: "csat", Name: "投诉处理满意度", NameEN: "CSAT", Value: ValueScore, Cohort: CohortResolved, Higher: true,
		// share_positive and survey_rate are csat's extra keys of scores.json
		// v1, for readers of the schema that predate the metrics
		// csat_positive_rate and csat_response_rate: copies of their values.
		Extra:     map[string]string{"share_positive": "csat_positive_rate", "survey_rate": "csat_response_rate"},
		Help:      "期间内解决的投诉中已回答问卷的平均评分（换算为 0–100，5 分制 × 20）；好评率和问卷回收率见 csat_positive_rate、csat_response_rate。未回答不算 0 分。",
		HelpEN:    "Mean survey rating of the complaints resolved in the period, on 0–100 (5-point × 20); the share of positive ratings and the survey response rate are csat_positive_rate and csat_response_rate. No answer is not a zero.",
		Reference: "001, 002"}
}

func (csat) Evaluate(c *connectors.Complaint, x *Context) Outcome {
	if !c.Resolved() {
		return excluded(reason.NotResolved)
	}
	if c.CSAT == nil {
		return excluded(reason.NoSurveyAnswer)
	}
	return measured(x, c.CSAT.Score(), func() reason.Reason {
		return reason.New(reason.Rated, reason.Number(c.CSAT.Value), reason.Number(c.CSAT.Scale), reason.Int(int(math.RoundToEven(c.CSAT.Score()))))
	})
}
