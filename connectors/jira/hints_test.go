package jira

import (
	"cmp"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/kpidesk/kpidesk/connectors"
)

// TestAdminHints: errors an admin must act on say what to do (issue 10
// §7): a personal access token on Cloud, a base_url with a wrong path, an
// unreachable host or a bad certificate (not retried), a rejected JQL.
func TestAdminHints(t *testing.T) {
	const jqlError = "Error in the JQL Query: Expecting ')' but got '(' at character 29."
	unauthorized := func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusUnauthorized) // Cloud's answer to a bearer token
	}
	tests := []struct {
		name       string
		deployment string
		email      string // "" means bearer
		host       string // dialled on the fake's address; "" means loopback
		base       string // base URL path; "" means basePath
		setup      func(t *testing.T, f *fake)
		// server replaces the fake's URL (scheme://host:port) when set.
		server  func(t *testing.T) string
		jql     string // a JQL filter: search through a Source
		want    []string
		notWant []string
	}{
		{name: "bearer on an atlassian.net host", deployment: DataCenter, host: "demo.atlassian.net",
			setup: func(t *testing.T, f *fake) { f.handle("POST", "/rest/api/2/search", unauthorized) },
			want:  []string{"401 Unauthorized", "personal access token (bearer) was refused", "Jira Cloud", "email_env and token_env"}},
		{name: "bearer on a site detected as Cloud",
			setup: func(t *testing.T, f *fake) {
				f.handle("GET", "/rest/api/2/serverInfo", func(w http.ResponseWriter, r *http.Request) {
					w.Write([]byte(`{"deploymentType":"Cloud"}`))
				})
				f.handle("POST", "/rest/api/3/search/jql", unauthorized)
			},
			want: []string{"personal access token (bearer) was refused", "email_env and token_env"}},
		{name: "bearer refused on Data Center", deployment: DataCenter,
			setup:   func(t *testing.T, f *fake) { f.handle("POST", "/rest/api/2/search", unauthorized) },
			want:    []string{"personal access token (bearer) was refused; check that it is current"},
			notWant: []string{"email_env"}},
		{name: "base_url with a wrong path", deployment: Cloud, email: testEmail, base: "/wrong",
			setup: func(t *testing.T, f *fake) {},
			want:  []string{"404 Not Found", "check base_url", "site root", "https://jira.example.com/jira", "/wrong/rest/api/3/search/jql"}},
		{name: "404 with Jira's own message has no base_url hint", deployment: DataCenter,
			setup: func(t *testing.T, f *fake) {
				f.handle("POST", "/rest/api/2/search", func(w http.ResponseWriter, r *http.Request) {
					writeJSON(t, w, http.StatusNotFound, map[string]any{"errorMessages": []string{"The project does not exist."}})
				})
			},
			want: []string{"404 Not Found", "The project does not exist."}, notWant: []string{"base_url"}},
		{name: "connection refused", deployment: DataCenter,
			server: func(t *testing.T) string {
				l, err := net.Listen("tcp", "127.0.0.1:0")
				if err != nil {
					t.Fatal(err)
				}
				addr := l.Addr().String()
				l.Close()
				return "http://" + addr
			},
			want: []string{"cannot reach 127.0.0.1:", "connection refused", "check base_url", "not retried"}},
		{name: "untrusted certificate", deployment: DataCenter,
			server: func(t *testing.T) string {
				srv := httptest.NewUnstartedServer(http.NotFoundHandler())
				srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the handshake error is the point
				srv.StartTLS()
				t.Cleanup(srv.Close)
				return srv.URL
			},
			want: []string{"TLS certificate problem with 127.0.0.1:", "certificate", "not retried"}},
		{name: "rejected JQL", deployment: Cloud, email: testEmail, jql: "status in (Open) (Closed)",
			setup: func(t *testing.T, f *fake) {
				f.handle("POST", "/rest/api/3/search/jql", func(w http.ResponseWriter, r *http.Request) {
					writeJSON(t, w, http.StatusBadRequest, map[string]any{"errorMessages": []string{jqlError}})
				})
			},
			want: []string{"400 Bad Request", jqlError, `the JQL kpidesk sent: project in ("SD") AND (status in (Open) (Closed)) ORDER BY updated ASC, key ASC`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t)
			if tc.setup != nil {
				tc.setup(t, f)
			}
			origin := f.srv.URL
			if tc.server != nil {
				origin = tc.server(t)
			}
			if tc.host != "" {
				origin = "http://" + tc.host
			}
			rec := &sleeps{}
			cfg := Config{
				BaseURL: origin + cmp.Or(tc.base, basePath), Deployment: tc.deployment, Email: tc.email, Token: testToken,
				Timeout: 5 * time.Second, UserAgent: testUA, Sleep: rec.sleep,
			}
			src, err := NewSource(SourceConfig{Name: "jsm", Client: cfg, Projects: []string{"SD"}, JQL: tc.jql})
			if err != nil {
				t.Fatal(err)
			}
			if tc.host != "" {
				addr := f.srv.Listener.Addr().String()
				src.client.transport.DialContext = func(ctx context.Context, network, _ string) (net.Conn, error) {
					return (&net.Dialer{}).DialContext(ctx, network, addr)
				}
			}
			ctx := context.Background()
			start := time.Now()
			if tc.jql != "" {
				err = src.Fetch(ctx, "", func(connectors.Batch) error { return nil })
			} else {
				err = src.client.Search(ctx, "project = SD", nil, func([]json.RawMessage) error { return nil })
			}
			if err == nil {
				t.Fatal("the request succeeded, want an error")
			}
			msg := err.Error()
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Errorf("error %q does not say %q", msg, w)
				}
			}
			for _, w := range tc.notWant {
				if strings.Contains(msg, w) {
					t.Errorf("error %q says %q", msg, w)
				}
			}
			if strings.Contains(strings.ToLower(msg), strings.ToLower(testToken)) {
				t.Errorf("error %q holds the token", msg)
			}
			if d := rec.got(); len(d) != 0 || time.Since(start) > 3*time.Second {
				t.Errorf("waited %v over %v: want a final error at once", d, time.Since(start))
			}
		})
	}
}

// TestNetworkErrorRetriedOnceUnderWay: once the host has answered, a
// refused connection is a blip worth the usual retries.
func TestNetworkErrorRetriedOnceUnderWay(t *testing.T) {
	f := newFake(t)
	f.handle("GET", commentPath, func(w http.ResponseWriter, r *http.Request) { writeJSON(t, w, 200, okComments) })
	c, rec := newTestClient(t, f, DataCenter, func(cfg *Config) { cfg.MaxRetries = 2 })
	if _, err := comments(c, context.Background()); err != nil {
		t.Fatalf("first Comments: %v", err)
	}
	f.srv.Close() // the host goes away mid-sync
	_, err := comments(c, context.Background())
	if err == nil || !strings.Contains(err.Error(), "gave up after 3 attempts") {
		t.Errorf("Comments after the host went away = %v, want it to give up after 3 attempts", err)
	}
	if d := rec.got(); len(d) != 2 {
		t.Errorf("waits %v, want 2 (a retry per attempt)", d)
	}
}

// TestErrorsRedactEchoedSecrets: a server that echoes the credential in an
// error body, in whatever form, does not get it into the error text.
func TestErrorsRedactEchoedSecrets(t *testing.T) {
	basic := base64.StdEncoding.EncodeToString([]byte(testEmail + ":" + testToken))
	tests := []struct {
		name string
		echo func(r *http.Request) string
	}{
		{name: "as sent", echo: func(*http.Request) string { return testToken }},
		{name: "lower-cased", echo: func(*http.Request) string { return strings.ToLower(testToken) }},
		{name: "upper-cased", echo: func(*http.Request) string { return strings.ToUpper(testToken) }},
		{name: "the Authorization header", echo: func(r *http.Request) string { return r.Header.Get("Authorization") }},
		{name: "the token in base64", echo: func(*http.Request) string { return base64.StdEncoding.EncodeToString([]byte(testToken)) }},
		{name: "query-escaped Basic form", echo: func(*http.Request) string { return "?a=" + url.QueryEscape(basic) }},
		{name: "path-escaped token", echo: func(*http.Request) string { return "/" + url.PathEscape(testToken+"/x") }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t)
			f.handle("POST", "/rest/api/3/search/jql", func(w http.ResponseWriter, r *http.Request) {
				writeJSON(t, w, http.StatusForbidden, map[string]any{"errorMessages": []string{"refused " + tc.echo(r)}})
			})
			c, _ := newTestClient(t, f, Cloud, nil)
			err := c.Search(context.Background(), "project = SD", nil, func([]json.RawMessage) error { return nil })
			if err == nil {
				t.Fatal("Search succeeded, want a 403")
			}
			msg := strings.ToLower(err.Error())
			for _, form := range []string{testToken, basic, base64.StdEncoding.EncodeToString([]byte(testToken)), url.QueryEscape(basic), url.PathEscape(testToken)} {
				if strings.Contains(msg, strings.ToLower(form)) {
					t.Errorf("error %q holds the credential as %q", err, form)
				}
			}
			if !strings.Contains(err.Error(), "REDACTED") {
				t.Errorf("error %q does not show where the secret was", err)
			}
		})
	}
}
