package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/kpidesk/kpidesk/connectors/store"
)

// versionOptions are kpidesk version's flags: none.
type versionOptions struct{}

func (a *app) versionCommand() *cobra.Command {
	opts := &versionOptions{}
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version, the store schema and the scores schema",
		Args:  args(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.runVersion(cmd.Context(), opts)
		},
	}
}

// runVersion is kpidesk version.
func (a *app) runVersion(_ context.Context, _ *versionOptions) error {
	fmt.Fprintf(a.stdout, "kpidesk %s (store schema %d, scores %s)\n", version, store.SchemaVersion(), "kpidesk.scores/v1")
	return nil
}
