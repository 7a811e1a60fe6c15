package jira

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

const (
	testEmail = "agent@example.com"
	testToken = "s3cr3t-T0KEN-value"
	testUA    = "kpidesk/test"
	basePath  = "/jira" // a context path catches absolute-path bugs
)

// fake is a loopback Jira whose handlers must each be hit at least once.
type fake struct {
	t    *testing.T
	mux  *http.ServeMux
	srv  *httptest.Server
	mu   sync.Mutex
	hits map[string]int
}

func newFake(t *testing.T) *fake {
	t.Helper()
	f := &fake{t: t, mux: http.NewServeMux(), hits: map[string]int{}}
	f.srv = httptest.NewServer(f.mux)
	t.Cleanup(func() {
		f.srv.Close()
		f.mu.Lock()
		defer f.mu.Unlock()
		for p, n := range f.hits {
			if n == 0 {
				t.Errorf("handler %q was never requested", p)
			}
		}
	})
	return f
}

// handle registers h for pattern ("METHOD /path", path below basePath).
func (f *fake) handle(method, path string, h http.HandlerFunc) {
	pattern := method + " " + basePath + path
	f.mu.Lock()
	f.hits[pattern] = 0
	f.mu.Unlock()
	f.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		f.hits[pattern]++
		f.mu.Unlock()
		h(w, r)
	})
}

func (f *fake) count(method, path string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.hits[method+" "+basePath+path]
}

// sleeps records the waits a client asked for instead of waiting.
type sleeps struct {
	mu sync.Mutex
	d  []time.Duration
}

func (s *sleeps) sleep(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.d = append(s.d, d)
}

func (s *sleeps) got() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.d...)
}

// newTestClient returns a client for f with a recorded Sleep; edit adjusts
// the config first.
func newTestClient(t *testing.T, f *fake, deployment string, edit func(*Config)) (*Client, *sleeps) {
	t.Helper()
	s := &sleeps{}
	cfg := Config{
		BaseURL:    f.srv.URL + basePath,
		Deployment: deployment,
		Token:      testToken,
		Timeout:    5 * time.Second,
		UserAgent:  testUA,
		Sleep:      s.sleep,
	}
	if deployment == Cloud {
		cfg.Email = testEmail
	}
	if edit != nil {
		edit(&cfg)
	}
	c, err := NewClient(cfg)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	return c, s
}

func readFixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// fixtureObject decodes a testdata JSON object into a map for editing.
func fixtureObject(t *testing.T, name string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(readFixture(t, name), &m); err != nil {
		t.Fatalf("decode %s: %v", name, err)
	}
	return m
}

func writeJSON(t *testing.T, w http.ResponseWriter, status int, v any) {
	t.Helper()
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	if err := json.NewEncoder(w).Encode(v); err != nil {
		t.Errorf("encode response: %v", err)
	}
}

// keys returns the "key" of each raw issue, or the "id" where there is none.
func keys(t *testing.T, raws []json.RawMessage) []string {
	t.Helper()
	var out []string
	for _, r := range raws {
		var v struct{ Key, ID string }
		if err := json.Unmarshal(r, &v); err != nil {
			t.Fatalf("decode item: %v", err)
		}
		if v.Key != "" {
			out = append(out, v.Key)
		} else {
			out = append(out, v.ID)
		}
	}
	return out
}

// clone deep-copies a decoded JSON value.
func clone(t *testing.T, v any) map[string]any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

type jsonRaw = json.RawMessage
