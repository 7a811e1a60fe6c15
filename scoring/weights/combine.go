package weights

import (
	"fmt"
	"maps"
	"math"
	"slices"
)

// Combined mixes a subjective weighting (expert or AHP) with an objective
// one (entropy), SPEC §6 combined:
//
//	w_i = α·subjective_i + (1 − α)·objective_i, renormalized to sum 1.
//
// Both maps must name the same criteria. Each is normalized first, so α is
// the share of the subjective weighting even if an input does not add up to
// exactly 1. α must be in [0, 1]: 1 keeps the subjective weights, 0 the
// objective ones.
func Combined(subjective, objective map[string]float64, alpha float64) (map[string]float64, error) {
	if math.IsNaN(alpha) || alpha < 0 || alpha > 1 {
		return nil, fmt.Errorf("combined weights: α = %v is outside [0, 1]", alpha)
	}
	for _, k := range sortedKeys(subjective) {
		if _, ok := objective[k]; !ok {
			return nil, fmt.Errorf("combined weights: %q has a subjective weight but no objective weight", k)
		}
	}
	for _, k := range sortedKeys(objective) {
		if _, ok := subjective[k]; !ok {
			return nil, fmt.Errorf("combined weights: %q has an objective weight but no subjective weight", k)
		}
	}
	s, err := normalized("combined weights: subjective", subjective)
	if err != nil {
		return nil, err
	}
	o, err := normalized("combined weights: objective", objective)
	if err != nil {
		return nil, err
	}
	out := make(map[string]float64, len(s))
	sum := 0.0
	for k := range s {
		out[k] = alpha*s[k] + (1-alpha)*o[k]
		sum += out[k]
	}
	for k := range out {
		out[k] /= sum
	}
	return out, nil
}

// TwoLevel returns metric weights for a two-level scorecard (SPEC §6): the
// weight of metric m in category c is categories[c] × within[c][m]. Each
// level is normalized first (the category weights, and the metric weights
// inside each category), so either may be given in percentages. Every
// category needs metrics, every group of metrics a category, and a metric
// may belong to one category only.
func TwoLevel(categories map[string]float64, within map[string]map[string]float64) (map[string]float64, error) {
	cat, err := normalized("two-level weights: categories", categories)
	if err != nil {
		return nil, err
	}
	for _, c := range sortedKeys(within) {
		if _, ok := categories[c]; !ok {
			return nil, fmt.Errorf("two-level weights: metrics are given for category %q, which has no weight", c)
		}
	}
	out := map[string]float64{}
	owner := map[string]string{}
	for _, c := range sortedKeys(cat) {
		if len(within[c]) == 0 {
			return nil, fmt.Errorf("two-level weights: category %q has no metrics", c)
		}
		m, err := normalized(fmt.Sprintf("two-level weights: category %q", c), within[c])
		if err != nil {
			return nil, err
		}
		for _, k := range sortedKeys(m) {
			if prev, ok := owner[k]; ok {
				return nil, fmt.Errorf("two-level weights: metric %q is in categories %q and %q", k, prev, c)
			}
			owner[k] = c
			out[k] = cat[c] * m[k]
		}
	}
	return out, nil
}

// normalized returns w divided by its sum, refusing an empty map, negative
// or non-finite weights and a zero sum; what prefixes the errors.
func normalized(what string, w map[string]float64) (map[string]float64, error) {
	if len(w) == 0 {
		return nil, fmt.Errorf("%s: no weights", what)
	}
	sum := 0.0
	for _, k := range sortedKeys(w) {
		if err := checkWeight(k, w[k]); err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		sum += w[k]
	}
	if sum == 0 {
		return nil, fmt.Errorf("%s: the weights add up to 0", what)
	}
	out := make(map[string]float64, len(w))
	for k, v := range w {
		out[k] = v / sum
	}
	return out, nil
}

// sortedKeys returns the keys of m in order, for deterministic errors.
func sortedKeys[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}
