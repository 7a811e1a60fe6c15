package main

import (
	"context"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/kpidesk/kpidesk/config"
)

// initOptions are kpidesk init's argument and flags.
type initOptions struct {
	Path   string // FILE, default kpidesk.yaml
	Force  bool   // --force
	Source string // --source
}

func (a *app) initCommand() *cobra.Command {
	opts := &initOptions{}
	cmd := &cobra.Command{
		Use:   "init [FILE]",
		Short: "Write a commented starter config (default kpidesk.yaml)",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, argv []string) error {
			opts.Path = "kpidesk.yaml"
			if len(argv) == 1 {
				opts.Path = argv[0]
			}
			return a.runInit(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.Force, "force", false, "overwrite an existing file")
	cmd.Flags().StringVar(&opts.Source, "source", "demo", "the source the starter reads: demo, jira (Jira Service Management) or github (GitHub issues)")
	return cmd
}

// runInit is kpidesk init: a starter config.
func (a *app) runInit(_ context.Context, opts *initOptions) error {
	path := opts.Path
	if _, err := os.Stat(path); err == nil && !opts.Force {
		return fmt.Errorf("%s exists; pass --force to overwrite it", path)
	}
	text := config.Starter()
	switch opts.Source {
	case "demo":
	case "jira":
		text = config.StarterJira()
	case "github":
		text = config.StarterGitHub()
	default:
		return usageError{fmt.Errorf("--source %q: want demo, jira or github", opts.Source)}
	}
	if err := os.WriteFile(path, text, 0o644); err != nil {
		return err
	}
	fmt.Fprintln(a.stdout, path)
	fmt.Fprintf(a.stderr, "wrote %s: edit it, check it with `kpidesk config check`, then run `kpidesk sync`\n", path)
	return nil
}
