package appeals_test

import (
	"errors"
	"io/fs"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/kpidesk/kpidesk/scoring/appeals"
)

func day(s string) time.Time {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return d
}

func points(f float64) *float64 { return &f }

// demo is testdata/appeals.yaml as Load must read it: one appeal of each
// kind of change, one rejected and one in progress.
var demo = &appeals.File{
	Path: "testdata/appeals.yaml",
	Appeals: []appeals.Appeal{
		{
			ID: "A-2025-007", Unit: "agent:zhang.wei", Period: "2025-10",
			Complaints: []string{"demo:004787"},
			Claim:      "demo:004787 is a duplicate: the customer wrote again on the portal about the order already handled in demo:004770, which was answered in time.",
			Evidence:   "https://wiki.example.com/appeals/A-2025-007",
			Filed:      day("2025-11-03"),
			Stage:      appeals.StageClosed,
			History: []appeals.Step{
				{Stage: "hr_review", Date: day("2025-11-04"), Note: "procedure compliant"},
				{Stage: "data_recheck", Date: day("2025-11-05"), Note: "same customer, order and text as demo:004770"},
				{Stage: "three_party_meeting", Date: day("2025-11-10")},
				{Stage: "agreement", Date: day("2025-11-10")},
			},
			Decision: &appeals.Decision{
				Outcome: appeals.Accepted, By: appeals.ByThreePartyMeeting, Date: day("2025-11-10"),
				Reason:  "A duplicate of a complaint already counted is not a second complaint.",
				Changes: []appeals.Change{{Exclude: "demo:004787", Line: 26}},
			},
			Line: 5,
		},
		{
			ID: "A-2025-008", Unit: "agent:zhang.wei", Period: "2025-10", Scorecard: "seed001", Metric: "first_response_time",
			Complaints: []string{"demo:004977"},
			Claim:      "The customer was called back at 10:00 on 8 October; the helpdesk shows only the e-mail of the next day.",
			Evidence:   "https://wiki.example.com/appeals/A-2025-008",
			Filed:      day("2025-11-03"),
			Stage:      appeals.StageAgreement,
			History: []appeals.Step{
				{Stage: "hr_review", Date: day("2025-11-05"), Note: "procedure compliant"},
				{Stage: "data_recheck", Date: day("2025-11-06"), Note: "the call log shows the call at 10:00"},
				{Stage: "three_party_meeting", Date: day("2025-11-12")},
			},
			Decision: &appeals.Decision{
				Outcome: appeals.Accepted, By: appeals.ByThreePartyMeeting, Date: day("2025-11-12"),
				Reason: "The call log is an objective source; the first response is the call.",
				Changes: []appeals.Change{{
					Correct: &appeals.Correction{Complaint: "demo:004977", Field: "first_response_at", Value: time.Date(2025, 10, 8, 2, 0, 0, 0, time.UTC)},
					Line:    49,
				}},
			},
			Line: 29,
		},
		{
			ID: "A-2025-009", Unit: "team:care-east", Period: "2025-10", Scorecard: "seed001", Metric: "csat",
			Claim: "From 13 to 17 October the survey tool sent surveys only after escalations, so the month's CSAT rests on the hardest cases. We ask for full points.",
			Filed: day("2025-11-03"),
			Stage: appeals.StageArbitration,
			History: []appeals.Step{
				{Stage: "hr_review", Date: day("2025-11-04"), Note: "procedure not compliant: the outage was not reported to the team"},
				{Stage: "reevaluation", Date: day("2025-11-07")},
				{Stage: "three_party_meeting", Date: day("2025-11-14"), Note: "no agreement on the points"},
				{Stage: "arbitration", Date: day("2025-11-20")},
			},
			Decision: &appeals.Decision{
				Outcome: appeals.PartiallyAccepted, By: appeals.ByCommittee, Date: day("2025-11-21"),
				Reason:  "The sample is biased, but the ratings received are genuine; 85 points instead of the 100 asked for.",
				Changes: []appeals.Change{{OverridePoints: points(85), Line: 73}},
			},
			Line: 52,
		},
		{
			ID: "A-2025-010", Unit: "agent:li.na", Period: "2025-10", Metric: "resolution_sla_rate",
			Complaints: []string{"demo:005102"},
			Claim:      "The customer did not answer for three days; that time should not count against the deadline.",
			Filed:      day("2025-11-04"),
			Stage:      appeals.StageClosed,
			History: []appeals.Step{
				{Stage: "hr_review", Date: day("2025-11-05"), Note: "procedure compliant"},
				{Stage: "data_recheck", Date: day("2025-11-06")},
				{Stage: "three_party_meeting", Date: day("2025-11-13")},
				{Stage: "agreement", Date: day("2025-11-13")},
			},
			Decision: &appeals.Decision{
				Outcome: appeals.Rejected, By: appeals.ByThreePartyMeeting, Date: day("2025-11-13"),
				Reason: "The SLA already pauses while the ticket waits for the customer; the deadline was missed on our side.",
			},
			Line: 76,
		},
		{
			ID: "A-2025-011", Unit: "agent:li.na", Period: "2025-10", Metric: "ftr_rate",
			Complaints: []string{"demo:005230", "demo:005231"},
			Claim:      "demo:005231 is the customer's follow-up question, not a reopen of demo:005230.",
			Filed:      day("2025-11-14"),
			Stage:      appeals.StageHRReview,
			History: []appeals.Step{
				{Stage: "filed", Date: day("2025-11-14")},
				{Stage: "hr_review", Date: day("2025-11-17"), Note: "received"},
			},
			Line: 96,
		},
	},
}

func TestLoad(t *testing.T) {
	f, err := appeals.Load("testdata/appeals.yaml")
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if diff := cmp.Diff(demo, f); diff != "" {
		t.Errorf("Load (-want +got):\n%s", diff)
	}
}

func TestLoadMissingFile(t *testing.T) {
	_, err := appeals.Load("testdata/none.yaml")
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Load(none.yaml) = %v, want an error wrapping fs.ErrNotExist", err)
	}
}

func TestApplied(t *testing.T) {
	f, err := appeals.Load("testdata/appeals.yaml")
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	wantEx := map[string][]appeals.Exclusion{
		"demo:004787": {{AppealID: "A-2025-007", Unit: "agent:zhang.wei", Period: "2025-10"}},
	}
	if diff := cmp.Diff(wantEx, f.Exclusions()); diff != "" {
		t.Errorf("Exclusions (-want +got):\n%s", diff)
	}
	wantCo := []appeals.AppliedCorrection{{
		AppealID: "A-2025-008", Unit: "agent:zhang.wei", Period: "2025-10",
		Correction: appeals.Correction{Complaint: "demo:004977", Field: "first_response_at", Value: time.Date(2025, 10, 8, 2, 0, 0, 0, time.UTC)},
	}}
	if diff := cmp.Diff(wantCo, f.Corrections()); diff != "" {
		t.Errorf("Corrections (-want +got):\n%s", diff)
	}
	wantOv := []appeals.Override{{AppealID: "A-2025-009", Unit: "team:care-east", Period: "2025-10", Scorecard: "seed001", Metric: "csat", Points: 85}}
	if diff := cmp.Diff(wantOv, f.Overrides()); diff != "" {
		t.Errorf("Overrides (-want +got):\n%s", diff)
	}
	a, ok := f.Lookup("A-2025-010")
	if !ok || a.Decision.Applies() {
		t.Errorf("Lookup(A-2025-010) = %v, %v; want the rejected appeal", a, ok)
	}
	if _, ok := f.Lookup("A-0"); ok {
		t.Error("Lookup(A-0) found an appeal")
	}
}

// head is an appeal's first five lines; cases add stage and the rest from
// line 6.
const head = `- id: A-1
  unit: agent:a
  period: 2025-10
  claim: c
  filed: 2025-11-03
`

// accepted is an appeal decided by the three-party meeting, with complaint
// demo:1, whose changes key is on line 13 and first change on line 14.
func accepted(changes string) string {
	return head + `  stage: agreement
  complaints: [demo:1]
  decision:
    outcome: accepted
    by: three_party_meeting
    date: 2025-11-10
    reason: r
    changes:
` + changes
}

// appeal is a decided appeal on one line with its own id, unit, metric and
// changes, for checks across appeals.
func appeal(id, unit, extra, changes string) string {
	return "- {id: " + id + ", unit: " + unit + ", period: 2025-10, " + extra + "claim: c, filed: 2025-11-03, stage: agreement, " +
		"decision: {outcome: accepted, by: three_party_meeting, date: 2025-11-10, reason: r, changes: [" + changes + "]}}\n"
}

func TestParse(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want []appeals.Appeal
	}{
		{name: "empty file", yaml: "", want: nil},
		{name: "comments only", yaml: "# no appeals yet\n", want: nil},
		{
			name: "org unit, quarter, repeated stage, csat removed, integer and bool values",
			yaml: `- id: A-1
  unit: org
  period: 2025-Q4
  complaints: ["github:owner/repo#45", "jira:SD-123"]
  claim: c
  filed: 2025-11-03
  stage: closed
  history:
    - {stage: three_party_meeting, date: 2025-11-04}
    - {stage: three_party_meeting, date: 2025-11-05, note: second meeting}
    - {stage: agreement, date: 2025-11-05}
  decision:
    outcome: partially_accepted
    by: three_party_meeting
    date: 2025-11-05
    reason: r
    changes:
      - correct: {complaint: "jira:SD-123", field: csat, value: null}
      - correct: {complaint: "github:owner/repo#45", field: reopens, value: 0}
      - correct: {complaint: "github:owner/repo#45", field: escalated, value: false}
      - correct: {complaint: "github:owner/repo#45", field: priority, value: high}
      - correct: {complaint: "github:owner/repo#45", field: csat, value: 4.5}
`,
			want: []appeals.Appeal{{
				ID: "A-1", Unit: "org:org", Period: "2025-Q4", Complaints: []string{"github:owner/repo#45", "jira:SD-123"},
				Claim: "c", Filed: day("2025-11-03"), Stage: "closed",
				History: []appeals.Step{
					{Stage: "three_party_meeting", Date: day("2025-11-04")},
					{Stage: "three_party_meeting", Date: day("2025-11-05"), Note: "second meeting"},
					{Stage: "agreement", Date: day("2025-11-05")},
				},
				Decision: &appeals.Decision{
					Outcome: "partially_accepted", By: "three_party_meeting", Date: day("2025-11-05"), Reason: "r",
					Changes: []appeals.Change{
						{Correct: &appeals.Correction{Complaint: "jira:SD-123", Field: "csat", Value: nil}, Line: 18},
						{Correct: &appeals.Correction{Complaint: "github:owner/repo#45", Field: "reopens", Value: 0}, Line: 19},
						{Correct: &appeals.Correction{Complaint: "github:owner/repo#45", Field: "escalated", Value: false}, Line: 20},
						{Correct: &appeals.Correction{Complaint: "github:owner/repo#45", Field: "priority", Value: "high"}, Line: 21},
						{Correct: &appeals.Correction{Complaint: "github:owner/repo#45", Field: "csat", Value: 4.5}, Line: 22},
					},
				},
				Line: 1,
			}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, err := appeals.Parse([]byte(tc.yaml), "f.yaml")
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if diff := cmp.Diff(tc.want, f.Appeals); diff != "" {
				t.Errorf("Parse (-want +got):\n%s", diff)
			}
		})
	}
}

// TestNoConflict covers appeals that look alike but do not contradict
// each other.
func TestNoConflict(t *testing.T) {
	tests := []struct {
		name string
		yaml string
	}{
		{
			name: "overrides of different metrics, scorecards, units or periods",
			yaml: appeal("A-1", "agent:a", "scorecard: s1, metric: csat, ", "override_points: 80") +
				appeal("A-2", "agent:a", "scorecard: s2, metric: csat, ", "override_points: 70") +
				appeal("A-3", "agent:a", "scorecard: s1, metric: ftr_rate, ", "override_points: 70") +
				appeal("A-4", "agent:b", "scorecard: s1, metric: csat, ", "override_points: 70"),
		},
		{
			name: "an override rejected or in progress",
			yaml: appeal("A-1", "agent:a", "metric: csat, ", "override_points: 80") +
				"- {id: A-2, unit: agent:a, period: 2025-10, metric: csat, claim: c, filed: 2025-11-03, stage: agreement, " +
				"decision: {outcome: rejected, by: three_party_meeting, date: 2025-11-10, reason: r}}\n" +
				"- {id: A-3, unit: agent:a, period: 2025-10, metric: csat, claim: c, filed: 2025-11-03, stage: hr_review}\n",
		},
		{
			name: "the same correction twice, with the same instant in two offsets",
			yaml: appeal("A-1", "agent:a", "complaints: [demo:1], ", `correct: {complaint: demo:1, field: resolved_at, value: "2025-10-08T10:00:00+08:00"}`) +
				appeal("A-2", "team:t", "complaints: [demo:1], ", `correct: {complaint: demo:1, field: resolved_at, value: "2025-10-08T02:00:00Z"}`),
		},
		{
			name: "two appeals excluding one complaint",
			yaml: appeal("A-1", "agent:a", "complaints: [demo:1], ", "exclude: demo:1") +
				appeal("A-2", "team:t", "complaints: [demo:1], metric: csat, ", "exclude: demo:1"),
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := appeals.Parse([]byte(tc.yaml), "f.yaml"); err != nil {
				t.Errorf("Parse:\n%v", err)
			}
		})
	}
}

func TestProblems(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want []string
	}{
		{
			name: "YAML syntax",
			yaml: "- id: [a\n",
			want: []string{"f.yaml:1: (yaml): did not find expected ',' or ']'"},
		},
		{
			name: "not a list",
			yaml: "id: A-1\n",
			want: []string{`f.yaml:1: (file): want a list of appeals, each starting with "- id: "`},
		},
		{
			name: "second document",
			yaml: head + "  stage: filed\n---\n- id: A-2\n",
			want: []string{"f.yaml:7: (yaml): a second document: list every appeal in one"},
		},
		{
			name: "an appeal that is not a mapping",
			yaml: "- hello\n",
			want: []string{`f.yaml:1: (appeal): want a mapping (id: …, unit: …, period: …), got "hello"`},
		},
		{
			name: "missing id, unit, period, claim, filed and stage",
			yaml: "- {scorecard: seed001}\n",
			want: []string{
				"f.yaml:1: id: missing (every appeal needs a unique id such as A-2025-007)",
				"f.yaml:1: unit: missing (want org, department:ID, team:ID or agent:ID)",
				"f.yaml:1: period: missing (want 2025-10, 2025-Q4, 2025-H2 or 2025)",
				"f.yaml:1: claim: missing (what the employee says is wrong, in a sentence or two)",
				"f.yaml:1: filed: missing (want a date such as 2025-11-03)",
				"f.yaml:1: stage: missing (want one of filed, hr_review, data_recheck, reevaluation, three_party_meeting, agreement, arbitration, closed)",
			},
		},
		{
			name: "unknown keys at every level",
			yaml: head + `  stage: agreement
  evidnce: x
  complaints: [demo:1]
  history:
    - {stage: hr_review, date: 2025-11-04, nte: x}
  decision:
    outcome: accepted
    by: three_party_meeting
    date: 2025-11-10
    reason: r
    comment: x
    changes:
      - {exclud: demo:1}
      - correct: {complaint: demo:1, field: csat, value: 3, why: x}
`,
			want: []string{
				"f.yaml:7: evidnce: unknown field (known: id, unit, period, scorecard, metric, complaints, claim, evidence, filed, stage, history, decision)",
				"f.yaml:10: history[0].nte: unknown field (known: stage, date, note)",
				"f.yaml:16: decision.comment: unknown field (known: outcome, by, date, reason, changes)",
				"f.yaml:18: decision.changes[0].exclud: unknown field (known: exclude, correct, override_points)",
				"f.yaml:19: decision.changes[1].correct.why: unknown field (known: complaint, field, value)",
			},
		},
		{
			name: "key given twice",
			yaml: head + "  stage: filed\n  claim: d\n",
			want: []string{"f.yaml:7: claim: defined twice (first at line 4)"},
		},
		{
			name: "duplicate id",
			yaml: head + "  stage: filed\n" + head + "  stage: filed\n",
			want: []string{`f.yaml:7: id: "A-1" is used twice (first at line 1)`},
		},
		{
			name: "malformed values",
			yaml: `- id: A-1
  unit: agnt:a
  period: 2025-13
  metric: Response Rate
  complaints: [demo:1, "004787", demo:1]
  claim: c
  filed: 3 Nov
  stage: reviewing
  evidence: wiki.example.com/appeals/A-1
`,
			want: []string{
				`f.yaml:2: unit: "agnt:a" has unknown kind "agnt" (want org, department:ID, team:ID or agent:ID)`,
				`f.yaml:3: period: "2025-13": month 13 is not 01–12`,
				`f.yaml:4: metric: "Response Rate" is not a metric ID such as response_rate (lower-case letters, digits and _)`,
				`f.yaml:5: complaints[1]: "004787" is not a complaint ID such as demo:004787 or jira:SD-123 (source:key)`,
				`f.yaml:5: complaints[2]: demo:1 is listed twice (complaints[0])`,
				`f.yaml:7: filed: "3 Nov" is not a date such as 2025-11-03`,
				`f.yaml:8: stage: unknown stage "reviewing" (known: filed, hr_review, data_recheck, reevaluation, three_party_meeting, agreement, arbitration, closed)`,
				`f.yaml:9: evidence: "wiki.example.com/appeals/A-1" is not an http(s) link such as https://wiki.example.com/appeals/A-2025-007`,
			},
		},
		{
			name: "values of the wrong shape",
			yaml: `- id: A-1
  unit: team
  period: 2025-Q5
  complaints: demo:1
  claim: [a, b]
  filed: 2025-11-03
  stage: filed
  evidence: ftp://example.com/x
- {id: A-2, unit: "org:x", period: 2025-H3, claim: c, filed: 2025-11-03, stage: filed}
- {id: A-3, unit: "team:", period: 25-10, claim: c, filed: 2025-11-03, stage: filed}
`,
			want: []string{
				`f.yaml:2: unit: "team" is not a unit (want org, department:ID, team:ID or agent:ID)`,
				`f.yaml:3: period: "2025-Q5": quarter Q5 is not Q1–Q4`,
				`f.yaml:4: complaints: want a list such as [demo:004787, jira:SD-123], got "demo:1"`,
				`f.yaml:5: claim: want a single value, got a list`,
				`f.yaml:8: evidence: "ftp://example.com/x" is not an http(s) link such as https://wiki.example.com/appeals/A-2025-007`,
				`f.yaml:9: unit: "org:x" is not a unit: the organization is org`,
				`f.yaml:9: period: "2025-H3": half H3 is not H1–H2`,
				`f.yaml:10: unit: "team:" has an empty ID`,
				`f.yaml:10: period: "25-10" is not a period ID (want 2025-10, 2025-Q4, 2025-H2 or 2025)`,
			},
		},
		{
			name: "decision while in progress",
			yaml: head + "  stage: hr_review\n  decision: {outcome: rejected, by: three_party_meeting, date: 2025-11-10, reason: r}\n",
			want: []string{"f.yaml:7: decision: contradicts stage hr_review: a decision is recorded at agreement, arbitration or closed"},
		},
		{
			name: "agreement without decision",
			yaml: head + "  stage: agreement\n",
			want: []string{"f.yaml:6: stage: agreement needs a decision (outcome, by, date, reason)"},
		},
		{
			name: "closed without decision",
			yaml: head + "  stage: closed\n",
			want: []string{"f.yaml:6: stage: closed needs a decision (outcome, by, date, reason)"},
		},
		{
			name: "decision of the wrong shape",
			yaml: head + "  stage: agreement\n  decision: yes\n",
			want: []string{`f.yaml:7: decision: want a mapping such as {outcome: accepted, by: three_party_meeting, date: …, reason: …}, got "yes"`},
		},
		{
			name: "decision fields",
			yaml: head + "  stage: agreement\n  decision: {outcome: approved, by: hr, date: 11/10, reason: \"\"}\n",
			want: []string{
				`f.yaml:7: decision.outcome: unknown outcome "approved" (known: accepted, rejected, partially_accepted)`,
				`f.yaml:7: decision.by: unknown decider "hr" (known: three_party_meeting, committee)`,
				`f.yaml:7: decision.date: "11/10" is not a date such as 2025-11-03`,
				`f.yaml:7: decision.reason: missing (why it was decided so: the scorecard shows it)`,
			},
		},
		{
			name: "rejected with changes",
			yaml: head + `  stage: agreement
  complaints: [demo:1]
  decision:
    outcome: rejected
    by: three_party_meeting
    date: 2025-11-10
    reason: r
    changes: [{exclude: demo:1}]
`,
			want: []string{"f.yaml:13: decision.changes: contradicts outcome rejected: a rejected appeal changes nothing"},
		},
		{
			name: "accepted without changes",
			yaml: head + `  stage: agreement
  decision:
    outcome: accepted
    by: three_party_meeting
    date: 2025-11-10
    reason: r
`,
			want: []string{"f.yaml:8: decision.changes: outcome accepted needs changes (exclude, correct or override_points) for scoring to apply"},
		},
		{
			name: "accepted with changes left empty",
			yaml: accepted("") + "\n",
			want: []string{"f.yaml:13: decision.changes: outcome accepted needs changes (exclude, correct or override_points) for scoring to apply"},
		},
		{
			name: "override points",
			yaml: accepted(`      - override_points: 120
      - override_points: high
      - override_points: 80
      - override_points: 70
`),
			want: []string{
				"f.yaml:14: decision.changes[0].override_points: 120 is outside 0–100",
				`f.yaml:15: decision.changes[1].override_points: want a number of points from 0 to 100, got "high"`,
				"f.yaml:16: decision.changes[2].override_points: needs the appeal's metric: set metric to the metric whose points are overridden",
				"f.yaml:17: decision.changes[3].override_points: the points are already overridden by changes[2]",
			},
		},
		{
			name: "complaints not listed",
			yaml: accepted(`      - exclude: demo:2
      - correct: {complaint: demo:3, field: category, value: billing}
`),
			want: []string{
				"f.yaml:14: decision.changes[0].exclude: demo:2 is not listed under complaints",
				"f.yaml:15: decision.changes[1].correct.complaint: demo:3 is not listed under complaints",
			},
		},
		{
			name: "corrections of unknown fields and wrong values",
			yaml: accepted(`      - correct: {complaint: demo:1, field: title, value: x}
      - correct: {complaint: demo:1, field: first_response_at, value: "2025-10-08 10:00"}
      - correct: {complaint: demo:1, field: resolved_at, value: 2025-10-08T10:00:00}
      - correct: {complaint: demo:1, field: priority, value: asap}
      - correct: {complaint: demo:1, field: escalated, value: "yes"}
      - correct: {complaint: demo:1, field: reopens, value: -1}
      - correct: {complaint: demo:1, field: agent_replies, value: 1.5}
      - correct: {complaint: demo:1, field: csat, value: good}
      - correct: {complaint: demo:1, field: category, value: ""}
      - correct: {complaint: demo:1, field: kind}
      - correct: {complaint: demo:1, value: 1}
      - correct: {complaint: "1", field: team, value: t}
`),
			want: []string{
				`f.yaml:14: decision.changes[0].correct.field: unknown field "title" (known: created_at, first_response_at, resolved_at, reopens, escalated, agent_replies, priority, category, kind, assignee, team, csat)`,
				`f.yaml:15: decision.changes[1].correct.value: want an RFC 3339 time with offset such as 2025-10-08T10:00:00+08:00, got "2025-10-08 10:00"`,
				`f.yaml:16: decision.changes[2].correct.value: want an RFC 3339 time with offset such as 2025-10-08T10:00:00+08:00, got "2025-10-08T10:00:00"`,
				`f.yaml:17: decision.changes[3].correct.value: "asap" is not one of urgent, high, normal, low`,
				`f.yaml:18: decision.changes[4].correct.value: want true or false, got "yes"`,
				`f.yaml:19: decision.changes[5].correct.value: want a whole number, 0 or more, got "-1"`,
				`f.yaml:20: decision.changes[6].correct.value: want a whole number, 0 or more, got "1.5"`,
				`f.yaml:21: decision.changes[7].correct.value: want a rating (a number, 0 or more) or null, got "good"`,
				`f.yaml:22: decision.changes[8].correct.value: want a name, got ""`,
				`f.yaml:23: decision.changes[9].correct.value: missing (the corrected value of the field)`,
				`f.yaml:24: decision.changes[10].correct.field: missing (want one of created_at, first_response_at, resolved_at, reopens, escalated, agent_replies, priority, category, kind, assignee, team, csat)`,
				`f.yaml:25: decision.changes[11].correct.complaint: "1" is not a complaint ID such as demo:004787 or jira:SD-123 (source:key)`,
			},
		},
		{
			name: "changes of the wrong shape",
			yaml: accepted(`      - {}
      - {exclude: demo:1, override_points: 80}
      - demo:1
`),
			want: []string{
				"f.yaml:14: decision.changes[0]: want one of exclude, correct or override_points",
				"f.yaml:15: decision.changes[1]: exclude and override_points in one change: write each as its own item",
				`f.yaml:16: decision.changes[2]: want a mapping such as {exclude: demo:004787}, got "demo:1"`,
			},
		},
		{
			name: "excluded and corrected in one appeal",
			yaml: head + `  stage: agreement
  complaints: [demo:1, demo:2]
  decision:
    outcome: accepted
    by: three_party_meeting
    date: 2025-11-10
    reason: r
    changes:
      - exclude: demo:1
      - correct: {complaint: demo:1, field: reopens, value: 0}
      - correct: {complaint: demo:2, field: reopens, value: 0}
      - exclude: demo:2
      - correct: {complaint: demo:2, field: reopens, value: 1}
      - exclude: demo:1
`,
			want: []string{
				"f.yaml:15: decision.changes[1].correct: contradicts changes[0], which excludes demo:1: a complaint is either left out or corrected",
				"f.yaml:17: decision.changes[3].exclude: contradicts changes[2], which corrects demo:2: a complaint is either left out or corrected",
				"f.yaml:18: decision.changes[4].correct: contradicts changes[3], which excludes demo:2: a complaint is either left out or corrected",
				"f.yaml:18: decision.changes[4].correct.field: reopens of demo:2 is already corrected by changes[2]",
				"f.yaml:19: decision.changes[5].exclude: demo:1 is already excluded by changes[0]",
			},
		},
		{
			name: "committee without arbitration",
			yaml: head + "  stage: agreement\n  decision: {outcome: rejected, by: committee, date: 2025-11-10, reason: r}\n",
			want: []string{"f.yaml:7: decision.by: the committee rules only after arbitration, but neither stage nor history reaches arbitration"},
		},
		{
			name: "committee on a closed appeal without history",
			yaml: head + "  stage: closed\n  decision: {outcome: rejected, by: committee, date: 2025-11-10, reason: r}\n",
			want: []string{"f.yaml:7: decision.by: the committee rules only after arbitration, but neither stage nor history reaches arbitration"},
		},
		{
			name: "three-party meeting at arbitration",
			yaml: head + "  stage: arbitration\n  decision: {outcome: rejected, by: three_party_meeting, date: 2025-11-10, reason: r}\n",
			want: []string{"f.yaml:7: decision.by: the three-party meeting decides only by agreement, but neither stage nor history reaches agreement"},
		},
		{
			name: "two accepted overrides of the same points",
			yaml: appeal("A-1", "agent:a", "scorecard: seed001, metric: csat, ", "override_points: 80") +
				appeal("A-2", "agent:a", "metric: csat, ", "override_points: 70") +
				appeal("A-3", "agent:a", "scorecard: seed001, metric: csat, ", "override_points: 60"),
			want: []string{
				"f.yaml:2: decision.changes[0].override_points: appeals A-1 (line 1) and A-2 (line 2) are both accepted and override csat of agent:a in 2025-10 on scorecard seed001 and on every scorecard: only one can apply",
				"f.yaml:3: decision.changes[0].override_points: appeals A-1 (line 1) and A-3 (line 3) are both accepted and override csat of agent:a in 2025-10 on scorecard seed001: only one can apply",
				"f.yaml:3: decision.changes[0].override_points: appeals A-2 (line 2) and A-3 (line 3) are both accepted and override csat of agent:a in 2025-10 on every scorecard and on scorecard seed001: only one can apply",
			},
		},
		{
			name: "two accepted corrections to different values",
			yaml: appeal("A-1", "agent:a", "complaints: [demo:1], ", "correct: {complaint: demo:1, field: reopens, value: 0}") +
				appeal("A-2", "team:t", "complaints: [demo:1], ", "correct: {complaint: demo:1, field: reopens, value: 1}"),
			want: []string{"f.yaml:2: decision.changes[0].correct.value: appeals A-1 (line 1) and A-2 (line 2) are both accepted and correct reopens of demo:1 to different values"},
		},
		{
			name: "history going back",
			yaml: head + `  stage: data_recheck
  history:
    - {stage: three_party_meeting, date: 2025-11-04}
    - {stage: hr_review, date: 2025-11-05}
`,
			want: []string{
				"f.yaml:6: stage: data_recheck cannot come after three_party_meeting in history[0] (the flow: filed → hr_review → data_recheck | reevaluation → three_party_meeting → agreement | arbitration → closed)",
				"f.yaml:9: history[1].stage: hr_review cannot come after three_party_meeting in history[0] (the flow: filed → hr_review → data_recheck | reevaluation → three_party_meeting → agreement | arbitration → closed)",
			},
		},
		{
			name: "history taking both ways of a branch",
			yaml: head + `  stage: closed
  history:
    - {stage: data_recheck, date: 2025-11-04}
    - {stage: reevaluation, date: 2025-11-05}
    - {stage: agreement, date: 2025-11-06}
    - {stage: arbitration, date: 2025-11-07}
  decision: {outcome: rejected, by: three_party_meeting, date: 2025-11-10, reason: r}
`,
			want: []string{
				"f.yaml:9: history[1].stage: reevaluation cannot come after data_recheck in history[0] (the flow: filed → hr_review → data_recheck | reevaluation → three_party_meeting → agreement | arbitration → closed)",
				"f.yaml:11: history[3].stage: arbitration cannot come after agreement in history[2] (the flow: filed → hr_review → data_recheck | reevaluation → three_party_meeting → agreement | arbitration → closed)",
			},
		},
		{
			name: "history steps of the wrong shape",
			yaml: head + `  stage: hr_review
  history:
    - hr_review
    - {stage: review, note: n}
`,
			want: []string{
				`f.yaml:8: history[0]: want a mapping such as {stage: hr_review, date: 2025-11-05, note: …}, got "hr_review"`,
				`f.yaml:9: history[1].stage: unknown stage "review" (known: filed, hr_review, data_recheck, reevaluation, three_party_meeting, agreement, arbitration, closed)`,
				`f.yaml:9: history[1].date: missing (want a date such as 2025-11-03)`,
			},
		},
		{
			name: "dates out of order",
			yaml: head + `  stage: closed
  history:
    - {stage: hr_review, date: 2025-11-01}
    - {stage: data_recheck, date: 2025-11-08}
    - {stage: three_party_meeting, date: 2025-11-06}
    - {stage: agreement, date: 2025-11-09}
  decision: {outcome: rejected, by: three_party_meeting, date: 2025-11-07, reason: r}
`,
			want: []string{
				"f.yaml:8: history[0].date: 2025-11-01 is before filed (2025-11-03)",
				"f.yaml:10: history[2].date: 2025-11-06 is before history[1].date (2025-11-08)",
				"f.yaml:12: decision.date: 2025-11-07 is before history[3].date (2025-11-09)",
			},
		},
		{
			name: "decision before filing",
			yaml: head + "  stage: agreement\n  decision: {outcome: rejected, by: three_party_meeting, date: 2025-11-02, reason: r}\n",
			want: []string{"f.yaml:7: decision.date: 2025-11-02 is before filed (2025-11-03)"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, err := appeals.Parse([]byte(tc.yaml), "f.yaml")
			if err == nil {
				t.Fatalf("Parse succeeded with %d appeals, want problems", len(f.Appeals))
			}
			if f != nil {
				t.Errorf("Parse returned a file and %v", err)
			}
			var ps appeals.Problems
			if !errors.As(err, &ps) {
				t.Fatalf("Parse error is %T, want Problems", err)
			}
			if diff := cmp.Diff(tc.want, strings.Split(err.Error(), "\n")); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
}

func TestStages(t *testing.T) {
	got := appeals.Stages()
	type flow struct {
		ID   string
		Next []string
	}
	want := []flow{
		{"filed", []string{"hr_review"}},
		{"hr_review", []string{"data_recheck", "reevaluation"}},
		{"data_recheck", []string{"three_party_meeting"}},
		{"reevaluation", []string{"three_party_meeting"}},
		{"three_party_meeting", []string{"agreement", "arbitration"}},
		{"agreement", []string{"closed"}},
		{"arbitration", []string{"closed"}},
		{"closed", nil},
	}
	var gotFlow []flow
	for _, s := range got {
		gotFlow = append(gotFlow, flow{s.ID, s.Next})
		if s.Name == "" || s.NameEN == "" {
			t.Errorf("stage %s has names %q, %q; want both", s.ID, s.Name, s.NameEN)
		}
	}
	if diff := cmp.Diff(want, gotFlow); diff != "" {
		t.Errorf("Stages (-want +got):\n%s", diff)
	}
	names := map[string]string{}
	for _, s := range got {
		names[s.ID] = s.Name
	}
	for id, zh := range map[string]string{"filed": "员工申诉", "hr_review": "HR初审", "data_recheck": "复核数据", "reevaluation": "重新评估", "arbitration": "绩效考核委员会仲裁"} {
		if names[id] != zh {
			t.Errorf("stage %s is named %q, want %q (seed 001)", id, names[id], zh)
		}
	}
	got[1].Next[0] = "changed"
	if appeals.Stages()[1].Next[0] != "data_recheck" {
		t.Error("changing the result of Stages changed the flow")
	}
}

// TestAppliedOrder checks that applied changes come in appeal ID order,
// whatever the order of the file, and that only accepted appeals apply.
func TestAppliedOrder(t *testing.T) {
	yaml := appeal("A-3", "agent:a", "complaints: [demo:1], metric: csat, ", "{exclude: demo:1}, {override_points: 70}") +
		appeal("A-1", "agent:b", "complaints: [demo:1, demo:2], ", "{exclude: demo:1}, {correct: {complaint: demo:2, field: team, value: t2}}") +
		"- {id: A-2, unit: agent:c, period: 2025-10, complaints: [demo:1], metric: csat, claim: c, filed: 2025-11-03, stage: agreement, " +
		"decision: {outcome: rejected, by: three_party_meeting, date: 2025-11-10, reason: r}}\n"
	f, err := appeals.Parse([]byte(yaml), "f.yaml")
	if err != nil {
		t.Fatalf("Parse:\n%v", err)
	}
	wantEx := map[string][]appeals.Exclusion{"demo:1": {
		{AppealID: "A-1", Unit: "agent:b", Period: "2025-10"},
		{AppealID: "A-3", Metric: "csat", Unit: "agent:a", Period: "2025-10"},
	}}
	if diff := cmp.Diff(wantEx, f.Exclusions()); diff != "" {
		t.Errorf("Exclusions (-want +got):\n%s", diff)
	}
	wantCo := []appeals.AppliedCorrection{{AppealID: "A-1", Unit: "agent:b", Period: "2025-10", Correction: appeals.Correction{Complaint: "demo:2", Field: "team", Value: "t2"}}}
	if diff := cmp.Diff(wantCo, f.Corrections()); diff != "" {
		t.Errorf("Corrections (-want +got):\n%s", diff)
	}
	wantOv := []appeals.Override{{AppealID: "A-3", Unit: "agent:a", Period: "2025-10", Metric: "csat", Points: 70}}
	if diff := cmp.Diff(wantOv, f.Overrides()); diff != "" {
		t.Errorf("Overrides (-want +got):\n%s", diff)
	}
}
