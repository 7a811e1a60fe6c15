package github

import (
	"context"
	"crypto/rsa"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/kpidesk/kpidesk/internal/httpx"

	gh "github.com/google/go-github/v60/github"

	"github.com/kpidesk/kpidesk/connectors"
)

// Defaults for the zero values of [Config].
const (
	DefaultBaseURL     = "https://api.github.com"
	DefaultTimeout     = 30 * time.Second
	DefaultMaxRetries  = 5
	DefaultConcurrency = 4
	DefaultMaxWait     = 10 * time.Minute
	DefaultUserAgent   = "kpidesk/dev"
)

// Config configures a [Client]. BaseURL and either Token or App are
// needed.
type Config struct {
	// BaseURL is the REST API root: https://api.github.com (the default)
	// or a GitHub Enterprise Server's https://HOST/api/v3.
	BaseURL string
	// Token is a personal access token (classic or fine-grained) or the
	// GITHUB_TOKEN of a workflow: the value, not a variable name.
	Token string
	// App, when set instead of Token, authenticates as a GitHub App
	// installation.
	App *AppAuth
	// Credential describes the credential for error messages ("the token
	// in GITHUB_TOKEN"); never its value.
	Credential string
	// Timeout bounds each attempt, body included (default 30s).
	Timeout time.Duration
	// MaxRetries bounds the retries of one request after a 5xx, a network
	// error, a cut body or a secondary rate limit (0: the default 5; a
	// negative value: none).
	MaxRetries int
	// Concurrency bounds the requests in flight (default 4). GitHub asks
	// integrators to keep it low: its secondary limits punish bursts.
	Concurrency int
	// MaxWait is the longest a rate-limit wait may be (default 10m). A
	// longer one stops the sync with [ErrRateLimited]: what was committed
	// stays, and the next sync resumes from there.
	MaxWait time.Duration
	// UserAgent is sent on every request (GitHub refuses requests without).
	UserAgent string
	// Sleep waits between attempts; nil means a timer that stops early when
	// the context is cancelled. Tests inject a recorder.
	Sleep func(time.Duration)
	// Now is the clock for X-RateLimit-Reset and Retry-After dates
	// (default time.Now).
	Now func() time.Time
	// OnWait is called before every wait with why, until when, and for how
	// long; it may be called from several goroutines at once.
	OnWait func(reason string, d time.Duration)
	// OnRequest is called after each response with the method, the URL
	// path (no query) and the status.
	OnRequest func(method, path string, status int)
}

// AppAuth is GitHub App installation authentication: kpidesk signs a
// short-lived JWT with the App's private key and trades it for an
// installation access token, renewed before it expires.
type AppAuth struct {
	AppID          int64
	InstallationID int64
	PrivateKey     *rsa.PrivateKey
}

// Client reads from one GitHub (or GHES) API. It is safe for concurrent
// use.
type Client struct {
	api        *gh.Client // request building (base URL, media type, API version header) and error typing
	hc         *http.Client
	transport  *http.Transport
	base       *url.URL
	origin     string
	credential string
	secretsMu  sync.RWMutex
	secretList []string
	secrets    *connectors.Redactor
	timeout    time.Duration
	maxRetries int
	maxWait    time.Duration
	userAgent  string
	sleep      func(time.Duration)
	now        func() time.Time
	onWait     func(reason string, d time.Duration)
	onRequest  func(method, path string, status int)
	sem        chan struct{}
	answered   atomic.Bool

	// pauseMu guards pauseUntil: when a response said the primary quota
	// is spent, every request waits until it resets instead of spending a
	// request on a certain 403.
	pauseMu     sync.Mutex
	pauseUntil  time.Time
	pauseReason string

	// rateLimited counts the requests that cost rate limit (every answer
	// but a 304), for tests and the benchmark.
	rateLimited atomic.Int64
	requests    atomic.Int64

	app *appTokens
}

// NewClient checks cfg and returns a client. It makes no request.
func NewClient(cfg Config) (*Client, error) {
	raw := cfg.BaseURL
	if raw == "" {
		raw = DefaultBaseURL
	}
	base, err := url.Parse(raw)
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" {
		return nil, fmt.Errorf("github: base URL %q is not an http(s) URL", redactURL(raw))
	}
	if base.User != nil {
		return nil, errors.New("github: base URL must not contain credentials")
	}
	base.RawQuery, base.Fragment = "", ""
	if !strings.HasSuffix(base.Path, "/") {
		// go-github resolves paths against the base, which must end in a
		// slash or its last segment (GHES's v3) would be replaced.
		base.Path += "/"
	}
	if cfg.Token == "" && cfg.App == nil {
		return nil, errors.New("github: no token and no GitHub App given")
	}
	transport := http.DefaultTransport.(*http.Transport).Clone()
	c := &Client{
		base:       base,
		origin:     origin(base),
		transport:  transport,
		credential: cfg.Credential,
		timeout:    cfg.Timeout,
		maxRetries: cfg.MaxRetries,
		maxWait:    cfg.MaxWait,
		userAgent:  cfg.UserAgent,
		sleep:      cfg.Sleep,
		now:        cfg.Now,
		onWait:     cfg.OnWait,
		onRequest:  cfg.OnRequest,
	}
	if c.credential == "" {
		c.credential = "token"
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
	if c.maxWait <= 0 {
		c.maxWait = DefaultMaxWait
	}
	if c.userAgent == "" {
		c.userAgent = DefaultUserAgent
	}
	n := cfg.Concurrency
	if n <= 0 {
		n = DefaultConcurrency
	}
	// The per-host idle pool must hold every worker's connection, or each
	// request past the second opens a new one (Go's default keeps 2).
	transport.MaxIdleConnsPerHost = n + 2
	c.sem = make(chan struct{}, n)

	auth := &originAuth{origin: c.origin, next: transport}
	if cfg.App != nil {
		c.app = &appTokens{cfg: *cfg.App, client: c}
		auth.header = c.app.header
		c.secrets = connectors.NewRedactor()
	} else {
		h := "Bearer " + cfg.Token
		auth.header = func(context.Context) (string, error) { return h, nil }
		c.secretList = []string{cfg.Token}
		c.secrets = connectors.NewRedactor(cfg.Token)
	}
	// go-github's own client would send the credential wherever a
	// redirect leads; originAuth adds it for base's origin only and
	// checkRedirect refuses to leave it (SPEC §11).
	c.hc = &http.Client{Transport: auth, CheckRedirect: c.checkRedirect}
	c.api = gh.NewClient(c.hc)
	c.api.BaseURL = base
	c.api.UserAgent = c.userAgent
	return c, nil
}

// RateLimited returns the number of answers so far that cost rate limit:
// every response but a 304 Not Modified (GitHub does not count those).
func (c *Client) RateLimited() int64 { return c.rateLimited.Load() }

// Requests returns the number of responses so far, 304s included.
func (c *Client) Requests() int64 { return c.requests.Load() }

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

// originAuth sets the Authorization header on requests to origin only,
// unless the request carries its own (the App's JWT). A request elsewhere
// is refused, not sent without credentials: a Link header or a redirect
// that leaves the origin is a misconfiguration or an attack.
type originAuth struct {
	origin string
	header func(ctx context.Context) (string, error)
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
	if req2.Header.Get("Authorization") == "" {
		h, err := t.header(req.Context())
		if err != nil {
			if req.Body != nil {
				req.Body.Close()
			}
			return nil, err
		}
		req2.Header.Set("Authorization", h)
	}
	return t.next.RoundTrip(req2)
}

// checkRedirect follows a redirect within base's origin (at most 10) and
// refuses one to another origin.
func (c *Client) checkRedirect(req *http.Request, via []*http.Request) error {
	if origin(req.URL) != c.origin {
		return &OriginError{Target: req.URL.Scheme + "://" + req.URL.Host, Origin: c.origin, Redirect: true}
	}
	if len(via) >= 10 {
		return errors.New("stopped after 10 redirects")
	}
	return nil
}

// OriginError is a request that would have taken the credentials to
// another origin than base_url's: kpidesk stops instead (SPEC §11).
type OriginError struct {
	Target, Origin string
	Redirect       bool
}

func (e *OriginError) Error() string {
	verb := "request to"
	if e.Redirect {
		verb = "redirected to"
	}
	return fmt.Sprintf("%s %s, another origin than base_url's %s: refused, because kpidesk sends the credentials only to the origin of base_url", verb, e.Target, e.Origin)
}

// redact removes the client's secrets from text a server sent back.
func (c *Client) redact(s string) string {
	c.secretsMu.RLock()
	r := c.secrets
	c.secretsMu.RUnlock()
	return r.Redact(s)
}

// addSecret adds a secret learnt at run time (an App installation token).
func (c *Client) addSecret(s string) {
	c.secretsMu.Lock()
	defer c.secretsMu.Unlock()
	c.secretList = append(c.secretList, s)
	c.secrets = connectors.NewRedactor(c.secretList...)
}

// redactURL strips user info and secret-looking query values, for error
// text.
func redactURL(raw string) string { return httpx.RedactURL(raw) }
