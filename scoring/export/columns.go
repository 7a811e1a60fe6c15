package export

import (
	"fmt"
	"strings"
	"time"

	"github.com/kpidesk/kpidesk/connectors"
	"github.com/kpidesk/kpidesk/scoring"
)

// kind is the type of a column: how Parquet stores it and CSV prints it.
type kind uint8

const (
	kText  kind = iota + 1 // UTF-8 string
	kFloat                 // 64-bit float
	kInt                   // 64-bit integer
	kBool                  // boolean
	kTime                  // instant, UTC, millisecond precision
)

// column is one column of a table.
type column struct {
	name string
	kind kind
	// required columns are never null; the others may be.
	required bool
	// dict asks Parquet for dictionary encoding: a text column with few
	// distinct values (teams, results).
	dict bool
}

// cell is one value of a row; ok is false for null.
type cell struct {
	s  string
	f  float64
	i  int64
	t  time.Time
	b  bool
	ok bool
}

func text(s string) cell     { return cell{s: s, ok: s != ""} }
func float(f float64) cell   { return cell{f: f, ok: true} }
func integer(n int) cell     { return cell{i: int64(n), ok: true} }
func boolean(b bool) cell    { return cell{b: b, ok: true} }
func stamp(t time.Time) cell { return cell{t: t.UTC(), ok: !t.IsZero()} }

// floatPtr is *p, or null for nil.
func floatPtr(p *float64) cell {
	if p == nil {
		return cell{}
	}
	return float(*p)
}

// bound is one end of an interval, or null without one.
func bound(iv *[2]float64, i int) cell {
	if iv == nil {
		return cell{}
	}
	return float(iv[i])
}

// The tables, their folders and the partition key of each.
const (
	// ComplaintsTable has one row per complaint, partitioned by the month
	// it was created in (month=YYYY-MM).
	ComplaintsTable = "complaints"
	// UnitMetricsTable has one row per scorecard × unit × period × metric,
	// partitioned by period (period=2025-10, period=2025-Q4, …).
	UnitMetricsTable = "unit_metrics"
)

// complaintFields are the complaint table's columns before the metrics'.
var complaintFields = []column{
	{name: "id", kind: kText, required: true},
	{name: "source", kind: kText, dict: true},
	{name: "key", kind: kText},
	{name: "url", kind: kText},
	{name: "title", kind: kText},
	{name: "kind", kind: kText, required: true, dict: true},
	{name: "category", kind: kText, dict: true},
	{name: "channel", kind: kText, dict: true},
	{name: "priority", kind: kText, dict: true},
	{name: "status", kind: kText, required: true, dict: true},
	{name: "agent", kind: kText, dict: true},
	{name: "team", kind: kText, dict: true},
	{name: "department", kind: kText, dict: true},
	{name: "assignee", kind: kText, dict: true},
	{name: "created_at", kind: kTime, required: true},
	{name: "first_response_at", kind: kTime},
	{name: "resolved_at", kind: kTime},
	{name: "month", kind: kText, required: true, dict: true},
	{name: "resolved_month", kind: kText, dict: true},
	{name: "snapshot_first", kind: kText, dict: true},
	{name: "snapshot_last", kind: kText, dict: true},
	{name: "reopens", kind: kInt, required: true},
	{name: "escalated", kind: kBool, required: true},
}

// Suffixes of the three columns each metric adds to the complaint table.
const (
	resultSuffix = "_result"
	valueSuffix  = "_value"
	reasonSuffix = "_reason"
)

// complaintMetrics are the metrics with an outcome per complaint, in the
// catalogue's order: a metric fed by an input file (CohortInput) has none.
func complaintMetrics(infos []scoring.Info) []scoring.Info {
	var out []scoring.Info
	for _, m := range infos {
		if m.Cohort != scoring.CohortInput {
			out = append(out, m)
		}
	}
	return out
}

// complaintColumns are the complaint table's columns: the fields, then per
// metric its result, value and reason code. A name used twice (a custom
// metric called like a field) is an error.
func complaintColumns(metrics []scoring.Info) ([]column, error) {
	cols := append([]column(nil), complaintFields...)
	for _, m := range metrics {
		cols = append(cols,
			column{name: m.ID + resultSuffix, kind: kText, dict: true},
			column{name: m.ID + valueSuffix, kind: kFloat},
			column{name: m.ID + reasonSuffix, kind: kText, dict: true})
	}
	seen := map[string]bool{}
	for _, c := range cols {
		if seen[c.name] {
			return nil, fmt.Errorf("export: two columns would be called %q: rename the metric", c.name)
		}
		seen[c.name] = true
	}
	return cols, nil
}

// Results of a complaint's metric, as the complaint table writes them:
// scoring's, with a measured value called "measured".
const resultMeasured = "measured"

// complaintRow fills row (len(cols)) with one complaint: ev is its
// evidence line, c the complaint as scoring judged it (rewound to as_of,
// corrected by accepted appeals).
func complaintRow(row []cell, ev *scoring.Evidence, c *connectors.Complaint, asOf time.Time, metrics []scoring.Info) []cell {
	row = row[:0]
	status := "open"
	resolvedAt := c.ResolvedAt
	if resolvedAt.After(asOf) {
		resolvedAt = time.Time{}
	}
	if !resolvedAt.IsZero() {
		status = "resolved"
	}
	firstResponse := c.FirstResponseAt
	if firstResponse.After(asOf) {
		firstResponse = time.Time{}
	}
	var snapFirst, snapLast string
	if s, ok := ev.Periods[scoring.CohortSnapshot]; ok {
		snapFirst, snapLast, _ = strings.Cut(s, "..")
	}
	row = append(row,
		cell{s: ev.ID, ok: true}, text(c.Source), text(ev.Key), text(ev.URL), text(ev.Title),
		cell{s: ev.Kind, ok: true}, text(c.Category), text(c.Channel), text(c.Priority), cell{s: status, ok: true},
		text(ev.Agent), text(ev.Team), text(ev.Department), text(c.Assignee),
		cell{t: c.CreatedAt.UTC(), ok: true}, stamp(firstResponse), stamp(resolvedAt),
		cell{s: ev.Periods[scoring.CohortCreated], ok: true}, text(ev.Periods[scoring.CohortResolved]),
		text(snapFirst), text(snapLast),
		integer(c.Reopens), boolean(c.Escalated))
	for _, m := range metrics {
		o, ok := ev.Outcomes[m.ID]
		if !ok || o.Result == "" {
			row = append(row, cell{}, cell{}, cell{})
			continue
		}
		result, value := o.Result, cell{}
		if o.Result == scoring.Measured {
			result, value = resultMeasured, float(o.Seconds)
		}
		row = append(row, text(result), value, text(o.Reason.Code.Name()))
	}
	return row
}

// unitColumns are the unit table's columns, as scores.csv names them, with
// the period's kind and bounds.
var unitColumns = []column{
	{name: "scorecard", kind: kText, required: true, dict: true},
	{name: "secondary", kind: kBool, required: true},
	{name: "period", kind: kText, required: true, dict: true},
	{name: "period_kind", kind: kText, required: true, dict: true},
	{name: "period_start", kind: kTime, required: true},
	{name: "period_end", kind: kTime, required: true},
	{name: "partial", kind: kBool, required: true},
	{name: "unit_kind", kind: kText, required: true, dict: true},
	{name: "unit_id", kind: kText, required: true, dict: true},
	{name: "unit_name", kind: kText, dict: true},
	{name: "metric", kind: kText, required: true, dict: true},
	{name: "value", kind: kFloat},
	{name: "numerator", kind: kFloat, required: true},
	{name: "denominator", kind: kFloat, required: true},
	{name: "median", kind: kFloat},
	{name: "p90", kind: kFloat},
	{name: "points", kind: kFloat},
	{name: "weight", kind: kFloat, required: true},
	{name: "status", kind: kText, required: true, dict: true},
	{name: "interval_low", kind: kFloat},
	{name: "interval_high", kind: kFloat},
	{name: "median_low", kind: kFloat},
	{name: "median_high", kind: kFloat},
	{name: "p90_low", kind: kFloat},
	{name: "p90_high", kind: kFloat},
	{name: "total", kind: kFloat},
	{name: "coefficient", kind: kFloat},
	{name: "final", kind: kFloat},
	{name: "grade", kind: kText, dict: true},
	{name: "scorecard_status", kind: kText, required: true, dict: true},
	{name: "borderline", kind: kBool, required: true},
}

// unitRow fills row with one metric of one scorecard.
func unitRow(row []cell, sc *scoring.Scorecard, p scoring.Period, id string, m *scoring.MetricResult) []cell {
	iv := m.ValueInterval()
	return append(row[:0],
		cell{s: sc.Scorecard, ok: true}, boolean(sc.Secondary),
		cell{s: sc.Period, ok: true}, cell{s: p.Kind, ok: true}, cell{t: p.Start.UTC(), ok: true}, cell{t: p.End.UTC(), ok: true},
		boolean(sc.Partial),
		cell{s: sc.Unit.Kind, ok: true}, cell{s: sc.Unit.ID, ok: true}, text(sc.Unit.Name),
		cell{s: id, ok: true}, floatPtr(m.Value), float(m.Numerator), float(m.Denominator),
		floatPtr(m.Median), floatPtr(m.P90), floatPtr(m.Points), float(m.Weight), cell{s: m.Status, ok: true},
		bound(iv, 0), bound(iv, 1), bound(m.MedianInterval, 0), bound(m.MedianInterval, 1),
		bound(m.P90Interval, 0), bound(m.P90Interval, 1),
		floatPtr(sc.Total), floatPtr(sc.Coefficient), floatPtr(sc.Final), text(sc.Grade),
		cell{s: sc.Status, ok: true}, boolean(sc.Borderline))
}
