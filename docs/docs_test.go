package docs

import (
	"bytes"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/text"
)

// section is one part of a Markdown document: the text before the first
// heading, or a heading and what follows it up to the next heading.
type section struct {
	Level   int      // 0 before the first heading
	Title   string   // the heading's text
	Items   int      // list items, nested ones included
	Code    []string // code spans, sorted
	Numbers []string // numbers in the text and code, such as 30, 0.3365, 95,051
}

// number is a number as the documents write it: 95,051, 0.3365, the 30 of
// "day 30" or "30 天", the 003 of "seed 003".
var number = regexp.MustCompile(`\d+(?:[.,]\d+)*`)

// sections parses doc as the site does (goldmark with tables and
// strikethrough) and splits it at its headings.
func sections(doc []byte) []section {
	md := goldmark.New(goldmark.WithExtensions(extension.Table, extension.Strikethrough))
	root := md.Parser().Parse(text.NewReader(doc))
	secs := []section{{}}
	cur := &secs[0]
	var words strings.Builder
	flush := func() {
		cur.Numbers = number.FindAllString(words.String(), -1)
		words.Reset()
	}
	ast.Walk(root, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Heading:
			flush()
			secs = append(secs, section{Level: n.Level, Title: plain(n, doc)})
			cur = &secs[len(secs)-1]
			return ast.WalkSkipChildren, nil
		case *ast.ListItem:
			cur.Items++
		case *ast.CodeSpan:
			s := plain(n, doc)
			cur.Code = append(cur.Code, s)
			words.WriteString(" " + s + " ")
			return ast.WalkSkipChildren, nil
		case *ast.Text:
			words.Write(n.Segment.Value(doc))
			if n.SoftLineBreak() || n.HardLineBreak() {
				words.WriteByte(' ')
			}
		case *ast.String:
			words.Write(n.Value)
		}
		return ast.WalkContinue, nil
	})
	flush()
	for i := range secs {
		slices.Sort(secs[i].Code)
	}
	return secs
}

// plain is the text of n's inline children.
func plain(n ast.Node, src []byte) string {
	var b bytes.Buffer
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch c := c.(type) {
		case *ast.Text:
			b.Write(c.Segment.Value(src))
		case *ast.String:
			b.Write(c.Value)
		}
		return ast.WalkContinue, nil
	})
	return b.String()
}

// outOfStep lists how the translation zh differs from the original en in
// structure: the sequence of heading levels, and per section the number of
// list items, the code spans (config keys, metric IDs, commands), and the
// numbers of the original, each of which the translation must have too.
func outOfStep(en, zh []byte) []string {
	a, b := sections(en), sections(zh)
	var diffs []string
	levels := func(secs []section) []int {
		var l []int
		for _, s := range secs {
			l = append(l, s.Level)
		}
		return l
	}
	if la, lb := levels(a), levels(b); !slices.Equal(la, lb) {
		diffs = append(diffs, fmt.Sprintf("heading levels differ: en %v, zh %v", la, lb))
	}
	for i := range min(len(a), len(b)) {
		sa, sb := a[i], b[i]
		where := fmt.Sprintf("section %d (en %q, zh %q)", i, sa.Title, sb.Title)
		if sa.Level != sb.Level {
			continue // reported above; the rest would only repeat it
		}
		if sa.Items != sb.Items {
			diffs = append(diffs, fmt.Sprintf("%s: %d list items in en, %d in zh", where, sa.Items, sb.Items))
		}
		if !slices.Equal(sa.Code, sb.Code) {
			diffs = append(diffs, fmt.Sprintf("%s: code spans differ:\n\ten %q\n\tzh %q", where, sa.Code, sb.Code))
		}
		var missing []string
		for _, n := range sa.Numbers {
			if !slices.Contains(sb.Numbers, n) && !slices.Contains(missing, n) {
				missing = append(missing, n)
			}
		}
		if len(missing) > 0 {
			diffs = append(diffs, fmt.Sprintf("%s: numbers of en missing in zh: %v", where, missing))
		}
	}
	return diffs
}

// TestMethodologyTranslationInStep keeps docs/methodology.zh.md a
// translation of docs/methodology.md: a section, list item, config key or
// number added to or removed from one and not the other fails here.
func TestMethodologyTranslationInStep(t *testing.T) {
	en, zh := Methodology(), MethodologyZH()
	secs := sections(en)
	if len(secs) < 10 || secs[1].Level != 1 {
		t.Fatalf("methodology.md parses into %d sections, the first heading of level %d: the parser lost it", len(secs), secs[min(1, len(secs)-1)].Level)
	}
	for _, d := range outOfStep(en, zh) {
		t.Error(d)
	}
	// The Chinese document is Chinese: every heading has Han characters.
	han := regexp.MustCompile(`\p{Han}`)
	for _, s := range sections(zh)[1:] {
		if !han.MatchString(s.Title) {
			t.Errorf("methodology.zh.md heading %q is not translated", s.Title)
		}
	}
}

// TestMethodologyOutOfStepDetects checks the check: dropping a section, a
// list item or a config key from the translation is reported.
func TestMethodologyOutOfStepDetects(t *testing.T) {
	en, zh := string(Methodology()), string(MethodologyZH())
	cut := func(s, from, to string) string {
		i := strings.Index(s, from)
		j := strings.Index(s[i+1:], to)
		if i < 0 || j < 0 {
			t.Fatalf("methodology.zh.md has no %q … %q", from, to)
		}
		return s[:i] + s[i+1+j:]
	}
	for name, broken := range map[string]string{
		"section":   cut(zh, "\n## 积压量\n", "\n## "),
		"list item": cut(zh, "\n- 解决率统计", "\n\n"),
		"code span": strings.Replace(zh, "`min_sample`（默认 5）", "最小样本量（默认 5）", 1),
		"number":    strings.Replace(zh, "720 个自然小时", "三十天", 1),
	} {
		if broken == zh {
			t.Fatalf("%s: nothing removed", name)
		}
		if d := outOfStep([]byte(en), []byte(broken)); len(d) == 0 {
			t.Errorf("a translation without a %s passes", name)
		}
	}
}

// TestMethodologyIn gives the Chinese methodology to a Chinese site and the
// English one to an English site.
func TestMethodologyIn(t *testing.T) {
	if !bytes.Equal(MethodologyIn("en"), Methodology()) {
		t.Error("MethodologyIn(en) is not methodology.md")
	}
	for _, lang := range []string{"zh", ""} {
		if !bytes.Equal(MethodologyIn(lang), MethodologyZH()) {
			t.Errorf("MethodologyIn(%q) is not methodology.zh.md", lang)
		}
	}
	if !bytes.HasPrefix(MethodologyZH(), []byte("# 计分方法\n")) {
		t.Error("methodology.zh.md does not start with # 计分方法")
	}
}
