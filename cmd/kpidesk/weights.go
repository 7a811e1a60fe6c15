package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/kpidesk/kpidesk/scoring"
	"github.com/kpidesk/kpidesk/scoring/weights"
)

// weightsCommand groups the standalone weight methods (SPEC §6, §12) for
// analysts who design a scorecard before they have data.
func (a *app) weightsCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "weights",
		Short: "Weights: derive them by AHP or entropy from a file, or show those in force",
		Long: `Weights derives KPI weights the way seed 000 describes, from files you write
by hand, before any complaint is scored:

  kpidesk weights ahp FILE       a pairwise comparison matrix (YAML or JSON:
                                 {criteria: [...], matrix: [[...]]}, cells like 3 or "1/3");
                                 prints the weights, λmax, CI, RI and CR. A matrix with
                                 CR ≥ 0.10 fails and names the most inconsistent pair.
  kpidesk weights entropy FILE   a CSV of units × metrics (first column the unit);
                                 prints the weights, entropies and divergences.
  kpidesk weights show           the weights scoring used, per scorecard, period and
                                 kind of unit, from scores.json.

With --json the output is JSON ({weights, lambda_max, ci, ri, cr, consistent} for
ahp; {weights, entropy, divergence} for entropy), for other tools.`,
	}
	ahpOpts := &weightsAHPOptions{}
	ahp := &cobra.Command{
		Use:     "ahp FILE",
		Short:   "AHP weights from a pairwise comparison matrix",
		Example: "  kpidesk weights ahp matrix.yaml\n  kpidesk weights ahp matrix.json --json",
		Args:    args(1, "one FILE"),
		RunE: func(cmd *cobra.Command, argv []string) error {
			ahpOpts.File = argv[0]
			return a.runWeightsAHP(cmd.Context(), ahpOpts)
		},
	}
	ahp.Flags().BoolVar(&ahpOpts.JSON, "json", false, "print JSON: {weights, lambda_max, ci, ri, cr, consistent}")
	entropyOpts := &weightsEntropyOptions{}
	entropy := &cobra.Command{
		Use:     "entropy FILE",
		Short:   "Entropy weights from a CSV of units × metrics",
		Example: "  kpidesk weights entropy teams.csv --lower-better handling_time,escalation_rate --normalize minmax",
		Args:    args(1, "one FILE"),
		RunE: func(cmd *cobra.Command, argv []string) error {
			entropyOpts.File = argv[0]
			return a.runWeightsEntropy(cmd.Context(), entropyOpts)
		},
	}
	entropy.Flags().StringVar(&entropyOpts.LowerBetter, "lower-better", "", "comma-separated metrics where less is better (used by --normalize minmax)")
	entropy.Flags().StringVar(&entropyOpts.Normalize, "normalize", "sum", "sum (shares of the column total) or minmax (direction-aware rescaling)")
	entropy.Flags().BoolVar(&entropyOpts.JSON, "json", false, "print JSON: {weights, entropy, divergence}")
	showOpts := &weightsShowOptions{}
	show := &cobra.Command{
		Use:   "show",
		Short: "Print the weights in force per scorecard, period and kind of unit (from scores.json)",
		Long: `Show prints the weights that scoring used — fixed, expert, AHP (with λmax, CI,
RI and CR), entropy (with the entropy table of the period) or combined — for
each scorecard, period and kind of unit, from the scores.json that
kpidesk score wrote.`,
		Example: "  kpidesk score --out out && kpidesk weights show --scores out --period 2026-06",
		Args:    args(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.runWeightsShow(cmd.Context(), showOpts)
		},
	}
	show.Flags().StringVar(&showOpts.Scores, "scores", "out", "folder with scores.json")
	show.Flags().StringVar(&showOpts.Period, "period", "", "only this period (2026-06, 2026-Q2, …)")
	show.Flags().BoolVar(&showOpts.JSON, "json", false, "print JSON")
	cmd.AddCommand(ahp, entropy, show)
	return cmd
}

// weightsAHPOptions are kpidesk weights ahp's argument and flags.
type weightsAHPOptions struct {
	File string // FILE, the pairwise comparison matrix
	JSON bool   // --json
}

// runWeightsAHP is kpidesk weights ahp.
func (a *app) runWeightsAHP(_ context.Context, opts *weightsAHPOptions) error {
	criteria, matrix, err := weights.ReadAHPFile(opts.File)
	if err != nil {
		return err
	}
	res, err := weights.AHP(criteria, matrix)
	var inc *weights.InconsistentError
	if err != nil && !errors.As(err, &inc) {
		return fmt.Errorf("%s: %w", opts.File, err)
	}
	if opts.JSON {
		if werr := writeJSON(a.stdout, res); werr != nil {
			return werr
		}
	} else {
		printAHP(a.stdout, res)
	}
	if inc != nil {
		return fmt.Errorf("%s: %w", opts.File, inc)
	}
	return nil
}

// weightsEntropyOptions are kpidesk weights entropy's argument and flags.
type weightsEntropyOptions struct {
	File        string // FILE, the CSV of units × metrics
	LowerBetter string // --lower-better, comma-separated
	Normalize   string // --normalize
	JSON        bool   // --json
}

// runWeightsEntropy is kpidesk weights entropy.
func (a *app) runWeightsEntropy(_ context.Context, opts *weightsEntropyOptions) error {
	criteria, units, values, err := weights.ReadEntropyCSV(opts.File)
	if err != nil {
		return err
	}
	opt := weights.EntropyOptions{Normalize: opts.Normalize, LowerBetter: map[string]bool{}}
	for _, m := range strings.Split(opts.LowerBetter, ",") {
		if m = strings.TrimSpace(m); m != "" {
			opt.LowerBetter[m] = true
		}
	}
	res, err := weights.Entropy(criteria, units, values, opt)
	if err != nil {
		return fmt.Errorf("%s: %w", opts.File, err)
	}
	if opts.JSON {
		return writeJSON(a.stdout, res)
	}
	tw := tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "metric\tweight\tentropy\tdivergence\t")
	for _, c := range res.Criteria {
		fmt.Fprintf(tw, "%s\t%.4f\t%.4f\t%.4f\t\n", c, res.Weights[c], res.Entropy[c], res.Divergence[c])
	}
	tw.Flush()
	if len(res.Constant) > 0 {
		fmt.Fprintf(a.stdout, "constant over the %d units, weight 0: %s\n", len(res.Units), strings.Join(res.Constant, ", "))
	}
	return nil
}

// weightsShowOptions are kpidesk weights show's flags.
type weightsShowOptions struct {
	Scores string // --scores, the folder with scores.json
	Period string // --period, "" for all
	JSON   bool   // --json
}

// runWeightsShow is kpidesk weights show.
func (a *app) runWeightsShow(_ context.Context, opts *weightsShowOptions) error {
	f, err := os.Open(filepath.Join(opts.Scores, "scores.json"))
	if err != nil {
		return fmt.Errorf("%w (run kpidesk score --out %s first)", err, opts.Scores)
	}
	defer f.Close()
	sc, err := scoring.ReadJSON(f)
	if err != nil {
		return err
	}
	var ws []scoring.WeightsInForce
	for _, w := range sc.Weights {
		if opts.Period == "" || w.Period == opts.Period {
			ws = append(ws, w)
		}
	}
	if len(ws) == 0 {
		return fmt.Errorf("no weights for period %q in %s", opts.Period, opts.Scores)
	}
	if opts.JSON {
		return writeJSON(a.stdout, ws)
	}
	for _, w := range ws {
		fmt.Fprintf(a.stdout, "%s %s %s: %s", w.Scorecard, w.Period, w.UnitKind, w.Method)
		if w.AHP != nil {
			fmt.Fprintf(a.stdout, " (λmax %.4f, CI %.4f, RI %.2f, CR %.4f)", w.AHP.LambdaMax, w.AHP.CI, w.AHP.RI, w.AHP.CR)
		}
		if w.Entropy != nil {
			fmt.Fprintf(a.stdout, " (entropy over %d units)", w.Entropy.Units)
		}
		fmt.Fprintln(a.stdout)
		if w.AHP != nil {
			tw := tabwriter.NewWriter(a.stdout, 0, 0, 1, ' ', tabwriter.AlignRight)
			fmt.Fprint(tw, "  \t")
			for j := range w.AHP.Criteria {
				fmt.Fprintf(tw, "[%d]\t", j)
			}
			fmt.Fprintln(tw)
			for i, row := range w.AHP.Matrix {
				fmt.Fprintf(tw, "  [%d] %s\t", i, w.AHP.Criteria[i])
				for _, x := range row {
					fmt.Fprintf(tw, "%.3g\t", x)
				}
				fmt.Fprintln(tw)
			}
			tw.Flush()
		}
		if w.Note != "" {
			fmt.Fprintf(a.stdout, "  note: %s\n", w.Note)
		}
		names := make([]string, 0, len(w.Weights))
		for n := range w.Weights {
			names = append(names, n)
		}
		sort.Strings(names)
		tw := tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
		for _, n := range names {
			if w.Entropy != nil {
				fmt.Fprintf(tw, "  %s\t%.4f\te %.4f\td %.4f\t\n", n, w.Weights[n], w.Entropy.Entropy[n], w.Entropy.Divergence[n])
			} else {
				fmt.Fprintf(tw, "  %s\t%.4f\t\n", n, w.Weights[n])
			}
		}
		tw.Flush()
	}
	return nil
}

func printAHP(w io.Writer, r *weights.AHPResult) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "criterion\tweight\t")
	for _, c := range r.Criteria {
		fmt.Fprintf(tw, "%s\t%.4f\t\n", c, r.Weights[c])
	}
	tw.Flush()
	// The verdict names the comparison that holds: "CR < 0.10" beside a CR
	// of 6.13 would contradict the number it follows.
	verdict := fmt.Sprintf("consistent: CR < %.2f", weights.ConsistencyLimit)
	if !r.Consistent {
		verdict = fmt.Sprintf("NOT consistent: CR ≥ %.2f", weights.ConsistencyLimit)
	}
	fmt.Fprintf(w, "λmax %.4f  CI %.4f  RI %.2f  CR %.4f  (%s)\n", r.LambdaMax, r.CI, r.RI, r.CR, verdict)
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
