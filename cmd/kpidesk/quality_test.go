package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kpidesk/kpidesk/connectors/store"
)

// storeProblems reads the problems of the store at path as "WHERE FIELD:
// REASON" lines.
func storeProblems(t *testing.T, path string) []string {
	t.Helper()
	st, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ps, err := st.Problems(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, p := range ps {
		out = append(out, p.Where+" "+p.Field+": "+p.Reason)
	}
	return out
}

func kpidesk(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var o, e bytes.Buffer
	code = run(context.Background(), args, &o, &e)
	return code, o.String(), e.String()
}

// TestSyncProblemsOnce syncs a Jira issue with an unmapped priority and a
// reply 5 s before its creation three times: each problem is listed once.
// Once the issue is fixed in Jira, the next sync removes its problems; a
// reply 2 h before creation is beyond the clock-skew tolerance, and the
// issue is skipped and listed, as an import refuses the line.
func TestSyncProblemsOnce(t *testing.T) {
	var state atomic.Int32 // 0: problems, 1: fixed, 2: beyond the tolerance
	h := &hostile{t: t, deployment: "datacenter"}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != h.searchPath() {
			http.NotFound(w, r)
			return
		}
		h.page(w, func(issue, fields map[string]any) {
			reply := map[string]any{"2": "2026-03-02T09:59:55.000+0000", "1": "2026-03-02T11:00:00.000+0000", "0": "2026-03-02T09:59:55.000+0000"}
			s := state.Load()
			switch s {
			case 0:
				fields["priority"] = map[string]any{"name": "Sev 0"}
			case 2:
				reply["2"] = "2026-03-02T08:00:00.000+0000"
			}
			c := fields["comment"].(map[string]any)["comments"].([]any)[0].(map[string]any)
			c["created"] = reply[string(rune('0'+s))]
		})
	}))
	defer srv.Close()
	dir := t.TempDir()
	cfg := filepath.Join(dir, "kpidesk.yaml")
	yaml := `version: 1
sources:
  - {name: jira, type: jira, base_url: "` + srv.URL + `", deployment: datacenter, token_env: KPIDESK_QUALITY_TOKEN, projects: [SD]}
`
	if err := os.WriteFile(cfg, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("KPIDESK_QUALITY_TOKEN", "quality-token")
	db := filepath.Join(dir, "s.db")
	sync := func(args ...string) {
		t.Helper()
		if code, _, stderr := kpidesk(t, append([]string{"sync", "-q", "--config", cfg, "--store", db}, args...)...); code != 0 {
			t.Fatalf("kpidesk sync %v exited %d: %s", args, code, stderr)
		}
	}

	for range 3 {
		sync()
	}
	// Each sync says in one line what is left, even with -q.
	if _, _, stderr := kpidesk(t, "sync", "-q", "--config", cfg, "--store", db); !strings.Contains(stderr,
		"sync jira: 2 data-quality problems left (first_response_at 1, priority 1): values it could not map or records it skipped, listed on the site's data-quality page") {
		t.Errorf("sync -q said %q, want the one-line summary of the problems", stderr)
	}
	sync("--full")
	want := []string{
		`SD-1 first_response_at: clock skew: first response 2026-03-02T09:59:55Z is 5s before created_at 2026-03-02T10:00:00Z; its duration counts 0`,
		`SD-1 priority: unmapped value "Sev 0"`,
	}
	if diff := cmp.Diff(want, storeProblems(t, db)); diff != "" {
		t.Errorf("problems after four syncs (-want +got):\n%s", diff)
	}

	state.Store(1)
	sync()
	if got := storeProblems(t, db); len(got) != 0 {
		t.Errorf("problems after the issue was fixed = %q, want none", got)
	}

	state.Store(2)
	sync()
	want = []string{`SD-1 (issue): skipped: jira: SD-1: first_response_at: first response 2026-03-02T08:00:00Z is 2h0m0s before created_at 2026-03-02T10:00:00Z: more than the clock-skew tolerance of 1h0m0s`}
	if diff := cmp.Diff(want, storeProblems(t, db)); diff != "" {
		t.Errorf("problems with a reply 2 h before creation (-want +got):\n%s", diff)
	}
}

// TestImportClockSkew imports a reply 5 s before creation (SPEC §13.12):
// the complaint is kept, its first response time counts 0 and the skew is
// listed once however often the file is imported. A reply 2 h before
// creation is a bad line, reported as FILE:LINE; a smaller tolerance in
// the config refuses a smaller skew.
func TestImportClockSkew(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string { return writeTestFile(t, dir, name, text) }
	cfg := write("kpidesk.yaml", `version: 1
calendars: {c: {timezone: UTC, always: true}}
calendar: c
teams: [{id: t, calendar: c}]
periods: [month]
metrics: {min_sample: 1}
scorecards:
  - id: s
    units: [team]
    items:
      - {metric: first_response_time, weight: 0.5, rule: {type: linear, target: 1h, floor: 24h}}
      - {metric: response_rate, weight: 0.5, rule: {type: linear, target: 100%, floor: 0%}}
`)
	strict := write("strict.yaml", "version: 1\nimport: {clock_skew: 1s}\n")
	skew := write("skew.jsonl", `{"id":"A-1","created_at":"2026-03-02T10:00:00Z","team":"t","first_response_at":"2026-03-02T11:00:00Z"}
{"id":"A-2","created_at":"2026-03-02T10:00:00Z","team":"t","first_response_at":"2026-03-02T09:59:55Z","events":[{"at":"2026-03-02T09:59:50Z","kind":"status","role":"bot","to":"open"}]}
`)
	far := write("far.jsonl", `{"id":"B-1","created_at":"2026-03-02T10:00:00Z","team":"t","first_response_at":"2026-03-02T08:00:00Z"}
`)
	db := filepath.Join(dir, "s.db")

	for range 3 {
		code, stdout, stderr := kpidesk(t, "import", skew, "--config", cfg, "--store", db)
		if code != 0 || !strings.Contains(stdout, "imported 2, skipped 0") {
			t.Fatalf("kpidesk import %s exited %d: %s%s", skew, code, stdout, stderr)
		}
		if want := "2 times before created_at by at most 1h0m0s (import.clock_skew) kept as clock skew"; !strings.Contains(stderr, want) {
			t.Errorf("import stderr = %q, want %q", stderr, want)
		}
	}
	want := []string{
		skew + ":2 first_response_at: clock skew: first response 2026-03-02T09:59:55Z is 5s before created_at 2026-03-02T10:00:00Z; its duration counts 0",
		skew + ":2 events: clock skew: event status 2026-03-02T09:59:50Z is 10s before created_at 2026-03-02T10:00:00Z; its duration counts 0",
	}
	if diff := cmp.Diff(want, storeProblems(t, db)); diff != "" {
		t.Errorf("problems after three imports (-want +got):\n%s", diff)
	}

	// The first response counts 0: the mean of 1 h and 0 is 30 min.
	out := filepath.Join(dir, "out")
	if code, _, stderr := kpidesk(t, "score", "--config", cfg, "--store", db, "--ids", "--out", out); code != 0 {
		t.Fatalf("kpidesk score exited %d: %s", code, stderr)
	}
	b, err := os.ReadFile(filepath.Join(out, "scores.json"))
	if err != nil {
		t.Fatal(err)
	}
	var scores struct {
		Scorecards []struct {
			Period  string `json:"period"`
			Unit    struct{ Kind, ID string }
			Metrics map[string]struct {
				Value       *float64 `json:"value"`
				Numerator   float64  `json:"numerator"`
				Denominator float64  `json:"denominator"`
				Median      *float64 `json:"median"`
				IDs         []string `json:"ids"`
			} `json:"metrics"`
		} `json:"scorecards"`
	}
	if err := json.Unmarshal(b, &scores); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, sc := range scores.Scorecards {
		if sc.Unit.ID != "t" || sc.Period != "2026-03" {
			continue
		}
		found = true
		frt, rr := sc.Metrics["first_response_time"], sc.Metrics["response_rate"]
		if frt.Value == nil || *frt.Value != 1800 || frt.Median == nil || *frt.Median != 1800 || len(frt.IDs) != 2 {
			t.Errorf("first_response_time = %+v, want value and median 1800 s over 2 complaints", frt)
		}
		if rr.Value == nil || *rr.Value != 1 || rr.Denominator != 2 {
			t.Errorf("response_rate = %+v, want 2 of 2", rr)
		}
	}
	if !found {
		t.Fatalf("scores.json has no scorecard of team t in 2026-03:\n%s", b)
	}

	// 2 h before creation is a bad line: nothing is imported.
	code, _, stderr := kpidesk(t, "import", far, "--config", cfg, "--store", db)
	wantErr := far + ":1: first_response_at: first response 2026-03-02T08:00:00Z is 2h0m0s before created_at 2026-03-02T10:00:00Z: more than the clock-skew tolerance of 1h0m0s"
	if code != 1 || !strings.Contains(stderr, wantErr) {
		t.Errorf("kpidesk import %s exited %d with %q, want 1 with %q", far, code, stderr, wantErr)
	}
	// A config that tolerates 1 s refuses 5 s.
	code, _, stderr = kpidesk(t, "import", skew, "--config", strict, "--store", db)
	if wantErr := skew + ":2: first_response_at: first response 2026-03-02T09:59:55Z is 5s before created_at 2026-03-02T10:00:00Z: more than the clock-skew tolerance of 1s"; code != 1 || !strings.Contains(stderr, wantErr) {
		t.Errorf("kpidesk import with clock_skew 1s exited %d with %q, want 1 with %q", code, stderr, wantErr)
	}
	if diff := cmp.Diff(want, storeProblems(t, db)); diff != "" {
		t.Errorf("problems after the refused imports (-want +got):\n%s", diff)
	}

	// Fixed in the source and imported again, the file has no problem left.
	write("skew.jsonl", `{"id":"A-1","created_at":"2026-03-02T10:00:00Z","team":"t","first_response_at":"2026-03-02T11:00:00Z"}
{"id":"A-2","created_at":"2026-03-02T10:00:00Z","team":"t","first_response_at":"2026-03-02T10:00:05Z"}
`)
	if code, _, stderr := kpidesk(t, "import", skew, "--config", cfg, "--store", db); code != 0 {
		t.Fatalf("kpidesk import of the fixed file exited %d: %s", code, stderr)
	}
	if got := storeProblems(t, db); len(got) != 0 {
		t.Errorf("problems after importing the fixed file = %q, want none", got)
	}
}

// TestImportYearWithoutHolidays scores complaints of December 2026 and
// January 2027 on the cn schedule (2024–2026) in two teams: 2027 is warned
// about once on stderr, not per complaint or team, and is listed on the
// data-quality page; once the config adds a 2027 holiday, neither.
func TestImportYearWithoutHolidays(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string { return writeTestFile(t, dir, name, text) }
	config := func(extra string) string {
		return `version: 1
calendar: office
calendars:
  office: {timezone: Asia/Shanghai, holidays: cn, hours: {mon-fri: ["09:00-18:00"]}` + extra + `}
  plain: {timezone: UTC, hours: {mon-fri: ["09:00-18:00"]}}
teams: [{id: a}, {id: b, calendar: office}, {id: c, calendar: plain}]
periods: [month, year]
metrics: {min_sample: 1}
scorecards:
  - id: s
    units: [team]
    items: [{metric: response_rate, weight: 1, rule: {type: linear, target: 100%, floor: 0%}}]
`
	}
	cfg := write("kpidesk.yaml", config(""))
	data := write("y.jsonl", `{"id":"1","created_at":"2026-12-30T02:00:00Z","team":"a","first_response_at":"2026-12-30T03:00:00Z"}
{"id":"2","created_at":"2027-01-04T02:00:00Z","team":"a","first_response_at":"2027-01-04T03:00:00Z"}
{"id":"3","created_at":"2027-01-05T02:00:00Z","team":"b","first_response_at":"2027-01-05T03:00:00Z"}
{"id":"4","created_at":"2027-01-06T02:00:00Z","team":"c","first_response_at":"2027-01-06T03:00:00Z"}
`)
	db := filepath.Join(dir, "s.db")
	if code, _, stderr := kpidesk(t, "import", data, "-q", "--config", cfg, "--store", db); code != 0 {
		t.Fatalf("kpidesk import exited %d: %s", code, stderr)
	}
	const warning = "warning: calendar office has no holiday data for 2027 (it has 2024–2026)"
	site := filepath.Join(dir, "site")
	code, _, stderr := kpidesk(t, "build", "-q", "--config", cfg, "--store", db, "--out", site, "--scores", filepath.Join(dir, "scores"))
	if code != 0 {
		t.Fatalf("kpidesk build exited %d: %s", code, stderr)
	}
	if n := strings.Count(stderr, "warning: calendar"); n != 1 || !strings.Contains(stderr, warning) {
		t.Errorf("build stderr has %d calendar warnings, want one %q:\n%s", n, warning, stderr)
	}
	quality := func() string {
		t.Helper()
		b, err := os.ReadFile(filepath.Join(site, "quality.html"))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	const row = "no holiday data for 2027 (it has 2024–2026)"
	if page := quality(); !strings.Contains(page, row) || !strings.Contains(page, "calendars.office") {
		t.Errorf("quality.html does not list %q for calendars.office", row)
	}

	// The 2027 notice is published: its New Year's Day is added.
	write("kpidesk.yaml", config(", add_holidays: [2027-01-01]"))
	code, _, stderr = kpidesk(t, "build", "-q", "--config", cfg, "--store", db, "--out", site, "--scores", filepath.Join(dir, "scores"))
	if code != 0 || strings.Contains(stderr, "warning: calendar") {
		t.Errorf("build with 2027's holidays exited %d, stderr %q; want 0 without a calendar warning", code, stderr)
	}
	if strings.Contains(quality(), row) {
		t.Errorf("quality.html still lists %q with 2027's holidays in the config", row)
	}
}

// writeTestFile writes text to dir/name and returns the path.
func writeTestFile(t *testing.T, dir, name, text string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}
