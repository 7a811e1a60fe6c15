package main

import (
	"fmt"
	"io"
	"os"
	"sync/atomic"
	"time"

	"github.com/kpidesk/kpidesk/config"
	"github.com/kpidesk/kpidesk/connectors/jira"
)

// jiraSource builds a Jira source from config, reading its credentials
// from the environment variables the config names. Their values go to the
// client only: never to errors, logs, the store or the site. It also
// returns the secrets to scrub from what the source returns (the token,
// and the email:token pair whose base64 is the Basic credential).
// Rate-limit waits and retries are reported on stderr (unless quiet): a
// sync that pauses should say why. clockSkew is the config's
// import.clock_skew, which the mapping applies as the import does.
func jiraSource(s config.Source, clockSkew time.Duration, stderr io.Writer, quiet bool, requests *atomic.Int64) (*jira.Source, []string, error) {
	token := os.Getenv(s.TokenEnv)
	if token == "" {
		return nil, nil, fmt.Errorf("source %s: environment variable %s (token_env) is not set: export the API token or personal access token in it", s.Name, s.TokenEnv)
	}
	var email string
	if s.EmailEnv != "" {
		if email = os.Getenv(s.EmailEnv); email == "" {
			return nil, nil, fmt.Errorf("source %s: environment variable %s (email_env) is not set", s.Name, s.EmailEnv)
		}
	}
	secrets := []string{token}
	if email != "" {
		secrets = append(secrets, email+":"+token)
	}
	overlap := 24 * time.Hour
	if s.Overlap != "" {
		overlap, _ = time.ParseDuration(s.Overlap) // validated by config
	}
	src, err := jira.NewSource(jira.SourceConfig{
		Name: s.Name,
		Client: jira.Config{
			BaseURL:     s.BaseURL,
			Deployment:  s.Deployment,
			Email:       email,
			Token:       token,
			Concurrency: s.Concurrency,
			UserAgent:   "kpidesk/" + version,
			OnRequest:   func(method, path string, status int) { requests.Add(1) },
			OnWait: func(reason string, d time.Duration) {
				if !quiet {
					fmt.Fprintf(stderr, "sync %s: waiting %s: %s\n", s.Name, d.Round(time.Millisecond), reason)
				}
			},
		},
		Projects:         s.Projects,
		AgentGroups:      s.AgentGroups,
		DiscoverFields:   s.DiscoverFields,
		FeedbackEndpoint: s.FeedbackEndpoint,
		JQL:              s.JQL,
		Overlap:          overlap,
		Mapping: jira.Mapping{
			ResolvedStatuses:   s.ResolvedStatuses,
			Priorities:         s.Priorities,
			Bots:               s.Bots,
			EscalationLabels:   s.EscalationLabels,
			EscalationStatuses: s.EscalationStatuses,
			Kinds:              s.Kinds,
			Categories:         s.Categories,
			OrganizationField:  s.OrganizationField,
			SLAFields:          s.SLAFields,
			CSATField:          s.CSATField,
			CSATDateField:      s.CSATDateField,
			RequestTypeField:   s.RequestTypeField,
			CustomFields:       s.CustomFields,
			ClockSkew:          clockSkew,
		},
	})
	if err != nil {
		return nil, nil, err
	}
	return src, secrets, nil
}
