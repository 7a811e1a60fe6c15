package config

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/kpidesk/kpidesk/internal/control"
)

// checkScalars checks every scalar of a config's YAML tree, whatever field
// it goes to, in maps and lists too, and returns its problems:
//
//   - A YAML number must be finite. YAML spells infinity and not-a-number
//     .inf, -.inf and .nan (in any case), and yaml.v3 decodes them into
//     float64 fields as they are; a NaN weight, coefficient, neutral score,
//     band point or grade bound would make every comparison false and skew
//     scores silently. (Numbers written as text, such as Values "95%" or
//     "3wd", are checked where they are parsed: ParseValue, Ratio.)
//   - A string may not hold a control character other than tab, line feed
//     and carriage return (internal/control); a config is written by hand,
//     so one is a mistake, such as a "\0" escape. Identifiers are checked
//     more strictly by the validator.
//
// It also returns the scalars of each line, to name the field of yaml.v3's
// own errors, which give only a line.
func checkScalars(file string, root *yaml.Node) (Problems, lineScalars) {
	w := scalarWalk{file: file, lines: lineScalars{}}
	if root != nil && len(root.Content) > 0 {
		w.walk(root.Content[0], "")
	}
	return w.problems, w.lines
}

type scalarWalk struct {
	file     string
	problems Problems
	lines    lineScalars
}

// lineScalars holds the scalar values on each line, with their paths.
type lineScalars map[int][]scalarAt

type scalarAt struct{ value, path string }

// field names the field of an error on line whose reason quotes the value
// at fault, as yaml.v3 (`many`) and Value ("nan") do: the one scalar on the
// line, or the one whose value the reason quotes, or what the paths of the
// line share.
func (ls lineScalars) field(line int, reason string) string {
	at := ls[line]
	if len(at) == 0 {
		return ""
	}
	if len(at) == 1 {
		return at[0].path
	}
	var quoted []string
	for _, a := range at {
		if strings.Contains(reason, strconv.Quote(a.value)) || strings.Contains(reason, "`"+a.value+"`") {
			quoted = append(quoted, a.path)
		}
	}
	if len(quoted) == 1 {
		return quoted[0]
	}
	prefix := at[0].path
	for _, a := range at[1:] {
		for prefix != "" && a.path != prefix && !strings.HasPrefix(a.path, prefix+".") && !strings.HasPrefix(a.path, prefix+"[") {
			i := strings.LastIndexAny(prefix, ".[")
			if i < 0 {
				return ""
			}
			prefix = prefix[:i]
		}
	}
	return prefix
}

func (w *scalarWalk) walk(n *yaml.Node, path string) {
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if reason := textReason(k.Value); reason != "" {
				w.add(k.Line, path, reason)
				continue
			}
			p := k.Value
			if path != "" {
				p = path + "." + k.Value
			}
			w.walk(v, p)
		}
	case yaml.SequenceNode:
		for i, v := range n.Content {
			w.walk(v, fmt.Sprintf("%s[%d]", path, i))
		}
	case yaml.ScalarNode:
		w.lines[n.Line] = append(w.lines[n.Line], scalarAt{strings.TrimSpace(n.Value), path})
		if n.ShortTag() == "!!float" {
			var f float64
			if err := n.Decode(&f); err == nil && (math.IsNaN(f) || math.IsInf(f, 0)) {
				w.add(n.Line, path, fmt.Sprintf("%s is not a finite number", n.Value))
			}
		}
		if reason := textReason(n.Value); reason != "" {
			w.add(n.Line, path, reason)
		}
	}
}

func (w *scalarWalk) add(line int, path, reason string) {
	w.problems = append(w.problems, Problem{File: w.file, Line: line, Field: path, Reason: reason})
}

// textReason words a control character in config text other than tab, line
// feed and carriage return, or returns "".
func textReason(s string) string {
	for i := 0; i < len(s); {
		j, r := control.Index(s[i:])
		if j < 0 {
			return ""
		}
		if r != '\t' && r != '\n' && r != '\r' {
			return fmt.Sprintf("control character %U at byte %d: not allowed in config text", r, i+j+1)
		}
		i += j + 1
	}
	return ""
}

// idReason words a control character in an identifier, or returns "".
func idReason(s string) string { return control.Check(s) }

// parseFinite parses a number written as text, refusing what strconv also
// accepts but no config means: NaN, infinities, and overflow.
func parseFinite(s string) (float64, error) {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, err
	}
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, fmt.Errorf("%q is not a finite number", s)
	}
	return f, nil
}
