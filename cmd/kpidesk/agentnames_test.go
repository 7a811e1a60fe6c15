package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kpidesk/kpidesk/scoring"
)

// TestAgentDisplayNames: an agent the config does not name is shown by the
// display name its source gave (assignee_name, Jira's displayName), the
// latest one; one the config names keeps the config's name.
func TestAgentDisplayNames(t *testing.T) {
	dir := t.TempDir()
	var lines []string
	for i, a := range []struct{ id, name, day string }{
		{"acc-9", "Zhao Lei (old)", "02"}, {"acc-9", "Zhao Lei", "03"}, {"acc-9", "", "04"},
		{"acc-7", "Account Seven", "05"}, {"acc-7", "Account Seven", "06"},
	} {
		lines = append(lines, `{"id":"T-`+string(rune('1'+i))+`","created_at":"2026-03-`+a.day+`T09:00:00Z","assignee":"`+a.id+`","assignee_name":"`+a.name+`","first_response_at":"2026-03-`+a.day+`T09:30:00Z"}`)
	}
	data := writeTestFile(t, dir, "c.jsonl", strings.Join(lines, "\n")+"\n")
	cfg := writeTestFile(t, dir, "kpidesk.yaml", "version: 1\nagents:\n  - {id: acc-7, name: 小七}\nscorecards:\n  - id: s\n    units: [agent]\n    items:\n      - {metric: response_rate, weight: 1, rule: {type: linear, target: 95%, floor: 50%}}\n")
	db := filepath.Join(dir, "s.db")
	if code, _, stderr := kpidesk(t, "import", "--config", cfg, "--store", db, data); code != 0 {
		t.Fatalf("import: exit %d: %s", code, stderr)
	}
	out := filepath.Join(dir, "out")
	if code, _, stderr := kpidesk(t, "score", "-q", "--config", cfg, "--store", db, "--out", out); code != 0 {
		t.Fatalf("score: exit %d: %s", code, stderr)
	}
	f, err := os.Open(filepath.Join(out, "scores.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s, err := scoring.ReadJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]string{}
	for _, sc := range s.Scorecards {
		if sc.Unit.Kind == scoring.UnitAgent {
			names[sc.Unit.ID] = sc.Unit.Name
		}
	}
	if names["acc-9"] != "Zhao Lei" || names["acc-7"] != "小七" {
		t.Errorf("agent names = %v, want acc-9 Zhao Lei (the latest the source gave) and acc-7 小七 (the config's)", names)
	}
}
