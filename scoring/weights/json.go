package weights

import (
	"encoding/json"
	"math"
)

// ahpJSON is the stable shape of `kpidesk weights ahp --json` (SPEC §12).
type ahpJSON struct {
	Weights    map[string]float64 `json:"weights"`
	LambdaMax  float64            `json:"lambda_max"`
	CI         float64            `json:"ci"`
	RI         float64            `json:"ri"`
	CR         float64            `json:"cr"`
	Consistent bool               `json:"consistent"`
}

// MarshalJSON encodes the result in the shape of SPEC §12:
// {weights: {name: w}, lambda_max, ci, ri, cr, consistent}, with floats
// rounded to 6 decimals so that the output is stable across platforms.
func (r *AHPResult) MarshalJSON() ([]byte, error) {
	return json.Marshal(ahpJSON{
		Weights:    round6Map(r.Weights),
		LambdaMax:  round6(r.LambdaMax),
		CI:         round6(r.CI),
		RI:         round6(r.RI),
		CR:         round6(r.CR),
		Consistent: r.Consistent,
	})
}

// entropyJSON is the stable shape of `kpidesk weights entropy --json`
// (SPEC §12).
type entropyJSON struct {
	Weights    map[string]float64 `json:"weights"`
	Entropy    map[string]float64 `json:"entropy"`
	Divergence map[string]float64 `json:"divergence"`
}

// MarshalJSON encodes the result in the shape of SPEC §12:
// {weights, entropy, divergence}, each keyed by criterion, with floats
// rounded to 6 decimals.
func (r *EntropyResult) MarshalJSON() ([]byte, error) {
	return json.Marshal(entropyJSON{
		Weights:    round6Map(r.Weights),
		Entropy:    round6Map(r.Entropy),
		Divergence: round6Map(r.Divergence),
	})
}

// round6 rounds to 6 decimals and turns −0 into 0.
func round6(x float64) float64 {
	r := math.Round(x*1e6) / 1e6
	if r == 0 {
		return 0
	}
	return r
}

func round6Map(m map[string]float64) map[string]float64 {
	out := make(map[string]float64, len(m))
	for k, v := range m {
		out[k] = round6(v)
	}
	return out
}
