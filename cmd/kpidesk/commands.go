package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/kpidesk/kpidesk/config"
	"github.com/kpidesk/kpidesk/connectors"
	"github.com/kpidesk/kpidesk/connectors/demo"
	"github.com/kpidesk/kpidesk/connectors/file"
	"github.com/kpidesk/kpidesk/connectors/store"
)

func (a *app) syncCommand() *cobra.Command {
	var full bool
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
			st, err := a.openStore(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			if err := a.syncSources(cmd.Context(), st, srcs, full); err != nil {
				return err
			}
			n, err := st.Count(cmd.Context())
			if err != nil {
				return err
			}
			fmt.Fprintf(a.stdout, "%s: %d complaints\n", a.storePath, n)
			return nil
		},
	}
	cmd.Flags().BoolVar(&full, "full", false, "read everything and mark complaints the source no longer has as missing")
	return cmd
}

func (a *app) importCommand() *cobra.Command {
	var skip bool
	var source, format string
	cmd := &cobra.Command{
		Use:   "import FILE",
		Short: "Import complaints from a JSON Lines or CSV file (docs/import-format.md)",
		Long: `Import reads complaints in kpidesk's interchange format (docs/import-format.md):
JSON Lines or CSV with the same column names. It is how a team on another
helpdesk (Zendesk, Freshdesk, a CRM export) uses kpidesk.

The format comes from the file name (.jsonl, .ndjson or .json is JSON Lines,
.csv is CSV) unless --format gives it. FILE - reads standard input, which
needs --format.

Every line is checked first. A bad line is reported as FILE:LINE: field: reason
and the import writes nothing, unless --skip-invalid is given: then the good
lines are imported and the skipped ones are listed on the site's data-quality
page (the first 1000 problems). A line or CSV record longer than 32 MiB is a
bad line. Complaints are upserted by id, so importing a file again updates it,
and the problems listed for the file are replaced by the new import's.

A first response, resolution, escalation or event that lies before created_at
by at most the config's import.clock_skew (default 1h) is clock skew between
systems (SPEC §13.12): the line is imported, the duration counts 0, and the
skew is listed on the data-quality page. More than that is a bad line.`,
		Example: "  kpidesk import complaints.jsonl\n  kpidesk import export.csv --skip-invalid --source zendesk\n  zcat export.csv.gz | kpidesk import - --format csv",
		Args:    args(1, "one FILE"),
		RunE: func(cmd *cobra.Command, argv []string) error {
			path := argv[0]
			name := path // in problems and as the sync cursor
			switch format {
			case "", file.FormatJSONL, file.FormatCSV:
			default:
				return usageError{fmt.Errorf("--format %q: want %s or %s", format, file.FormatJSONL, file.FormatCSV)}
			}
			var in io.Reader
			if path == "-" {
				if format == "" {
					return usageError{errors.New("import -: reading standard input needs --format jsonl or --format csv")}
				}
				name, in = "stdin", cmd.InOrStdin()
			} else {
				if format == "" {
					var err error
					if format, err = file.DetectFormat(path); err != nil {
						return usageError{fmt.Errorf("import: cannot tell the format of %s from its name (.jsonl, .ndjson, .json or .csv): give --format jsonl or --format csv", path)}
					}
				}
				f, err := os.Open(path)
				if err != nil {
					return err
				}
				defer f.Close()
				in = f
			}
			// The config gives the clock-skew tolerance (SPEC §13.12).
			cfg, err := a.loadConfig()
			if err != nil {
				return err
			}
			tolerance := cfg.Import.ClockSkewTolerance()
			// A store this import creates is removed again if the import
			// fails: a bad file leaves nothing behind.
			_, statErr := os.Stat(a.storePath)
			created := errors.Is(statErr, fs.ErrNotExist)
			st, err := a.openStore(cmd.Context())
			if err != nil {
				return err
			}
			ok := false
			defer func() {
				st.Close()
				if !ok && created {
					removeStore(a.storePath)
				}
			}()
			p := a.progress()
			var res file.Result
			errInvalid := fmt.Errorf("%s has invalid lines; nothing was imported (fix them, or pass --skip-invalid)", name)
			err = st.Import(cmd.Context(), source, func(put func(connectors.Batch) error) error {
				// Decoding and writing run side by side on the two halves of
				// the work, connected by a short queue of batches.
				ctx, cancel := context.WithCancel(cmd.Context())
				defer cancel()
				batches := make(chan []connectors.Complaint, 2)
				var decErr error
				go func() {
					defer close(batches)
					send := func(b []connectors.Complaint) error {
						select {
						case batches <- b:
							return nil
						case <-ctx.Done():
							return ctx.Err()
						}
					}
					var batch []connectors.Complaint
					res, decErr = file.Decode(in, name, file.Options{Source: source, Format: format, ClockSkew: tolerance}, func(c *connectors.Complaint) error {
						batch = append(batch, *c)
						if len(batch) == 5000 {
							err := send(batch)
							batch = nil
							return err
						}
						return nil
					})
					if decErr == nil && len(batch) > 0 {
						decErr = send(batch)
					}
				}()
				var putErr error
				n := 0
				for b := range batches {
					if putErr != nil {
						continue // drain so the decoder can finish
					}
					n += len(b)
					p.update("import %s: %d complaints", name, n)
					if putErr = put(connectors.Batch{Complaints: b}); putErr != nil {
						cancel()
					}
				}
				switch {
				case putErr != nil:
					return putErr
				case decErr != nil:
					return decErr
				case res.Invalid() && res.Read == 0:
					// The CSV header is wrong: no line could be read.
					return fmt.Errorf("%s: the header is invalid; nothing was imported", name)
				case res.Invalid() && !skip:
					return errInvalid
				}
				// The evaluation instant of an import is the latest instant in
				// the file, so that scoring it is reproducible (SPEC §13.6).
				return put(connectors.Batch{AsOf: res.AsOf, Cursor: filepath.Base(name)})
			})
			const shown = 20
			total := len(res.Problems) + res.Unlisted
			for i, pr := range res.Problems {
				if i == shown {
					fmt.Fprintf(a.stderr, "... and %d more problems\n", total-shown)
					break
				}
				fmt.Fprintln(a.stderr, pr.Error())
			}
			if err != nil {
				return err
			}
			// The file's problems and clock skews replace those of its
			// earlier imports: they belong to the file, by its name.
			ps := make([]store.Problem, 0, len(res.Problems)+len(res.Skews))
			for _, pr := range append(res.Problems[:len(res.Problems):len(res.Problems)], res.Skews...) {
				ps = append(ps, store.Problem{Source: source, Record: name, Where: fmt.Sprintf("%s:%d", pr.File, pr.Line), Field: pr.Field, Reason: pr.Reason})
			}
			if err := st.ReplaceProblems(cmd.Context(), source, []string{name}, ps); err != nil {
				return err
			}
			if k := len(res.Skews) + res.UnlistedSkews; k > 0 && !a.quiet {
				fmt.Fprintf(a.stderr, "%s: %d times before created_at by at most %s (import.clock_skew) kept as clock skew, their durations counted 0; listed on the data-quality page\n", name, k, tolerance)
			}
			ok = true
			switch {
			case res.Unlisted > 0:
				// Even with -q: the data-quality page does not show them all.
				fmt.Fprintf(a.stderr, "skipped %d invalid lines with %d problems; the first %d problems are listed on the data-quality page\n",
					res.Bad(), total, len(res.Problems))
			case res.Bad() > 0:
				p.done("imported %d complaints from %s, skipped %d invalid lines (listed on the data-quality page)", res.OK, name, res.Bad())
			default:
				p.done("imported %d complaints from %s", res.OK, name)
			}
			fmt.Fprintf(a.stdout, "%s: imported %d, skipped %d\n", a.storePath, res.OK, res.Bad())
			return nil
		},
	}
	cmd.Flags().BoolVar(&skip, "skip-invalid", false, "import the valid lines and record the invalid ones on the data-quality page")
	cmd.Flags().StringVar(&source, "source", "file", "source name recorded on the complaints (IDs become SOURCE:id)")
	cmd.Flags().StringVar(&format, "format", "", "jsonl or csv (default: from the file name's extension; required for - )")
	return cmd
}

// removeStore removes a store file that a failed command created, with the
// write-ahead log and shared-memory files SQLite keeps beside it.
func removeStore(path string) {
	for _, suffix := range []string{"", "-wal", "-shm", "-journal"} {
		os.Remove(path + suffix)
	}
}

func (a *app) scoreCommand() *cobra.Command {
	var asOf, out string
	var ids bool
	cmd := &cobra.Command{
		Use:   "score",
		Short: "Score the store into scores.json, scores.csv, evidence.jsonl and summary.md",
		Long: `Score evaluates every complaint in the store with every metric, aggregates the
outcomes per agent, team, department and organization for each month,
quarter, half-year and year, and applies the config's scorecards.

It writes into --out, a folder of its own that is replaced whole (new,
empty, or written by kpidesk before; never one that holds the store or the
config), and switches the four files in together once all are written:
  scores.json     the scorecards (schema kpidesk.scores/v1), byte-identical for the same input
  scores.csv      one row per scorecard metric, for spreadsheets
  evidence.jsonl  one line per complaint: its units, periods and outcome per metric
  summary.md      the latest complete month in Markdown, for a CI job summary

The evaluation instant (--as-of) defaults to the store's last sync, never the
wall clock, so a store scores the same tomorrow as today.`,
		Example: "  kpidesk score --out out\n  kpidesk score --as-of 2026-06-30 --ids --out out",
		Args:    args(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, st, err := a.configAndStore(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			o, err := a.stageOutputs(cfg, out, "")
			if err != nil {
				return err
			}
			defer o.abort()
			run, err := a.scoreStore(cmd.Context(), st, cfg, asOf, ids, o.scores)
			if err != nil {
				return err
			}
			if err := o.commit(); err != nil {
				return err
			}
			fmt.Fprintln(a.stdout, filepath.Join(out, "scores.json"))
			return run.gateErr()
		},
	}
	cmd.Flags().StringVar(&asOf, "as-of", "", "evaluation instant: RFC 3339, or a date meaning the end of that day (default: the last sync)")
	cmd.Flags().StringVar(&out, "out", "out", "output folder")
	cmd.Flags().BoolVar(&ids, "ids", false, "list each metric's complaint IDs in scores.json (small data sets)")
	return cmd
}

func (a *app) initCommand() *cobra.Command {
	var force bool
	var source string
	cmd := &cobra.Command{
		Use:   "init [FILE]",
		Short: "Write a commented starter config (default kpidesk.yaml)",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, argv []string) error {
			path := "kpidesk.yaml"
			if len(argv) == 1 {
				path = argv[0]
			}
			if _, err := os.Stat(path); err == nil && !force {
				return fmt.Errorf("%s exists; pass --force to overwrite it", path)
			}
			text := config.Starter()
			switch source {
			case "demo":
			case "jira":
				text = config.StarterJira()
			default:
				return usageError{fmt.Errorf("--source %q: want demo or jira", source)}
			}
			if err := os.WriteFile(path, text, 0o644); err != nil {
				return err
			}
			fmt.Fprintln(a.stdout, path)
			fmt.Fprintf(a.stderr, "wrote %s: edit it, check it with `kpidesk config check`, then run `kpidesk sync`\n", path)
			return nil
		},
	}
	cmd.Flags().BoolVar(&force, "force", false, "overwrite an existing file")
	cmd.Flags().StringVar(&source, "source", "demo", "the source the starter reads: demo or jira (Jira Service Management)")
	return cmd
}

func (a *app) configCommand() *cobra.Command {
	cfg := &cobra.Command{Use: "config", Short: "Check or print the config"}
	cfg.AddCommand(&cobra.Command{
		Use:   "check",
		Short: "Validate the config and list every problem with file:line",
		Args:  args(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := a.loadConfig()
			if err != nil {
				return err
			}
			if err := a.configWarnings(c); err != nil { // configcheck.go
				return err
			}
			fmt.Fprintf(a.stdout, "%s: ok (%d sources, %d teams, %d scorecards)\n", c.File, len(c.Sources), len(c.Teams), len(c.Scorecards))
			return nil
		},
	}, &cobra.Command{
		Use:   "default",
		Short: "Print the built-in config",
		Args:  args(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := a.stdout.Write(config.DefaultYAML())
			return err
		},
	})
	return cfg
}

func (a *app) versionCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version, the store schema and the scores schema",
		Args:  args(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			fmt.Fprintf(a.stdout, "kpidesk %s (store schema %d, scores %s)\n", version, store.SchemaVersion(), "kpidesk.scores/v1")
			return nil
		},
	}
}

var _ = demo.Org
