package problem

import (
	"regexp"
	"strconv"

	"gopkg.in/yaml.v3"
)

// pathPart is one step of a field path: a key, or an index in brackets.
var pathPart = regexp.MustCompile(`([^.\[\]]+)|\[(\d+)\]`)

// Line returns the line of the deepest node of path ("teams[2].department")
// present under n, a YAML mapping or sequence: a problem about a field the
// file lacks points at its nearest parent that it has. 0 for a nil node.
func Line(n *yaml.Node, path string) int {
	if n == nil {
		return 0
	}
	line := n.Line
	for _, m := range pathPart.FindAllStringSubmatch(path, -1) {
		var next *yaml.Node
		switch {
		case m[1] != "" && n.Kind == yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				if n.Content[i].Value == m[1] {
					next = n.Content[i+1]
					line = n.Content[i].Line
				}
			}
		case m[2] != "" && n.Kind == yaml.SequenceNode:
			i, _ := strconv.Atoi(m[2])
			if i < len(n.Content) {
				next = n.Content[i]
				line = next.Line
			}
		}
		if next == nil {
			return line
		}
		n = next
	}
	return line
}
