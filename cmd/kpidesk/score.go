package main

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/spf13/cobra"
)

// scoreOptions are kpidesk score's flags.
type scoreOptions struct {
	AsOf  string // --as-of
	Out   string // --out
	IDs   bool   // --ids
	JUnit string // --junit

	Outputs string // --outputs

	Snapshot string // --snapshot
}

func (a *app) scoreCommand() *cobra.Command {
	opts := &scoreOptions{}
	cmd := &cobra.Command{
		Use:   "score",
		Short: "Score the store into scores.json, scores.csv, evidence.jsonl and summary.md",
		Long: `Score evaluates every complaint in the store with every metric, aggregates the
outcomes per agent, team, department and organization for each month,
quarter, half-year and year, and applies the config's scorecards.

It writes into --out, a folder of its own that is replaced whole (new,
empty, or written by kpidesk before; never one that holds the store or the
config), and switches the four files in together once all are written:
  scores.json     the scorecards (schema kpidesk.scores/v1), byte-identical for the same input
  scores.csv      one row per scorecard metric, for spreadsheets
  evidence.jsonl  one line per complaint: its units, periods and outcome per metric
  summary.md      the latest complete month in Markdown, for a CI job summary

The evaluation instant (--as-of) defaults to the store's last sync, never the
wall clock, so a store scores the same tomorrow as today.

With --snapshot DIR, score keeps each complete period's scorecards in DIR as
kpidesk build --snapshot does, and summary.md shows what changed since a
period was first published (see kpidesk build --help).`,
		Example: "  kpidesk score --out out\n  kpidesk score --as-of 2026-06-30 --ids --out out\n  kpidesk score --out out --junit gates.xml",
		Args:    args(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.runScore(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.AsOf, "as-of", "", "evaluation instant: RFC 3339, or a date meaning the end of that day (default: the last sync)")
	cmd.Flags().StringVar(&opts.Out, "out", "out", "output folder")
	cmd.Flags().BoolVar(&opts.IDs, "ids", false, "list each metric's complaint IDs in scores.json (small data sets)")
	cmd.Flags().StringVar(&opts.JUnit, "junit", "", junitUsage)
	cmd.Flags().StringVar(&opts.Outputs, "outputs", "", outputsUsage)
	cmd.Flags().StringVar(&opts.Snapshot, "snapshot", "", snapshotUsage)
	return cmd
}

// runScore is kpidesk score: the store into the scores folder.
func (a *app) runScore(ctx context.Context, opts *scoreOptions) error {
	cfg, st, err := a.configAndStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := a.checkJUnit(cfg, opts.JUnit, opts.Out); err != nil {
		return err
	}
	if err := a.checkOutputs(cfg, opts.Outputs, opts.Out); err != nil {
		return err
	}
	snaps, err := a.openSnapshots(cfg, opts.Snapshot, opts.Out)
	if err != nil {
		return err
	}
	o, err := a.stageOutputs(cfg, opts.Out, "")
	if err != nil {
		return err
	}
	defer o.abort()
	run, err := a.scoreStore(ctx, st, cfg, opts.AsOf, opts.IDs, o.scores)
	if err != nil {
		return err
	}
	if err := o.commit(); err != nil {
		return err
	}
	if err := snaps.record(a, run); err != nil {
		return err
	}
	fmt.Fprintln(a.stdout, filepath.Join(opts.Out, "scores.json"))
	if err := run.writeJUnit(opts.JUnit); err != nil {
		return err
	}
	if err := run.writeOutputs(opts.Outputs); err != nil {
		return err
	}
	return run.gateErr()
}
