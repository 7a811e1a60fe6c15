package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/kpidesk/kpidesk/config"
	"github.com/kpidesk/kpidesk/sitegen"
)

// outputsUsage is the help of score's and build's --outputs.
const outputsUsage = "also append the organization's final score and grade in the latest complete month, and whether the gates passed, to `FILE` as name=value lines: $GITHUB_OUTPUT, or a GitLab dotenv report (docs/ci.md); written even when a gate fails"

// ciOutputs are the name=value lines of --outputs (docs/ci.md, "Outputs"):
// summary.md's headline, in GitHub Actions' $GITHUB_OUTPUT format, which
// is also GitLab's dotenv report format. The final score is unrounded, as
// in scores.json and scores.csv; a missing one is empty.
func ciOutputs(h sitegen.Headline) (string, error) {
	final := ""
	if h.Final != nil {
		final = strconv.FormatFloat(*h.Final, 'f', -1, 64)
	}
	lines := [][2]string{
		{"period", h.Period},
		{"final", final},
		{"grade", h.Grade},
		{"gates_passed", strconv.FormatBool(h.GatesPassed)},
	}
	var b strings.Builder
	for _, l := range lines {
		// Config validation refuses control characters in IDs; a line
		// break would end the value and start a line of its own.
		if strings.ContainsAny(l[1], "\r\n") {
			return "", fmt.Errorf("%s %q holds a line break", l[0], l[1])
		}
		b.WriteString(l[0] + "=" + l[1] + "\n")
	}
	return b.String(), nil
}

// writeOutputs appends the run's outputs to path (--outputs), in one
// write; nothing when path is empty. The caller checked path with
// checkOutputs first. The file is appended to, never replaced: GitHub
// Actions collects every step's outputs in it.
func (r *scoreRun) writeOutputs(path string) error {
	if path == "" {
		return nil
	}
	h, err := sitegen.LatestHeadline(sitegen.Options{Config: r.Config, Scores: r.Scores, Metrics: r.Metrics, Appeals: r.Appeals, Gates: r.Gates})
	if err != nil {
		return err
	}
	text, err := ciOutputs(h)
	if err != nil {
		return fmt.Errorf("--outputs %s: %w", path, err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("--outputs %s: %w", path, err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return fmt.Errorf("--outputs %s: %w", path, err)
	}
	if _, err := f.WriteString(text); err != nil {
		f.Close()
		return fmt.Errorf("--outputs %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("--outputs %s: %w", path, err)
	}
	return nil
}

// checkOutputs refuses an --outputs path that kpidesk must not append to,
// before any work is done: a folder, the store, the config or a file it
// reads (through a link too), and a path inside the output folders or
// inside a folder kpidesk marked as its site or scores, which are
// replaced whole. An existing file, or a device such as /dev/stdout, is
// appended to.
func (a *app) checkOutputs(cfg *config.Config, path string, folders ...string) error {
	if path == "" {
		return nil
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return err
	}
	switch fi, err := os.Stat(abs); {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return fmt.Errorf("--outputs %s: %w", path, err)
	case fi.IsDir():
		return fmt.Errorf("--outputs %s is a folder: give the file to append to ($GITHUB_OUTPUT)", path)
	}
	return a.checkReportPlace(cfg, "--outputs", path, abs, folders...)
}
