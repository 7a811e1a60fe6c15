package config

// The source types a config names are registered by their packages, as
// database/sql drivers are: the command links them, and so do these tests.
import (
	_ "github.com/kpidesk/kpidesk/connectors/demo"
	_ "github.com/kpidesk/kpidesk/connectors/github"
	_ "github.com/kpidesk/kpidesk/connectors/jira"
)
