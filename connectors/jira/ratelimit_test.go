package jira

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// waits records what a client reported through Config.OnWait.
type waits struct {
	mu      sync.Mutex
	reasons []string
	d       []time.Duration
}

func (w *waits) onWait(reason string, d time.Duration) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.reasons = append(w.reasons, reason)
	w.d = append(w.d, d)
}

func (w *waits) got() ([]string, []time.Duration) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.reasons...), append([]time.Duration(nil), w.d...)
}

// checkReasons fails if a reason leaks a secret or a query string.
func checkReasons(t *testing.T, reasons []string) {
	t.Helper()
	basic := base64.StdEncoding.EncodeToString([]byte(testEmail + ":" + testToken))
	for _, r := range reasons {
		if strings.Contains(r, testToken) || strings.Contains(r, basic) || strings.Contains(r, "?") || strings.Contains(r, "\n") {
			t.Errorf("reason %q leaks a secret or a query, or is not one line", r)
		}
	}
}

var testNow = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

// newRateClient is newTestClient with a fixed clock and OnWait recorded.
func newRateClient(t *testing.T, f *fake, deployment string, edit func(*Config)) (*Client, *sleeps, *waits) {
	t.Helper()
	w := &waits{}
	c, sl := newTestClient(t, f, deployment, func(cfg *Config) {
		cfg.Now = func() time.Time { return testNow }
		cfg.OnWait = w.onWait
		if edit != nil {
			edit(cfg)
		}
	})
	return c, sl, w
}

func TestOnWaitRetryAfter(t *testing.T) {
	for _, tc := range []struct {
		status int
		want   string
	}{
		{http.StatusTooManyRequests, "rate limited by Jira (HTTP 429, jira-burst-based) on GET /jira/rest/api/2/issue/SD-1/comment, as Retry-After asks (retry 1 of 5)"},
		{http.StatusServiceUnavailable, "Jira answered HTTP 503 on GET /jira/rest/api/2/issue/SD-1/comment, as Retry-After asks (retry 1 of 5)"},
	} {
		t.Run(fmt.Sprint(tc.status), func(t *testing.T) {
			f := newFake(t)
			f.handle("GET", commentPath, failThenOK(t, 1, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Retry-After", "2")
				w.Header().Set("RateLimit-Reason", "jira-burst-based\r\n<evil>")
				writeJSON(t, w, tc.status, map[string]any{"errorMessages": []string{"slow down " + testToken}})
			}))
			c, sl, w := newRateClient(t, f, DataCenter, nil)
			if ids, err := comments(c, context.Background()); err != nil || len(ids) != 1 {
				t.Fatalf("Comments = %v, %v; want one comment, nil", ids, err)
			}
			reasons, ds := w.got()
			if len(ds) != 1 || ds[0] != 2*time.Second || reasons[0] != tc.want {
				t.Errorf("OnWait got %q %v, want %q 2s", reasons, ds, tc.want)
			}
			if got := sl.got(); len(got) != 1 || got[0] != 2*time.Second {
				t.Errorf("sleeps = %v, want [2s]", got)
			}
			checkReasons(t, reasons)
		})
	}
}

func TestOnWaitBackoff(t *testing.T) {
	f := newFake(t)
	f.handle("GET", commentPath, failThenOK(t, 1, func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "oops", http.StatusInternalServerError)
	}))
	c, sl, w := newRateClient(t, f, DataCenter, nil)
	if _, err := comments(c, context.Background()); err != nil {
		t.Fatal(err)
	}
	reasons, ds := w.got()
	want := "Jira answered HTTP 500 on GET /jira/rest/api/2/issue/SD-1/comment, backing off (retry 1 of 5)"
	if len(ds) != 1 || reasons[0] != want || ds[0] != sl.got()[0] {
		t.Errorf("OnWait got %q %v, want %q with the slept %v", reasons, ds, want, sl.got())
	}
}

// TestRateLimitHeadersPause: a 2xx whose headers say the quota is spent or
// nearly spent makes the next request wait, bounded, and says why.
func TestRateLimitHeadersPause(t *testing.T) {
	tests := []struct {
		name    string
		headers map[string]string
		want    time.Duration // 0: no pause
		reason  string
	}{
		{name: "remaining 0, RFC 3339 reset", headers: map[string]string{"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": testNow.Add(2 * time.Second).Format(time.RFC3339)},
			want: 2 * time.Second, reason: "Jira rate limit used up (X-RateLimit-Remaining: 0) after GET /jira/rest/api/2/issue/SD-1/comment, slowing down"},
		{name: "remaining 0, reset in seconds", headers: map[string]string{"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "3"}, want: 3 * time.Second},
		{name: "remaining 0, Unix reset", headers: map[string]string{"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": fmt.Sprint(testNow.Add(4 * time.Second).Unix())}, want: 4 * time.Second},
		{name: "remaining 0, far reset is capped", headers: map[string]string{"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": testNow.Add(time.Hour).Format(time.RFC3339)}, want: maxRateLimitPause},
		{name: "remaining 0, reset passed", headers: map[string]string{"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": testNow.Add(-time.Second).Format(time.RFC3339)}},
		{name: "remaining 0, no reset", headers: map[string]string{"X-RateLimit-Remaining": "0"}, want: nearLimitPause},
		{name: "near limit, no reset", headers: map[string]string{"X-RateLimit-NearLimit": "true", "RateLimit-Reason": "jira-quota-tenant-based"},
			want: nearLimitPause, reason: "Jira rate limit nearly used up (X-RateLimit-NearLimit: true, no X-RateLimit-Reset, jira-quota-tenant-based) after GET /jira/rest/api/2/issue/SD-1/comment, slowing down"},
		{name: "near limit, reset, 4 left: spread", headers: map[string]string{"X-RateLimit-NearLimit": "true", "X-RateLimit-Remaining": "4", "X-RateLimit-Reset": testNow.Add(8 * time.Second).Format(time.RFC3339)}, want: 2 * time.Second},
		{name: "near limit, reset, no remaining", headers: map[string]string{"X-RateLimit-NearLimit": "true", "X-RateLimit-Reset": testNow.Add(5 * time.Second).Format(time.RFC3339)}, want: 5 * time.Second},
		{name: "plenty left", headers: map[string]string{"X-RateLimit-Limit": "100", "X-RateLimit-Remaining": "99", "X-RateLimit-NearLimit": "false", "X-RateLimit-Reset": testNow.Add(time.Minute).Format(time.RFC3339)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t)
			f.handle("GET", commentPath, func(w http.ResponseWriter, r *http.Request) {
				for k, v := range tc.headers {
					w.Header().Set(k, v)
				}
				writeJSON(t, w, 200, okComments)
			})
			c, sl, w := newRateClient(t, f, DataCenter, nil)
			if _, err := comments(c, context.Background()); err != nil {
				t.Fatal(err)
			}
			if got := sl.got(); len(got) != 0 {
				t.Fatalf("slept %v before the headers were seen", got)
			}
			// The first call saw the headers; the next one waits once.
			if _, err := comments(c, context.Background()); err != nil {
				t.Fatal(err)
			}
			reasons, ds := w.got()
			slept := sl.got()
			if tc.want == 0 {
				if len(slept) != 0 || len(ds) != 0 {
					t.Errorf("sleeps = %v, OnWait = %q %v; want none", slept, reasons, ds)
				}
				return
			}
			if len(slept) != 1 || slept[0] != tc.want || len(ds) != 1 || ds[0] != tc.want {
				t.Errorf("sleeps = %v, OnWait = %q %v; want one wait of %v", slept, reasons, ds, tc.want)
			}
			if tc.reason != "" && (len(reasons) != 1 || reasons[0] != tc.reason) {
				t.Errorf("reason = %q, want %q", reasons, tc.reason)
			}
			checkReasons(t, reasons)
		})
	}
}

// TestRateLimitPauseOnce: after the pause is waited out, a request whose
// response carries no limit headers does not wait again.
func TestRateLimitPauseOnce(t *testing.T) {
	f := newFake(t)
	first := true
	var mu sync.Mutex
	f.handle("GET", commentPath, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		if first {
			w.Header().Set("X-RateLimit-Remaining", "0")
			w.Header().Set("X-RateLimit-Reset", testNow.Add(2*time.Second).Format(time.RFC3339))
			first = false
		}
		mu.Unlock()
		writeJSON(t, w, 200, okComments)
	})
	c, sl, _ := newRateClient(t, f, DataCenter, nil)
	for range 3 {
		if _, err := comments(c, context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	if got := sl.got(); len(got) != 1 || got[0] != 2*time.Second {
		t.Errorf("sleeps = %v, want [2s]", got)
	}
}

func TestOnRequest(t *testing.T) {
	type call struct {
		method, path string
		status       int
	}
	var (
		mu    sync.Mutex
		calls []call
	)
	f := newFake(t)
	f.handle("GET", commentPath, failThenOK(t, 1, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "1")
		writeJSON(t, w, http.StatusTooManyRequests, map[string]any{})
	}))
	c, _, _ := newRateClient(t, f, DataCenter, func(cfg *Config) {
		cfg.OnRequest = func(method, path string, status int) {
			mu.Lock()
			defer mu.Unlock()
			calls = append(calls, call{method, path, status})
		}
	})
	if _, err := comments(c, context.Background()); err != nil {
		t.Fatal(err)
	}
	p := basePath + commentPath
	want := []call{{"GET", p, 429}, {"GET", p, 200}}
	mu.Lock()
	defer mu.Unlock()
	if fmt.Sprint(calls) != fmt.Sprint(want) {
		t.Errorf("OnRequest calls = %v, want %v", calls, want)
	}
}

func TestRateLimitResetParse(t *testing.T) {
	tests := []struct {
		in     string
		want   time.Duration
		wantOK bool
	}{
		{in: "", wantOK: false},
		{in: "soon", wantOK: false},
		{in: "-1", wantOK: false},
		{in: "30", want: 30 * time.Second, wantOK: true},
		{in: "2025-03-01T12:00:05Z", want: 5 * time.Second, wantOK: true},
		{in: "2025-03-01T13:00:05+01:00", want: 5 * time.Second, wantOK: true},
		{in: fmt.Sprint(testNow.Unix() + 7), want: 7 * time.Second, wantOK: true},
		{in: "Sat, 01 Mar 2025 12:00:09 GMT", want: 9 * time.Second, wantOK: true},
	}
	for _, tc := range tests {
		got, ok := rateLimitReset(tc.in, testNow)
		if got != tc.want || ok != tc.wantOK {
			t.Errorf("rateLimitReset(%q) = %v, %v, want %v, %v", tc.in, got, ok, tc.want, tc.wantOK)
		}
	}
}
