// Package appeals reads the appeals file: employees' appeals against their
// scorecards, where each is in seed 001's appeal flow, and what was decided
// (SPEC §9). docs/appeals.md describes the file for HR and team leads.
//
// # Flow
//
// Seed 001 (section 五) draws the flow: 员工申诉 → HR初审 → 复核数据 when
// the procedure was compliant, 重新评估 when it was not → 三方会议 (employee,
// supervisor and HR) → 修正结果 when they agree, 绩效考核委员会仲裁 when they
// do not. [Stages] gives it as stage IDs (filed, hr_review, data_recheck,
// reevaluation, three_party_meeting, agreement, arbitration, closed) with
// their Chinese and English names and the stages that may follow each, for
// the site's appeals page. An appeal's history may leave stages out but
// never goes back or takes both ways of a branch. A decision is recorded
// at agreement (by the three-party meeting), at arbitration (by the
// committee) or once closed, and only then.
//
// # Decisions
//
// An accepted or partially accepted decision lists changes, which scoring
// applies: exclude a complaint from the appeal's metric (from every metric
// when the appeal names none), correct a field of a complaint, or override
// the appeal's metric's points (0–100) on the appeal's scorecard (every
// scorecard when it names none). [File.Exclusions], [File.Corrections]
// and [File.Overrides] return them ordered by appeal ID, so that scores do
// not depend on the order of the file. Exclusions and corrections are facts
// about a complaint and apply wherever it counts (SPEC §1: evaluation
// judges each complaint on its own); an override replaces the points of
// one metric on the scorecards of one unit and period. A rejected decision
// and an appeal in progress change nothing.
//
// # Problems
//
// [Load] and [Parse] report every problem at once, as [Problems] whose
// text is one "FILE:LINE: field: reason" per line, with positions from
// yaml.v3 nodes, and return no File when there is any: scoring never
// applies half an appeals file. Fields are paths within the appeal
// ("decision.changes[1].correct.value"), or "(yaml)", "(file)" and
// "(appeal)". Besides unknown keys, missing and malformed values, the file
// is checked for contradictions: a decision at a stage that has none (or
// none at one that needs it), a rejection with changes, an acceptance
// without, a committee ruling without arbitration, a change naming a
// complaint the appeal does not list, a complaint both excluded and
// corrected, dates out of order (filed ≤ history ≤ decision), and two
// accepted appeals overriding the same points or correcting one field to
// different values.
//
// Metric and scorecard IDs are checked for form only; whether config
// defines them is for the caller, which knows the config.
package appeals
