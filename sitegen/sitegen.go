package sitegen

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"

	"github.com/kpidesk/kpidesk/config"
	"github.com/kpidesk/kpidesk/connectors"
	"github.com/kpidesk/kpidesk/internal/outdir"
	"github.com/kpidesk/kpidesk/scoring"
	"github.com/kpidesk/kpidesk/scoring/appeals"
)

// Options is everything a site is built from.
type Options struct {
	// Out is the site folder: for Build, the folder it replaces whole; for
	// Write, the folder it writes into.
	Out    string
	Config *config.Config
	Scores *scoring.Scores
	// Metrics is the metric catalogue (scoring.Catalog()), for names, help
	// texts, value kinds and cohorts.
	Metrics []scoring.Info
	// Evidence streams the lines of evidence.jsonl (SPEC §12) to fn. It is
	// read once, for every language; the drill-down lists are spilled to
	// disk month by month, so a large file is never held in memory. Each
	// line must be a value of its own, which the build may keep after fn
	// returns (scoring.ReadEvidence's are). Nil means no drill-down pages.
	Evidence func(fn func(*scoring.Evidence) error) error
	Syncs    []connectors.SyncInfo
	Problems []connectors.Problem
	// Gates are the quality gates checked on the latest month, for
	// summary.md; nil for none.
	Gates []scoring.GateResult
	// Appeals is the appeals file, shown on appeals.html with each
	// appeal's stage in seed 001's flow; nil for none.
	Appeals *appeals.File
	// Methodology is Markdown, rendered by goldmark with raw HTML
	// disabled, at the top of methodology.html; MethodologyIn, when not
	// nil, gives it per language ("zh", "en") instead
	// (docs.MethodologyIn).
	Methodology   []byte
	MethodologyIn func(lang string) []byte
	Version       string // kpidesk version, shown in the footer
	// Progress, when not nil, is called after each page with the number
	// of pages written and the total.
	Progress func(done, total int)
	// Templates, when not nil, overrides files of templates.FS by name
	// (the CLI's --templates directory): layout.html, index.html, …,
	// style.css, assets/kpidesk.js.
	Templates fs.FS
	// Previous, when not "", is the folder of the site this build
	// replaces, a site kpidesk wrote (the caller checks it). A file whose
	// bytes have not changed is hard-linked from it rather than written.
	Previous string
	// Stats, when not nil, receives what the build wrote and kept.
	Stats *Stats
	// Published is what earlier builds published of complete periods
	// (kpidesk build --snapshot), one entry per period: where this run's
	// scorecards differ, the scorecard, appeals.html and summary.md show
	// them "changed since published". Nil for none.
	Published []Published
}

// Build writes the static site described in SPEC §10 to opt.Out, in every
// language of the config (site.languages): the first at the root, each
// other in a folder of its name. The same options give a byte-identical
// site. opt.Out is replaced whole, and only
// when it is absent, empty or a site kpidesk wrote (internal/outdir): the
// site is written into a stage beside it and switched in when complete, so
// a failed or cancelled build leaves the previous site as it was.
func Build(ctx context.Context, opt Options) error {
	if opt.Out == "" {
		return errors.New("sitegen: no output folder")
	}
	if err := outdir.Check(opt.Out, outdir.Site); err != nil {
		return fmt.Errorf("sitegen: %w", err)
	}
	stage, err := outdir.NewStage(opt.Out, outdir.Site)
	if err != nil {
		return fmt.Errorf("sitegen: %w", err)
	}
	defer stage.Abort()
	if opt.Previous == "" && outdir.Owned(opt.Out, outdir.Site) {
		opt.Previous = opt.Out
	}
	opt.Out = stage.Dir
	if err := Write(ctx, opt); err != nil {
		return err
	}
	return stage.Commit()
}

// Write writes the static site into the existing folder opt.Out, for a
// caller that stages and switches its outputs itself (the site beside or
// around the scores). The folder should be empty but for markers and the
// scores files, whose names no page takes.
func Write(ctx context.Context, opt Options) error {
	if opt.Out == "" {
		return errors.New("sitegen: no output folder")
	}
	if opt.Config == nil || opt.Scores == nil {
		return errors.New("sitegen: config and scores are required")
	}
	langs := languages(opt.Config)
	count, stats := &pageCount{}, &writeStats{}
	sites := make([]*site, len(langs))
	for i, lang := range langs {
		s, err := newSiteIn(opt, lang)
		if err != nil {
			return err
		}
		s.langs, s.count, s.stats = langs, count, stats
		s.dir = filepath.Join(opt.Out, filepath.FromSlash(langDir(langs, lang)))
		if opt.Previous != "" {
			s.prev = filepath.Join(opt.Previous, filepath.FromSlash(langDir(langs, lang)))
		}
		if i > 0 {
			s.up = "../"
		}
		sites[i] = s
	}
	if err := buildSites(ctx, sites); err != nil {
		return err
	}
	if opt.Stats != nil {
		*opt.Stats = stats.stats()
	}
	return nil
}
