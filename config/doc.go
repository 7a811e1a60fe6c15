// Package config owns kpidesk.yaml: its model, the built-in default (the
// demo organization scored with seed 001's scorecard), the commented starter
// that `kpidesk init` writes, and validation that reports every problem with
// its file, line and field (yaml.v3 nodes) in one pass.
//
// Load and Parse return a *Config with defaults applied, or Problems.
// Durations and thresholds in config are Values: numbers ("0.95", "95%"),
// wall-clock durations ("60s", "24h", "2d") or working days ("3wd"), which
// scoring turns into business time of the team calendar.
package config
