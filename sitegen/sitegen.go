package sitegen

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/kpidesk/kpidesk/config"
	"github.com/kpidesk/kpidesk/connectors"
	"github.com/kpidesk/kpidesk/scoring"
	"github.com/kpidesk/kpidesk/scoring/appeals"
)

// Problem is one row of the data-quality page: something a source or an
// import skipped or doubted, and why.
type Problem struct {
	Source string // source name or import file
	Where  string // a position: FILE:LINE, a ticket key
	Field  string
	Reason string
}

// Options is everything a site is built from.
type Options struct {
	// Out is the site folder. The site is built in a temporary sibling
	// folder and renamed into place only when complete, so that a failed
	// or cancelled build leaves the previous site as it was.
	Out    string
	Config *config.Config
	Scores *scoring.Scores
	// Metrics is the metric catalogue (scoring.Catalog()), for names, help
	// texts, value kinds and cohorts.
	Metrics []scoring.Info
	// Evidence streams the lines of evidence.jsonl (SPEC §12) to fn. It is
	// read once; the drill-down lists are spilled to disk month by month,
	// so a large file is never held in memory. Nil means no drill-down
	// pages.
	Evidence func(fn func(*scoring.Evidence) error) error
	Syncs    []connectors.SyncInfo
	Problems []Problem
	// Gates are the quality gates checked on the latest month, for
	// summary.md; nil for none.
	Gates []scoring.GateResult
	// Appeals is the appeals file, shown on appeals.html with each
	// appeal's stage in seed 001's flow; nil for none.
	Appeals *appeals.File
	// Methodology is Markdown, rendered by goldmark with raw HTML
	// disabled, at the top of methodology.html.
	Methodology []byte
	Version     string // kpidesk version, shown in the footer
	// Progress, when not nil, is called after each page with the number
	// of pages written and the total.
	Progress func(done, total int)
	// Templates, when not nil, overrides files of templates.FS by name
	// (the CLI's --templates directory): layout.html, index.html, …,
	// style.css, assets/kpidesk.js.
	Templates fs.FS
}

// Build writes the static site described in SPEC §10 to opt.Out. The same
// options give a byte-identical site.
func Build(ctx context.Context, opt Options) (err error) {
	if opt.Out == "" {
		return errors.New("sitegen: no output folder")
	}
	if opt.Config == nil || opt.Scores == nil {
		return errors.New("sitegen: config and scores are required")
	}
	out, err := filepath.Abs(opt.Out)
	if err != nil {
		return fmt.Errorf("sitegen: %w", err)
	}
	parent, base := filepath.Dir(out), filepath.Base(out)
	if base == "." || base == string(filepath.Separator) || out == parent {
		return fmt.Errorf("sitegen: %s cannot be a site folder", opt.Out)
	}
	s, err := newSite(opt)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return fmt.Errorf("sitegen: %w", err)
	}
	stage, err := os.MkdirTemp(parent, "."+base+".build-")
	if err != nil {
		return fmt.Errorf("sitegen: %w", err)
	}
	defer func() {
		if err != nil {
			os.RemoveAll(stage)
		}
	}()
	if err := os.Chmod(stage, 0o755); err != nil {
		return fmt.Errorf("sitegen: %w", err)
	}
	s.dir = stage
	if err := s.build(ctx); err != nil {
		return err
	}
	return replace(stage, out)
}

// replace swaps the finished stage folder in for out: out moves aside,
// stage takes its name, and the old site is removed. If the second rename
// fails the old site is put back.
func replace(stage, out string) error {
	old := ""
	if _, err := os.Lstat(out); err == nil {
		tmp, err := os.MkdirTemp(filepath.Dir(out), "."+filepath.Base(out)+".old-")
		if err != nil {
			return fmt.Errorf("sitegen: %w", err)
		}
		if err := os.Remove(tmp); err != nil {
			return fmt.Errorf("sitegen: %w", err)
		}
		if err := os.Rename(out, tmp); err != nil {
			return fmt.Errorf("sitegen: move previous site aside: %w", err)
		}
		old = tmp
	}
	if err := os.Rename(stage, out); err != nil {
		if old != "" {
			os.Rename(old, out)
		}
		return fmt.Errorf("sitegen: move site into place: %w", err)
	}
	if old != "" {
		os.RemoveAll(old)
	}
	return nil
}
