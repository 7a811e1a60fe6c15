package github

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/kpidesk/kpidesk/connectors"
)

// Source defaults.
const (
	// DefaultOverlap is the re-read window before the cursor. GitHub's
	// since is exact and in UTC, so the overlap only has to cover
	// updates that become visible late (replication lag) and issues that
	// share the cursor's second.
	DefaultOverlap   = 10 * time.Minute
	DefaultBatchSize = 100
	// DefaultPerPage is GitHub's maximum page size.
	DefaultPerPage = 100
)

var (
	repoName = regexp.MustCompile(`^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?/[A-Za-z0-9._-]+$`)
	ownerRe  = regexp.MustCompile(`^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$`)
)

// SourceConfig configures a [Source].
type SourceConfig struct {
	// Name is the source name: the store's cursor key and the ID prefix.
	Name string
	// Client is the transport configuration.
	Client Config
	// Repos are the repositories read, "owner/name". Or Org: all the
	// organization's repositories with issues, those with Topic only when
	// it is set.
	Repos      []string
	Org, Topic string
	// AgentTeams are organization teams ("org/team-slug") whose members
	// are agents; every Fetch reads their members once.
	AgentTeams []string
	// Overlap is the re-read window before the cursor (default
	// [DefaultOverlap]).
	Overlap time.Duration
	// Mapping maps issues; Source defaults to Name.
	Mapping Mapping
	// Now is the clock (default time.Now); a batch's AsOf is the sync's
	// start.
	Now func() time.Time
	// BatchSize is the number of complaints per batch (default 100);
	// PerPage the page size asked of GitHub (default and at most 100).
	BatchSize, PerPage int
}

// Source reads complaints from GitHub issues. It implements
// connectors.Source and connectors.ProblemReporter. Fetch must not be
// called concurrently on one Source.
type Source struct {
	cfg    SourceConfig
	client *Client

	mu       sync.Mutex
	problems map[connectors.Problem]bool
	ordered  []connectors.Problem
	fresh    []connectors.Problem
}

var (
	_ connectors.Source          = (*Source)(nil)
	_ connectors.ProblemReporter = (*Source)(nil)
)

// NewSource checks cfg and returns a source. It makes no request.
func NewSource(cfg SourceConfig) (*Source, error) {
	if cfg.Name == "" {
		return nil, errors.New("github: source has no name")
	}
	if len(cfg.Repos) == 0 && cfg.Org == "" {
		return nil, fmt.Errorf("github: source %s: name repos (owner/name) or an org", cfg.Name)
	}
	for _, r := range cfg.Repos {
		if !repoName.MatchString(r) {
			return nil, fmt.Errorf("github: source %s: %q is not a repository as owner/name", cfg.Name, r)
		}
	}
	if cfg.Org != "" && !ownerRe.MatchString(cfg.Org) {
		return nil, fmt.Errorf("github: source %s: %q is not an organization login", cfg.Name, cfg.Org)
	}
	for _, t := range cfg.AgentTeams {
		if !repoName.MatchString(t) {
			return nil, fmt.Errorf("github: source %s: agent team %q is not org/team-slug", cfg.Name, t)
		}
	}
	if cfg.Overlap < 0 {
		return nil, fmt.Errorf("github: source %s: negative overlap %v", cfg.Name, cfg.Overlap)
	}
	client, err := NewClient(cfg.Client)
	if err != nil {
		return nil, err
	}
	if cfg.Overlap == 0 {
		cfg.Overlap = DefaultOverlap
	}
	if cfg.BatchSize <= 0 {
		cfg.BatchSize = DefaultBatchSize
	}
	if cfg.PerPage <= 0 || cfg.PerPage > DefaultPerPage {
		cfg.PerPage = DefaultPerPage
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	cfg.Mapping.Source = cmp.Or(cfg.Mapping.Source, cfg.Name)
	if cfg.Mapping.ClockSkew == 0 {
		cfg.Mapping.ClockSkew = connectors.DefaultClockSkew
	}
	return &Source{cfg: cfg, client: client}, nil
}

// Name returns the configured source name.
func (s *Source) Name() string { return s.cfg.Name }

// Client returns the source's client, for its request counters.
func (s *Source) Client() *Client { return s.client }

// Problems returns what the last Fetch could not map or skipped, sorted
// by issue, field and reason (connectors.ProblemReporter). Each is also on
// the Batch.Problems of the batch it was found for.
func (s *Source) Problems() []connectors.Problem {
	s.mu.Lock()
	defer s.mu.Unlock()
	return sortProblems(slices.Clone(s.ordered))
}

// sortProblems orders problems deterministically: timelines are read
// concurrently, so the order found is not.
func sortProblems(ps []connectors.Problem) []connectors.Problem {
	slices.SortFunc(ps, func(a, b connectors.Problem) int {
		return cmp.Or(cmp.Compare(a.Where, b.Where), cmp.Compare(a.Field, b.Field), cmp.Compare(a.Reason, b.Reason))
	})
	return ps
}

func (s *Source) note(p connectors.Problem) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.problems[p] {
		s.problems[p] = true
		s.ordered = append(s.ordered, p)
		s.fresh = append(s.fresh, p)
	}
}

func (s *Source) takeFresh() []connectors.Problem {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.fresh
	s.fresh = nil
	return sortProblems(f)
}

// Cursor is a GitHub source's position: per repository, the latest
// updated_at committed and, when the last read of it found nothing new,
// the entity tag of its one-page answer, so that the next read of an
// unchanged repository is a 304 that costs no rate limit.
type Cursor struct {
	Repos map[string]RepoCursor `json:"repos,omitempty"`
}

// RepoCursor is one repository's part of a [Cursor].
type RepoCursor struct {
	At time.Time `json:"at"`
	// ETag is the entity tag of the first page for since = ETagSince, kept
	// only when that page was the whole answer.
	ETag      string `json:"etag,omitempty"`
	ETagSince string `json:"etag_since,omitempty"`
}

// ParseCursor parses a cursor written by Fetch; "" is the empty cursor.
func ParseCursor(cursor string) (Cursor, error) {
	var c Cursor
	if cursor == "" {
		return c, nil
	}
	if err := json.Unmarshal([]byte(cursor), &c); err != nil {
		return Cursor{}, fmt.Errorf("github: cursor %q is not a github source's cursor", truncate(cursor, 80))
	}
	return c, nil
}

// String encodes c; keys are sorted, so equal cursors are equal strings.
func (c Cursor) String() string {
	if len(c.Repos) == 0 {
		return ""
	}
	b, _ := json.Marshal(c)
	return string(b)
}

func (c Cursor) clone() Cursor {
	out := Cursor{Repos: map[string]RepoCursor{}}
	for k, v := range c.Repos {
		out.Repos[k] = v
	}
	return out
}

// Fetch reads the issues updated since cursor, repository by repository,
// oldest update first (the list endpoint with state=all, sort=updated,
// direction=asc and since = cursor − overlap; never the search API and
// its 1,000-result cap), follows the Link header's next URL exactly,
// leaves out pull requests, reads each issue's timeline (comments and
// events) with at most Concurrency requests in flight, maps it and emits
// BatchSize complaints at a time. A batch's cursor moves a repository's
// position to the latest updated_at among the issues before it, so a
// committed cursor never passes an issue not yet committed. When nothing
// changed, one empty batch carries the cursor and AsOf.
func (s *Source) Fetch(ctx context.Context, cursor string, emit func(connectors.Batch) error) error {
	cur, err := ParseCursor(cursor)
	if err != nil {
		return err
	}
	s.mu.Lock()
	s.problems, s.ordered, s.fresh = map[connectors.Problem]bool{}, nil, nil
	s.mu.Unlock()
	if err := ctx.Err(); err != nil {
		return err
	}
	f := &fetch{s: s, emit: emit, asOf: s.cfg.Now().UTC(), state: cur.clone()}
	repos, err := s.repos(ctx)
	if err != nil {
		return err
	}
	if f.teams, err = s.teamMembers(ctx); err != nil {
		return err
	}
	for _, repo := range repos {
		if err := f.repo(ctx, repo); err != nil {
			var stop *StopError
			switch {
			case ctx.Err() != nil:
				return ctx.Err()
			case errors.As(err, &stop):
				return stop // says it all, in one line
			}
			return err
		}
	}
	if !f.emitted {
		return f.flush(ctx, 0)
	}
	return nil
}

// fetch is one Fetch's state.
type fetch struct {
	s       *Source
	emit    func(connectors.Batch) error
	asOf    time.Time
	state   Cursor
	teams   map[string]bool
	emitted bool
	done    int

	pending []connectors.Complaint
	// marks are the positions of pending issues and skipped items with
	// their updated_at, in list order, to move the cursor with the
	// batch that covers them.
	marks []mark
}

type mark struct {
	pos     int // number of pending complaints before and including it
	repo    string
	updated time.Time
}

// flush emits the first n pending complaints with the cursor moved past
// every mark they cover.
func (f *fetch) flush(ctx context.Context, n int) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	rest := f.marks[:0]
	for _, m := range f.marks {
		if m.pos > n {
			rest = append(rest, mark{pos: m.pos - n, repo: m.repo, updated: m.updated})
			continue
		}
		rc := f.state.Repos[m.repo]
		if m.updated.After(rc.At) {
			rc.At = m.updated
			rc.ETag, rc.ETagSince = "", ""
		}
		f.state.Repos[m.repo] = rc
	}
	f.marks = rest
	f.done += n
	b := connectors.Batch{
		Complaints: f.pending[:n:n],
		Cursor:     f.state.String(),
		AsOf:       f.asOf,
		Done:       f.done,
		Problems:   f.s.takeFresh(),
	}
	f.pending = slices.Clone(f.pending[n:])
	f.emitted = true
	return f.emit(b)
}

// since is the since parameter for a repository position ("" for none).
func (s *Source) since(at time.Time) string {
	if at.IsZero() {
		return ""
	}
	return at.Add(-s.cfg.Overlap).UTC().Format(time.RFC3339)
}

// issuesRef is the issue list's first page for a since ("" for all).
func (s *Source) issuesRef(repo, since string) string {
	q := url.Values{"state": {"all"}, "sort": {"updated"}, "direction": {"asc"}, "per_page": {strconv.Itoa(s.cfg.PerPage)}}
	if since != "" {
		q.Set("since", since)
	}
	owner, name, _ := strings.Cut(repo, "/")
	return "repos/" + url.PathEscape(owner) + "/" + url.PathEscape(name) + "/issues?" + q.Encode()
}

// repo reads one repository.
func (f *fetch) repo(ctx context.Context, repo string) error {
	s := f.s
	rc := f.state.Repos[repo]
	since := s.since(rc.At)
	ref := s.issuesRef(repo, since)
	etag := ""
	if rc.ETag != "" && rc.ETagSince == since {
		etag = rc.ETag
	}
	var firstETag string
	whole := false
	for page := 0; ref != ""; page++ {
		resp, err := s.client.get(ctx, ref, etag)
		if err != nil {
			return fmt.Errorf("github: list issues of %s: %w", repo, err)
		}
		if resp.NotModified {
			// The one-page answer is as it was: nothing in the repository
			// changed since its position, which stays as it is.
			return nil
		}
		var issues []ghIssue
		if err := json.Unmarshal(resp.Body, &issues); err != nil {
			return fmt.Errorf("github: list issues of %s: malformed JSON response: %w", repo, err)
		}
		next := resp.Next()
		if page == 0 {
			firstETag = resp.ETag()
			whole = next == "" && len(issues) < s.cfg.PerPage
		}
		items, err := f.s.complete(ctx, repo, issues, f.teams)
		if err != nil {
			return err
		}
		for _, it := range items {
			if it.c != nil {
				f.pending = append(f.pending, *it.c)
			}
			f.marks = append(f.marks, mark{pos: len(f.pending), repo: repo, updated: it.updated})
		}
		for len(f.pending) >= s.cfg.BatchSize {
			if err := f.flush(ctx, s.cfg.BatchSize); err != nil {
				return err
			}
		}
		ref, etag = next, ""
	}
	if len(f.pending) > 0 || len(f.marks) > 0 {
		if err := f.flush(ctx, len(f.pending)); err != nil {
			return err
		}
	}
	return f.keepETag(ctx, repo, since, firstETag, whole)
}

// keepETag records in the cursor the entity tag of the first page the
// next sync of repo will ask for, when that page is the whole answer and
// holds nothing newer than the position: the next sync then sends it as
// If-None-Match, and an unchanged repository costs a 304, no rate limit.
// The page just read is that page when the position did not move;
// otherwise it is asked for once (a cursor must not depend on where an
// interrupted sync resumed, and an idle repository must not cost a
// rate-limited request every time).
func (f *fetch) keepETag(ctx context.Context, repo, since, firstETag string, whole bool) error {
	s := f.s
	rc := f.state.Repos[repo]
	want := s.since(rc.At)
	if want == "" || (rc.ETag != "" && rc.ETagSince == want) {
		return nil
	}
	tag := ""
	if since == want {
		if whole {
			tag = firstETag
		}
	} else {
		resp, err := s.client.get(ctx, s.issuesRef(repo, want), "")
		if err != nil {
			return fmt.Errorf("github: list issues of %s: %w", repo, err)
		}
		var issues []ghIssue
		if err := json.Unmarshal(resp.Body, &issues); err != nil {
			return fmt.Errorf("github: list issues of %s: malformed JSON response: %w", repo, err)
		}
		newer := slices.ContainsFunc(issues, func(is ghIssue) bool { return is.UpdatedAt.After(rc.At) })
		if resp.Next() == "" && len(issues) < s.cfg.PerPage && !newer {
			tag = resp.ETag()
		}
	}
	if tag == "" {
		return nil
	}
	rc.ETag, rc.ETagSince = tag, want
	f.state.Repos[repo] = rc
	return f.flush(ctx, 0)
}

// item is one listed issue after complete: a complaint, or nil for a
// pull request or an issue that could not be mapped.
type item struct {
	c       *connectors.Complaint
	updated time.Time
}

// complete reads the timelines of a page's issues, at most Concurrency at
// once, and maps them; the result keeps the page's order.
func (s *Source) complete(ctx context.Context, repo string, issues []ghIssue, teams map[string]bool) ([]item, error) {
	out := make([]item, len(issues))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(cap(s.client.sem))
	for i := range issues {
		is := &issues[i]
		out[i].updated = is.UpdatedAt.UTC()
		if is.PullRequest != nil {
			continue // the issues list returns pull requests too
		}
		g.Go(func() error {
			var timeline []ghEvent
			if needsTimeline(is) {
				var err error
				if timeline, err = s.timeline(gctx, repo, is.Number); err != nil {
					return err
				}
			}
			key := repo + "#" + strconv.Itoa(is.Number)
			c, notes, err := s.cfg.Mapping.Complaint(repo, is, timeline, teams)
			if err != nil {
				s.note(connectors.Problem{Where: key, Reason: "skipped: " + truncate(err.Error(), 300)})
				return nil
			}
			for _, n := range notes {
				s.note(connectors.Problem{Where: key, Field: n.Field, Reason: n.Reason})
			}
			out[i].c = &c
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return out, nil
}

// needsTimeline reports whether an issue can have a timeline beyond its
// creation: one never updated since it was opened, without comments and
// still open has none, and skipping it saves a request.
func needsTimeline(is *ghIssue) bool {
	return is.Comments > 0 || is.State != "open" || !is.UpdatedAt.Equal(is.CreatedAt)
}

// timeline reads all pages of an issue's timeline.
func (s *Source) timeline(ctx context.Context, repo string, number int) ([]ghEvent, error) {
	owner, name, _ := strings.Cut(repo, "/")
	ref := fmt.Sprintf("repos/%s/%s/issues/%d/timeline?per_page=%d", url.PathEscape(owner), url.PathEscape(name), number, s.cfg.PerPage)
	var all []ghEvent
	for ref != "" {
		resp, err := s.client.get(ctx, ref, "")
		if err != nil {
			return nil, fmt.Errorf("github: timeline of %s#%d: %w", repo, number, err)
		}
		var page []ghEvent
		if err := json.Unmarshal(resp.Body, &page); err != nil {
			return nil, fmt.Errorf("github: timeline of %s#%d: malformed JSON response: %w", repo, number, err)
		}
		all = append(all, page...)
		ref = resp.Next()
	}
	return all, nil
}

// repos returns the repositories to read: the configured ones, or the
// organization's with issues enabled (and the topic, when set), sorted.
func (s *Source) repos(ctx context.Context) ([]string, error) {
	if s.cfg.Org == "" {
		return s.cfg.Repos, nil
	}
	ref := "orgs/" + url.PathEscape(s.cfg.Org) + "/repos?type=all&per_page=100"
	var out []string
	for ref != "" {
		resp, err := s.client.get(ctx, ref, "")
		if err != nil {
			return nil, fmt.Errorf("github: list repositories of %s: %w", s.cfg.Org, err)
		}
		var page []struct {
			FullName  string   `json:"full_name"`
			HasIssues bool     `json:"has_issues"`
			Topics    []string `json:"topics"`
		}
		if err := json.Unmarshal(resp.Body, &page); err != nil {
			return nil, fmt.Errorf("github: list repositories of %s: malformed JSON response: %w", s.cfg.Org, err)
		}
		for _, r := range page {
			if r.HasIssues && (s.cfg.Topic == "" || containsFold(r.Topics, s.cfg.Topic)) && repoName.MatchString(r.FullName) {
				out = append(out, r.FullName)
			}
		}
		ref = resp.Next()
	}
	slices.Sort(out)
	out = append(out, s.cfg.Repos...)
	return slices.Compact(out), nil
}

// teamMembers reads the members of the agent teams (lower-case logins).
func (s *Source) teamMembers(ctx context.Context) (map[string]bool, error) {
	if len(s.cfg.AgentTeams) == 0 {
		return nil, nil
	}
	out := map[string]bool{}
	for _, t := range s.cfg.AgentTeams {
		org, slug, _ := strings.Cut(t, "/")
		ref := "orgs/" + url.PathEscape(org) + "/teams/" + url.PathEscape(slug) + "/members?per_page=100"
		for ref != "" {
			resp, err := s.client.get(ctx, ref, "")
			if err != nil {
				return nil, fmt.Errorf("github: members of team %s (the token needs read:org, or Members: read): %w", t, err)
			}
			var page []ghUser
			if err := json.Unmarshal(resp.Body, &page); err != nil {
				return nil, fmt.Errorf("github: members of team %s: malformed JSON response: %w", t, err)
			}
			for _, u := range page {
				out[strings.ToLower(u.Login)] = true
			}
			ref = resp.Next()
		}
	}
	return out, nil
}
