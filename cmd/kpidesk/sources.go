package main

// The source types a config can name: each package registers its type,
// its config section and its constructor (connectors.Register) when it is
// linked, as database/sql drivers do. Adding a source is one package and
// one line here (docs/architecture.md).
import (
	_ "github.com/kpidesk/kpidesk/connectors/demo"
	_ "github.com/kpidesk/kpidesk/connectors/github"
	_ "github.com/kpidesk/kpidesk/connectors/jira"
)
