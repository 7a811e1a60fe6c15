package github

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/kpidesk/kpidesk/connectors"
	"github.com/kpidesk/kpidesk/connectors/store"
)

// waits records OnWait calls.
type waits struct {
	mu  sync.Mutex
	got []string
	ds  []time.Duration
}

func (w *waits) on(reason string, d time.Duration) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.got = append(w.got, reason)
	w.ds = append(w.ds, d)
}

// TestFaults injects one fault into the timeline request of the fifth
// issue in update order (the first of page 2; pages and batches hold
// four): each ends in a complete sync, or in a clear one-line error with
// the store holding exactly batch 1, after which a sync against a healthy
// server completes.
func TestFaults(t *testing.T) {
	cut := func(w http.ResponseWriter, r *http.Request) {
		conn, buf, err := w.(http.Hijacker).Hijack()
		if err != nil {
			panic(err)
		}
		buf.WriteString("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 4000\r\n\r\n[{\"event\":\"comm")
		buf.Flush()
		conn.Close()
	}
	status := func(code int, headers map[string]string, body string) func(w http.ResponseWriter, r *http.Request) {
		return func(w http.ResponseWriter, r *http.Request) {
			for k, v := range headers {
				w.Header().Set(k, v)
			}
			w.WriteHeader(code)
			fmt.Fprint(w, body)
		}
	}
	recorded := func(name string, extra map[string]string) func(w http.ResponseWriter, r *http.Request) {
		return func(w http.ResponseWriter, r *http.Request) {
			for k, v := range extra {
				w.Header().Set(k, v)
			}
			writeFixture(w, name)
		}
	}
	reset := func(d time.Duration) string { return strconv.FormatInt(time.Now().Add(d).Unix(), 10) }
	tests := []struct {
		name     string
		fault    func(w http.ResponseWriter, r *http.Request)
		times    int // -1: until healed
		wantErr  string
		errIs    error
		wantWait string        // substring of an OnWait reason
		minWait  time.Duration // the shortest wait reported
	}{
		{name: "primary rate limit, recorded 403, short reset", times: 1,
			fault:    recorded("error-403-rate-limit", map[string]string{"X-RateLimit-Reset": reset(30 * time.Second)}),
			wantWait: "primary rate limit spent (HTTP 403, X-RateLimit-Remaining: 0) on GET " + apiPath, minWait: 25 * time.Second},
		{name: "primary rate limit beyond max_wait stops", times: -1,
			fault:   recorded("error-403-rate-limit", map[string]string{"X-RateLimit-Reset": reset(2 * time.Hour)}),
			wantErr: "github: stopped: GitHub primary rate limit spent", errIs: ErrRateLimited},
		{name: "primary rate limit 429", times: 1,
			fault:    status(429, map[string]string{"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": reset(10 * time.Second)}, `{"message":"API rate limit exceeded"}`),
			wantWait: "primary rate limit spent (HTTP 429", minWait: 5 * time.Second},
		{name: "secondary rate limit with Retry-After", times: 1,
			fault:    status(403, map[string]string{"Retry-After": "7"}, `{"message":"You have exceeded a secondary rate limit. Please wait a few minutes before you try again.","documentation_url":"https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits"}`),
			wantWait: "secondary rate limit (HTTP 403, Retry-After: 7)", minWait: 7 * time.Second},
		{name: "secondary rate limit by message only", times: 1,
			fault:    status(403, nil, `{"message":"You have exceeded a secondary rate limit. Please wait a few minutes before you try again."}`),
			wantWait: "waiting at least a minute", minWait: time.Minute},
		{name: "429 with Retry-After", times: 1,
			fault:    status(429, map[string]string{"Retry-After": "3"}, `{"message":"slow down"}`),
			wantWait: "Retry-After: 3", minWait: 3 * time.Second},
		{name: "5xx twice", times: 2, fault: status(502, nil, "<html>bad gateway</html>"), wantWait: "GitHub answered HTTP 502"},
		{name: "connection cut mid-body", times: 1, fault: cut, wantWait: "response cut off"},
		{name: "401 recorded", times: -1, fault: recorded("error-401-bad-credentials", nil),
			wantErr: `401 Unauthorized: the token in GITHUB_TOKEN was refused`, errIs: connectors.ErrUnauthorized},
		{name: "404 recorded", times: -1, fault: recorded("error-404-not-found", nil),
			wantErr: `404 Not Found: no such repository or organization, or the token in GITHUB_TOKEN cannot see it`},
		{name: "422 recorded", times: -1, fault: recorded("error-422-validation", nil),
			wantErr: `422 Unprocessable Entity: GitHub refused the request as invalid (GitHub says "Validation Failed": Label.color: invalid)`},
		{name: "malformed body", times: -1, fault: status(200, nil, `{"not":"a list"`), wantErr: "malformed JSON response"},
		{name: "5xx beyond retries", times: -1, fault: status(503, nil, ""), wantErr: "gave up after 6 attempts"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			f := newFakeGH(t)
			issues := genIssues(5, 12)
			f.addRepo("acme/support", issues...)
			order := slices.Clone(issues)
			slices.SortFunc(order, func(a, b *fakeIssue) int { return a.updated.Compare(b.updated) })
			target := fmt.Sprintf("/issues/%d/timeline", order[4].number)
			var (
				mu     sync.Mutex
				left   = tc.times
				healed bool
				hits   int
			)
			f.inject = func(w http.ResponseWriter, r *http.Request) bool {
				if !strings.HasSuffix(r.URL.Path, target) {
					return false
				}
				mu.Lock()
				hits++
				fire := !healed && left != 0
				if left > 0 {
					left--
				}
				mu.Unlock()
				if fire {
					tc.fault(w, r)
				}
				return fire
			}
			w := &waits{}
			newSrc := func() *Source {
				return testSource(t, f, []string{"acme/support"}, func(c *SourceConfig) {
					c.PerPage, c.BatchSize = 4, 4
					c.Client.OnWait = w.on
					c.Client.Concurrency = 1 // issues of a page in order, so batch 1 is the first four
				})
			}
			src := newSrc()
			st, err := store.Open(ctx, filepath.Join(t.TempDir(), "kpidesk.db"))
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			var all []string
			for _, fi := range order {
				all = append(all, "gh:acme/support#"+strconv.Itoa(fi.number))
			}
			slices.Sort(all)

			err = st.Sync(ctx, src, nil)
			if hits == 0 {
				t.Fatal("the faulty request was never made")
			}
			if tc.wantWait != "" {
				w.mu.Lock()
				found := slices.ContainsFunc(w.got, func(s string) bool {
					return strings.Contains(s, tc.wantWait) && strings.Contains(s, "waiting until 20")
				})
				if !found {
					t.Errorf("OnWait reasons %q, want one with %q saying until when", w.got, tc.wantWait)
				}
				if tc.minWait > 0 && (len(w.ds) == 0 || slices.Max(w.ds) < tc.minWait) {
					t.Errorf("OnWait durations %v, want one of at least %v", w.ds, tc.minWait)
				}
				w.mu.Unlock()
			}
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("Sync = %v, want it to recover", err)
				}
				if diff := cmp.Diff(all, storedIDs(t, st)); diff != "" {
					t.Errorf("store after a recovered sync (-want +got):\n%s", diff)
				}
				return
			}
			if err == nil {
				t.Fatal("Sync succeeded, want an error")
			}
			msg := err.Error()
			if !strings.Contains(msg, tc.wantErr) {
				t.Errorf("Sync error %q, want it to contain %q", msg, tc.wantErr)
			}
			if strings.ContainsAny(msg, "\r\n") || strings.Contains(msg, testToken) {
				t.Errorf("Sync error %q: want one line without the token", msg)
			}
			if tc.errIs != nil && !errors.Is(err, tc.errIs) {
				t.Errorf("Sync error %q does not match %v", msg, tc.errIs)
			}
			var first []string
			for _, fi := range order[:4] {
				first = append(first, "gh:acme/support#"+strconv.Itoa(fi.number))
			}
			slices.Sort(first)
			if diff := cmp.Diff(first, storedIDs(t, st)); diff != "" {
				t.Errorf("store after a failed sync, want exactly batch 1 (-want +got):\n%s", diff)
			}
			mu.Lock()
			healed = true
			mu.Unlock()
			// The next sync is a new process, as kpidesk sync is.
			if err := st.Sync(ctx, newSrc(), nil); err != nil {
				t.Fatalf("resumed Sync: %v", err)
			}
			if diff := cmp.Diff(all, storedIDs(t, st)); diff != "" {
				t.Errorf("store after the resumed sync (-want +got):\n%s", diff)
			}
		})
	}
}

func storedIDs(t *testing.T, st *store.Store) []string {
	t.Helper()
	var ids []string
	err := st.Each(context.Background(), store.Query{}, func(c *connectors.Complaint) error {
		ids = append(ids, c.ID)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(ids)
	return ids
}

// TestFullSyncMarksGone: `sync --full` (store.SyncFull) reads everything
// again and marks the issues the repository no longer lists (deleted or
// transferred away) as missing.
func TestFullSyncMarksGone(t *testing.T) {
	ctx := context.Background()
	f := newFakeGH(t)
	issues := genIssues(15, 10)
	repo := f.addRepo("acme/support", issues...)
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "kpidesk.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.Sync(ctx, testSource(t, f, []string{"acme/support"}), nil); err != nil {
		t.Fatal(err)
	}
	f.mu.Lock()
	repo.issues = slices.DeleteFunc(repo.issues, func(fi *fakeIssue) bool { return fi.number == 4 })
	f.mu.Unlock()
	missing, err := st.SyncFull(ctx, testSource(t, f, []string{"acme/support"}), nil)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"gh:acme/support#4"}, missing); diff != "" {
		t.Errorf("missing (-want +got):\n%s", diff)
	}
}
