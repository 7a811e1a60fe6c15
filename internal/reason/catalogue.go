package reason

import (
	"fmt"
	"strings"
	"time"
)

// Code names a reason; Name gives its catalogue name ("late").
type Code uint8

// The codes. Each has an entry in catalogue with its arguments and its
// English and Chinese messages; TestCatalogue holds them together.
const (
	None Code = iota
	// Verbatim is a reason read back from an evidence file that no
	// message matches (written by another version), shown as written.
	Verbatim

	// Exclusions, in the evidence file.
	NotResolved
	NoSurveyAnswer
	NoReply
	NoCustomer
	OutsidePopulation
	NeverOpenAtMonthEnd
	KindNotCounted
	ExcludedByAppeal
	NoDeadlineRule
	NoEvent
	NoEventAfter
	UnknownCustomType

	// A snapshot metric's complaint (backlog), in the evidence file.
	OpenAtMonthEnds
	OpenAtMonthEndsPast

	// Hits, misses, pending and measured values (explain).
	OnTime
	Late
	Overdue
	WithinDeadline
	Rated
	RatedPositive
	RatedNotPositive
	SurveyMissing
	SurveyAnswered
	FilterMatch
	FilterNoMatch
	CustomDuration
	TimeIn
	NeverIn
	EscalatedEvent
	EscalatedLabel
	EscalatedTeam
	EscalatedPriority
	NotEscalated
	FirstResponse
	FirstContact
	NotFirstContact
	Handled
	Reopened
	NeverReopened
	Repeat
	NoRepeat
	ResolvedAt
	StillOpenAt
	Received
	ComplaintOfPeriod

	// A deadline metric's complaint judged by, or against, the source's
	// own SLA record (metrics.*.sla; explain).
	SourceVerdict
	SourceVerdictDiffers
	CalendarVerdictDiffers
	NoSourceRecord

	// A snapshot metric's complaint in one period (explain).
	SnapshotPast
	SnapshotPastAsOf
	SnapshotWithin
	SnapshotWithinAsOf

	// Why an agent is the month's service star (scores.json), in parts:
	// the first always, then full points and a tie when they apply.
	Star
	StarFullPoints
	StarTied
	StarTiedMore

	// Notes on the weights in force (scores.json weights[].note), in
	// parts joined by "; ".
	ExpertUnusable
	AHPUnusable
	CombinedUnusable
	FixedWeightsUsed
	SubjectiveAlone
	EntropyTooFewUnits
	EntropyUnusable
	EntropyDropped
	NotApplicableDropped

	numCodes
)

// Name returns the code's catalogue name ("late"), or "" for None.
func (c Code) Name() string {
	if int(c) < len(catalogue) {
		return catalogue[c].name
	}
	return ""
}

// Arity returns the number of arguments code c takes (-1 for a code the
// catalogue lacks).
func Arity(c Code) int {
	if c <= None || c >= numCodes {
		return -1
	}
	return len(catalogue[c].args)
}

// Codes returns every code of the catalogue.
func Codes() []Code {
	out := make([]Code, 0, numCodes-1)
	for c := None + 1; c < numCodes; c++ {
		out = append(out, c)
	}
	return out
}

type argSpec struct {
	name string
	kind Kind
}

// message is a code's entry: its name, its arguments in order, and a
// template per language where {name} stands for an argument.
type message struct {
	name   string
	args   []argSpec
	en, zh string
}

func a(name string, k Kind) argSpec { return argSpec{name, k} }

// catalogue is every code's messages. The English ones are the evidence
// file's reasons (SPEC §12), byte for byte what scoring wrote before it
// had codes: change one only with a schema version.
var catalogue = [numCodes]message{
	Verbatim: {"verbatim", []argSpec{a("text", KindText)}, "{text}", "{text}"},

	NotResolved:         {"not_resolved", nil, "not resolved", "尚未解决"},
	NoSurveyAnswer:      {"no_survey_answer", nil, "no survey answer", "未回答问卷"},
	NoReply:             {"no_reply", nil, "no public agent reply yet", "尚无坐席公开答复"},
	NoCustomer:          {"no_customer", nil, "no customer identity", "无客户身份"},
	OutsidePopulation:   {"outside_population", nil, "outside the metric's population", "不在该指标的统计范围内"},
	NeverOpenAtMonthEnd: {"never_open_at_month_end", nil, "never open at a month end", "从未在月末处于未解决状态"},
	KindNotCounted:      {"kind_not_counted", []argSpec{a("kind", KindTerm)}, "kind {kind} is not counted as a complaint", "类型“{kind}”不计为投诉"},
	ExcludedByAppeal:    {"excluded_by_appeal", []argSpec{a("appeal", KindText)}, "excluded by appeal {appeal}", "申诉 {appeal} 已将其排除"},
	NoDeadlineRule: {"no_deadline_rule", []argSpec{a("priority", KindQuoted), a("channel", KindQuoted), a("category", KindQuoted)},
		"no deadline rule matches priority {priority}, channel {channel}, category {category}",
		"没有适用的时限规则（优先级 {priority}，渠道 {channel}，类别 {category}）"},
	NoEvent:           {"no_event", []argSpec{a("event", KindEvent)}, "no {event}", "没有 {event}"},
	NoEventAfter:      {"no_event_after", []argSpec{a("event", KindEvent), a("after", KindEvent)}, "no {event} after {after}", "{after} 之后没有 {event}"},
	UnknownCustomType: {"unknown_custom_type", []argSpec{a("type", KindQuoted)}, "unknown custom metric type {type}", "未知的自定义指标类型 {type}"},

	OpenAtMonthEnds: {"open_at_month_ends", []argSpec{a("from", KindMonth), a("to", KindMonth)},
		"open at the end of {from}..{to}", "在 {from}..{to} 的月末仍未解决"},
	OpenAtMonthEndsPast: {"open_at_month_ends_past", []argSpec{a("from", KindMonth), a("to", KindMonth), a("past_from", KindMonth)},
		"open at the end of {from}..{to}, past its resolution deadline from {past_from}",
		"在 {from}..{to} 的月末仍未解决，自 {past_from} 起超过解决时限"},

	OnTime: {"on_time", []argSpec{a("event", KindTerm), a("elapsed", KindDuration), a("deadline", KindDeadline)},
		"{event} {elapsed} after creation, deadline {deadline} → hit",
		"创建后 {elapsed} {event}，时限 {deadline} → 达标"},
	Late: {"late", []argSpec{a("event", KindTerm), a("elapsed", KindDuration), a("deadline", KindDeadline)},
		"{event} {elapsed} after creation, deadline {deadline} → miss",
		"创建后 {elapsed} {event}，时限 {deadline} → 未达标"},
	Overdue: {"overdue", []argSpec{a("event", KindTerm), a("as_of", KindInstant), a("elapsed", KindDuration), a("deadline", KindDeadline)},
		"not {event} by {as_of} ({elapsed} elapsed), deadline {deadline} passed → miss",
		"截至 {as_of} 未{event}（已用 {elapsed}），已超过时限 {deadline} → 未达标"},
	WithinDeadline: {"within_deadline", []argSpec{a("event", KindTerm), a("deadline", KindDeadline)},
		"not {event} yet, still inside its deadline {deadline} → not counted",
		"尚未{event}，仍在时限 {deadline} 内 → 不计入"},
	Rated: {"rated", []argSpec{a("value", KindNumber), a("scale", KindNumber), a("score", KindInt)},
		"rated {value} of {scale} → {score}", "评分 {value}/{scale} → {score} 分"},
	RatedPositive: {"rated_positive", []argSpec{a("value", KindNumber), a("scale", KindNumber)},
		"rated {value} of {scale} → positive", "评分 {value}/{scale} → 好评"},
	RatedNotPositive: {"rated_not_positive", []argSpec{a("value", KindNumber), a("scale", KindNumber), a("min", KindNumber)},
		"rated {value} of {scale} → not positive (below {min})", "评分 {value}/{scale} → 非好评（低于 {min}）"},
	SurveyMissing:  {"survey_missing", nil, "resolved, no survey answer", "已解决，未回答问卷"},
	SurveyAnswered: {"survey_answered", nil, "resolved, survey answered", "已解决，已回答问卷"},
	FilterMatch:    {"filter_match", nil, "matches the filter", "符合筛选条件"},
	FilterNoMatch:  {"filter_no_match", nil, "does not match the filter", "不符合筛选条件"},
	CustomDuration: {"custom_duration", []argSpec{a("elapsed", KindDuration), a("from", KindEvent), a("to", KindEvent)},
		"{elapsed} from {from} to {to}", "从 {from} 到 {to} 用时 {elapsed}"},
	NeverIn: {"never_in", []argSpec{a("states", KindList)}, "never in {states}", "从未处于 {states}"},
	TimeIn: {"time_in", []argSpec{a("elapsed", KindDuration), a("states", KindList)},
		"{elapsed} in {states}", "处于 {states} 共 {elapsed}"},
	EscalatedEvent: {"escalated_event", nil, "escalated: escalation event", "已升级：升级事件"},
	EscalatedLabel: {"escalated_label", []argSpec{a("label", KindText)}, "escalated: label {label}", "已升级：标签 {label}"},
	EscalatedTeam:  {"escalated_team", []argSpec{a("team", KindText)}, "escalated: owned by team {team}", "已升级：由团队 {team} 负责"},
	EscalatedPriority: {"escalated_priority", []argSpec{a("from", KindText), a("to", KindText)},
		"escalated: priority raised from {from} to {to}", "已升级：优先级从 {from} 提高到 {to}"},
	NotEscalated: {"not_escalated", []argSpec{a("by", KindList)}, "not escalated by {by}", "未以下列方式升级：{by}"},
	FirstResponse: {"first_response", []argSpec{a("elapsed", KindDuration), a("clock", KindTerm), a("wall", KindDuration)},
		"first public agent reply after {elapsed} of {clock} time ({wall} wall clock)",
		"坐席首次公开答复用时 {elapsed}（{clock}时间；自然时间 {wall}）"},
	FirstContact: {"first_contact", []argSpec{a("replies", KindInt), a("reopens", KindInt)},
		"{replies} public agent replies before resolution, reopened {reopens} times → first-contact",
		"解决前坐席公开答复 {replies} 次，重开 {reopens} 次 → 首次解决"},
	NotFirstContact: {"not_first_contact", []argSpec{a("replies", KindInt), a("max_replies", KindInt), a("reopens", KindInt), a("max_reopens", KindInt)},
		"{replies} public agent replies before resolution (max {max_replies}), reopened {reopens} times (max {max_reopens}) → not first-contact",
		"解决前坐席公开答复 {replies} 次（上限 {max_replies}），重开 {reopens} 次（上限 {max_reopens}）→ 非首次解决"},
	Handled: {"handled", []argSpec{a("elapsed", KindDuration), a("clock", KindTerm), a("wall", KindDuration)},
		"resolved after {elapsed} of {clock} time ({wall} wall clock)",
		"解决用时 {elapsed}（{clock}时间；自然时间 {wall}）"},
	Reopened:      {"reopened", []argSpec{a("times", KindInt)}, "reopened {times} times", "重开 {times} 次"},
	NeverReopened: {"never_reopened", nil, "never reopened", "从未重开"},
	Repeat: {"repeat", []argSpec{a("category", KindQuoted), a("window", KindText)},
		"the customer complained about {category} within the last {window}", "该客户在此前 {window} 内曾就 {category} 投诉"},
	NoRepeat: {"no_repeat", []argSpec{a("category", KindQuoted), a("window", KindText)},
		"no earlier complaint about {category} from this customer within {window}", "该客户在 {window} 内没有就 {category} 的更早投诉"},
	ResolvedAt:        {"resolved_at", []argSpec{a("at", KindInstant)}, "resolved {at}", "已于 {at} 解决"},
	StillOpenAt:       {"still_open_at", []argSpec{a("at", KindInstant)}, "still open at {at}", "截至 {at} 仍未解决"},
	Received:          {"received", []argSpec{a("at", KindInstant)}, "received {at}", "收到于 {at}"},
	ComplaintOfPeriod: {"complaint_of_period", nil, "a complaint of the period, divided by the period's volume", "本期的投诉，除以本期业务量"},

	SourceVerdict: {"source_verdict", []argSpec{a("name", KindText), a("cycle", KindInt), a("state", KindTerm), a("elapsed", KindDuration), a("goal", KindDuration), a("verdict", KindTerm)},
		"source SLA {name}, cycle {cycle}: {state}, {elapsed} of goal {goal} on the SLA's calendar → {verdict}",
		"来源服务时限 {name}（第 {cycle} 周期）：{state}，按其日历已用 {elapsed}，目标 {goal} → {verdict}"},
	SourceVerdictDiffers: {"source_verdict_differs", []argSpec{a("name", KindText), a("cycle", KindInt), a("state", KindTerm), a("elapsed", KindDuration), a("goal", KindDuration), a("verdict", KindTerm),
		a("calendar_verdict", KindTerm), a("calendar_elapsed", KindDuration), a("deadline", KindDeadline)},
		"source SLA {name}, cycle {cycle}: {state}, {elapsed} of goal {goal} on the SLA's calendar → {verdict}; the team calendar gives {calendar_verdict}: {calendar_elapsed} elapsed, deadline {deadline}",
		"来源服务时限 {name}（第 {cycle} 周期）：{state}，按其日历已用 {elapsed}，目标 {goal} → {verdict}；按团队日历则为{calendar_verdict}：已用 {calendar_elapsed}，时限 {deadline}"},
	CalendarVerdictDiffers: {"calendar_verdict_differs", []argSpec{a("elapsed", KindDuration), a("deadline", KindDeadline), a("verdict", KindTerm),
		a("name", KindText), a("source_verdict", KindTerm), a("cycle", KindInt), a("state", KindTerm), a("source_elapsed", KindDuration), a("goal", KindDuration)},
		"team calendar: {elapsed} elapsed, deadline {deadline} → {verdict}; source SLA {name} gives {source_verdict}: cycle {cycle}, {state}, {source_elapsed} of goal {goal} on the SLA's calendar",
		"按团队日历：已用 {elapsed}，时限 {deadline} → {verdict}；来源服务时限 {name} 则为{source_verdict}：第 {cycle} 周期，{state}，按其日历已用 {source_elapsed}，目标 {goal}"},
	NoSourceRecord: {"no_source_record", []argSpec{a("name", KindText), a("elapsed", KindDuration), a("deadline", KindDeadline), a("verdict", KindTerm)},
		"no source SLA {name} with a goal, judged on the team calendar: {elapsed} elapsed, deadline {deadline} → {verdict}",
		"没有带目标的来源服务时限 {name}，按团队日历判定：已用 {elapsed}，时限 {deadline} → {verdict}"},

	SnapshotPast: {"snapshot_past", []argSpec{a("month", KindMonth), a("past_from", KindMonth)},
		"open at the end of {month}, past its resolution deadline (from {past_from})", "在 {month} 月末仍未解决，已超过解决时限（自 {past_from} 起）"},
	SnapshotPastAsOf: {"snapshot_past_as_of", []argSpec{a("past_from", KindMonth)},
		"open at as_of, past its resolution deadline (from {past_from})", "在评估时点仍未解决，已超过解决时限（自 {past_from} 起）"},
	SnapshotWithin:     {"snapshot_within", []argSpec{a("month", KindMonth)}, "open at the end of {month}, within its resolution deadline", "在 {month} 月末仍未解决，在解决时限内"},
	SnapshotWithinAsOf: {"snapshot_within_as_of", nil, "open at as_of, within its resolution deadline", "在评估时点仍未解决，在解决时限内"},

	Star: {"star", []argSpec{a("final", KindPoints), a("complaints", KindInt)},
		"final {final}, {complaints} complaints", "最终得分 {final}，处理投诉 {complaints} 件"},
	StarFullPoints: {"star_full_points", []argSpec{a("metrics", KindList)},
		"; full points on {metrics}", "；满分指标：{metrics}"},
	StarTied: {"star_tied", []argSpec{a("with", KindList), a("floor", KindPoints)},
		"; lead within noise, shared with {with}: with one metric moved within its 95 % interval their final could reach the winner's ({floor} at its lowest)",
		"；领先幅度在误差范围内，与 {with} 并列：任一指标在其 95% 区间内变动时，其最终得分可达到第一名的最低值（{floor}）"},
	StarTiedMore: {"star_tied_more", []argSpec{a("with", KindList), a("more", KindInt), a("floor", KindPoints)},
		"; lead within noise, shared with {with} and {more} more: with one metric moved within its 95 % interval their final could reach the winner's ({floor} at its lowest)",
		"；领先幅度在误差范围内，与 {with} 等另外 {more} 名并列：任一指标在其 95% 区间内变动时，其最终得分可达到第一名的最低值（{floor}）"},

	ExpertUnusable:   {"expert_unusable", []argSpec{a("error", KindText)}, "expert weights unusable ({error})", "专家打分权重不可用（{error}）"},
	AHPUnusable:      {"ahp_unusable", []argSpec{a("error", KindText)}, "AHP unusable ({error})", "层次分析法不可用（{error}）"},
	CombinedUnusable: {"combined_unusable", []argSpec{a("error", KindText)}, "combined weights unusable ({error}); subjective weights used", "组合赋权不可用（{error}）；改用主观权重"},
	FixedWeightsUsed: {"fixed_weights_used", nil, "fixed weights used", "改用固定权重"},
	SubjectiveAlone:  {"subjective_alone", []argSpec{a("method", KindTerm)}, "{method} weights alone used", "仅用{method}权重"},
	EntropyTooFewUnits: {"entropy_too_few_units", []argSpec{a("units", KindInt)},
		"{units} unit of this kind: entropy needs at least two to compare", "此类单位只有 {units} 个：熵权法至少需要两个单位才能比较"},
	EntropyUnusable: {"entropy_unusable", []argSpec{a("units", KindInt), a("error", KindText)},
		"entropy unusable over {units} units ({error})", "熵权法在 {units} 个单位上不可用（{error}）"},
	EntropyDropped: {"entropy_dropped", []argSpec{a("metrics", KindList)},
		"no entropy for {metrics} (fewer than two units have a value): objective weight 0", "{metrics} 没有熵值（有数值的单位少于两个）：客观权重为 0"},
	NotApplicableDropped: {"not_applicable_dropped", []argSpec{a("metrics", KindList), a("kind", KindTerm)},
		"{metrics} not applicable to {kind} units: weight 0, the other weights renormalized", "{metrics} 不适用于{kind}单位：权重为 0，其余权重重新归一"},
}

// termsZH translates the terms scoring passes (Term): clocks, the events
// a deadline waits for, contact kinds. English shows the term itself.
var termsZH = map[string]string{
	"business":   "工作",
	"wall":       "自然",
	"answered":   "答复",
	"resolved":   "解决",
	"complaint":  "投诉",
	"suggestion": "建议",
	"inquiry":    "咨询",
	// Verdicts and the states of a source's SLA record (sla.go).
	"hit":      "达标",
	"miss":     "未达标",
	"pending":  "暂不计入",
	"met":      "已达成",
	"breached": "已违反",
	"running":  "仍在计时",
	// Kinds of unit and weight methods, in notes on the weights.
	"agent":      "坐席",
	"team":       "团队",
	"department": "部门",
	"org":        "组织",
	"fixed":      "固定",
	"expert":     "专家打分",
	"ahp":        "层次分析法",
	"overdue":    "已超出目标",
}

// segment is a literal (arg < 0) or the argument at index arg.
type segment struct {
	lit string
	arg int
}

type compiledMessage struct{ en, zh []segment }

// compiled holds each message split into segments, once.
var compiled = func() [numCodes]compiledMessage {
	var out [numCodes]compiledMessage
	for c := None + 1; c < numCodes; c++ {
		m := &catalogue[c]
		var err error
		if out[c].en, err = compile(m.en, m.args); err != nil {
			panic(fmt.Sprintf("reason: %s (en): %v", m.name, err))
		}
		if out[c].zh, err = compile(m.zh, m.args); err != nil {
			panic(fmt.Sprintf("reason: %s (zh): %v", m.name, err))
		}
	}
	return out
}()

// compile splits a template at its {name} placeholders. Every argument
// must appear exactly once, and two arguments never touch (so that Parse
// can find where one ends).
func compile(tmpl string, args []argSpec) ([]segment, error) {
	var segs []segment
	used := make([]bool, len(args))
	for tmpl != "" {
		i := strings.IndexByte(tmpl, '{')
		if i < 0 {
			segs = append(segs, segment{lit: tmpl, arg: -1})
			break
		}
		if i > 0 {
			segs = append(segs, segment{lit: tmpl[:i], arg: -1})
		}
		j := strings.IndexByte(tmpl[i:], '}')
		if j < 0 {
			return nil, fmt.Errorf("unclosed {")
		}
		name := tmpl[i+1 : i+j]
		k := -1
		for n, a := range args {
			if a.name == name {
				k = n
			}
		}
		if k < 0 {
			return nil, fmt.Errorf("{%s} is not an argument", name)
		}
		if used[k] {
			return nil, fmt.Errorf("{%s} twice", name)
		}
		used[k] = true
		if len(segs) > 0 && segs[len(segs)-1].arg >= 0 {
			return nil, fmt.Errorf("{%s} right after another argument", name)
		}
		segs = append(segs, segment{arg: k})
		tmpl = tmpl[i+j+1:]
	}
	for k, u := range used {
		if !u {
			return nil, fmt.Errorf("argument %s unused", args[k].name)
		}
	}
	if len(segs) == 0 {
		return nil, fmt.Errorf("empty message")
	}
	return segs, nil
}

// Examples returns a reason of every code with plausible arguments, in
// code order: for tests that every message reaches its readers in their
// language, and for documentation.
func Examples() []Reason {
	at := time.Date(2025, 10, 31, 9, 30, 0, 0, time.UTC)
	oct, nov, dec := Month(2025*12+9), Month(2025*12+10), Month(2025*12+11)
	h := func(n float64) time.Duration { return time.Duration(n * float64(time.Hour)) }
	ex := map[Code][]Arg{
		Verbatim:             {Text("written by another version")},
		KindNotCounted:       {Term("suggestion")},
		ExcludedByAppeal:     {Text("A-2025-007")},
		NoDeadlineRule:       {Quoted("low"), Quoted("fax"), Quoted("")},
		NoEvent:              {Event("label:return")},
		NoEventAfter:         {Event("resolved"), Event("status:Waiting for customer")},
		UnknownCustomType:    {Quoted("ratio")},
		OpenAtMonthEnds:      {oct, dec},
		OpenAtMonthEndsPast:  {oct, dec, nov},
		OnTime:               {Term("answered"), Duration(h(1.5), true), Deadline("4h", true)},
		Late:                 {Term("resolved"), Duration(h(30), true), Deadline("3wd", false)},
		Overdue:              {Term("answered"), Instant(at), Duration(h(26.2), false), Deadline("24h", false)},
		WithinDeadline:       {Term("resolved"), Deadline("3wd", false)},
		Rated:                {Number(4), Number(5), Int(80)},
		RatedPositive:        {Number(8), Number(10)},
		RatedNotPositive:     {Number(2), Number(3), Number(2.4000000000000004)},
		CustomDuration:       {Duration(h(3.25), false), Event("label:return"), Event("resolved")},
		TimeIn:               {Duration(h(5), false), List("Waiting for customer", "on-hold")},
		NeverIn:              {List("triage")},
		EscalatedLabel:       {Text("vip")},
		EscalatedTeam:        {Text("tier2")},
		EscalatedPriority:    {Text("normal"), Text("urgent")},
		NotEscalated:         {List("event", "label:vip")},
		FirstResponse:        {Duration(h(2.5), false), Term("business"), Duration(h(18), false)},
		FirstContact:         {Int(1), Int(0)},
		NotFirstContact:      {Int(3), Int(1), Int(1), Int(0)},
		Handled:              {Duration(h(12), false), Term("business"), Duration(h(40), false)},
		Reopened:             {Int(2)},
		Star:                 {Points(92.46), Int(118)},
		StarFullPoints:       {List("ftr_rate", "csat")},
		StarTied:             {List("li.na", "wang.fang"), Points(91.2)},
		StarTiedMore:         {List("li.na", "wang.fang", "zhao.lei"), Int(2), Points(91.2)},
		ExpertUnusable:       {Text("row 2 has 3 scores, want 4")},
		AHPUnusable:          {Text("consistency ratio 0.21 ≥ 0.1")},
		CombinedUnusable:     {Text("alpha 1.2 outside [0, 1]")},
		SubjectiveAlone:      {Term("ahp")},
		EntropyTooFewUnits:   {Int(1)},
		EntropyUnusable:      {Int(3), Text("every unit has the same values")},
		EntropyDropped:       {List("complaint_rate")},
		NotApplicableDropped: {List("complaint_rate"), Term("agent")},
		Repeat:               {Quoted("billing"), Text("720h")},
		NoRepeat:             {Quoted("billing"), Text("720h")},
		ResolvedAt:           {Instant(at)},
		StillOpenAt:          {Instant(at)},
		Received:             {Instant(at)},
		SnapshotPast:         {dec, nov},
		SnapshotPastAsOf:     {nov},
		SnapshotWithin:       {dec},
		SourceVerdict:        {Text("Time to first response"), Int(1), Term("met"), Duration(h(1.5), false), Duration(h(4), false), Term("hit")},
		SourceVerdictDiffers: {Text("Time to resolution"), Int(2), Term("breached"), Duration(h(9), false), Duration(h(8), false), Term("miss"),
			Term("hit"), Duration(h(20), true), Deadline("3wd", false)},
		CalendarVerdictDiffers: {Duration(h(30), false), Deadline("24h", false), Term("miss"),
			Text("Time to first response"), Term("hit"), Int(1), Term("met"), Duration(h(3), false), Duration(h(4), false)},
		NoSourceRecord: {Text("Time to first response"), Duration(h(2), true), Deadline("4h", true), Term("hit")},
	}
	out := make([]Reason, 0, numCodes-1)
	for _, c := range Codes() {
		out = append(out, Reason{Code: c, Args: ex[c]})
	}
	return out
}
