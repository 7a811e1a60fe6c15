package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/kpidesk/kpidesk/config"
	"github.com/kpidesk/kpidesk/scoring"
)

// configCheckOptions are kpidesk config check's flags: none.
type configCheckOptions struct{}

// configDefaultOptions are kpidesk config default's flags: none.
type configDefaultOptions struct{}

func (a *app) configCommand() *cobra.Command {
	cfg := &cobra.Command{Use: "config", Short: "Check or print the config"}
	check, def := &configCheckOptions{}, &configDefaultOptions{}
	cfg.AddCommand(&cobra.Command{
		Use:   "check",
		Short: "Validate the config and list every problem with file:line",
		Args:  args(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.runConfigCheck(cmd.Context(), check)
		},
	}, &cobra.Command{
		Use:   "default",
		Short: "Print the built-in config",
		Args:  args(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.runConfigDefault(cmd.Context(), def)
		},
	})
	return cfg
}

// runConfigCheck is kpidesk config check: every problem of the config,
// then the warnings.
func (a *app) runConfigCheck(_ context.Context, _ *configCheckOptions) error {
	c, err := a.loadConfig()
	if err != nil {
		return err
	}
	if err := a.configWarnings(c); err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "%s: ok (%d sources, %d teams, %d scorecards)\n", c.File, len(c.Sources), len(c.Teams), len(c.Scorecards))
	return nil
}

// runConfigDefault is kpidesk config default: the built-in config.
func (a *app) runConfigDefault(_ context.Context, _ *configDefaultOptions) error {
	_, err := a.stdout.Write(config.DefaultYAML())
	return err
}

// configWarnings prints what `kpidesk config check` finds worth knowing
// but not wrong, one "warning: FILE:LINE: field: reason" line each, to
// stderr; the exit status stays 0. Today: a scorecard item that can never
// have a value for a kind of unit it covers, with the config's input files
// (the complaint rate of agents when orders are given per team), which is
// not applicable there.
func (a *app) configWarnings(c *config.Config) error {
	in, err := loadInputs(c)
	if err != nil {
		fmt.Fprintf(a.stderr, "warning: input files not read, so the scorecard items that need them are not checked: %v\n", err)
		in = nil
	}
	eng, err := a.engineFor(c)
	if err != nil {
		return err
	}
	warnings, err := scoring.CheckScorecards(eng, in)
	if err != nil {
		return err
	}
	for _, w := range warnings {
		fmt.Fprintf(a.stderr, "warning: %v\n", w)
	}
	return nil
}
