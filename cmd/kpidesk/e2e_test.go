package main

import (
	"bytes"
	"context"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
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

// TestTotalsRecomputableFromSite reads every agent and team page of a demo
// site the way a reader would: each scorecard's rows show points and weight,
// and Σ points × weight must give the total shown, within the rounding of
// the printed figures (points to 0.1, weights to 0.1 %); final = total ×
// coefficient likewise.
func TestTotalsRecomputableFromSite(t *testing.T) {
	dir := runDemo(t, "3000")
	row := regexp.MustCompile(`<td class="num">([\d.]+)</td>\s*<td class="num">([\d.]+)%</td>\s*<td class="num">[\d.]+</td>`)
	// The final is followed by its change against the previous period.
	foot := regexp.MustCompile(`(?s)<tfoot>.*?<td class="num strong">([\d.]+)</td>.*?× ([\d.]+)</td>.*?<td class="num strong">([\d.]+)(?:</td>|<span)`)
	checked := 0
	for _, sub := range []string{"agent", "team"} {
		files, _ := filepath.Glob(filepath.Join(dir, "site", sub, "*.html"))
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			// One scorecard table per section; check each.
			for _, table := range strings.Split(string(b), "<table class=\"data\">")[1:] {
				fm := foot.FindStringSubmatch(table)
				if fm == nil {
					continue
				}
				body := table[:strings.Index(table, "<tfoot>")]
				sum, n := 0.0, 0
				for _, m := range row.FindAllStringSubmatch(body, -1) {
					pts, _ := strconv.ParseFloat(m[1], 64)
					w, _ := strconv.ParseFloat(m[2], 64)
					sum += pts * w / 100
					n++
				}
				total, _ := strconv.ParseFloat(fm[1], 64)
				coef, _ := strconv.ParseFloat(fm[2], 64)
				final, _ := strconv.ParseFloat(fm[3], 64)
				// Each row's points are off by ≤ 0.05 and weight by ≤ 0.05 %.
				tol := 0.05 + float64(n)*(0.05+0.0005*100)
				if n == 0 || math.Abs(sum-total) > tol {
					t.Errorf("%s: Σ points × weight over %d rows = %.2f, total shown %.1f", f, n, sum, total)
				}
				if math.Abs(total*coef-final) > 0.05+0.005*total+0.05 {
					t.Errorf("%s: total %.1f × coefficient %.2f = %.2f, final shown %.1f", f, total, coef, total*coef, final)
				}
				checked++
			}
		}
	}
	if checked < 20 {
		t.Errorf("checked %d scorecards, want at least 20", checked)
	}
}

// TestDemoDrillAnchorsResolve follows every link into a drill-down page on
// the demo site: the page must exist and have the metric's anchor. Metrics
// from input files (360° review, QA sampling, staff satisfaction) list no
// complaints, so they have no column there and no link into it.
func TestDemoDrillAnchorsResolve(t *testing.T) {
	site := filepath.Join(runDemo(t, "2000"), "site")
	link := regexp.MustCompile(`href="((?:\.\./)?complaints/[^"#]+\.html)#([a-z0-9_]+)"`)
	pages := map[string]string{}
	checked := 0
	err := filepath.WalkDir(site, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".html") {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range link.FindAllStringSubmatch(string(b), -1) {
			target := filepath.Join(filepath.Dir(path), m[1])
			page, ok := pages[target]
			if !ok {
				p, err := os.ReadFile(target)
				if err != nil {
					t.Errorf("%s links to %s: %v", path, m[1], err)
					continue
				}
				page = string(p)
				pages[target] = page
			}
			if !strings.Contains(page, `id="`+m[2]+`"`) {
				t.Errorf("%s links to %s#%s, which has no such anchor", path, m[1], m[2])
			}
			checked++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 100 {
		t.Errorf("followed %d links into drill-down pages, want many", checked)
	}
	for target, page := range pages {
		for _, input := range []string{"employee_satisfaction", "qa_score", "review_360"} {
			if strings.Contains(page, `data-col="`+input+`"`) {
				t.Errorf("%s has a column for %s, a metric from an input file", target, input)
			}
		}
		// The demo site is in Chinese at its root: so are the reasons
		// it shows there (site/en/ is the English site).
		if strings.Contains(filepath.ToSlash(target), "/site/en/") {
			continue
		}
		for _, english := range []string{"open at the end of", "never open", "not counted as a complaint", "excluded by appeal", "no survey answer", "not resolved"} {
			if strings.Contains(page, english) {
				t.Errorf("%s shows the English reason %q", target, english)
			}
		}
	}
}
