// Package scoring turns complaints into scorecards (SPEC §4–§8).
//
// It works in two steps that are kept apart. Evaluate judges each complaint
// on its own, one [Outcome] per metric (hit, miss, pending, excluded, or a
// measured duration): that is what evidence.jsonl records and what
// `kpidesk explain` prints. Aggregate then sums the outcomes by unit (agent,
// team, department, organization) and period (month, quarter, half-year,
// year), and scorecards turn the values into points, weights, totals and
// grades.
//
// A metric is one file: a type that implements [Metric] and registers itself
// in init. The package never reads the store or a source; the caller hands
// it complaints.
package scoring
