package main

import (
	"bytes"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
)

// TestDocumentedCommandsParse finds every kpidesk command line in the
// README, docs/ and examples/ (the CI pipelines) and checks it against the
// command tree: the subcommand exists and every flag is one it takes. A
// renamed command or flag fails here before a user copies the stale line.
func TestDocumentedCommandsParse(t *testing.T) {
	files, err := filepath.Glob("../../docs/*.md")
	if err != nil {
		t.Fatal(err)
	}
	// The examples, in their folders too (examples/github-issues).
	var examples []string
	err = filepath.WalkDir("../../examples", func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			examples = append(examples, path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	files = append(files, "../../README.md")
	checked := 0
	for _, file := range append(files, examples...) {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		// kpidesk is not published as a Go module: a recipe that installs
		// it by module path cannot work (issue 16 §1).
		if bytes.Contains(b, []byte("kpidesk/kpidesk/cmd/kpidesk@")) {
			t.Errorf("%s installs kpidesk by module path (go install …@version), which cannot be fetched: build it from a checkout", filepath.Base(file))
		}
		var code []string
		switch {
		case strings.HasSuffix(file, ".md"):
			code = markdownCode(string(b))
		case filepath.Base(file) == "Jenkinsfile":
			// The shell scripts of its sh '…' steps.
			for _, m := range regexp.MustCompile(`\bsh '([^']*)'`).FindAllStringSubmatch(string(b), -1) {
				code = append(code, m[1])
			}
		default:
			code = withoutComments(string(b))
		}
		for _, line := range code {
			for _, args := range kpideskCommands(line) {
				if len(args) == 0 {
					continue // the name alone, as in "group: kpidesk"
				}
				checked++
				root := (&app{stdout: io.Discard, stderr: io.Discard, now: time.Now}).rootCommand()
				cmd, rest, err := root.Find(args)
				if err != nil {
					t.Errorf("%s: kpidesk %s: %v", filepath.Base(file), strings.Join(args, " "), err)
					continue
				}
				if err := cmd.ParseFlags(rest); err != nil {
					t.Errorf("%s: kpidesk %s: %v", filepath.Base(file), strings.Join(args, " "), err)
				}
			}
		}
	}
	if checked < 30 {
		t.Errorf("checked %d documented command lines, want the many there are", checked)
	}
}

// markdownCode returns the lines of fenced code blocks and the inline code
// spans of a Markdown text.
func markdownCode(md string) []string {
	var out []string
	fenced := false
	span := regexp.MustCompile("`([^`]+)`")
	for _, line := range strings.Split(md, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "```") {
			fenced = !fenced
			continue
		}
		if fenced {
			out = append(out, withoutComments(line)...)
			continue
		}
		for _, m := range span.FindAllStringSubmatch(line, -1) {
			out = append(out, m[1])
		}
	}
	return out
}

// withoutComments drops shell, YAML and Groovy comments, line by line.
func withoutComments(text string) []string {
	var out []string
	for _, line := range strings.Split(text, "\n") {
		trimmed := strings.TrimSpace(line)
		if strings.HasPrefix(trimmed, "#") || strings.HasPrefix(trimmed, "//") {
			continue
		}
		if i := strings.Index(line, " # "); i >= 0 {
			line = line[:i]
		}
		if i := strings.Index(line, "  // "); i >= 0 {
			line = line[:i]
		}
		out = append(out, line)
	}
	return out
}

// kpideskCommands splits a line like a shell would (quotes, and the
// separators &&, ||, ; and |) and returns the arguments that follow each
// word naming the kpidesk program (kpidesk, bin/kpidesk, ./cmd/kpidesk).
func kpideskCommands(line string) [][]string {
	var cmds [][]string
	var cur []string
	in := false
	flush := func() {
		if in {
			cmds = append(cmds, cur)
		}
		cur, in = nil, false
	}
	prev := ""
	for _, w := range shellWords(line) {
		switch {
		case w == "&&" || w == "||" || w == ";" || w == "|":
			flush()
		case !in && (w == "kpidesk" || strings.HasSuffix(w, "/kpidesk")):
			// Not a package that go test, vet or build is given, nor the
			// output of go build -o, nor the value of a YAML key other
			// than a step's run: (name: kpidesk issues).
			yamlValue := strings.HasSuffix(prev, ":") && prev != "run:"
			in = (!strings.HasPrefix(w, "./") || prev == "run") && prev != "-o" && !yamlValue
		case in:
			cur = append(cur, w)
		}
		prev = w
	}
	flush()
	return cmds
}

// shellWords splits s into words, honouring single and double quotes; an
// unclosed quote (the end of a Groovy sh '…' string) ends the line.
func shellWords(s string) []string {
	var words []string
	var w strings.Builder
	has := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\'' || c == '"':
			j := strings.IndexByte(s[i+1:], c)
			if j < 0 {
				i = len(s)
				continue
			}
			w.WriteString(s[i+1 : i+1+j])
			has = true
			i += j + 1
		case c == ' ' || c == '\t':
			if has {
				words = append(words, w.String())
				w.Reset()
				has = false
			}
		case c == ';' || c == '|' || c == '&' || c == ')':
			if has {
				words = append(words, w.String())
				w.Reset()
				has = false
			}
			if c == '&' || c == '|' {
				if i+1 < len(s) && s[i+1] == c {
					i++
				}
				words = append(words, string(c)+string(c))
			} else {
				words = append(words, ";")
			}
		default:
			w.WriteByte(c)
			has = true
		}
	}
	if has {
		words = append(words, w.String())
	}
	return words
}

// TestExamplePipelinesAreYAML parses the YAML pipelines of examples/.
func TestExamplePipelinesAreYAML(t *testing.T) {
	files, err := filepath.Glob("../../examples/*.yml")
	if err != nil || len(files) < 2 {
		t.Fatalf("example pipelines: %v, %v", files, err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var doc map[string]any
		if err := yaml.Unmarshal(b, &doc); err != nil {
			t.Errorf("%s: %v", filepath.Base(f), err)
		}
		if len(doc) == 0 {
			t.Errorf("%s: empty", filepath.Base(f))
		}
	}
}
