package appeals

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"net/url"
	"os"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"

	"gopkg.in/yaml.v3"

	"github.com/kpidesk/kpidesk/connectors"
)

// Load reads and validates an appeals file. A file that cannot be read is
// an error wrapping the os error; an invalid one is Problems.
func Load(path string) (*File, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("appeals: %w", err)
	}
	return Parse(data, path)
}

// Parse reads and validates an appeals file from data; name is used in
// positions. It returns Problems listing everything wrong, and no File,
// when there is any problem: scoring never applies half an appeals file.
func Parse(data []byte, name string) (*File, error) {
	p := &parser{file: name}
	f := &File{Path: name}
	if list := p.document(data); list != nil {
		for _, item := range list.Content {
			item = resolve(item)
			if item.Kind != yaml.MappingNode {
				p.addLine(item.Line, "(appeal)", "want a mapping (id: …, unit: …, period: …), got %s", kindName(item))
				continue
			}
			p.cur = &meta{line: item.Line, lines: map[string]int{}, bad: map[string]bool{}}
			a := p.appeal(item)
			f.Appeals = append(f.Appeals, a)
			p.metas = append(p.metas, p.cur)
		}
	}
	p.validate(f)
	if len(p.problems) > 0 {
		sort.SliceStable(p.problems, func(i, j int) bool { return p.problems[i].Line < p.problems[j].Line })
		return nil, p.problems
	}
	return f, nil
}

// meta is what validation needs to know about one appeal beyond its
// values: the line of each field path, and the paths whose value was
// reported bad (and left zero), so that one mistake is reported once.
type meta struct {
	line  int
	lines map[string]int
	bad   map[string]bool
}

type parser struct {
	file     string
	problems Problems
	cur      *meta // the appeal being read or validated
	metas    []*meta
}

func (p *parser) addLine(line int, field, format string, args ...any) {
	p.problems = append(p.problems, Problem{File: p.file, Line: line, Field: field, Reason: fmt.Sprintf(format, args...)})
}

// add records a problem of the current appeal at path, on the line of the
// deepest part of path present in the file.
func (p *parser) add(path, format string, args ...any) {
	p.cur.bad[path] = true
	p.addLine(p.cur.at(path), path, format, args...)
}

var lastPart = regexp.MustCompile(`(?:\.[^.\[\]]+|\[\d+\])$`)

// at returns the line of path, or of its closest parent present.
func (m *meta) at(path string) int {
	for path != "" {
		if l, ok := m.lines[path]; ok {
			return l
		}
		cut := lastPart.FindStringIndex(path)
		if cut == nil {
			break
		}
		path = path[:cut[0]]
	}
	return m.line
}

var yamlLine = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)

// document parses data and returns its list of appeals, or nil after
// reporting why there is none.
func (p *parser) document(data []byte) *yaml.Node {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if err != io.EOF {
			p.yamlError(err)
		}
		return nil
	}
	var extra yaml.Node
	switch err := dec.Decode(&extra); {
	case err == io.EOF:
	case err != nil:
		p.yamlError(err)
		return nil
	default:
		p.addLine(extra.Line, "(yaml)", "a second document: list every appeal in one")
		return nil
	}
	if len(doc.Content) == 0 {
		return nil
	}
	root := resolve(doc.Content[0])
	switch {
	case root.Kind == yaml.SequenceNode:
		return root
	case root.Kind == yaml.ScalarNode && root.Tag == "!!null":
	default:
		p.addLine(root.Line, "(file)", "want a list of appeals, each starting with \"- id: \"")
	}
	return nil
}

// yamlError turns a yaml.v3 syntax error ("yaml: line 3: did not find
// expected key") into a positioned problem.
func (p *parser) yamlError(err error) {
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
		p.addLine(line, "(yaml)", "%s", strings.TrimPrefix(m, "yaml: "))
	}
}

// resolve follows aliases (*name) to the node they stand for.
func resolve(n *yaml.Node) *yaml.Node {
	for i := 0; n.Kind == yaml.AliasNode && n.Alias != nil && i < 100; i++ {
		n = n.Alias
	}
	return n
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "a list"
	case yaml.MappingNode:
		return "a mapping"
	case yaml.ScalarNode:
		return quote(n.Value)
	}
	return "an alias"
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// fields returns the values of mapping n by key, reporting keys that are
// unknown or given twice, as yaml.v3's KnownFields would. It records the
// line of each key under path.
func (p *parser) fields(n *yaml.Node, path string, known []string) map[string]*yaml.Node {
	out := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := resolve(n.Content[i]), n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			p.addLine(k.Line, or(path, "(appeal)"), "a key must be a name, not %s", kindName(k))
			continue
		}
		q := join(path, k.Value)
		if k.Value == "" {
			q = join(path, `""`)
		}
		switch {
		case !slices.Contains(known, k.Value):
			p.cur.lines[q] = k.Line
			p.add(q, "unknown field (known: %s)", strings.Join(known, ", "))
			continue
		case out[k.Value] != nil:
			p.addLine(k.Line, q, "defined twice (first at line %d)", p.cur.lines[q])
			continue
		}
		p.cur.lines[q] = k.Line
		out[k.Value] = v
	}
	return out
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// text returns the scalar at path ("" for null or absent); ok is false
// after reporting a value that is not a scalar.
func (p *parser) text(n *yaml.Node, path string) (string, bool) {
	if n == nil {
		return "", true
	}
	n = resolve(n)
	switch {
	case n.Kind != yaml.ScalarNode:
		p.add(path, "want a single value, got %s", kindName(n))
		return "", false
	case n.Tag == "!!null":
		return "", true
	}
	return n.Value, true
}

// required returns the scalar at path, reporting it missing with the hint.
func (p *parser) required(n *yaml.Node, path, hint string) string {
	s, ok := p.text(n, path)
	if ok && strings.TrimSpace(s) == "" {
		p.add(path, "missing (%s)", hint)
		return ""
	}
	return s
}

// list returns the items of the list at path, reporting a value that is
// not a list.
func (p *parser) list(n *yaml.Node, path, example string) []*yaml.Node {
	if n == nil {
		return nil
	}
	n = resolve(n)
	switch {
	case n.Kind == yaml.SequenceNode:
		for i, item := range n.Content {
			p.cur.lines[fmt.Sprintf("%s[%d]", path, i)] = item.Line
		}
		return n.Content
	case n.Kind == yaml.ScalarNode && n.Tag == "!!null":
		return nil
	}
	p.add(path, "want a list such as %s, got %s", example, kindName(n))
	return nil
}

// mapping returns the mapping at path, reporting any other value.
func (p *parser) mapping(n *yaml.Node, path, example string) *yaml.Node {
	n = resolve(n)
	if n.Kind != yaml.MappingNode {
		p.add(path, "want a mapping such as %s, got %s", example, kindName(n))
		return nil
	}
	return n
}

const dateHint = "want a date such as 2025-11-03"

// date reads a date at path ("" is zero, reported by the caller if needed).
func (p *parser) date(n *yaml.Node, path string) time.Time {
	s, ok := p.text(n, path)
	if !ok || s == "" {
		return time.Time{}
	}
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		p.add(path, "%s is not a date such as 2025-11-03", quote(s))
		return time.Time{}
	}
	return d
}

var appealKeys = []string{"id", "unit", "period", "scorecard", "metric", "complaints", "claim", "evidence", "filed", "stage", "history", "decision"}

func (p *parser) appeal(n *yaml.Node) Appeal {
	a := Appeal{Line: n.Line}
	fs := p.fields(n, "", appealKeys)
	a.ID = p.required(fs["id"], "id", "every appeal needs a unique id such as A-2025-007")
	if s := p.required(fs["unit"], "unit", wantUnit); s != "" {
		if u, reason := checkUnit(s); reason != "" {
			p.add("unit", "%s", reason)
		} else {
			a.Unit = u
		}
	}
	if s := p.required(fs["period"], "period", wantPeriod); s != "" {
		if reason := checkPeriod(s); reason != "" {
			p.add("period", "%s", reason)
		} else {
			a.Period = s
		}
	}
	a.Scorecard, _ = p.text(fs["scorecard"], "scorecard")
	if s, _ := p.text(fs["metric"], "metric"); s != "" {
		if !metricID.MatchString(s) {
			p.add("metric", "%s is not a metric ID such as response_rate (lower-case letters, digits and _)", quote(s))
		} else {
			a.Metric = s
		}
	}
	seen := map[string]int{}
	for i, item := range p.list(fs["complaints"], "complaints", "[demo:004787, jira:SD-123]") {
		q := fmt.Sprintf("complaints[%d]", i)
		s, ok := p.text(item, q)
		if !ok {
			continue
		}
		if reason := checkComplaint(s); reason != "" {
			p.add(q, "%s", reason)
			continue
		}
		if j, dup := seen[s]; dup {
			p.add(q, "%s is listed twice (complaints[%d])", s, j)
			continue
		}
		seen[s] = i
		a.Complaints = append(a.Complaints, s)
	}
	a.Claim = p.required(fs["claim"], "claim", "what the employee says is wrong, in a sentence or two")
	if s, _ := p.text(fs["evidence"], "evidence"); s != "" {
		if u, err := url.Parse(s); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			p.add("evidence", "%s is not an http(s) link such as https://wiki.example.com/appeals/A-2025-007", quote(s))
		} else {
			a.Evidence = s
		}
	}
	if p.required(fs["filed"], "filed", dateHint) != "" {
		a.Filed = p.date(fs["filed"], "filed")
	}
	if s := p.required(fs["stage"], "stage", "want one of "+strings.Join(stageIDs(), ", ")); s != "" {
		if !knownStage(s) {
			p.add("stage", "unknown stage %s (known: %s)", quote(s), strings.Join(stageIDs(), ", "))
		} else {
			a.Stage = s
		}
	}
	for i, item := range p.list(fs["history"], "history", "[{stage: hr_review, date: 2025-11-05}]") {
		a.History = append(a.History, p.step(item, fmt.Sprintf("history[%d]", i)))
	}
	if n := fs["decision"]; n != nil {
		if m := p.mapping(n, "decision", "{outcome: accepted, by: three_party_meeting, date: …, reason: …}"); m != nil {
			a.Decision = p.decision(m)
		}
	}
	return a
}

var stepKeys = []string{"stage", "date", "note"}

func (p *parser) step(n *yaml.Node, path string) Step {
	var s Step
	if n = p.mapping(n, path, "{stage: hr_review, date: 2025-11-05, note: …}"); n == nil {
		return s
	}
	fs := p.fields(n, path, stepKeys)
	if id := p.required(fs["stage"], path+".stage", "want one of "+strings.Join(stageIDs(), ", ")); id != "" {
		if !knownStage(id) {
			p.add(path+".stage", "unknown stage %s (known: %s)", quote(id), strings.Join(stageIDs(), ", "))
		} else {
			s.Stage = id
		}
	}
	if p.required(fs["date"], path+".date", dateHint) != "" {
		s.Date = p.date(fs["date"], path+".date")
	}
	s.Note, _ = p.text(fs["note"], path+".note")
	return s
}

var decisionKeys = []string{"outcome", "by", "date", "reason", "changes"}

func (p *parser) decision(n *yaml.Node) *Decision {
	d := &Decision{}
	fs := p.fields(n, "decision", decisionKeys)
	outcomes := []string{Accepted, Rejected, PartiallyAccepted}
	if s := p.required(fs["outcome"], "decision.outcome", "want "+strings.Join(outcomes, ", ")); s != "" {
		if !slices.Contains(outcomes, s) {
			p.add("decision.outcome", "unknown outcome %s (known: %s)", quote(s), strings.Join(outcomes, ", "))
		} else {
			d.Outcome = s
		}
	}
	bys := []string{ByThreePartyMeeting, ByCommittee}
	if s := p.required(fs["by"], "decision.by", "want "+strings.Join(bys, " or ")); s != "" {
		if !slices.Contains(bys, s) {
			p.add("decision.by", "unknown decider %s (known: %s)", quote(s), strings.Join(bys, ", "))
		} else {
			d.By = s
		}
	}
	if p.required(fs["date"], "decision.date", dateHint) != "" {
		d.Date = p.date(fs["date"], "decision.date")
	}
	d.Reason = p.required(fs["reason"], "decision.reason", "why it was decided so: the scorecard shows it")
	for i, item := range p.list(fs["changes"], "decision.changes", "[{exclude: demo:004787}]") {
		d.Changes = append(d.Changes, p.change(item, fmt.Sprintf("decision.changes[%d]", i)))
	}
	return d
}

var changeKeys = []string{"exclude", "correct", "override_points"}

func (p *parser) change(n *yaml.Node, path string) Change {
	c := Change{Line: resolve(n).Line}
	if n = p.mapping(n, path, "{exclude: demo:004787}"); n == nil {
		return c
	}
	fs := p.fields(n, path, changeKeys)
	var given []string
	for _, k := range changeKeys {
		if fs[k] != nil {
			given = append(given, k)
		}
	}
	switch {
	case len(given) == 0:
		if len(n.Content) == 0 { // unknown keys were reported already
			p.add(path, "want one of exclude, correct or override_points")
		}
		return c
	case len(given) > 1:
		p.add(path, "%s in one change: write each as its own item", strings.Join(given, " and "))
		return c
	}
	switch given[0] {
	case "exclude":
		q := path + ".exclude"
		if s := p.required(fs["exclude"], q, "want a complaint ID such as demo:004787"); s != "" {
			if reason := checkComplaint(s); reason != "" {
				p.add(q, "%s", reason)
			} else {
				c.Exclude = s
			}
		}
	case "correct":
		if m := p.mapping(fs["correct"], path+".correct", "{complaint: demo:004977, field: first_response_at, value: …}"); m != nil {
			c.Correct = p.correction(m, path+".correct")
		}
	case "override_points":
		q := path + ".override_points"
		nd := resolve(fs["override_points"])
		var v float64
		if nd.Kind != yaml.ScalarNode || (nd.Tag != "!!int" && nd.Tag != "!!float") || nd.Decode(&v) != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			p.add(q, "want a number of points from 0 to 100, got %s", kindName(nd))
			break
		}
		if v < 0 || v > 100 {
			p.add(q, "%v is outside 0–100", v)
			break
		}
		c.OverridePoints = &v
	}
	return c
}

var correctionKeys = []string{"complaint", "field", "value"}

func (p *parser) correction(n *yaml.Node, path string) *Correction {
	fs := p.fields(n, path, correctionKeys)
	c := &Correction{}
	ok := true
	if s := p.required(fs["complaint"], path+".complaint", "want a complaint ID such as demo:004977"); s != "" {
		if reason := checkComplaint(s); reason != "" {
			p.add(path+".complaint", "%s", reason)
		}
		c.Complaint = s
	}
	if s := p.required(fs["field"], path+".field", "want one of "+strings.Join(CorrectableFields(), ", ")); s != "" {
		if _, known := correctable(s); !known {
			p.add(path+".field", "unknown field %s (known: %s)", quote(s), strings.Join(CorrectableFields(), ", "))
			ok = false
		}
		c.Field = s
	} else {
		ok = false
	}
	switch v := fs["value"]; {
	case v == nil:
		p.add(path+".value", "missing (the corrected value of the field)")
	case ok:
		f, _ := correctable(c.Field)
		val, reason := correctionValue(f, resolve(v))
		if reason != "" {
			p.add(path+".value", "%s", reason)
		}
		c.Value = val
	}
	if p.cur.bad[path+".complaint"] || p.cur.bad[path+".field"] || p.cur.bad[path+".value"] {
		return nil
	}
	return c
}

// correctable returns the field of the common model named name, if a
// decision may correct it (connectors.Field.Correctable).
func correctable(name string) (*connectors.Field, bool) {
	f, ok := connectors.FieldNamed(name)
	return f, ok && f.Correctable
}

// correctionValue reads the corrected value of field f, of the type its
// kind has in a Correction, or says why n is not one.
func correctionValue(f *connectors.Field, n *yaml.Node) (any, string) {
	switch f.Kind {
	case connectors.FieldTime:
		return timeValue(n)
	case connectors.FieldString:
		return stringValue(f.Values)(n)
	case connectors.FieldBool:
		return boolValue(n)
	case connectors.FieldCount:
		return countValue(n)
	case connectors.FieldCSAT:
		return csatValue(n)
	}
	panic("appeals: field " + f.Name + " of kind " + f.Kind.String() + " cannot be corrected")
}

// CorrectableFields returns the complaint fields a decision may correct,
// in the order of connectors.Fields (the import format's).
func CorrectableFields() []string {
	var names []string
	for i := range connectors.Fields {
		if f := &connectors.Fields[i]; f.Correctable {
			names = append(names, f.Name)
		}
	}
	return names
}

func timeValue(n *yaml.Node) (any, string) {
	if n.Kind == yaml.ScalarNode && n.Tag != "!!null" {
		if t, err := time.Parse(time.RFC3339, n.Value); err == nil {
			return t.UTC(), ""
		}
	}
	return nil, "want an RFC 3339 time with offset such as 2025-10-08T10:00:00+08:00, got " + kindName(n)
}

func stringValue(allowed []string) func(*yaml.Node) (any, string) {
	return func(n *yaml.Node) (any, string) {
		switch {
		case n.Kind != yaml.ScalarNode || n.Tag == "!!null" || strings.TrimSpace(n.Value) == "":
			return nil, "want a name, got " + kindName(n)
		case allowed != nil && !slices.Contains(allowed, n.Value):
			return nil, fmt.Sprintf("%s is not one of %s", quote(n.Value), strings.Join(allowed, ", "))
		}
		return n.Value, ""
	}
}

func boolValue(n *yaml.Node) (any, string) {
	var b bool
	if n.Kind != yaml.ScalarNode || n.Tag != "!!bool" || n.Decode(&b) != nil {
		return nil, "want true or false, got " + kindName(n)
	}
	return b, ""
}

func countValue(n *yaml.Node) (any, string) {
	var i int
	if n.Kind != yaml.ScalarNode || n.Tag != "!!int" || n.Decode(&i) != nil || i < 0 {
		return nil, "want a whole number, 0 or more, got " + kindName(n)
	}
	return i, ""
}

func csatValue(n *yaml.Node) (any, string) {
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return nil, ""
	}
	var f float64
	if n.Kind != yaml.ScalarNode || (n.Tag != "!!int" && n.Tag != "!!float") || n.Decode(&f) != nil || math.IsNaN(f) || math.IsInf(f, 0) || f < 0 {
		return nil, "want a rating (a number, 0 or more) or null, got " + kindName(n)
	}
	return f, ""
}

const (
	wantUnit   = "want org, department:ID, team:ID or agent:ID"
	wantPeriod = "want 2025-10, 2025-Q4, 2025-H2 or 2025"
	orgUnit    = "org:org"
)

var (
	metricID = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
	periodRE = regexp.MustCompile(`^(\d{4})(?:-(?:(\d{2})|Q(\d)|H(\d)))?$`)
)

// checkUnit returns the unit key of s ("org" is "org:org"), or why s is
// not one. It reads units as package inputs does.
func checkUnit(s string) (string, string) {
	if s == "org" || s == orgUnit {
		return orgUnit, ""
	}
	kind, id, ok := strings.Cut(s, ":")
	switch {
	case !ok:
		return "", quote(s) + " is not a unit (" + wantUnit + ")"
	case kind == "org":
		return "", quote(s) + " is not a unit: the organization is org"
	case kind != "department" && kind != "team" && kind != "agent":
		return "", quote(s) + " has unknown kind " + quote(kind) + " (" + wantUnit + ")"
	case id == "":
		return "", quote(s) + " has an empty ID"
	case strings.TrimSpace(id) != id:
		return "", quote(s) + " has spaces around its ID"
	case strings.ContainsFunc(id, unicode.IsControl):
		return "", quote(s) + " has a control character in its ID"
	}
	return s, ""
}

// checkPeriod says why s is not a period ID ("" when it is one).
func checkPeriod(s string) string {
	m := periodRE.FindStringSubmatch(s)
	switch {
	case m == nil:
		return quote(s) + " is not a period ID (" + wantPeriod + ")"
	case m[2] != "" && (m[2] < "01" || m[2] > "12"):
		return fmt.Sprintf("%q: month %s is not 01–12", s, m[2])
	case m[3] != "" && (m[3] < "1" || m[3] > "4"):
		return fmt.Sprintf("%q: quarter Q%s is not Q1–Q4", s, m[3])
	case m[4] != "" && m[4] != "1" && m[4] != "2":
		return fmt.Sprintf("%q: half H%s is not H1–H2", s, m[4])
	}
	return ""
}

// checkComplaint says why s is not a source-qualified complaint ID
// ("demo:000123", "jira:SD-123", "github:owner/repo#45"), "" when it is.
func checkComplaint(s string) string {
	src, key, ok := strings.Cut(s, ":")
	if !ok || src == "" || key == "" || strings.ContainsFunc(s, unicode.IsSpace) {
		return quote(s) + " is not a complaint ID such as demo:004787 or jira:SD-123 (source:key)"
	}
	return ""
}
