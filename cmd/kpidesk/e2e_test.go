package main

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// runDemo runs `kpidesk demo` at a small size into a new folder.
func runDemo(t *testing.T, size string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "demo")
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"demo", "--out", dir, "--size", size, "-q"}, &out, &errb); code != 0 {
		t.Fatalf("kpidesk demo exited %d: %s", code, errb.String())
	}
	return dir
}

// TestDemoDeterministic generates, scores and builds the demo twice: the
// outputs must be byte-identical.
func TestDemoDeterministic(t *testing.T) {
	a, b := runDemo(t, "3000"), runDemo(t, "3000")
	for _, name := range []string{"scores.json", "scores.csv", "evidence.jsonl", "site/index.html", "site/org.html", "site/methodology.html"} {
		x, err := os.ReadFile(filepath.Join(a, name))
		if err != nil {
			t.Fatal(err)
		}
		y, err := os.ReadFile(filepath.Join(b, name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(x, y) {
			t.Errorf("%s differs between two demo runs", name)
		}
	}
}

// TestDemoSiteEscapesHostileStrings checks every page of the demo site: the
// demo's hostile titles, customer names and label must never appear raw.
func TestDemoSiteEscapesHostileStrings(t *testing.T) {
	dir := runDemo(t, "2000")
	raw := []string{`<script>alert("x")</script>`, `<i>vip</i>`, `"><img`, `href="javascript:`}
	escapedSeen := false
	err := filepath.WalkDir(filepath.Join(dir, "site"), func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".html") {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, s := range raw {
			if bytes.Contains(b, []byte(s)) {
				t.Errorf("%s contains %q unescaped", path, s)
			}
		}
		if bytes.Contains(b, []byte(`&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;`)) {
			escapedSeen = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !escapedSeen {
		t.Error("the hostile <script> title appears on no page, even escaped: the drill-down lists lost it")
	}
	csv, err := os.ReadFile(filepath.Join(dir, "scores.csv"))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(csv), "\n") {
		for _, cell := range strings.Split(line, ",") {
			if cell != "" && strings.ContainsRune("=+@", rune(cell[0])) {
				t.Errorf("scores.csv cell %q starts like a formula", cell)
			}
		}
	}
}
