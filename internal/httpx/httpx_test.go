package httpx

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"testing"
	"time"
)

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		in     string
		want   time.Duration
		wantOK bool
	}{
		{"7", 7 * time.Second, true},
		{" 0 ", time.Millisecond, true},
		{"-3", 0, false},
		{"soon", 0, false},
		{"", 0, false},
		{now.Add(2 * time.Minute).Format(http.TimeFormat), 2 * time.Minute, true},
		{now.Add(-time.Hour).Format(http.TimeFormat), time.Millisecond, true},
		{"99999999999999", (1 << 31) * time.Second, true},
	}
	for _, tc := range tests {
		got, ok := RetryAfter(tc.in, now)
		if got != tc.want || ok != tc.wantOK {
			t.Errorf("RetryAfter(%q) = %v, %v, want %v, %v", tc.in, got, ok, tc.want, tc.wantOK)
		}
	}
}

func TestBackoff(t *testing.T) {
	base, most := 500*time.Millisecond, 30*time.Second
	for attempt, want := range []time.Duration{base, 2 * base, 4 * base, 8 * base, 16 * base, 32 * base, most, most} {
		for range 50 {
			if d := Backoff(attempt, base, most); d < want/2 || d > want {
				t.Fatalf("Backoff(%d) = %v, want within [%v, %v]", attempt, d, want/2, want)
			}
		}
	}
	if d := Backoff(100, base, most); d < most/2 || d > most {
		t.Errorf("Backoff(100) = %v, want the cap's range", d)
	}
}

func TestSleep(t *testing.T) {
	var slept time.Duration
	if err := Sleep(context.Background(), time.Hour, func(d time.Duration) { slept = d }); err != nil || slept != time.Hour {
		t.Errorf("Sleep with a hook: %v, slept %v", err, slept)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := Sleep(ctx, time.Hour, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("Sleep on a cancelled context = %v", err)
	}
	if err := Sleep(context.Background(), time.Millisecond, nil); err != nil {
		t.Errorf("Sleep = %v", err)
	}
}

func TestUnwrapURLError(t *testing.T) {
	inner := errors.New("connection refused")
	err := &url.Error{Op: "Get", URL: "https://h/x?access_token=secret", Err: inner}
	if got := UnwrapURLError(err); got != inner {
		t.Errorf("UnwrapURLError = %v, want the inner error", got)
	}
	if got := UnwrapURLError(inner); got != inner {
		t.Errorf("UnwrapURLError(plain) = %v", got)
	}
}

func TestRedactURL(t *testing.T) {
	tests := []struct {
		in   string
		keep []string
		want string
	}{
		{"https://u:pw@jira.example.com/x?access_token=abc&startAt=0", nil, "https://jira.example.com/x?access_token=REDACTED&startAt=0"},
		{"https://jira.example.com/x?jwt=abc", nil, "https://jira.example.com/x?jwt=REDACTED"},
		{"https://gh.example.com/login?code=abc&state=1", nil, "https://gh.example.com/login?code=REDACTED&state=1"},
		{"https://jira.example.com/x?issueKey=SD-1&apikey=z", []string{"issuekey"}, "https://jira.example.com/x?apikey=REDACTED&issueKey=SD-1"},
		{"::", nil, "(unparsable URL)"},
	}
	for _, tc := range tests {
		if got := RedactURL(tc.in, tc.keep...); got != tc.want {
			t.Errorf("RedactURL(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
