package main

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/kpidesk/kpidesk/config"
	"github.com/kpidesk/kpidesk/connectors"
	"github.com/kpidesk/kpidesk/connectors/store"
)

// syncOptions are kpidesk sync's flags.
type syncOptions struct {
	Full bool // --full
}

func (a *app) syncCommand() *cobra.Command {
	opts := &syncOptions{}
	cmd := &cobra.Command{
		Use:   "sync",
		Short: "Read what changed in the configured sources into the store",
		Long: `Sync reads every source of the config into the store (--store), incrementally:
each source resumes from the cursor of its last committed batch, so an
interrupted sync loses nothing and the next run carries on.

With --full every source is read from the beginning, and complaints the
source no longer has (deleted, or moved out of scope) are marked missing:
kept in the store, left out of scoring, and listed on the data-quality page.
A full read that finds nothing of a source the store has complaints of marks
nothing and fails: an empty answer is far likelier a wrong address, filter or
permission than a helpdesk that lost every ticket.

API tokens come from the environment variables the config names and go only
to the origin of each source's base_url (docs/security.md).`,
		Args: args(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.runSync(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.Full, "full", false, "read everything and mark complaints the source no longer has as missing")
	return cmd
}

// runSync is kpidesk sync: every configured source into the store.
func (a *app) runSync(ctx context.Context, opts *syncOptions) error {
	cfg, err := a.loadConfig()
	if err != nil {
		return err
	}
	if cfg.File == config.BuiltIn {
		// Even with -q: the demo's complaints are about to fill the
		// store, which is not what someone syncing their helpdesk wants.
		fmt.Fprintln(a.stderr, "kpidesk: no kpidesk.yaml here and no --config: syncing the built-in demo config (run kpidesk init to write your own)")
	}
	srcs, err := a.sources(cfg)
	if err != nil {
		return err
	}
	if len(srcs) == 0 {
		// Before the store is opened, which would create it.
		return fmt.Errorf("%s has no sources: add one under sources, or use kpidesk import FILE", cfg.File)
	}
	st, err := a.openStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := a.syncSources(ctx, st, srcs, opts.Full); err != nil {
		return err
	}
	n, err := st.Count(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "%s: %d complaints\n", a.storePath, n)
	return nil
}

// sources builds the configured sources, each by its registered type
// (sources.go links them). A source that read secrets (API tokens) is
// wrapped to scrub them from all it returns.
func (a *app) sources(cfg *config.Config) ([]connectors.Source, error) {
	var out []connectors.Source
	for _, s := range cfg.Sources {
		if s.Settings.Value == nil {
			return nil, fmt.Errorf("source %s: type %q is not supported by this kpidesk", s.Name, s.Type)
		}
		name := s.Name
		src, secrets, err := connectors.NewSource(s.Settings, connectors.Env{
			Name:      name,
			Getenv:    os.Getenv,
			ClockSkew: cfg.Import.ClockSkewTolerance(),
			UserAgent: "kpidesk/" + version,
			OnRequest: func(method, path string, status int) { a.requests.Add(1) },
			OnWait: func(reason string, d time.Duration) {
				// A sync that pauses should say why.
				if !a.quiet {
					fmt.Fprintf(a.stderr, "sync %s: waiting %s: %s\n", name, d.Round(time.Millisecond), reason)
				}
			},
		})
		if err != nil {
			return nil, err
		}
		if len(secrets) > 0 {
			src = &scrubbed{Source: src, secrets: connectors.NewRedactor(secrets...)}
		}
		out = append(out, src)
	}
	return out, nil
}

// syncAll syncs every configured source into the store.
func (a *app) syncAll(ctx context.Context, st *store.Store, srcs []connectors.Source) error {
	return a.syncSources(ctx, st, srcs, false)
}

// scrubbed is a source whose secrets (the credentials the command read for
// it) are scrubbed from every batch before the store sees it: a server may
// echo a token in a summary, a comment, a name or a custom field, and it
// must reach neither the store nor the site (SPEC §11).
type scrubbed struct {
	connectors.Source
	secrets *connectors.Redactor
}

func (s *scrubbed) Fetch(ctx context.Context, cursor string, emit func(connectors.Batch) error) error {
	return s.Source.Fetch(ctx, cursor, func(b connectors.Batch) error {
		s.secrets.Batch(&b)
		return emit(b)
	})
}

// redactedError is an error whose text has had a source's secrets removed,
// as a last line of defence before it is printed; errors.Is and As still
// see the original.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

// syncSources syncs every source; full reads each from the beginning and
// marks what it no longer has as missing (deleted or moved), recording each
// on the data-quality page.
//
// A read that returns nothing is normal for an incremental sync with no
// changes, but not for a full read (--full, or a source with no cursor
// yet) of a source the store has complaints from: the address, filter or
// permissions have likely changed, or a server answered for the real one.
// A plain sync then warns on stderr, even with -q; a --full one fails
// (store.SyncFull refuses to mark every complaint missing).
func (a *app) syncSources(ctx context.Context, st *store.Store, srcs []connectors.Source, full bool) error {
	if len(srcs) == 0 {
		return fmt.Errorf("the config has no sources: add one under sources, or use kpidesk import FILE")
	}
	infos, err := st.Syncs(ctx)
	if err != nil {
		return err
	}
	before := map[string]connectors.SyncInfo{}
	for _, si := range infos {
		before[si.Source] = si
	}
	for _, src := range srcs {
		inner, secrets := src, (*connectors.Redactor)(nil)
		if s, ok := src.(*scrubbed); ok {
			inner, secrets = s.Source, s.secrets
		}
		if err := a.syncSource(ctx, st, src, inner, secrets, full, before[src.Name()]); err != nil {
			return &redactedError{msg: secrets.Redact(err.Error()), err: err}
		}
	}
	return nil
}

// syncSource syncs src (inner is src without the scrubbing wrapper, for
// the problems a connectors.ProblemReporter reports); prior is the store's record of src
// before the sync.
//
// Every complaint read is a record read again, whose problems on the
// data-quality page are replaced by those found now (none, if it was
// fixed): a problem belongs to its record, so a sync never lists one
// twice. That holds for what a failed sync committed before it failed.
func (a *app) syncSource(ctx context.Context, st *store.Store, src, inner connectors.Source, secrets *connectors.Redactor, full bool, prior connectors.SyncInfo) error {
	// The records that have problems now: only those need clearing when
	// read again (a million IDs need not be held).
	had := map[string]bool{}
	old, err := st.Problems(ctx)
	if err != nil {
		return err
	}
	for _, pr := range old {
		if pr.Source == src.Name() {
			had[pr.Record] = true
		}
	}
	p := a.progress()
	n := 0
	var read []string // the records read that had problems, by ID or key
	progress := func(b connectors.Batch) {
		n += len(b.Complaints)
		for i := range b.Complaints {
			c := &b.Complaints[i]
			if had[c.ID] {
				read = append(read, c.ID)
			}
			if had[c.Key] {
				read = append(read, c.Key)
			}
		}
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
	var missing []string
	if full {
		missing, err = st.SyncFull(ctx, src, progress)
	} else {
		err = st.Sync(ctx, src, progress)
	}
	var ps []connectors.Problem
	for _, id := range missing {
		ps = append(ps, connectors.Problem{Source: src.Name(), Where: id, Reason: "no longer in the source (deleted or moved): kept, left out of scoring"})
	}
	var reported []connectors.Problem
	if pr, ok := inner.(connectors.ProblemReporter); ok {
		// What the source could not map or read goes to the data-quality
		// page; it comes from the server, so it is scrubbed too. The
		// store gives a problem without a Source the source's name.
		reported = secrets.Problems(pr.Problems())
		ps = append(ps, reported...)
	}
	if perr := st.ReplaceProblems(ctx, src.Name(), read, ps); perr != nil && err == nil {
		err = perr
	}
	if err != nil {
		return fmt.Errorf("sync %s: %w", src.Name(), err)
	}
	if len(missing) > 0 && !a.quiet {
		fmt.Fprintf(a.stderr, "sync %s: %d complaints no longer in the source, marked missing\n", src.Name(), len(missing))
	}
	if n == 0 && !full && prior.Cursor == "" && prior.Count > 0 {
		// Even with -q: a silent empty read looks like success.
		fmt.Fprintf(a.stderr, "warning: sync %s: the source returned no complaints when read from the beginning, but the store has %d from it; check its base_url, projects or filter, and the account's permissions\n", src.Name(), prior.Count)
	}
	if r := a.requests.Swap(0); r > 0 {
		p.done("synced %d complaints from %s in %d API requests", n, src.Name(), r)
	} else {
		p.done("synced %d complaints from %s", n, src.Name())
	}
	if line := problemSummary(src.Name(), reported); line != "" {
		// Even with -q: values left unmapped change what is scored.
		fmt.Fprintln(a.stderr, line)
	}
	return nil
}

// problemSummary says in one line what a source could not map or read in
// a sync, by field, most frequent first, and where the list is: "" when
// nothing.
func problemSummary(source string, ps []connectors.Problem) string {
	if len(ps) == 0 {
		return ""
	}
	by := map[string]int{}
	for _, p := range ps {
		by[cmp.Or(p.Field, "record")]++
	}
	fields := slices.Collect(maps.Keys(by))
	slices.SortFunc(fields, func(x, y string) int { return cmp.Or(cmp.Compare(by[y], by[x]), cmp.Compare(x, y)) })
	parts := make([]string, len(fields))
	for i, f := range fields {
		parts[i] = fmt.Sprintf("%s %d", f, by[f])
	}
	noun := "problems"
	if len(ps) == 1 {
		noun = "problem"
	}
	return fmt.Sprintf("sync %s: %d data-quality %s left (%s): values it could not map or records it skipped, listed on the site's data-quality page", source, len(ps), noun, strings.Join(parts, ", "))
}
