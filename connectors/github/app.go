package github

import (
	"context"
	"crypto/rsa"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/kpidesk/kpidesk/internal/httpx"

	"github.com/golang-jwt/jwt/v4"
)

// GitHub App installation tokens last an hour; one is renewed this long
// before it expires so that no request carries a token about to lapse.
const appTokenMargin = 5 * time.Minute

// appTokens trades the App's signed JWT for installation access tokens
// (POST /app/installations/{id}/access_tokens) and caches the current one.
type appTokens struct {
	cfg    AppAuth
	client *Client

	mu      sync.Mutex
	token   string
	expires time.Time
}

// ParsePrivateKey parses a GitHub App's PEM private key (PKCS#1, as
// GitHub issues it, or PKCS#8).
func ParsePrivateKey(pem []byte) (*rsa.PrivateKey, error) {
	k, err := jwt.ParseRSAPrivateKeyFromPEM(pem)
	if err != nil {
		// jwt's message never quotes the key material.
		return nil, fmt.Errorf("github: app private key: %w", err)
	}
	return k, nil
}

// appJWT signs the App's JWT: RS256, issued 60s in the past to allow for
// clock drift, valid for 9 minutes (GitHub allows at most 10).
func appJWT(cfg AppAuth, now time.Time) (string, error) {
	claims := jwt.RegisteredClaims{
		IssuedAt:  jwt.NewNumericDate(now.Add(-60 * time.Second)),
		ExpiresAt: jwt.NewNumericDate(now.Add(9 * time.Minute)),
		Issuer:    strconv.FormatInt(cfg.AppID, 10),
	}
	return jwt.NewWithClaims(jwt.SigningMethodRS256, claims).SignedString(cfg.PrivateKey)
}

// header returns the Authorization value for API requests: "token" plus
// the current installation token, renewed when needed.
func (a *appTokens) header(ctx context.Context) (string, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	now := a.client.now()
	if a.token != "" && now.Add(appTokenMargin).Before(a.expires) {
		return "token " + a.token, nil
	}
	signed, err := appJWT(a.cfg, now)
	if err != nil {
		return "", fmt.Errorf("github: sign the app JWT: %w", err)
	}
	u := a.client.base.JoinPath("app", "installations", strconv.FormatInt(a.cfg.InstallationID, 10), "access_tokens")
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), nil)
	if err != nil {
		return "", err
	}
	req.Header.Set("Authorization", "Bearer "+signed)
	req.Header.Set("Accept", "application/vnd.github+json")
	req.Header.Set("User-Agent", a.client.userAgent)
	resp, err := a.client.hc.Do(req)
	if err != nil {
		return "", fmt.Errorf("github: get an installation token for app %d: %w", a.cfg.AppID, httpx.UnwrapURLError(err))
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return "", fmt.Errorf("github: get an installation token for app %d: %w", a.cfg.AppID, err)
	}
	if resp.StatusCode != http.StatusCreated && resp.StatusCode != http.StatusOK {
		e := a.client.newAPIError(resp, http.MethodPost, u.String(), body)
		return "", fmt.Errorf("github: get an installation token for app %d, installation %d: %w", a.cfg.AppID, a.cfg.InstallationID, e)
	}
	var tok struct {
		Token     string    `json:"token"`
		ExpiresAt time.Time `json:"expires_at"`
	}
	if err := json.Unmarshal(body, &tok); err != nil || tok.Token == "" {
		return "", fmt.Errorf("github: get an installation token for app %d: malformed answer", a.cfg.AppID)
	}
	a.token, a.expires = tok.Token, tok.ExpiresAt
	// The token is a secret too: keep it out of error text from now on.
	a.client.addSecret(tok.Token)
	return "token " + a.token, nil
}
