package jira

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	gojira "github.com/andygrunwald/go-jira"

	"github.com/kpidesk/kpidesk/connectors"
)

// Deployment kinds, as accepted by [Config.Deployment] and returned by
// [Client.Deployment].
const (
	Cloud      = "cloud"
	DataCenter = "datacenter"
)

// Defaults for the zero values of [Config].
const (
	DefaultTimeout     = 30 * time.Second
	DefaultMaxRetries  = 5
	DefaultConcurrency = 4
	DefaultUserAgent   = "kpidesk/dev"
)

// Config configures a [Client]. Only BaseURL and Token are required (and
// Email on Cloud).
type Config struct {
	// BaseURL is the site root, such as https://example.atlassian.net or
	// https://jira.example.com/jira (a context path is kept).
	BaseURL string
	// Deployment is Cloud, DataCenter or "" to detect it from serverInfo.
	Deployment string
	// Email and Token are the credential values (not variable names): an
	// account email and API token on Cloud (basic auth), a personal access
	// token on Data Center (bearer; Email stays empty). With Deployment
	// empty, a non-empty Email selects basic auth.
	Email, Token string
	// Timeout bounds each attempt, body included (default 30s).
	Timeout time.Duration
	// MaxRetries bounds the retries of one request after a 429, a 5xx or a
	// network error (0 means the default 5, a negative value none). Network
	// errors are retried only once the host has answered a request of this
	// client; before that they fail at once.
	MaxRetries int
	// Concurrency bounds the requests in flight on this client (default 4).
	Concurrency int
	// UserAgent is sent on every request; use "kpidesk/<version>".
	UserAgent string
	// Sleep waits between attempts. Nil means a timer that stops early when
	// the context is cancelled; tests inject a recorder.
	Sleep func(time.Duration)
	// Now is the clock used for Retry-After dates and X-RateLimit-Reset
	// (default time.Now); tests inject a fixed one.
	Now func() time.Time
	// OnWait, when set, is called before every wait: a 429's or 503's
	// Retry-After, the backoff after a 5xx or network error, and the
	// proactive pause when the rate-limit headers say the quota is spent
	// (see [Client.noteRateLimit]). reason is one line for a person, such as
	// "rate limited by Jira (HTTP 429) on GET /rest/api/2/search"; it names
	// the method and URL path but never the query, host credentials or a
	// token. It may be called from several goroutines at once.
	OnWait func(reason string, d time.Duration)
	// OnRequest, when set, is called after each response whose body was
	// read in full (errors included) with the method,
	// the URL path (no query) and the HTTP status, for progress output. It
	// may be called from several goroutines at once.
	OnRequest func(method, path string, status int)
}

// Client reads from one Jira site. It is safe for concurrent use.
type Client struct {
	api        *gojira.Client
	transport  *http.Transport // under the auth transport; tests redirect its dialer
	base       *url.URL
	origin     string // scheme://host:port of base; the only place credentials go
	credential string // describes the credential kind, never its value
	bearer     bool   // the credential is a personal access token
	secrets    *connectors.Redactor
	timeout    time.Duration
	maxRetries int
	userAgent  string
	sleep      func(time.Duration)
	now        func() time.Time
	onWait     func(reason string, d time.Duration)
	onRequest  func(method, path string, status int)
	sem        chan struct{}

	// pauseMu guards pauseUntil and pauseReason: new requests wait until
	// then because a response said the rate limit is (nearly) spent; see
	// noteRateLimit.
	pauseMu     sync.Mutex
	pauseUntil  time.Time
	pauseReason string

	// answered is set once the server has answered a request (any
	// HTTP status): until then a network error fails at once, since the
	// host is more likely misconfigured than briefly unreachable.
	answered atomic.Bool

	mu         sync.Mutex
	deployment string
}

// NewClient checks cfg and returns a client. It makes no request; the
// deployment, if not configured, is detected on first use.
func NewClient(cfg Config) (*Client, error) {
	base, err := url.Parse(cfg.BaseURL)
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" {
		return nil, fmt.Errorf("jira: base URL %q is not an http(s) URL", redactURL(cfg.BaseURL))
	}
	if base.User != nil {
		return nil, errors.New("jira: base URL must not contain credentials")
	}
	base.RawQuery, base.Fragment = "", ""
	switch cfg.Deployment {
	case "", Cloud, DataCenter:
	default:
		return nil, fmt.Errorf("jira: deployment %q is not %q, %q or empty (detect)", cfg.Deployment, Cloud, DataCenter)
	}
	if cfg.Token == "" {
		return nil, errors.New("jira: no API token or personal access token given")
	}
	basic := cfg.Deployment == Cloud || (cfg.Deployment == "" && cfg.Email != "")
	if basic && cfg.Email == "" {
		return nil, errors.New("jira: cloud needs the account email with the API token")
	}

	transport := http.DefaultTransport.(*http.Transport).Clone()
	c := &Client{
		base:       base,
		origin:     origin(base),
		transport:  transport,
		deployment: cfg.Deployment,
		timeout:    cfg.Timeout,
		maxRetries: cfg.MaxRetries,
		userAgent:  cfg.UserAgent,
		sleep:      cfg.Sleep,
		now:        cfg.Now,
		onWait:     cfg.OnWait,
		onRequest:  cfg.OnRequest,
	}
	auth := &originAuth{origin: c.origin, next: transport}
	if basic {
		auth.header = "Basic " + base64.StdEncoding.EncodeToString([]byte(cfg.Email+":"+cfg.Token))
		c.credential = fmt.Sprintf("basic auth (email %s + API token)", cfg.Email)
		c.secrets = connectors.NewRedactor(cfg.Token, cfg.Email+":"+cfg.Token)
	} else {
		auth.header = "Bearer " + cfg.Token
		c.credential = "personal access token (bearer)"
		c.bearer = true
		c.secrets = connectors.NewRedactor(cfg.Token)
	}
	// go-jira's BasicAuthTransport and PATAuthTransport would add the
	// credential to every request, a redirect's included; originAuth adds
	// it for base's origin only, and checkRedirect refuses to leave it.
	hc := &http.Client{Transport: auth, CheckRedirect: c.checkRedirect}
	if c.api, err = gojira.NewClient(hc, base.String()); err != nil {
		return nil, fmt.Errorf("jira: base URL: %w", err)
	}
	if c.now == nil {
		c.now = time.Now
	}
	if c.timeout <= 0 {
		c.timeout = DefaultTimeout
	}
	switch {
	case c.maxRetries == 0:
		c.maxRetries = DefaultMaxRetries
	case c.maxRetries < 0:
		c.maxRetries = 0
	}
	if c.userAgent == "" {
		c.userAgent = DefaultUserAgent
	}
	n := cfg.Concurrency
	if n <= 0 {
		n = DefaultConcurrency
	}
	c.sem = make(chan struct{}, n)
	// Keep a connection per request in flight: the default keeps 2 idle
	// per host, so with more in flight most requests would open (and on
	// a real site, TLS-handshake) a new connection.
	transport.MaxIdleConnsPerHost = max(n, http.DefaultMaxIdleConnsPerHost)
	return c, nil
}

// origin returns u's scheme://host:port, lower-case, with the default port
// made explicit: the unit that credentials are bound to (RFC 6454).
func origin(u *url.URL) string {
	scheme := strings.ToLower(u.Scheme)
	port := u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[scheme]
	}
	return scheme + "://" + net.JoinHostPort(strings.ToLower(u.Hostname()), port)
}

// originAuth sets the Authorization header on requests to origin only. It
// is the transport of the client's http.Client, so it sees every hop of a
// redirect; a request elsewhere is refused, not sent without credentials,
// because checkRedirect should have stopped it first.
type originAuth struct {
	origin string
	header string // the Authorization value
	next   http.RoundTripper
}

func (t *originAuth) RoundTrip(req *http.Request) (*http.Response, error) {
	if origin(req.URL) != t.origin {
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, &OriginError{Target: req.URL.Scheme + "://" + req.URL.Host, Origin: t.origin}
	}
	req2 := req.Clone(req.Context())
	req2.Header.Set("Authorization", t.header)
	return t.next.RoundTrip(req2)
}

// checkRedirect follows a redirect within base's origin (at most 10) and
// refuses one to another origin with an [OriginError].
func (c *Client) checkRedirect(req *http.Request, via []*http.Request) error {
	if origin(req.URL) != c.origin {
		return &OriginError{Target: req.URL.Scheme + "://" + req.URL.Host, Origin: c.origin, Redirect: true}
	}
	if len(via) >= 10 {
		return errors.New("stopped after 10 redirects")
	}
	return nil
}

// OriginError is a request, usually a redirect, that would have taken the
// credentials to another origin than the base URL's. kpidesk sends them to
// that one origin only (SPEC §11), so it stops instead.
type OriginError struct {
	// Target is the scheme://host[:port] the request was sent to (the
	// scheme too, since http to https on one host is another origin).
	Target string
	// Origin is the base URL's scheme://host:port.
	Origin string
	// Redirect is true when the server redirected there.
	Redirect bool
}

func (e *OriginError) Error() string {
	verb := "request to"
	if e.Redirect {
		verb = "redirected to"
	}
	return fmt.Sprintf("%s %s, another origin than base_url's %s: refused, because kpidesk sends the credentials only to the origin of base_url; if the site has moved there, set base_url to the new address", verb, e.Target, e.Origin)
}

// serverInfo is the part of GET /rest/api/2/serverInfo that detection reads.
type serverInfo struct {
	DeploymentType string `json:"deploymentType"`
}

// Deployment returns Cloud or DataCenter: the configured kind, or the one
// detected (once) from serverInfo's deploymentType, falling back to the
// host (*.atlassian.net is Cloud) when the key is missing.
func (c *Client) Deployment(ctx context.Context) (string, error) {
	c.mu.Lock()
	d := c.deployment
	c.mu.Unlock()
	if d != "" {
		return d, nil
	}
	var info serverInfo
	if err := c.do(ctx, http.MethodGet, "rest/api/2/serverInfo", nil, &info); err != nil {
		return "", fmt.Errorf("jira: detect deployment: %w", err)
	}
	switch info.DeploymentType {
	case "Cloud":
		d = Cloud
	case "Server", "DataCenter":
		d = DataCenter
	case "":
		d = DataCenter
		if host := strings.ToLower(c.base.Hostname()); strings.HasSuffix(host, ".atlassian.net") {
			d = Cloud
		}
	default:
		return "", fmt.Errorf("jira: detect deployment: unknown deploymentType %q; set the deployment in config", info.DeploymentType)
	}
	c.mu.Lock()
	c.deployment = d
	c.mu.Unlock()
	return d, nil
}

// apiVersion is the platform REST version used for a deployment: Cloud's
// v3 (v2 search is gone there), Data Center's v2 (it has no v3).
func apiVersion(deployment string) string {
	if deployment == Cloud {
		return "3"
	}
	return "2"
}

// decodeJSON decodes a response body, naming the URL (already redacted) on
// failure.
func decodeJSON(body []byte, v any, method, safeURL string) error {
	if err := json.Unmarshal(body, v); err != nil {
		return fmt.Errorf("%s %s: malformed JSON response: %w", method, safeURL, err)
	}
	return nil
}
