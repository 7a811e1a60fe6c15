package scoring

import (
	"github.com/kpidesk/kpidesk/config"
	"github.com/kpidesk/kpidesk/connectors"
	"github.com/kpidesk/kpidesk/scoring/inputs"
)

// CohortInput marks metrics read from input files, not from complaints.
const CohortInput = "input"

// manualMetric is a value supplied per unit and period in an input file
// (SPEC §4 "manual inputs": employee satisfaction, QA sampling, service
// attitude, a 360° review weighted by rater).
type manualMetric struct {
	def  config.InputMetric
	info Info
}

func newManual(def config.InputMetric) *manualMetric {
	info := Info{ID: def.ID, Name: def.Name, NameEN: def.NameEN, Value: ValueScore, Cohort: CohortInput, Higher: true,
		Help: "人工录入的数值（按单位和期间从输入文件读取）。", HelpEN: "A value supplied per unit and period in an input file."}
	if def.Value == "rate" {
		info.Value = ValueRate
	}
	if def.Higher != nil {
		info.Higher = *def.Higher
	}
	if info.Name == "" {
		info.Name = def.ID
	}
	if info.NameEN == "" {
		info.NameEN = def.ID
	}
	if len(def.Raters) > 0 {
		info.Help = "360° 评价：按评价人权重加权平均。"
		info.HelpEN = "360° review: the mean of the raters' values weighted by rater."
	}
	return &manualMetric{def: def, info: info}
}

func (m *manualMetric) Info() Info { return m.info }

// Evaluate is never asked of a complaint: the aggregator skips input
// metrics.
func (m *manualMetric) Evaluate(*connectors.Complaint, *Context) Outcome { return Outcome{} }

// input is the metric's own rows (verdict.go).
func (m *manualMetric) input(*config.Config) string { return m.def.ID }

// finish reads the value: the period's own row, else the mean of the
// values of its months when every month has one (a period the rows do not
// cover is insufficient, never judged on part of it: verdict.go). Numerator
// is the value and the denominator the number of input rows behind it.
func (m *manualMetric) finish(r *MetricResult, unit Unit, p Period, months []string, in *inputs.Set, _ string) {
	*r = MetricResult{Status: StatusInsufficient}
	if v, ok, rows := in.Value(m.def.ID, unit.Key(), p.ID, m.def.Raters); ok {
		r.Status, r.Value, r.Numerator, r.Denominator = StatusOK, ptr(round6(v)), round6(v), float64(len(rows))
		return
	}
	sum, n, rowsN := 0.0, 0, 0
	for _, month := range months {
		if v, ok, rows := in.Value(m.def.ID, unit.Key(), month, m.def.Raters); ok {
			sum += v
			n++
			rowsN += len(rows)
		}
	}
	if n == len(months) && len(months) > 1 {
		v := round6(sum / float64(n))
		r.Status, r.Value, r.Numerator, r.Denominator = StatusOK, ptr(v), v, float64(rowsN)
	}
}
