package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/kpidesk/kpidesk/config"
	"github.com/kpidesk/kpidesk/connectors"
	"github.com/kpidesk/kpidesk/connectors/demo"
	"github.com/kpidesk/kpidesk/connectors/store"
	"github.com/kpidesk/kpidesk/docs"
	"github.com/kpidesk/kpidesk/scoring"
	"github.com/kpidesk/kpidesk/sitegen"
)

func (a *app) demoCommand() *cobra.Command {
	var out string
	var size int
	var seed uint64
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
			if err := os.MkdirAll(out, 0o755); err != nil {
				return err
			}
			// The demo always starts from a fresh store: its data is generated,
			// and a store from an earlier, different --size would mix.
			a.storePath = filepath.Join(out, "kpidesk.db")
			for _, suffix := range []string{"", "-wal", "-shm"} {
				if err := os.Remove(a.storePath + suffix); err != nil && !os.IsNotExist(err) {
					return err
				}
			}
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
				path := filepath.Join(out, "inputs.csv")
				if err := writeDemoInputs(ctx, st, opt.Seed, path); err != nil {
					return err
				}
				if err := writeDemoAppeals(ctx, st, filepath.Join(out, "appeals.yaml")); err != nil {
					return err
				}
				if cfg, err = writeDemoConfig(filepath.Join(out, "kpidesk.yaml")); err != nil {
					return err
				}
			}
			run, err := a.scoreStore(ctx, st, cfg, "", false, out)
			if err != nil {
				return err
			}
			site := filepath.Join(out, "site")
			if err := a.buildSite(ctx, run, site); err != nil {
				return err
			}
			fmt.Fprintln(a.stdout, filepath.Join(site, "index.html"))
			return run.gateErr()
		},
	}
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
site into --out. The site is written to a temporary folder and moved into
place only when complete, so a failed build leaves the previous site. Links
are relative: the site works from file:// and from a sub-path such as GitHub
Pages. The scores files are written beside the site (--scores).`,
		Example: "  kpidesk build --out public",
		Args:    args(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, st, err := a.configAndStore(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			scoresDir, _ := cmd.Flags().GetString("scores")
			run, err := a.scoreStore(cmd.Context(), st, cfg, asOf, false, scoresDir)
			if err != nil {
				return err
			}
			if err := a.buildSite(cmd.Context(), run, out); err != nil {
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

// buildSite generates the site from a scoring run.
func (a *app) buildSite(ctx context.Context, run *scoreRun, out string) error {
	evidence := filepath.Join(run.Dir, "evidence.jsonl")
	p := a.progress()
	err := sitegen.Build(ctx, sitegen.Options{
		Out:         out,
		Config:      run.Config,
		Scores:      run.Scores,
		Metrics:     run.Metrics,
		Syncs:       run.Syncs,
		Problems:    run.Problems,
		Methodology: docs.Methodology(),
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
		return fmt.Errorf("build site %s: %w", out, err)
	}
	p.done("built the site in %s", out)
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
			eng, err := scoring.NewEngine(cfg)
			if err != nil {
				return err
			}
			at, err := st.AsOf(ctx)
			if err != nil {
				return err
			}
			if asOf != "" {
				if at, err = parseAsOf(asOf, eng.DefaultCalendar().Location()); err != nil {
					return err
				}
			}
			var cs []connectors.Complaint
			if err := st.Each(ctx, store.Query{WithEvents: scoring.NeedsEvents(cfg)}, func(c *connectors.Complaint) error {
				cs = append(cs, *c)
				return nil
			}); err != nil {
				return err
			}
			ex, err := scoring.Explain(ctx, cs, scoring.Options{Config: cfg, AsOf: at, Names: agentNames(cfg)}, argv[0], argv[1], argv[2])
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

func printExplanation(a *app, ex *scoring.Explanation) {
	r := ex.Result
	fmt.Fprintf(a.stdout, "%s %s (%s), %s %s, cohort %s\n", ex.Unit.Key(), ex.Metric.ID, ex.Metric.NameEN, ex.Period.Kind, ex.Period.ID, ex.Metric.Cohort)
	for _, l := range ex.Lines {
		o := l.Outcome
		key := l.Key
		if key == "" {
			key = l.ID
		}
		switch o.Result {
		case scoring.Measured:
			fmt.Fprintf(a.stdout, "  %s: %s\n", key, o.Reason)
		case scoring.Excluded:
			fmt.Fprintf(a.stdout, "  %s: not counted: %s\n", key, o.Reason)
		default:
			fmt.Fprintf(a.stdout, "  %s: %s\n", key, o.Reason)
		}
	}
	value := "null"
	if r.Value != nil {
		value = fmt.Sprint(*r.Value)
	}
	fmt.Fprintf(a.stdout, "value %s = %v / %v, status %s", value, r.Numerator, r.Denominator, r.Status)
	if r.Median != nil {
		fmt.Fprintf(a.stdout, ", median %v, p90 %v", *r.Median, *r.P90)
	}
	fmt.Fprintln(a.stdout)
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
