package demo

import (
	"math"
	"math/rand/v2"
	"sort"
	"time"
)

// Arrivals are placed by stratified inverse-CDF sampling: complaint i
// arrives at F⁻¹((i+u)/N), where F is the cumulative arrival intensity over
// the period (hourly bins) and u is the complaint's own uniform draw. So the
// complaints come out in creation order, each one is a function of (Seed, i)
// alone, and the seasonality follows the intensity exactly at any size.

// hourly arrival profiles (local hour 0–23) on working days and on days off.
var (
	hourWork = [24]float64{0.05, 0.03, 0.02, 0.02, 0.03, 0.06, 0.15, 0.35, 0.8, 1.5, 1.7, 1.5,
		0.9, 1.2, 1.6, 1.6, 1.45, 1.2, 0.7, 0.5, 0.4, 0.3, 0.2, 0.1}
	hourOff = [24]float64{0.1, 0.05, 0.03, 0.03, 0.03, 0.05, 0.1, 0.25, 0.5, 0.8, 1.0, 1.0,
		0.9, 0.9, 1.0, 1.0, 0.95, 0.9, 0.85, 0.85, 0.8, 0.6, 0.4, 0.2}
	// weekday arrival factors, Sunday first; weekends are quiet because
	// most contacts come from working people and business customers.
	weekdayArrival = [7]float64{0.25, 1.12, 1.05, 1.0, 0.98, 0.95, 0.28}
)

// Promotion codes of day.promo.
const (
	promoNone = iota
	promo1111 // Singles' Day, 11 November: the biggest spike of the year
	promo618  // 18 June mid-year sale
)

// planDays fills the arrival intensity, queue load and promotion flags of
// every day. Noise is drawn from the seed so that two seeds differ in shape
// too, not only in detail.
func (c *calendar) planDays(seed uint64, endDay int) {
	noise := rand.New(rand.NewPCG(mix(seed, 0x0da75), 7))
	breakLen, sinceBreak := 0, 99
	for d := range c.days {
		dy := &c.days[d]
		t := time.Unix(c.base+int64(d)*daySec, 0).In(cst)
		_, mon, dd := t.Date()
		f := weekdayArrival[t.Weekday()]
		switch {
		case dy.offDay:
			f = 0.35
		case dy.work && f < 0.5:
			f = 0.9 // adjusted working day
		}
		load := 1.0
		if dy.work {
			if breakLen >= 3 {
				sinceBreak = 0
				f *= 1.35 // customers who waited over the holiday
			}
			switch sinceBreak {
			case 0:
				load = 2.6
			case 1:
				load = 1.8
			case 2:
				load = 1.3
			}
			sinceBreak++
			breakLen = 0
		} else {
			breakLen++
		}
		promo := 1.0
		switch {
		case mon == time.November && dd >= 11:
			k := float64(dd - 11)
			promo = 1 + 1.6*math.Exp(-k/5)
			if k <= 10 {
				dy.promo = promo1111
			}
		case mon == time.June && dd >= 18:
			k := float64(dd - 18)
			promo = 1 + 0.7*math.Exp(-k/4)
			if k <= 7 {
				dy.promo = promo618
			}
		}
		f *= promo
		if dy.work {
			load *= 1 + 0.35*(promo-1)
		}
		growth := 1 + 0.6*float64(d)/float64(max(endDay, 1))
		dy.arrival = f * growth * math.Exp(0.08*noise.NormFloat64())
		dy.load = load
	}
}

// arrivals is the cumulative arrival intensity in hourly bins from start.
type arrivals struct {
	start int64
	end   int64
	cum   []float64 // cum[h]: intensity before bin h; len bins+1
}

func newArrivals(c *calendar, start, end int64) *arrivals {
	bins := int((end - start + 3599) / 3600)
	a := &arrivals{start: start, end: end, cum: make([]float64, bins+1)}
	for h := range bins {
		t := start + int64(h)*3600
		dy := c.day(t)
		hour := (t - c.base) % daySec / 3600
		prof := hourOff[hour]
		if dy.work {
			prof = hourWork[hour]
		}
		a.cum[h+1] = a.cum[h] + dy.arrival*prof
	}
	return a
}

// at returns the arrival instant for quantile q in [0, 1).
func (a *arrivals) at(q float64) int64 {
	n := len(a.cum) - 1
	x := q * a.cum[n]
	h := sort.Search(n, func(k int) bool { return a.cum[k+1] > x })
	h = min(h, n-1)
	w := a.cum[h+1] - a.cum[h]
	frac := (x - a.cum[h]) / w
	return min(a.start+int64(h)*3600+int64(frac*3600), a.end-1)
}

// quantile returns F(t), the share of arrivals before t.
func (a *arrivals) quantile(t int64) float64 {
	n := len(a.cum) - 1
	x := float64(t-a.start) / 3600
	if x <= 0 {
		return 0
	}
	if x >= float64(n) {
		return 1
	}
	h := int(x)
	return (a.cum[h] + (a.cum[h+1]-a.cum[h])*(x-float64(h))) / a.cum[n]
}
