package connectors

import (
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/kpidesk/kpidesk/internal/problem"
)

// A source package registers its type with [Register] from an init
// function, as database/sql drivers do, and the command that builds
// sources imports it (a blank import is enough). The registry gives config
// the type's section to decode and check, with positions, and gives the
// command a constructor: nothing outside the source's package knows its
// settings.

// CommonKeys are the keys every source section has, read by config: the
// source's name and its type. A type's settings never use them.
var CommonKeys = []string{"name", "type"}

// SourceType describes a kind of source to the registry. C is the type's
// settings: a struct whose yaml tags name the keys of its config section
// besides [CommonKeys] (a jira source's base_url, projects, mappings).
type SourceType[C any] struct {
	// Name is the type name a config gives as a source's type.
	Name string
	// Check reports what is wrong with settings decoded from sec, each
	// problem positioned with sec.Problem. Nil checks nothing.
	Check func(c *C, sec Section) problem.List
	// New builds a source from checked settings. It returns the secrets
	// it read through env.Getenv (tokens, and their encoded forms), which
	// the caller scrubs from everything the source returns and from its
	// errors (SPEC §11).
	New func(c *C, env Env) (Source, []string, error)
}

// Env is what a constructor receives besides its settings: the name the
// config gives the source, where secrets come from, and the caller's
// options and callbacks. A nil callback is not called.
type Env struct {
	// Name is the source's configured name (the store's cursor key and
	// the prefix of its complaints' IDs).
	Name string
	// Getenv looks up an environment variable, for the credentials a
	// config names by variable (never by value); nil looks up nothing.
	Getenv func(key string) string
	// ClockSkew is the config's import.clock_skew (SPEC §13.12).
	ClockSkew time.Duration
	// UserAgent identifies the program to a remote API.
	UserAgent string
	// OnRequest is called after each API request, for progress output.
	OnRequest func(method, path string, status int)
	// OnWait is called before a source pauses (rate limit, retry), with
	// why and for how long: a sync that pauses should say so.
	OnWait func(reason string, d time.Duration)
}

// Lookup returns the value of the environment variable key through
// e.Getenv, or "" when there is none.
func (e Env) Lookup(key string) string {
	if e.Getenv == nil || key == "" {
		return ""
	}
	return e.Getenv(key)
}

// Section is one source's section of a config file: its YAML mapping
// (common keys included) and where it sits, for positioned problems.
type Section struct {
	File string     // the config file, as problems name it
	Path string     // the section's path in the config, such as "sources[1]"
	Node *yaml.Node // the section's mapping node
}

// Problem returns a problem at field, a path inside the section
// ("priorities.Highest"; "" for the section itself), positioned at the
// line of the deepest node of the path present in the file: the form of
// config's own problems ("FILE:LINE: sources[0].base_url: reason").
func (s Section) Problem(field, format string, args ...any) problem.Problem {
	path := s.Path
	if field != "" {
		path += "." + field
	}
	return problem.Problem{File: s.File, Line: s.line(field), Field: path, Reason: fmt.Sprintf(format, args...)}
}

func (s Section) line(field string) int { return problem.Line(s.Node, field) }

// sourceType is a SourceType with its settings type erased.
type sourceType struct {
	settings reflect.Type // C
	check    func(c any, sec Section) problem.List
	build    func(c any, env Env) (Source, []string, error)
}

var registry struct {
	sync.RWMutex
	types map[string]sourceType
}

// Register makes a source type known by its name. It panics when the name
// is empty or taken, or New is nil: a programmer error, found at start-up.
func Register[C any](t SourceType[C]) {
	if t.Name == "" || t.New == nil {
		panic("connectors: Register needs a name and New")
	}
	if reflect.TypeFor[C]().Kind() != reflect.Struct {
		panic("connectors: source type " + t.Name + ": settings must be a struct")
	}
	registry.Lock()
	defer registry.Unlock()
	if _, dup := registry.types[t.Name]; dup {
		panic("connectors: source type " + t.Name + " registered twice")
	}
	if registry.types == nil {
		registry.types = map[string]sourceType{}
	}
	registry.types[t.Name] = sourceType{
		settings: reflect.TypeFor[C](),
		check: func(c any, sec Section) problem.List {
			if t.Check == nil {
				return nil
			}
			return t.Check(c.(*C), sec)
		},
		build: func(c any, env Env) (Source, []string, error) { return t.New(c.(*C), env) },
	}
}

// SourceTypes returns the names of the registered source types, sorted.
func SourceTypes() []string {
	registry.RLock()
	defer registry.RUnlock()
	names := make([]string, 0, len(registry.types))
	for name := range registry.types {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

func lookup(typ string) (sourceType, bool) {
	registry.RLock()
	defer registry.RUnlock()
	t, ok := registry.types[typ]
	return t, ok
}

// Settings is a source's decoded config section: the settings of its type
// (a *C of the type's registration), for [CheckSource] and [NewSource].
type Settings struct {
	Type  string
	Value any // *C
}

// DecodeSource decodes sec, the section of a source of type typ, into the
// type's settings, strictly: a key the settings do not have and a value of
// the wrong kind are problems, positioned as yaml.v3's own. ok is false
// when typ is not registered.
func DecodeSource(typ string, sec Section) (s Settings, ps problem.List, ok bool) {
	t, ok := lookup(typ)
	if !ok {
		return Settings{}, nil, false
	}
	v := reflect.New(t.settings)
	s = Settings{Type: typ, Value: v.Interface()}
	if sec.Node == nil {
		return s, nil, true
	}
	if sec.Node.Kind != yaml.MappingNode {
		return s, problem.List{sec.Problem("", "a source is a mapping of keys to values")}, true
	}
	known := yamlKeys(t.settings)
	for _, k := range CommonKeys {
		known[k] = true
	}
	for i := 0; i+1 < len(sec.Node.Content); i += 2 {
		if k := sec.Node.Content[i]; !known[k.Value] {
			// As config words its other unknown keys.
			ps = append(ps, problem.Problem{File: sec.File, Line: k.Line, Field: k.Value, Reason: "unknown field in source"})
		}
	}
	if err := sec.Node.Decode(s.Value); err != nil {
		ps = append(ps, yamlErrors(sec, err)...)
	}
	return s, ps, true
}

// CheckSource checks settings decoded by [DecodeSource] from sec.
func CheckSource(s Settings, sec Section) problem.List {
	t, ok := lookup(s.Type)
	if !ok || s.Value == nil {
		return nil
	}
	return t.check(s.Value, sec)
}

// NewSource builds a source of the type of s from its settings, as the
// type's New does.
func NewSource(s Settings, env Env) (Source, []string, error) {
	t, ok := lookup(s.Type)
	if !ok {
		return nil, nil, fmt.Errorf("source %s: type %q is not supported by this kpidesk", env.Name, s.Type)
	}
	if s.Value == nil {
		s.Value = reflect.New(t.settings).Interface()
	}
	return t.build(s.Value, env)
}

// yamlKeys returns the keys of a settings struct, by yaml tag (or the
// lower-cased field name, as yaml.v3 does), inlined structs included.
func yamlKeys(t reflect.Type) map[string]bool {
	keys := map[string]bool{}
	for f := range t.Fields() {
		if !f.IsExported() {
			continue
		}
		tag := f.Tag.Get("yaml")
		name, opts, _ := strings.Cut(tag, ",")
		switch {
		case name == "-":
			continue
		case strings.Contains(","+opts+",", ",inline,") && f.Type.Kind() == reflect.Struct:
			for k := range yamlKeys(f.Type) {
				keys[k] = true
			}
			continue
		case name == "":
			name = strings.ToLower(f.Name)
		}
		keys[name] = true
	}
	return keys
}

var yamlLine = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)

// yamlErrors positions yaml.v3's decoding errors ("line 5: cannot
// unmarshal !!str `many` into int") at the key of their line.
func yamlErrors(sec Section, err error) problem.List {
	msgs := []string{err.Error()}
	if te, ok := err.(*yaml.TypeError); ok {
		msgs = te.Errors
	}
	var ps problem.List
	for _, m := range msgs {
		p := problem.Problem{File: sec.File, Field: sec.Path, Reason: m}
		if sm := yamlLine.FindStringSubmatch(m); sm != nil {
			p.Line, _ = strconv.Atoi(sm[1])
			p.Reason = sm[2]
			if f := fieldAt(sec.Node, p.Line, p.Reason); f != "" {
				p.Field = sec.Path + "." + f
			}
		}
		ps = append(ps, p)
	}
	return ps
}

// fieldAt names the key of the section whose value sits on line: the only
// one, or else the one whose value the reason quotes.
func fieldAt(n *yaml.Node, line int, reason string) string {
	var at, quoted []string
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if v.Line != line && k.Line != line {
			continue
		}
		at = append(at, k.Value)
		if v.Kind == yaml.ScalarNode && (strings.Contains(reason, "`"+v.Value+"`") || strings.Contains(reason, strconv.Quote(v.Value))) {
			quoted = append(quoted, k.Value)
		}
	}
	switch {
	case len(at) == 1:
		return at[0]
	case len(quoted) == 1:
		return quoted[0]
	}
	return ""
}
