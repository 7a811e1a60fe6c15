package scoring

import (
	"math"
	"slices"
	"sync"

	"github.com/kpidesk/kpidesk/config"
	"github.com/kpidesk/kpidesk/internal/reason"
	"github.com/kpidesk/kpidesk/scoring/calendar"
	"github.com/kpidesk/kpidesk/scoring/interval"
	"gonum.org/v1/gonum/stat/distuv"
)

// How sure each number is (SPEC §7, issue 11 §5).
//
// Every interval is at ConfidenceLevel:
//   - a rate k/n (hits of the judged complaints; for complaint_rate the
//     complaints of the orders, when the volume is a whole number not
//     below them) has its Wilson score interval, Interval;
//   - a duration's median and p90 have distribution-free order-statistic
//     intervals, MedianInterval and P90Interval, when the sample is large
//     enough (interval.MinQuantileN: 6 for the median, 36 for p90);
//   - a mean (the value of a duration or of csat, which is what their rules
//     score) has the Student t interval mean ± t(n−1)·s/√n, MeanInterval,
//     from MinMeanN values up: a mean of skewed durations is near normal
//     only for samples that large (the central limit theorem's rule of
//     thumb), and no distribution-free interval for a mean exists without
//     bounds on the values. It is clipped to what the value can be: a
//     duration is never below 0 and a score never outside 0–100.
//
// No interval is made up: without enough data a number has none. Counts
// (volume, backlog) and manual inputs have none either.
//
// A graded scorecard is borderline when moving one metric's scored value
// anywhere within its interval (Interval for a rate, MeanInterval for a
// duration or csat), everything else fixed, would move the final across
// a grade boundary: the metric's points are recomputed with its rule
// (RulePoints, with the same numerator and previous value), the total
// changes by the item's weight times the change in points, and the final
// is that total times the same coefficient. A metric without an interval,
// without points of its own (insufficient, not applicable) or with points
// set by an appeal cannot move. The service star applies the same test:
// an eligible agent whose highest final with one metric moved reaches the
// winner's lowest is tied with the winner.

// confidenceLevel is the two-sided level of every interval: 95 %.
const confidenceLevel = 0.95

// minMeanN is the smallest sample whose mean gets an interval.
const minMeanN = 30

// intervals fills r's intervals; sorted holds the metric's measured values
// in increasing order (durations and scores).
func intervals(info Info, r *MetricResult, sorted []float64) {
	if info.Cohort == CohortInput || r.Value == nil {
		return // a manual value is not an estimate from a sample
	}
	switch info.Value {
	case ValueRate:
		r.Interval = wilson(r.Numerator, r.Denominator)
	case ValueDuration:
		r.MedianInterval = quantileInterval(sorted, 0.5)
		r.P90Interval = quantileInterval(sorted, 0.9)
		r.MeanInterval = meanInterval(sorted, 0, math.Inf(1))
	case ValueScore:
		r.MeanInterval = meanInterval(sorted, 0, 100)
	}
}

// wilson returns the Wilson interval of k of n, or nil unless both are
// whole numbers with 0 ≤ k ≤ n, n > 0: a complaint rate over a volume
// that is not a count of orders is not a proportion.
func wilson(k, n float64) *[2]float64 {
	ki, ni := math.Round(k), math.Round(n)
	if ki != k || ni != n || ki < 0 || ki > ni || ni <= 0 || ni > math.MaxInt32 {
		return nil
	}
	lo, hi, ok := interval.Wilson(int(ki), int(ni), confidenceLevel)
	if !ok {
		return nil
	}
	return &[2]float64{round6(lo), round6(hi)}
}

// rankCache holds QuantileRanks by sample size and quantile: many units
// share a sample size, and a rank search costs a few dozen incomplete beta
// evaluations.
var rankCache sync.Map // rankKey → [2]int (zero when there is no interval)

type rankKey struct {
	n int
	q float64
}

// quantileInterval returns the order-statistic interval of the q-quantile
// of sorted, or nil when the sample is too small for one.
func quantileInterval(sorted []float64, q float64) *[2]float64 {
	n := len(sorted)
	if n == 0 {
		return nil
	}
	key := rankKey{n, q}
	v, ok := rankCache.Load(key)
	if !ok {
		var ranks [2]int
		if lo, hi, _, ok := interval.QuantileRanks(n, q, confidenceLevel); ok {
			ranks = [2]int{lo, hi}
		}
		v, _ = rankCache.LoadOrStore(key, ranks)
	}
	ranks := v.([2]int)
	if ranks[0] == 0 {
		return nil
	}
	return &[2]float64{round6(sorted[ranks[0]-1]), round6(sorted[ranks[1]-1])}
}

// tCache holds the Student t critical values by degrees of freedom.
var tCache sync.Map // int → float64

// meanInterval returns the t interval of the mean of xs, clipped to
// [min, max], or nil for fewer than MinMeanN values.
func meanInterval(xs []float64, lo, hi float64) *[2]float64 {
	n := len(xs)
	if n < minMeanN {
		return nil
	}
	// One pass over the values shifted by their middle one, which keeps
	// the sum of squares from cancelling: Σ(x−m)² = Σd² − (Σd)²/n.
	shift := xs[n/2]
	var sd, sd2 float64
	for _, x := range xs {
		d := x - shift
		sd += d
		sd2 += d * d
	}
	nf := float64(n)
	mean := shift + sd/nf
	ss := max(0, sd2-sd*sd/nf)
	v, ok := tCache.Load(n - 1)
	if !ok {
		v, _ = tCache.LoadOrStore(n-1, distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(n - 1)}.Quantile(1-(1-confidenceLevel)/2))
	}
	half := v.(float64) * math.Sqrt(ss/(nf-1)/nf)
	return &[2]float64{round6(max(lo, mean-half)), round6(min(hi, mean+half))}
}

// reach is how far a scorecard's final can go with one of its metrics
// moved within its interval: the lowest and the highest final over the
// metrics, one at a time.
type reach struct{ lo, hi float64 }

// confidence marks the borderline scorecards of s and returns every
// graded scorecard's reach, for the service star. results holds the metric
// results by unit key and period ID, for the rules that compare with the
// previous period. It runs once, after all scorecards are built.
func (a *aggregate) confidence(s *Scores, results map[[2]string]map[string]MetricResult) map[*Scorecard]reach {
	cfg := a.e.cfg
	defs := map[[2]string]*config.Scorecard{}
	for i := range cfg.Scorecards {
		sc := &cfg.Scorecards[i]
		defs[[2]string{sc.ID, sc.EffectiveFrom}] = sc
	}
	infos := make(map[string]Info, len(a.infos))
	for i, id := range a.metrics {
		infos[id] = a.infos[i]
	}
	prevOf := map[string]string{}
	for _, p := range s.Periods {
		first := monthOf(calendar.DateOf(p.Start.In(a.orgLoc)))
		prevOf[p.ID] = periodOf(p.Kind, first-1, a.orgLoc).ID
	}
	daily := a.e.DefaultCalendar().DailyWork()
	out := make(map[*Scorecard]reach, len(s.Scorecards))
	for i := range s.Scorecards {
		sc := &s.Scorecards[i]
		def := defs[[2]string{sc.Scorecard, sc.Version}]
		if def == nil || sc.Final == nil || sc.Total == nil || sc.Coefficient == nil {
			continue
		}
		prev := results[[2]string{sc.Unit.Key(), prevOf[sc.Period]}]
		grade := gradeOf(cfg.Grades, *sc.Final)
		rc := reach{*sc.Final, *sc.Final}
		for _, it := range def.Items {
			r, ok := sc.Metrics[it.Metric]
			if !ok || r.Points == nil || r.Status != StatusOK {
				continue
			}
			if _, _, set := a.appeals.override(sc.Unit.Key(), sc.Period, sc.Scorecard, it.Metric); set {
				continue
			}
			iv := scoredInterval(infos[it.Metric], &r)
			if iv == nil {
				continue
			}
			in := ruleInput{Value: *r.Value, Numerator: r.Numerator, DailyWork: daily}
			if pr, ok := prev[it.Metric]; ok && pr.Value != nil && pr.Status == StatusOK {
				in.Previous = pr.Value
			}
			pmin, pmax, ok := pointsWithin(it.Rule, in, iv)
			if !ok {
				continue
			}
			lo := (*sc.Total + r.Weight*(pmin-*r.Points)) * *sc.Coefficient
			hi := (*sc.Total + r.Weight*(pmax-*r.Points)) * *sc.Coefficient
			rc.lo, rc.hi = min(rc.lo, lo), max(rc.hi, hi)
			if gradeOf(cfg.Grades, lo) != grade || gradeOf(cfg.Grades, hi) != grade {
				sc.Borderline = true
				sc.BorderlineMetrics = append(sc.BorderlineMetrics, it.Metric)
			}
		}
		out[sc] = rc
	}
	return out
}

// scoredInterval is the interval of the value a rule scores: the Wilson
// interval of a rate, the t interval of the mean of a duration or score.
func scoredInterval(info Info, r *MetricResult) *[2]float64 {
	switch info.Value {
	case ValueRate:
		return r.Interval
	case ValueDuration, ValueScore:
		return r.MeanInterval
	}
	return nil
}

// pointsWithin returns the least and the most points rule gives to a value
// anywhere in iv. Every rule is monotone in the value except baseline
// (highest on its plateau) and bands (a table in any order), so the
// extremes lie at iv's ends or at one of the rule's thresholds inside it;
// each candidate is a value the metric could take, so the range is never
// wider than the rule allows.
func pointsWithin(rule config.Rule, in ruleInput, iv *[2]float64) (lo, hi float64, ok bool) {
	cands := []float64{iv[0], iv[1], in.Value}
	num := func(v config.Value) float64 { return v.Seconds(in.DailyWork) }
	cands = append(cands, num(rule.Target), num(rule.Floor))
	if rule.Baseline.Set {
		b := num(rule.Baseline)
		cands = append(cands, b*(1-rule.Tolerance), b*(1+rule.Tolerance))
	}
	for _, b := range rule.Bands {
		cands = append(cands, num(b.AtLeast), num(b.AtMost))
	}
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, v := range cands {
		if v < iv[0] || v > iv[1] {
			continue
		}
		moved := in
		moved.Value = v
		p, ok := rulePoints(rule, moved)
		if !ok {
			return 0, 0, false
		}
		lo, hi = min(lo, p), max(hi, p)
	}
	return lo, hi, true
}

// tieStar lists in st.Tied the rivals (the month's other agents eligible
// for the star) whose highest final with one metric moved within its
// interval reaches the winner's lowest: the lead does not survive the
// borderline test, and the reason says so.
func tieStar(st *Star, winner *Scorecard, rivals []*Scorecard, reaches map[*Scorecard]reach) {
	floor := *winner.Final
	if r, ok := reaches[winner]; ok {
		floor = r.lo
	}
	var tied []*Scorecard
	for _, sc := range rivals {
		if sc == winner || sc.Final == nil {
			continue
		}
		top := *sc.Final
		if r, ok := reaches[sc]; ok {
			top = r.hi
		}
		if top >= floor-1e-9 {
			tied = append(tied, sc)
		}
	}
	if len(tied) == 0 {
		return
	}
	slices.SortFunc(tied, func(x, y *Scorecard) int {
		if better(x, y) {
			return -1
		}
		return 1
	})
	var ids []string
	for _, sc := range tied {
		st.Tied = append(st.Tied, sc.Unit)
		if len(ids) < 3 {
			ids = append(ids, sc.Unit.ID)
		}
	}
	if more := len(tied) - len(ids); more > 0 {
		st.Why = append(st.Why, reason.New(reason.StarTiedMore, reason.List(ids...), reason.Int(more), reason.Points(floor)))
		return
	}
	st.Why = append(st.Why, reason.New(reason.StarTied, reason.List(ids...), reason.Points(floor)))
}
