package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/kpidesk/kpidesk/config"
	"github.com/kpidesk/kpidesk/connectors"
	"github.com/kpidesk/kpidesk/connectors/demo"
	"github.com/kpidesk/kpidesk/connectors/store"
	"github.com/kpidesk/kpidesk/internal/outdir"
)

// demoOptions are kpidesk demo's flags.
type demoOptions struct {
	Out   string // --out
	Size  int    // --size
	Seed  uint64 // --seed
	Force bool   // --force
	// Templates is --templates, a folder of the user's templates.
	Templates string
	// SizeSet and SeedSet say whether --size and --seed were given: only
	// then do they override the config's demo source.
	SizeSet, SeedSet bool
}

func (a *app) demoCommand() *cobra.Command {
	opts := &demoOptions{}
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
  site/                                    the site: open site/index.html (in
                                           Chinese; site/en/ is the English one)

The folder is replaced whole, so it must be new, empty, or an earlier demo
(marked by its .kpidesk-demo file); --force writes the demo's files into a
folder that holds others, replacing only those of the same names.

No credentials and no network are needed. To score the demo store again:
  kpidesk score --config DIR/kpidesk.yaml --store DIR/kpidesk.db`,
		Example: "  kpidesk demo --out demo\n  kpidesk demo --out big --size 1000000",
		Args:    args(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.SeedSet = cmd.Flags().Changed("seed")
			opts.SizeSet = cmd.Flags().Changed("size")
			return a.runDemo(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.Force, "force", false, "write into a folder that holds other files, replacing only the demo's files in it")
	cmd.Flags().StringVar(&opts.Out, "out", "demo", "output folder")
	cmd.Flags().IntVar(&opts.Size, "size", 60000, "number of complaints to generate")
	cmd.Flags().Uint64Var(&opts.Seed, "seed", 1, "random seed (the same seed gives the same data)")
	cmd.Flags().StringVar(&opts.Templates, "templates", "", templatesUsage)
	return cmd
}

// runDemo is kpidesk demo: generate, store, score and build in one go.
func (a *app) runDemo(ctx context.Context, opts *demoOptions) error {
	out := opts.Out
	tmpl, err := a.siteTemplates(opts.Templates)
	if err != nil {
		return err
	}
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
		if !opts.Force || !errors.As(err, &fe) {
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
	opt := demo.Options{Seed: opts.Seed, Size: opts.Size}
	for _, s := range cfg.Sources {
		if ds, ok := s.Settings.Value.(*demo.Settings); ok {
			if !opts.SeedSet {
				opt.Seed = ds.Seed
			}
			if !opts.SizeSet && ds.Size > 0 {
				opt.Size = ds.Size
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
		if cfg, err = a.writeDemoExtras(ctx, st, opt.Seed, dir); err != nil {
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
	if err := a.buildSite(ctx, run, site, filepath.Join(out, "site"), tmpl); err != nil {
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
}

// writeDemoExtras writes the demo's input file, appeals file and config
// (connectors/demo) into dir beside the store st, and loads that config.
func (a *app) writeDemoExtras(ctx context.Context, st *store.Store, seed uint64, dir string) (*config.Config, error) {
	each := func(fn func(*connectors.Complaint) error) error { return st.Each(ctx, store.Query{}, fn) }
	// The inputs are fitted to the complaint counts per team and month in
	// the store.
	counts, err := demo.CountComplaints(each)
	if err != nil {
		return nil, err
	}
	if err := writeFile(filepath.Join(dir, demo.InputsFile), func(f *os.File) error { return demo.WriteInputs(f, seed, counts) }); err != nil {
		return nil, err
	}
	var appeals bytes.Buffer
	if err := demo.WriteAppeals(&appeals, each); err != nil {
		return nil, err
	}
	if err := writeFile(filepath.Join(dir, demo.AppealsFile), func(f *os.File) error { _, err := f.Write(appeals.Bytes()); return err }); err != nil {
		return nil, err
	}
	path := filepath.Join(dir, "kpidesk.yaml")
	if err := writeFile(path, func(f *os.File) error { _, err := f.Write(demo.Config(config.DefaultYAML())); return err }); err != nil {
		return nil, err
	}
	return a.readConfig(path)
}
