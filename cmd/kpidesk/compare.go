package main

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/kpidesk/kpidesk/scoring"
	"github.com/kpidesk/kpidesk/sitegen"
)

// compareOptions are kpidesk compare's flags.
type compareOptions struct {
	Base   string // --base: scores.json, its folder, or a snapshot file
	Head   string // --head
	Format string // --format: markdown or json
}

func (a *app) compareCommand() *cobra.Command {
	opts := &compareOptions{}
	cmd := &cobra.Command{
		Use:   "compare --base OLD --head NEW",
		Short: "Show which units' final score or grade moves between two runs' scores",
		Long: `Compare reads two runs' scores (each a scores.json, the folder that holds it,
or a snapshot file of build --snapshot) and lists, per period, the units whose
final score or grade moves from --base to --head, old → new, with the metrics
that moved: what a change to kpidesk.yaml, an appeals file or an input file
would change, scored before and after (examples/github/pr-check.yml comments it
on the pull request). Scorecards only one run has are listed as new or gone.

--format markdown (the default) writes GitHub-flavoured Markdown, every name
escaped, the latest period first, capped to fit a pull-request comment;
--format json writes every scorecard whose figures moved, its final score and
grade in each run and each metric's value, numerator, denominator, points,
weight and status in each (scoring.ScorecardChange).

Compare does not read the config or the store. It exits 0 whether or not
anything moved (the output says which), 1 when a file cannot be read, 2 when
the command line is wrong.`,
		Example: "  kpidesk compare --base base-out --head head-out\n  kpidesk compare --base snapshots/2026-09/0001.json --head out/scores.json --format json",
		Args:    args(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.runCompare(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Base, "base", "", "the scores before: scores.json, its folder, or a snapshot file")
	cmd.Flags().StringVar(&opts.Head, "head", "", "the scores after: scores.json, its folder, or a snapshot file")
	cmd.Flags().StringVar(&opts.Format, "format", "markdown", "markdown or json")
	return cmd
}

// compareReport is kpidesk compare --format json.
type compareReport struct {
	Base    compareSide               `json:"base"`
	Head    compareSide               `json:"head"`
	Changes []scoring.ScorecardChange `json:"changes"`
}

// compareSide names one run compared.
type compareSide struct {
	Path string    `json:"path"`
	AsOf time.Time `json:"as_of"`
}

// runCompare is kpidesk compare.
func (a *app) runCompare(_ context.Context, opts *compareOptions) error {
	if opts.Base == "" || opts.Head == "" {
		return usageError{errors.New("compare: want --base and --head, each a scores.json, its folder or a snapshot file")}
	}
	if opts.Format != "markdown" && opts.Format != "json" {
		return usageError{fmt.Errorf("--format %q: want markdown or json", opts.Format)}
	}
	base, basePath, err := readScoresArg(opts.Base)
	if err != nil {
		return err
	}
	head, headPath, err := readScoresArg(opts.Head)
	if err != nil {
		return err
	}
	// A snapshot holds one period: the other run is compared in it alone.
	if snap, ok := isSnapshot(base); ok {
		head = onlyPeriods(head, snap)
	}
	if snap, ok := isSnapshot(head); ok {
		base = onlyPeriods(base, snap)
	}
	r := compareReport{Base: compareSide{basePath, base.AsOf}, Head: compareSide{headPath, head.AsOf}, Changes: scoring.Changes(base, head)}
	if r.Changes == nil {
		r.Changes = []scoring.ScorecardChange{}
	}
	if opts.Format == "json" {
		return writeJSON(a.stdout, r)
	}
	_, err = io.WriteString(a.stdout, compareMarkdown(r, base, head))
	return err
}

// readScoresArg reads --base or --head: a scores.json, a folder holding
// one, or a snapshot file (build --snapshot), which reads as a scores.json
// of its one period. It returns the file read too.
func readScoresArg(arg string) (*scoring.Scores, string, error) {
	path := arg
	if fi, err := os.Stat(arg); err == nil && fi.IsDir() {
		path = filepath.Join(arg, "scores.json")
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, path, err
	}
	var probe struct {
		Schema string `json:"schema"`
	}
	if err := json.Unmarshal(b, &probe); err != nil {
		return nil, path, fmt.Errorf("read scores %s: %w", path, err)
	}
	if probe.Schema == snapshotSchema {
		f, err := readSnapshot(path)
		if err != nil {
			return nil, path, err
		}
		s := f.scores()
		s.Schema = snapshotSchema // isSnapshot
		return s, path, nil
	}
	s, err := scoring.ReadJSON(bytes.NewReader(b))
	if err != nil {
		return nil, path, fmt.Errorf("%s: %w", path, err)
	}
	return s, path, nil
}

// compareMaxBytes keeps the Markdown report under GitHub's limit of 65,536
// characters for a comment, with room for what a workflow adds.
const compareMaxBytes = 60000

// compareMarkdown is the Markdown report: per period, the latest first,
// a table of the scorecards whose final score or grade moves; the
// scorecards whose metrics moved alone are counted. Every name is escaped
// as summary.md escapes it (sitegen.EscapeMarkdown).
func compareMarkdown(r compareReport, base, head *scoring.Scores) string {
	md := sitegen.EscapeMarkdown
	periods := map[string]scoring.Period{}
	for _, s := range []*scoring.Scores{base, head} {
		for _, p := range s.Periods {
			periods[p.ID] = p
		}
	}
	var order []string
	moved := map[string][]scoring.ScorecardChange{}
	total, quiet := 0, 0
	for _, c := range r.Changes {
		if !c.Moved() {
			quiet++
			continue
		}
		if moved[c.Period] == nil {
			order = append(order, c.Period)
		}
		moved[c.Period] = append(moved[c.Period], c)
		total++
	}
	slices.SortStableFunc(order, func(x, y string) int {
		px, py := periods[x], periods[y]
		return cmp.Or(py.End.Compare(px.End), py.Start.Compare(px.Start), strings.Compare(y, x))
	})

	var b strings.Builder
	b.WriteString("### kpidesk: what changes\n\n")
	fmt.Fprintf(&b, "%s → %s\n\n", md(sideText(r.Base)), md(sideText(r.Head)))
	switch {
	case total == 0:
		b.WriteString("No unit's final score or grade moves.")
	case total == 1:
		b.WriteString("1 scorecard's final score or grade moves.")
	default:
		fmt.Fprintf(&b, "%d scorecards' final score or grade move, in %d periods.", total, len(order))
	}
	if quiet > 0 {
		fmt.Fprintf(&b, " %d more change in their metrics only.", quiet)
	}
	b.WriteString("\n")
	shown := 0
	for _, id := range order {
		if b.Len() > compareMaxBytes {
			break
		}
		fmt.Fprintf(&b, "\n#### %s\n\n| unit | scorecard | final | grade | what moved |\n|---|---|---:|---|---|\n", md(id))
		for _, c := range moved[id] {
			if b.Len() > compareMaxBytes {
				break
			}
			oldFinal, newFinal := finalPair(c)
			fmt.Fprintf(&b, "| %s | %s | %s → %s | %s → %s | %s |\n", md(unitText(c.Unit)), md(c.Scorecard),
				md(oldFinal), md(newFinal), md(gradeOf(c.Old)), md(gradeOf(c.New)), md(whatMoved(c)))
			shown++
		}
	}
	if shown < total {
		fmt.Fprintf(&b, "\n%d more not shown: run kpidesk compare --format json for all of them.\n", total-shown)
	}
	return b.String()
}

// sideText names a run compared: its file and as_of.
func sideText(s compareSide) string {
	if s.AsOf.IsZero() {
		return s.Path
	}
	return s.Path + " (as of " + s.AsOf.UTC().Format("2006-01-02 15:04 MST") + ")"
}

// unitText is a unit as the report shows it: its name and key.
func unitText(u scoring.Unit) string {
	if u.Name == "" || u.Name == u.ID {
		return u.Key()
	}
	return u.Name + " (" + u.Key() + ")"
}

// gradeOf is a side's grade: "no data" for a scorecard without data, a
// dash for none.
func gradeOf(f *scoring.CardFigures) string {
	switch {
	case f == nil:
		return "—"
	case f.Status == scoring.ScorecardNoData:
		return "no data"
	}
	return cmp.Or(f.Grade, "—")
}

// finalPair is a change's final scores, one decimal, or as many more as it
// takes for two different scores not to read the same.
func finalPair(c scoring.ScorecardChange) (string, string) {
	var a, b *float64
	if c.Old != nil {
		a = c.Old.Final
	}
	if c.New != nil {
		b = c.New.Final
	}
	format := func(v *float64, prec int) string {
		if v == nil {
			return "—"
		}
		return strconv.FormatFloat(*v, 'f', prec, 64)
	}
	x, y := format(a, 1), format(b, 1)
	for p := 2; x == y && a != nil && b != nil && *a != *b && p <= 6; p++ {
		x, y = format(a, p), format(b, p)
	}
	return x, y
}

// whatMoved says what else moved on a scorecard: new or gone, or the
// metrics whose figures moved (five at most, then how many more).
func whatMoved(c scoring.ScorecardChange) string {
	switch c.Change {
	case scoring.ChangeNew:
		return "new scorecard"
	case scoring.ChangeVanished:
		return "scorecard gone"
	}
	var ids []string
	for _, m := range c.Metrics {
		ids = append(ids, m.Metric)
	}
	if len(ids) == 0 {
		return "—"
	}
	if len(ids) > 5 {
		return strings.Join(ids[:5], ", ") + fmt.Sprintf(" and %d more", len(ids)-5)
	}
	return strings.Join(ids, ", ")
}

// isSnapshot reports whether s was read from a snapshot file, and its
// periods.
func isSnapshot(s *scoring.Scores) ([]string, bool) {
	if s.Schema != snapshotSchema {
		return nil, false
	}
	var ids []string
	for _, p := range s.Periods {
		ids = append(ids, p.ID)
	}
	return ids, true
}

// onlyPeriods is s with the scorecards of the periods ids alone.
func onlyPeriods(s *scoring.Scores, ids []string) *scoring.Scores {
	out := *s
	out.Scorecards = nil
	for _, c := range s.Scorecards {
		if slices.Contains(ids, c.Period) {
			out.Scorecards = append(out.Scorecards, c)
		}
	}
	return &out
}
