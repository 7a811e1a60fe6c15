package demo

import "strings"

// Categories. The first six dominate; the rest are a long tail (SPEC §2).
const (
	cProductQuality = iota
	cDelivery
	cBilling
	cRefund
	cUsage
	cAccount
	cInvoice
	cReturn
	cWarranty
	cInstallation
	cLogisticsDamage
	cMissingParts
	cPriceProtection
	cCoupon
	cMembership
	cPrivacy
	cAppBug
	cLogin
	cDataLoss
	cPerformance
	cIntegration
	cOutage
	cServiceAttitude
	numCategories
)

// category describes one category: its ID, a Chinese topic for
// suggestion titles, title templates, and whether it concerns an order
// (and so carries an order_value field).
type category struct {
	id, topic string
	zh, en    []string
	order     bool
	slow      float64 // handling-time multiplier
}

// Title templates: {n} is a small number of days, {a} an amount in yuan,
// {p} a product.
var categories = [numCategories]category{
	cProductQuality: {"product-quality", "产品质量",
		[]string{"{p}收到就有划痕，要求换新", "{p}用了{n}天就坏了", "{p}质量太差，开机异响", "新买的{p}无法开机"},
		[]string{"{p} stopped working after {n} days", "Defective {p} out of the box"}, true, 1.2},
	cDelivery: {"delivery", "物流配送", []string{"快递{n}天未送达，要求退款", "物流信息{n}天没有更新", "快递员未送货上门就签收", "订单显示已签收但没收到货"},
		[]string{"Order not delivered after {n} days", "Tracking not updated for {n} days"}, true, 1.0},
	cBilling: {"billing", "账单费用", []string{"账单多扣了{a}元", "同一笔订单被重复扣款{a}元", "自动续费未经同意扣款"},
		[]string{"Charged twice for the same order ({a} CNY)", "Unexpected charge of {a} CNY"}, true, 1.1},
	cRefund: {"refund", "退款", []string{"退款{n}天仍未到账", "申请退款被拒，要求说明原因", "退款金额少了{a}元"},
		[]string{"Refund not received after {n} days", "Refund amount short by {a} CNY"}, true, 1.4},
	cUsage: {"usage", "使用体验", []string{"{p}的说明书看不懂，不会设置", "{p}怎么连接手机？", "App 里找不到{p}的设置入口"},
		[]string{"How do I pair the {p} with my phone?", "Cannot find settings for {p}"}, false, 0.8},
	cAccount: {"account", "账号", []string{"账号被冻结，无法登录下单", "手机号换了，无法修改绑定", "账号积分{a}分莫名清零"},
		[]string{"Account locked, cannot place orders", "Cannot change phone number on account"}, false, 0.9},
	cInvoice: {"invoice", "发票", []string{"申请电子发票{n}天未开具", "发票抬头开错，要求重开", "增值税专用发票税号错误"},
		[]string{"Invoice not issued after {n} days", "Wrong company name on invoice"}, true, 1.0},
	cReturn: {"return", "退货", []string{"退货申请{n}天无人审核", "上门取件一直没来", "七天无理由退货被拒"},
		[]string{"Return request pending for {n} days", "Pickup for return never came"}, true, 1.1},
	cWarranty: {"warranty", "保修", []string{"{p}在保修期内却要收维修费{a}元", "保修卡丢失，拒绝保修"},
		[]string{"Warranty repair charged {a} CNY"}, true, 1.3},
	cInstallation: {"installation", "安装服务", []string{"{p}预约安装{n}天无人上门", "安装师傅额外收费{a}元"},
		[]string{"Installation appointment missed twice"}, true, 1.5},
	cLogisticsDamage: {"logistics-damage", "运输破损", []string{"{p}外包装破损，机身凹陷", "收到的{p}屏幕碎了"},
		[]string{"{p} arrived damaged"}, true, 1.1},
	cMissingParts: {"missing-parts", "缺件", []string{"{p}少发了配件", "包裹里缺少说明书和充电器"},
		[]string{"Missing parts in {p} package"}, true, 0.9},
	cPriceProtection: {"price-protection", "价格保护", []string{"买完{n}天就降价{a}元，要求价保", "价保申请被驳回"},
		[]string{"Price dropped {a} CNY after purchase"}, true, 0.9},
	cCoupon: {"coupon", "优惠券", []string{"优惠券无法使用", "满减活动没有生效，多付{a}元"},
		[]string{"Coupon not applied at checkout"}, true, 0.7},
	cMembership: {"membership", "会员权益", []string{"会员权益没有兑现", "会员到期未提醒就自动扣费"},
		[]string{"Membership benefits not applied"}, false, 1.0},
	cPrivacy: {"privacy", "隐私", []string{"频繁收到营销电话，要求删除个人信息", "个人信息被泄露"},
		[]string{"Please delete my personal data"}, false, 1.3},
	cAppBug: {"app-bug", "App 故障", []string{"App 更新后闪退", "支付页面一直转圈"},
		[]string{"App crashes after update", "Checkout page keeps loading"}, false, 1.2},
	cLogin: {"login", "登录", []string{"收不到登录验证码", "登录提示密码错误，重置也不行"},
		[]string{"Verification code never arrives"}, false, 0.7},
	cDataLoss: {"data-loss", "数据丢失", []string{"同步后历史数据全部丢失", "设备记录丢失了{n}天"},
		[]string{"Data lost after sync"}, false, 1.8},
	cPerformance: {"performance", "性能", []string{"{p}连接后非常卡顿", "系统响应很慢"},
		[]string{"Very slow response times since {n} days"}, false, 1.5},
	cIntegration: {"integration", "接口对接", []string{"开放接口返回 500 错误", "对接文档与实际接口不一致"},
		[]string{"API returns HTTP 500 on order sync", "Webhook payload does not match docs"}, false, 2.0},
	cOutage: {"outage", "服务中断", []string{"服务中断{n}小时，影响业务", "门店系统全部无法下单"},
		[]string{"Service outage affecting our stores"}, false, 1.6},
	cServiceAttitude: {"service-attitude", "服务态度", []string{"客服态度恶劣，要求道歉", "客服挂断电话"},
		[]string{"Rude agent hung up on me"}, false, 0.9},
}

// suggestionZH are templates for suggestions; some are angry in wording
// (SPEC §2: an angry suggestion is still not a complaint).
var suggestionZH = []string{
	"建议改进{t}流程",
	"关于{t}的一点建议",
	"你们的{t}流程太烂了！建议简化",
	"希望{t}能支持线上办理",
}

var suggestionEN = []string{"Suggestion: improve {t}", "Your {t} process is terrible, please simplify it!"}

var inquiryZH = []string{"请问{t}怎么办理？", "咨询{t}相关政策", "{t}需要多长时间？"}

var inquiryEN = []string{"Question about {t}"}

var productsZH = []string{"扫地机器人", "空气净化器", "蓝牙耳机", "智能手表", "电饭煲", "洗衣机", "路由器", "冰箱", "投影仪", "电动牙刷"}
var productsEN = []string{"robot vacuum", "air purifier", "earbuds", "smart watch", "rice cooker", "washer", "router", "fridge", "projector", "toothbrush"}

// Hostile strings (SPEC §11): they must come out escaped on every page and
// in every export. Each appears at a fixed residue modulo hostileMod, so
// every run of at least hostileMod complaints contains all of them.
const hostileMod = 997

var hostileTitles = []string{
	`<script>alert("x")</script>`,
	`=HYPERLINK("http://evil.example","click")`,
	`+SUM(A1)`,
	`@cmd`,
	longTitle(),
	`Tom & Jerry's "refund" <b>not</b> received & ignored`,
	"订单附件 \u202Eexe.txt 无法打开",
	"第一行\r\n第二行 | 表格 | `code` **粗体** [link](javascript:alert(1))",
	`-1+1 refund'; DROP TABLE complaints;--`,
}

var hostileCustomers = []string{
	`<img src=x onerror=alert(1)>`,
	`=cmd|' /C calc'!A0`,
	`O'Brien & "Sons" <ceo@example.com>`,
	"\u202Eredivorp",
}

// hostileLabel is the one label value that needs escaping.
const hostileLabel = `<i>vip</i>&"x"`

func longTitle() string {
	const unit = "超长标题测试 Very long title "
	var b strings.Builder
	for n := 0; n < 400; {
		for _, r := range unit {
			if n == 400 {
				break
			}
			b.WriteRune(r)
			n++
		}
	}
	return b.String()
}

var familyNames = []string{"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹"}
var givenNames = []string{"伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀兰", "霞", "平", "刚", "桂英", "浩然", "子涵", "欣怡", "梓轩", "雨桐", "宇", "晨"}
var westernNames = []string{"Emily Chen", "David Wong", "Sarah Li", "Michael Zhang", "Anna Liu", "Kevin Ho", "Grace Lin", "Tom Müller"}

var organizations = []string{
	"上海锦程贸易有限公司", "深圳市华科电子有限公司", "杭州云帆网络科技有限公司", "北京启明教育科技有限公司",
	"广州市美佳家居有限公司", "成都天府餐饮管理有限公司", "南京恒远物流有限公司", "苏州博雅酒店管理有限公司",
	"武汉长江医疗器械有限公司", "厦门海鑫进出口有限公司", "Smith & Sons Trading Ltd.", "Acme \"Global\" Retail",
	"青岛蓝海连锁超市", "宁波东方五金有限公司", "重庆山城便利店连锁", "西安古城文旅集团",
}

var csatCommentsGood = []string{"处理很快，谢谢！", "客服很耐心", "问题解决了，满意", "Quick and helpful, thanks", "非常专业"}
var csatCommentsBad = []string{"等了一个星期才解决", "问题反复出现，很失望", "客服推来推去", "Took far too long & nobody called back", "差评！！！"}
