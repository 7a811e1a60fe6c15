package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kpidesk/kpidesk/connectors"
	"github.com/kpidesk/kpidesk/connectors/store"
	"github.com/kpidesk/kpidesk/internal/problem"
)

// fakeSettings is the config section of the "fake" source type, which
// exists only in this test file: a source is one registration away.
type fakeSettings struct {
	Count    int    `yaml:"count"`
	TokenEnv string `yaml:"token_env"`
}

// fakeSource emits Count complaints in one batch, and reports one problem
// that echoes its token, which the sync must scrub.
type fakeSource struct {
	name  string
	count int
	token string
}

func (s *fakeSource) Name() string { return s.name }

func (s *fakeSource) Fetch(ctx context.Context, cursor string, emit func(connectors.Batch) error) error {
	var b connectors.Batch
	start := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	for i := range s.count {
		key := fmt.Sprintf("F-%d", i+1)
		b.Complaints = append(b.Complaints, connectors.Complaint{ID: s.name + ":" + key, Source: s.name, Key: key, CreatedAt: start.Add(time.Duration(i) * time.Hour)})
	}
	b.Cursor, b.AsOf, b.Done = "done", start.AddDate(0, 1, 0), s.count
	return emit(b)
}

func (s *fakeSource) Problems() []connectors.Problem {
	return []connectors.Problem{{Where: "F-1", Field: "priority", Reason: fmt.Sprintf("unmapped value %q", "P0 "+s.token)}}
}

func init() {
	connectors.Register(connectors.SourceType[fakeSettings]{
		Name: "fake",
		Check: func(s *fakeSettings, sec connectors.Section) problem.List {
			if s.Count <= 0 {
				return problem.List{sec.Problem("count", "count must be positive")}
			}
			return nil
		},
		New: func(s *fakeSettings, env connectors.Env) (connectors.Source, []string, error) {
			token := env.Lookup(s.TokenEnv)
			if token == "" {
				return nil, nil, fmt.Errorf("source %s: %s is not set", env.Name, s.TokenEnv)
			}
			return &fakeSource{name: env.Name, count: s.Count, token: token}, []string{token}, nil
		},
	})
}

// TestRegisteredSource: a source type registered in a test file only is
// checked by `config check` with positions, built by `sync` with its secret
// from the environment, synced into the store, and its problems reach the
// data-quality page scrubbed.
func TestRegisteredSource(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string { return writeTestFile(t, dir, name, text) }
	const scorecards = `scorecards:
  - id: s
    items: [{metric: response_rate, weight: 1, rule: {type: linear, target: 100%, floor: 0%}}]
`
	bad := write("bad.yaml", `version: 1
sources:
  - name: f
    type: fake
    count: 0
    colour: blue
`+scorecards)
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"config", "check", "--config", bad}, &stdout, &stderr); code == 0 {
		t.Fatalf("config check of %s exited 0: %s", bad, stdout.String())
	}
	if want := bad + ":6: colour: unknown field in source"; !strings.Contains(stderr.String(), want) {
		t.Errorf("config check stderr = %q, want %q", stderr.String(), want)
	}
	unchecked := write("unchecked.yaml", strings.Replace(readFile(t, bad), "    colour: blue\n", "", 1))
	stdout.Reset()
	stderr.Reset()
	run(context.Background(), []string{"config", "check", "--config", unchecked}, &stdout, &stderr)
	if want := unchecked + ":5: sources[0].count: count must be positive"; !strings.Contains(stderr.String(), want) {
		t.Errorf("config check stderr = %q, want %q", stderr.String(), want)
	}

	good := write("good.yaml", `version: 1
sources:
  - {name: f, type: fake, count: 3, token_env: KPIDESK_FAKE_TOKEN}
`+scorecards)
	t.Setenv("KPIDESK_FAKE_TOKEN", "fake-secret-token")
	db := filepath.Join(dir, "s.db")
	stdout.Reset()
	stderr.Reset()
	if code := run(context.Background(), []string{"sync", "-q", "--config", good, "--store", db}, &stdout, &stderr); code != 0 {
		t.Fatalf("sync exited %d: %s", code, stderr.String())
	}
	if want := db + ": 3 complaints"; !strings.Contains(stdout.String(), want) {
		t.Errorf("sync stdout = %q, want %q", stdout.String(), want)
	}
	st, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ps, err := st.Problems(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) != 1 || ps[0].Source != "f" || ps[0].Where != "F-1" || ps[0].Field != "priority" ||
		strings.Contains(ps[0].Reason, "fake-secret-token") || !strings.Contains(ps[0].Reason, connectors.Redacted) {
		t.Errorf("problems = %+v, want one of F-1 priority with the token scrubbed", ps)
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
