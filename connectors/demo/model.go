package demo

// The behavioural model: who gets what, through which channel, and how fast
// each team answers and resolves. Numbers are tuned so that the realized
// shares land where doc.go says they do.

// Channels (SPEC §2).
const (
	chEmail = iota
	chPortal
	chPhone
	chChat
	chSocial
	chApp
	numChannels
)

var channelNames = [numChannels]string{"email", "portal", "phone", "chat", "social", "app"}

// First response, business seconds: median and log-normal sigma per
// channel. Chat is answered in seconds, email in hours.
var (
	respMedian = [numChannels]float64{3600, 2700, 150, 35, 2400, 2400}
	respSigma  = [numChannels]float64{0.8, 0.8, 0.7, 0.6, 0.9, 0.9}
	// autoReply is the probability of the auto-reply bot's public comment.
	autoReply = [numChannels]float64{0.82, 0.8, 0, 0.45, 0.45, 0.65}
)

// Priority multipliers of response and handling times, in the order of
// connectors.Priorities (urgent, high, normal, low).
var (
	prioResp   = [4]float64{0.35, 0.7, 1, 1.4}
	prioHandle = [4]float64{0.4, 0.75, 1, 1.25}
	prioUp     = [4]int{0, 0, 1, 2} // the next more pressing priority
)

// backlogPerHour is the queue that builds while agents are away: an
// arrival during a closed period waits, after the next opening, up to this
// many business seconds per closed hour (FIFO, drawn uniformly). About 40
// minutes after a night, 2.6 h after a weekend, over a working day after
// the eight days of National Day.
const backlogPerHour = 150

type weighted struct {
	v int
	w float64
}

// teamModel is the behaviour of one team.
// A stalled complaint is closed by automation after autoCloseDays working
// days with this probability, and stays open otherwise.
const (
	autoClose     = 0.9
	autoCloseDays = 5
)

type teamModel struct {
	share      float64 // of all contacts
	promoShare float64 // multiplier during promotions
	channels   [numChannels]float64
	cats       []weighted
	prio       [4]float64
	respF      float64 // first-response multiplier
	handleMed  float64 // median handling time, business hours
	escalate   float64 // probability that a complaint is escalated
	stuck      float64 // probability that a complaint stalls, waiting for the customer
	internal   float64 // probability of an internal note before the first reply
	duty       bool    // keeps a weekend duty rota for first responses
}

var defaultPrio = [4]float64{4, 19, 62, 15}

var teamModels = [numTeams]teamModel{
	tCareEast: {share: 22, promoShare: 1.6, duty: true,
		channels: [numChannels]float64{15, 20, 20, 25, 8, 12},
		cats: []weighted{{cDelivery, 30}, {cProductQuality, 28}, {cUsage, 10}, {cReturn, 8}, {cAccount, 5},
			{cLogisticsDamage, 4}, {cMissingParts, 3}, {cWarranty, 3}, {cServiceAttitude, 3},
			{cPriceProtection, 2}, {cCoupon, 2}, {cMembership, 1.5}, {cInstallation, 1}, {cPrivacy, 0.5}},
		prio: defaultPrio, respF: 1.0, handleMed: 4, escalate: 0.05, stuck: 0.065, internal: 0.2},
	tCareSouth: {share: 20, promoShare: 1.6, duty: true,
		channels: [numChannels]float64{15, 18, 22, 25, 10, 10},
		cats: []weighted{{cDelivery, 32}, {cProductQuality, 26}, {cUsage, 10}, {cReturn, 8}, {cAccount, 5},
			{cLogisticsDamage, 5}, {cMissingParts, 3}, {cWarranty, 3}, {cServiceAttitude, 3},
			{cPriceProtection, 2}, {cCoupon, 2}, {cMembership, 1}, {cInstallation, 1}},
		prio: defaultPrio, respF: 1.1, handleMed: 4.5, escalate: 0.06, stuck: 0.065, internal: 0.2},
	tCareVIP: {share: 6, promoShare: 1.3, duty: true,
		channels: [numChannels]float64{20, 10, 45, 20, 0, 5},
		cats: []weighted{{cProductQuality, 25}, {cDelivery, 20}, {cMembership, 12}, {cReturn, 8}, {cAccount, 6},
			{cServiceAttitude, 6}, {cWarranty, 5}, {cPriceProtection, 5}, {cUsage, 5}, {cPrivacy, 3}, {cCoupon, 2}},
		prio: [4]float64{12, 35, 45, 8}, respF: 0.5, handleMed: 3, escalate: 0.04, stuck: 0.04, internal: 0.3},
	tBillingRefund: {share: 14, promoShare: 1.7, duty: true,
		channels: [numChannels]float64{25, 25, 15, 20, 5, 10},
		cats: []weighted{{cRefund, 55}, {cBilling, 18}, {cPriceProtection, 8}, {cCoupon, 7}, {cReturn, 6},
			{cMembership, 3}},
		prio: defaultPrio, respF: 1.1, handleMed: 9, escalate: 0.07, stuck: 0.1, internal: 0.25},
	tBillingInvoice: {share: 6, promoShare: 1.1,
		channels: [numChannels]float64{55, 30, 10, 5, 0, 0},
		cats:     []weighted{{cInvoice, 50}, {cBilling, 35}, {cRefund, 8}, {cAccount, 4}, {cMembership, 3}},
		prio:     [4]float64{3, 15, 62, 20}, respF: 1.3, handleMed: 6, escalate: 0.03, stuck: 0.065, internal: 0.15},
	tTechL1: {share: 18, promoShare: 1.0, duty: true,
		channels: [numChannels]float64{20, 30, 15, 20, 5, 10},
		cats: []weighted{{cUsage, 35}, {cAccount, 20}, {cLogin, 12}, {cAppBug, 12}, {cProductQuality, 6},
			{cPerformance, 6}, {cPrivacy, 4}, {cDataLoss, 3}, {cIntegration, 2}},
		prio: defaultPrio, respF: 1.0, handleMed: 5, escalate: 0.16, stuck: 0.09, internal: 0.35},
	tTechL2: {share: 5, promoShare: 1.0,
		channels: [numChannels]float64{50, 35, 15, 0, 0, 0},
		cats: []weighted{{cIntegration, 30}, {cAppBug, 20}, {cPerformance, 18}, {cDataLoss, 12}, {cOutage, 12},
			{cUsage, 8}},
		prio: [4]float64{10, 30, 50, 10}, respF: 1.5, handleMed: 18, escalate: 0.04, stuck: 0.15, internal: 0.5},
	tTechField: {share: 9, promoShare: 1.2,
		channels: [numChannels]float64{10, 25, 50, 5, 0, 10},
		cats: []weighted{{cInstallation, 35}, {cProductQuality, 30}, {cWarranty, 20}, {cUsage, 8},
			{cMissingParts, 7}},
		prio: defaultPrio, respF: 1.3, handleMed: 20, escalate: 0.09, stuck: 0.13, internal: 0.3},
}

// promoCategory boosts categories that promotions produce.
func promoCategory(cat int) float64 {
	switch cat {
	case cDelivery:
		return 2.2
	case cRefund, cReturn, cPriceProtection:
		return 1.6
	}
	return 1
}

// tables holds the cumulative distributions derived from the model.
type tables struct {
	team     [3][]float64 // normal, promotion, day off
	cat      [2][numTeams][]float64
	channel  [numTeams][]float64
	prio     [numTeams][]float64
	csatGood []float64
	csatSlow []float64
	csatBad  []float64
}

var tab = buildTables()

func cumulative(w []float64) []float64 {
	out := make([]float64, len(w))
	var sum float64
	for i, x := range w {
		sum += x
		out[i] = sum
	}
	for i := range out {
		out[i] /= sum
	}
	out[len(out)-1] = 1
	return out
}

func buildTables() *tables {
	t := &tables{}
	for p := range 2 {
		w := make([]float64, numTeams)
		for i, m := range teamModels {
			w[i] = m.share
			if p == 1 {
				w[i] *= m.promoShare
			}
		}
		t.team[p] = cumulative(w)
		if p == 0 {
			// Business customers (invoices, Tier 2, field service) rarely
			// write on days off.
			off := make([]float64, numTeams)
			for i, m := range teamModels {
				off[i] = w[i]
				if !m.duty {
					off[i] *= 0.25
				}
			}
			t.team[2] = cumulative(off)
		}
		for i, m := range teamModels {
			w := make([]float64, len(m.cats))
			for k, c := range m.cats {
				w[k] = c.w
				if p == 1 {
					w[k] *= promoCategory(c.v)
				}
			}
			t.cat[p][i] = cumulative(w)
		}
	}
	for i, m := range teamModels {
		t.channel[i] = cumulative(m.channels[:])
		t.prio[i] = cumulative(m.prio[:])
	}
	// CSAT on 1–5: skewed high after a quick resolution, lower when slow
	// (over three working days) and lowest after a reopen.
	t.csatGood = cumulative([]float64{1, 2, 4, 18, 75})
	t.csatSlow = cumulative([]float64{10, 12, 20, 30, 28})
	t.csatBad = cumulative([]float64{20, 20, 25, 20, 15})
	return t
}

// pick returns the index of u in a cumulative distribution.
func pick(cum []float64, u float64) int {
	for i, c := range cum {
		if u < c {
			return i
		}
	}
	return len(cum) - 1
}
