package demo

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/kpidesk/kpidesk/connectors"
)

// WriteAppeals writes AppealsFile, an appeals file (docs/appeals.md) for
// the demo organization's October 2025 scorecards, about real demo
// complaints: one appeal of each decision kind (exclude, correct,
// override), one rejected and one still at HR's first review, so that the
// demo site shows them all (seed 001's flow). each hands every stored
// complaint to its function, as store.Store.Each does.
func WriteAppeals(w io.Writer, each func(fn func(*connectors.Complaint) error) error) error {
	loc := cst // the demo organization's time zone, Asia/Shanghai
	org := Org()
	byAgent := map[string][]connectors.Complaint{}
	err := each(func(c *connectors.Complaint) error {
		if c.Kind == connectors.KindComplaint && c.CreatedAt.In(loc).Format("2006-01") == "2025-10" && !c.FirstResponseAt.IsZero() {
			byAgent[c.Assignee] = append(byAgent[c.Assignee], *c)
		}
		return nil
	})
	if err != nil {
		return err
	}
	// The first two agents of the organization with three answered
	// complaints that month.
	var agents []Agent
	for _, a := range org.Agents {
		if len(byAgent[a.ID]) >= 3 {
			agents = append(agents, a)
		}
		if len(agents) == 2 {
			break
		}
	}
	if len(agents) < 2 {
		_, err := io.WriteString(w, "[]\n") // too little data for examples
		return err
	}
	a, b := agents[0], agents[1]
	ca, cb := byAgent[a.ID], byAgent[b.ID]
	called := ca[1].CreatedAt.Add(30 * time.Minute).In(loc).Format(time.RFC3339)
	var y strings.Builder
	fmt.Fprintf(&y, `# Appeals against the demo's October 2025 scorecards (docs/appeals.md).
# Written by kpidesk demo from the demo data; seed 001's flow:
# employee appeal → HR first review → data re-check or re-evaluation →
# three-party meeting → agreement, or arbitration by the committee.

- id: A-2025-101
  unit: agent:%[1]s
  period: 2025-10
  complaints: [%[2]s]
  claim: The ticket duplicates another complaint of the same customer about the same order.
  evidence: https://wiki.example.com/appeals/A-2025-101
  filed: 2025-11-03
  stage: closed
  history:
    - {stage: hr_review, date: 2025-11-04, note: procedure compliant}
    - {stage: data_recheck, date: 2025-11-05, note: "same customer, order and text"}
    - {stage: three_party_meeting, date: 2025-11-10}
    - {stage: agreement, date: 2025-11-10}
  decision:
    outcome: accepted
    by: three_party_meeting
    date: 2025-11-10
    reason: A duplicate of a complaint already counted is not a second complaint.
    changes:
      - exclude: %[2]s

- id: A-2025-102
  unit: agent:%[1]s
  period: 2025-10
  scorecard: seed001
  metric: first_response_time
  complaints: [%[3]s]
  claim: The customer was called back within half an hour; the helpdesk did not record the call.
  evidence: https://wiki.example.com/appeals/A-2025-102
  filed: 2025-11-03
  stage: agreement
  history:
    - {stage: hr_review, date: 2025-11-05, note: procedure compliant}
    - {stage: data_recheck, date: 2025-11-06, note: the call log shows the call}
    - {stage: three_party_meeting, date: 2025-11-12}
  decision:
    outcome: accepted
    by: three_party_meeting
    date: 2025-11-12
    reason: The call log is an objective source; the first response is the call.
    changes:
      - correct: {complaint: %[3]s, field: first_response_at, value: "%[4]s"}

- id: A-2025-103
  unit: agent:%[5]s
  period: 2025-10
  scorecard: seed001
  metric: csat
  claim: The survey tool sent surveys only after escalations in mid-October, so CSAT rests on the hardest cases.
  filed: 2025-11-04
  stage: arbitration
  history:
    - {stage: hr_review, date: 2025-11-05, note: procedure not compliant}
    - {stage: reevaluation, date: 2025-11-07}
    - {stage: three_party_meeting, date: 2025-11-14, note: no agreement}
  decision:
    outcome: partially_accepted
    by: committee
    date: 2025-11-20
    reason: The sample was biased for five days of the month; the committee sets the points between the two readings.
    changes:
      - override_points: 85

- id: A-2025-104
  unit: agent:%[5]s
  period: 2025-10
  scorecard: seed001
  metric: escalation_rate
  complaints: [%[6]s]
  claim: The escalation was the customer's own choice, not a failure to handle.
  filed: 2025-11-04
  stage: closed
  history:
    - {stage: hr_review, date: 2025-11-05, note: procedure compliant}
    - {stage: data_recheck, date: 2025-11-06}
    - {stage: three_party_meeting, date: 2025-11-10}
    - {stage: agreement, date: 2025-11-10}
  decision:
    outcome: rejected
    by: three_party_meeting
    date: 2025-11-10
    reason: The escalation rule counts every escalation, whoever asked for it; the scorecard is right.

- id: A-2025-105
  unit: agent:%[1]s
  period: 2025-10
  scorecard: seed001
  metric: ftr_rate
  complaints: [%[7]s]
  claim: The reopen was the customer's second question, not the first one unresolved.
  filed: 2025-11-20
  stage: hr_review
  history:
    - {stage: hr_review, date: 2025-11-21}
`, a.ID, ca[0].ID, ca[1].ID, called, b.ID, cb[0].ID, ca[2].ID)
	_, err = io.WriteString(w, y.String())
	return err
}
