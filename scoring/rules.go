package scoring

import (
	"math"
	"time"

	"github.com/kpidesk/kpidesk/config"
)

// Points maps a metric value to 0–100 under a rule (SPEC §5). dailyWork
// turns working-day thresholds ("3wd") into business seconds.
func Points(r config.Rule, value float64, dailyWork time.Duration) float64 {
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

// Target returns the value at which a rule gives full points, for display.
func Target(r config.Rule, dailyWork time.Duration) (float64, bool) {
	switch r.Type {
	case "linear", "step":
		return r.Target.Seconds(dailyWork), r.Target.Set
	case "baseline":
		return r.Baseline.Seconds(dailyWork) * (1 + r.Tolerance), r.Baseline.Set
	}
	return 0, false
}
