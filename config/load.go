package config

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/kpidesk/kpidesk/connectors"
	"github.com/kpidesk/kpidesk/internal/problem"
	"gopkg.in/yaml.v3"
)

//go:embed default.yaml
var defaultYAML []byte

//go:embed starter.yaml
var starterYAML []byte

//go:embed starter-jira.yaml
var starterJiraYAML []byte

//go:embed starter-github.yaml
var starterGitHubYAML []byte

// BuiltIn is the File of the embedded default config.
const BuiltIn = "(built-in)"

// Default returns the embedded default config: the demo organization scored
// with seed 001's scorecard. It needs no file, so `kpidesk demo` runs as is.
func Default() *Config {
	c, err := Parse(defaultYAML, BuiltIn)
	if err != nil {
		panic("config: built-in default is invalid: " + err.Error())
	}
	return c
}

// DefaultYAML returns the text of the built-in config.
func DefaultYAML() []byte { return bytes.Clone(defaultYAML) }

// Starter returns the commented starter config that `kpidesk init` writes.
func Starter() []byte { return bytes.Clone(starterYAML) }

// StarterJira is the starter for a Jira Service Management project
// (`kpidesk init --source jira`).
func StarterJira() []byte { return bytes.Clone(starterJiraYAML) }

// StarterGitHub is the starter for complaints kept as GitHub issues, with
// the label scheme of docs/github.md (`kpidesk init --source github`).
func StarterGitHub() []byte { return bytes.Clone(starterGitHubYAML) }

// Load reads and validates a config file, without judging its references
// to built-in metrics (see ParseWith).
func Load(path string) (*Config, error) { return LoadWith(path, nil) }

// LoadWith reads a config file and validates it as ParseWith does.
func LoadWith(path string, catalog Catalog) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	return ParseWith(data, path, catalog)
}

// Problem is one thing wrong with a config, with its position.
type Problem = problem.Problem

// Problems is every problem found in a config; its Error lists them all,
// one per line, so that one run of `kpidesk config check` shows everything.
type Problems = problem.List

var yamlLine = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)

// Parse reads a config from data; name is used in error positions. It
// checks everything but the references to built-in metrics, which only the
// scoring package's catalogue can judge: scoring.Compile checks those, and
// ParseWith checks them too, so that one run reports every problem.
func Parse(data []byte, name string) (*Config, error) { return ParseWith(data, name, nil) }

// ParseWith is Parse that also checks the config's references to built-in
// metrics against catalog (CheckMetrics); a nil catalog checks none.
func ParseWith(data []byte, name string, catalog Catalog) (*Config, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, yamlProblems(name, err, nil)
	}
	scalarProblems, lines := checkScalars(name, &root)
	c := &Config{}
	if len(root.Content) > 0 {
		dec := yaml.NewDecoder(bytes.NewReader(data))
		dec.KnownFields(true)
		err := dec.Decode(c)
		// Each source's own keys are decoded by its type, as strictly
		// (connectors.DecodeSource), even when the rest failed.
		sourceProblems := c.decodeSources(name)
		if err != nil || len(sourceProblems) > 0 {
			// A scalar problem is often why decoding failed (".nan" for a
			// fraction): it is said once, by the scalar check.
			seen := map[int]bool{}
			for _, p := range scalarProblems {
				seen[p.Line] = true
			}
			ps := scalarProblems
			var decoded Problems
			if err != nil {
				decoded = yamlProblems(name, err, lines).(Problems)
			}
			for _, p := range append(decoded, sourceProblems...) {
				if !seen[p.Line] || p.Line == 0 {
					ps = append(ps, p)
				}
			}
			sortProblems(ps)
			return nil, ps
		}
	}
	c.File = name
	c.root = &root
	c.applyDefaults()
	c.resolvePaths()
	v := validator{file: name, root: &root, problems: scalarProblems}
	v.config(c)
	if catalog != nil {
		v.problems = append(v.problems, c.CheckMetrics(catalog)...)
	}
	if len(v.problems) > 0 {
		sortProblems(v.problems)
		return nil, v.problems
	}
	return c, nil
}

// decodeSources decodes the settings of each source of a registered type
// from its section, and returns the problems of decoding (unknown keys,
// values of the wrong kind). The validator checks the settings.
func (c *Config) decodeSources(file string) Problems {
	var ps Problems
	for i := range c.Sources {
		s := &c.Sources[i]
		if s.node == nil {
			continue
		}
		settings, sps, ok := connectors.DecodeSource(s.Type, s.section(file, i))
		if ok {
			s.Settings = settings
			ps = append(ps, sps...)
		}
	}
	return ps
}

// sortProblems sorts problems by line, then field.
func sortProblems(ps Problems) {
	sort.SliceStable(ps, func(i, j int) bool {
		a, b := ps[i], ps[j]
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Field < b.Field
	})
}

// yamlProblems turns yaml.v3's errors ("line 3: field x not found in type
// config.Team") into positioned problems. lines names the field of an
// error that gives only its line (see checkScalars).
func yamlProblems(file string, err error, lines lineScalars) error {
	var te *yaml.TypeError
	msgs := []string{err.Error()}
	if errors.As(err, &te) {
		msgs = te.Errors
	}
	var ps Problems
	for _, m := range msgs {
		p := Problem{File: file, Field: "(yaml)", Reason: m}
		if sm := yamlLine.FindStringSubmatch(m); sm != nil {
			p.Line, _ = strconv.Atoi(sm[1])
			p.Reason = sm[2]
			if path := lines.field(p.Line, p.Reason); path != "" {
				p.Field = path
			}
			if f := regexp.MustCompile(`field (\S+) not found in type config\.(\w+)`).FindStringSubmatch(p.Reason); f != nil {
				p.Field = f[1]
				p.Reason = "unknown field in " + strings.ToLower(f[2])
			}
		}
		ps = append(ps, p)
	}
	return ps
}

// resolvePaths makes the files a config names relative to its own folder,
// so that `kpidesk --config ci/kpidesk.yaml` works from anywhere.
func (c *Config) resolvePaths() {
	if c.File == BuiltIn {
		return
	}
	dir := filepath.Dir(c.File)
	abs := func(p string) string {
		if p == "" || filepath.IsAbs(p) {
			return p
		}
		return filepath.Join(dir, p)
	}
	for i := range c.Inputs.Files {
		c.Inputs.Files[i] = abs(c.Inputs.Files[i])
	}
	c.Appeals = abs(c.Appeals)
	for name, cal := range c.Calendars {
		cal.HolidayFile = abs(cal.HolidayFile)
		c.Calendars[name] = cal
	}
}
