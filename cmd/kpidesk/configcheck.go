package main

import (
	"fmt"

	"github.com/kpidesk/kpidesk/config"
	"github.com/kpidesk/kpidesk/scoring"
)

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
	warnings, err := scoring.CheckScorecards(c, in)
	if err != nil {
		return err
	}
	for _, w := range warnings {
		fmt.Fprintf(a.stderr, "warning: %v\n", w)
	}
	return nil
}
