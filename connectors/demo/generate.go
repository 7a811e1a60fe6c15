package demo

import (
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"time"

	"github.com/kpidesk/kpidesk/connectors"
)

// Random streams: complaint i draws its header (arrival, team, category,
// customer) and its body (everything else) from two PCG streams seeded by
// (Seed, i). The header stream is separate so that a repeat complaint can
// recompute the header of the earlier complaint it repeats.
const (
	streamHeader = 0x4ea0
	streamBody   = 0xb0d7
)

// Repeats: pRepeat of the contacts are deliberate repeats of an earlier
// contact of the same customer and category within repeatDays.
const (
	pRepeat    = 0.1
	repeatDays = 27.5
	maxDepth   = 32
)

// mix is SplitMix64 of a combined with b: a cheap, well-distributed seed.
func mix(a, b uint64) uint64 {
	z := a + 0x9E3779B97F4A7C15*(b+1)
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
	z = (z ^ (z >> 27)) * 0x94D049BB133111EB
	return z ^ (z >> 31)
}

func seedStream(p *rand.PCG, seed uint64, i int, stream uint64) {
	hi := mix(seed, uint64(i))
	p.Seed(hi, mix(hi, stream))
}

func unit(p *rand.PCG) float64 { return float64(p.Uint64()>>11) / (1 << 53) }

// header is what a repeat complaint shares with the complaint it repeats.
type header struct {
	t0     int64 // creation, unix seconds
	team   int
	cat    int
	cust   int // index into the customer pool
	repeat bool
}

// hostileCustomerAt returns which hostile customer complaint i is forced to
// have, or -1.
func hostileCustomerAt(i int) int {
	r := i % hostileMod
	for k := range hostileCustomers {
		if r == 53+89*k {
			return k
		}
	}
	return -1
}

// hostileCustomerResidue is the residue (mod hostileMod) of the pool
// indices of hostile customer k.
func hostileCustomerResidue(k int) int { return 11 + 7*k }

func (s *Source) header(i, depth int) header {
	var p rand.PCG
	seedStream(&p, s.seed, i, streamHeader)
	h := header{t0: s.arr.at((float64(i) + unit(&p)) / float64(s.size))}
	forced := hostileCustomerAt(i)
	if i > 0 && depth < maxDepth && forced < 0 && unit(&p) < pRepeat {
		gap := 0.05 + repeatDays*math.Pow(unit(&p), 1.6) // days, mostly short
		j := int(s.arr.quantile(h.t0-int64(gap*daySec)) * float64(s.size))
		j = max(0, min(j, i-1))
		e := s.header(j, depth+1)
		h.team, h.cat, h.cust, h.repeat = e.team, e.cat, e.cust, true
		return h
	}
	dy := s.cal.day(h.t0)
	promo := 0
	if dy.promo != promoNone {
		promo = 1
	}
	mixture := promo
	if !dy.work {
		mixture = 2
	}
	h.team = pick(tab.team[mixture], unit(&p))
	h.cat = teamModels[h.team].cats[pick(tab.cat[promo][h.team], unit(&p))].v
	if forced >= 0 {
		h.cust = hostileCustomerResidue(forced) + hostileMod*int(unit(&p)*float64(s.pool/hostileMod))
	} else {
		h.cust = int(unit(&p) * float64(s.pool))
	}
	return h
}

// customer returns the identity and organization of pool customer c.
func (s *Source) customer(c int) (name, org string) {
	h := mix(s.seed^0xc057, uint64(c))
	r := c % hostileMod
	switch {
	case r >= hostileCustomerResidue(0) && r <= hostileCustomerResidue(len(hostileCustomers)-1) &&
		(r-hostileCustomerResidue(0))%7 == 0:
		name = hostileCustomers[(r-hostileCustomerResidue(0))/7]
	case h%20 == 0:
		name = westernNames[(h>>8)%uint64(len(westernNames))]
	default:
		name = familyNames[(h>>8)%uint64(len(familyNames))] + givenNames[(h>>16)%uint64(len(givenNames))]
	}
	var buf [48]byte
	b := append(buf[:0], name...)
	b = append(b, " (C"...)
	b = appendPadded(b, c, 7)
	b = append(b, ')')
	if (h>>32)%5 == 0 {
		org = organizations[(h>>40)%uint64(len(organizations))]
	}
	return string(b), org
}

func appendPadded(b []byte, n, width int) []byte {
	var d [20]byte
	s := strconv.AppendInt(d[:0], int64(n), 10)
	for k := len(s); k < width; k++ {
		b = append(b, '0')
	}
	return append(b, s...)
}

// pickAgent picks an agent of team active in month m, by workload weight.
func (s *Source) pickAgent(team, m int, r *rand.Rand) int {
	var total float64
	for _, a := range members[team] {
		if active(&staff[a], m) {
			total += staff[a].weight
		}
	}
	u := r.Float64() * total
	last := members[team][0]
	for _, a := range members[team] {
		if !active(&staff[a], m) {
			continue
		}
		last = a
		if u -= staff[a].weight; u < 0 {
			return a
		}
	}
	return last
}

func active(a *agentSpec, m int) bool {
	return m >= a.from && (a.until == 0 || m < a.until)
}

// evt is an event under construction; seq keeps insertion order on ties.
type evt struct {
	at     int64
	seq    int
	kind   connectors.EventKind
	actor  string
	role   connectors.Role
	public bool
	from   string
	to     string
}

// gen generates complaints; each worker has its own.
type gen struct {
	s   *Source
	pcg *rand.PCG
	r   *rand.Rand
	ev  []evt
	buf []byte
}

func newGen(s *Source) *gen {
	p := rand.NewPCG(0, 0)
	return &gen{s: s, pcg: p, r: rand.New(p), ev: make([]evt, 0, 32), buf: make([]byte, 0, 512)}
}

func (g *gen) add(at int64, kind connectors.EventKind, actor string, role connectors.Role, public bool, from, to string) {
	g.ev = append(g.ev, evt{at: at, seq: len(g.ev), kind: kind, actor: actor, role: role, public: public, from: from, to: to})
}

func (g *gen) lognorm(median, sigma float64) float64 {
	return median * math.Exp(sigma*g.r.NormFloat64())
}

// complaint generates complaint i into c.
func (g *gen) complaint(i int, c *connectors.Complaint) {
	s, cal := g.s, g.s.cal
	h := s.header(i, 0)
	seedStream(g.pcg, s.seed, i, streamBody)
	r := g.r
	g.ev = g.ev[:0]
	t0 := h.t0
	tm := &teamModels[h.team]
	cat := &categories[h.cat]
	dy := cal.day(t0)

	kind := connectors.KindComplaint
	switch u := r.Float64(); {
	case u < 0.10:
		kind = connectors.KindSuggestion
	case u < 0.15:
		kind = connectors.KindInquiry
	}
	isComplaint := kind == connectors.KindComplaint
	prio := pick(tab.prio[h.team], r.Float64())
	ch := pick(tab.channel[h.team], r.Float64())
	working := cal.working(t0)
	if !working {
		// Live channels are closed: an off-hours chat becomes a portal
		// message, a call an email from the voicemail.
		switch ch {
		case chChat:
			ch = chPortal
		case chPhone:
			ch = chEmail
		}
	}
	ai := s.pickAgent(h.team, dy.month, r)
	sp := &staff[ai]
	agent := agentIDs[ai]
	cust, org := s.customer(h.cust)

	// Automation at creation.
	if r.Float64() < autoReply[ch] {
		g.add(t0+3+r.Int64N(50), connectors.EventComment, botAutoReply, connectors.RoleBot, true, "", "")
	}
	if h.team == tCareVIP {
		g.add(t0+2, connectors.EventLabel, botAutomation, connectors.RoleBot, false, "", "vip")
	}
	switch {
	case dy.promo == promo1111 && cat.order:
		g.add(t0+2, connectors.EventLabel, botAutomation, connectors.RoleBot, false, "", "promo-1111")
	case dy.promo == promo618 && cat.order:
		g.add(t0+2, connectors.EventLabel, botAutomation, connectors.RoleBot, false, "", "promo-618")
	}
	if i%hostileMod == 7 {
		g.add(t0+4, connectors.EventLabel, botAutomation, connectors.RoleBot, false, "", hostileLabel)
	}

	// First response: the arrival waits for the next opening and the queue
	// that built up while agents were away, then a log-normal delay.
	startBus := cal.busAt(t0)
	if !working {
		gap := cal.fromBus(startBus) - t0
		startBus += int64(r.Float64() * float64(gap) / 3600 * backlogPerHour)
	}
	load := cal.day(cal.fromBus(startBus)).load
	fr := g.lognorm(respMedian[ch], respSigma[ch]) * tm.respF * sp.speed * prioResp[prio]
	if !isComplaint {
		fr *= 1.3
	}
	frBus := startBus + int64(max(5, min(fr*load, 20*workPerDy)))
	tFR := cal.fromBus(frBus)
	if tm.duty && tFR-t0 > 12*3600 {
		// The weekend duty rota answers first; the work waits for Monday.
		for from, to, ok := cal.duty(t0, tFR); ok; from, to, ok = cal.duty(to, tFR) {
			if at := from + int64(max(5, fr*1.5)); at < to {
				tFR = min(tFR, at)
				break
			}
		}
	}

	if r.Float64() < 0.01 {
		// Never answered: only the customer chases.
		for k := range 1 + r.IntN(2) {
			g.add(t0+int64((1+float64(k)*2+r.Float64())*daySec), connectors.EventComment, cust, connectors.RoleCustomer, true, "", "")
		}
		g.finish(i, c, h, kind, prio, ch, agent, cust, org)
		return
	}

	if tFR-t0 > 20*3600 && r.Float64() < 0.5 {
		g.add(t0+int64(float64(tFR-t0)*(0.3+0.5*r.Float64())), connectors.EventComment, cust, connectors.RoleCustomer, true, "", "")
	}
	if r.Float64() < tm.internal && tFR-t0 > 2 {
		at := cal.fromBus(startBus + int64(r.Float64()*float64(frBus-startBus)))
		at = max(t0+1, min(at, tFR-1))
		g.add(at, connectors.EventComment, agent, connectors.RoleAgent, false, "", "")
	}
	if tFR-t0 > 2 {
		g.add(tFR-1, connectors.EventStatus, agent, connectors.RoleAgent, false, "open", "in progress")
	}
	g.add(tFR, connectors.EventComment, agent, connectors.RoleAgent, true, "", "")

	// Handling: a log-normal number of business hours from the opening.
	hb := g.lognorm(tm.handleMed*3600*cat.slow, 0.95) * math.Pow(sp.speed, 0.6) * prioHandle[prio] * load
	if !isComplaint {
		hb *= 0.6
	}
	escalated := isComplaint && r.Float64() < tm.escalate*(1-3*sp.quality)
	if escalated {
		hb *= 1.8
	}
	n := 1
	if r.Float64() >= min(0.97, max(0.55, 0.91+1.2*sp.quality)) {
		n = 2
		if r.Float64() < 0.25 {
			n = 3
		}
	}
	if escalated {
		n = max(n, 2)
	}
	resBus := startBus + int64(min(hb, 60*workPerDy))
	if n == 1 {
		resBus = max(resBus, frBus+60+r.Int64N(840))
	} else if lo := frBus + int64(n)*1800; resBus < lo {
		resBus = lo + r.Int64N(3600)
	}
	var replyBus [3]int64
	replyBus[0] = frBus
	for k := 1; k < n; k++ {
		replyBus[k] = frBus + int64(float64(resBus-frBus)*(float64(k)+(r.Float64()-0.5)*0.6)/float64(n))
	}

	replier := agent
	escBus := int64(never)
	if escalated {
		escBus = frBus + int64(float64(replyBus[1]-frBus)*(0.2+0.6*r.Float64()))
		tEsc := cal.fromBus(escBus)
		to := ""
		if h.team == tTechL1 || h.team == tTechField {
			to = teams[tTechL2].ID
		}
		g.add(tEsc, connectors.EventEscalated, agent, connectors.RoleAgent, false, "", to)
		if to != "" {
			replier = agentIDs[s.pickAgent(tTechL2, dy.month, r)]
			g.add(tEsc+1, connectors.EventAssignment, agent, connectors.RoleAgent, false, agent, replier)
			g.add(tEsc+2, connectors.EventComment, replier, connectors.RoleAgent, false, "", "")
		}
		if r.Float64() < 0.5 {
			g.add(tEsc+3, connectors.EventLabel, agent, connectors.RoleAgent, false, "", "escalated")
		}
		if prio != 0 && r.Float64() < 0.3 {
			up := prioUp[prio]
			g.add(tEsc+4, connectors.EventPriority, agent, connectors.RoleAgent, false, connectors.Priorities[prio], connectors.Priorities[up])
			prio = up
		}
	} else if prio != 0 && r.Float64() < 0.02 {
		// The customer pushes: priority raised without an escalation, so
		// that the "priority increase" definition of escalation differs.
		up := prioUp[prio]
		g.add(cal.fromBus(frBus+600), connectors.EventPriority, agent, connectors.RoleAgent, false, connectors.Priorities[prio], connectors.Priorities[up])
		prio = up
	}

	prev := tFR
	for k := 1; k < n; k++ {
		at := cal.fromBus(replyBus[k])
		if r.Float64() < 0.7 && at-prev > 60 {
			g.add(prev+int64(float64(at-prev)*(0.1+0.5*r.Float64())), connectors.EventComment, cust, connectors.RoleCustomer, true, "", "")
		}
		who := agent
		if replyBus[k] > escBus {
			who = replier
		}
		g.add(at, connectors.EventComment, who, connectors.RoleAgent, true, "", "")
		prev = at
	}

	stuck := r.Float64() < tm.stuck*(1-2*sp.quality)
	if stuck {
		waiting := prev + 60
		g.add(waiting, connectors.EventStatus, replier, connectors.RoleAgent, false, "in progress", "waiting for customer")
		// Most stalled complaints are closed by automation after a working
		// week without an answer from the customer, as helpdesks are set up
		// to; the rest stay open, the old backlog.
		if r.Float64() < autoClose {
			at := cal.fromBus(cal.busAt(waiting) + autoCloseDays*workPerDy)
			g.add(at, connectors.EventResolved, botAutomation, connectors.RoleBot, false, "waiting for customer", "resolved")
		}
		g.finish(i, c, h, kind, prio, ch, agent, cust, org)
		return
	}
	tRes := cal.fromBus(resBus)
	g.add(tRes, connectors.EventResolved, replier, connectors.RoleAgent, false, "in progress", "resolved")

	reopens := 0
	if r.Float64() < 0.065*(1-4*sp.quality) {
		reopens = 1
		if r.Float64() < 0.1 {
			reopens = 2
		}
	}
	for range reopens {
		tReo := tRes + int64(min(max(g.lognorm(2*daySec, 0.8), 2*3600), 25*daySec))
		g.add(tReo, connectors.EventComment, cust, connectors.RoleCustomer, true, "", "")
		g.add(tReo+30, connectors.EventReopened, botAutomation, connectors.RoleBot, false, "resolved", "reopened")
		rb := cal.busAt(tReo+30) + int64(g.lognorm(2*3600, 0.8)*sp.speed)
		g.add(cal.fromBus(rb), connectors.EventComment, replier, connectors.RoleAgent, true, "", "")
		rb += 60 + int64(g.lognorm(3*3600, 1.0)*sp.speed)
		tRes = cal.fromBus(rb)
		g.add(tRes, connectors.EventResolved, replier, connectors.RoleAgent, false, "reopened", "resolved")
	}

	if tRes < s.end && r.Float64() < 0.8 {
		g.add(tRes+60+r.Int64N(540), connectors.EventComment, botAutomation, connectors.RoleBot, true, "", "")
		if r.Float64() < 0.42 {
			at := tRes + int64((18+36*r.Float64())*3600)
			if at < s.end {
				c.CSAT = g.csat(at, reopens > 0, float64(cal.busAt(tRes)-startBus)/workPerDy, sp.quality)
			}
		}
	}
	g.finish(i, c, h, kind, prio, ch, agent, cust, org)
}

// csat draws a rating: high after a quick resolution, lower when slow,
// lowest after a reopen; good agents nudge it up, poor ones down.
func (g *gen) csat(at int64, reopened bool, busDays, quality float64) *connectors.CSAT {
	r := g.r
	cum := tab.csatGood
	switch {
	case reopened:
		cum = tab.csatBad
	case busDays > 3:
		cum = tab.csatSlow
	}
	v := pick(cum, r.Float64()) + 1
	if r.Float64() < math.Abs(quality)*3 {
		if quality > 0 {
			v = min(5, v+1)
		} else {
			v = max(1, v-1)
		}
	}
	out := &connectors.CSAT{Value: float64(v), Scale: 5, At: time.Unix(at, 0).UTC()}
	if r.Float64() < 0.2 {
		if v >= 4 {
			out.Comment = csatCommentsGood[r.IntN(len(csatCommentsGood))]
		} else {
			out.Comment = csatCommentsBad[r.IntN(len(csatCommentsBad))]
		}
	}
	return out
}

// finish fills the complaint from the events gathered so far: it sorts
// them, cuts those after the end of the data, and derives the fields.
func (g *gen) finish(i int, c *connectors.Complaint, h header, kind string, prio, ch int, agent, cust, org string) {
	s := g.s
	r := g.r
	ev := g.ev
	// Insertion sort: few events, mostly in order already.
	for a := 1; a < len(ev); a++ {
		for b := a; b > 0 && (ev[b].at < ev[b-1].at || ev[b].at == ev[b-1].at && ev[b].seq < ev[b-1].seq); b-- {
			ev[b], ev[b-1] = ev[b-1], ev[b]
		}
	}
	kept := 0
	for kept < len(ev) && ev[kept].at < s.end {
		kept++
	}
	events := make([]connectors.Event, kept)
	var labels []string
	for k, e := range ev[:kept] {
		events[k] = connectors.Event{At: time.Unix(e.at, 0).UTC(), Kind: e.kind, Actor: e.actor, Role: e.role,
			Public: e.public, From: e.from, To: e.to}
		if e.kind == connectors.EventLabel && !slices.Contains(labels, e.to) {
			labels = append(labels, e.to)
		}
	}

	b := append(g.buf[:0], "https://helpdesk.example.com/browse/DEMO-"...)
	b = strconv.AppendInt(b, int64(i), 10)
	url := string(b)
	b = append(g.buf[:0], "demo:"...)
	b = appendPadded(b, i, 6)
	id := string(b)
	title := g.title(i, h, kind) // reuses g.buf
	tm := teams[h.team]
	*c = connectors.Complaint{
		ID:           id,
		Source:       "demo",
		Key:          url[len("https://helpdesk.example.com/browse/"):],
		URL:          url,
		Title:        title,
		Kind:         kind,
		Category:     categories[h.cat].id,
		Channel:      channelNames[ch],
		Priority:     connectors.Priorities[prio],
		Customer:     cust,
		Organization: org,
		Assignee:     agent,
		Team:         tm.ID,
		Department:   tm.Department,
		CreatedAt:    time.Unix(h.t0, 0).UTC(),
		UpdatedAt:    time.Unix(h.t0, 0).UTC(),
		Labels:       labels,
		Events:       events,
		CSAT:         c.CSAT,
	}
	if kept > 0 {
		c.UpdatedAt = events[kept-1].At
	}
	if categories[h.cat].order {
		c.Fields = map[string]any{"order_value": math.Round(g.lognorm(260, 0.9)*100) / 100}
		if h.cat == cRefund {
			c.Fields["refund_dispute"] = r.Float64() < 0.05
		}
	}
	connectors.Derive(events).Apply(c)
}

// title builds the complaint's title from the category's templates, or a
// hostile string at fixed residues (SPEC §11).
func (g *gen) title(i int, h header, kind string) string {
	r := i % hostileMod
	for k, t := range hostileTitles {
		if r == 101+97*k {
			return t
		}
	}
	rr := g.r
	en := rr.Float64() < 0.22
	cat := &categories[h.cat]
	var tpl string
	switch kind {
	case connectors.KindSuggestion:
		tpl = choose(rr, suggestionZH, suggestionEN, en)
	case connectors.KindInquiry:
		tpl = choose(rr, inquiryZH, inquiryEN, en)
	default:
		tpl = choose(rr, cat.zh, cat.en, en)
	}
	b := g.buf[:0]
	if h.repeat && kind == connectors.KindComplaint && rr.Float64() < 0.5 {
		if en {
			b = append(b, "Again: "...)
		} else {
			b = append(b, "【再次投诉】"...)
		}
	}
	for k := 0; k < len(tpl); k++ {
		if tpl[k] != '{' || k+2 >= len(tpl) || tpl[k+2] != '}' {
			b = append(b, tpl[k])
			continue
		}
		switch tpl[k+1] {
		case 'n':
			b = strconv.AppendInt(b, int64(2+rr.IntN(14)), 10)
		case 'a':
			b = strconv.AppendInt(b, int64(10*(1+rr.IntN(300))), 10)
		case 'p':
			if en {
				b = append(b, productsEN[rr.IntN(len(productsEN))]...)
			} else {
				b = append(b, productsZH[rr.IntN(len(productsZH))]...)
			}
		case 't':
			if en {
				b = append(b, cat.id...)
			} else {
				b = append(b, cat.topic...)
			}
		}
		k += 2
	}
	g.buf = b
	return string(b)
}

func choose(r *rand.Rand, zh, en []string, useEN bool) string {
	if useEN && len(en) > 0 {
		return en[r.IntN(len(en))]
	}
	return zh[r.IntN(len(zh))]
}
