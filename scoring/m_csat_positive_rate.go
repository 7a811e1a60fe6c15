package scoring

import (
	"github.com/kpidesk/kpidesk/connectors"
	"github.com/kpidesk/kpidesk/internal/reason"
)

func init() { register(csatPositiveRate{}) }

// positiveShare is the least rating, as a share of its scale, that counts
// as positive: 4 of 5 (SPEC §13.8), and on any other scale the ratings at
// or above 80 % of it (8 of 10, 6 and 7 of 7, only 3 of 3). It is the
// same cut as csat's score of 80 on 0–100.
const positiveShare = 0.8

// csatPositiveRate is the share of positive survey ratings among the
// answered surveys of the complaints resolved in the period (SPEC §13.8;
// seeds 001, 002: 满意度 4–5 分占比). No answer is not a rating: it counts
// in csat_response_rate, not here.
type csatPositiveRate struct{}

func (csatPositiveRate) Info() Info {
	return Info{ID: "csat_positive_rate", Name: "满意度好评率", NameEN: "CSAT positive share", Value: ValueRate, Cohort: CohortResolved, Higher: true,
		Help:      "期间内解决的投诉中已回答问卷的评分为好评（5 分制 4–5 分，其他分制不低于满分的 80%）的占比。未回答不计入。",
		HelpEN:    "Share of positive ratings (4–5 on a 5-point scale, on other scales at least 80 % of the scale) among the answered surveys of the complaints resolved in the period. No answer is not counted.",
		Reference: "001, 002"}
}

func (csatPositiveRate) Evaluate(c *connectors.Complaint, x *Context) Outcome {
	if !c.Resolved() {
		return excluded(reason.NotResolved)
	}
	if c.CSAT == nil {
		return excluded(reason.NoSurveyAnswer)
	}
	if positive(c.CSAT) {
		return hit(x, func() reason.Reason {
			return reason.New(reason.RatedPositive, reason.Number(c.CSAT.Value), reason.Number(c.CSAT.Scale))
		})
	}
	return miss(x, func() reason.Reason {
		return reason.New(reason.RatedNotPositive, reason.Number(c.CSAT.Value), reason.Number(c.CSAT.Scale), reason.Number(positiveShare*c.CSAT.Scale))
	})
}

// positive reports whether a rating is at least PositiveShare of its
// scale; the tolerance keeps 4 of 5 (0.8 in binary) positive. A survey
// without a scale scores 0 in csat and is not positive.
func positive(s *connectors.CSAT) bool {
	return s.Scale > 0 && s.Value >= positiveShare*s.Scale-1e-9*s.Scale
}
