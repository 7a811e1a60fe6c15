// Package inputs reads the values that kpidesk cannot derive from
// complaints, per unit and period (SPEC §4, "manual inputs"): the business
// volume behind complaint_rate (complaints ÷ orders, seeds 001 and 003),
// the employee satisfaction survey (seed 000, target ≥ 80 %), QA sampling
// scores, service-attitude ratings and the 360° review (self + supervisor
// + QA, weighted by rater, seeds 001 and 002). docs/inputs.md describes the
// files for users.
//
// # Files
//
// A CSV file has a header naming the columns metric, unit, period, value
// and optionally rater, in any order and case; a UTF-8 byte order mark is
// ignored, and so are rows of empty cells. A YAML file is either a list of
// mappings with the same keys, or the nested form
// metric → unit → period → value, where a value may be a mapping
// rater → value. Units are "org" (read as "org:org"), "department:ID",
// "team:ID" and "agent:ID"; periods are "2025-10", "2025-Q4", "2025-H2" and
// "2025", the IDs of scoring.Period.
//
// # Values
//
// "87.5" is 87.5 and "87.5%" is the fraction 0.875: kpidesk's rates are
// fractions (SPEC §12), and config reads a target "80%" as 0.8 too, so a
// survey written in percent compares with its target as it should. A
// metric whose values mix percentages with plain numbers above 1 ("85%"
// and "90") is an error, as one of them is 100 times off. "12,000" is
// 12000: in CSV it must be quoted, or its comma splits the cell, and a
// comma anywhere but between thousands (a decimal comma, "87,5") is an
// error. Values must be finite.
//
// # Raters
//
// One metric, unit and period has either one row without a rater or rows
// by raters. [Set.Value] combines rater rows by the weighted mean over the
// raters present, renormalized: with self 0.2, supervisor 0.5 and qa 0.3,
// a review with self 90 and supervisor 80 but no QA row is
// (0.2·90 + 0.5·80) / 0.7 = 82.86, not a QA score of 0. An absent rater is
// a review not done, and rating it 0 would punish the agent for it.
//
// # Problems
//
// [Load] and [Parse] report every problem of every file at once, as
// [Problems] whose text is one "FILE:LINE: field: reason" per line, and
// return no Set when there is any: a scorecard is never scored on half its
// inputs. Fields are the column names, or "(header)", "(row)", "(yaml)"
// and "(file)" for problems of a whole header, row, document or file. The
// same value given twice, in one file or across the files of one Load, is
// an error naming both lines; [Merge], by contrast, lets a later set
// replace an earlier one.
package inputs
