package jira

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"syscall"

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
	// JQL is the query kpidesk sent, when Jira rejected a search (400):
	// Jira's message points into it ("at character 29") and the admin
	// never saw it, since kpidesk builds it from projects and jql.
	JQL string

	// hint explains a 401 or 403 (which credential was refused, and what
	// permission is likely missing or, for a personal access token on
	// Cloud, which credential to use instead) or a bare 404 (base_url's
	// path). It never holds the secret.
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
	if e.JQL != "" {
		b.WriteString("; the JQL kpidesk sent: ")
		b.WriteString(e.JQL)
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
	switch {
	case c.bearer && (resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden) && c.cloud():
		e.hint = "the " + c.credential + " was refused: this is a Jira Cloud site, which takes no personal access tokens; it needs the account's email and an API token (set email_env and token_env)"
		return e
	case resp.StatusCode == http.StatusNotFound && len(e.Messages) == 0:
		e.hint = "Jira has no such resource at " + requestPath(rawURL) + ": check base_url, which must be the site root, such as https://example.atlassian.net, or https://jira.example.com/jira with the context path"
		return e
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

// cloud reports whether the site is Jira Cloud as far as is known: the
// deployment configured or detected says so, or the host is
// *.atlassian.net (whatever the config says).
func (c *Client) cloud() bool {
	c.mu.Lock()
	d := c.deployment
	c.mu.Unlock()
	return d == Cloud || strings.HasSuffix(strings.ToLower(c.base.Hostname()), ".atlassian.net")
}

// requestPath is the URL path of rawURL, for a hint.
func requestPath(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return "(unparsable URL)"
	}
	return u.EscapedPath()
}

// withJQL adds jql, redacted, to a search that Jira rejected as a bad
// request; any other error is returned as it is.
func (c *Client) withJQL(err error, jql string) error {
	var e *APIError
	if errors.As(err, &e) && e.Status == http.StatusBadRequest {
		e.JQL = c.redact(jql)
	}
	return err
}

// redact removes the client's secrets, in every form a server might echo
// them (see [connectors.Redactor]), from text a server sent back.
func (c *Client) redact(s string) string {
	return c.secrets.Redact(s)
}

// unreachable explains a network error on a request before the host has
// ever answered: the error is final, so say what to check.
func unreachable(host string, err error) error {
	var (
		unknownCA  x509.UnknownAuthorityError
		wrongHost  x509.HostnameError
		invalid    x509.CertificateInvalidError
		verify     *tls.CertificateVerificationError
		record     tls.RecordHeaderError
		dns        *net.DNSError
		tlsProblem = errors.As(err, &unknownCA) || errors.As(err, &wrongHost) || errors.As(err, &invalid) ||
			errors.As(err, &verify) || errors.As(err, &record) || strings.Contains(err.Error(), "tls: ")
	)
	switch {
	case errors.As(err, &record):
		return fmt.Errorf("TLS handshake with %s failed (check base_url's scheme: http or https; not retried): %w", host, err)
	case tlsProblem:
		return fmt.Errorf("TLS certificate problem with %s (check that base_url names the host the certificate is for, and that the system trusts the CA that signed it; not retried): %w", host, err)
	case errors.Is(err, syscall.ECONNREFUSED):
		return fmt.Errorf("cannot reach %s: connection refused (check base_url's host and port, and that Jira is up; not retried): %w", host, err)
	case errors.As(err, &dns):
		return fmt.Errorf("cannot reach %s: the host name does not resolve (check base_url; not retried): %w", host, err)
	}
	return fmt.Errorf("cannot reach %s (check base_url and the network: proxy, firewall; not retried before the host has answered once): %w", host, err)
}

// errNoProgress stops a pager that would otherwise loop forever.
var errNoProgress = errors.New("server returned the same page cursor twice")
