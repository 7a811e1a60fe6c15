package inputs

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// readYAML reads either form of an input YAML file: a list of rows whose
// keys are the CSV's columns ("- {metric: orders, unit: team:t1, period:
// 2025-10, value: 12000}"), or a nested mapping metric → unit → period →
// value, where the value may itself be a mapping rater → value:
//
//	review_360:
//	  agent:a1:
//	    2025-10: {self: 90, supervisor: 80, qa: 70}
//
// Positions come from the yaml.v3 nodes.
func (l *loader) readYAML(r io.Reader, file string) error {
	data, err := io.ReadAll(r) // so that an I/O error is not reported as YAML
	if err != nil {
		return err
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if err == io.EOF {
			return nil
		}
		l.yamlError(file, err)
		return nil
	}
	var extra yaml.Node
	switch err := dec.Decode(&extra); {
	case err == io.EOF:
	case err != nil:
		l.yamlError(file, err)
		return nil
	default:
		l.problem(file, extra.Line, "(yaml)", "a second document: put every value in one")
		return nil
	}
	if len(doc.Content) == 0 {
		return nil
	}
	root := resolve(doc.Content[0])
	switch {
	case root.Kind == yaml.SequenceNode:
		l.yamlList(file, root)
	case root.Kind == yaml.MappingNode && looksLikeRow(root):
		l.problem(file, root.Line, "(yaml)", "a row must be an item of a list: start it with \"- \"")
	case root.Kind == yaml.MappingNode:
		l.yamlNested(file, root)
	case root.Kind == yaml.ScalarNode && root.Tag == "!!null":
	default:
		l.problem(file, root.Line, "(yaml)", "want a list of rows (- metric: …) or a mapping metric: {unit: {period: value}}")
	}
	return nil
}

var yamlLine = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)

// yamlError turns a yaml.v3 syntax error ("yaml: line 3: did not find
// expected key") into a positioned problem.
func (l *loader) yamlError(file string, err error) {
	var te *yaml.TypeError
	msgs := []string{err.Error()}
	if errors.As(err, &te) {
		msgs = te.Errors
	}
	for _, m := range msgs {
		line := 0
		if sm := yamlLine.FindStringSubmatch(m); sm != nil {
			line, _ = strconv.Atoi(sm[1])
			m = sm[2]
		}
		l.problem(file, line, "(yaml)", strings.TrimPrefix(m, "yaml: "))
	}
}

// resolve follows aliases (*name) to the node they stand for.
func resolve(n *yaml.Node) *yaml.Node {
	for i := 0; n.Kind == yaml.AliasNode && n.Alias != nil && i < 100; i++ {
		n = n.Alias
	}
	return n
}

// looksLikeRow reports a mapping with the keys of a list row, written
// without the "- " that makes it an item.
func looksLikeRow(n *yaml.Node) bool {
	var metric, value bool
	for i := 0; i+1 < len(n.Content); i += 2 {
		switch strings.ToLower(n.Content[i].Value) {
		case "metric":
			metric = true
		case "value":
			value = true
		}
	}
	return metric && value
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "a list"
	case yaml.MappingNode:
		return "a mapping"
	}
	return quote(n.Value)
}

// scalarCell reads a scalar as a cell; a YAML number also keeps the
// number yaml.v3 reads, for the forms only YAML has (0x1F, 1_000, .inf).
func scalarCell(n *yaml.Node) (cell, string) {
	n = resolve(n)
	if n.Kind != yaml.ScalarNode {
		return cell{line: n.Line, bad: true}, "want a single value, got " + kindName(n)
	}
	c := cell{text: n.Value, line: n.Line}
	switch n.Tag {
	case "!!null":
		c.text = ""
	case "!!int", "!!float":
		var f float64
		if n.Decode(&f) == nil {
			c.number = &f
		}
	}
	return c, ""
}

func keyCell(n *yaml.Node) cell {
	if n.Kind != yaml.ScalarNode {
		return cell{line: n.Line}
	}
	return cell{text: n.Value, line: n.Line}
}

func (l *loader) yamlList(file string, list *yaml.Node) {
	for _, item := range list.Content {
		item = resolve(item)
		if item.Kind != yaml.MappingNode {
			l.problem(file, item.Line, "(row)", "want a mapping with keys metric, unit, period, value and optionally rater, got "+kindName(item))
			continue
		}
		n := len(l.problems)
		var cells [numCols]cell
		var keyLine [numCols]int
		for i := 0; i+1 < len(item.Content); i += 2 {
			k := item.Content[i]
			name := strings.ToLower(strings.TrimSpace(k.Value))
			c := slices.Index(columns[:], name)
			switch {
			case c < 0:
				l.problem(file, k.Line, "(row)", "unknown key "+quote(k.Value)+" (known: "+strings.Join(columns[:], ", ")+")")
				continue
			case keyLine[c] > 0:
				l.problem(file, k.Line, name, fmt.Sprintf("defined twice (line %d)", keyLine[c]))
				continue
			}
			keyLine[c] = k.Line
			cl, reason := scalarCell(item.Content[i+1])
			if reason != "" {
				l.problem(file, cl.line, name, reason)
			}
			cells[c] = cl
		}
		l.row(file, item.Line, &cells, n)
	}
}

func (l *loader) yamlNested(file string, root *yaml.Node) {
	for i := 0; i+1 < len(root.Content); i += 2 {
		mk, mv := root.Content[i], resolve(root.Content[i+1])
		if mv.Kind != yaml.MappingNode {
			l.problem(file, mv.Line, "unit", fmt.Sprintf("want a mapping unit: {period: value} under %s, got %s", quote(mk.Value), kindName(mv)))
			continue
		}
		for j := 0; j+1 < len(mv.Content); j += 2 {
			uk, uv := mv.Content[j], resolve(mv.Content[j+1])
			if uv.Kind != yaml.MappingNode {
				l.problem(file, uv.Line, "period", fmt.Sprintf("want a mapping period: value under %s, got %s", quote(uk.Value), kindName(uv)))
				continue
			}
			for k := 0; k+1 < len(uv.Content); k += 2 {
				pk, pv := uv.Content[k], resolve(uv.Content[k+1])
				base := [numCols]cell{colMetric: keyCell(mk), colUnit: keyCell(uk), colPeriod: keyCell(pk)}
				switch pv.Kind {
				case yaml.ScalarNode:
					l.nestedRow(file, base, cell{}, pv)
				case yaml.MappingNode:
					if len(pv.Content) == 0 {
						l.problem(file, pv.Line, "value", "empty mapping: want a number or rater: number pairs")
					}
					for m := 0; m+1 < len(pv.Content); m += 2 {
						l.nestedRow(file, base, keyCell(pv.Content[m]), pv.Content[m+1])
					}
				default:
					l.problem(file, pv.Line, "value", "want a number or a mapping rater: number, got "+kindName(pv))
				}
			}
		}
	}
}

// nestedRow reads the row of one leaf of the nested form; its line is the
// value's.
func (l *loader) nestedRow(file string, cells [numCols]cell, rater cell, v *yaml.Node) {
	n := len(l.problems)
	cl, reason := scalarCell(v)
	if reason != "" {
		l.problem(file, cl.line, "value", reason)
	}
	cells[colValue], cells[colRater] = cl, rater
	l.row(file, cl.line, &cells, n)
}
