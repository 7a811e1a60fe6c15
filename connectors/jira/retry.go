package jira

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Backoff bounds: the first retry of a 5xx or network error waits around
// backoffBase, doubling per attempt up to backoffMax. A Retry-After longer
// than maxRetryAfter is cut to it so that a bad header cannot stall a sync.
const (
	backoffBase   = 500 * time.Millisecond
	backoffMax    = 30 * time.Second
	maxRetryAfter = 15 * time.Minute
	maxBodyBytes  = 256 << 20
)

// do sends one API request (path relative to the base URL, body encoded as
// JSON when non-nil), retrying as the package doc describes, and decodes a
// 2xx body into v.
func (c *Client) do(ctx context.Context, method, path string, body, v any) error {
	var lastErr error
	for attempt := 0; ; attempt++ {
		rawURL, data, wait, err := c.attempt(ctx, method, path, body)
		if err == nil {
			return decodeJSON(data, v, method, rawURL)
		}
		if ctx.Err() != nil {
			return fmt.Errorf("%s %s: %w", method, redactURL(rawURL), ctx.Err())
		}
		lastErr = err
		if wait < 0 || attempt >= c.maxRetries {
			break
		}
		if wait == 0 {
			wait = backoff(attempt)
		}
		if err := c.wait(ctx, wait); err != nil {
			return fmt.Errorf("%s %s: %w", method, redactURL(rawURL), err)
		}
	}
	if c.maxRetries > 0 && isRetryable(lastErr) {
		return fmt.Errorf("gave up after %d attempts: %w", c.maxRetries+1, lastErr)
	}
	return lastErr
}

// retryableError marks a failure worth another attempt.
type retryableError struct{ err error }

func (e *retryableError) Error() string { return e.err.Error() }
func (e *retryableError) Unwrap() error { return e.err }

func isRetryable(err error) bool {
	var r *retryableError
	return errors.As(err, &r)
}

// attempt makes one try under its own timeout and the concurrency bound. It
// returns the body of a 2xx response, or an error and how long to wait
// before retrying: 0 for the default backoff, a positive Retry-After, or -1
// when the error is final.
func (c *Client) attempt(ctx context.Context, method, path string, body any) (rawURL string, data []byte, wait time.Duration, err error) {
	select {
	case c.sem <- struct{}{}:
		defer func() { <-c.sem }()
	case <-ctx.Done():
		return c.base.String() + path, nil, -1, ctx.Err()
	}
	actx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()

	req, err := c.api.NewRequestWithContext(actx, method, path, body)
	if err != nil {
		return c.base.String() + path, nil, -1, fmt.Errorf("build %s request for %s: %w", method, redactURL(c.base.String()+path), err)
	}
	rawURL = req.URL.String()
	req.Header.Set("User-Agent", c.userAgent)
	req.Header.Set("Accept", "application/json")
	if body == nil {
		req.Header.Del("Content-Type")
	}

	resp, err := c.api.Do(req, nil)
	if resp == nil || resp.Response == nil {
		if err == nil {
			err = errors.New("no response")
		}
		return rawURL, nil, 0, &retryableError{fmt.Errorf("%s %s: %w", method, redactURL(rawURL), unwrapURLError(err))}
	}
	defer resp.Body.Close()
	data, err = io.ReadAll(io.LimitReader(resp.Body, maxBodyBytes))
	if err != nil {
		return rawURL, nil, 0, &retryableError{fmt.Errorf("%s %s: read %s response: %w", method, redactURL(rawURL), resp.Status, err)}
	}
	if resp.StatusCode >= 200 && resp.StatusCode <= 299 {
		return rawURL, data, 0, nil
	}

	apiErr := c.newAPIError(resp.Response, method, rawURL, data)
	if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500 {
		// Zero (no usable Retry-After) means the default backoff.
		d, _ := retryAfter(resp.Header.Get("Retry-After"), time.Now())
		return rawURL, nil, d, &retryableError{apiErr}
	}
	return rawURL, nil, -1, apiErr
}

// retryAfter parses a Retry-After value: delay seconds or an HTTP date
// (RFC 9110 §10.2.3). A date in the past gives a short positive wait so the
// caller does not mistake it for "use the default backoff".
func retryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	var d time.Duration
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		if secs > int64(maxRetryAfter/time.Second) {
			return maxRetryAfter, true
		}
		d = time.Duration(secs) * time.Second
	} else if t, err := http.ParseTime(v); err == nil {
		d = t.Sub(now)
	} else {
		return 0, false
	}
	if d <= 0 {
		d = time.Millisecond
	}
	return min(d, maxRetryAfter), true
}

// backoff is the wait before retry number attempt+1: exponential with
// "equal jitter" (half fixed, half random) so that parallel workers spread out.
func backoff(attempt int) time.Duration {
	d := backoffMax
	if attempt < 16 {
		d = min(backoffBase<<attempt, backoffMax)
	}
	return d/2 + rand.N(d/2+1)
}

// wait sleeps for d, or until ctx is done.
func (c *Client) wait(ctx context.Context, d time.Duration) error {
	if c.sleep != nil {
		c.sleep(d)
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

// unwrapURLError drops net/http's *url.Error wrapper, whose text repeats
// the unredacted URL.
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// redactURL strips user info and the values of query parameters that look
// like secrets, for use in error text.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable URL)"
	}
	u.User = nil
	if u.RawQuery != "" {
		q := u.Query()
		for k := range q {
			lk := strings.ToLower(k)
			for _, s := range []string{"token", "secret", "password", "jwt", "signature", "key"} {
				if strings.Contains(lk, s) && lk != "issuekey" {
					q.Set(k, "REDACTED")
					break
				}
			}
		}
		u.RawQuery = q.Encode()
	}
	return u.String()
}
