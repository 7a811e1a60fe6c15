package jira

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// okComments is a one-page comment list.
var okComments = map[string]any{"startAt": 0, "maxResults": 50, "total": 1, "comments": []any{map[string]any{"id": "10000"}}}

const commentPath = "/rest/api/2/issue/SD-1/comment"

// failThenOK serves fail for the first n requests, then okComments.
func failThenOK(t *testing.T, n int, fail http.HandlerFunc) http.HandlerFunc {
	var calls atomic.Int32
	return func(w http.ResponseWriter, r *http.Request) {
		if int(calls.Add(1)) <= n {
			fail(w, r)
			return
		}
		writeJSON(t, w, 200, okComments)
	}
}

func comments(c *Client, ctx context.Context) ([]string, error) {
	var ids []string
	err := c.Comments(ctx, "SD-1", func(page []json.RawMessage) error {
		for _, p := range page {
			var v struct{ ID string }
			if err := json.Unmarshal(p, &v); err != nil {
				return err
			}
			ids = append(ids, v.ID)
		}
		return nil
	})
	return ids, err
}

func TestRetryAfter429(t *testing.T) {
	tests := []struct {
		name       string
		retryAfter func() string
		min, max   time.Duration
	}{
		{name: "seconds", retryAfter: func() string { return "7" }, min: 7 * time.Second, max: 7 * time.Second},
		{name: "HTTP date", retryAfter: func() string { return time.Now().Add(2 * time.Minute).UTC().Format(http.TimeFormat) }, min: 110 * time.Second, max: 2 * time.Minute},
		{name: "garbage falls back to backoff", retryAfter: func() string { return "soon" }, min: backoffBase / 2, max: backoffBase},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t)
			f.handle("GET", commentPath, failThenOK(t, 1, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Retry-After", tc.retryAfter())
				writeJSON(t, w, http.StatusTooManyRequests, map[string]any{"errorMessages": []string{"Rate limit exceeded."}})
			}))
			c, sl := newTestClient(t, f, DataCenter, nil)
			ids, err := comments(c, context.Background())
			if err != nil || len(ids) != 1 {
				t.Fatalf("Comments = %v, %v; want one comment, nil", ids, err)
			}
			got := sl.got()
			if len(got) != 1 || got[0] < tc.min || got[0] > tc.max {
				t.Errorf("sleeps = %v, want one in [%v, %v]", got, tc.min, tc.max)
			}
			if n := f.count("GET", commentPath); n != 2 {
				t.Errorf("requests = %d, want 2", n)
			}
		})
	}
}

func TestRetry500ThenSuccess(t *testing.T) {
	f := newFake(t)
	f.handle("GET", commentPath, failThenOK(t, 2, func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "<html>oops</html>", http.StatusInternalServerError)
	}))
	c, sl := newTestClient(t, f, DataCenter, nil)
	if ids, err := comments(c, context.Background()); err != nil || len(ids) != 1 {
		t.Fatalf("Comments = %v, %v; want one comment, nil", ids, err)
	}
	got := sl.got()
	if len(got) != 2 {
		t.Fatalf("sleeps = %v, want 2", got)
	}
	// Exponential with equal jitter: [base/2, base], then [base, 2·base].
	if got[0] < backoffBase/2 || got[0] > backoffBase || got[1] < backoffBase || got[1] > 2*backoffBase {
		t.Errorf("sleeps = %v, want ~%v then ~%v with jitter", got, backoffBase, 2*backoffBase)
	}
}

func TestRetryGivesUp(t *testing.T) {
	f := newFake(t)
	f.handle("GET", commentPath, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(t, w, http.StatusServiceUnavailable, map[string]any{"errorMessages": []string{"maintenance"}})
	})
	c, sl := newTestClient(t, f, DataCenter, func(cfg *Config) { cfg.MaxRetries = 2 })
	_, err := comments(c, context.Background())
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.Status != http.StatusServiceUnavailable {
		t.Fatalf("Comments error = %v, want *APIError 503", err)
	}
	if !strings.Contains(err.Error(), "gave up after 3 attempts") {
		t.Errorf("error %q does not say how many attempts were made", err)
	}
	if n := f.count("GET", commentPath); n != 3 || len(sl.got()) != 2 {
		t.Errorf("requests = %d, sleeps = %v; want 3 requests and 2 sleeps", n, sl.got())
	}
}

func TestRetryConnectionCutMidBody(t *testing.T) {
	f := newFake(t)
	f.handle("GET", commentPath, failThenOK(t, 1, func(w http.ResponseWriter, r *http.Request) {
		conn, buf, err := http.NewResponseController(w).Hijack()
		if err != nil {
			t.Errorf("hijack: %v", err)
			return
		}
		buf.WriteString("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 4096\r\n\r\n{\"startAt\":0,\"comments\":[{\"id\":")
		buf.Flush()
		conn.Close()
	}))
	c, sl := newTestClient(t, f, DataCenter, nil)
	if ids, err := comments(c, context.Background()); err != nil || len(ids) != 1 {
		t.Fatalf("Comments = %v, %v; want one comment, nil", ids, err)
	}
	if n := f.count("GET", commentPath); n != 2 || len(sl.got()) != 1 {
		t.Errorf("requests = %d, sleeps = %v; want 2 requests and 1 sleep", n, sl.got())
	}
}

func TestMalformedJSON(t *testing.T) {
	f := newFake(t)
	f.handle("POST", "/rest/api/3/search/jql", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"isLast": tru, "issues": []}`))
	})
	c, sl := newTestClient(t, f, Cloud, nil)
	err := c.Search(context.Background(), "project = SD", nil, func([]json.RawMessage) error {
		t.Error("callback called for a malformed page")
		return nil
	})
	if err == nil {
		t.Fatal("Search succeeded on a malformed body")
	}
	want := "jira: search: POST " + f.srv.URL + "/jira/rest/api/3/search/jql: malformed JSON response: invalid character"
	if !strings.HasPrefix(err.Error(), want) {
		t.Errorf("error = %q, want prefix %q", err, want)
	}
	if n := f.count("POST", "/rest/api/3/search/jql"); n != 1 || len(sl.got()) != 0 {
		t.Errorf("requests = %d, sleeps = %v; want 1 request, no retry", n, sl.got())
	}
}

func TestTimeout(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	f := newFake(t)
	f.handle("GET", commentPath, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	})
	c, sl := newTestClient(t, f, DataCenter, func(cfg *Config) {
		cfg.Timeout = 50 * time.Millisecond
		cfg.MaxRetries = 1
	})
	start := time.Now()
	_, err := comments(c, context.Background())
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Comments error = %v, want context.DeadlineExceeded", err)
	}
	if !strings.Contains(err.Error(), "/jira"+commentPath) {
		t.Errorf("error %q does not name the URL", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("timed-out call took %v", d)
	}
	if n := f.count("GET", commentPath); n != 2 || len(sl.got()) != 1 {
		t.Errorf("requests = %d, sleeps = %v; want 2 requests (one retry) and 1 sleep", n, sl.got())
	}
}

func TestCancelInFlight(t *testing.T) {
	started := make(chan struct{}, 1)
	f := newFake(t)
	f.handle("GET", commentPath, func(w http.ResponseWriter, r *http.Request) {
		started <- struct{}{}
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
			t.Error("request was not cancelled")
		}
	})
	c, sl := newTestClient(t, f, DataCenter, nil)
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-started
		cancel()
	}()
	_, err := comments(c, ctx)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Comments error = %v, want context.Canceled", err)
	}
	if n := f.count("GET", commentPath); n != 1 || len(sl.got()) != 0 {
		t.Errorf("requests = %d, sleeps = %v; want 1 request and no retry", n, sl.got())
	}
}

func TestCancelBetweenPages(t *testing.T) {
	pages := cloudPages(t)
	f := newFake(t)
	f.handle("POST", "/rest/api/3/search/jql", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(t, w, 200, pages[""])
	})
	c, _ := newTestClient(t, f, Cloud, nil)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	calls := 0
	err := c.Search(ctx, "project = SD", nil, func([]json.RawMessage) error {
		calls++
		cancel() // Ctrl-C while the first page is being stored
		return nil
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Search error = %v, want context.Canceled", err)
	}
	if calls != 1 || f.count("POST", "/rest/api/3/search/jql") != 1 {
		t.Errorf("callback calls = %d, requests = %d; want 1 and 1", calls, f.count("POST", "/rest/api/3/search/jql"))
	}
}

func TestConcurrencyBound(t *testing.T) {
	var inFlight, peak atomic.Int32
	f := newFake(t)
	f.handle("GET", commentPath, func(w http.ResponseWriter, r *http.Request) {
		n := inFlight.Add(1)
		defer inFlight.Add(-1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		time.Sleep(20 * time.Millisecond)
		writeJSON(t, w, 200, okComments)
	})
	c, _ := newTestClient(t, f, DataCenter, func(cfg *Config) { cfg.Concurrency = 2 })
	var wg sync.WaitGroup
	for range 6 {
		wg.Go(func() {
			if _, err := comments(c, context.Background()); err != nil {
				t.Errorf("Comments: %v", err)
			}
		})
	}
	wg.Wait()
	if p := peak.Load(); p < 1 || p > 2 {
		t.Errorf("peak requests in flight = %d, want at most 2", p)
	}
}

func TestRetryAfterParse(t *testing.T) {
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		in     string
		want   time.Duration
		wantOK bool
	}{
		{in: "", wantOK: false},
		{in: "0", want: time.Millisecond, wantOK: true},
		{in: "30", want: 30 * time.Second, wantOK: true},
		{in: "-3", wantOK: false},
		{in: "99999999", want: maxRetryAfter, wantOK: true},
		{in: "Sat, 01 Mar 2025 12:01:30 GMT", want: 90 * time.Second, wantOK: true},
		{in: "Sat, 01 Mar 2025 11:00:00 GMT", want: time.Millisecond, wantOK: true},
		{in: "tomorrow", wantOK: false},
	}
	for _, tc := range tests {
		got, ok := retryAfter(tc.in, now)
		if got != tc.want || ok != tc.wantOK {
			t.Errorf("retryAfter(%q) = %v, %v, want %v, %v", tc.in, got, ok, tc.want, tc.wantOK)
		}
	}
}
