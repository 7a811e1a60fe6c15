package weights_test

import (
	"errors"
	"fmt"

	"github.com/kpidesk/kpidesk/scoring/weights"
)

// The criteria of Wikipedia's "Analytic hierarchy process – leader
// example": experience is 4 times as important as education, 3 times as
// important as charisma and 7 times as important as age, and so on.
func ExampleAHP() {
	criteria := []string{"experience", "education", "charisma", "age"}
	res, err := weights.AHP(criteria, [][]float64{
		{1, 4, 3, 7},
		{1.0 / 4, 1, 1.0 / 3, 3},
		{1.0 / 3, 3, 1, 5},
		{1.0 / 7, 1.0 / 3, 1.0 / 5, 1},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range criteria {
		fmt.Printf("%-10s %.3f\n", c, res.Weights[c])
	}
	fmt.Printf("λmax = %.3f, CI = %.3f, RI = %.2f, CR = %.3f, consistent: %v\n",
		res.LambdaMax, res.CI, res.RI, res.CR, res.Consistent)
	// Output:
	// experience 0.548
	// education  0.127
	// charisma   0.270
	// age        0.056
	// λmax = 4.118, CI = 0.039, RI = 0.90, CR = 0.044, consistent: true
}

// Judgements that agree with weights 0.1, 0.2, 0.3, 0.25, 0.15 (a_ij =
// w_i/w_j) except one: response time is rated 5 times as important as
// CSAT, where the others imply 0.4. The suggestion is computed from the
// weights of the inconsistent matrix, so it moves the judgement towards
// the others rather than all the way; applying it is enough here.
func ExampleAHP_inconsistent() {
	w := []float64{0.1, 0.2, 0.3, 0.25, 0.15}
	m := make([][]float64, len(w))
	for i := range w {
		m[i] = make([]float64, len(w))
		for j := range w {
			m[i][j] = w[i] / w[j]
		}
	}
	m[0][3], m[3][0] = 5, 1.0/5
	criteria := []string{"response time", "handling time", "FTR", "CSAT", "escalation"}
	_, err := weights.AHP(criteria, m)
	var ie *weights.InconsistentError
	if !errors.As(err, &ie) {
		fmt.Println("consistent")
		return
	}
	fmt.Println(err)

	s := weights.NearestSaaty(ie.Suggest)
	m[ie.I][ie.J], m[ie.J][ie.I] = s, 1/s
	res, err := weights.AHP(criteria, m)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("with a[%d][%d] = %v: CR = %.3f, consistent: %v\n", ie.I, ie.J, s, res.CR, res.Consistent)
	// Output:
	// AHP matrix is inconsistent: CR = 0.20 ≥ 0.10; the most inconsistent judgement is "response time" vs "CSAT" (a[0][3] = 5); a value near 1 (1.40) would be consistent with the others
	// with a[0][3] = 1: CR = 0.023, consistent: true
}

// Four teams measured on three metrics in one period. Under sum the shares
// of rates and scores near their ceiling hardly differ, so the metric with
// the widest relative spread (handling hours) takes most of the weight;
// minmax rescales every metric to its own range first (handling hours are
// lower-better, so their scale is reversed).
func ExampleEntropy() {
	criteria := []string{"response_rate", "handling_hours", "csat"}
	units := []string{"north", "south", "east", "west"}
	values := [][]float64{
		{0.93, 5.1, 88},
		{0.88, 7.4, 91},
		{0.97, 4.2, 85},
		{0.90, 6.0, 88},
	}
	for _, norm := range []string{"sum", "minmax"} {
		res, err := weights.Entropy(criteria, units, values, weights.EntropyOptions{
			Normalize:   norm,
			LowerBetter: map[string]bool{"handling_hours": true},
		})
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(norm)
		for _, c := range criteria {
			fmt.Printf("  %-14s e = %.4f  w = %.3f\n", c, res.Entropy[c], res.Weights[c])
		}
	}
	// Output:
	// sum
	//   response_rate  e = 0.9995  w = 0.030
	//   handling_hours e = 0.9845  w = 0.957
	//   csat           e = 0.9998  w = 0.013
	// minmax
	//   response_rate  e = 0.6832  w = 0.390
	//   handling_hours e = 0.7547  w = 0.302
	//   csat           e = 0.7500  w = 0.308
}
