package demo

import "strconv"

// Organization is the demo's fixed service organization: the departments,
// teams, agents and bots that every generated complaint refers to. It does
// not depend on the seed, so a default config and tests can name its IDs.
type Organization struct {
	Departments []Department
	Teams       []Team
	Agents      []Agent
	Bots        []string
}

// Department is a department of the demo organization.
type Department struct{ ID, Name, NameEN string }

// Team is a team of the demo organization. Escalation marks the tier that
// escalated complaints are transferred to (SPEC §2: escalation by transfer).
type Team struct {
	ID, Name, NameEN, Department string
	Escalation                   bool
}

// Agent is a person in the demo organization: ID is the pinyin
// "family.given" (a digit is added on a clash), Name the Chinese name.
type Agent struct{ ID, Name, Team string }

// Bot actor IDs. Their comments are public but never a first response.
const (
	botAutomation = "automation"
	botAutoReply  = "autoreply-bot"
)

// Team indices into teams; the order is the order of Org().Teams.
const (
	tCareEast = iota
	tCareSouth
	tCareVIP
	tBillingRefund
	tBillingInvoice
	tTechL1
	tTechL2
	tTechField
	numTeams
)

var departments = []Department{
	{"care", "客户关怀部", "Customer Care"},
	{"billing", "账务部", "Billing"},
	{"tech", "技术支持部", "Technical Support"},
}

var teams = [numTeams]Team{
	{ID: "care-east", Name: "华东客服组", NameEN: "East China Desk", Department: "care"},
	{ID: "care-south", Name: "华南客服组", NameEN: "South China Desk", Department: "care"},
	{ID: "care-vip", Name: "VIP 专线组", NameEN: "VIP Line", Department: "care"},
	{ID: "billing-refund", Name: "退款组", NameEN: "Refunds", Department: "billing"},
	{ID: "billing-invoice", Name: "发票组", NameEN: "Invoices", Department: "billing"},
	{ID: "tech-l1", Name: "一线支持组", NameEN: "Tier 1", Department: "tech"},
	{ID: "tech-l2", Name: "二线支持组", NameEN: "Tier 2", Department: "tech", Escalation: true},
	{ID: "tech-field", Name: "上门服务组", NameEN: "Field Service", Department: "tech"},
}

// agentSpec is one row of the staff table. speed multiplies response and
// handling times (below 1 is faster); quality shifts first-contact
// resolution, reopens and CSAT (positive is better); weight is the share of
// the team's work; from and until (months after Start, 0 = always) model a
// new hire and a leaver.
type agentSpec struct {
	name, pinyin string
	team         int
	speed        float64
	quality      float64
	weight       float64
	from, until  int
}

// staff is the roster. A few agents are clearly better (speed ≈ 0.5,
// quality > 0) or worse (speed ≈ 2, quality < 0) than their peers, so that
// the grades differ. Two pinyin clashes are deliberate (张伟 twice, 王阳 and
// 汪洋): IDs get a digit.
var staff = []agentSpec{
	// care-east (10)
	{"张伟", "zhang.wei", tCareEast, 1.0, 0, 1.3, 0, 0},
	{"王芳", "wang.fang", tCareEast, 0.9, 0.02, 1.2, 0, 0},
	{"李娜", "li.na", tCareEast, 0.45, 0.12, 1.4, 0, 0},
	{"刘洋", "liu.yang", tCareEast, 1.1, 0, 1.0, 0, 0},
	{"陈静", "chen.jing", tCareEast, 0.95, 0.01, 1.1, 0, 0},
	{"杨帆", "yang.fan", tCareEast, 1.05, -0.01, 0.9, 0, 0},
	{"赵磊", "zhao.lei", tCareEast, 1.15, 0, 1.0, 0, 0},
	{"黄丽", "huang.li", tCareEast, 0.85, 0.03, 0.8, 6, 0},
	{"周杰", "zhou.jie", tCareEast, 2.3, -0.14, 1.0, 0, 0},
	{"吴敏", "wu.min", tCareEast, 1.0, 0, 0.6, 0, 0},
	// care-south (9)
	{"徐静", "xu.jing", tCareSouth, 0.95, 0.01, 1.2, 0, 0},
	{"孙浩", "sun.hao", tCareSouth, 1.1, -0.01, 1.1, 0, 0},
	{"马超", "ma.chao", tCareSouth, 1.0, 0, 1.3, 0, 0},
	{"朱婷", "zhu.ting", tCareSouth, 0.9, 0.02, 1.0, 0, 0},
	{"胡军", "hu.jun", tCareSouth, 1.2, 0, 0.9, 0, 0},
	{"郭鹏", "guo.peng", tCareSouth, 2.1, -0.12, 1.0, 0, 0},
	{"何丹", "he.dan", tCareSouth, 1.0, 0.01, 0.8, 0, 12},
	{"王阳", "wang.yang", tCareSouth, 1.05, 0, 0.9, 0, 0},
	{"罗琳", "luo.lin", tCareSouth, 0.95, 0, 0.7, 9, 0},
	// care-vip (6)
	{"高云", "gao.yun", tCareVIP, 0.9, 0.02, 1.0, 0, 0},
	{"梁晨", "liang.chen", tCareVIP, 1.0, 0, 1.0, 0, 0},
	{"宋佳", "song.jia", tCareVIP, 0.5, 0.1, 1.2, 0, 0},
	{"郑爽", "zheng.shuang", tCareVIP, 1.1, -0.01, 0.9, 0, 0},
	{"谢婷婷", "xie.tingting", tCareVIP, 1.0, 0.01, 1.0, 0, 0},
	{"韩雪", "han.xue", tCareVIP, 1.05, 0, 0.8, 0, 0},
	// billing-refund (8)
	{"唐磊", "tang.lei", tBillingRefund, 1.0, 0, 1.2, 0, 0},
	{"冯洁", "feng.jie", tBillingRefund, 0.9, 0.01, 1.1, 0, 0},
	{"于波", "yu.bo", tBillingRefund, 1.1, -0.01, 1.0, 0, 0},
	{"董慧", "dong.hui", tBillingRefund, 0.5, 0.1, 1.3, 0, 0},
	{"萧然", "xiao.ran", tBillingRefund, 1.0, 0, 0.9, 0, 0},
	{"程琳", "cheng.lin", tBillingRefund, 1.2, -0.02, 1.0, 0, 0},
	{"曹阳", "cao.yang", tBillingRefund, 0.95, 0.01, 0.8, 0, 0},
	{"张伟", "zhang.wei", tBillingRefund, 1.0, 0, 1.0, 0, 0},
	// billing-invoice (6)
	{"袁媛", "yuan.yuan", tBillingInvoice, 0.9, 0.01, 1.2, 0, 0},
	{"邓超", "deng.chao", tBillingInvoice, 1.0, 0, 1.0, 0, 0},
	{"许晴", "xu.qing", tBillingInvoice, 1.1, 0, 1.0, 0, 0},
	{"傅强", "fu.qiang", tBillingInvoice, 1.0, 0.01, 0.9, 0, 0},
	{"沈冰", "shen.bing", tBillingInvoice, 0.95, 0, 1.1, 0, 0},
	{"曾琪", "zeng.qi", tBillingInvoice, 1.05, -0.01, 0.8, 0, 0},
	// tech-l1 (9)
	{"彭亮", "peng.liang", tTechL1, 1.0, 0, 1.2, 0, 0},
	{"吕斌", "lyu.bin", tTechL1, 1.1, -0.01, 1.0, 0, 0},
	{"苏明", "su.ming", tTechL1, 0.5, 0.1, 1.3, 0, 0},
	{"卢涛", "lu.tao", tTechL1, 2.0, -0.12, 1.0, 0, 0},
	{"蒋勇", "jiang.yong", tTechL1, 0.95, 0.01, 1.1, 0, 0},
	{"蔡坤", "cai.kun", tTechL1, 1.05, 0, 1.0, 0, 0},
	{"贾宁", "jia.ning", tTechL1, 1.0, 0, 0.9, 0, 0},
	{"丁浩", "ding.hao", tTechL1, 0.9, 0.02, 0.9, 0, 0},
	{"魏来", "wei.lai", tTechL1, 1.15, 0, 0.7, 10, 0},
	// tech-l2 (6)
	{"薛峰", "xue.feng", tTechL2, 0.9, 0.02, 1.2, 0, 0},
	{"叶青", "ye.qing", tTechL2, 1.0, 0, 1.0, 0, 0},
	{"阎军", "yan.jun", tTechL2, 1.1, 0, 1.0, 0, 0},
	{"余杰", "yu.jie", tTechL2, 1.0, 0.01, 1.1, 0, 0},
	{"潘石", "pan.shi", tTechL2, 0.95, 0, 0.9, 0, 0},
	{"杜宇", "du.yu", tTechL2, 1.05, -0.01, 0.8, 0, 0},
	// tech-field (7)
	{"戴军", "dai.jun", tTechField, 1.0, 0, 1.2, 0, 0},
	{"夏雨", "xia.yu", tTechField, 1.1, 0, 1.0, 0, 0},
	{"钟伟", "zhong.wei", tTechField, 0.95, 0.01, 1.1, 0, 0},
	{"汪洋", "wang.yang", tTechField, 1.0, 0, 1.0, 0, 0},
	{"田野", "tian.ye", tTechField, 1.05, -0.01, 0.9, 0, 0},
	{"任远", "ren.yuan", tTechField, 0.9, 0.01, 1.0, 0, 0},
	{"姜山", "jiang.shan", tTechField, 1.2, -0.02, 0.8, 0, 0},
}

// agentIDs holds the unique ID of each staff row; members the staff rows of
// each team.
var (
	agentIDs []string
	members  [numTeams][]int
)

func init() {
	seen := map[string]int{}
	agentIDs = make([]string, len(staff))
	for i, a := range staff {
		seen[a.pinyin]++
		id := a.pinyin
		if n := seen[a.pinyin]; n > 1 {
			id += strconv.Itoa(n)
		}
		agentIDs[i] = id
		members[a.team] = append(members[a.team], i)
	}
}

// Org returns the fixed organization of the demo data. The result is a
// fresh copy; callers may change it.
func Org() Organization {
	o := Organization{
		Departments: append([]Department(nil), departments...),
		Teams:       append([]Team(nil), teams[:]...),
		Bots:        []string{botAutomation, botAutoReply},
	}
	for i, a := range staff {
		o.Agents = append(o.Agents, Agent{ID: agentIDs[i], Name: a.name, Team: teams[a.team].ID})
	}
	return o
}
