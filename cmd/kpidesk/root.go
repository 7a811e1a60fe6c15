package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/pprof"
	"strings"
	"sync/atomic"
	"time"

	"github.com/mattn/go-isatty"
	"github.com/spf13/cobra"

	"github.com/kpidesk/kpidesk/config"
	"github.com/kpidesk/kpidesk/connectors/store"
	"github.com/kpidesk/kpidesk/scoring"
	"github.com/kpidesk/kpidesk/sitegen"
)

// Exit codes, documented in `kpidesk --help`.
const (
	exitOK    = 0
	exitError = 1 // the command failed: bad input, a refused source, a failed build
	exitUsage = 2 // the command line was wrong
	exitGate  = 3 // a quality gate failed; every output was written
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

// app carries what every command shares: streams, global flags, the clock.
type app struct {
	stdout, stderr io.Writer
	configPath     string
	storePath      string
	// storeLabel, when set, names the store in messages instead of
	// storePath (the demo's store is written in a stage).
	storeLabel string
	quiet      bool
	now        func() time.Time
	// requests counts the API requests of the sources, for progress.
	requests atomic.Int64
	// engine is the config read last, compiled (readConfig): a command
	// compiles its config once.
	engine *scoring.Engine
	// published is what earlier runs published of each complete period
	// (--snapshot, snapshot.go), for summary.md and the site; nil without.
	published []sitegen.Published
}

type usageError struct{ error }

// gateError ends a score or build whose outputs are all written but whose
// latest month fails quality gates (SPEC §10): exit status 3.
type gateError struct {
	failures []scoring.GateResult
	infos    map[string]scoring.Info
}

func (e gateError) Error() string {
	return fmt.Sprintf("%d quality gate(s) failed", len(e.failures))
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	a := &app{stdout: stdout, stderr: stderr, now: time.Now}
	root := a.rootCommand()
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}
	var ge gateError
	if errors.As(err, &ge) {
		for _, f := range ge.failures {
			fmt.Fprintf(stderr, "kpidesk: quality gate %q failed: %s\n", f.Name, f.Describe(ge.infos[f.Gate.Metric]))
		}
		return exitGate
	}
	var ue usageError
	if errors.As(err, &ue) || strings.HasPrefix(err.Error(), "unknown command") {
		fmt.Fprintf(stderr, "kpidesk: %v\nRun 'kpidesk --help' for usage.\n", err)
		return exitUsage
	}
	if errors.Is(err, context.Canceled) {
		fmt.Fprintln(stderr, "kpidesk: interrupted; everything committed before the interruption is kept")
		return exitError
	}
	msg := err.Error()
	if i := strings.IndexByte(msg, '\n'); i >= 0 {
		// Multi-line errors (all problems of a config) print in full;
		// the first line stays the one-line reason.
		fmt.Fprintf(stderr, "kpidesk: %s\n%s\n", msg[:i], msg[i+1:])
	} else {
		fmt.Fprintf(stderr, "kpidesk: %s\n", msg)
	}
	return exitError
}

func (a *app) rootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:   "kpidesk",
		Short: "Turn helpdesk complaints into KPI scorecards and a static site",
		Long: `kpidesk reads complaints from your helpdesk (or the built-in demo data, or a
JSONL/CSV export), scores agents, teams and departments on complaint-handling
KPIs (response within 24 h, resolution within N working days, first-contact
resolution, CSAT, escalation, repeat complaints, …), and builds a static HTML
site of scorecards and trend charts that CI can publish.

Try it:   kpidesk demo --out demo        (no credentials needed)
Your own: kpidesk init && kpidesk sync && kpidesk build --out site

Without --config, kpidesk reads ./kpidesk.yaml if it exists, else the built-in
config (the demo organization scored with the seed 001 scorecard).

Exit status: 0 success, 1 the command failed (the reason is printed on one
line first), 2 the command line was wrong, 3 a quality gate of the config
failed (score and build; every output is written first).`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.PersistentFlags().StringVar(&a.configPath, "config", "", "config file (default ./kpidesk.yaml, else the built-in config)")
	root.PersistentFlags().StringVar(&a.storePath, "store", "kpidesk.db", "SQLite store file")
	root.PersistentFlags().BoolVarP(&a.quiet, "quiet", "q", false, "no progress output on stderr")
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error { return usageError{err} })
	// Profiles for performance work; hidden from --help.
	var cpuProfile, memProfile string
	root.PersistentFlags().StringVar(&cpuProfile, "cpuprofile", "", "write a CPU profile to FILE")
	root.PersistentFlags().StringVar(&memProfile, "memprofile", "", "write a heap profile to FILE at exit")
	root.PersistentFlags().MarkHidden("cpuprofile")
	root.PersistentFlags().MarkHidden("memprofile")
	var stopProfile func()
	root.PersistentPreRunE = func(*cobra.Command, []string) error {
		stop, err := startProfiles(cpuProfile, memProfile)
		stopProfile = stop
		return err
	}
	root.PersistentPostRun = func(*cobra.Command, []string) {
		if stopProfile != nil {
			stopProfile()
		}
	}
	root.AddCommand(a.demoCommand(), a.syncCommand(), a.importCommand(), a.scoreCommand(), a.buildCommand(),
		a.explainCommand(), a.weightsCommand(), a.initCommand(), a.configCommand(), a.versionCommand(), a.exportCommand(),
		a.compareCommand())
	return root
}

// args checks the number of positional arguments as a usage error.
func args(n int, what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, got []string) error {
		if len(got) != n {
			return usageError{fmt.Errorf("%s: want %s, got %d arguments", cmd.CommandPath(), what, len(got))}
		}
		return nil
	}
}

// loadConfig reads --config, ./kpidesk.yaml or the built-in config.
func (a *app) loadConfig() (*config.Config, error) {
	path := a.configPath
	if path == "" {
		if _, err := os.Stat("kpidesk.yaml"); err == nil {
			path = "kpidesk.yaml"
		} else {
			return a.compiled(config.Default())
		}
	}
	return a.readConfig(path)
}

// readConfig reads a config file, checks it with the scoring package's
// metric catalogue, so that one run reports every problem, and compiles it
// (scoring.Compile), which reports what only compiling finds (a holiday
// file that cannot be read).
func (a *app) readConfig(path string) (*config.Config, error) {
	cfg, err := config.LoadWith(path, scoring.MetricCatalog())
	if err != nil {
		return nil, err
	}
	return a.compiled(cfg)
}

func (a *app) compiled(cfg *config.Config) (*config.Config, error) {
	eng, ps := scoring.Compile(cfg)
	if len(ps) > 0 {
		return nil, ps
	}
	a.engine = eng
	return cfg, nil
}

// engineFor returns cfg compiled: the engine readConfig compiled when cfg
// is the config it read, else a new one.
func (a *app) engineFor(cfg *config.Config) (*scoring.Engine, error) {
	if a.engine != nil && a.engine.Config() == cfg {
		return a.engine, nil
	}
	return scoring.NewEngine(cfg)
}

func (a *app) openStore(ctx context.Context) (*store.Store, error) {
	return store.Open(ctx, a.storePath)
}

// configAndStore loads the config and opens the store, as most commands
// start; the caller closes the store.
func (a *app) configAndStore(ctx context.Context) (*config.Config, *store.Store, error) {
	cfg, err := a.loadConfig()
	if err != nil {
		return nil, nil, err
	}
	st, err := a.openStore(ctx)
	if err != nil {
		return nil, nil, err
	}
	return cfg, st, nil
}

// progress writes live progress to stderr on a terminal and one line per
// finished step elsewhere (CI logs stay short).
type progress struct {
	w     io.Writer
	live  bool
	quiet bool
	start time.Time
	last  time.Time
}

func (a *app) progress() *progress {
	live := false
	if f, ok := a.stderr.(*os.File); ok {
		live = isatty.IsTerminal(f.Fd())
	}
	return &progress{w: a.stderr, live: live, quiet: a.quiet, start: time.Now()}
}

// Progress updates are redrawn in place on a terminal; elsewhere (a CI
// log) they are lines, rarely enough not to flood the log and often enough
// that a long sync is seen to be alive.
const (
	liveEvery = 100 * time.Millisecond
	logEvery  = 30 * time.Second
)

// update shows a running count, throttled.
func (p *progress) update(format string, args ...any) {
	every, since := liveEvery, p.last
	if !p.live {
		// A log line only once a step has run a while.
		every = logEvery
		if p.start.After(since) {
			since = p.start
		}
	}
	if p.quiet || time.Since(since) < every {
		return
	}
	p.last = time.Now()
	if p.live {
		fmt.Fprintf(p.w, "\r\033[K"+format, args...)
		return
	}
	fmt.Fprintf(p.w, format+"\n", args...)
}

// done ends a step with one line and its duration.
func (p *progress) done(format string, args ...any) {
	if p.quiet {
		return
	}
	if p.live {
		fmt.Fprint(p.w, "\r\033[K")
	}
	fmt.Fprintf(p.w, format+" (%s)\n", append(args, time.Since(p.start).Round(time.Millisecond))...)
	p.start = time.Now()
}

// startProfiles starts the CPU profile and returns what ends both profiles.
func startProfiles(cpu, mem string) (func(), error) {
	var cpuFile *os.File
	if cpu != "" {
		f, err := os.Create(cpu)
		if err != nil {
			return nil, err
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			f.Close()
			return nil, err
		}
		cpuFile = f
	}
	return func() {
		if cpuFile != nil {
			pprof.StopCPUProfile()
			cpuFile.Close()
		}
		if mem != "" {
			if f, err := os.Create(mem); err == nil {
				pprof.WriteHeapProfile(f)
				f.Close()
			}
		}
	}, nil
}
