package main

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/kpidesk/kpidesk/config"
	"github.com/kpidesk/kpidesk/internal/outdir"
	"github.com/kpidesk/kpidesk/scoring"
)

// junitUsage is the help of score's and build's --junit.
const junitUsage = "also write the quality gates' results to `FILE` as JUnit XML, for CI test reports (docs/ci.md); written even when a gate fails"

// The JUnit XML of the gates (docs/ci.md, "JUnit"): one testsuite, one
// testcase per gate and unit. Test names carry no period, so that Jenkins
// and GitLab follow a gate's history from month to month; the period is a
// property of the suite and part of every message.
type junitSuite struct {
	XMLName    xml.Name        `xml:"testsuite"`
	Name       string          `xml:"name,attr"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Errors     int             `xml:"errors,attr"`
	Skipped    int             `xml:"skipped,attr"`
	Time       string          `xml:"time,attr"`
	Properties []junitProperty `xml:"properties>property"`
	Cases      []junitCase     `xml:"testcase"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitFailure `xml:"failure"`
	Skipped   *junitSkipped `xml:"skipped"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

type junitSkipped struct {
	Message string `xml:"message,attr"`
}

// junitSuiteName is the name of the one testsuite.
const junitSuiteName = "kpidesk gates"

// noDataNote ends the message of a gate that was not checked: the rule of
// docs/configuration.md#gates.
const noDataNote = "a missing or insufficient value does not fail a gate"

// junitReport turns gate results on period into the JUnit suite. A test
// case's classname is the gate's name, else the kind of its unit; its
// name is the unit and the metric ("team:care-east response_rate").
func junitReport(gates []scoring.GateResult, period string, infos map[string]scoring.Info) junitSuite {
	s := junitSuite{
		Name:       junitSuiteName,
		Time:       "0",
		Properties: []junitProperty{{Name: "period", Value: period}},
	}
	for _, r := range gates {
		c := junitCase{
			Name:      gateUnitLabel(r.Unit) + " " + r.Gate.Metric,
			Classname: r.Gate.Name,
			Time:      "0",
		}
		if c.Classname == "" {
			c.Classname = r.Unit.Kind
		}
		desc := r.Describe(infos[r.Gate.Metric])
		switch {
		case r.Result == scoring.GateFail:
			s.Failures++
			c.Failure = &junitFailure{Message: desc, Type: "quality gate", Text: gateDetails(r, desc)}
		case r.Result == scoring.GateNoData || r.Value == nil:
			s.Skipped++
			c.Skipped = &junitSkipped{Message: desc + ": " + noDataNote}
		default:
			c.SystemOut = gateDetails(r, desc)
		}
		s.Cases = append(s.Cases, c)
	}
	s.Tests = len(s.Cases)
	return s
}

// gateDetails is the text of a gate's failure: what it checked, one fact a
// line.
func gateDetails(r scoring.GateResult, desc string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\ngate: %s\nunit: %s\nmetric: %s\nperiod: %s\n", desc, r.Name, gateUnitLabel(r.Unit), r.Gate.Metric, r.Period)
	if r.Value != nil {
		fmt.Fprintf(&b, "value: %s\n", strconv.FormatFloat(*r.Value, 'g', -1, 64))
	}
	if r.Bound != "" {
		fmt.Fprintf(&b, "bound: %s\n", r.Bound)
	}
	return b.String()
}

// gateUnitLabel names a unit as gates and kpidesk explain do: org, or
// kind:ID.
func gateUnitLabel(u scoring.Unit) string {
	if u.Kind == scoring.UnitOrg {
		return scoring.UnitOrg
	}
	return u.Key()
}

// encodeJUnit writes s as an XML document. encoding/xml escapes markup in
// names and replaces characters XML cannot carry (control characters,
// invalid UTF-8) with U+FFFD, so any unit or gate name stays well-formed.
func encodeJUnit(w io.Writer, s junitSuite) error {
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(s); err != nil {
		return err
	}
	if err := enc.Close(); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// writeJUnit writes the run's gate results to path (--junit), replacing
// the file atomically; nothing when path is empty. The caller checked path
// with checkJUnit first.
func (r *scoreRun) writeJUnit(path string) error {
	if path == "" {
		return nil
	}
	infos := map[string]scoring.Info{}
	for _, m := range r.Metrics {
		infos[m.ID] = m
	}
	s := junitReport(r.Gates, scoring.LatestMonth(r.Scores), infos)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("--junit %s: %w", path, err)
	}
	return writeFile(path, func(f *os.File) error { return encodeJUnit(f, s) })
}

// checkJUnit refuses a --junit path that kpidesk must not write, before
// any work is done: an existing file that is not a regular one (a folder,
// a link, a device), the store, the config or a file it reads, and any
// path inside the output folders (folders, the site and scores of this
// run) or inside a folder kpidesk marked as its site or scores, since
// those are replaced whole on every run. An existing regular file is
// replaced: the user named it.
func (a *app) checkJUnit(cfg *config.Config, path string, folders ...string) error {
	if path == "" {
		return nil
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return err
	}
	fi, err := os.Lstat(abs)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return fmt.Errorf("--junit %s: %w", path, err)
	case fi.IsDir():
		return fmt.Errorf("--junit %s is a folder: give the path of the XML file to write", path)
	case !fi.Mode().IsRegular():
		return fmt.Errorf("--junit %s exists and is not a regular file (%s): kpidesk replaces only a regular file", path, fi.Mode().Type())
	}
	return a.checkReportPlace(cfg, "--junit", path, abs, folders...)
}

// checkReportPlace refuses a file a flag names (abs is its absolute path)
// where kpidesk must not write it: a file kpidesk reads (the store, the
// config, an input), or a place inside an output folder, given or marked,
// which each run replaces whole.
func (a *app) checkReportPlace(cfg *config.Config, flag, path, abs string, folders ...string) error {
	real := outdir.Resolve(abs)
	for _, p := range a.protected(cfg) {
		if p == "" {
			continue
		}
		if pa, err := filepath.Abs(p); err == nil && outdir.Resolve(pa) == real {
			return fmt.Errorf("%s %s is %s, which kpidesk reads: choose another file", flag, path, p)
		}
	}
	for _, dir := range folders {
		if dir == "" {
			continue
		}
		da, err := filepath.Abs(dir)
		if err != nil {
			return err
		}
		if _, ok := outdir.Inside(real, outdir.Resolve(da)); ok {
			return fmt.Errorf("%s %s lies inside the output folder %s, which kpidesk replaces whole on every run: write it beside the folder", flag, path, dir)
		}
	}
	for d := filepath.Dir(real); ; d = filepath.Dir(d) {
		for _, k := range []outdir.Kind{outdir.Site, outdir.Scores} {
			if outdir.Owned(d, k) {
				return fmt.Errorf("%s %s lies inside %s, a %s folder kpidesk replaces whole on every run (marked by %s): write it elsewhere", flag, path, d, k.Name, k.Marker)
			}
		}
		if filepath.Dir(d) == d {
			return nil
		}
	}
}
