// Package httpx holds what kpidesk's API clients (Jira, GitHub) share
// around an HTTP request: reading Retry-After, backing off with jitter,
// waiting while honouring cancellation, and keeping URLs and secrets out of
// error text.
package httpx

import (
	"context"
	"errors"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Redacted replaces a secret in text.
const Redacted = "REDACTED"

// RetryAfter parses a Retry-After value: delay seconds or an HTTP date. A
// date in the past gives a short positive wait; a negative or malformed
// value gives false. The caller caps the wait at what it will bear.
func RetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	var d time.Duration
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		d = time.Duration(min(secs, 1<<31)) * time.Second
	} else if t, err := http.ParseTime(v); err == nil {
		d = t.Sub(now)
	} else {
		return 0, false
	}
	return max(d, time.Millisecond), true
}

// Backoff is the wait before retry number attempt+1: base doubled per
// attempt up to most, with "equal jitter" (half fixed, half random) so
// that parallel workers spread out.
func Backoff(attempt int, base, most time.Duration) time.Duration {
	d := most
	if attempt < 16 {
		d = min(base<<attempt, most)
	}
	return d/2 + rand.N(d/2+1)
}

// Sleep waits for d, or until ctx is done. A non-nil hook (tests) is
// called instead of waiting.
func Sleep(ctx context.Context, d time.Duration, hook func(time.Duration)) error {
	if hook != nil {
		hook(d)
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// UnwrapURLError drops net/http's *url.Error wrapper, whose text repeats
// the URL unredacted.
func UnwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// secretWords are the query parameter names, in part, whose values are
// taken for secrets.
var secretWords = []string{"token", "secret", "password", "jwt", "signature", "key", "code"}

// RedactURL strips user info and the values of query parameters that look
// like secrets, for error text. Parameters named in keep (lower case, such
// as Jira's issuekey) are left as they are.
func RedactURL(raw string, keep ...string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable URL)"
	}
	u.User = nil
	if u.RawQuery != "" {
		q := u.Query()
		for k := range q {
			lk := strings.ToLower(k)
			if contains(keep, lk) {
				continue
			}
			for _, s := range secretWords {
				if strings.Contains(lk, s) {
					q.Set(k, Redacted)
					break
				}
			}
		}
		u.RawQuery = q.Encode()
	}
	return u.String()
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
