package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/kpidesk/kpidesk/config"
	"github.com/kpidesk/kpidesk/internal/outdir"
)

// outputs is where one command writes its generation of outputs: the
// scores folder, the site, or both. Each is staged beside its final place
// and they are switched in together by commit, once everything is written,
// so that a reader (or the next CI step) sees the whole previous set or
// the whole new set (internal/outdir).
//
// When one folder lies inside the other, the inner one is written inside
// the outer one's stage and both switch in one step: scores inside the
// site (--scores SITE or SITE/data) are written into the new site, and a
// site inside the scores folder (--scores out --out out/site) into the new
// scores folder.
type outputs struct {
	scores, site string // where to write them now, inside a stage
	stages       []*outdir.Stage
}

// protected lists what no output folder may hold: the store, the config
// and the files it reads.
func (a *app) protected(cfg *config.Config) []string {
	return append([]string{a.storePath}, configFiles(cfg)...)
}

// storeName names the store in messages.
func (a *app) storeName() string {
	if a.storeLabel != "" {
		return a.storeLabel
	}
	return a.storePath
}

// configFiles lists the config file and the files it names.
func configFiles(cfg *config.Config) []string {
	var ps []string
	if cfg.File != config.BuiltIn {
		ps = append(ps, cfg.File)
	}
	ps = append(ps, cfg.Appeals)
	ps = append(ps, cfg.Inputs.Files...)
	for _, cal := range cfg.Calendars {
		ps = append(ps, cal.HolidayFile)
	}
	return ps
}

// moveEntries moves every entry of the folder from into the folder to,
// replacing those of the same names, all but skip: the demo's files
// written into a folder that holds others (demo --force). A store's -wal
// and -shm files go with it, so that no stale journal is left beside a new
// store.
func moveEntries(from, to, skip string) error {
	if err := os.MkdirAll(to, 0o755); err != nil {
		return err
	}
	entries, err := os.ReadDir(from)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if e.Name() == skip {
			continue
		}
		dst := filepath.Join(to, e.Name())
		if strings.HasSuffix(e.Name(), ".db") {
			for _, suffix := range []string{"-wal", "-shm"} {
				if err := os.Remove(dst + suffix); err != nil && !os.IsNotExist(err) {
					return err
				}
			}
		}
		if e.IsDir() {
			if err := os.RemoveAll(dst); err != nil {
				return err
			}
		}
		if err := os.Rename(filepath.Join(from, e.Name()), dst); err != nil {
			return err
		}
	}
	return nil
}

// stageOutputs checks the folders a command will replace and stages them.
// siteDir may be empty (score writes no site). Nothing is written or
// removed when a folder is refused.
func (a *app) stageOutputs(cfg *config.Config, scoresDir, siteDir string) (*outputs, error) {
	protected := a.protected(cfg)
	scoresAbs, err := filepath.Abs(scoresDir)
	if err != nil {
		return nil, err
	}
	if siteDir == "" {
		if err := outdir.Check(scoresDir, outdir.Scores, protected...); err != nil {
			return nil, fmt.Errorf("scores folder: %w", err)
		}
		st, err := outdir.NewStage(scoresDir, outdir.Scores)
		if err != nil {
			return nil, err
		}
		return &outputs{scores: st.Dir, stages: []*outdir.Stage{st}}, nil
	}
	siteAbs, err := filepath.Abs(siteDir)
	if err != nil {
		return nil, err
	}
	if err := outdir.Check(siteDir, outdir.Site, protected...); err != nil {
		return nil, fmt.Errorf("site folder: %w", err)
	}
	if rel, ok := outdir.Inside(scoresAbs, siteAbs); ok {
		// The scores in the site: one stage, the site's.
		st, err := outdir.NewStage(siteDir, outdir.Site)
		if err != nil {
			return nil, err
		}
		o := &outputs{site: st.Dir, scores: filepath.Join(st.Dir, rel), stages: []*outdir.Stage{st}}
		return o, os.MkdirAll(o.scores, 0o755)
	}
	if err := outdir.Check(scoresDir, outdir.Scores, protected...); err != nil {
		return nil, fmt.Errorf("scores folder: %w", err)
	}
	if rel, ok := outdir.Inside(siteAbs, scoresAbs); ok {
		// The site in the scores folder: one stage, the scores'.
		st, err := outdir.NewStage(scoresDir, outdir.Scores)
		if err != nil {
			return nil, err
		}
		o := &outputs{scores: st.Dir, site: filepath.Join(st.Dir, rel), stages: []*outdir.Stage{st}}
		if err := os.MkdirAll(o.site, 0o755); err != nil {
			st.Abort()
			return nil, err
		}
		if err := outdir.Mark(o.site, outdir.Site); err != nil {
			st.Abort()
			return nil, err
		}
		return o, nil
	}
	scores, err := outdir.NewStage(scoresDir, outdir.Scores)
	if err != nil {
		return nil, err
	}
	site, err := outdir.NewStage(siteDir, outdir.Site)
	if err != nil {
		scores.Abort()
		return nil, err
	}
	return &outputs{scores: scores.Dir, site: site.Dir, stages: []*outdir.Stage{scores, site}}, nil
}

// commit switches the staged folders into place, the scores first.
func (o *outputs) commit() error {
	for _, st := range o.stages {
		if err := st.Commit(); err != nil {
			return err
		}
	}
	return nil
}

// abort removes what was not committed; it is safe to defer.
func (o *outputs) abort() {
	for _, st := range o.stages {
		st.Abort()
	}
}
