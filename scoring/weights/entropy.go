package weights

import (
	"errors"
	"fmt"
	"math"
)

// Normalizations accepted in EntropyOptions.Normalize.
const (
	NormalizeSum    = "sum"
	NormalizeMinMax = "minmax"
)

// EntropyOptions tunes Entropy.
type EntropyOptions struct {
	// Normalize is how a column becomes shares: NormalizeSum (the default
	// when empty) or NormalizeMinMax.
	Normalize string
	// LowerBetter marks criteria where less is better (response time,
	// complaint rate). Under minmax their rescaled values are reversed,
	// 1 − z. Under sum direction does not enter: the shares x/Σx spread
	// the same whichever end is better, as in the published examples.
	// Every key must be a criterion.
	LowerBetter map[string]bool
}

// EntropyResult is the outcome of the entropy method (SPEC §6).
type EntropyResult struct {
	Criteria []string
	Units    []string

	Weights    map[string]float64 // w_j = d_j / Σ d
	Entropy    map[string]float64 // e_j in [0, 1]
	Divergence map[string]float64 // d_j = 1 − e_j

	// Constant lists, in criteria order, the criteria that do not vary
	// over the units (including all-zero ones). Their weight is 0.
	Constant []string
}

// Entropy computes objective weights from values[u][j], the value of
// criteria[j] for units[u] (m units × n criteria), by the entropy method;
// the formulas are in the package documentation. At least two units are
// needed (ln m would be 0) and at least one criterion must vary. Under the
// default sum normalization a negative value is an error naming its unit
// and criterion.
func Entropy(criteria, units []string, values [][]float64, opt EntropyOptions) (*EntropyResult, error) {
	if err := checkNames("criterion", criteria); err != nil {
		return nil, fmt.Errorf("entropy weights: %w", err)
	}
	m, n := len(units), len(criteria)
	if m < 2 {
		return nil, fmt.Errorf("entropy weights: %d unit(s), the entropy method needs at least 2", m)
	}
	if err := checkNames("unit", units); err != nil {
		return nil, fmt.Errorf("entropy weights: %w", err)
	}
	if len(values) != m {
		return nil, fmt.Errorf("entropy weights: %d rows of values for %d units", len(values), m)
	}
	norm := opt.Normalize
	switch norm {
	case "":
		norm = NormalizeSum
	case NormalizeSum, NormalizeMinMax:
	default:
		return nil, fmt.Errorf("entropy weights: unknown normalization %q (known: sum, minmax)", opt.Normalize)
	}
	index := make(map[string]int, n)
	for j, c := range criteria {
		index[c] = j
	}
	for _, c := range sortedKeys(opt.LowerBetter) {
		if _, ok := index[c]; !ok {
			return nil, fmt.Errorf("entropy weights: lower-better criterion %q is not among the criteria", c)
		}
	}
	for u, row := range values {
		if len(row) != n {
			return nil, fmt.Errorf("entropy weights: unit %q has %d values for %d criteria", units[u], len(row), n)
		}
		for j, v := range row {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("entropy weights: unit %q, criterion %q: %v is not a number", units[u], criteria[j], v)
			}
			if norm == NormalizeSum && v < 0 {
				return nil, fmt.Errorf("entropy weights: unit %q, criterion %q: %v is negative (sum normalization needs values ≥ 0; use minmax)", units[u], criteria[j], v)
			}
		}
	}

	res := &EntropyResult{
		Criteria:   append([]string(nil), criteria...),
		Units:      append([]string(nil), units...),
		Weights:    make(map[string]float64, n),
		Entropy:    make(map[string]float64, n),
		Divergence: make(map[string]float64, n),
	}
	k := 1 / math.Log(float64(m))
	d := make([]float64, n)
	sumD := 0.0
	for j, c := range criteria {
		lo, hi, sum := values[0][j], values[0][j], 0.0
		for u := range values {
			v := values[u][j]
			lo, hi = math.Min(lo, v), math.Max(hi, v)
			sum += v
		}
		if lo == hi {
			// No variation: e = 1 under sum (every share is 1/m); an
			// all-zero column and a minmax column have no shares at all.
			res.Constant = append(res.Constant, c)
			res.Entropy[c] = 1
			continue
		}
		var scale, shift float64 // z = (v − shift) · scale, then p = z/Σz
		switch {
		case norm == NormalizeSum:
			shift, scale = 0, 1/sum
		case opt.LowerBetter[c]:
			// (hi − v)/(hi − lo), summed over the units
			shift, scale = hi, -1/(float64(m)*hi-sum)
		default:
			shift, scale = lo, 1/(sum-float64(m)*lo)
		}
		e := 0.0
		for u := range values {
			if p := (values[u][j] - shift) * scale; p > 0 {
				e -= p * math.Log(p)
			}
		}
		e *= k
		// e ≤ 1 in exact arithmetic; keep rounding from making d negative.
		e = math.Min(e, 1)
		res.Entropy[c] = e
		d[j] = 1 - e
		sumD += d[j]
	}
	if len(res.Constant) == n || sumD <= 0 {
		return nil, errors.New("entropy weights: no criterion varies across the units")
	}
	for j, c := range criteria {
		res.Divergence[c] = d[j]
		res.Weights[c] = d[j] / sumD
	}
	return res, nil
}
