package jira

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/kpidesk/kpidesk/connectors"
)

// Where a mapped value is read from: the entries of Mapping.KindFrom,
// CategoryFrom, ChannelFrom, PriorityFrom and TeamFrom besides field IDs.
const (
	FromRequestType = "request_type" // the JSM request type's name
	FromComponents  = "components"   // each component, in the issue's order
	FromLabels      = "labels"       // each label, in the issue's order
	FromPriority    = "priority"     // the Jira priority's name
)

// defaultFrom is where kind, category, channel and team are read when
// their From list is empty: the order kinds and categories always had.
var defaultFrom = []string{FromRequestType, FromComponents, FromLabels}

// customFieldID matches the ID of a custom field, which a From list may
// name directly; any other entry that is not a token is a field name that
// the Source resolves through the site's field list.
var customFieldID = regexp.MustCompile(`^customfield_[0-9]+$`)

// NormalizeFrom returns the token a From entry stands for ("component"
// and "Components" are [FromComponents]), or the entry itself, trimmed,
// when it is a field ID or a field name.
func NormalizeFrom(entry string) string {
	e := strings.TrimSpace(entry)
	switch strings.ToLower(e) {
	case "request_type", "request type", "requesttype":
		return FromRequestType
	case "components", "component":
		return FromComponents
	case "labels", "label":
		return FromLabels
	case "priority":
		return FromPriority
	}
	return e
}

// isToken reports whether a normalized From entry is one of the tokens,
// not a field.
func isToken(e string) bool {
	switch e {
	case FromRequestType, FromComponents, FromLabels, FromPriority:
		return true
	}
	return false
}

// fromFields returns the field IDs the From lists of m name (the search
// must ask for them), in a stable order.
func fromFields(m Mapping) []string {
	var out []string
	for _, list := range [][]string{m.KindFrom, m.CategoryFrom, m.ChannelFrom, m.PriorityFrom, m.TeamFrom} {
		for _, e := range list {
			if e = NormalizeFrom(e); e != "" && !isToken(e) && !slices.Contains(out, e) {
				out = append(out, e)
			}
		}
	}
	return out
}

// fieldValues reads a field's value as the candidates a value map is
// looked up with, one group per value: a string, number or bool as text;
// a select option ({"value": …}) as its value; a cascading select
// ({"value": parent, "child": {"value": child}}) as "parent / child" and
// then "parent", so a map can name the pair or the parent alone; a request
// type, a user or another named object by its name; a list (multi-select,
// checkboxes) as each element in order. null or another shape gives none.
func fieldValues(raw json.RawMessage) [][]string {
	if len(raw) == 0 {
		return nil
	}
	var v any
	if json.Unmarshal(raw, &v) != nil {
		return nil
	}
	var out [][]string
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case string:
			if s := strings.TrimSpace(x); s != "" {
				out = append(out, []string{s})
			}
		case float64:
			out = append(out, []string{strconv.FormatFloat(x, 'f', -1, 64)})
		case bool:
			out = append(out, []string{strconv.FormatBool(x)})
		case []any:
			for _, e := range x {
				walk(e)
			}
		case map[string]any:
			if rt, ok := x["requestType"].(map[string]any); ok {
				walk(rt["name"])
				return
			}
			for _, k := range []string{"value", "name", "displayName"} {
				s, ok := x[k].(string)
				if !ok || strings.TrimSpace(s) == "" {
					continue
				}
				s = strings.TrimSpace(s)
				if child, ok := x["child"].(map[string]any); ok {
					if c, ok := child["value"].(string); ok && strings.TrimSpace(c) != "" {
						out = append(out, []string{s + " / " + strings.TrimSpace(c), s})
						return
					}
				}
				out = append(out, []string{s})
				return
			}
		}
	}
	walk(v)
	return out
}

// issueValues are the values an issue offers to the value maps, per From
// entry.
type issueValues struct {
	requestType string
	components  []string
	labels      []string
	priority    string
	fields      map[string]json.RawMessage
}

// of returns the candidates of one normalized From entry, one group per
// value (see fieldValues).
func (iv *issueValues) of(e string) [][]string {
	single := func(s string) [][]string {
		if s == "" {
			return nil
		}
		return [][]string{{s}}
	}
	each := func(ss []string) [][]string {
		out := make([][]string, 0, len(ss))
		for _, s := range ss {
			if s != "" {
				out = append(out, []string{s})
			}
		}
		return out
	}
	switch e {
	case FromRequestType:
		return single(iv.requestType)
	case FromComponents:
		return each(iv.components)
	case FromLabels:
		return each(iv.labels)
	case FromPriority:
		return single(iv.priority)
	}
	return fieldValues(iv.fields[e])
}

// target is one complaint field that value maps set.
type target struct {
	name   string            // kind, category, channel, priority, team
	values map[string]string // value → what the complaint gets
	from   []string          // normalized
	set    func(string) bool // sets the field; false rejects the mapped value
}

// lookup sets a target from the first candidate, in From order, that its
// value map knows. It returns whether one was found.
func lookup(t target, iv *issueValues) bool {
	for _, e := range t.from {
		for _, group := range iv.of(e) {
			for _, v := range group {
				if to, ok := foldGet(t.values, v); ok && t.set(to) {
					return true
				}
			}
		}
	}
	return false
}

// classify sets Kind, Category, Channel, Team and, where PriorityFrom
// names more than the priority field, Priority, each from the first value
// of its From list (default: request type, components, labels) that its
// map knows. Kind defaults to complaint.
//
// A value read from the request type or a field that none of the maps
// reading that source knows is reported: a value the admin pointed a map
// at but forgot. Components and labels are not reported, since most of
// them name other things than kinds or channels.
func (mp *mapper) classify(c *connectors.Complaint, iv *issueValues, rtField string) {
	m := mp.m
	from := func(list []string) []string {
		if len(list) == 0 {
			return defaultFrom
		}
		out := make([]string, 0, len(list))
		for _, e := range list {
			if e = NormalizeFrom(e); e != "" {
				out = append(out, e)
			}
		}
		return out
	}
	targets := []target{
		{name: "kind", values: m.Kinds, from: from(m.KindFrom), set: func(v string) bool {
			if v != connectors.KindComplaint && v != connectors.KindSuggestion && v != connectors.KindInquiry {
				mp.unknown("kind", v) // a mapping to a kind the model does not have
				return false
			}
			c.Kind = v
			return true
		}},
		{name: "category", values: m.Categories, from: from(m.CategoryFrom), set: func(v string) bool {
			c.Category = v
			return v != ""
		}},
		{name: "channel", values: m.Channels, from: from(m.ChannelFrom), set: func(v string) bool {
			c.Channel = v
			return v != ""
		}},
		{name: "team", values: m.Teams, from: from(m.TeamFrom), set: func(v string) bool {
			c.Team = v
			return v != ""
		}},
	}
	// Priority is read from the priority field by mp.priority (with its
	// defaults and its own report); other sources use the same map.
	if pf := from(m.PriorityFrom); len(m.PriorityFrom) > 0 && !slices.Equal(pf, []string{FromPriority}) {
		c.Priority = ""
		targets = append(targets, target{name: "priority", values: mp.priorityMap(), from: pf, set: func(v string) bool {
			if !slices.Contains(connectors.Priorities, v) {
				return false
			}
			c.Priority = v
			return true
		}})
	}

	readers := map[string][]map[string]string{} // reportable source → the maps that read it
	var order []string
	for _, t := range targets {
		if len(t.values) == 0 {
			continue
		}
		lookup(t, iv)
		for _, e := range t.from {
			if e == FromComponents || e == FromLabels {
				continue
			}
			if _, ok := readers[e]; !ok {
				order = append(order, e)
			}
			readers[e] = append(readers[e], t.values)
		}
	}
	for _, e := range order {
		for _, group := range iv.of(e) {
			known := false
			for _, vals := range readers[e] {
				for _, v := range group {
					if _, ok := foldGet(vals, v); ok {
						known = true
					}
				}
			}
			if !known {
				mp.unknown(mp.sourceLabel(e, rtField), group[0])
			}
		}
	}
	if c.Kind == "" {
		c.Kind = connectors.KindComplaint
	}
}

// priorityMap is Mapping.Priorities over DefaultPriorities, for priorities
// read from other sources than the priority field.
func (mp *mapper) priorityMap() map[string]string {
	out := make(map[string]string, len(DefaultPriorities)+len(mp.m.Priorities))
	for k, v := range DefaultPriorities {
		out[k] = v
	}
	for k, v := range mp.m.Priorities {
		out[strings.ToLower(k)] = v
	}
	return out
}

// sourceLabel is the Unmapped.Field of a value read from a From entry:
// the request type's historical names, or a field as "Name (ID)" when its
// name is known.
func (mp *mapper) sourceLabel(e, rtField string) string {
	switch {
	case e == FromRequestType:
		return rtField
	case mp.m.FieldNames[e] != "":
		return fmt.Sprintf("%s (%s)", mp.m.FieldNames[e], e)
	}
	return e
}
