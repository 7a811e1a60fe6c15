package main

import (
	"bufio"
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"github.com/kpidesk/kpidesk/config"
	"github.com/kpidesk/kpidesk/connectors"
	"github.com/kpidesk/kpidesk/connectors/demo"
	"github.com/kpidesk/kpidesk/connectors/store"
	"github.com/kpidesk/kpidesk/scoring"
	"github.com/kpidesk/kpidesk/scoring/appeals"
	"github.com/kpidesk/kpidesk/scoring/inputs"
	"github.com/kpidesk/kpidesk/sitegen"
)

// parseAsOf reads --as-of: RFC 3339, or a date meaning the end of that day
// in the default calendar's time zone.
func parseAsOf(s string, loc *time.Location) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC(), nil
	}
	d, err := time.ParseInLocation(time.DateOnly, s, loc)
	if err != nil {
		return time.Time{}, usageError{fmt.Errorf("--as-of %q: want RFC 3339 (2026-06-30T18:00:00+08:00) or a date (2026-06-30)", s)}
	}
	return d.AddDate(0, 0, 1).UTC(), nil
}

// scoreRun is the result of scoring a store.
type scoreRun struct {
	Config *config.Config
	Scores *scoring.Scores
	Dir    string // where scores.json, scores.csv, evidence.jsonl and summary.md were written
	// Metrics describes the metrics scored, custom ones included.
	Metrics []scoring.Info
	Appeals *appeals.File // nil without an appeals file
	// Gates are the config's quality gates checked on the latest month.
	Gates []scoring.GateResult
	// Syncs and Problems are the store's, as summary.md showed them.
	Syncs    []connectors.SyncInfo
	Problems []connectors.Problem
}

// gateErr is a gateError when a quality gate failed, else nil: the
// commands return it once every output is written.
func (r *scoreRun) gateErr() error {
	failures := scoring.GateFailures(r.Gates)
	if len(failures) == 0 {
		return nil
	}
	infos := map[string]scoring.Info{}
	for _, m := range r.Metrics {
		infos[m.ID] = m
	}
	return gateError{failures: failures, infos: infos}
}

// scoreInput is what scoring a store reads: the store's complaints as a
// feed, and the options every command that scores it uses (as_of, inputs,
// appeals, agent names), so that kpidesk score, site and explain score the
// same thing.
type scoreInput struct {
	feed    *storeFeed
	opt     scoring.Options
	eng     *scoring.Engine
	appeals *appeals.File // nil without an appeals file
}

// scoreInput reads what scoring st as of asOfFlag (default: the store's
// last sync) needs.
func (a *app) scoreInput(ctx context.Context, st *store.Store, cfg *config.Config, asOfFlag string) (*scoreInput, error) {
	eng, err := a.engineFor(cfg)
	if err != nil {
		return nil, err
	}
	var asOf time.Time
	if asOfFlag != "" {
		if asOf, err = parseAsOf(asOfFlag, eng.DefaultCalendar().Location()); err != nil {
			return nil, err
		}
	} else {
		if asOf, err = st.AsOf(ctx); err != nil {
			return nil, err
		}
		if asOf.IsZero() {
			return nil, fmt.Errorf("store %s is empty: run kpidesk sync or kpidesk import first (or pass --as-of)", a.storePath)
		}
	}
	n, err := st.Count(ctx)
	if err != nil {
		return nil, err
	}
	feed := &storeFeed{st: st, cfg: cfg, asOf: asOf, total: n, progress: a.progress()}
	in, err := loadInputs(cfg)
	if err != nil {
		return nil, err
	}
	var ap *appeals.File
	if cfg.Appeals != "" {
		if ap, err = appeals.Load(cfg.Appeals); err != nil {
			return nil, err
		}
	}
	names, err := st.AgentNames(ctx)
	if err != nil {
		return nil, err
	}
	maps.Copy(names, agentNames(cfg))
	opt := scoring.Options{Config: cfg, Engine: eng, AsOf: asOf, Names: names, Inputs: in, Appeals: ap}
	return &scoreInput{feed: feed, opt: opt, eng: eng, appeals: ap}, nil
}

// scoreStore scores the store's complaints and writes scores.json,
// scores.csv, evidence.jsonl and summary.md into dir, a staged folder
// (see outputs) that the caller switches into place.
func (a *app) scoreStore(ctx context.Context, st *store.Store, cfg *config.Config, asOfFlag string, ids bool, dir string) (*scoreRun, error) {
	si, err := a.scoreInput(ctx, st, cfg, asOfFlag)
	if err != nil {
		return nil, err
	}
	eng, feed, ap, asOf, n, p := si.eng, si.feed, si.appeals, si.opt.AsOf, si.feed.total, si.feed.progress

	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	ev, err := newAtomicFile(filepath.Join(dir, "evidence.jsonl"))
	if err != nil {
		return nil, err
	}
	defer ev.abort()
	ew := bufio.NewWriterSize(ev, 1<<20)
	opt := si.opt
	opt.IDs, opt.EvidenceOut = ids, ew
	scores, err := scoring.ScoreFeed(ctx, feed, opt)
	if err != nil {
		return nil, err
	}
	if err := ew.Flush(); err != nil {
		return nil, err
	}
	if err := injectedFault("evidence.jsonl"); err != nil {
		return nil, err
	}
	if err := writeFile(filepath.Join(dir, "scores.json"), func(f *os.File) error { return scoring.WriteJSON(f, scores) }); err != nil {
		return nil, err
	}
	if err := writeFile(filepath.Join(dir, "scores.csv"), func(f *os.File) error { return scoring.WriteCSV(f, scores) }); err != nil {
		return nil, err
	}
	syncs, problems, err := storeQuality(ctx, st)
	if err != nil {
		return nil, err
	}
	gaps, err := holidayGaps(cfg, scores, a.stderr)
	if err != nil {
		return nil, err
	}
	problems = append(problems, gaps...)
	gates := scoring.CheckGates(cfg, scores)
	summary, err := sitegen.Summary(sitegen.Options{Config: cfg, Scores: scores, Metrics: eng.Catalog(), Syncs: syncs, Problems: problems, Appeals: ap, Gates: gates, Published: a.published})
	if err != nil {
		return nil, err
	}
	if err := writeFile(filepath.Join(dir, "summary.md"), func(f *os.File) error { _, err := f.Write(summary); return err }); err != nil {
		return nil, err
	}
	if err := ev.commit(); err != nil {
		return nil, err
	}
	p.done("scored %d complaints from %s into %d scorecards over %d periods as of %s", n, a.storeName(), len(scores.Scorecards), len(scores.Periods), asOf.Format(time.RFC3339))
	return &scoreRun{Config: cfg, Scores: scores, Dir: dir, Metrics: eng.Catalog(), Appeals: ap, Gates: gates, Syncs: syncs, Problems: problems}, nil
}

// storeQuality reads what the data-quality page and summary.md show: each
// source's last sync, and the problems syncs and imports recorded.
func storeQuality(ctx context.Context, st *store.Store) ([]connectors.SyncInfo, []connectors.Problem, error) {
	syncs, err := st.Syncs(ctx)
	if err != nil {
		return nil, nil, err
	}
	problems, err := st.Problems(ctx)
	if err != nil {
		return nil, nil, err
	}
	return syncs, problems, nil
}

// agentNames gives the demo agents their names when the config names none.
func agentNames(cfg *config.Config) map[string]string {
	names := map[string]string{}
	for _, s := range cfg.Sources {
		if s.Type == demo.TypeName {
			maps.Copy(names, demo.AgentNames())
		}
	}
	return names
}

// failWrite, set only by tests, names an output file whose writing fails
// as on a full disk: the fault injection of TestOutputs.
var failWrite string

func injectedFault(name string) error {
	if failWrite != "" && failWrite == name {
		return fmt.Errorf("write %s: %w", name, syscall.ENOSPC)
	}
	return nil
}

// atomicFile is written under a temporary name and renamed on commit.
type atomicFile struct {
	*os.File
	path string
	done bool
}

func newAtomicFile(path string) (*atomicFile, error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return nil, err
	}
	return &atomicFile{File: f, path: path}, nil
}

func (f *atomicFile) commit() error {
	// CreateTemp makes files only the owner can read; outputs are for
	// everyone that can read the folder, like any file the user writes.
	if err := f.Chmod(0o644); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	f.done = true
	return os.Rename(f.Name(), f.path)
}

func (f *atomicFile) abort() {
	if !f.done {
		f.Close()
		os.Remove(f.Name())
	}
}

func writeFile(path string, fn func(*os.File) error) error {
	f, err := newAtomicFile(path)
	if err != nil {
		return err
	}
	defer f.abort()
	if err := fn(f.File); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := injectedFault(filepath.Base(path)); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return f.commit()
}

// loadInputs reads the config's input files and checks the raters of its
// manual metrics against them.
func loadInputs(cfg *config.Config) (*inputs.Set, error) {
	if len(cfg.Inputs.Files) == 0 {
		return nil, nil
	}
	in, err := inputs.Load(cfg.Inputs.Files...)
	if err != nil {
		return nil, err
	}
	raters := map[string]map[string]float64{}
	for _, m := range cfg.Inputs.Metrics {
		if len(m.Raters) > 0 {
			raters[m.ID] = m.Raters
		}
	}
	if err := in.Validate(raters); err != nil {
		return nil, err
	}
	return in, nil
}

// storeFeed streams a store to scoring twice, keys first, so that scoring a
// million complaints never holds them all.
type storeFeed struct {
	st       *store.Store
	cfg      *config.Config
	asOf     time.Time // the evaluation instant scored
	total    int
	progress *progress
}

func (f *storeFeed) Keys(ctx context.Context, withFields bool) ([]scoring.Key, error) {
	return f.st.Keys(ctx, store.KeysOptions{Fields: withFields})
}

func (f *storeFeed) Complaints(ctx context.Context, fn func([]connectors.Complaint) error) error {
	withEvents, err := needEvents(ctx, f.st, f.cfg, f.asOf)
	if err != nil {
		return err
	}
	n, shown := 0, 0
	return f.st.EachBatch(ctx, store.Query{WithEvents: withEvents, SkipFields: !scoring.NeedsFields(f.cfg)}, func(run []connectors.Complaint) error {
		if n += len(run); n-shown >= 10000 {
			shown = n
			f.progress.update("score: %d of %d complaints", n, f.total)
		}
		return fn(run)
	})
}

// needEvents reports whether scoring st as of asOf needs the complaints'
// events: when the config reads them (scoring.NeedsEvents), or when asOf is
// earlier than the store's as_of, so that what happened in between is
// undone from the events (connectors.Rewind: a complaint resolved before
// asOf and reopened after it was resolved then). At the store's own as_of,
// the default, nothing lies after it and the events stay unread.
func needEvents(ctx context.Context, st *store.Store, cfg *config.Config, asOf time.Time) (bool, error) {
	if scoring.NeedsEvents(cfg) {
		return true, nil
	}
	if asOf.IsZero() {
		return false, nil
	}
	stored, err := st.AsOf(ctx)
	if err != nil {
		return false, err
	}
	return asOf.Before(stored), nil
}
