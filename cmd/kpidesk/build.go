package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kpidesk/kpidesk/config"
	"github.com/kpidesk/kpidesk/docs"
	"github.com/kpidesk/kpidesk/internal/outdir"
	"github.com/kpidesk/kpidesk/scoring"
	"github.com/kpidesk/kpidesk/sitegen"
	"github.com/kpidesk/kpidesk/templates"
)

// buildOptions are kpidesk build's flags.
type buildOptions struct {
	Out       string // --out, the site folder
	Scores    string // --scores
	AsOf      string // --as-of
	Templates string // --templates
	JUnit     string // --junit

	Outputs   string   // --outputs
	Languages []string // --languages

	Snapshot string // --snapshot
}

func (a *app) buildCommand() *cobra.Command {
	opts := &buildOptions{}
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
may be inside the scores folder.

With --snapshot DIR, build keeps what it publishes: once the outputs are
switched in, each complete period that DIR does not hold yet, or whose
scorecards differ from the latest file of it, is written to
DIR/PERIOD/NNNN.json (0001, 0002, …). No file there is ever rewritten or
deleted; DIR holds nothing else (marked by .kpidesk-snapshots) and lies
outside the site and scores folders. Where this run differs from what was
first published of a period, the scorecard, appeals.html and summary.md show
"changed since published": the final score and grade, old → new, and why
(the appeals applied since, the metrics that moved, the config version).`,
		Example: "  kpidesk build --out public\n  kpidesk build --out site --scores out --snapshot snapshots",
		Args:    args(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.runBuild(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Out, "out", "site", "site folder")
	cmd.Flags().StringVar(&opts.Scores, "scores", "out", "folder for scores.json, scores.csv, evidence.jsonl and summary.md")
	cmd.Flags().StringVar(&opts.AsOf, "as-of", "", "evaluation instant (default: the last sync)")
	cmd.Flags().StringVar(&opts.Templates, "templates", "", templatesUsage)
	cmd.Flags().StringVar(&opts.JUnit, "junit", "", junitUsage)
	cmd.Flags().StringVar(&opts.Outputs, "outputs", "", outputsUsage)
	cmd.Flags().StringVar(&opts.Snapshot, "snapshot", "", snapshotUsage)
	cmd.Flags().StringSliceVar(&opts.Languages, "languages", nil, "build the site in these languages instead of the config's site.languages: zh, en, or both, the first at the root and in summary.md")
	return cmd
}

// runBuild is kpidesk build: the store scored into the scores folder and
// the site.
func (a *app) runBuild(ctx context.Context, opts *buildOptions) error {
	tmpl, err := a.siteTemplates(opts.Templates)
	if err != nil {
		return err
	}
	cfg, st, err := a.configAndStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := a.checkJUnit(cfg, opts.JUnit, opts.Scores, opts.Out); err != nil {
		return err
	}
	if err := a.checkOutputs(cfg, opts.Outputs, opts.Scores, opts.Out); err != nil {
		return err
	}
	if err := setLanguages(cfg, opts.Languages); err != nil {
		return err
	}
	snaps, err := a.openSnapshots(cfg, opts.Snapshot, opts.Scores, opts.Out)
	if err != nil {
		return err
	}
	o, err := a.stageOutputs(cfg, opts.Scores, opts.Out)
	if err != nil {
		return err
	}
	defer o.abort()
	run, err := a.scoreStore(ctx, st, cfg, opts.AsOf, false, o.scores)
	if err != nil {
		return err
	}
	if err := a.buildSite(ctx, run, o.site, opts.Out, tmpl); err != nil {
		return err
	}
	if err := o.commit(); err != nil {
		return err
	}
	if err := snaps.record(a, run); err != nil {
		return err
	}
	fmt.Fprintln(a.stdout, filepath.Join(opts.Out, "index.html"))
	if err := run.writeJUnit(opts.JUnit); err != nil {
		return err
	}
	if err := run.writeOutputs(opts.Outputs); err != nil {
		return err
	}
	return run.gateErr()
}

// buildSite writes the site of a scoring run into the staged folder dir;
// final is where it will be, for messages. tmpl, when not nil, is the
// --templates folder.
func (a *app) buildSite(ctx context.Context, run *scoreRun, dir, final string, tmpl *templates.Overrides) error {
	evidence := filepath.Join(run.Dir, "evidence.jsonl")
	p := a.progress()
	opt := sitegen.Options{
		Out:      dir,
		Config:   run.Config,
		Scores:   run.Scores,
		Metrics:  run.Metrics,
		Syncs:    run.Syncs,
		Problems: run.Problems,
		// Each language of the site gets its own (site.languages).
		MethodologyIn: docs.MethodologyIn,
		Appeals:       run.Appeals,
		Published:     a.published,
		Version:       version,
		Evidence: func(fn func(*scoring.Evidence) error) error {
			f, err := os.Open(evidence)
			if err != nil {
				return err
			}
			defer f.Close()
			return scoring.ReadEvidence(f, fn)
		},
		Progress: func(done, total int) { p.update("site: %d of %d pages", done, total) },
	}
	if tmpl != nil {
		opt.Templates = tmpl
	}
	// The site being replaced lends its unchanged files (hard links), so
	// that a rebuild rewrites only what changed.
	if outdir.Owned(final, outdir.Site) {
		opt.Previous = final
	}
	var stats sitegen.Stats
	opt.Stats = &stats
	defer siteGC()()
	if err := sitegen.Write(ctx, opt); err != nil {
		return fmt.Errorf("build site %s: %w", final, userTemplateError(err, tmpl))
	}
	p.done("built the site in %s: %d files written (%s), %d unchanged", final, stats.Written, byteSize(stats.WrittenBytes), stats.Kept)
	return nil
}

// templatesUsage is the help of build's and demo's --templates.
const templatesUsage = "folder of templates that replace the built-in ones of the same name (layout.html, style.css, …; docs/configuration.md)"

// siteTemplates opens and checks the --templates folder dir before any
// work is done: nil when dir is empty. A layout.html of the user's
// without the Content-Security-Policy meta tag is warned about, even
// with -q: the site's pages then run whatever scripts they are given.
func (a *app) siteTemplates(dir string) (*templates.Overrides, error) {
	if dir == "" {
		return nil, nil
	}
	tmpl, err := templates.OpenOverrides(dir)
	if err != nil {
		return nil, err
	}
	if tmpl.Has("layout.html") {
		b, err := os.ReadFile(tmpl.Path("layout.html"))
		if err != nil {
			return nil, err
		}
		if !strings.Contains(string(b), "Content-Security-Policy") {
			fmt.Fprintf(a.stderr, "warning: %s has no Content-Security-Policy meta tag: keep the built-in layout.html's, which lets the pages run only the site's own scripts (docs/security.md)\n", tmpl.Path("layout.html"))
		}
	}
	return tmpl, nil
}

// userTemplateError names the user's file in an error sitegen reports
// about a template of the --templates folder tmpl: html/template names a
// template by its file name and line ("template: layout.html:12: …",
// "html/template:layout.html:12:5: …"), which would point at the built-in
// file. The returned error wraps err.
func userTemplateError(err error, tmpl *templates.Overrides) error {
	if tmpl == nil {
		return err
	}
	msg := err.Error()
	for _, name := range tmpl.Names {
		for _, prefix := range []string{"template: ", "html/template:"} {
			msg = strings.ReplaceAll(msg, prefix+name+":", prefix+tmpl.Path(name)+":")
		}
	}
	if msg == err.Error() {
		return err
	}
	return &templateError{msg: msg, err: err}
}

// templateError is an error whose text names the user's template file;
// errors.Is and As still see the original.
type templateError struct {
	msg string
	err error
}

func (e *templateError) Error() string { return e.msg }
func (e *templateError) Unwrap() error { return e.err }

// byteSize prints a byte count for people: 512 B, 3.4 MB.
func byteSize(n int64) string {
	const unit = 1000
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	v, i := float64(n)/unit, 0
	for ; v >= unit && i < 3; i++ {
		v /= unit
	}
	return fmt.Sprintf("%.1f %cB", v, "kMGT"[i])
}

// setLanguages makes langs (--languages) the languages the site is built
// in, in place of the config's site.languages; nothing when langs is
// empty. Each is checked as site.languages is.
func setLanguages(cfg *config.Config, langs []string) error {
	if len(langs) == 0 {
		return nil
	}
	var out []string
	for _, l := range langs {
		l = strings.TrimSpace(l)
		switch {
		case !slices.Contains(config.SiteLanguages, l):
			return usageError{fmt.Errorf("--languages %q: want %s", l, strings.Join(config.SiteLanguages, ", "))}
		case slices.Contains(out, l):
			return usageError{fmt.Errorf("--languages lists %s twice", l)}
		}
		out = append(out, l)
	}
	cfg.Site.Languages, cfg.Site.Language = out, out[0]
	return nil
}
