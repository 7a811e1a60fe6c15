package weights

import (
	"errors"
	"fmt"
	"math"
	"strconv"

	"gonum.org/v1/gonum/mat"
)

// ConsistencyLimit is the largest CR that is not accepted: a matrix with
// CR ≥ ConsistencyLimit is inconsistent (Saaty's 10 % rule, SPEC §6).
const ConsistencyLimit = 0.10

// MaxAHPSize is the largest matrix AHP accepts, the end of Saaty's RI table.
const MaxAHPSize = 15

// randomIndex is Saaty's random consistency index RI for n = 0…15.
var randomIndex = [MaxAHPSize + 1]float64{
	0, 0, 0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49, 1.51, 1.48, 1.56, 1.57, 1.59,
}

// RandomIndex returns Saaty's random index RI for an n×n matrix: 0 for
// n ≤ 2, the classic table for n = 3…15, and an error above.
func RandomIndex(n int) (float64, error) {
	if n < 0 || n > MaxAHPSize {
		return 0, fmt.Errorf("no random index for %d criteria (AHP supports 1 to %d)", n, MaxAHPSize)
	}
	return randomIndex[n], nil
}

// reciprocalTolerance is how far a_ij·a_ji may be from 1.
const reciprocalTolerance = 1e-6

// AHPResult is the outcome of the analytic hierarchy process for one
// pairwise matrix (SPEC §6).
type AHPResult struct {
	Criteria []string
	Matrix   [][]float64 // a copy of the input

	// Weights is the principal eigenvector normalized to sum 1.
	Weights map[string]float64

	LambdaMax float64 // principal eigenvalue, ≥ n
	CI        float64 // (λmax − n)/(n − 1), 0 for n ≤ 2
	RI        float64 // Saaty's random index for n
	CR        float64 // CI/RI, 0 for n ≤ 2

	// Consistent reports CR < ConsistencyLimit; always true for n ≤ 2.
	Consistent bool
}

// InconsistentError is returned by AHP when CR ≥ ConsistencyLimit. It names
// the judgement a[I][J] (I < J, 0-based) that disagrees most with the
// weights, and Suggest = w_I/w_J, the value that would agree with them.
type InconsistentError struct {
	Result *AHPResult
	I, J   int
	// Suggest is the exact ratio w_I/w_J; the message also gives the
	// nearest value on Saaty's scale.
	Suggest float64
}

func (e *InconsistentError) Error() string {
	r := e.Result
	return fmt.Sprintf("AHP matrix is inconsistent: CR = %.2f ≥ %.2f; the most inconsistent judgement is %q vs %q (a[%d][%d] = %s); a value near %s (%.2f) would be consistent with the others",
		r.CR, ConsistencyLimit, r.Criteria[e.I], r.Criteria[e.J], e.I, e.J, formatCell(r.Matrix[e.I][e.J]),
		formatCell(NearestSaaty(e.Suggest)), e.Suggest)
}

// MatrixError reports a pairwise matrix that AHP cannot use. Row and Col
// are 0-based; Col is -1 when the whole row is wrong (its length), and both
// are -1 when the problem is the matrix as a whole.
type MatrixError struct {
	Row, Col int
	Msg      string
}

func (e *MatrixError) Error() string { return "AHP matrix: " + e.Msg }

// AHP computes weights from a reciprocal pairwise comparison matrix
// (matrix[i][j]: how much more important criteria[i] is than criteria[j],
// on Saaty's 1/9…9 scale). The weights are the principal eigenvector, found
// with gonum's mat.Eigen.
//
// An invalid matrix gives a *MatrixError and no result. A valid matrix with
// CR ≥ ConsistencyLimit gives the full result together with an
// *InconsistentError (which also carries it), so that a caller can still
// print the matrix and its CR.
func AHP(criteria []string, matrix [][]float64) (*AHPResult, error) {
	if err := checkNames("criterion", criteria); err != nil {
		return nil, err
	}
	n := len(criteria)
	if n > MaxAHPSize {
		return nil, &MatrixError{Row: -1, Col: -1, Msg: fmt.Sprintf("%d criteria, AHP supports at most %d (the end of Saaty's random index table)", n, MaxAHPSize)}
	}
	if err := ValidateMatrix(matrix, n); err != nil {
		return nil, err
	}
	res := &AHPResult{
		Criteria: append([]string(nil), criteria...),
		Matrix:   make([][]float64, n),
		Weights:  make(map[string]float64, n),
		RI:       randomIndex[n],
	}
	for i := range matrix {
		res.Matrix[i] = append([]float64(nil), matrix[i]...)
	}
	w, lambda, err := principal(matrix)
	if err != nil {
		return nil, err
	}
	for i, c := range criteria {
		res.Weights[c] = w[i]
	}
	res.LambdaMax = lambda
	if n > 2 {
		// λmax ≥ n for every positive reciprocal matrix; a consistent
		// matrix can come out a rounding error below.
		res.CI = math.Max(0, (lambda-float64(n))/float64(n-1))
		res.CR = res.CI / res.RI
	}
	res.Consistent = res.CR < ConsistencyLimit
	if res.Consistent {
		return res, nil
	}
	ie := &InconsistentError{Result: res}
	worst := -1.0
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			eps := matrix[i][j] * w[j] / w[i]
			if s := eps + 1/eps; s > worst {
				worst, ie.I, ie.J = s, i, j
			}
		}
	}
	ie.Suggest = w[ie.I] / w[ie.J]
	return res, ie
}

// principal returns the principal eigenvector of the positive matrix a,
// normalized to sum 1, and its eigenvalue.
func principal(a [][]float64) ([]float64, float64, error) {
	n := len(a)
	d := mat.NewDense(n, n, nil)
	for i, row := range a {
		d.SetRow(i, row)
	}
	var eig mat.Eigen
	if !eig.Factorize(d, mat.EigenRight) {
		return nil, 0, errors.New("AHP matrix: eigen decomposition did not converge")
	}
	values := eig.Values(nil)
	// By Perron's theorem a positive matrix has one real eigenvalue of
	// largest modulus, with a positive eigenvector; it is also the one with
	// the largest real part.
	k := 0
	for i, v := range values {
		if real(v) > real(values[k]) {
			k = i
		}
	}
	var vecs mat.CDense
	eig.VectorsTo(&vecs)
	w := make([]float64, n)
	sum := 0.0
	for i := range w {
		w[i] = real(vecs.At(i, k))
		sum += w[i]
	}
	for i := range w {
		w[i] = math.Abs(w[i] / sum) // the vector may come out negated
	}
	return w, real(values[k]), nil
}

// ValidateMatrix checks that matrix is an n×n positive reciprocal matrix on
// Saaty's scale: a_ii = 1, 1/9 ≤ a_ij ≤ 9 and a_ij·a_ji = 1 (within 1e-6).
// The error, a *MatrixError, names the first offending cell.
func ValidateMatrix(matrix [][]float64, n int) error {
	if len(matrix) != n {
		return &MatrixError{Row: -1, Col: -1, Msg: fmt.Sprintf("%d rows for %d criteria", len(matrix), n)}
	}
	for i, row := range matrix {
		if len(row) != n {
			return &MatrixError{Row: i, Col: -1, Msg: fmt.Sprintf("row %d has %d values, want %d", i, len(row), n)}
		}
	}
	const lo, hi = 1.0/9 - 1e-9, 9 + 1e-9
	for i, row := range matrix {
		for j, v := range row {
			switch {
			case math.IsNaN(v) || math.IsInf(v, 0):
				return &MatrixError{Row: i, Col: j, Msg: fmt.Sprintf("a[%d][%d] = %v is not a number", i, j, v)}
			case i == j && v != 1:
				return &MatrixError{Row: i, Col: j, Msg: fmt.Sprintf("a[%d][%d] = %s, want 1 on the diagonal", i, j, formatCell(v))}
			case v <= 0:
				return &MatrixError{Row: i, Col: j, Msg: fmt.Sprintf("a[%d][%d] = %s, want a positive value", i, j, formatCell(v))}
			case v < lo || v > hi:
				return &MatrixError{Row: i, Col: j, Msg: fmt.Sprintf("a[%d][%d] = %s is outside Saaty's scale 1/9 to 9", i, j, formatCell(v))}
			}
		}
	}
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			a, b := matrix[i][j], matrix[j][i]
			if math.Abs(a*b-1) > reciprocalTolerance {
				return &MatrixError{Row: j, Col: i, Msg: fmt.Sprintf("a[%d][%d] = %s but a[%d][%d] = %s, want %s",
					i, j, formatCell(a), j, i, formatCell(b), formatReciprocal(a))}
			}
		}
	}
	return nil
}

// saatyScale holds the values of Saaty's scale in increasing order.
var saatyScale = []float64{1.0 / 9, 1.0 / 8, 1.0 / 7, 1.0 / 6, 1.0 / 5, 1.0 / 4, 1.0 / 3, 1.0 / 2, 1, 2, 3, 4, 5, 6, 7, 8, 9}

// NearestSaaty returns the value on Saaty's scale (1/9, …, 1/2, 1, 2, …, 9)
// nearest to x > 0, measured as a ratio (on a log scale), so that 0.48 gives
// 1/2 and 1/0.48 gives 2.
func NearestSaaty(x float64) float64 {
	best, bestDist := saatyScale[0], math.Inf(1)
	lx := math.Log(x)
	for _, s := range saatyScale {
		if d := math.Abs(lx - math.Log(s)); d < bestDist {
			best, bestDist = s, d
		}
	}
	return best
}

// formatCell prints a matrix value as the user most likely wrote it:
// 5, 0.5, or 1/3 for a reciprocal of an integer without a short decimal.
func formatCell(v float64) string {
	s := strconv.FormatFloat(v, 'g', -1, 64)
	if len(s) <= 6 {
		return s
	}
	if v > 0 && v < 1 {
		if k := math.Round(1 / v); math.Abs(k*v-1) < 1e-9 {
			return "1/" + strconv.FormatFloat(k, 'g', -1, 64)
		}
	}
	return strconv.FormatFloat(v, 'g', 4, 64)
}

// formatReciprocal prints 1/v in the form a user would write it.
func formatReciprocal(v float64) string {
	if v >= 1 {
		if v == math.Trunc(v) {
			return "1/" + strconv.FormatFloat(v, 'g', -1, 64)
		}
	}
	return formatCell(1 / v)
}
