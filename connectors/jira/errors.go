package jira

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/kpidesk/kpidesk/connectors"
)

// APIError is a non-2xx answer from Jira. It matches
// connectors.ErrUnauthorized (errors.Is) for 401 and 403.
type APIError struct {
	// Status is the HTTP status code.
	Status int
	// Method and URL identify the request; URL has secrets redacted.
	Method, URL string
	// Messages are Jira's ErrorCollection errorMessages, then its
	// field errors as "field: message" sorted by field; secrets redacted.
	Messages []string

	// hint explains a 401 or 403: which credential was refused and what
	// permission is likely missing. It never holds the secret.
	hint string
}

// Error returns one line: request, status, hint and Jira's messages.
func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s: %d %s", e.Method, e.URL, e.Status, http.StatusText(e.Status))
	if e.hint != "" {
		b.WriteString(": ")
		b.WriteString(e.hint)
	}
	if len(e.Messages) > 0 {
		b.WriteString(": ")
		b.WriteString(strings.Join(e.Messages, "; "))
	}
	return strings.ReplaceAll(strings.ReplaceAll(b.String(), "\r", " "), "\n", " ")
}

// Is reports whether e is a refused credential (401 or 403).
func (e *APIError) Is(target error) bool {
	return target == connectors.ErrUnauthorized &&
		(e.Status == http.StatusUnauthorized || e.Status == http.StatusForbidden)
}

// errorCollection is Jira's error body.
type errorCollection struct {
	ErrorMessages []string          `json:"errorMessages"`
	Errors        map[string]string `json:"errors"`
}

// newAPIError builds the error for a non-2xx response. A body that is not
// an ErrorCollection (Jira's 401 may be HTML or empty) gives no messages.
func (c *Client) newAPIError(resp *http.Response, method, rawURL string, body []byte) *APIError {
	e := &APIError{Status: resp.StatusCode, Method: method, URL: redactURL(rawURL)}
	var ec errorCollection
	if json.Unmarshal(body, &ec) == nil {
		e.Messages = append(e.Messages, ec.ErrorMessages...)
		fields := make([]string, 0, len(ec.Errors))
		for f := range ec.Errors {
			fields = append(fields, f)
		}
		slices.Sort(fields)
		for _, f := range fields {
			e.Messages = append(e.Messages, f+": "+ec.Errors[f])
		}
	}
	for i, m := range e.Messages {
		e.Messages[i] = c.redact(m)
	}
	switch resp.StatusCode {
	case http.StatusUnauthorized:
		e.hint = "the " + c.credential + " was refused; check that it is current and belongs to this site"
	case http.StatusForbidden:
		e.hint = "the " + c.credential + " was accepted but lacks permission; the account needs Browse projects on the project (and a Service Management agent licence for SLAs and internal comments)"
		if r := resp.Header.Get("X-Seraph-LoginReason"); strings.Contains(r, "AUTHENTICATION_DENIED") {
			e.hint = "the " + c.credential + " was refused because the account must first pass a CAPTCHA; sign in once in a browser"
		}
	}
	return e
}

// redact removes the client's secrets from text a server sent back.
func (c *Client) redact(s string) string {
	for _, secret := range c.secrets {
		if secret != "" {
			s = strings.ReplaceAll(s, secret, "REDACTED")
		}
	}
	return s
}

// errNoProgress stops a pager that would otherwise loop forever.
var errNoProgress = errors.New("server returned the same page cursor twice")
