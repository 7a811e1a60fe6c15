package jira

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/kpidesk/kpidesk/connectors"
	"github.com/kpidesk/kpidesk/connectors/store"
)

// faultFake is a jiraFake whose search handler can misbehave on the second
// search page (Cloud token "t2", Data Center startAt 2).
type faultFake struct {
	*jiraFake
	path string // search path below basePath

	mu      sync.Mutex
	inject  func(w http.ResponseWriter, r *http.Request, serve http.HandlerFunc)
	times   int // faults left to inject; negative: always
	page2   int // requests for the second page
	healthy bool
}

func newFaultFake(t *testing.T, deployment string) *faultFake {
	t.Helper()
	jf := &jiraFake{fake: newFake(t), t: t, deployment: deployment, perPage: 2, issues: map[string]*genIssue{}}
	for _, g := range genIssues() {
		jf.issues[g.key] = g
	}
	// Embed SD-3's lists whole: the fault is on the search, not the
	// per-issue endpoints, and the fake fails on an unrequested handler.
	jf.issues["SD-3"].embedHist, jf.issues["SD-3"].embedComm = -1, -1
	ff := &faultFake{jiraFake: jf, path: "/rest/api/2/search"}
	if deployment == Cloud {
		ff.path = "/rest/api/3/search/jql"
	}
	jf.handle("POST", ff.path, ff.serve)
	return ff
}

func (ff *faultFake) serve(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		ff.t.Errorf("read search body: %v", err)
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	var req struct {
		StartAt       int    `json:"startAt"`
		NextPageToken string `json:"nextPageToken"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		ff.t.Errorf("decode search body: %v", err)
	}
	second := req.NextPageToken == "t2" || (ff.deployment == DataCenter && req.StartAt == 2)

	ff.mu.Lock()
	var inject func(http.ResponseWriter, *http.Request, http.HandlerFunc)
	if second {
		ff.page2++
		if !ff.healthy && ff.times != 0 {
			inject = ff.inject
			if ff.times > 0 {
				ff.times--
			}
		}
	}
	ff.mu.Unlock()
	if inject != nil {
		inject(w, r, ff.jiraFake.search)
		return
	}
	ff.jiraFake.search(w, r)
}

func (ff *faultFake) page2Requests() int {
	ff.mu.Lock()
	defer ff.mu.Unlock()
	return ff.page2
}

func (ff *faultFake) heal() {
	ff.mu.Lock()
	defer ff.mu.Unlock()
	ff.healthy = true
}

// cutMidBody serves the real page's headers (with its full Content-Length)
// and half its body, then closes the connection.
func cutMidBody(t *testing.T) func(http.ResponseWriter, *http.Request, http.HandlerFunc) {
	return func(w http.ResponseWriter, r *http.Request, serve http.HandlerFunc) {
		rec := httptest.NewRecorder()
		serve(rec, r)
		full := rec.Body.Bytes()
		conn, buf, err := w.(http.Hijacker).Hijack()
		if err != nil {
			t.Errorf("hijack: %v", err)
			return
		}
		defer conn.Close()
		fmt.Fprintf(buf, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", len(full))
		buf.Write(full[:len(full)/2])
		buf.Flush()
	}
}

// storeState is what a failed sync must leave untouched.
type storeState struct {
	Keys   []string
	Cursor string
	AsOf   time.Time
}

func readState(t *testing.T, st *store.Store) storeState {
	t.Helper()
	ctx := context.Background()
	var s storeState
	err := st.Each(ctx, store.Query{Source: "jsm"}, func(c *connectors.Complaint) error {
		s.Keys = append(s.Keys, c.Key)
		return nil
	})
	if err != nil {
		t.Fatalf("Each: %v", err)
	}
	if n, err := st.Count(ctx); err != nil || n != len(s.Keys) {
		t.Errorf("Count = %d, %v; Each saw %d", n, err, len(s.Keys))
	}
	if s.Cursor, err = st.Cursor(ctx, "jsm"); err != nil {
		t.Fatalf("Cursor: %v", err)
	}
	if s.AsOf, err = st.AsOf(ctx); err != nil {
		t.Fatalf("AsOf: %v", err)
	}
	s.AsOf = s.AsOf.UTC()
	return s
}

// stateAfter is the store after the first n issues (in update order) were
// committed.
func stateAfter(n int) storeState {
	order := inUpdateOrder()
	keys := append([]string(nil), order[:n]...)
	return storeState{Keys: keys, Cursor: updatedOf(order[n-1]).Format(time.RFC3339Nano), AsOf: srcNow}
}

func sortedState(s storeState) storeState {
	s.Keys = append([]string(nil), s.Keys...)
	slices.Sort(s.Keys)
	return s
}

func TestSyncFaults(t *testing.T) {
	const page = 2 // jiraFake's perPage; BatchSize equals it so page 1 commits alone
	all, first := sortedState(stateAfter(7)), sortedState(stateAfter(page))

	type fault struct {
		name       string
		inject     func(t *testing.T) func(http.ResponseWriter, *http.Request, http.HandlerFunc)
		times      int // -1: always
		timeout    time.Duration
		maxRetries int
		wantErr    bool
		errIs      error
		page2      int                            // requests for page 2 expected (0: don't check)
		sleeps     func(d []time.Duration) string // "" if the waits are right
	}
	oneBackoff := func(d []time.Duration) string {
		if len(d) != 1 || d[0] < backoffBase/2 || d[0] > backoffBase {
			return fmt.Sprintf("waits %v, want one default backoff in [%v, %v]", d, backoffBase/2, backoffBase)
		}
		return ""
	}
	faults := []fault{
		{
			name: "429 Retry-After",
			inject: func(t *testing.T) func(http.ResponseWriter, *http.Request, http.HandlerFunc) {
				return func(w http.ResponseWriter, r *http.Request, _ http.HandlerFunc) {
					w.Header().Set("Retry-After", "2")
					writeJSON(t, w, http.StatusTooManyRequests, map[string]any{"errorMessages": []string{"rate limited"}})
				}
			},
			times: 1, page2: 2,
			sleeps: func(d []time.Duration) string {
				if !cmp.Equal(d, []time.Duration{2 * time.Second}) {
					return fmt.Sprintf("waits %v, want [2s] from Retry-After", d)
				}
				return ""
			},
		},
		{
			name: "500 then success",
			inject: func(t *testing.T) func(http.ResponseWriter, *http.Request, http.HandlerFunc) {
				return func(w http.ResponseWriter, r *http.Request, _ http.HandlerFunc) {
					writeJSON(t, w, http.StatusInternalServerError, map[string]any{"errorMessages": []string{"boom"}})
				}
			},
			times: 1, page2: 2, sleeps: oneBackoff,
		},
		{
			name: "connection cut mid-body", inject: cutMidBody,
			times: 1, page2: 2, sleeps: oneBackoff,
		},
		{
			name: "malformed JSON",
			inject: func(t *testing.T) func(http.ResponseWriter, *http.Request, http.HandlerFunc) {
				return func(w http.ResponseWriter, r *http.Request, _ http.HandlerFunc) {
					w.Header().Set("Content-Type", "application/json")
					io.WriteString(w, `{"issues": [{"key": "SD-9", "fields": {`)
				}
			},
			times: -1, wantErr: true,
		},
		{
			name: "401",
			inject: func(t *testing.T) func(http.ResponseWriter, *http.Request, http.HandlerFunc) {
				return func(w http.ResponseWriter, r *http.Request, _ http.HandlerFunc) {
					// A server that echoes the credential must not leak it.
					writeJSON(t, w, http.StatusUnauthorized, map[string]any{"errorMessages": []string{"bad token " + testToken}})
				}
			},
			times: -1, wantErr: true, errIs: connectors.ErrUnauthorized, page2: 1,
		},
		{
			name: "timeout",
			inject: func(t *testing.T) func(http.ResponseWriter, *http.Request, http.HandlerFunc) {
				return func(w http.ResponseWriter, r *http.Request, _ http.HandlerFunc) {
					select { // bounded: the client gives up long before
					case <-r.Context().Done():
					case <-time.After(2 * time.Second):
					}
				}
			},
			times: -1, timeout: 200 * time.Millisecond, maxRetries: 1, wantErr: true, page2: 2,
			sleeps: oneBackoff,
		},
	}

	for _, d := range flavours {
		for _, f := range faults {
			t.Run(d+"/"+f.name, func(t *testing.T) {
				t.Parallel()
				ctx := context.Background()
				ff := newFaultFake(t, d)
				ff.inject, ff.times = f.inject(t), f.times
				rec := &sleeps{}
				src := newTestSource(t, ff.jiraFake, func(c *SourceConfig) {
					c.BatchSize = page
					c.Client.Sleep = rec.sleep
					if f.timeout > 0 {
						c.Client.Timeout = f.timeout
					}
					if f.maxRetries != 0 {
						c.Client.MaxRetries = f.maxRetries
					}
				})
				st, err := store.Open(ctx, filepath.Join(t.TempDir(), "kpidesk.db"))
				if err != nil {
					t.Fatal(err)
				}
				defer st.Close()

				var committed [][]string
				err = st.Sync(ctx, src, func(b connectors.Batch) {
					var ks []string
					for _, c := range b.Complaints {
						ks = append(ks, c.Key)
					}
					committed = append(committed, ks)
				})
				if n := ff.page2Requests(); f.page2 != 0 && n != f.page2 {
					t.Errorf("page 2 requested %d times, want %d", n, f.page2)
				} else if n == 0 {
					t.Errorf("page 2 never requested: the fault was not exercised")
				}
				if f.sleeps != nil {
					if msg := f.sleeps(rec.got()); msg != "" {
						t.Error(msg)
					}
				}

				if !f.wantErr {
					if err != nil {
						t.Fatalf("Sync: %v, want it to recover", err)
					}
					if diff := cmp.Diff(all, sortedState(readState(t, st))); diff != "" {
						t.Errorf("store after recovered sync (-want +got):\n%s", diff)
					}
					return
				}

				if err == nil {
					t.Fatalf("Sync succeeded, want an error; batches %v", committed)
				}
				msg := err.Error()
				if f.errIs != nil && !errors.Is(err, f.errIs) {
					t.Errorf("Sync error %q does not match %v", msg, f.errIs)
				}
				if !strings.Contains(msg, basePath+ff.path) {
					t.Errorf("Sync error %q does not name the path %s", msg, basePath+ff.path)
				}
				basic := base64.StdEncoding.EncodeToString([]byte(testEmail + ":" + testToken))
				if strings.Contains(msg, testToken) || strings.Contains(msg, basic) {
					t.Errorf("Sync error leaks the credential: %q", msg)
				}
				if diff := cmp.Diff([][]string{inUpdateOrder()[:page]}, committed); diff != "" {
					t.Errorf("committed batches (-want +got):\n%s", diff)
				}
				if diff := cmp.Diff(first, sortedState(readState(t, st))); diff != "" {
					t.Errorf("store after failed sync, want exactly batch 1 (-want +got):\n%s", diff)
				}

				// A healthy server: the next sync resumes from batch 1's cursor.
				ff.heal()
				if err := st.Sync(ctx, src, nil); err != nil {
					t.Fatalf("resumed Sync: %v", err)
				}
				if diff := cmp.Diff(all, sortedState(readState(t, st))); diff != "" {
					t.Errorf("store after resumed sync (-want +got):\n%s", diff)
				}
				qs := ff.queries()
				wantBound := `updated >= "` + updatedOf(inUpdateOrder()[page-1]).Add(-DefaultOverlap).Format(jqlTimeLayout) + `"`
				if len(qs) != 2 || !strings.Contains(qs[1], wantBound) {
					t.Errorf("queries %q, want the resumed one bounded by %s", qs, wantBound)
				}
			})
		}
	}
}
