package jira

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/kpidesk/kpidesk/internal/httpx"
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
// 2xx body into v. Before each attempt it honours a pause set by the
// rate-limit headers of an earlier response; every wait is reported to
// Config.OnWait first.
func (c *Client) do(ctx context.Context, method, path string, body, v any) error {
	var lastErr error
	for attempt := 0; ; attempt++ {
		if err := c.awaitPause(ctx); err != nil {
			return fmt.Errorf("%s %s: %w", method, c.safeURL(c.base.String()+path), err)
		}
		rawURL, data, wait, why, err := c.attempt(ctx, method, path, body)
		if err == nil {
			return decodeJSON(data, v, method, c.safeURL(rawURL))
		}
		if ctx.Err() != nil {
			return fmt.Errorf("%s %s: %w", method, c.safeURL(rawURL), ctx.Err())
		}
		lastErr = err
		if wait < 0 || attempt >= c.maxRetries {
			break
		}
		if wait == 0 {
			wait = backoff(attempt)
			why += ", backing off"
		}
		c.reportWait(fmt.Sprintf("%s (retry %d of %d)", why, attempt+1, c.maxRetries), wait)
		if err := c.wait(ctx, wait); err != nil {
			return fmt.Errorf("%s %s: %w", method, c.safeURL(rawURL), err)
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
// when the error is final. why says, for Config.OnWait, why a retry would
// wait; it holds the method and URL path but no query and no secret.
func (c *Client) attempt(ctx context.Context, method, path string, body any) (rawURL string, data []byte, wait time.Duration, why string, err error) {
	rawURL = c.base.String() + path
	select {
	case c.sem <- struct{}{}:
		defer func() { <-c.sem }()
	case <-ctx.Done():
		return rawURL, nil, -1, "", ctx.Err()
	}
	actx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()

	req, err := c.api.NewRequestWithContext(actx, method, path, body)
	if err != nil {
		return rawURL, nil, -1, "", fmt.Errorf("build %s request for %s: %w", method, c.safeURL(rawURL), err)
	}
	rawURL = req.URL.String()
	where := method + " " + req.URL.EscapedPath()
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
		err = httpx.UnwrapURLError(err)
		var oe *OriginError
		switch {
		case errors.As(err, &oe):
			return rawURL, nil, -1, "", fmt.Errorf("%s %s: %w", method, c.safeURL(rawURL), err)
		case !c.answered.Load() && ctx.Err() == nil && actx.Err() == nil:
			// Nothing has come back from this host yet: a refused
			// connection, an unknown name or a bad certificate is a
			// configuration problem that retrying only delays. A timed-out
			// attempt (actx) is still retried: a slow server is not a
			// wrong one.
			return rawURL, nil, -1, "", fmt.Errorf("%s %s: %w", method, c.safeURL(rawURL), unreachable(req.URL.Host, err))
		}
		return rawURL, nil, 0, "network error on " + where, &retryableError{fmt.Errorf("%s %s: %w", method, c.safeURL(rawURL), err)}
	}
	c.answered.Store(true)
	defer resp.Body.Close()
	data, err = io.ReadAll(io.LimitReader(resp.Body, maxBodyBytes))
	if err != nil {
		return rawURL, nil, 0, "response cut off on " + where, &retryableError{fmt.Errorf("%s %s: read %s response: %w", method, c.safeURL(rawURL), resp.Status, err)}
	}
	if c.onRequest != nil {
		c.onRequest(method, req.URL.EscapedPath(), resp.StatusCode)
	}
	if resp.StatusCode >= 200 && resp.StatusCode <= 299 {
		c.noteRateLimit(resp.Header, where)
		return rawURL, data, 0, "", nil
	}

	apiErr := c.newAPIError(resp.Response, method, rawURL, data)
	if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500 {
		// Zero (no usable Retry-After) means the default backoff; a 429
		// without Retry-After falls back to X-RateLimit-Reset.
		now := c.now()
		d, ok := retryAfter(resp.Header.Get("Retry-After"), now)
		if !ok && resp.StatusCode == http.StatusTooManyRequests {
			if r, ok := rateLimitReset(resp.Header.Get("X-RateLimit-Reset"), now); ok {
				d = min(max(r, time.Millisecond), maxRetryAfter)
			}
		}
		why = fmt.Sprintf("Jira answered HTTP %d on %s", resp.StatusCode, where)
		if resp.StatusCode == http.StatusTooManyRequests {
			why = "rate limited by Jira (HTTP 429" + limitName(resp.Header) + ") on " + where
		}
		if ok {
			why += ", as Retry-After asks"
		}
		return rawURL, nil, d, why, &retryableError{apiErr}
	}
	return rawURL, nil, -1, "", apiErr
}

// Proactive slow-down. Jira Cloud sends, on successful responses as well
// as on a 429 (https://developer.atlassian.com/cloud/jira/platform/rate-limiting/):
//
//   - X-RateLimit-Limit: the size of the quota;
//   - X-RateLimit-Remaining: what is left of it;
//   - X-RateLimit-Reset: when it refills, an ISO 8601 / RFC 3339 time;
//   - X-RateLimit-NearLimit: "true" when less than a fifth is left;
//   - RateLimit-Reason: which limit applies, such as jira-burst-based or
//     jira-quota-tenant-based;
//   - Retry-After (on 429, and on 503 under load): seconds to wait.
//
// Data Center (8.6+, when rate limiting is on) sends X-RateLimit-Limit,
// X-RateLimit-Remaining and X-RateLimit-Interval-Seconds, and Retry-After
// on a 429. Retry-After on a 429 or 5xx is honoured by do. After a 2xx,
// noteRateLimit makes later requests of this client pause:
//
//   - Remaining 0: until X-RateLimit-Reset, or nearLimitPause if there is no
//     usable reset;
//   - NearLimit true with some left: the time to the reset spread over what
//     is left (so the quota lasts until it refills), until the reset when
//     Remaining is absent, or nearLimitPause without a reset.
//
// A pause is at most maxRateLimitPause, so that a wrong header or a far
// reset (the Cloud quota is hourly) cannot stall a sync; a 429 still
// catches whatever the pause did not avoid. X-RateLimit-Reset is also
// accepted as delay seconds, or Unix seconds when it is that large.
const (
	nearLimitPause    = time.Second
	maxRateLimitPause = 60 * time.Second
	unixResetFloor    = 1_000_000_000 // larger integer resets are Unix seconds
)

// noteRateLimit reads the rate-limit headers of a 2xx response to request
// where ("GET /path") and sets the client's pause; see the comment above.
func (c *Client) noteRateLimit(h http.Header, where string) {
	remaining, err := strconv.ParseInt(strings.TrimSpace(h.Get("X-RateLimit-Remaining")), 10, 64)
	hasRemaining := err == nil
	spent := hasRemaining && remaining <= 0
	near := strings.EqualFold(strings.TrimSpace(h.Get("X-RateLimit-NearLimit")), "true")
	if !spent && !near {
		return
	}
	now := c.now()
	reset, hasReset := rateLimitReset(h.Get("X-RateLimit-Reset"), now)
	var d time.Duration
	switch {
	case !hasReset:
		d = nearLimitPause
	case spent || !hasRemaining:
		d = reset
	default:
		d = reset / time.Duration(remaining)
	}
	d = min(d, maxRateLimitPause)
	if d <= 0 {
		return // the quota has already refilled
	}
	why := "Jira rate limit nearly used up"
	if spent {
		why = "Jira rate limit used up"
	}
	why += " (" + headerSummary(h, spent, hasRemaining, remaining) + limitName(h) + ") after " + where + ", slowing down"
	until := now.Add(d)
	c.pauseMu.Lock()
	if until.After(c.pauseUntil) {
		c.pauseUntil, c.pauseReason = until, why
	}
	c.pauseMu.Unlock()
}

func headerSummary(h http.Header, spent, hasRemaining bool, remaining int64) string {
	s := "X-RateLimit-NearLimit: true"
	if spent || hasRemaining {
		s = "X-RateLimit-Remaining: " + strconv.FormatInt(remaining, 10)
	}
	if h.Get("X-RateLimit-Reset") == "" {
		s += ", no X-RateLimit-Reset"
	}
	return s
}

// limitName returns ", <RateLimit-Reason>" when Jira named the limit: the
// leading run of name characters (letters, digits, "-", "_", "."), at most
// 64, so that nothing unsafe to print gets through.
func limitName(h http.Header) string {
	v := strings.TrimSpace(h.Get("RateLimit-Reason"))
	n := 0
	for n < len(v) && n < 64 {
		r := v[n]
		if r != '-' && r != '_' && r != '.' && (r < 'a' || r > 'z') && (r < 'A' || r > 'Z') && (r < '0' || r > '9') {
			break
		}
		n++
	}
	if n == 0 {
		return ""
	}
	return ", " + v[:n]
}

// rateLimitReset parses X-RateLimit-Reset into the time left until it: an
// RFC 3339 time, delay seconds, or Unix seconds. The duration may be zero
// or negative when the reset has passed; ok is false when v is unusable.
func rateLimitReset(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		switch {
		case n < 0:
			return 0, false
		case n >= unixResetFloor:
			return time.Unix(n, 0).Sub(now), true
		default:
			return time.Duration(n) * time.Second, true
		}
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t.Sub(now), true
	}
	if t, err := http.ParseTime(v); err == nil {
		return t.Sub(now), true
	}
	return 0, false
}

// awaitPause waits out a pause set by noteRateLimit, reporting it first.
// The pause is cleared once waited out, so an injected Sleep with a fixed
// clock does not make every later request wait again.
func (c *Client) awaitPause(ctx context.Context) error {
	c.pauseMu.Lock()
	until, why := c.pauseUntil, c.pauseReason
	c.pauseMu.Unlock()
	if until.IsZero() {
		return nil
	}
	d := until.Sub(c.now())
	if d > 0 {
		c.reportWait(why, d)
		if err := c.wait(ctx, d); err != nil {
			return err
		}
	}
	c.pauseMu.Lock()
	if c.pauseUntil.Equal(until) {
		c.pauseUntil, c.pauseReason = time.Time{}, ""
	}
	c.pauseMu.Unlock()
	return nil
}

// reportWait tells Config.OnWait about a wait, with secrets redacted as a
// last line of defence.
func (c *Client) reportWait(why string, d time.Duration) {
	if c.onWait != nil {
		c.onWait(c.redact(why), d)
	}
}

// retryAfter parses Retry-After (seconds or an HTTP date), capped at
// maxRetryAfter so that a bad header cannot stall a sync.
func retryAfter(v string, now time.Time) (time.Duration, bool) {
	d, ok := httpx.RetryAfter(v, now)
	return min(d, maxRetryAfter), ok
}

// backoff is the wait before retry number attempt+1 (httpx.Backoff).
func backoff(attempt int) time.Duration { return httpx.Backoff(attempt, backoffBase, backoffMax) }

// wait sleeps for d, or until ctx is done.
func (c *Client) wait(ctx context.Context, d time.Duration) error {
	return httpx.Sleep(ctx, d, c.sleep)
}

// safeURL is rawURL as error text: redactURL's work, then the client's
// secrets in any form (a server may echo a token in a redirect or a path).
func (c *Client) safeURL(rawURL string) string {
	return c.redact(redactURL(rawURL))
}

// redactURL strips user info and secret-looking query values, for error
// text; an issue key is no secret.
func redactURL(raw string) string { return httpx.RedactURL(raw, "issuekey") }
