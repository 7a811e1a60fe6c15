package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// smallConfig scores imported complaints: one calendar, one scorecard.
const smallConfig = `version: 1
calendar: office
calendars:
  office:
    timezone: UTC
    hours: {mon-fri: ["09:00-17:00"]}
scorecards:
  - id: sc
    items:
      - {metric: response_rate, weight: 1, rule: {type: linear, target: 100%, floor: 0%}}
`

const csvHeader = "id,created_at,first_response_at,assignee,team,title\n"

// csvLine is a good CSV line for complaint id.
func csvLine(id string) string {
	return id + ",2026-03-02T10:00:00Z,2026-03-02T11:00:00Z,ann,t1,ok\n"
}

// badJSONL is n JSONL lines without an id.
func badJSONL(n int) string {
	return strings.Repeat(`{"created_at":"2026-03-02T10:00:00Z"}`+"\n", n)
}

// TestHostileInputs runs kpidesk on hostile input files and configs: each
// case must fail (or succeed) with a clear, positioned message and leave
// nothing wrong behind. Add a case with one entry: the files to write in a
// fresh working folder, the command line, and what must hold afterwards.
func TestHostileInputs(t *testing.T) {
	huge := strings.Repeat("x", 33<<20) // past the 32 MiB record limit
	tests := []struct {
		name  string
		files map[string]string // written into the working folder first
		stdin string            // standard input, for FILE -
		setup func(t *testing.T, dir string)
		args  []string // run in the working folder
		code  int      // exit status
		// stderr and stdout must contain these (FILE:LINE for problems).
		stderr, stdout string
		then           []string          // run after args, when it succeeds
		absent         []string          // files that must not exist afterwards
		without        map[string]string // file → text that must not appear in it
		asNobody       bool              // as root, run as nobody (permissions)
	}{
		{
			name:   "CSV record past 32 MiB, skipped",
			files:  map[string]string{"big.csv": csvHeader + "A,2026-03-02T10:00:00Z,,ann,t1," + huge + "\n" + csvLine("B")},
			args:   []string{"import", "big.csv", "--skip-invalid"},
			stderr: "big.csv:2: (line): record longer than 32 MiB",
			stdout: "kpidesk.db: imported 1, skipped 1",
		},
		{
			name:   "CSV record past 32 MiB writes nothing",
			files:  map[string]string{"big.csv": csvHeader + csvLine("A") + `B,2026-03-02T10:00:00Z,,ann,t1,"` + huge},
			args:   []string{"import", "big.csv"},
			code:   1,
			stderr: "big.csv:3: (line): record longer than 32 MiB (is a quote left open?)",
			absent: []string{"kpidesk.db", "kpidesk.db-wal"},
		},
		{
			name:   "NaN coefficient",
			files:  map[string]string{"kpidesk.yaml": smallConfig + "departments:\n  - {id: d, coefficient: .NaN}\n"},
			args:   []string{"config", "check"},
			code:   1,
			stderr: "kpidesk.yaml:12: departments[0].coefficient: .NaN is not a finite number",
		},
		{
			name:   "infinite weight in a scorecard",
			files:  map[string]string{"kpidesk.yaml": strings.Replace(smallConfig, "weight: 1,", "weight: -.inf,", 1)},
			args:   []string{"config", "check"},
			code:   1,
			stderr: "kpidesk.yaml:10: scorecards[0].items[0].weight: -.inf is not a finite number",
		},
		{
			name:   "NaN target written as text",
			files:  map[string]string{"kpidesk.yaml": strings.Replace(smallConfig, "target: 100%", "target: NaN", 1)},
			args:   []string{"config", "check"},
			code:   1,
			stderr: `kpidesk.yaml:10: scorecards[0].items[0].rule.target: "NaN" is not a finite number`,
		},
		{
			name:    "1500 bad lines: exact counts, no line-less problem",
			files:   map[string]string{"bad.jsonl": badJSONL(1500) + `{"id":"ok","created_at":"2026-03-02T10:00:00Z"}` + "\n"},
			args:    []string{"import", "bad.jsonl", "--skip-invalid", "-q"},
			stderr:  "skipped 1500 invalid lines with 1500 problems; the first 1000 problems are listed on the data-quality page",
			stdout:  "kpidesk.db: imported 1, skipped 1500",
			without: map[string]string{"stderr": "bad.jsonl: ... and"},
		},
		{
			name:   "unknown extension asks for --format",
			files:  map[string]string{"export.txt": csvHeader + csvLine("A")},
			args:   []string{"import", "export.txt"},
			code:   2,
			stderr: "give --format jsonl or --format csv",
			absent: []string{"kpidesk.db"},
		},
		{
			name:   "--format csv",
			files:  map[string]string{"export.txt": csvHeader + csvLine("A")},
			args:   []string{"import", "export.txt", "--format", "csv"},
			stdout: "kpidesk.db: imported 1, skipped 0",
		},
		{
			name:   "standard input needs --format",
			args:   []string{"import", "-"},
			code:   2,
			stderr: "reading standard input needs --format jsonl or --format csv",
			absent: []string{"kpidesk.db"},
		},
		{
			name:   "standard input",
			stdin:  `{"id":"A","created_at":"2026-03-02T10:00:00Z"}` + "\n" + `{"id":"B"}` + "\n",
			args:   []string{"import", "-", "--format", "jsonl"},
			code:   1,
			stderr: "stdin:2: created_at: required",
			absent: []string{"kpidesk.db"},
		},
		{
			name:   "NUL in a complaint id",
			files:  map[string]string{"nul.csv": csvHeader + csvLine("A\x00B")},
			args:   []string{"import", "nul.csv"},
			code:   1,
			stderr: "nul.csv:2: id: control character U+0000 at byte 2: not allowed in an identifier",
			absent: []string{"kpidesk.db"},
		},
		{
			name:   "NUL in an agent id is skipped and never reaches scores.csv",
			files:  map[string]string{"kpidesk.yaml": smallConfig, "nul.csv": csvHeader + csvLine("A") + strings.Replace(csvLine("B"), "ann", "an\x00n", 1)},
			args:   []string{"import", "nul.csv", "--skip-invalid"},
			stderr: "nul.csv:3: assignee: control character U+0000 at byte 3",
			then:   []string{"score", "--out", "out", "-q"},
			without: map[string]string{
				"out/scores.csv": "\x00",
			},
		},
		{
			name:   "control characters in a title are removed",
			files:  map[string]string{"t.jsonl": `{"id":"A","created_at":"2026-03-02T10:00:00Z","title":"a\u0000b\u001b[31m\tc"}` + "\n"},
			args:   []string{"import", "t.jsonl"},
			stdout: "imported 1, skipped 0",
		},
		{
			name:   "NUL in a config team id",
			files:  map[string]string{"kpidesk.yaml": smallConfig + "teams:\n  - {id: \"t\\0\"}\n"},
			args:   []string{"config", "check"},
			code:   1,
			stderr: "kpidesk.yaml:12: teams[0].id: control character U+0000 at byte 2",
		},
		{
			name:  "store in a read-only folder",
			files: map[string]string{"a.jsonl": `{"id":"A","created_at":"2026-03-02T10:00:00Z"}` + "\n"},
			setup: func(t *testing.T, dir string) {
				ro := filepath.Join(dir, "ro")
				if code := run(context.Background(), []string{"import", filepath.Join(dir, "a.jsonl"), "--store", filepath.Join(ro, "k.db"), "-q"}, io.Discard, io.Discard); code != 0 {
					t.Fatalf("import exited %d", code)
				}
				if err := os.Chmod(ro, 0o555); err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { os.Chmod(ro, 0o755) })
			},
			args:     []string{"score", "--store", "ro/k.db", "--out", "out", "-q"},
			code:     1,
			stderr:   "store ro/k.db: cannot write in folder ro (permission denied): kpidesk needs to, even to read the store, because SQLite keeps the store's write-ahead log (k.db-wal, k.db-shm) beside it",
			asNobody: true,
		},
		{
			name:   "sync without kpidesk.yaml says the demo config is in use",
			args:   []string{"sync", "--store", "nowhere/k.db", "-q", "--config", ""},
			setup:  func(t *testing.T, dir string) { os.WriteFile(filepath.Join(dir, "nowhere"), nil, 0o644) }, // the store cannot be created
			code:   1,
			stderr: "kpidesk: no kpidesk.yaml here and no --config: syncing the built-in demo config (run kpidesk init to write your own)",
		},
		{
			name:   "sync with no sources creates no store",
			files:  map[string]string{"kpidesk.yaml": smallConfig},
			args:   []string{"sync"},
			code:   1,
			stderr: "kpidesk.yaml has no sources",
			absent: []string{"kpidesk.db"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			t.Chdir(dir)
			for name, text := range tc.files {
				if err := os.WriteFile(name, []byte(text), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			if tc.setup != nil {
				tc.setup(t, dir)
			}
			var code int
			var stdout, stderr string
			if tc.asNobody && os.Geteuid() == 0 {
				code, stdout, stderr = runAsNobody(t, dir, tc.args)
			} else {
				code, stdout, stderr = runIn(t, tc.stdin, tc.args)
			}
			if code != tc.code {
				t.Fatalf("kpidesk %s exited %d, want %d\nstderr: %s", strings.Join(tc.args, " "), code, tc.code, short(stderr))
			}
			if !strings.Contains(stderr, tc.stderr) {
				t.Errorf("stderr lacks %q:\n%s", tc.stderr, short(stderr))
			}
			if !strings.Contains(stdout, tc.stdout) {
				t.Errorf("stdout lacks %q:\n%s", tc.stdout, short(stdout))
			}
			if tc.then != nil {
				if code, _, errs := runIn(t, "", tc.then); code != 0 {
					t.Fatalf("kpidesk %s exited %d: %s", strings.Join(tc.then, " "), code, short(errs))
				}
			}
			for _, name := range tc.absent {
				if _, err := os.Stat(name); err == nil {
					t.Errorf("%s exists, want it not created", name)
				}
			}
			for name, text := range tc.without {
				var b []byte
				switch name {
				case "stderr":
					b = []byte(stderr)
				case "stdout":
					b = []byte(stdout)
				default:
					var err error
					if b, err = os.ReadFile(name); err != nil {
						t.Fatal(err)
					}
				}
				if n := bytes.Count(b, []byte(text)); n > 0 {
					t.Errorf("%s has %q %d times, want none", name, text, n)
				}
			}
		})
	}
}

// runIn runs kpidesk in the current folder with stdin as standard input.
func runIn(t *testing.T, stdin string, args []string) (code int, stdout, stderr string) {
	t.Helper()
	in, err := os.CreateTemp(t.TempDir(), "stdin")
	if err != nil {
		t.Fatal(err)
	}
	in.WriteString(stdin)
	in.Seek(0, io.SeekStart)
	defer in.Close()
	saved := os.Stdin
	os.Stdin = in
	defer func() { os.Stdin = saved }()
	var out, errb bytes.Buffer
	code = run(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

// runAsNobody runs kpidesk in dir as the user nobody: root writes anywhere,
// whatever a folder's mode. It runs a copy of this test binary (the one in
// the build cache is private to root), as TestKpideskHelper.
func runAsNobody(t *testing.T, dir string, args []string) (code int, stdout, stderr string) {
	t.Helper()
	bin := filepath.Join(dir, "kpidesk.test")
	self, err := os.ReadFile(os.Args[0])
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bin, self, 0o755); err != nil {
		t.Fatal(err)
	}
	// nobody must reach dir: open the folders above it.
	for d := dir; d != "/" && d != "."; d = filepath.Dir(d) {
		if fi, err := os.Stat(d); err == nil && fi.Mode().Perm()&0o005 != 0o005 {
			os.Chmod(d, fi.Mode().Perm()|0o005)
		}
	}
	cmd := exec.Command(bin, "-test.run=^TestKpideskHelper$")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "KPIDESK_RUN="+strings.Join(args, "\x1f"))
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err = cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode(), out.String(), errb.String()
	} else if err != nil {
		t.Fatalf("run as nobody: %v", err)
	}
	return 0, out.String(), errb.String()
}

// TestKpideskHelper runs kpidesk with the arguments in $KPIDESK_RUN, for
// runAsNobody; without it, it does nothing.
func TestKpideskHelper(t *testing.T) {
	args := os.Getenv("KPIDESK_RUN")
	if args == "" {
		t.Skip("runs only for runAsNobody")
	}
	os.Exit(run(context.Background(), strings.Split(args, "\x1f"), os.Stdout, os.Stderr))
}

// short cuts long output for a failure message.
func short(s string) string {
	if len(s) > 2000 {
		return s[:2000] + fmt.Sprintf("… (%d bytes)", len(s))
	}
	return s
}
