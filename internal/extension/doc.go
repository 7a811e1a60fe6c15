// Package extension holds no code: its test defines a metric in a test
// file only, registers it with scoring.Register and follows it through
// every view of a number (config check, scores.json, evidence.jsonl,
// explain, the drill-down lists and the methodology page), which proves the
// recipe "add a metric" of docs/architecture.md: a metric is one file, and
// nothing else names it. It is a package of its own so that the extra
// metric is linked into no other test.
package extension
