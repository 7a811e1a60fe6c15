package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/kpidesk/kpidesk/config"
	"github.com/kpidesk/kpidesk/connectors"
	"github.com/kpidesk/kpidesk/connectors/demo"
	"github.com/kpidesk/kpidesk/connectors/store"
	"github.com/kpidesk/kpidesk/docs"
	"github.com/kpidesk/kpidesk/internal/outdir"
	"github.com/kpidesk/kpidesk/scoring"
	"github.com/kpidesk/kpidesk/sitegen"
)

func (a *app) demoCommand() *cobra.Command {
	var out string
	var size int
	var seed uint64
	var force bool
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Generate the demo organization, score it and build its site, in one go",
		Long: `Demo generates a realistic, deterministic service organization (3 departments,
8 teams, about 60 agents, 18 months of complaints), stores it, scores it with
the config (the built-in one by default) and builds the static site.

It writes into --out:
  kpidesk.db                               the store
  kpidesk.yaml, inputs.csv, appeals.yaml   the config it used, the demo's inputs
                                           (orders, surveys, QA, 360° reviews) and appeals
  scores.json, scores.csv, evidence.jsonl  the scores
  summary.md                               the latest month, for a CI job summary
  site/                                    the site: open site/index.html

The folder is replaced whole, so it must be new, empty, or an earlier demo
(marked by its .kpidesk-demo file); --force writes the demo's files into a
folder that holds others, replacing only those of the same names.

No credentials and no network are needed. To score the demo store again:
  kpidesk score --config DIR/kpidesk.yaml --store DIR/kpidesk.db`,
		Example: "  kpidesk demo --out demo\n  kpidesk demo --out big --size 1000000",
		Args:    args(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			cfg, err := a.loadConfig()
			if err != nil {
				return err
			}
			// The demo folder is kpidesk's: it is written whole into a stage
			// and switched in, replacing a previous demo. A folder holding
			// anything else is refused, or with --force receives the demo's
			// files by name, the rest left alone.
			inPlace := false
			if err := outdir.Check(out, outdir.Demo, configFiles(cfg)...); err != nil {
				var fe *outdir.ForeignError
				if !force || !errors.As(err, &fe) {
					if errors.As(err, &fe) {
						return fmt.Errorf("demo: %w (or pass --force to write the demo's files into it, replacing those of the same names)", err)
					}
					return fmt.Errorf("demo: %w", err)
				}
				inPlace = true
			}
			stage, err := outdir.NewStage(out, outdir.Demo)
			if err != nil {
				return err
			}
			defer stage.Abort()
			dir := stage.Dir
			a.storePath, a.storeLabel = filepath.Join(dir, "kpidesk.db"), filepath.Join(out, "kpidesk.db")
			st, err := a.openStore(ctx)
			if err != nil {
				return err
			}
			defer st.Close()
			opt := demo.Options{Seed: seed, Size: size}
			for _, s := range cfg.Sources {
				if s.Type == "demo" {
					if !cmd.Flags().Changed("seed") {
						opt.Seed = s.Seed
					}
					if !cmd.Flags().Changed("size") && s.Size > 0 {
						opt.Size = s.Size
					}
				}
			}
			if err := a.syncAll(ctx, st, []connectors.Source{demo.New(opt)}); err != nil {
				return err
			}
			if cfg.File == config.BuiltIn {
				// The demo's business volume and manual inputs, and the
				// config that reads them, written beside its store as a user
				// would keep them: later commands take --config DIR/kpidesk.yaml.
				path := filepath.Join(dir, "inputs.csv")
				if err := writeDemoInputs(ctx, st, opt.Seed, path); err != nil {
					return err
				}
				if err := writeDemoAppeals(ctx, st, filepath.Join(dir, "appeals.yaml")); err != nil {
					return err
				}
				if cfg, err = writeDemoConfig(filepath.Join(dir, "kpidesk.yaml")); err != nil {
					return err
				}
			}
			run, err := a.scoreStore(ctx, st, cfg, "", false, dir)
			if err != nil {
				return err
			}
			site := filepath.Join(dir, "site")
			if err := os.Mkdir(site, 0o755); err != nil {
				return err
			}
			if err := outdir.Mark(site, outdir.Site); err != nil {
				return err
			}
			if err := a.buildSite(ctx, run, site, filepath.Join(out, "site")); err != nil {
				return err
			}
			if err := st.Close(); err != nil {
				return err
			}
			if inPlace {
				err = moveEntries(dir, out, outdir.Demo.Marker)
			} else {
				err = stage.Commit()
			}
			if err != nil {
				return fmt.Errorf("demo: %w", err)
			}
			fmt.Fprintln(a.stdout, filepath.Join(out, "site", "index.html"))
			return run.gateErr()
		},
	}
	cmd.Flags().BoolVar(&force, "force", false, "write into a folder that holds other files, replacing only the demo's files in it")
	cmd.Flags().StringVar(&out, "out", "demo", "output folder")
	cmd.Flags().IntVar(&size, "size", 60000, "number of complaints to generate")
	cmd.Flags().Uint64Var(&seed, "seed", 1, "random seed (the same seed gives the same data)")
	return cmd
}

func (a *app) buildCommand() *cobra.Command {
	var out, asOf string
	cmd := &cobra.Command{
		Use:   "build",
		Short: "Score the store and build the static site",
		Long: `Build scores the store (as kpidesk score does) and generates the static HTML
site into --out. Links are relative: the site works from file:// and from a
sub-path such as GitHub Pages. The scores files go to --scores.

The site and scores folders are replaced whole, so each must be new, empty,
or written by kpidesk before (marked by a .kpidesk-site or .kpidesk-scores
file), and neither may hold the store or the config. Both are written beside
their place first and switched in together when complete: a failed build
leaves the previous site and scores as they were. --scores may be the site
folder or inside it (the scores are then part of the new site), and the site
may be inside the scores folder.`,
		Example: "  kpidesk build --out public",
		Args:    args(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, st, err := a.configAndStore(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			scoresDir, _ := cmd.Flags().GetString("scores")
			o, err := a.stageOutputs(cfg, scoresDir, out)
			if err != nil {
				return err
			}
			defer o.abort()
			run, err := a.scoreStore(cmd.Context(), st, cfg, asOf, false, o.scores)
			if err != nil {
				return err
			}
			if err := a.buildSite(cmd.Context(), run, o.site, out); err != nil {
				return err
			}
			if err := o.commit(); err != nil {
				return err
			}
			fmt.Fprintln(a.stdout, filepath.Join(out, "index.html"))
			return run.gateErr()
		},
	}
	cmd.Flags().StringVar(&out, "out", "site", "site folder")
	cmd.Flags().String("scores", "out", "folder for scores.json, scores.csv, evidence.jsonl and summary.md")
	cmd.Flags().StringVar(&asOf, "as-of", "", "evaluation instant (default: the last sync)")
	return cmd
}

// buildSite writes the site of a scoring run into the staged folder dir;
// final is where it will be, for messages.
func (a *app) buildSite(ctx context.Context, run *scoreRun, dir, final string) error {
	evidence := filepath.Join(run.Dir, "evidence.jsonl")
	p := a.progress()
	err := sitegen.Write(ctx, sitegen.Options{
		Out:         dir,
		Config:      run.Config,
		Scores:      run.Scores,
		Metrics:     run.Metrics,
		Syncs:       run.Syncs,
		Problems:    run.Problems,
		Methodology: docs.MethodologyIn(run.Config.Site.Language),
		Appeals:     run.Appeals,
		Version:     version,
		Evidence: func(fn func(*scoring.Evidence) error) error {
			f, err := os.Open(evidence)
			if err != nil {
				return err
			}
			defer f.Close()
			return scoring.ReadEvidence(f, fn)
		},
		Progress: func(done, total int) { p.update("site: %d of %d pages", done, total) },
	})
	if err != nil {
		return fmt.Errorf("build site %s: %w", final, err)
	}
	p.done("built the site in %s", final)
	return nil
}

// storeQuality reads what the data-quality page and summary.md show: each
// source's last sync, and the problems syncs and imports recorded.
func storeQuality(ctx context.Context, st *store.Store) ([]connectors.SyncInfo, []sitegen.Problem, error) {
	syncs, err := st.Syncs(ctx)
	if err != nil {
		return nil, nil, err
	}
	probs, err := st.Problems(ctx)
	if err != nil {
		return nil, nil, err
	}
	var problems []sitegen.Problem
	for _, p := range probs {
		problems = append(problems, sitegen.Problem{Source: p.Source, Where: p.Where, Field: p.Field, Reason: p.Reason})
	}
	return syncs, problems, nil
}

func (a *app) explainCommand() *cobra.Command {
	var asOf string
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
			ctx := cmd.Context()
			cfg, st, err := a.configAndStore(ctx)
			if err != nil {
				return err
			}
			defer st.Close()
			ex, err := a.explain(ctx, st, cfg, asOf, argv[0], argv[1], argv[2])
			if err != nil {
				return err
			}
			printExplanation(a, ex)
			return nil
		},
	}
	cmd.Flags().StringVar(&asOf, "as-of", "", "evaluation instant (default: the last sync)")
	return cmd
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
func printExplanation(a *app, ex *scoring.Explanation) {
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
		what := o.Reason
		switch {
		case o.Result == scoring.Excluded:
			what = "not counted: " + o.Reason
		case what != "":
		case o.Result == scoring.Measured && ex.Metric.Value == scoring.ValueDuration:
			what = scoring.HumanDuration(time.Duration(o.Seconds * float64(time.Second)))
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

var _ = config.Default

// writeDemoConfig writes the built-in config with the demo's input file
// and loads it back.
func writeDemoConfig(path string) (*config.Config, error) {
	text := strings.Replace(string(config.DefaultYAML()), "\ninputs:\n", "\nappeals: appeals.yaml\n\ninputs:\n  files: [inputs.csv]\n", 1)
	if err := writeFile(path, func(f *os.File) error { _, err := f.WriteString(text); return err }); err != nil {
		return nil, err
	}
	return config.Load(path)
}

// writeDemoInputs writes the demo's input file, fitted to the complaint
// counts per team and month in the store.
func writeDemoInputs(ctx context.Context, st *store.Store, seed uint64, path string) error {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		return err
	}
	counts := demo.Counts{}
	err = st.Each(ctx, store.Query{}, func(c *connectors.Complaint) error {
		if c.Kind == connectors.KindComplaint && c.Team != "" {
			counts[[2]string{c.Team, c.CreatedAt.In(loc).Format("2006-01")}]++
		}
		return nil
	})
	if err != nil {
		return err
	}
	return writeFile(path, func(f *os.File) error { return demo.WriteInputs(f, seed, counts) })
}
