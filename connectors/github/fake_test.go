package github

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

const (
	testToken = "ghp_s3cr3tT0kenValue1234567890"
	testUA    = "kpidesk/test"
	apiPath   = "/api/v3" // a GHES base path catches absolute-path bugs
)

// fakeIssue is one issue (or pull request) of the fake.
type fakeIssue struct {
	number      int
	title       string
	author      string
	authorType  string
	assoc       string
	labels      []string
	assignee    string
	state       string // open, closed
	stateReason string
	created     time.Time
	updated     time.Time
	closed      time.Time
	pr          bool
	timeline    []map[string]any
}

func (fi *fakeIssue) json(base, repo string) map[string]any {
	labels := []any{}
	for _, l := range fi.labels {
		labels = append(labels, map[string]any{"name": l})
	}
	comments := 0
	for _, e := range fi.timeline {
		if e["event"] == "commented" {
			comments++
		}
	}
	m := map[string]any{
		"number": fi.number, "title": fi.title, "state": fi.state,
		"html_url": "https://github.com/" + repo + "/issues/" + strconv.Itoa(fi.number),
		"user":     map[string]any{"login": fi.author, "type": cmpOr(fi.authorType, "User")},
		"labels":   labels, "comments": comments,
		"created_at": ts(fi.created), "updated_at": ts(fi.updated),
		"author_association": cmpOr(fi.assoc, "NONE"), "state_reason": nil, "closed_at": nil,
		"performed_via_github_app": nil,
	}
	if fi.state == "closed" {
		m["closed_at"] = ts(fi.closed)
		m["state_reason"] = cmpOr(fi.stateReason, "completed")
	}
	if fi.assignee != "" {
		m["assignee"] = map[string]any{"login": fi.assignee, "type": "User"}
	}
	if fi.pr {
		m["pull_request"] = map[string]any{"url": base + "/repos/" + repo + "/pulls/" + strconv.Itoa(fi.number)}
	}
	return m
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func ts(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// event builds a timeline item.
func event(kind string, at time.Time, actor string, extra map[string]any) map[string]any {
	m := map[string]any{"event": kind, "created_at": ts(at), "actor": map[string]any{"login": actor, "type": "User"}, "performed_via_github_app": nil}
	if kind == "commented" {
		m["user"] = m["actor"]
	}
	for k, v := range extra {
		m[k] = v
	}
	return m
}

// fakeRepo is one repository: its numeric ID is what Link URLs switch to.
type fakeRepo struct {
	id     int64
	name   string
	issues []*fakeIssue

	// sorted is issues in list order and byNum by number, rebuilt when a
	// test has changed an issue, so that a 50,000-issue fake serves a page
	// without sorting or scanning everything.
	sorted []*fakeIssue
	byNum  map[int]*fakeIssue
}

func byUpdated(a, b *fakeIssue) int {
	if c := a.updated.Compare(b.updated); c != 0 {
		return c
	}
	return a.number - b.number
}

func (r *fakeRepo) index() {
	if len(r.sorted) != len(r.issues) || !slices.IsSortedFunc(r.sorted, byUpdated) {
		r.sorted = slices.Clone(r.issues)
		slices.SortStableFunc(r.sorted, byUpdated)
		r.byNum = map[int]*fakeIssue{}
		for _, fi := range r.issues {
			r.byNum[fi.number] = fi
		}
	}
}

// fakeGH is a loopback GitHub REST API under apiPath.
type fakeGH struct {
	t   *testing.T
	srv *httptest.Server

	mu    sync.Mutex
	repos map[string]*fakeRepo
	byID  map[int64]*fakeRepo

	// inject, when set, may answer a request itself (a fault); it returns
	// true when it did.
	inject func(w http.ResponseWriter, r *http.Request) bool

	rateLimited atomic.Int64 // answers other than 304
	notModified atomic.Int64
	paths       sync.Map // path → count
	remaining   atomic.Int64
}

func newFakeGH(t testing.TB) *fakeGH {
	f := &fakeGH{repos: map[string]*fakeRepo{}, byID: map[int64]*fakeRepo{}}
	if tt, ok := t.(*testing.T); ok {
		f.t = tt
	}
	f.remaining.Store(5000)
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeGH) base() string { return f.srv.URL + apiPath }

func (f *fakeGH) addRepo(name string, issues ...*fakeIssue) *fakeRepo {
	f.mu.Lock()
	defer f.mu.Unlock()
	r := &fakeRepo{id: int64(515435940 + len(f.repos)), name: name, issues: issues}
	f.repos[name] = r
	f.byID[r.id] = r
	return r
}

func (f *fakeGH) count(path string) int {
	v, _ := f.paths.Load(path)
	if v == nil {
		return 0
	}
	return int(v.(*atomic.Int64).Load())
}

func (f *fakeGH) serve(w http.ResponseWriter, r *http.Request) {
	v, _ := f.paths.LoadOrStore(r.URL.Path, new(atomic.Int64))
	v.(*atomic.Int64).Add(1)
	if f.inject != nil && f.inject(w, r) {
		return
	}
	if r.Header.Get("Authorization") != "Bearer "+testToken {
		writeFixture(w, "error-401-bad-credentials")
		return
	}
	if !strings.HasPrefix(r.URL.Path, apiPath+"/") {
		http.NotFound(w, r)
		return
	}
	parts := strings.Split(strings.TrimPrefix(r.URL.Path, apiPath+"/"), "/")
	f.mu.Lock()
	defer f.mu.Unlock() // pageUnlock releases it while encoding, and takes it back
	var repo *fakeRepo
	switch {
	case len(parts) >= 4 && parts[0] == "repos":
		repo = f.repos[parts[1]+"/"+parts[2]]
		parts = parts[3:]
	case len(parts) >= 3 && parts[0] == "repositories":
		id, _ := strconv.ParseInt(parts[1], 10, 64)
		repo = f.byID[id]
		parts = parts[2:]
	}
	if repo == nil {
		writeFixture(w, "error-404-not-found")
		return
	}
	q := r.URL.Query()
	switch {
	case len(parts) == 1 && parts[0] == "issues":
		if q.Get("state") != "all" || q.Get("sort") != "updated" || q.Get("direction") != "asc" {
			http.Error(w, `{"message":"test fake: want state=all&sort=updated&direction=asc"}`, http.StatusUnprocessableEntity)
			return
		}
		var since time.Time
		if s := q.Get("since"); s != "" {
			var err error
			if since, err = time.Parse(time.RFC3339, s); err != nil {
				writeFixture(w, "error-422-validation")
				return
			}
		}
		repo.index()
		first, _ := slices.BinarySearchFunc(repo.sorted, since, func(fi *fakeIssue, t time.Time) int { return fi.updated.Compare(t) })
		f.page(w, r, repo, "issues", len(repo.sorted)-first, func(i int) any { return repo.sorted[first+i].json(f.base(), repo.name) })
	case len(parts) == 3 && parts[0] == "issues" && parts[2] == "timeline":
		n, _ := strconv.Atoi(parts[1])
		repo.index()
		fi := repo.byNum[n]
		if fi == nil {
			writeFixture(w, "error-404-not-found")
			return
		}
		f.page(w, r, repo, "issues/"+parts[1]+"/timeline", len(fi.timeline), func(i int) any { return fi.timeline[i] })
	default:
		writeFixture(w, "error-404-not-found")
	}
}

// page writes one page of items, with a Link header whose next URL uses
// /repositories/{id}/… as GitHub's do, and an ETag that a matching
// If-None-Match turns into a 304.
func (f *fakeGH) page(w http.ResponseWriter, r *http.Request, repo *fakeRepo, rest string, n int, item func(i int) any) {
	f.pageUnlock(w, r, repo.id, rest, n, item)
}

// pageUnlock is page, called with f.mu held: it collects the page's items
// and releases f.mu before encoding them, so that concurrent requests are
// served concurrently.
func (f *fakeGH) pageUnlock(w http.ResponseWriter, r *http.Request, repoID int64, rest string, n int, item func(i int) any) {
	q := r.URL.Query()
	per, _ := strconv.Atoi(q.Get("per_page"))
	if per <= 0 || per > 100 {
		per = 30
	}
	pg, _ := strconv.Atoi(q.Get("page"))
	if pg <= 0 {
		pg = 1
	}
	lo := min((pg-1)*per, n)
	hi := min(lo+per, n)
	items := make([]any, 0, hi-lo)
	for i := lo; i < hi; i++ {
		items = append(items, item(i))
	}
	f.mu.Unlock()
	defer f.mu.Lock() // serve's deferred unlock
	body, _ := json.Marshal(items)
	sum := sha256.Sum256(body)
	etag := `W/"` + hex.EncodeToString(sum[:8]) + `"`
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("ETag", etag)
	h.Set("X-RateLimit-Limit", "5000")
	h.Set("X-RateLimit-Resource", "core")
	h.Set("X-RateLimit-Reset", strconv.FormatInt(time.Now().Add(time.Hour).Unix(), 10))
	if hi < n {
		nq := r.URL.Query()
		nq.Set("page", strconv.Itoa(pg+1))
		h.Set("Link", fmt.Sprintf(`<%s/repositories/%d/%s?%s>; rel="next"`, f.base(), repoID, rest, nq.Encode()))
	}
	if inm := r.Header.Get("If-None-Match"); inm != "" && inm == etag {
		f.notModified.Add(1)
		h.Set("X-RateLimit-Remaining", strconv.FormatInt(f.remaining.Load(), 10))
		w.WriteHeader(http.StatusNotModified)
		return
	}
	f.rateLimited.Add(1)
	h.Set("X-RateLimit-Remaining", strconv.FormatInt(f.remaining.Add(-1), 10))
	w.Write(body)
}

// fixture reads a file of testdata (copied from shared/fixtures/github).
func fixture(name string) []byte {
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		panic(err)
	}
	return b
}

// fixtureHeaders reads a recorded .headers file: its status and headers.
func fixtureHeaders(name string) (int, http.Header) {
	h := http.Header{}
	status := 200
	for _, line := range strings.Split(string(fixture(name+".headers")), "\n") {
		if strings.HasPrefix(line, "# HTTP status ") {
			status, _ = strconv.Atoi(strings.TrimPrefix(line, "# HTTP status "))
			continue
		}
		k, v, ok := strings.Cut(line, ": ")
		if !ok || strings.HasPrefix(line, "#") {
			continue
		}
		switch strings.ToLower(k) {
		case "status", "content-length", "content-encoding", "transfer-encoding", "connection":
			continue // the fake's own framing
		}
		h.Add(k, v)
	}
	return status, h
}

// writeFixture writes a recorded answer: headers, status and body.
func writeFixture(w http.ResponseWriter, name string) {
	status, h := fixtureHeaders(name)
	for k, vs := range h {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	w.WriteHeader(status)
	w.Write(fixture(name + ".json"))
}

// genIssues generates n issues of repo from seed, with comments by
// customers, members, bots and apps, labels, assignments, closes (some
// not planned), reopens and a few pull requests; times are distinct.
func genIssues(seed uint64, n int) []*fakeIssue {
	r := rand.New(rand.NewPCG(seed, 14))
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var out []*fakeIssue
	for i := 1; i <= n; i++ {
		created := start.Add(time.Duration(i)*time.Hour + time.Duration(r.IntN(3000))*time.Second)
		fi := &fakeIssue{number: i, title: fmt.Sprintf("Issue %d", i), author: fmt.Sprintf("cust-%d", r.IntN(n/2+1)), state: "open", created: created}
		last := created
		step := func(lo, hi time.Duration) time.Time {
			last = last.Add(lo + time.Duration(r.Int64N(int64(hi-lo)))).Truncate(time.Second)
			return last
		}
		if i%17 == 0 {
			fi.pr = true
		}
		switch r.IntN(5) {
		case 0:
			fi.labels = append(fi.labels, "cat:billing")
		case 1:
			fi.labels = append(fi.labels, "cat:usage")
		}
		if r.IntN(4) == 0 {
			fi.labels = append(fi.labels, "priority:high")
		}
		if r.IntN(5) == 0 {
			at := step(time.Minute, time.Hour)
			fi.timeline = append(fi.timeline, event("commented", at, "helper[bot]", map[string]any{
				"user": map[string]any{"login": "helper[bot]", "type": "Bot"}, "author_association": "NONE", "body": "Thanks!"}))
		}
		if r.IntN(8) == 0 {
			at := step(time.Minute, time.Hour)
			fi.timeline = append(fi.timeline, event("commented", at, fi.author, map[string]any{"author_association": "NONE", "body": "any news?"}))
		}
		if r.IntN(100) < 85 {
			agent := fmt.Sprintf("agent-%d", 1+r.IntN(3))
			at := step(5*time.Minute, 30*time.Hour)
			fi.timeline = append(fi.timeline, event("assigned", at, agent, map[string]any{"assignee": map[string]any{"login": agent}}))
			fi.assignee = agent
			at = step(time.Second, time.Hour)
			fi.timeline = append(fi.timeline, event("commented", at, agent, map[string]any{"author_association": "MEMBER", "body": "Looking into it"}))
		}
		if r.IntN(100) < 8 {
			at := step(time.Minute, 3*time.Hour)
			fi.labels = append(fi.labels, "escalated")
			fi.timeline = append(fi.timeline, event("labeled", at, "agent-1", map[string]any{"label": map[string]any{"name": "escalated"}}))
		}
		if r.IntN(100) < 75 {
			at := step(time.Hour, 72*time.Hour)
			reason := "completed"
			if r.IntN(10) == 0 {
				reason = "not_planned"
			}
			fi.timeline = append(fi.timeline, event("closed", at, cmpOr(fi.assignee, "agent-2"), map[string]any{"state_reason": reason}))
			fi.state, fi.stateReason, fi.closed = "closed", reason, at
			if r.IntN(10) == 0 {
				at = step(time.Hour, 24*time.Hour)
				fi.timeline = append(fi.timeline, event("reopened", at, fi.author, map[string]any{"state_reason": "reopened"}))
				fi.state, fi.stateReason = "open", ""
				if r.IntN(2) == 0 {
					at = step(time.Hour, 24*time.Hour)
					fi.timeline = append(fi.timeline, event("closed", at, "agent-3", map[string]any{
						"state_reason": "completed", "performed_via_github_app": map[string]any{"slug": "stale"}}))
					fi.state, fi.stateReason, fi.closed = "closed", "completed", at
				}
			}
		}
		fi.updated = last
		out = append(out, fi)
	}
	return out
}

// testSource returns a source over the fake, with options applied.
func testSource(t testing.TB, f *fakeGH, repos []string, opts ...func(*SourceConfig)) *Source {
	t.Helper()
	cfg := SourceConfig{
		Name: "gh",
		Client: Config{
			BaseURL: f.base(), Token: testToken, Credential: "token in GITHUB_TOKEN",
			UserAgent: testUA, Timeout: 5 * time.Second, Sleep: func(time.Duration) {},
		},
		Repos:   repos,
		Mapping: Mapping{EscalationLabels: []string{"escalated"}, Prefixes: DefaultPrefixes},
		Now:     func() time.Time { return time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC) },
	}
	for _, o := range opts {
		o(&cfg)
	}
	s, err := NewSource(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s
}
