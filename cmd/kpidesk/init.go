package main

import (
	"bytes"
	"context"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/kpidesk/kpidesk/config"
	"github.com/kpidesk/kpidesk/connectors"
	"github.com/kpidesk/kpidesk/connectors/jira"
)

// initOptions are kpidesk init's argument and flags.
type initOptions struct {
	Path   string // FILE, default kpidesk.yaml
	Force  bool   // --force
	Source string // --source
	// Discover reads a Jira project's request types, priorities,
	// statuses, components and select fields and maps each in the starter
	// (--discover, with --base-url, --project and the credentials in the
	// environment variables --email-env and --token-env name).
	Discover           bool
	BaseURL, Project   string
	EmailEnv, TokenEnv string
}

func (a *app) initCommand() *cobra.Command {
	opts := &initOptions{}
	cmd := &cobra.Command{
		Use:   "init [FILE]",
		Short: "Write a commented starter config (default kpidesk.yaml)",
		Long: `Init writes a commented starter config: for the demo data (the default), a
Jira Service Management project or GitHub issues (--source).

With --source jira --discover, it reads the project's request types,
priorities, statuses, components and select fields from the site, with the
credentials in the environment (JIRA_EMAIL and JIRA_TOKEN on Cloud, only
JIRA_TOKEN on Data Center, or the variables --email-env and --token-env
name), and writes a starter that maps each of them, commented for review.`,
		Example: `  kpidesk init
  kpidesk init --source github
  kpidesk init --source jira --discover --base-url https://example.atlassian.net --project SD`,
		Args: cobra.MaximumNArgs(1),
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
	cmd.Flags().BoolVar(&opts.Discover, "discover", false, "with --source jira: read the project from the site and map what it lists")
	cmd.Flags().StringVar(&opts.BaseURL, "base-url", "", "with --discover: the Jira site, such as https://example.atlassian.net")
	cmd.Flags().StringVar(&opts.Project, "project", "", "with --discover: the project key, such as SD")
	cmd.Flags().StringVar(&opts.EmailEnv, "email-env", "JIRA_EMAIL", "with --discover: the variable holding the account email (Cloud)")
	cmd.Flags().StringVar(&opts.TokenEnv, "token-env", "JIRA_TOKEN", "with --discover: the variable holding the API token (Cloud) or personal access token (Data Center)")
	return cmd
}

// runInit is kpidesk init: a starter config.
func (a *app) runInit(ctx context.Context, opts *initOptions) error {
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
	if opts.Discover {
		if opts.Source != "jira" {
			return usageError{fmt.Errorf("--discover reads a Jira project: use it with --source jira")}
		}
		if opts.BaseURL == "" || opts.Project == "" {
			return usageError{fmt.Errorf("--discover needs --base-url (the Jira site) and --project (a project key)")}
		}
		block, err := a.discoverJira(ctx, opts)
		if err != nil {
			return err
		}
		if text, err = replaceSources(text, block); err != nil {
			return err
		}
	}
	if err := os.WriteFile(path, text, 0o644); err != nil {
		return err
	}
	fmt.Fprintln(a.stdout, path)
	fmt.Fprintf(a.stderr, "wrote %s: edit it, check it with `kpidesk config check`, then run `kpidesk sync`\n", path)
	return nil
}

// discoverJira reads the project opts names and returns the sources block
// that maps it. The credentials come from the environment; an error never
// carries them.
func (a *app) discoverJira(ctx context.Context, opts *initOptions) ([]byte, error) {
	token, email := os.Getenv(opts.TokenEnv), os.Getenv(opts.EmailEnv)
	if token == "" {
		return nil, fmt.Errorf("--discover: environment variable %s is not set: export the API token (Cloud) or personal access token (Data Center) in it", opts.TokenEnv)
	}
	secrets := connectors.NewRedactor(token, email)
	client, err := jira.NewClient(jira.Config{BaseURL: opts.BaseURL, Email: email, Token: token, UserAgent: "kpidesk/" + version})
	if err != nil {
		return nil, fmt.Errorf("--discover: %s", secrets.Redact(err.Error()))
	}
	d, err := jira.Discover(ctx, client, opts.Project)
	if err != nil {
		return nil, fmt.Errorf("--discover: %s", secrets.Redact(err.Error()))
	}
	emailEnv := opts.EmailEnv
	if d.Deployment == jira.DataCenter {
		emailEnv = ""
	}
	return []byte(d.Starter("jira", opts.BaseURL, emailEnv, opts.TokenEnv)), nil
}

// replaceSources puts block in place of the starter's sources section: its
// "sources:" line and the indented or commented lines that follow, up to
// the next top-level key's comment or key.
func replaceSources(starter, block []byte) ([]byte, error) {
	lines := bytes.SplitAfter(starter, []byte("\n"))
	start := -1
	for i, l := range lines {
		if bytes.HasPrefix(l, []byte("sources:")) {
			start = i
			break
		}
	}
	if start < 0 {
		return nil, fmt.Errorf("the starter has no sources section")
	}
	end := start + 1
	for end < len(lines) && (bytes.HasPrefix(lines[end], []byte(" ")) || bytes.HasPrefix(lines[end], []byte("\t"))) {
		end++
	}
	var out bytes.Buffer
	for _, l := range lines[:start] {
		out.Write(l)
	}
	out.Write(bytes.TrimRight(block, "\n"))
	out.WriteString("\n")
	for _, l := range lines[end:] {
		out.Write(l)
	}
	return out.Bytes(), nil
}
