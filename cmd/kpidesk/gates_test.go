package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestQualityGates scores the demo with gates added to its config: a gate
// that fails makes score and build exit with status 3 after writing every
// output, says which gate and why on stderr, and shows in summary.md;
// gates that pass exit 0.
func TestQualityGates(t *testing.T) {
	dir := runDemo(t, "2000")
	base, err := os.ReadFile(filepath.Join(dir, "kpidesk.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	write := func(name, gates string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, append(append([]byte{}, base...), []byte("\n"+gates)...), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	failing := write("failing.yaml", `gates:
  - {name: impossible, metric: final, min: 100.5}
  - {name: lenient, unit: teams, metric: response_rate, min: 1%}
`)
	passing := write("passing.yaml", `gates:
  - {metric: final, min: 1}
  - {unit: agents, metric: first_response_time, max: 2400h}
`)
	store := filepath.Join(dir, "kpidesk.db")

	for _, cmd := range [][]string{
		{"score", "--out", filepath.Join(dir, "g1")},
		{"build", "--out", filepath.Join(dir, "g1site"), "--scores", filepath.Join(dir, "g1b")},
	} {
		var out, errb bytes.Buffer
		code := run(context.Background(), append(cmd, "--config", failing, "--store", store, "-q"), &out, &errb)
		if code != exitGate {
			t.Fatalf("%s with a failing gate exited %d, want %d; stderr:\n%s", cmd[0], code, exitGate, errb.String())
		}
		if !strings.Contains(errb.String(), `kpidesk: quality gate "impossible" failed: org final 2026-06: `) ||
			!strings.Contains(errb.String(), "below min 100.5") || strings.Contains(errb.String(), "lenient") {
			t.Errorf("%s stderr:\n%s", cmd[0], errb.String())
		}
	}
	for _, f := range []string{"g1/scores.json", "g1/evidence.jsonl", "g1/summary.md", "g1site/index.html", "g1b/summary.md"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("a failed gate left %s unwritten: %v", f, err)
		}
	}
	summary, err := os.ReadFile(filepath.Join(dir, "g1", "summary.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"**❌ 1 项质量门槛未通过**", "| impossible | ", "| ❌ 未通过 |\n", "| lenient | ", "| ✅ 通过 |\n"} {
		if !strings.Contains(string(summary), want) {
			t.Errorf("summary.md lacks %q:\n%s", want, summary)
		}
	}

	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"score", "--config", passing, "--store", store, "--out", filepath.Join(dir, "g2"), "-q"}, &out, &errb); code != exitOK {
		t.Errorf("score with passing gates exited %d: %s", code, errb.String())
	}
}
