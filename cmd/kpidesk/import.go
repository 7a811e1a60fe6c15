package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/spf13/cobra"

	"github.com/kpidesk/kpidesk/connectors"
	"github.com/kpidesk/kpidesk/connectors/file"
)

// importOptions are kpidesk import's argument and flags.
type importOptions struct {
	File        string    // FILE, or - for Stdin
	SkipInvalid bool      // --skip-invalid
	Source      string    // --source
	Format      string    // --format
	Stdin       io.Reader // read for FILE -
}

func (a *app) importCommand() *cobra.Command {
	opts := &importOptions{}
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
			opts.File, opts.Stdin = argv[0], cmd.InOrStdin()
			return a.runImport(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.SkipInvalid, "skip-invalid", false, "import the valid lines and record the invalid ones on the data-quality page")
	cmd.Flags().StringVar(&opts.Source, "source", "file", "source name recorded on the complaints (IDs become SOURCE:id)")
	cmd.Flags().StringVar(&opts.Format, "format", "", "jsonl or csv (default: from the file name's extension; required for - )")
	return cmd
}

// runImport is kpidesk import: one file into the store, all or nothing
// unless --skip-invalid.
func (a *app) runImport(ctx context.Context, opts *importOptions) error {
	path, format, source := opts.File, opts.Format, opts.Source
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
		name, in = "stdin", opts.Stdin
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
	st, err := a.openStore(ctx)
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
	src, err := file.NewSource(file.SourceConfig{
		Path:        name,
		Input:       in,
		Options:     file.Options{Source: source, Format: format, ClockSkew: tolerance},
		SkipInvalid: opts.SkipInvalid,
	})
	if err != nil {
		return err
	}
	p := a.progress()
	// One transaction: a file with a bad line writes nothing (unless
	// --skip-invalid), and its last batch records it as read, with the
	// latest instant in it as the evaluation instant (SPEC §13.6).
	err = st.Import(ctx, source, func(put func(connectors.Batch) error) error {
		return src.Fetch(ctx, "", func(b connectors.Batch) error {
			if len(b.Complaints) > 0 {
				p.update("import %s: %d complaints", name, b.Done)
			}
			return put(b)
		})
	})
	res := src.Result()
	if errors.Is(err, file.ErrInvalid) {
		if res.Read == 0 {
			// The CSV header is wrong: no line could be read.
			err = fmt.Errorf("%s: the header is invalid; nothing was imported", name)
		} else {
			err = fmt.Errorf("%s has invalid lines; nothing was imported (fix them, or pass --skip-invalid)", name)
		}
	}
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
	if err := st.ReplaceProblems(ctx, source, []string{name}, src.Problems()); err != nil {
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
}

// removeStore removes a store file that a failed command created, with the
// write-ahead log and shared-memory files SQLite keeps beside it.
func removeStore(path string) {
	for _, suffix := range []string{"", "-wal", "-shm", "-journal"} {
		os.Remove(path + suffix)
	}
}
