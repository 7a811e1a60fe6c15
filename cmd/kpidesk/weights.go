package main

import (
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
	var asJSON bool
	ahp := &cobra.Command{
		Use:     "ahp FILE",
		Short:   "AHP weights from a pairwise comparison matrix",
		Example: "  kpidesk weights ahp matrix.yaml\n  kpidesk weights ahp matrix.json --json",
		Args:    args(1, "one FILE"),
		RunE: func(cmd *cobra.Command, argv []string) error {
			criteria, matrix, err := weights.ReadAHPFile(argv[0])
			if err != nil {
				return err
			}
			res, err := weights.AHP(criteria, matrix)
			var inc *weights.InconsistentError
			if err != nil && !errors.As(err, &inc) {
				return fmt.Errorf("%s: %w", argv[0], err)
			}
			if asJSON {
				if werr := writeJSON(a.stdout, res); werr != nil {
					return werr
				}
			} else {
				printAHP(a.stdout, res)
			}
			if inc != nil {
				return fmt.Errorf("%s: %w", argv[0], inc)
			}
			return nil
		},
	}
	ahp.Flags().BoolVar(&asJSON, "json", false, "print JSON: {weights, lambda_max, ci, ri, cr, consistent}")
	var lower, normalize string
	var entropyJSON bool
	entropy := &cobra.Command{
		Use:     "entropy FILE",
		Short:   "Entropy weights from a CSV of units × metrics",
		Example: "  kpidesk weights entropy teams.csv --lower-better handling_time,escalation_rate --normalize minmax",
		Args:    args(1, "one FILE"),
		RunE: func(cmd *cobra.Command, argv []string) error {
			criteria, units, values, err := weights.ReadEntropyCSV(argv[0])
			if err != nil {
				return err
			}
			opt := weights.EntropyOptions{Normalize: normalize, LowerBetter: map[string]bool{}}
			for _, m := range strings.Split(lower, ",") {
				if m = strings.TrimSpace(m); m != "" {
					opt.LowerBetter[m] = true
				}
			}
			res, err := weights.Entropy(criteria, units, values, opt)
			if err != nil {
				return fmt.Errorf("%s: %w", argv[0], err)
			}
			if entropyJSON {
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
		},
	}
	entropy.Flags().StringVar(&lower, "lower-better", "", "comma-separated metrics where less is better (used by --normalize minmax)")
	entropy.Flags().StringVar(&normalize, "normalize", "sum", "sum (shares of the column total) or minmax (direction-aware rescaling)")
	entropy.Flags().BoolVar(&entropyJSON, "json", false, "print JSON: {weights, entropy, divergence}")
	var scoresDir, period string
	var showJSON bool
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
			f, err := os.Open(filepath.Join(scoresDir, "scores.json"))
			if err != nil {
				return fmt.Errorf("%w (run kpidesk score --out %s first)", err, scoresDir)
			}
			defer f.Close()
			sc, err := scoring.ReadJSON(f)
			if err != nil {
				return err
			}
			var ws []scoring.WeightsInForce
			for _, w := range sc.Weights {
				if period == "" || w.Period == period {
					ws = append(ws, w)
				}
			}
			if len(ws) == 0 {
				return fmt.Errorf("no weights for period %q in %s", period, scoresDir)
			}
			if showJSON {
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
		},
	}
	show.Flags().StringVar(&scoresDir, "scores", "out", "folder with scores.json")
	show.Flags().StringVar(&period, "period", "", "only this period (2026-06, 2026-Q2, …)")
	show.Flags().BoolVar(&showJSON, "json", false, "print JSON")
	cmd.AddCommand(ahp, entropy, show)
	return cmd
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
