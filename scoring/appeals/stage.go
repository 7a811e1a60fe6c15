package appeals

import "slices"

// Stage IDs of seed 001's appeal flow (section 五).
const (
	StageFiled             = "filed"
	StageHRReview          = "hr_review"
	StageDataRecheck       = "data_recheck"
	StageReevaluation      = "reevaluation"
	StageThreePartyMeeting = "three_party_meeting"
	StageAgreement         = "agreement"
	StageArbitration       = "arbitration"
	StageClosed            = "closed"
)

// StageInfo describes one stage of the flow for the site.
type StageInfo struct {
	ID     string
	Name   string // Chinese, as in seed 001
	NameEN string
	// When is the condition of the branch that leads here, if the stage is
	// one of two ways out of the previous one ("程序合规"); WhenEN in
	// English.
	When   string
	WhenEN string
	Next   []string // the stages that may follow
}

// stages is seed 001's flowchart in flow order:
//
//	员工申诉 → HR初审 →(程序合规) 复核数据  ─┐
//	                 →(程序违规) 重新评估  ─┴→ 三方会议 →(是) 修正结果 ─┐
//	                                                 →(否) 委员会仲裁 ─┴→ 结案
//
// The seed draws no arrow out of 重新评估; a re-evaluation is discussed at
// the three-party meeting like a re-check, so it leads there. Closed is
// kpidesk's: the appeal's file is closed once the result is corrected or
// the committee has ruled.
var stages = []StageInfo{
	{ID: StageFiled, Name: "员工申诉", NameEN: "Appeal filed", Next: []string{StageHRReview}},
	{ID: StageHRReview, Name: "HR初审", NameEN: "HR first review", Next: []string{StageDataRecheck, StageReevaluation}},
	{ID: StageDataRecheck, Name: "复核数据", NameEN: "Data re-check", When: "程序合规", WhenEN: "procedure compliant", Next: []string{StageThreePartyMeeting}},
	{ID: StageReevaluation, Name: "重新评估", NameEN: "Re-evaluation", When: "程序违规", WhenEN: "procedure not compliant", Next: []string{StageThreePartyMeeting}},
	{ID: StageThreePartyMeeting, Name: "三方会议：员工+主管+HR", NameEN: "Three-party meeting: employee, supervisor, HR", Next: []string{StageAgreement, StageArbitration}},
	{ID: StageAgreement, Name: "达成共识：修正结果", NameEN: "Agreement: result corrected", When: "达成共识", WhenEN: "agreement reached", Next: []string{StageClosed}},
	{ID: StageArbitration, Name: "绩效考核委员会仲裁", NameEN: "Arbitration by the performance committee", When: "未达成共识", WhenEN: "no agreement", Next: []string{StageClosed}},
	{ID: StageClosed, Name: "结案", NameEN: "Closed"},
}

// Stages returns the stages of the appeal flow in flow order, with the
// stages that may follow each. The caller may modify the result.
func Stages() []StageInfo {
	out := slices.Clone(stages)
	for i := range out {
		out[i].Next = slices.Clone(out[i].Next)
	}
	return out
}

// stageIDs lists the stage IDs in flow order.
func stageIDs() []string {
	ids := make([]string, len(stages))
	for i, s := range stages {
		ids[i] = s.ID
	}
	return ids
}

func knownStage(id string) bool {
	return slices.ContainsFunc(stages, func(s StageInfo) bool { return s.ID == id })
}

// follows reports whether stage to can come after stage from, directly or
// through stages the history left out.
func follows(from, to string) bool {
	i := slices.IndexFunc(stages, func(s StageInfo) bool { return s.ID == from })
	if i < 0 {
		return false
	}
	for _, n := range stages[i].Next {
		if n == to || follows(n, to) {
			return true
		}
	}
	return false
}

// decided reports whether an appeal at stage has reached a decision.
func decided(stage string) bool {
	return stage == StageAgreement || stage == StageArbitration || stage == StageClosed
}

// flowText is the flow in one line, for problems about its order.
const flowText = "filed → hr_review → data_recheck | reevaluation → three_party_meeting → agreement | arbitration → closed"
