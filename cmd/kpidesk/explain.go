package main

import (
	"cmp"
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/kpidesk/kpidesk/config"
	"github.com/kpidesk/kpidesk/connectors/store"
	"github.com/kpidesk/kpidesk/internal/reason"
	"github.com/kpidesk/kpidesk/scoring"
)

// explainOptions are kpidesk explain's arguments and flags.
type explainOptions struct {
	Unit, Metric, Period string // UNIT METRIC PERIOD
	AsOf                 string // --as-of
	Lang                 string // --lang: zh or en; "" is the config's site.language
}

func (a *app) explainCommand() *cobra.Command {
	opts := &explainOptions{}
	cmd := &cobra.Command{
		Use:   "explain UNIT METRIC PERIOD",
		Short: "Show, complaint by complaint, why a metric has its value",
		Long: `Explain prints every complaint behind one metric of one unit in one period,
with why it counted or not, and the value, numerator and denominator that
scores.json reports. UNIT is agent:ID, team:ID, department:ID or org; PERIOD
is a month (2025-10), quarter (2025-Q4), half-year (2025-H2) or year (2025).`,
		Example: "  kpidesk explain team:care-east response_rate 2025-10\n  kpidesk explain agent:zhang.wei handling_time 2025-Q4",
		Args:    args(3, "UNIT METRIC PERIOD"),
		RunE: func(cmd *cobra.Command, argv []string) error {
			opts.Unit, opts.Metric, opts.Period = argv[0], argv[1], argv[2]
			return a.runExplain(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.AsOf, "as-of", "", "evaluation instant (default: the last sync)")
	cmd.Flags().StringVar(&opts.Lang, "lang", "", "language of the reasons: zh or en (default: the config's site.language)")
	return cmd
}

// runExplain is kpidesk explain: the complaints behind one value.
func (a *app) runExplain(ctx context.Context, opts *explainOptions) error {
	switch opts.Lang {
	case "", reason.EN, reason.ZH:
	default:
		return usageError{fmt.Errorf("--lang %q: want %s or %s", opts.Lang, reason.ZH, reason.EN)}
	}
	cfg, st, err := a.configAndStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	ex, err := a.explain(ctx, st, cfg, opts.AsOf, opts.Unit, opts.Metric, opts.Period)
	if err != nil {
		return err
	}
	printExplanation(a, ex, cmp.Or(opts.Lang, cfg.Site.Language, reason.ZH))
	return nil
}

// explain runs the one scoring pass of kpidesk score, with the same
// inputs, appeals, names and as_of, and keeps the evidence lines of one
// unit, metric and period.
func (a *app) explain(ctx context.Context, st *store.Store, cfg *config.Config, asOf, unit, metric, period string) (*scoring.Explanation, error) {
	si, err := a.scoreInput(ctx, st, cfg, asOf)
	if err != nil {
		return nil, err
	}
	return scoring.Explain(ctx, si.feed, si.opt, unit, metric, period)
}

// printExplanation prints one line per complaint, then the result as
// scores.json has it.
func printExplanation(a *app, ex *scoring.Explanation, lang string) {
	w := a.stdout
	r := ex.Result
	partial := ""
	if ex.Period.Partial {
		partial = " (partial: not over at as_of)"
	}
	fmt.Fprintf(w, "%s %s (%s), %s %s%s, cohort %s\n", ex.Unit.Key(), ex.Metric.ID, ex.Metric.NameEN, ex.Period.Kind, ex.Period.ID, partial, ex.Metric.Cohort)
	for _, l := range ex.Lines {
		o := l.Outcome
		key := l.Key
		if key == "" {
			key = l.ID
		}
		// A reason says the outcome too ("… → hit"); without one, the
		// outcome is printed alone.
		what := reason.Explained(o.Result, o.Reason, lang)
		switch {
		case what != "":
		case o.Result == scoring.Measured && ex.Metric.Value == scoring.ValueDuration:
			what = reason.FormatDuration(time.Duration(o.Seconds*float64(time.Second)), lang)
		case o.Result == scoring.Measured:
			what = strconv.FormatFloat(o.Seconds, 'f', -1, 64)
		default:
			what = o.Result
		}
		fmt.Fprintf(w, "  %s: %s\n", key, what)
	}
	if ex.Metric.Cohort == scoring.CohortInput {
		fmt.Fprintln(w, "  (from the input files, not from complaints)")
	} else {
		t := ex.Tally()
		var parts []string
		switch {
		case ex.Metric.Tally: // the complaint rate: every complaint is a count
			parts = append(parts, fmt.Sprintf("%d counted", t.Hit))
		case t.Hit+t.Miss > 0:
			parts = append(parts, fmt.Sprintf("%d hit, %d miss", t.Hit, t.Miss))
		}
		if t.Counted > 0 {
			parts = append(parts, fmt.Sprintf("%d counted", t.Counted))
		}
		if len(t.Measured) > 0 {
			parts = append(parts, fmt.Sprintf("%d measured", len(t.Measured)))
		}
		if t.Pending > 0 {
			parts = append(parts, fmt.Sprintf("%d pending", t.Pending))
		}
		if t.Excluded > 0 {
			parts = append(parts, fmt.Sprintf("%d not counted", t.Excluded))
		}
		if len(parts) == 0 {
			parts = append(parts, "none")
		}
		fmt.Fprintf(w, "complaints: %s\n", strings.Join(parts, ", "))
		if n := ex.SLADisagreements(); n > 0 {
			// Each such line gives both verdicts and their elapsed times.
			fmt.Fprintf(w, "source SLA and team calendar disagree on %d of them (both verdicts above)\n", n)
		}
	}
	fmt.Fprintf(w, "value %s = %s / %s, status %s", explainNumber(r.Value), explainNumber(&r.Numerator), explainNumber(&r.Denominator), r.Status)
	fmt.Fprintln(w)
	if iv := r.ValueInterval(); iv != nil {
		fmt.Fprintf(w, "95 %% interval [%s, %s]\n", explainNumber(&iv[0]), explainNumber(&iv[1]))
	}
	if r.Median != nil {
		fmt.Fprintf(w, "median %s", explainNumber(r.Median))
		if r.MedianInterval != nil {
			fmt.Fprintf(w, " (95 %% interval [%s, %s])", explainNumber(&r.MedianInterval[0]), explainNumber(&r.MedianInterval[1]))
		}
		if r.P90 != nil {
			fmt.Fprintf(w, ", p90 %s", explainNumber(r.P90))
			if r.P90Interval != nil {
				fmt.Fprintf(w, " (95 %% interval [%s, %s])", explainNumber(&r.P90Interval[0]), explainNumber(&r.P90Interval[1]))
			}
		}
		fmt.Fprintln(w)
	}
	sc := ex.Scorecard
	if r.Points != nil {
		fmt.Fprintf(w, "points %s at weight %s in scorecard %s", explainNumber(r.Points), explainNumber(&r.Weight), sc.Scorecard)
		if len(sc.Appeals) > 0 {
			fmt.Fprintf(w, " (appeals applied to the scorecard: %s)", strings.Join(sc.Appeals, ", "))
		}
		fmt.Fprintln(w)
	}
}

// explainNumber prints a value as scores.json does, "null" for none.
func explainNumber(v *float64) string {
	if v == nil {
		return "null"
	}
	return strconv.FormatFloat(*v, 'f', -1, 64)
}
