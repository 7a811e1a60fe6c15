package demo

import (
	"github.com/kpidesk/kpidesk/connectors"
	"github.com/kpidesk/kpidesk/internal/problem"
)

// Settings is a demo source's config section (docs/configuration.md):
//
//	sources:
//	  - {name: demo, type: demo, seed: 1, size: 60000}
type Settings struct {
	Seed uint64 `yaml:"seed"` // 0 means DefaultSeed
	Size int    `yaml:"size"` // complaints; 0 means DefaultSize
}

// Check reports a negative size.
func (s *Settings) Check(sec connectors.Section) problem.List {
	if s.Size < 0 {
		return problem.List{sec.Problem("size", "size must not be negative")}
	}
	return nil
}

// TypeName is the demo source's type in a config.
const TypeName = "demo"

func init() {
	connectors.Register(connectors.SourceType[Settings]{
		Name:  TypeName,
		Check: (*Settings).Check,
		New: func(s *Settings, _ connectors.Env) (connectors.Source, []string, error) {
			return New(Options{Seed: s.Seed, Size: s.Size}), nil, nil
		},
	})
}
