package jira

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/kpidesk/kpidesk/connectors"
)

// UnmappedIssue is the Unmapped.Field of an issue Fetch skipped because
// it could not be mapped (a malformed payload, an unparsable timestamp).
const UnmappedIssue = "(issue)"

// maxIssueErr bounds the error text kept for a skipped issue.
const maxIssueErr = 300

// Source defaults.
const (
	// DefaultOverlap is the re-read window before the cursor. JQL compares
	// "updated" in the Jira site's time zone while the cursor is formatted
	// in UTC, so the overlap must cover the site's UTC offset (at most 14h);
	// a day is safe everywhere. Re-reading is harmless: complaints upsert.
	DefaultOverlap   = 24 * time.Hour
	DefaultBatchSize = 100
)

// searchFields are requested on every search; the mapping reads them.
var searchFields = []string{
	"summary", "created", "updated", "resolutiondate", "status", "priority",
	"assignee", "reporter", "components", "labels", "comment",
}

// jqlTimeLayout is a JQL date-time literal ("yyyy-MM-dd HH:mm").
const jqlTimeLayout = "2006-01-02 15:04"

var projectKey = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]*$`)

// SourceConfig configures a [Source].
type SourceConfig struct {
	// Name is the source name: the store's cursor key and the ID prefix.
	Name string
	// Client is the transport configuration.
	Client Config
	// Projects are the project keys read (JQL: project in (...)).
	Projects []string
	// JQL is an extra filter ANDed in; optional. It must not have an
	// ORDER BY clause: the source orders by updated itself.
	JQL string
	// Overlap is the re-read window before the cursor (default
	// [DefaultOverlap]): issues with updated >= cursor − Overlap are read.
	// It must cover the Jira site's UTC offset, because the bound is sent
	// in UTC and Jira reads it in the site's (or user's) time zone.
	Overlap time.Duration
	// Mapping maps issues; Source and BaseURL default to Name and
	// Client.BaseURL.
	Mapping Mapping
	// Fields are extra fields to request besides the ones the mapping
	// always reads. Mapping.RequestTypeField, OrganizationField,
	// SLAFields, CSATField and CSATDateField are added automatically.
	Fields []string
	// Now is the clock (default time.Now); a batch's AsOf is the sync's
	// start.
	Now func() time.Time
	// BatchSize is the number of complaints per emitted batch (default
	// [DefaultBatchSize]).
	BatchSize int
	// AgentGroups, when set, names the Jira groups whose members are the
	// agents: every Fetch reads their members once (GET
	// /rest/api/{3|2}/group/member) and sets Mapping.AgentsOnly and
	// Mapping.Agents, so that other non-bot, non-customer accounts count as
	// customers.
	AgentGroups []string
	// FeedbackEndpoint, when true, reads the CSAT rating of a resolved
	// issue from GET /rest/servicedeskapi/request/{key}/feedback when
	// Mapping.CSATField is empty or absent from the issue (404: no rating).
	FeedbackEndpoint bool
	// DiscoverFields, when true, makes every Fetch read the field list
	// (GET /rest/api/{3|2}/field) first and fill the JSM field IDs of the
	// Mapping that are not already set (see [FieldIDs.Apply]).
	DiscoverFields bool
}

// Source reads complaints from Jira Service Management. It implements
// connectors.Source. Fetch must not be called concurrently on one Source.
type Source struct {
	cfg    SourceConfig
	client *Client
	fields []string

	mu       sync.Mutex
	unmapped map[Unmapped]bool
	// fresh are the unmapped values found since the last batch, in the
	// order found, for that batch's Problems.
	fresh []Unmapped
}

var _ connectors.Source = (*Source)(nil)

// NewSource checks cfg and returns a source. It makes no request.
func NewSource(cfg SourceConfig) (*Source, error) {
	if cfg.Name == "" {
		return nil, errors.New("jira: source has no name")
	}
	if len(cfg.Projects) == 0 && strings.TrimSpace(cfg.JQL) == "" {
		return nil, fmt.Errorf("jira: source %s: name at least one project or a JQL filter", cfg.Name)
	}
	for _, p := range cfg.Projects {
		if !projectKey.MatchString(p) {
			return nil, fmt.Errorf("jira: source %s: %q is not a project key", cfg.Name, p)
		}
	}
	if strings.Contains(strings.ToLower(cfg.JQL), "order by") {
		return nil, fmt.Errorf("jira: source %s: the JQL filter must not have an ORDER BY clause", cfg.Name)
	}
	if cfg.Overlap < 0 {
		return nil, fmt.Errorf("jira: source %s: negative overlap %v", cfg.Name, cfg.Overlap)
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
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	cfg.Mapping.Source = cmp.Or(cfg.Mapping.Source, cfg.Name)
	cfg.Mapping.BaseURL = cmp.Or(cfg.Mapping.BaseURL, strings.TrimRight(cfg.Client.BaseURL, "/"))
	for _, g := range cfg.AgentGroups {
		if strings.TrimSpace(g) == "" {
			return nil, fmt.Errorf("jira: source %s: empty agent group name", cfg.Name)
		}
	}
	return &Source{cfg: cfg, client: client, fields: fieldsFor(cfg.Mapping, cfg.Fields)}, nil
}

// fieldsFor is the search's field list: the ones the mapping always reads,
// its configured custom fields, then extra.
func fieldsFor(m Mapping, extra []string) []string {
	fields := slices.Clone(searchFields)
	mapped := []string{m.RequestTypeField, m.OrganizationField, m.CSATField, m.CSATDateField}
	mapped = append(mapped, slices.Sorted(maps.Keys(m.SLAFields))...)
	for _, name := range slices.Sorted(maps.Keys(m.CustomFields)) {
		mapped = append(mapped, m.CustomFields[name])
	}
	for _, f := range append(mapped, extra...) {
		if f = strings.TrimSpace(f); f != "" && !slices.Contains(fields, f) {
			fields = append(fields, f)
		}
	}
	return fields
}

// Name returns the configured source name.
func (s *Source) Name() string { return s.cfg.Name }

// Unmapped returns the values the last Fetch could not map, deduplicated
// and sorted by field, value and issue key. An issue that could not be
// mapped at all is skipped by Fetch and listed here with Field
// [UnmappedIssue] and the mapping error as Value.
func (s *Source) Unmapped() []Unmapped {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Unmapped, 0, len(s.unmapped))
	for u := range s.unmapped {
		out = append(out, u)
	}
	slices.SortFunc(out, func(a, b Unmapped) int {
		return cmp.Or(cmp.Compare(a.Field, b.Field), cmp.Compare(a.Value, b.Value), cmp.Compare(a.Key, b.Key))
	})
	return out
}

// note records u as unmapped in this Fetch, and as fresh the first time;
// s.mu is held.
func (s *Source) note(u Unmapped) {
	if !s.unmapped[u] {
		s.unmapped[u] = true
		s.fresh = append(s.fresh, u)
	}
}

// takeFresh returns the problems of the unmapped values found since the
// last batch, for the next one, and forgets them: each goes with the batch
// of its issue or an earlier one, since a page is mapped whole before its
// complaints are batched.
func (s *Source) takeFresh() []connectors.Problem {
	s.mu.Lock()
	fresh := s.fresh
	s.fresh = nil
	s.mu.Unlock()
	if len(fresh) == 0 {
		return nil
	}
	out := make([]connectors.Problem, len(fresh))
	for i, u := range fresh {
		out[i] = u.problem()
	}
	return out
}

// ParseCursor parses a cursor written by [Source.Fetch]: an RFC 3339
// instant, or "" for none (the zero time).
func ParseCursor(cursor string) (time.Time, error) {
	if cursor == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, cursor)
	if err != nil {
		return time.Time{}, fmt.Errorf("jira: cursor %q is not an RFC 3339 instant", cursor)
	}
	return t.UTC(), nil
}

func formatCursor(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// query returns the search JQL for issues updated since since (zero: all).
func (s *Source) query(since time.Time) string {
	var parts []string
	if len(s.cfg.Projects) > 0 {
		qs := make([]string, len(s.cfg.Projects))
		for i, p := range s.cfg.Projects {
			qs[i] = `"` + p + `"`
		}
		parts = append(parts, "project in ("+strings.Join(qs, ", ")+")")
	}
	if j := strings.TrimSpace(s.cfg.JQL); j != "" {
		parts = append(parts, "("+j+")")
	}
	if !since.IsZero() {
		bound := since.Add(-s.cfg.Overlap).UTC()
		parts = append(parts, `updated >= "`+bound.Format(jqlTimeLayout)+`"`)
	}
	return strings.Join(parts, " AND ") + " ORDER BY updated ASC, key ASC"
}

// Fetch reads the issues updated since cursor (an RFC 3339 instant; ""
// reads everything), oldest update first, completes the changelog and
// comments of every issue whose embedded lists are partial, maps each and
// emits them BatchSize at a time.
//
// A batch's Cursor is the latest "updated" among the issues emitted so
// far (never earlier than the cursor given), so a committed cursor never
// passes an issue not yet committed; its AsOf is the sync's start. When
// nothing changed, one empty batch carries the cursor and AsOf. Emit's
// errors are returned unchanged; a cancelled ctx gives ctx.Err().
//
// An issue the mapping rejects does not fail the sync: it is skipped,
// reported by [Source.Unmapped] as [UnmappedIssue], and the cursor moves
// past it (by its "updated", when readable) with the batch that emits the
// issues before it.
func (s *Source) Fetch(ctx context.Context, cursor string, emit func(connectors.Batch) error) error {
	since, err := ParseCursor(cursor)
	if err != nil {
		return err
	}
	s.mu.Lock()
	s.unmapped = map[Unmapped]bool{}
	s.fresh = nil
	s.mu.Unlock()
	run, err := s.prepare(ctx)
	if err != nil {
		return err
	}

	asOf := s.cfg.Now()
	latest := since
	var (
		pending []connectors.Complaint
		skips   []skipMark // skipped issues, positioned within pending
		done    int
		total   int
		emitted bool
		emitErr error
	)
	flush := func(n int) error {
		b := connectors.Batch{Complaints: pending[:n:n], AsOf: asOf, Total: total}
		for _, c := range b.Complaints {
			if c.UpdatedAt.After(latest) {
				latest = c.UpdatedAt
			}
		}
		rest := skips[:0]
		for _, sk := range skips {
			if sk.pos > n {
				rest = append(rest, skipMark{pos: sk.pos - n, updated: sk.updated})
			} else if sk.updated.After(latest) {
				latest = sk.updated
			}
		}
		skips = rest
		if !latest.IsZero() {
			b.Cursor = formatCursor(latest)
		}
		done += n
		b.Done = done
		b.Problems = s.takeFresh()
		emitted = true
		pending = slices.Clone(pending[n:])
		if err := emit(b); err != nil {
			emitErr = err
			return err
		}
		return nil
	}

	err = s.search(ctx, run.fields, s.query(since), func(page []json.RawMessage, pageTotal int) error {
		if pageTotal > total {
			total = pageTotal
		}
		items, err := s.complete(ctx, run, page)
		if err != nil {
			return err
		}
		for _, it := range items {
			if it.skipped {
				skips = append(skips, skipMark{pos: len(pending), updated: it.updated})
				continue
			}
			pending = append(pending, it.c)
		}
		for len(pending) >= s.cfg.BatchSize {
			if err := flush(s.cfg.BatchSize); err != nil {
				return err
			}
		}
		return nil
	})
	switch {
	case emitErr != nil:
		return emitErr
	case ctx.Err() != nil:
		return ctx.Err()
	case err != nil:
		return err
	}
	if len(pending) > 0 || len(skips) > 0 || !emitted {
		if err := flush(len(pending)); err != nil {
			return err
		}
	}
	return nil
}

// expandedIssue is what complete reads of a search result to decide
// whether the embedded changelog and comments are whole.
type expandedIssue struct {
	Key    string `json:"key"`
	Fields struct {
		Comment *struct {
			Total    int               `json:"total"`
			Comments []json.RawMessage `json:"comments"`
		} `json:"comment"`
	} `json:"fields"`
	Changelog *struct {
		Total     int               `json:"total"`
		Histories []json.RawMessage `json:"histories"`
	} `json:"changelog"`
}

// skipMark is an issue Fetch skipped: it lies after the first pos pending
// complaints, and its "updated" (zero when unreadable) advances the cursor
// once those are emitted.
type skipMark struct {
	pos     int
	updated time.Time
}

// pageItem is one search result after complete: a complaint, or an issue
// skipped because the mapping rejected it.
type pageItem struct {
	c       connectors.Complaint
	skipped bool
	updated time.Time // of a skipped issue, when readable
}

// complete maps one page of search results, fetching full changelogs and
// comments where the embedded ones are partial or missing, with at most
// Client.Concurrency issues in flight. The results keep the page order.
// An issue the mapping rejects is marked skipped and recorded as
// Unmapped; transport errors fail the page.
func (s *Source) complete(ctx context.Context, run *fetchRun, page []json.RawMessage) ([]pageItem, error) {
	out := make([]pageItem, len(page))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(cap(s.client.sem))
	for i, raw := range page {
		g.Go(func() error {
			var ei expandedIssue
			if err := json.Unmarshal(raw, &ei); err != nil {
				// Not an issue object: the mapping below rejects it.
				ei = expandedIssue{}
			}
			var histories, comments []json.RawMessage
			if cl := ei.Changelog; ei.Key != "" && (cl == nil || cl.Total > len(cl.Histories)) {
				err := s.client.Changelog(gctx, ei.Key, func(p []json.RawMessage) error {
					histories = append(histories, p...)
					return nil
				})
				if err != nil {
					return err
				}
			}
			if cm := ei.Fields.Comment; ei.Key != "" && (cm == nil || cm.Total > len(cm.Comments)) {
				err := s.client.Comments(gctx, ei.Key, func(p []json.RawMessage) error {
					comments = append(comments, p...)
					return nil
				})
				if err != nil {
					return err
				}
			}
			if len(comments) == 0 && ei.Fields.Comment != nil {
				comments = ei.Fields.Comment.Comments
			}
			comments, err := s.commentVisibility(gctx, comments)
			if err != nil {
				return err
			}
			c, unmapped, err := run.mapping.Complaint(raw, histories, comments)
			if err == nil {
				err = s.feedback(gctx, run, raw, &c)
				if err != nil {
					return err
				}
			}
			if err != nil {
				out[i] = pageItem{skipped: true, updated: issueUpdated(raw)}
				unmapped = []Unmapped{{Field: UnmappedIssue, Value: issueErrText(err), Key: ei.Key}}
			} else {
				out[i] = pageItem{c: c}
			}
			if len(unmapped) > 0 {
				s.mu.Lock()
				for _, u := range unmapped {
					s.note(u)
				}
				s.mu.Unlock()
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return out, nil
}

// issueUpdated reads fields.updated of a raw issue; zero when unreadable.
func issueUpdated(raw json.RawMessage) time.Time {
	var v struct {
		Fields struct {
			Updated string `json:"updated"`
		} `json:"fields"`
	}
	if json.Unmarshal(raw, &v) != nil {
		return time.Time{}
	}
	t, err := parseJiraTime(v.Fields.Updated)
	if err != nil {
		return time.Time{}
	}
	return t
}

// issueErrText is the mapping error of a skipped issue for the
// data-quality page: one line, bounded. Mapping errors come from the
// issue's payload only, never from credentials.
func issueErrText(err error) string {
	msg := strings.Join(strings.Fields(err.Error()), " ")
	if len(msg) > maxIssueErr {
		msg = strings.ToValidUTF8(msg[:maxIssueErr], "") + "…"
	}
	return msg
}

// expandJQLRequest is jqlRequest with the changelog expanded (Cloud).
type expandJQLRequest struct {
	jqlRequest
	Expand string `json:"expand"`
}

// expandOffsetRequest is offsetRequest with the changelog expanded (Data
// Center takes a list).
type expandOffsetRequest struct {
	offsetRequest
	Expand []string `json:"expand"`
}

// search is [Client.Search] with expand=changelog, handing fn each page and
// the total when the server gives one (Data Center), else 0. fn's errors
// are returned unchanged.
func (s *Source) search(ctx context.Context, fields []string, jql string, fn func(page []json.RawMessage, total int) error) error {
	c := s.client
	d, err := c.Deployment(ctx)
	if err != nil {
		return err
	}
	if d == Cloud {
		req := expandJQLRequest{jqlRequest{JQL: jql, Fields: fields, MaxResults: pageSize}, "changelog"}
		seen := map[string]bool{}
		for {
			var p jqlPage
			if err := c.do(ctx, http.MethodPost, "rest/api/3/search/jql", req, &p); err != nil {
				return fmt.Errorf("jira: search: %w", c.withJQL(err, jql))
			}
			if len(p.Issues) > 0 {
				if err := fn(p.Issues, 0); err != nil {
					return err
				}
			}
			if p.IsLast || p.NextPageToken == "" {
				return nil
			}
			if seen[p.NextPageToken] {
				return fmt.Errorf("jira: search: %w", errNoProgress)
			}
			seen[p.NextPageToken] = true
			req.NextPageToken = p.NextPageToken
		}
	}
	req := expandOffsetRequest{offsetRequest{JQL: jql, Fields: fields, MaxResults: pageSize}, []string{"changelog"}}
	for {
		var p offsetPage
		if err := c.do(ctx, http.MethodPost, "rest/api/2/search", req, &p); err != nil {
			return fmt.Errorf("jira: search: %w", c.withJQL(err, jql))
		}
		items := p.items()
		if len(items) > 0 {
			total := 0
			if p.Total != nil {
				total = *p.Total
			}
			if err := fn(items, total); err != nil {
				return err
			}
		}
		if p.done(req.StartAt) {
			return nil
		}
		req.StartAt += len(items)
	}
}
