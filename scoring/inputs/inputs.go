package inputs

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
)

// Row is one value: metric for unit in period, optionally by one rater.
type Row struct {
	Metric string  // snake_case: "orders", "employee_satisfaction", "qa_score", "attitude", "review_360"
	Unit   string  // "org:org", "department:ID", "team:ID" or "agent:ID" ("org" is read as "org:org")
	Period string  // "2025-10", "2025-Q4", "2025-H2" or "2025"
	Value  float64 // as written; "87.5%" is read as 0.875
	Rater  string  // "" or a rater role such as self, supervisor, qa
	File   string  // where the row was read
	Line   int
}

// key is what one value is for; rows of one key differ only by rater.
type key struct{ metric, unit, period string }

func (r Row) key() key { return key{r.Metric, r.Unit, r.Period} }

func (k key) String() string { return k.metric + " for " + k.unit + " in " + k.period }

// Set is the input values read from one or more files. A nil *Set is an
// empty set. A Set is not changed after it is made, so it may be shared
// between goroutines.
type Set struct {
	rows  []Row          // sorted by metric, unit, period, rater
	index map[key][2]int // rows[lo:hi] of each key
}

func compareRows(a, b Row) int {
	return cmp.Or(
		strings.Compare(a.Metric, b.Metric),
		strings.Compare(a.Unit, b.Unit),
		strings.Compare(a.Period, b.Period),
		strings.Compare(a.Rater, b.Rater),
	)
}

// newSet takes rows that are already checked: valid fields, no duplicate,
// no key with rows both with and without a rater.
func newSet(rows []Row) *Set {
	slices.SortStableFunc(rows, compareRows)
	s := &Set{rows: rows, index: make(map[key][2]int)}
	for lo := 0; lo < len(rows); {
		k := rows[lo].key()
		hi := lo + 1
		for hi < len(rows) && rows[hi].key() == k {
			hi++
		}
		s.index[k] = [2]int{lo, hi}
		lo = hi
	}
	return s
}

func (s *Set) lookup(k key) []Row {
	if s == nil {
		return nil
	}
	sp, ok := s.index[k]
	if !ok {
		return nil
	}
	return s.rows[sp[0]:sp[1]]
}

// Value returns the metric's value for the unit ("org" is read as
// "org:org") and period, and the rows it comes from, sorted by rater.
//
// A key has either one row without a rater, whose value it is, or rows by
// raters (a 360° review: self, supervisor, qa). Their value is the weighted
// mean over the raters present, Σ wᵣ·vᵣ / Σ wᵣ: a rater with no row is left
// out and the weights of the others renormalized, never counted as 0. With
// weights nil or empty it is the plain mean.
//
// ok is false when no row matches (rows is then nil), and also when the
// weights cannot weigh the rows present: a rater missing from weights, or
// weights that sum to 0 over the raters present. Validate reports both in
// advance, with the file and line of the row.
func (s *Set) Value(metric, unit, period string, weights map[string]float64) (v float64, ok bool, rows []Row) {
	rs := s.lookup(key{metric, NormalizeUnit(unit), period})
	if len(rs) == 0 {
		return 0, false, nil
	}
	rows = slices.Clone(rs)
	if len(rs) == 1 && rs[0].Rater == "" {
		return rs[0].Value, true, rows
	}
	var sum, wsum float64
	for _, r := range rs {
		w := 1.0
		if len(weights) > 0 {
			var found bool
			if w, found = weights[r.Rater]; !found {
				return 0, false, rows
			}
		}
		sum += w * r.Value
		wsum += w
	}
	if !(wsum > 0) {
		return 0, false, rows
	}
	return sum / wsum, true, rows
}

// Metrics returns the names of the metrics in the set, sorted.
func (s *Set) Metrics() []string {
	if s == nil {
		return nil
	}
	var ms []string
	for _, r := range s.rows {
		if len(ms) == 0 || ms[len(ms)-1] != r.Metric {
			ms = append(ms, r.Metric)
		}
	}
	return ms
}

// Rows returns every row, sorted by metric, unit, period and rater.
func (s *Set) Rows() []Row {
	if s == nil {
		return nil
	}
	return slices.Clone(s.rows)
}

// Len returns the number of rows.
func (s *Set) Len() int {
	if s == nil {
		return 0
	}
	return len(s.rows)
}

// Merge returns the union of sets; nil sets are skipped and none is
// changed. When several sets give a value for the same metric, unit and
// period, the last of them wins with all its rows: a corrections file
// merged after the main one replaces a whole 360° review, rather than
// mixing its raters with the old ones. (Load, by contrast, reports such
// overlaps between its files as duplicates.)
func Merge(sets ...*Set) *Set {
	last := make(map[key]*Set)
	for _, s := range sets {
		if s == nil {
			continue
		}
		for k := range s.index {
			last[k] = s
		}
	}
	var rows []Row
	for k, s := range last {
		rows = append(rows, s.lookup(k)...)
	}
	return newSet(rows)
}

// Validate checks the set against rater weights, metric → rater → weight,
// as a scorecard gives them: every row of a weighted metric must have a
// rater with a weight (a row without a rater is a value already combined,
// and is fine), the raters present for one value must not all weigh 0, and
// weights must be finite and not negative. A metric absent from weights,
// or with no weights, is averaged plainly and not checked. The problems are positioned at the
// rows; nil means Value will weigh every value of the set.
func (s *Set) Validate(weights map[string]map[string]float64) error {
	var ps Problems
	for _, m := range sortedKeys(weights) {
		for _, r := range sortedKeys(weights[m]) {
			if w := weights[m][r]; math.IsNaN(w) || math.IsInf(w, 0) || w < 0 {
				ps = append(ps, Problem{Field: "weights." + m + "." + r, Reason: fmt.Sprintf("%v is not a finite weight ≥ 0", w)})
			}
		}
	}
	var rowPs Problems
	if s != nil {
		for k, sp := range s.index {
			ws := weights[k.metric]
			if len(ws) == 0 {
				continue
			}
			rs := s.rows[sp[0]:sp[1]]
			var wsum float64
			known := true
			for _, r := range rs {
				if r.Rater == "" {
					known = false // a single combined value
					continue
				}
				w, ok := ws[r.Rater]
				if !ok {
					known = false
					rowPs = append(rowPs, Problem{File: r.File, Line: r.Line, Field: "rater", Reason: fmt.Sprintf("unknown rater %q for %s (known: %s)", r.Rater, k.metric, strings.Join(sortedKeys(ws), ", "))})
					continue
				}
				wsum += w
			}
			if known && wsum == 0 {
				raters := make([]string, len(rs))
				for i, r := range rs {
					raters[i] = r.Rater
				}
				rowPs = append(rowPs, Problem{File: rs[0].File, Line: rs[0].Line, Field: "rater", Reason: fmt.Sprintf("%s has only raters of weight 0 (%s)", k, strings.Join(raters, ", "))})
			}
		}
	}
	sort.SliceStable(rowPs, func(i, j int) bool {
		a, b := rowPs[i], rowPs[j]
		return cmp.Or(strings.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line), strings.Compare(a.Reason, b.Reason)) < 0
	})
	if ps = append(ps, rowPs...); len(ps) > 0 {
		return ps
	}
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}
