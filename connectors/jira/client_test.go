package jira

import (
	"context"
	"encoding/base64"
	"errors"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/kpidesk/kpidesk/connectors"
)

func TestDeploymentDetection(t *testing.T) {
	tests := []struct {
		name string
		body []byte
		host string // dialled on the fake's address; "" means the loopback address
		want string
	}{
		{name: "recorded cloud deploymentType", body: readFixture(t, "serverinfo-cloud.json"), want: Cloud},
		{name: "spec example without deploymentType on own host", body: readFixture(t, "spec-serverinfo-v3.json"), want: DataCenter},
		{name: "spec example without deploymentType on atlassian.net", body: readFixture(t, "spec-serverinfo-v3.json"), host: "demo.atlassian.net", want: Cloud},
		{name: "server", body: []byte(`{"deploymentType":"Server"}`), want: DataCenter},
		{name: "data center", body: []byte(`{"deploymentType":"DataCenter"}`), host: "demo.atlassian.net", want: DataCenter},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t)
			f.handle("GET", "/rest/api/2/serverInfo", func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.Write(tc.body)
			})
			c, _ := newTestClient(t, f, "", func(cfg *Config) {
				if tc.host != "" {
					cfg.BaseURL = "http://" + tc.host + basePath
				}
			})
			if tc.host != "" {
				addr := f.srv.Listener.Addr().String()
				c.transport.DialContext = func(ctx context.Context, network, _ string) (net.Conn, error) {
					return (&net.Dialer{}).DialContext(ctx, network, addr)
				}
			}
			for range 2 { // the second call is served from the cache
				got, err := c.Deployment(context.Background())
				if err != nil {
					t.Fatalf("Deployment: %v", err)
				}
				if got != tc.want {
					t.Errorf("Deployment() = %q, want %q", got, tc.want)
				}
			}
			if n := f.count("GET", "/rest/api/2/serverInfo"); n != 1 {
				t.Errorf("serverInfo requested %d times, want 1", n)
			}
		})
	}
}

func TestDeploymentConfiguredSkipsDetection(t *testing.T) {
	f := newFake(t) // no handlers: any request would be a 404
	c, _ := newTestClient(t, f, DataCenter, nil)
	got, err := c.Deployment(context.Background())
	if err != nil || got != DataCenter {
		t.Errorf("Deployment() = %q, %v, want %q, nil", got, err, DataCenter)
	}
}

func TestNewClientRejects(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{name: "no scheme", cfg: Config{BaseURL: "jira.example.com", Token: testToken}, want: "not an http(s) URL"},
		{name: "credentials in URL", cfg: Config{BaseURL: "https://u:" + testToken + "@jira.example.com", Token: testToken}, want: "must not contain credentials"},
		{name: "unknown deployment", cfg: Config{BaseURL: "https://jira.example.com", Deployment: "server", Token: testToken}, want: "deployment"},
		{name: "no token", cfg: Config{BaseURL: "https://x.atlassian.net", Email: testEmail}, want: "no API token"},
		{name: "cloud without email", cfg: Config{BaseURL: "https://x.atlassian.net", Deployment: Cloud, Token: testToken}, want: "email"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewClient(tc.cfg)
			if err == nil {
				t.Fatalf("NewClient(%+v) = nil error, want one containing %q", tc.name, tc.want)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("NewClient error = %q, want it to contain %q", err, tc.want)
			}
			if strings.Contains(err.Error(), testToken) {
				t.Errorf("NewClient error %q contains the token", err)
			}
		})
	}
}

func TestAuthHeadersAndUserAgent(t *testing.T) {
	tests := []struct {
		deployment string
		want       string
	}{
		{deployment: Cloud, want: "Basic " + base64.StdEncoding.EncodeToString([]byte(testEmail+":"+testToken))},
		{deployment: DataCenter, want: "Bearer " + testToken},
	}
	for _, tc := range tests {
		t.Run(tc.deployment, func(t *testing.T) {
			f := newFake(t)
			f.handle("GET", "/rest/api/"+apiVersion(tc.deployment)+"/issue/SD-1/comment", func(w http.ResponseWriter, r *http.Request) {
				if got := r.Header.Get("Authorization"); got != tc.want {
					t.Errorf("Authorization = %q, want %q", got, tc.want)
				}
				if got := r.Header.Get("User-Agent"); got != testUA {
					t.Errorf("User-Agent = %q, want %q", got, testUA)
				}
				writeJSON(t, w, 200, map[string]any{"startAt": 0, "maxResults": 50, "total": 0, "comments": []any{}})
			})
			c, _ := newTestClient(t, f, tc.deployment, nil)
			if err := c.Comments(context.Background(), "SD-1", func([]jsonRaw) error { return nil }); err != nil {
				t.Fatalf("Comments: %v", err)
			}
		})
	}
}

func TestRefusedCredentials(t *testing.T) {
	tests := []struct {
		name       string
		deployment string
		status     int
		wantHint   string
	}{
		{name: "cloud 401", deployment: Cloud, status: 401, wantHint: "basic auth (email " + testEmail + " + API token) was refused"},
		{name: "data center 401", deployment: DataCenter, status: 401, wantHint: "personal access token (bearer) was refused"},
		{name: "cloud 403", deployment: Cloud, status: 403, wantHint: "lacks permission; the account needs Browse projects"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t)
			path := "/rest/api/3/issue/SD-1/changelog"
			if tc.deployment == DataCenter {
				path = "/rest/api/2/issue/SD-1" // with expand=changelog
			}
			f.handle("GET", path, func(w http.ResponseWriter, r *http.Request) {
				// A hostile or buggy server echoing the credential back.
				writeJSON(t, w, tc.status, map[string]any{
					"errorMessages": []string{"bad credentials: " + r.Header.Get("Authorization")},
					"errors":        map[string]string{},
				})
			})
			c, sl := newTestClient(t, f, tc.deployment, nil)
			err := c.Changelog(context.Background(), "SD-1", func([]jsonRaw) error { return nil })
			if !errors.Is(err, connectors.ErrUnauthorized) {
				t.Fatalf("Changelog error = %v, want connectors.ErrUnauthorized", err)
			}
			var apiErr *APIError
			if !errors.As(err, &apiErr) || apiErr.Status != tc.status || apiErr.Method != "GET" {
				t.Fatalf("Changelog error = %#v, want *APIError with status %d", err, tc.status)
			}
			msg := err.Error()
			basic := base64.StdEncoding.EncodeToString([]byte(testEmail + ":" + testToken))
			if strings.Contains(msg, testToken) || strings.Contains(msg, basic) {
				t.Errorf("error %q reveals the credential", msg)
			}
			if !strings.Contains(msg, tc.wantHint) {
				t.Errorf("error %q does not contain %q", msg, tc.wantHint)
			}
			if !strings.Contains(msg, "/jira"+path) || strings.Contains(msg, "\n") {
				t.Errorf("error %q is not one line naming the URL", msg)
			}
			if got := f.count("GET", path); got != 1 || len(sl.got()) != 0 {
				t.Errorf("requests = %d, sleeps = %v; want 1 request and no retry", got, sl.got())
			}
		})
	}
}

func TestErrorCollection(t *testing.T) {
	f := newFake(t)
	f.handle("GET", "/rest/api/2/issue/SD-9/comment", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		w.Write(readFixture(t, "error-errorcollection-not-found.json"))
	})
	c, sl := newTestClient(t, f, DataCenter, nil)
	err := c.Comments(context.Background(), "SD-9", func([]jsonRaw) error { return nil })
	var apiErr *APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("Comments error = %v, want *APIError", err)
	}
	if diff := cmp.Diff([]string{"Permission scheme 101001 does not exist"}, apiErr.Messages); diff != "" {
		t.Errorf("Messages mismatch (-want +got):\n%s", diff)
	}
	if errors.Is(err, connectors.ErrUnauthorized) {
		t.Errorf("404 error %v matches ErrUnauthorized", err)
	}
	wantPrefix := "jira: list comments for SD-9: GET " + f.srv.URL + "/jira/rest/api/2/issue/SD-9/comment?"
	if !strings.HasPrefix(err.Error(), wantPrefix) || !strings.HasSuffix(err.Error(), "404 Not Found: Permission scheme 101001 does not exist") {
		t.Errorf("error = %q, want %q…404 Not Found: Permission scheme 101001 does not exist", err, wantPrefix)
	}
	if len(sl.got()) != 0 {
		t.Errorf("404 was retried: sleeps %v", sl.got())
	}
}

func TestAPIErrorFieldErrors(t *testing.T) {
	f := newFake(t)
	f.handle("POST", "/rest/api/2/search", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(t, w, 400, map[string]any{
			"errorMessages": []string{"Error in the JQL Query"},
			"errors":        map[string]string{"jql": "bad field", "fields": "unknown"},
		})
	})
	c, _ := newTestClient(t, f, DataCenter, nil)
	err := c.Search(context.Background(), "project = X AND", nil, func([]jsonRaw) error { return nil })
	var apiErr *APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("Search error = %v, want *APIError", err)
	}
	want := []string{"Error in the JQL Query", "fields: unknown", "jql: bad field"}
	if diff := cmp.Diff(want, apiErr.Messages); diff != "" {
		t.Errorf("Messages mismatch (-want +got):\n%s", diff)
	}
}

func TestRedactURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{in: "https://jira.example.com/rest/api/2/search?startAt=2", want: "https://jira.example.com/rest/api/2/search?startAt=2"},
		{in: "https://u:pw@jira.example.com/x?access_token=abc&startAt=0", want: "https://jira.example.com/x?access_token=REDACTED&startAt=0"},
		{in: "https://jira.example.com/x?jwt=abc", want: "https://jira.example.com/x?jwt=REDACTED"},
	}
	for _, tc := range tests {
		if got := redactURL(tc.in); got != tc.want {
			t.Errorf("redactURL(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
