package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/kpidesk/kpidesk/connectors"
	"github.com/kpidesk/kpidesk/connectors/store"
	"github.com/kpidesk/kpidesk/internal/outdir"
	"github.com/kpidesk/kpidesk/scoring/export"
)

// exportOptions are kpidesk export's flags.
type exportOptions struct {
	Format string // --format
	Out    string // --out
	AsOf   string // --as-of
}

func (a *app) exportCommand() *cobra.Command {
	opts := &exportOptions{}
	cmd := &cobra.Command{
		Use:   "export --format csv|parquet --out DIR",
		Short: "Export complaints and unit scores as CSV or Parquet tables for BI tools and warehouses",
		Long: `Export scores the store, as kpidesk score does, and writes the run as two
tables for Power BI, Tableau, DuckDB or a warehouse, partitioned Hive-style
so that a folder connector or a glob reads them whole (EXT is the format,
parquet or csv; a partition usually has one file, part-0):

  DIR/complaints/month=YYYY-MM/part-N.EXT
      one row per complaint created that month: its fields (id, source, key,
      url, kind, category, channel, priority, status, agent, team,
      department, assignee, created_at, resolved_at, … in UTC) and per
      metric three columns, METRIC_result (hit, miss, pending, excluded,
      counted, measured), METRIC_value (seconds, or the score) and
      METRIC_reason (a reason code)
  DIR/unit_metrics/period=PERIOD/part-N.EXT
      one row per scorecard, unit, period and metric, as in scores.json:
      value (rates 0–1, durations in seconds), numerator, denominator,
      points, weight, 95 % interval, status, and the scorecard's final and
      grade; PERIOD is a month (2025-10), quarter (2025-Q4), half (2025-H2)
      or year (2025)
  DIR/scores.json
      the scores of the same run, which every row above agrees with

Nothing is computed for the export: each complaint's outcomes are its
evidence line and each unit row is scores.json's, so grouping the complaint
rows by team and month gives the numerators and denominators of the unit
rows exactly. docs/export.md lists every column and shows how to load the
tables.

--out is a folder of its own that is replaced whole (new, empty, or written
by kpidesk export before; never one that holds the store or the config),
switched in once every file is written.`,
		Example: `  kpidesk export --format parquet --out bi
  kpidesk export --format csv --out bi-csv --as-of 2026-06-30
  duckdb -c "SELECT month, count(*) FROM 'bi/complaints/*/*.parquet' GROUP BY month"`,
		Args: args(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.runExport(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Format, "format", "", "file format: csv or parquet (required)")
	cmd.Flags().StringVar(&opts.Out, "out", "", "output folder, replaced whole (required)")
	cmd.Flags().StringVar(&opts.AsOf, "as-of", "", "evaluation instant: RFC 3339, or a date meaning the end of that day (default: the last sync)")
	return cmd
}

// runExport is kpidesk export: the store scored once, the run written as
// tables into the export folder.
func (a *app) runExport(ctx context.Context, opts *exportOptions) error {
	if opts.Format == "" {
		return usageError{fmt.Errorf("kpidesk export: --format is required: csv or parquet")}
	}
	format, err := export.ParseFormat(opts.Format)
	if err != nil {
		return usageError{fmt.Errorf("--format: %w", err)}
	}
	if opts.Out == "" {
		return usageError{fmt.Errorf("kpidesk export: --out is required: the folder to write the tables into")}
	}
	cfg, st, err := a.configAndStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := outdir.Check(opts.Out, outdir.Export, a.protected(cfg)...); err != nil {
		return fmt.Errorf("export folder: %w", err)
	}
	stage, err := outdir.NewStage(opts.Out, outdir.Export)
	if err != nil {
		return err
	}
	defer stage.Abort()
	// The one scoring run: scores.json, evidence.jsonl and the rest are
	// written into a folder of the stage, which is removed once the
	// tables are written; only scores.json stays beside them.
	runDir := filepath.Join(stage.Dir, ".run")
	run, err := a.scoreStore(ctx, st, cfg, opts.AsOf, false, runDir)
	if err != nil {
		return err
	}
	p := a.progress()
	w, err := export.New(stage.Dir, export.Options{Format: format, Metrics: run.Metrics, AsOf: run.Scores.AsOf, Appeals: run.Appeals})
	if err != nil {
		return err
	}
	if err := a.exportTables(ctx, w, st, run, runDir); err != nil {
		w.Abort()
		return err
	}
	if err := os.Rename(filepath.Join(runDir, "scores.json"), filepath.Join(stage.Dir, "scores.json")); err != nil {
		return err
	}
	if err := os.RemoveAll(runDir); err != nil {
		return err
	}
	if err := stage.Commit(); err != nil {
		return err
	}
	n := 0
	for _, c := range w.Months {
		n += c
	}
	p.done("exported %d complaints in %d months and %d unit rows as %s into %s", n, len(w.Months), w.UnitRows, format, opts.Out)
	for _, dir := range []string{export.ComplaintsTable, export.UnitMetricsTable} {
		fmt.Fprintln(a.stdout, filepath.Join(opts.Out, dir))
	}
	return nil
}

// exportTables writes the complaint rows, from the run's evidence and the
// store read again as scoring read it, and the unit rows, from its scores.
func (a *app) exportTables(ctx context.Context, w *export.Writer, st *store.Store, run *scoreRun, runDir string) error {
	withEvents, err := needEvents(ctx, st, run.Config, run.Scores.AsOf)
	if err != nil {
		return err
	}
	ev, err := os.Open(filepath.Join(runDir, "evidence.jsonl"))
	if err != nil {
		return err
	}
	defer ev.Close()
	each := func(ctx context.Context, fn func([]connectors.Complaint) error) error {
		return st.EachBatch(ctx, store.Query{WithEvents: withEvents, SkipFields: true}, fn)
	}
	if err := w.Complaints(ctx, ev, each); err != nil {
		return err
	}
	if err := w.Scores(run.Scores); err != nil {
		return err
	}
	return w.Close()
}
