package demo

import (
	"encoding/csv"
	"fmt"
	"hash/fnv"
	"io"
	"math"
	"sort"
	"strconv"
)

// Counts is the number of complaints per team and month ("2025-10") that
// the demo's inputs are made to fit.
type Counts map[[2]string]int

// WriteInputs writes the demo organization's input file (docs/inputs.md):
// business volume ("orders") per team, department and the organization per
// month, at a complaint rate between about 0.2 % and 0.6 % that varies by
// team and drifts by month; an employee satisfaction survey per team and
// month; a QA sampling score per agent and month; and a quarterly 360°
// review per agent by three raters (self, supervisor, qa). Values follow
// from seed and counts only, so the file is deterministic.
func WriteInputs(w io.Writer, seed uint64, counts Counts) error {
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"metric", "unit", "period", "value", "rater"}); err != nil {
		return err
	}
	var months []string
	seen := map[string]bool{}
	for k := range counts {
		if !seen[k[1]] {
			seen[k[1]] = true
			months = append(months, k[1])
		}
	}
	sort.Strings(months)
	org := Org()
	rows := [][]string{}
	num := func(v float64, prec int) string { return strconv.FormatFloat(v, 'f', prec, 64) }
	for _, m := range months {
		deptOrders := map[string]float64{}
		total := 0.0
		for _, t := range org.Teams {
			n := counts[[2]string{t.ID, m}]
			if n == 0 {
				continue
			}
			// The team's rate: its own level, and a slow monthly drift.
			rate := 0.002 + 0.004*hashUnit(seed, "rate", t.ID) + 0.0008*(hashUnit(seed, "drift", t.ID, m)-0.5)
			orders := math.Round(float64(n) / rate)
			deptOrders[t.Department] += orders
			total += orders
			rows = append(rows, []string{"orders", "team:" + t.ID, m, num(orders, 0), ""})
			sat := 0.72 + 0.2*hashUnit(seed, "sat", t.ID, m)
			rows = append(rows, []string{"employee_satisfaction", "team:" + t.ID, m, num(sat, 3), ""})
		}
		for _, d := range org.Departments {
			if deptOrders[d.ID] > 0 {
				rows = append(rows, []string{"orders", "department:" + d.ID, m, num(deptOrders[d.ID], 0), ""})
			}
		}
		if total > 0 {
			rows = append(rows, []string{"orders", "org", m, num(total, 0), ""})
		}
		for _, a := range org.Agents {
			qa := 70 + 28*hashUnit(seed, "qa", a.ID, m)
			rows = append(rows, []string{"qa_score", "agent:" + a.ID, m, num(qa, 1), ""})
		}
	}
	quarters := map[string]bool{}
	for _, m := range months {
		var y, mo int
		if _, err := fmt.Sscanf(m, "%d-%d", &y, &mo); err == nil {
			quarters[fmt.Sprintf("%04d-Q%d", y, (mo-1)/3+1)] = true
		}
	}
	qs := make([]string, 0, len(quarters))
	for q := range quarters {
		qs = append(qs, q)
	}
	sort.Strings(qs)
	for _, q := range qs {
		for _, a := range org.Agents {
			base := 68 + 25*hashUnit(seed, "review", a.ID, q)
			for _, r := range []string{"self", "supervisor", "qa"} {
				v := math.Min(100, base+8*(hashUnit(seed, "rater", a.ID, q, r)-0.3))
				rows = append(rows, []string{"review_360", "agent:" + a.ID, q, num(v, 1), r})
			}
		}
	}
	if err := cw.WriteAll(rows); err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}

// hashUnit is a deterministic number in [0, 1) from the seed and some names.
func hashUnit(seed uint64, parts ...string) float64 {
	h := fnv.New64a()
	fmt.Fprint(h, seed)
	for _, p := range parts {
		h.Write([]byte{0})
		h.Write([]byte(p))
	}
	return float64(h.Sum64()>>11) / (1 << 53)
}
