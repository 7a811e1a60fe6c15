package main

import (
	"context"
	"fmt"

	"github.com/kpidesk/kpidesk/config"
	"github.com/kpidesk/kpidesk/connectors"
	"github.com/kpidesk/kpidesk/connectors/demo"
	"github.com/kpidesk/kpidesk/connectors/jira"
	"github.com/kpidesk/kpidesk/connectors/store"
)

// sources builds the configured sources.
func (a *app) sources(cfg *config.Config) ([]connectors.Source, error) {
	var out []connectors.Source
	for _, s := range cfg.Sources {
		switch s.Type {
		case "demo":
			out = append(out, demo.New(demo.Options{Seed: s.Seed, Size: s.Size}))
		case "jira":
			src, err := jiraSource(s, a.stderr, a.quiet, &a.requests)
			if err != nil {
				return nil, err
			}
			out = append(out, src)
		default:
			return nil, fmt.Errorf("source %s: type %q is not supported by this kpidesk", s.Name, s.Type)
		}
	}
	return out, nil
}

// syncAll syncs every configured source into the store.
func (a *app) syncAll(ctx context.Context, st *store.Store, srcs []connectors.Source) error {
	return a.syncSources(ctx, st, srcs, false)
}

// syncSources syncs every source; full reads each from the beginning and
// marks what it no longer has as missing (deleted or moved), recording each
// on the data-quality page.
func (a *app) syncSources(ctx context.Context, st *store.Store, srcs []connectors.Source, full bool) error {
	if len(srcs) == 0 {
		return fmt.Errorf("the config has no sources: add one under sources, or use kpidesk import FILE")
	}
	for _, src := range srcs {
		p := a.progress()
		n := 0
		progress := func(b connectors.Batch) {
			n += len(b.Complaints)
			reqs := ""
			if r := a.requests.Load(); r > 0 {
				reqs = fmt.Sprintf(" (%d API requests)", r)
			}
			if b.Total > 0 {
				p.update("sync %s: %d of %d complaints%s", src.Name(), b.Done, b.Total, reqs)
			} else {
				p.update("sync %s: %d complaints%s", src.Name(), n, reqs)
			}
		}
		var err error
		if full {
			var missing []string
			if missing, err = st.SyncFull(ctx, src, progress); err == nil && len(missing) > 0 {
				ps := make([]store.Problem, len(missing))
				for i, id := range missing {
					ps[i] = store.Problem{Source: src.Name(), Where: id, Reason: "no longer in the source (deleted or moved): kept, left out of scoring"}
				}
				if err = st.AddProblems(ctx, ps); err == nil && !a.quiet {
					fmt.Fprintf(a.stderr, "sync %s: %d complaints no longer in the source, marked missing\n", src.Name(), len(missing))
				}
			}
		} else {
			err = st.Sync(ctx, src, progress)
		}
		if err != nil {
			return fmt.Errorf("sync %s: %w", src.Name(), err)
		}
		if js, ok := src.(*jira.Source); ok {
			// Values the mapping did not know go to the data-quality page.
			var ps []store.Problem
			for _, u := range js.Unmapped() {
				reason := fmt.Sprintf("unmapped value %q", u.Value)
				if u.Field == jira.UnmappedIssue {
					reason = "skipped: " + u.Value // the issue could not be read
				}
				ps = append(ps, store.Problem{Source: src.Name(), Where: u.Key, Field: u.Field, Reason: reason})
			}
			if err := st.AddProblems(ctx, ps); err != nil {
				return err
			}
		}
		if r := a.requests.Swap(0); r > 0 {
			p.done("synced %d complaints from %s in %d API requests", n, src.Name(), r)
		} else {
			p.done("synced %d complaints from %s", n, src.Name())
		}
	}
	return nil
}
