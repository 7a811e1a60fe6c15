package jira

import (
	"context"
	"encoding/json"
	"errors"
	"maps"
	"net/http"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/kpidesk/kpidesk/connectors"
	"github.com/kpidesk/kpidesk/connectors/store"
)

// pipelineFake is a jiraFake with one issue a page whose comments are all
// partial, so that every issue needs a follow-up request.
func pipelineFake(t *testing.T, d string) *jiraFake {
	jf := newJiraFake(t, d, true)
	jf.perPage = 1
	for _, g := range jf.issues {
		if g.key != "SD-3" {
			g.comments = []map[string]any{agentComment("c-"+g.key, g.created.Add(5*time.Minute))}
		}
		g.embedComm = 0
	}
	return jf
}

func (jf *jiraFake) setOnIssue(fn func(key string)) {
	jf.mu.Lock()
	defer jf.mu.Unlock()
	jf.onIssue = fn
}

func (jf *jiraFake) searchPages() int {
	jf.mu.Lock()
	defer jf.mu.Unlock()
	return jf.pages
}

// TestPipelineReadsAhead: the next search page is requested while a
// page's follow-up requests are still running, and follow-ups of several
// pages are in flight together. Read one after another, the blocked
// follow-up would wait for a search page that is never asked for.
func TestPipelineReadsAhead(t *testing.T) {
	for _, d := range flavours {
		t.Run(d, func(t *testing.T) {
			jf := pipelineFake(t, d)
			first := inUpdateOrder()[0]
			var (
				mu             sync.Mutex
				inFlight, peak int
			)
			jf.setOnIssue(func(key string) {
				mu.Lock()
				inFlight++
				peak = max(peak, inFlight)
				mu.Unlock()
				defer func() {
					mu.Lock()
					inFlight--
					mu.Unlock()
				}()
				if key != first {
					time.Sleep(5 * time.Millisecond)
					return
				}
				// The first page's follow-up waits for the third page.
				for deadline := time.Now().Add(2 * time.Second); jf.searchPages() < 3; {
					if time.Now().After(deadline) {
						t.Errorf("search pages %d while the first page's follow-up ran, want the pages after it read", jf.searchPages())
						return
					}
					time.Sleep(time.Millisecond)
				}
			})
			s := newTestSource(t, jf, func(c *SourceConfig) { c.BatchSize = 2 })
			got, _ := collect(t, s, "")
			var keys []string
			for _, b := range got {
				keys = append(keys, b.Keys...)
			}
			if diff := cmp.Diff(inUpdateOrder(), keys); diff != "" {
				t.Errorf("emitted keys (-want +got):\n%s", diff)
			}
			mu.Lock()
			defer mu.Unlock()
			if peak < 2 {
				t.Errorf("at most %d follow-up requests in flight, want those of several pages together", peak)
			}
		})
	}
}

// TestPipelineOrderAndCursor: when later pages' follow-ups finish first,
// batches still come in search order, each with the cursor of its last
// issue, never ahead of what it carries.
func TestPipelineOrderAndCursor(t *testing.T) {
	for _, d := range flavours {
		t.Run(d, func(t *testing.T) {
			jf := pipelineFake(t, d)
			order := inUpdateOrder()
			pos := map[string]int{}
			for i, k := range order {
				pos[k] = i
			}
			// The earlier the issue, the slower its follow-up.
			jf.setOnIssue(func(key string) { time.Sleep(time.Duration(len(order)-pos[key]) * 3 * time.Millisecond) })
			s := newTestSource(t, jf, func(c *SourceConfig) { c.BatchSize = 2 })
			got, byKey := collect(t, s, "")
			cur := func(k string) string { return updatedOf(k).Format(time.RFC3339Nano) }
			want := []batchSummary{
				{Keys: order[0:2], Cursor: cur(order[1]), AsOf: srcNow, Done: 2},
				{Keys: order[2:4], Cursor: cur(order[3]), AsOf: srcNow, Done: 4},
				{Keys: order[4:6], Cursor: cur(order[5]), AsOf: srcNow, Done: 6},
				{Keys: order[6:7], Cursor: cur(order[6]), AsOf: srcNow, Done: 7},
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("batches (-want +got):\n%s", diff)
			}
			for _, k := range order {
				n := 0
				for _, e := range byKey[k].Events {
					if e.Kind == connectors.EventComment {
						n++
					}
				}
				if want := len(jf.issues[k].comments); n != want {
					t.Errorf("%s has %d comments, want %d read by its follow-up", k, n, want)
				}
			}
		})
	}
}

// TestPipelineCancelKeepsStoreConsistent: cancelling a sync while pages
// are in flight leaves the store with a prefix of the issues in update
// order and the cursor of the last one committed; the next sync completes
// it.
func TestPipelineCancelKeepsStoreConsistent(t *testing.T) {
	for _, d := range flavours {
		t.Run(d, func(t *testing.T) {
			jf := pipelineFake(t, d)
			order := inUpdateOrder()
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			jf.setOnIssue(func(key string) {
				if key == order[4] {
					cancel()
				}
			})
			s := newTestSource(t, jf, func(c *SourceConfig) { c.BatchSize = 1 })
			st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "kpidesk.db"))
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			var committed []string
			err = st.Sync(ctx, s, func(b connectors.Batch) {
				for _, c := range b.Complaints {
					committed = append(committed, c.Key)
				}
			})
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("Sync = %v, want context.Canceled", err)
			}
			n := len(committed)
			if n > 4 {
				t.Fatalf("committed %v, want no issue from the cancelled one on", committed)
			}
			if diff := cmp.Diff(order[:n], committed); diff != "" {
				t.Errorf("committed (-want +got):\n%s", diff)
			}
			state := readState(t, st)
			if n > 0 {
				if diff := cmp.Diff(sortedState(stateAfter(n)), sortedState(state)); diff != "" {
					t.Errorf("store after cancel (-want +got):\n%s", diff)
				}
			} else if len(state.Keys) != 0 || state.Cursor != "" {
				t.Errorf("store after cancel = %+v, want empty", state)
			}

			jf.setOnIssue(nil)
			if err := st.Sync(context.Background(), s, nil); err != nil {
				t.Fatalf("resumed Sync: %v", err)
			}
			if diff := cmp.Diff(sortedState(stateAfter(7)), sortedState(readState(t, st))); diff != "" {
				t.Errorf("store after resumed sync (-want +got):\n%s", diff)
			}
		})
	}
}

// TestPipelineFollowUpErrorAfterEarlierPages: a follow-up that fails on a
// later page stops the sync only after the pages before it are emitted.
func TestPipelineFollowUpErrorAfterEarlierPages(t *testing.T) {
	for _, d := range flavours {
		t.Run(d, func(t *testing.T) {
			jf := newJiraFake(t, d, true)
			jf.perPage = 1
			order := inUpdateOrder()
			// Only the fourth issue needs a follow-up, and its issue is gone.
			for _, g := range jf.issues {
				g.embedHist, g.embedComm = -1, -1
			}
			bad := jf.issues[order[3]]
			bad.comments = []map[string]any{agentComment("x", bad.created)}
			bad.embedComm = 0
			// The fake answers 404 for a key it does not hold.
			jf.mu.Lock()
			delete(jf.issues, bad.key)
			jf.issues["GONE"] = bad
			jf.mu.Unlock()
			// Keep the fake's changelog handler requested: another issue
			// with a partial changelog, on the first page.
			ok := jf.issues[order[0]]
			ok.histories = []map[string]any{statusHistory("91", ok.created.Add(time.Minute), "Open", "Done", "done")}
			ok.embedHist = 0

			s := newTestSource(t, jf, func(c *SourceConfig) { c.BatchSize = 1 })
			var keys []string
			err := s.Fetch(context.Background(), "", func(b connectors.Batch) error {
				for _, c := range b.Complaints {
					keys = append(keys, c.Key)
				}
				return nil
			})
			if err == nil {
				t.Fatal("Fetch succeeded, want the follow-up's error")
			}
			if diff := cmp.Diff(order[:3], keys); diff != "" {
				t.Errorf("emitted before the error (-want +got):\n%s (error %v)", diff, err)
			}
		})
	}
}

// TestPipelineRetryWaitsOverlap: a follow-up's Retry-After wait on the
// first page and the next search page's wait run at the same time: each
// sleep returns only once the other has begun (or fails after 2s).
func TestPipelineRetryWaitsOverlap(t *testing.T) {
	f := newFake(t)
	c0 := srcBase
	var mu sync.Mutex
	limited := map[string]bool{}
	first := func(what string) bool {
		mu.Lock()
		defer mu.Unlock()
		was := limited[what]
		limited[what] = true
		return !was
	}
	tooMany := func(w http.ResponseWriter) {
		w.Header().Set("Retry-After", "3")
		writeJSON(t, w, http.StatusTooManyRequests, map[string]any{"errorMessages": []string{"rate limited"}})
	}
	f.handle("POST", "/rest/api/3/search/jql", func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			NextPageToken string `json:"nextPageToken"`
		}
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			t.Errorf("decode search: %v", err)
		}
		if req.NextPageToken == "" {
			issue := simpleIssue("SD-1", c0, false, nil, nil)
			issue["fields"].(map[string]any)["comment"] = map[string]any{"startAt": 0, "maxResults": 0, "total": 1, "comments": []any{}}
			writeJSON(t, w, 200, map[string]any{"issues": []any{issue}, "isLast": false, "nextPageToken": "p2"})
			return
		}
		if first("search") {
			tooMany(w)
			return
		}
		writeJSON(t, w, 200, map[string]any{"issues": []any{simpleIssue("SD-2", c0, false, nil, nil)}, "isLast": true})
	})
	f.handle("GET", "/rest/api/3/issue/{key}/comment", func(w http.ResponseWriter, r *http.Request) {
		if first("comment") {
			tooMany(w)
			return
		}
		writeJSON(t, w, 200, map[string]any{"startAt": 0, "maxResults": 1, "total": 1, "comments": []any{agentComment("1", c0.Add(time.Minute))}})
	})
	var (
		smu            sync.Mutex
		sleeping, peak int
	)
	sleep := func(d time.Duration) {
		smu.Lock()
		sleeping++
		peak = max(peak, sleeping)
		smu.Unlock()
		for deadline := time.Now().Add(2 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
			smu.Lock()
			p := peak
			smu.Unlock()
			if p >= 2 {
				break
			}
		}
		smu.Lock()
		sleeping--
		smu.Unlock()
	}
	s := simpleSource(t, f, Cloud, func(c *SourceConfig) { c.Client.Sleep = sleep })
	got := fetchAll(t, s)
	if len(got) != 2 || got["SD-1"].FirstResponseAt.IsZero() {
		t.Errorf("fetched %d complaints, SD-1 first response %v; want 2, answered", len(got), got["SD-1"].FirstResponseAt)
	}
	smu.Lock()
	defer smu.Unlock()
	if peak != 2 {
		t.Errorf("at most %d retry waits at once, want the search's and the follow-up's together", peak)
	}
}

// TestSearchPageWithMisshapenIssue: a search page is decoded straight into
// issues; one issue of the wrong shape makes the page be read again raw,
// so that only that issue is skipped and reported.
func TestSearchPageWithMisshapenIssue(t *testing.T) {
	for _, d := range flavours {
		t.Run(d, func(t *testing.T) {
			f := newFake(t)
			bad := map[string]any{"id": "2", "key": "SD-2", "fields": "oops"}
			issues := []map[string]any{simpleIssue("SD-1", srcBase, false, nil, nil), bad, simpleIssue("SD-3", srcBase, false, nil, nil)}
			asked := serveSearch(t, f, d, issues)
			s := simpleSource(t, f, d, nil)
			got := fetchAll(t, s)
			if len(got) != 2 || got["SD-1"].Key == "" || got["SD-3"].Key == "" {
				t.Errorf("complaints %v, want SD-1 and SD-3", slices.Sorted(maps.Keys(got)))
			}
			un := s.Unmapped()
			if len(un) != 1 || un[0].Key != "SD-2" || un[0].Field != UnmappedIssue {
				t.Errorf("Unmapped = %+v, want SD-2 skipped", un)
			}
			if n := len(asked()); n != 2 {
				t.Errorf("%d search requests, want 2 (the page read again raw)", n)
			}
		})
	}
}
