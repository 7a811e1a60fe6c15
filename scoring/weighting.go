package scoring

import (
	"cmp"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"

	"github.com/kpidesk/kpidesk/config"
	"github.com/kpidesk/kpidesk/internal/reason"
	"github.com/kpidesk/kpidesk/scoring/weights"
)

// weightsFor derives scorecard si's item weights for one period and kind of
// unit (SPEC §6): fixed, expert and AHP do not depend on the data; entropy
// (and combined) is computed across rows, the metric results of the units
// of that kind in the period. Weights sum to 1.
func (e *Engine) weightsFor(si int, rows []map[string]MetricResult) WeightsInForce {
	sc := e.cfg.Scorecards[si]
	w := sc.Weights
	out := WeightsInForce{Method: w.Method}
	names := make([]string, len(sc.Items))
	for i, it := range sc.Items {
		names[i] = it.Metric
	}
	subjective := func(method string) map[string]float64 {
		switch method {
		case "expert":
			m, err := weights.Expert(names, w.Experts)
			if err == nil {
				return m
			}
			out.Why = []reason.Reason{reason.New(reason.ExpertUnusable, reason.Text(err.Error())), reason.New(reason.FixedWeightsUsed)}
		case "ahp":
			res, err := weights.AHP(names, ratios(w.Matrix))
			if res != nil {
				out.AHP = &AHPFigures{LambdaMax: round6(res.LambdaMax), CI: round6(res.CI), RI: round6(res.RI), CR: round6(res.CR),
					Criteria: names, Matrix: ratios(w.Matrix)}
				for _, row := range out.AHP.Matrix {
					for j := range row {
						row[j] = round6(row[j])
					}
				}
				return res.Weights
			}
			out.Why = []reason.Reason{reason.New(reason.AHPUnusable, reason.Text(fmt.Sprint(err))), reason.New(reason.FixedWeightsUsed)}
		}
		return e.fixedWeights(sc)
	}
	var m map[string]float64
	switch w.Method {
	case "expert", "ahp":
		m = subjective(w.Method)
	case "entropy":
		if m = e.entropyWeights(sc, names, rows, &out); m == nil {
			out.Why = append(out.Why, reason.New(reason.FixedWeightsUsed))
			m = e.fixedWeights(sc)
		}
	case "combined":
		subj := subjective(w.Subjective)
		obj := e.entropyWeights(sc, names, rows, &out)
		if obj == nil {
			out.Why = append(out.Why, reason.New(reason.SubjectiveAlone, reason.Term(w.Subjective)))
			m = subj
		} else if c, err := weights.Combined(subj, obj, w.Alpha); err == nil {
			m = c
		} else {
			m = subj
			out.Why = []reason.Reason{reason.New(reason.CombinedUnusable, reason.Text(err.Error()))}
		}
	default:
		m = e.fixedWeights(sc)
	}
	if len(w.Categories) > 0 {
		m = twoLevel(sc, m)
	}
	out.Weights = maps.Clone(m)
	roundWeights(out.Weights)
	out.Note = noteText(out.Why, reason.EN)
	return out
}

// noteText renders the parts of a note on weights in lang, joined as one
// sentence: "" for none. scores.json carries the English one.
func noteText(why []reason.Reason, lang string) string {
	sep := "; "
	if lang != reason.EN {
		sep = "；"
	}
	parts := make([]string, len(why))
	for i, r := range why {
		parts[i] = reason.Render(r, lang)
	}
	return strings.Join(parts, sep)
}

// NoteIn renders the note on the weights in lang (reason.EN, else
// Chinese): why a method fell back, which metrics took no part. Weights
// read back from scores.json carry the English note only.
func (w *WeightsInForce) NoteIn(lang string) string {
	if len(w.Why) == 0 {
		return w.Note
	}
	return noteText(w.Why, lang)
}

// roundWeights rounds weights that add up to 1 to six decimals so that the
// rounded ones add up to exactly 1 as well (the largest remainders round
// up, ties by metric ID): a reader who multiplies the published weights by
// the points gets the total, and full points give 100, never 100.0001.
// Weights that do not add up to 1 are rounded each on its own.
func roundWeights(m map[string]float64) {
	sum := 0.0
	for _, v := range m {
		sum += v
	}
	if math.Abs(sum-1) > 1e-9 {
		for k, v := range m {
			m[k] = round6(v)
		}
		return
	}
	type part struct {
		metric string
		units  int64 // millionths, rounded down
		rest   float64
	}
	parts := make([]part, 0, len(m))
	var total int64
	for k, v := range m {
		u := math.Floor(v * 1e6)
		parts = append(parts, part{k, int64(u), v*1e6 - u})
		total += int64(u)
	}
	slices.SortFunc(parts, func(a, b part) int {
		return cmp.Or(cmp.Compare(b.rest, a.rest), cmp.Compare(a.metric, b.metric))
	})
	for i := 0; total < 1e6 && i < len(parts); i++ {
		parts[i].units++
		total++
	}
	for _, p := range parts {
		m[p.metric] = float64(p.units) / 1e6
	}
}

func ratios(m [][]config.Ratio) [][]float64 {
	out := make([][]float64, len(m))
	for i, row := range m {
		for _, x := range row {
			out[i] = append(out[i], float64(x))
		}
	}
	return out
}

// fixedWeights are the items' weights, divided by their sum when the
// scorecard normalizes (or is two-level, where they are shares within a
// category).
func (e *Engine) fixedWeights(sc config.Scorecard) map[string]float64 {
	sum := 0.0
	for _, it := range sc.Items {
		sum += it.Weight
	}
	m := map[string]float64{}
	for _, it := range sc.Items {
		m[it.Metric] = it.Weight
		if (sc.Weights.Normalize || len(sc.Weights.Categories) > 0) && sum > 0 {
			m[it.Metric] = it.Weight / sum
		}
	}
	return m
}

// entropyWeights runs the entropy method over this period's units. Items
// that fewer than two units have a value for (the complaint rate of agents
// when volume is known per team) take no part and get objective weight 0;
// the units are those with a value for every other item. When nothing is
// left to compare it returns nil and says why in out.Why.
func (e *Engine) entropyWeights(sc config.Scorecard, names []string, rows []map[string]MetricResult, out *WeightsInForce) map[string]float64 {
	if len(rows) < 2 {
		out.Why = []reason.Reason{reason.New(reason.EntropyTooFewUnits, reason.Int(len(rows)))}
		return nil
	}
	has := func(r map[string]MetricResult, n string) bool {
		mr := r[n]
		return mr.Value != nil && mr.Status == StatusOK
	}
	var used, dropped []string
	for _, n := range names {
		count := 0
		for _, r := range rows {
			if has(r, n) {
				count++
			}
		}
		if count >= 2 {
			used = append(used, n)
		} else {
			dropped = append(dropped, n)
		}
	}
	var values [][]float64
	var units []string
	for i, r := range rows {
		row := make([]float64, len(used))
		complete := true
		for j, n := range used {
			if !has(r, n) {
				complete = false
				break
			}
			row[j] = *r[n].Value
		}
		if complete {
			values = append(values, row)
			units = append(units, fmt.Sprint(i))
		}
	}
	opt := weights.EntropyOptions{Normalize: sc.Weights.Entropy, LowerBetter: map[string]bool{}}
	for _, it := range sc.Items {
		if it.Rule.Direction == "lower" && slices.Contains(used, it.Metric) {
			opt.LowerBetter[it.Metric] = true
		}
	}
	res, err := weights.Entropy(used, units, values, opt)
	if err != nil {
		out.Why = []reason.Reason{reason.New(reason.EntropyUnusable, reason.Int(len(units)), reason.Text(err.Error()))}
		return nil
	}
	out.Entropy = &EntropyFigures{Units: len(units), Entropy: map[string]float64{}, Divergence: map[string]float64{}}
	m := map[string]float64{}
	for _, n := range used {
		out.Entropy.Entropy[n] = round6(res.Entropy[n])
		out.Entropy.Divergence[n] = round6(res.Divergence[n])
		m[n] = res.Weights[n]
	}
	for _, n := range dropped {
		m[n] = 0
	}
	if len(dropped) > 0 {
		out.Why = []reason.Reason{reason.New(reason.EntropyDropped, reason.List(dropped...))}
	}
	return m
}

// twoLevel turns item weights into category weight × share within the
// category (SPEC §6 two-level weights).
func twoLevel(sc config.Scorecard, m map[string]float64) map[string]float64 {
	within := map[string]map[string]float64{}
	for _, it := range sc.Items {
		if within[it.Category] == nil {
			within[it.Category] = map[string]float64{}
		}
		within[it.Category][it.Metric] = m[it.Metric]
	}
	cats := map[string]float64{}
	for c, x := range sc.Weights.Categories {
		if _, used := within[c]; used {
			cats[c] = x
		}
	}
	out, err := weights.TwoLevel(cats, within)
	if err != nil {
		return m
	}
	return out
}
