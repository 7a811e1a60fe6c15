package weights

import (
	"errors"
	"fmt"
	"math"
)

// sumTolerance is how far fixed weights may add up from 1 when they are not
// normalized; it matches the config check (weights.normalize).
const sumTolerance = 0.001

// Fixed returns the weights written in the configuration (SPEC §6 fixed).
// With normalize they are divided by their sum, so they may be given in any
// unit (percentages, points); without it they must already add up to 1
// (within 0.001) and are returned as given. Negative, non-finite or
// all-zero weights are an error.
func Fixed(names []string, w []float64, normalize bool) (map[string]float64, error) {
	if err := checkNames("criterion", names); err != nil {
		return nil, err
	}
	if len(w) != len(names) {
		return nil, fmt.Errorf("fixed weights: %d weights for %d names", len(w), len(names))
	}
	sum := 0.0
	for i, v := range w {
		if err := checkWeight(names[i], v); err != nil {
			return nil, fmt.Errorf("fixed weights: %w", err)
		}
		sum += v
	}
	if sum == 0 {
		return nil, errors.New("fixed weights: the weights add up to 0")
	}
	if !normalize && math.Abs(sum-1) > sumTolerance {
		return nil, fmt.Errorf("fixed weights: weights add up to %.4g, not 1 (normalize them to scale)", sum)
	}
	out := make(map[string]float64, len(names))
	for i, n := range names {
		if normalize {
			out[n] = w[i] / sum
		} else {
			out[n] = w[i]
		}
	}
	return out, nil
}

// Expert returns weights from expert scoring (SPEC §6 expert, seed 000
// 专家打分法): scores[e][i] is expert e's importance score for names[i],
// on any non-negative scale shared by the experts. The weight of a
// criterion is its mean score divided by the sum of the means.
func Expert(names []string, scores [][]float64) (map[string]float64, error) {
	if err := checkNames("criterion", names); err != nil {
		return nil, err
	}
	if len(scores) == 0 {
		return nil, errors.New("expert weights: no expert scores")
	}
	mean := make([]float64, len(names))
	for e, row := range scores {
		if len(row) != len(names) {
			return nil, fmt.Errorf("expert weights: expert %d gives %d scores for %d criteria", e, len(row), len(names))
		}
		for i, v := range row {
			if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
				return nil, fmt.Errorf("expert weights: expert %d scores %q %v, want a finite score ≥ 0", e, names[i], v)
			}
			mean[i] += v / float64(len(scores))
		}
	}
	sum := 0.0
	for _, m := range mean {
		sum += m
	}
	if sum == 0 {
		return nil, errors.New("expert weights: every score is 0")
	}
	out := make(map[string]float64, len(names))
	for i, n := range names {
		out[n] = mean[i] / sum
	}
	return out, nil
}

// checkNames rejects an empty list, empty names and duplicates; what names
// the kind of thing in the message.
func checkNames(what string, names []string) error {
	if len(names) == 0 {
		return fmt.Errorf("no %s names", what)
	}
	seen := make(map[string]bool, len(names))
	for i, n := range names {
		if n == "" {
			return fmt.Errorf("%s %d has an empty name", what, i)
		}
		if seen[n] {
			return fmt.Errorf("%s %q is listed twice", what, n)
		}
		seen[n] = true
	}
	return nil
}

// checkWeight rejects a negative or non-finite weight.
func checkWeight(name string, v float64) error {
	if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
		return fmt.Errorf("weight of %q is %v, want a finite weight ≥ 0", name, v)
	}
	return nil
}
