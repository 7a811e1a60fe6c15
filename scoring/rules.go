package scoring

import (
	"math"
	"time"

	"github.com/kpidesk/kpidesk/config"
)

// ruleInput is what a rule may look at: the metric's value, its numerator (the
// incidents of a deduction rule), and the same unit's value in the previous
// period (nil when there is none).
type ruleInput struct {
	Value, Numerator float64
	Previous         *float64
	DailyWork        time.Duration // turns "3wd" into business seconds
}

// rulePoints maps a metric result to 0–100 under any rule of SPEC §5. ok is
// false when the rule cannot judge: change and bonus without a previous
// period (the scorecard then treats the metric as insufficient data).
func rulePoints(r config.Rule, in ruleInput) (points float64, ok bool) {
	clamp := func(p float64) float64 { return math.Max(0, math.Min(100, p)) }
	switch r.Type {
	case "bands":
		for _, b := range r.Bands {
			if (r.Direction == "lower" && in.Value <= b.AtMost.Seconds(in.DailyWork)+1e-12) ||
				(r.Direction != "lower" && in.Value >= b.AtLeast.Seconds(in.DailyWork)-1e-12) {
				return clamp(b.Points), true
			}
		}
		return 0, true
	case "change":
		// Relative change against the previous period; one formula for
		// both directions, as in linear: target -10 %, floor +10 % for a
		// rate that should fall.
		if in.Previous == nil || *in.Previous == 0 {
			return 0, false
		}
		change := (in.Value - *in.Previous) / *in.Previous
		target, floor := r.Target.Number, r.Floor.Number
		if target == floor {
			return 0, false
		}
		return clamp(100 * (change - floor) / (target - floor)), true
	case "bonus":
		if in.Previous == nil {
			return 0, false
		}
		gain := in.Value - *in.Previous
		if r.Direction == "lower" {
			gain = -gain
		}
		limit := r.Cap
		if limit == 0 {
			limit = 100
		}
		steps := 0.0
		if step := r.Step.Seconds(in.DailyWork); step > 0 && gain > 0 {
			steps = math.Floor(gain/step + 1e-9)
		}
		return math.Max(0, math.Min(limit, r.Base+steps*r.Points)), true
	case "deduction":
		return clamp(100 - in.Numerator*r.Points), true
	}
	return valuePoints(r, in.Value, in.DailyWork), true
}

// valuePoints maps a metric value to 0–100 under a rule that needs nothing but
// the value (linear, step, baseline; SPEC §5). dailyWork turns working-day
// thresholds ("3wd") into business seconds.
func valuePoints(r config.Rule, value float64, dailyWork time.Duration) float64 {
	num := func(v config.Value) float64 { return v.Seconds(dailyWork) }
	var p float64
	switch r.Type {
	case "linear":
		// One formula serves both directions: with lower-is-better the
		// target is below the floor and the slope is negative.
		target, floor := num(r.Target), num(r.Floor)
		if target == floor {
			p = 0
			if (r.Direction == "lower" && value <= target) || (r.Direction != "lower" && value >= target) {
				p = 100
			}
			break
		}
		p = 100 * (value - floor) / (target - floor)
	case "step":
		target, step := num(r.Target), num(r.Step)
		short := target - value
		if r.Direction == "lower" {
			short = value - target
		}
		if short <= 0 || step <= 0 {
			p = 100
			break
		}
		// Only whole steps cost points: 85.1 % against 90 % in steps of
		// 5 % has lost no step yet. The epsilon keeps 0.90-0.85 (which is
		// 0.0499999… in binary) a whole step.
		steps := math.Floor(short/step + 1e-9)
		p = 100 - steps*r.Points
	case "baseline":
		base := num(r.Baseline)
		hi, lo := base*(1+r.Tolerance), base*(1-r.Tolerance)
		zero := 2 * base
		if r.Floor.Set {
			zero = num(r.Floor)
		}
		switch {
		case value > hi:
			if zero <= hi {
				p = 0
			} else {
				p = 100 * (zero - value) / (zero - hi)
			}
		case value < lo && r.Direction != "lower":
			// Only a two-sided baseline punishes values far below it;
			// lower-is-better metrics keep full points there.
			if lo <= 0 {
				p = 100
			} else {
				p = 100 * value / lo
			}
		default:
			p = 100
		}
	}
	return math.Max(0, math.Min(100, p))
}
