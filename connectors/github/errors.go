package github

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/kpidesk/kpidesk/connectors"
)

// ErrRateLimited is matched (errors.Is) by a [*StopError]: a sync stopped
// because a rate-limit wait would have been longer than max_wait.
var ErrRateLimited = errors.New("rate limit wait longer than max_wait")

// StopError stops a sync cleanly at a rate limit that would take longer
// than max_wait to lift: the batches emitted before stay committed with
// their cursor, so the next sync resumes where this one stopped.
type StopError struct {
	Why   string        // the limit, as OnWait would have said it
	Until time.Time     // when it lifts, UTC
	Wait  time.Duration // how long that is from now
	Max   time.Duration // max_wait
}

func (e *StopError) Error() string {
	return fmt.Sprintf("github: stopped: %s; it lifts at %s, in %s, longer than max_wait %s: what was synced is kept and the next sync resumes from there",
		e.Why, e.Until.Format(time.RFC3339), e.Wait.Round(time.Second), e.Max)
}

// Is reports whether target is ErrRateLimited.
func (e *StopError) Is(target error) bool { return target == ErrRateLimited }

// APIError is a non-2xx answer from GitHub that is final (not retried).
// It matches connectors.ErrUnauthorized for 401 and 403. Its text is one
// line and never holds a credential.
type APIError struct {
	Status      int
	Method, URL string   // URL redacted
	Message     string   // GitHub's "message"
	Details     []string // GitHub's "errors", as "resource.field: code"
	hint        string
}

// Error returns one line: request, status, what to check, GitHub's words.
func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "github: %s %s: %d %s", e.Method, e.URL, e.Status, http.StatusText(e.Status))
	if e.hint != "" {
		b.WriteString(": ")
		b.WriteString(e.hint)
	}
	if e.Message != "" {
		fmt.Fprintf(&b, " (GitHub says %q", e.Message)
		if len(e.Details) > 0 {
			b.WriteString(": " + strings.Join(e.Details, "; "))
		}
		b.WriteString(")")
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

// Is reports whether e is a refused credential (401 or 403).
func (e *APIError) Is(target error) bool {
	return target == connectors.ErrUnauthorized &&
		(e.Status == http.StatusUnauthorized || e.Status == http.StatusForbidden)
}

// errorBody is GitHub's error JSON.
type errorBody struct {
	Message string `json:"message"`
	Errors  []struct {
		Resource string `json:"resource"`
		Field    string `json:"field"`
		Code     string `json:"code"`
		Message  string `json:"message"`
	} `json:"errors"`
}

// newAPIError builds the error for a non-2xx answer, with a hint that
// says what to check; everything from the server is redacted.
func (c *Client) newAPIError(resp *http.Response, method, rawURL string, body []byte) *APIError {
	e := &APIError{Status: resp.StatusCode, Method: method, URL: c.safeURL(rawURL)}
	var eb errorBody
	if json.Unmarshal(body, &eb) == nil {
		e.Message = c.redact(truncate(eb.Message, 300))
		for _, d := range eb.Errors {
			s := strings.Trim(d.Resource+"."+d.Field, ".")
			switch {
			case d.Message != "":
				s += ": " + d.Message
			case d.Code != "":
				s += ": " + d.Code
			}
			e.Details = append(e.Details, c.redact(truncate(s, 200)))
		}
	}
	switch resp.StatusCode {
	case http.StatusUnauthorized:
		e.hint = "the " + c.credential + " was refused: check that it is set, current and for this GitHub (a workflow's GITHUB_TOKEN lasts only as long as its job)"
	case http.StatusForbidden:
		e.hint = "the " + c.credential + " was accepted but may not read this: a fine-grained token or App needs read access to Issues and Metadata of the repository, a classic token the repo scope for private repositories"
	case http.StatusNotFound:
		e.hint = "no such repository or organization, or the " + c.credential + " cannot see it (GitHub answers 404 for a private repository without access); check repos or org, and on GitHub Enterprise Server that base_url ends in /api/v3"
	case http.StatusUnprocessableEntity:
		e.hint = "GitHub refused the request as invalid"
	}
	return e
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "") + "…"
}
