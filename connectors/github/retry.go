package github

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/kpidesk/kpidesk/internal/httpx"

	gh "github.com/google/go-github/v60/github"
)

// Backoff and bounds. GitHub documents that after a secondary rate limit
// without Retry-After a client should wait at least a minute
// (https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api).
const (
	backoffBase        = 500 * time.Millisecond
	backoffMax         = 30 * time.Second
	secondaryMinWait   = time.Minute
	maxBodyBytes       = 64 << 20
	resetSlack         = time.Second // X-RateLimit-Reset has one-second resolution
	maxPrimaryWaitLoop = 3           // primary waits per request, besides MaxRetries
)

// response is one answer: a 2xx body, or a 304 for a conditional request.
type response struct {
	Body        []byte
	Header      http.Header
	NotModified bool
}

// ETag returns the answer's entity tag, for the next conditional request.
func (r *response) ETag() string { return r.Header.Get("ETag") }

// Next returns the Link header's rel="next" URL exactly as GitHub wrote it
// (it may switch from /repos/{owner}/{name}/… to /repositories/{id}/…, so
// kpidesk never builds a page URL itself), or "".
func (r *response) Next() string { return linkNext(r.Header.Values("Link")) }

// linkNext finds rel="next" in Link header values (RFC 8288).
func linkNext(values []string) string {
	for _, v := range values {
		for _, part := range strings.Split(v, ",") {
			part = strings.TrimSpace(part)
			end := strings.Index(part, ">")
			if !strings.HasPrefix(part, "<") || end < 0 {
				continue
			}
			for _, p := range strings.Split(part[end+1:], ";") {
				k, val, ok := strings.Cut(strings.TrimSpace(p), "=")
				if !ok || !strings.EqualFold(strings.TrimSpace(k), "rel") {
					continue
				}
				for _, rel := range strings.Fields(strings.Trim(strings.TrimSpace(val), `"`)) {
					if rel == "next" {
						return part[1:end]
					}
				}
			}
		}
	}
	return ""
}

// get sends GET ref (a path relative to the base URL, or an absolute URL
// from a Link header), conditional on etag when it is not empty, and
// retries as the package doc describes. A wait longer than MaxWait stops
// with a [*StopError].
func (c *Client) get(ctx context.Context, ref, etag string) (*response, error) {
	tmpl, err := c.api.NewRequest(http.MethodGet, ref, nil)
	if err != nil {
		return nil, fmt.Errorf("github: build request for %s: %w", c.safeURL(ref), err)
	}
	// The v3 JSON, version-pinned by go-github's X-GitHub-Api-Version.
	tmpl.Header.Set("Accept", "application/vnd.github+json")
	safe := "GET " + c.safeURL(tmpl.URL.String())
	var lastErr error
	retries, primary := 0, 0
	for {
		if err := c.awaitPause(ctx); err != nil {
			return nil, fmt.Errorf("%s: %w", safe, err)
		}
		resp, wait, why, isPrimary, err := c.attempt(ctx, tmpl, etag)
		if err == nil {
			return resp, nil
		}
		if ctx.Err() != nil {
			return nil, fmt.Errorf("%s: %w", safe, ctx.Err())
		}
		lastErr = err
		if wait < 0 {
			break
		}
		if isPrimary {
			if primary >= maxPrimaryWaitLoop {
				break
			}
			primary++
		} else {
			if retries >= c.maxRetries {
				break
			}
			retries++
			if wait == 0 {
				wait = backoff(retries - 1)
				why += ", backing off"
			}
		}
		if wait > c.maxWait {
			return nil, &StopError{Why: why, Until: c.now().Add(wait).UTC(), Wait: wait, Max: c.maxWait}
		}
		c.reportWait(why, wait)
		if err := c.wait(ctx, wait); err != nil {
			return nil, fmt.Errorf("%s: %w", safe, err)
		}
	}
	if isRetryable(lastErr) && retries > 0 {
		return nil, fmt.Errorf("gave up after %d attempts: %w", retries+1, lastErr)
	}
	return nil, lastErr
}

// retryableError marks a failure worth another attempt.
type retryableError struct{ err error }

func (e *retryableError) Error() string { return e.err.Error() }
func (e *retryableError) Unwrap() error { return e.err }

func isRetryable(err error) bool {
	var r *retryableError
	return errors.As(err, &r)
}

// attempt makes one try under its own timeout and the concurrency bound.
// It returns the answer, or an error and how long to wait before the next
// try: 0 for the default backoff, > 0 as the server asked, -1 when final;
// primary says the wait is a spent primary quota (waited out, not counted
// as a retry). why names the method and path, never the query or a secret.
func (c *Client) attempt(ctx context.Context, tmpl *http.Request, etag string) (resp *response, wait time.Duration, why string, primary bool, err error) {
	select {
	case c.sem <- struct{}{}:
		defer func() { <-c.sem }()
	case <-ctx.Done():
		return nil, -1, "", false, ctx.Err()
	}
	actx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	req := tmpl.Clone(actx)
	if etag != "" {
		req.Header.Set("If-None-Match", etag)
	}
	rawURL := req.URL.String()
	where := "GET " + req.URL.EscapedPath()
	hr, err := c.hc.Do(req)
	if err != nil {
		err = httpx.UnwrapURLError(err)
		var oe *OriginError
		switch {
		case errors.As(err, &oe):
			return nil, -1, "", false, fmt.Errorf("GET %s: %w", c.safeURL(rawURL), err)
		case ctx.Err() != nil:
			return nil, -1, "", false, ctx.Err()
		case !c.answered.Load() && actx.Err() == nil:
			// Nothing has come back from this host yet: a refused
			// connection or an unknown name is a configuration problem
			// that retrying only delays.
			return nil, -1, "", false, fmt.Errorf("GET %s: cannot reach %s (check base_url and the network; not retried before the host has answered once): %w", c.safeURL(rawURL), req.URL.Host, err)
		}
		return nil, 0, "network error on " + where, false, &retryableError{fmt.Errorf("GET %s: %w", c.safeURL(rawURL), err)}
	}
	c.answered.Store(true)
	defer hr.Body.Close()
	body, err := io.ReadAll(io.LimitReader(hr.Body, maxBodyBytes))
	if err != nil {
		if ctx.Err() != nil {
			return nil, -1, "", false, ctx.Err()
		}
		return nil, 0, "response cut off on " + where, false, &retryableError{fmt.Errorf("GET %s: read %s response: %w", c.safeURL(rawURL), hr.Status, err)}
	}
	c.requests.Add(1)
	if hr.StatusCode != http.StatusNotModified {
		c.rateLimited.Add(1)
	}
	if c.onRequest != nil {
		c.onRequest(http.MethodGet, req.URL.EscapedPath(), hr.StatusCode)
	}
	switch {
	case hr.StatusCode >= 200 && hr.StatusCode <= 299:
		c.noteRateLimit(hr.Header, where)
		return &response{Body: body, Header: hr.Header}, 0, "", false, nil
	case hr.StatusCode == http.StatusNotModified:
		c.noteRateLimit(hr.Header, where)
		return &response{Header: hr.Header, NotModified: true}, 0, "", false, nil
	}

	apiErr := c.newAPIError(hr, http.MethodGet, rawURL, body)
	now := c.now()
	status := hr.StatusCode
	if status == http.StatusForbidden || status == http.StatusTooManyRequests {
		// go-github types the answer: a spent primary quota
		// (X-RateLimit-Remaining: 0), a secondary limit (its documentation
		// URL), or a plain refusal.
		hr.Body = io.NopCloser(bytes.NewReader(body))
		typed := gh.CheckResponse(hr)
		var (
			rle   *gh.RateLimitError
			abuse *gh.AbuseRateLimitError
		)
		ra, hasRA := httpx.RetryAfter(hr.Header.Get("Retry-After"), now)
		switch {
		case hr.Header.Get("X-RateLimit-Remaining") == "0" || errors.As(typed, &rle):
			d := resetSlack
			if r, ok := rateLimitReset(hr.Header.Get("X-RateLimit-Reset"), now); ok {
				d = max(r+resetSlack, resetSlack)
			} else if hasRA {
				d = ra
			} else {
				d = secondaryMinWait
			}
			why = fmt.Sprintf("GitHub primary rate limit spent (HTTP %d, X-RateLimit-Remaining: 0%s) on %s", status, resource(hr.Header), where)
			c.setPause(now.Add(d), why)
			return nil, d, why, true, &retryableError{apiErr}
		case hasRA:
			why = fmt.Sprintf("GitHub secondary rate limit (HTTP %d, Retry-After: %s) on %s", status, strings.TrimSpace(hr.Header.Get("Retry-After")), where)
			return nil, ra, why, false, &retryableError{apiErr}
		case errors.As(typed, &abuse) || secondaryMessage(apiErr.Message):
			why = fmt.Sprintf("GitHub secondary rate limit (HTTP %d, no Retry-After: waiting at least a minute, as GitHub asks) on %s", status, where)
			return nil, secondaryMinWait, why, false, &retryableError{apiErr}
		case status == http.StatusTooManyRequests:
			return nil, 0, fmt.Sprintf("GitHub answered HTTP 429 on %s", where), false, &retryableError{apiErr}
		}
		return nil, -1, "", false, apiErr
	}
	if status >= 500 {
		why = fmt.Sprintf("GitHub answered HTTP %d on %s", status, where)
		if hasRA := hr.Header.Get("Retry-After") != ""; hasRA {
			if d, ok := httpx.RetryAfter(hr.Header.Get("Retry-After"), now); ok {
				return nil, d, why + ", as Retry-After asks", false, &retryableError{apiErr}
			}
		}
		return nil, 0, why, false, &retryableError{apiErr}
	}
	return nil, -1, "", false, apiErr
}

// secondaryMessage reports whether a 403's message is one of GitHub's
// documented secondary-limit texts ("You have exceeded a secondary rate
// limit…", older "…abuse detection mechanism…").
func secondaryMessage(msg string) bool {
	m := strings.ToLower(msg)
	return strings.Contains(m, "secondary rate limit") || strings.Contains(m, "abuse detection")
}

// resource names the quota (core, search, …) when GitHub says.
func resource(h http.Header) string {
	r := strings.TrimSpace(h.Get("X-RateLimit-Resource"))
	for _, ch := range r {
		if ch != '_' && ch != '-' && (ch < 'a' || ch > 'z') {
			return ""
		}
	}
	if r == "" || len(r) > 32 {
		return ""
	}
	return ", resource " + r
}

// noteRateLimit reads the primary quota headers of an answer: when the
// quota is spent, every later request waits for X-RateLimit-Reset rather
// than spend a request on a certain 403.
func (c *Client) noteRateLimit(h http.Header, where string) {
	if strings.TrimSpace(h.Get("X-RateLimit-Remaining")) != "0" {
		return
	}
	now := c.now()
	d, ok := rateLimitReset(h.Get("X-RateLimit-Reset"), now)
	if !ok || d+resetSlack <= 0 {
		return
	}
	c.setPause(now.Add(d+resetSlack), "GitHub primary rate limit used up (X-RateLimit-Remaining: 0"+resource(h)+") after "+where)
}

func (c *Client) setPause(until time.Time, why string) {
	c.pauseMu.Lock()
	if until.After(c.pauseUntil) {
		c.pauseUntil, c.pauseReason = until, why
	}
	c.pauseMu.Unlock()
}

// awaitPause waits out a pause set by a spent quota, reporting it first,
// or stops when it is longer than MaxWait.
func (c *Client) awaitPause(ctx context.Context) error {
	c.pauseMu.Lock()
	until, why := c.pauseUntil, c.pauseReason
	c.pauseMu.Unlock()
	if until.IsZero() {
		return nil
	}
	if d := until.Sub(c.now()); d > 0 {
		if d > c.maxWait {
			return &StopError{Why: why, Until: until.UTC(), Wait: d, Max: c.maxWait}
		}
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

// reportWait tells Config.OnWait about a wait, saying until when (UTC).
func (c *Client) reportWait(why string, d time.Duration) {
	if c.onWait != nil {
		until := c.now().Add(d).UTC().Format(time.RFC3339)
		c.onWait(c.redact(fmt.Sprintf("%s; waiting until %s", why, until)), d)
	}
}

// rateLimitReset parses X-RateLimit-Reset (Unix seconds) into the time
// left until it; it may be negative when the reset has passed.
func rateLimitReset(v string, now time.Time) (time.Duration, bool) {
	n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	if err != nil || n <= 0 {
		return 0, false
	}
	return time.Unix(n, 0).Sub(now), true
}

// backoff is the wait before retry number attempt+1 (httpx.Backoff).
func backoff(attempt int) time.Duration { return httpx.Backoff(attempt, backoffBase, backoffMax) }

// wait sleeps for d, or until ctx is done.
func (c *Client) wait(ctx context.Context, d time.Duration) error {
	return httpx.Sleep(ctx, d, c.sleep)
}

// safeURL is rawURL as error text: redactURL's work, then the client's
// secrets in any form.
func (c *Client) safeURL(rawURL string) string { return c.redact(redactURL(rawURL)) }
