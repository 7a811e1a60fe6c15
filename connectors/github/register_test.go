package github

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v4"
	"github.com/google/go-cmp/cmp"
	"gopkg.in/yaml.v3"

	"github.com/kpidesk/kpidesk/connectors"
)

// TestCheck: each mistake in a section is a problem at its field.
func TestCheck(t *testing.T) {
	for _, tc := range []struct {
		name, yaml string
		want       []string
	}{
		{name: "minimal", yaml: "repos: [acme/support]\n"},
		{name: "full", yaml: "org: acme\ntopic: support\nbase_url: https://ghe.example.com/api/v3\ntoken_env: GH_TOKEN\noverlap: 5m\nmax_wait: 1h\n" +
			"responders: anyone\nagent_teams: [acme/care]\nagent_associations: [owner, MEMBER]\npriorities: {P0: urgent}\nnot_planned: excluded\nduplicate: resolved\nlabel_prefixes: {category: 'area:'}\n"},
		{name: "no repos", yaml: "token_env: X\n", want: []string{"sources[0].repos"}},
		{name: "both", yaml: "repos: [a/b]\norg: a\n", want: []string{"sources[0].org"}},
		{name: "bad repo", yaml: "repos: [acme]\n", want: []string{"sources[0].repos[0]"}},
		{name: "topic without org", yaml: "repos: [a/b]\ntopic: x\n", want: []string{"sources[0].topic"}},
		{name: "bad base_url", yaml: "repos: [a/b]\nbase_url: ghe.example.com\n", want: []string{"sources[0].base_url"}},
		{name: "bad token_env", yaml: "repos: [a/b]\ntoken_env: 'ghp_abc-def'\n", want: []string{"sources[0].token_env"}},
		{name: "app incomplete", yaml: "repos: [a/b]\napp: {app_id: 1}\n", want: []string{"sources[0].app.installation_id", "sources[0].app.private_key_env"}},
		{name: "short overlap", yaml: "repos: [a/b]\noverlap: 10ms\n", want: []string{"sources[0].overlap"}},
		{name: "responders", yaml: "repos: [a/b]\nresponders: everyone\n", want: []string{"sources[0].responders"}},
		{name: "association", yaml: "repos: [a/b]\nagent_associations: [STAFF]\n", want: []string{"sources[0].agent_associations[0]"}},
		{name: "priority", yaml: "repos: [a/b]\npriorities: {P0: critical, P1: high}\n", want: []string{"sources[0].priorities.P0"}},
		{name: "close", yaml: "repos: [a/b]\nnot_planned: ignore\nduplicate: drop\n", want: []string{"sources[0].not_planned", "sources[0].duplicate"}},
		{name: "prefix", yaml: "repos: [a/b]\nlabel_prefixes: {area: 'x:'}\n", want: []string{"sources[0].label_prefixes.area"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var doc yaml.Node
			if err := yaml.Unmarshal([]byte("name: gh\ntype: github\n"+tc.yaml), &doc); err != nil {
				t.Fatal(err)
			}
			var s Settings
			if err := doc.Content[0].Decode(&s); err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, p := range s.Check(connectors.Section{File: "k.yaml", Path: "sources[0]", Node: doc.Content[0]}) {
				got = append(got, p.Field)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Check problems (-want +got):\n%s", diff)
			}
		})
	}
}

// TestNewFromSettings: the token comes from GITHUB_TOKEN unless token_env
// names another variable, is returned as a secret, and a missing one is a
// clear error naming the variable (not a value).
func TestNewFromSettings(t *testing.T) {
	env := func(vars map[string]string) connectors.Env {
		return connectors.Env{Name: "gh", Getenv: func(k string) string { return vars[k] }}
	}
	_, secrets, err := newFromSettings(&Settings{Repos: []string{"a/b"}}, env(map[string]string{"GITHUB_TOKEN": "tok1"}))
	if err != nil || !cmp.Equal(secrets, []string{"tok1"}) {
		t.Errorf("default token_env: secrets %q, err %v", secrets, err)
	}
	_, _, err = newFromSettings(&Settings{Repos: []string{"a/b"}, TokenEnv: "GH_TOKEN"}, env(map[string]string{"GITHUB_TOKEN": "tok1"}))
	if err == nil || !strings.Contains(err.Error(), "GH_TOKEN (token_env) is not set") {
		t.Errorf("missing GH_TOKEN: %v", err)
	}
	_, _, err = newFromSettings(&Settings{Repos: []string{"a/b"}, App: &AppSettings{AppID: 1, InstallationID: 2, PrivateKeyEnv: "KEY"}},
		env(map[string]string{"KEY": "not a pem"}))
	if err == nil || !strings.Contains(err.Error(), "KEY") || strings.Contains(err.Error(), "not a pem") {
		t.Errorf("bad app key: %v", err)
	}
}

// TestAppAuth: with a GitHub App, kpidesk signs an RS256 JWT (iss = app
// ID) with the private key, trades it for an installation token once, and
// sends "token <installation token>" on API requests.
func TestAppAuth(t *testing.T) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	pemKey := string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}))
	f := newFakeGH(t)
	f.addRepo("acme/support", genIssues(12, 6)...)
	var exchanges atomic.Int32
	f.inject = func(w http.ResponseWriter, r *http.Request) bool {
		if r.URL.Path == apiPath+"/app/installations/456/access_tokens" {
			if r.Method != http.MethodPost {
				t.Errorf("token exchange with %s", r.Method)
			}
			raw := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
			tok, err := jwt.ParseWithClaims(raw, &jwt.RegisteredClaims{}, func(tk *jwt.Token) (any, error) {
				if tk.Method != jwt.SigningMethodRS256 {
					t.Errorf("JWT signed with %v, want RS256", tk.Method.Alg())
				}
				return &key.PublicKey, nil
			})
			if err != nil || tok.Claims.(*jwt.RegisteredClaims).Issuer != "123" {
				t.Errorf("JWT %v, err %v; want a valid one issued by app 123", tok, err)
			}
			exchanges.Add(1)
			w.WriteHeader(http.StatusCreated)
			json.NewEncoder(w).Encode(map[string]any{"token": "ghs_installationTok", "expires_at": time.Now().Add(time.Hour)})
			return true
		}
		if r.Header.Get("Authorization") != "token ghs_installationTok" {
			t.Errorf("%s with Authorization %q", r.URL.Path, r.Header.Get("Authorization"))
		}
		r.Header.Set("Authorization", "Bearer "+testToken) // the fake's own check
		return false
	}
	src, _, err := newFromSettings(&Settings{Repos: []string{"acme/support"}, BaseURL: f.base(),
		App: &AppSettings{AppID: 123, InstallationID: 456, PrivateKeyEnv: "KEY"}},
		connectors.Env{Name: "gh", Getenv: func(k string) string { return map[string]string{"KEY": pemKey}[k] }})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	if err := src.Fetch(context.Background(), "", func(b connectors.Batch) error { n += len(b.Complaints); return nil }); err != nil {
		t.Fatal(err)
	}
	if n != 6 || exchanges.Load() != 1 {
		t.Errorf("%d complaints with %d token exchanges, want 6 with 1", n, exchanges.Load())
	}
}

// TestOrgTeamsConcurrency: an org source reads the org's repositories with
// issues and the topic, agent team members are agents, and no more than
// Concurrency requests are ever in flight.
func TestOrgTeamsConcurrency(t *testing.T) {
	f := newFakeGH(t)
	issues := genIssues(13, 30)
	// A team member without a role in the repository answers #1.
	issues[0].timeline = append(issues[0].timeline, event("commented", issues[0].updated.Add(time.Minute), "teammate",
		map[string]any{"author_association": "NONE", "body": "from the care team"}))
	issues[0].updated = issues[0].updated.Add(time.Minute)
	f.addRepo("acme/support", issues...)
	f.addRepo("acme/other", genIssues(14, 5)...)
	var inFlight, peak atomic.Int32
	var mu sync.Mutex
	f.inject = func(w http.ResponseWriter, r *http.Request) bool {
		cur := inFlight.Add(1)
		defer inFlight.Add(-1)
		mu.Lock()
		peak.Store(max(peak.Load(), cur))
		mu.Unlock()
		time.Sleep(2 * time.Millisecond)
		switch r.URL.Path {
		case apiPath + "/orgs/acme/repos":
			json.NewEncoder(w).Encode([]map[string]any{
				{"full_name": "acme/support", "has_issues": true, "topics": []string{"customer-support"}},
				{"full_name": "acme/other", "has_issues": true, "topics": []string{"internal"}},
				{"full_name": "acme/noissues", "has_issues": false, "topics": []string{"customer-support"}},
			})
			return true
		case apiPath + "/orgs/acme/teams/care/members":
			json.NewEncoder(w).Encode([]map[string]any{{"login": "TeamMate"}})
			return true
		}
		return false
	}
	s := testSource(t, f, nil, func(c *SourceConfig) {
		c.Org, c.Topic, c.AgentTeams = "acme", "customer-support", []string{"acme/care"}
		c.Client.Concurrency = 2
	})
	cs, _ := readAll(t, s, "")
	for id := range cs {
		if !strings.HasPrefix(id, "gh:acme/support#") {
			t.Errorf("%s read: want acme/support's issues only", id)
		}
	}
	if len(cs) == 0 {
		t.Fatal("nothing read")
	}
	c := cs["gh:acme/support#1"]
	if i := len(c.Events) - 1; i < 0 || c.Events[i].Actor != "teammate" || c.Events[i].Role != connectors.RoleAgent {
		t.Errorf("#1 events %+v, want the team member's comment last, as an agent's", c.Events)
	}
	if p := peak.Load(); p > 2 {
		t.Errorf("%d requests in flight, want at most 2", p)
	}
	if f.count(apiPath+"/repos/acme/other/issues") != 0 {
		t.Errorf("acme/other (another topic) was read")
	}
}
