package jira

import (
	"bytes"
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
	// SLAFields, CSATField, CSATDateField, ParticipantsField and the
	// fields of the From lists are added automatically.
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
	mapped := []string{m.RequestTypeField, m.OrganizationField, m.CSATField, m.CSATDateField, m.ParticipantsField}
	mapped = append(mapped, slices.Sorted(maps.Keys(m.SLAFields))...)
	mapped = append(mapped, fromFields(m)...)
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

// pipelineDepth is how many search pages may be read ahead of the one
// whose complaints are emitted next: their follow-up requests (changelogs,
// comments, feedback) run meanwhile, all within Client.Concurrency, so
// that neither the next search page nor one issue's retry wait holds up
// the rest. Each page is about a hundred issues, a few MiB at most.
const pipelineDepth = 4

// Fetch reads the issues updated since cursor (an RFC 3339 instant; ""
// reads everything), oldest update first, completes the changelog and
// comments of every issue whose embedded lists are partial, maps each and
// emits them BatchSize at a time.
//
// The work is pipelined: the next search page is read while the current
// one's follow-up requests run, and the follow-ups of up to pipelineDepth
// pages are in flight together, within Client.Concurrency requests. Emit
// is still called from Fetch's goroutine, one batch at a time, in search
// order: a page's complaints are emitted only when the page and every page
// before it are complete.
//
// A batch's Cursor is the latest "updated" among the issues emitted so
// far (never earlier than the cursor given), so a committed cursor never
// passes an issue not yet committed; its AsOf is the sync's start. When
// nothing changed, one empty batch carries the cursor and AsOf. Emit's
// errors are returned unchanged; a cancelled ctx gives ctx.Err(). A failed
// request stops the sync after the batches of the pages before it; the
// pages read ahead are dropped, and Fetch returns only when all of its
// requests have ended.
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
		return emit(b)
	}

	pctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	// Stop the pipeline and wait for its requests before returning, so
	// that nothing of this Fetch runs on after it (the client's callbacks,
	// the unmapped values).
	defer wg.Wait()
	defer cancel()
	jobs := s.pipeline(pctx, &wg, run, s.query(since))

	for job := range jobs {
		select {
		case <-job.done:
		case <-ctx.Done():
			return ctx.Err()
		}
		switch {
		case ctx.Err() != nil:
			return ctx.Err()
		case job.err != nil:
			return job.err
		}
		if job.total > total {
			total = job.total
		}
		for _, it := range job.items {
			if len(it.unmapped) > 0 {
				s.mu.Lock()
				for _, u := range it.unmapped {
					s.note(u)
				}
				s.mu.Unlock()
			}
			if it.skipped {
				skips = append(skips, skipMark{pos: len(pending), updated: it.updated})
				continue
			}
			pending = append(pending, it.c)
		}
		for len(pending) >= s.cfg.BatchSize {
			if err := ctx.Err(); err != nil {
				return err
			}
			if err := flush(s.cfg.BatchSize); err != nil {
				return err
			}
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if len(pending) > 0 || len(skips) > 0 || !emitted {
		if err := flush(len(pending)); err != nil {
			return err
		}
	}
	return nil
}

// pageJob is one search page on its way through the pipeline: done is
// closed once items (in page order) or err are final. A search error is a
// job of its own, after the pages read before it.
type pageJob struct {
	items []pageItem
	total int
	err   error
	done  chan struct{}
}

// pipeline runs the search in a goroutine and sends each page as a job,
// in search order, while the page is being completed in the background.
// The channel's buffer bounds the pages read ahead; it is closed after
// the last page or the search error. Every goroutine it starts is counted
// in wg and ends soon after ctx is cancelled.
func (s *Source) pipeline(ctx context.Context, wg *sync.WaitGroup, run *fetchRun, jql string) <-chan *pageJob {
	jobs := make(chan *pageJob, pipelineDepth-1)
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(jobs)
		err := s.search(ctx, run.fields, jql, func(page []pageEntry, total int) error {
			job := &pageJob{total: total, done: make(chan struct{})}
			select {
			case jobs <- job:
			case <-ctx.Done():
				return ctx.Err()
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer close(job.done)
				job.items, job.err = s.complete(ctx, run, page)
			}()
			return nil
		})
		if err != nil && ctx.Err() == nil {
			job := &pageJob{err: err, done: make(chan struct{})}
			close(job.done)
			select {
			case jobs <- job:
			case <-ctx.Done():
			}
		}
	}()
	return jobs
}

// skipMark is an issue Fetch skipped: it lies after the first pos pending
// complaints, and its "updated" (zero when unreadable) advances the cursor
// once those are emitted.
type skipMark struct {
	pos     int
	updated time.Time
}

// pageItem is one search result after complete: a complaint, or an issue
// skipped because the mapping rejected it, with what it could not map.
type pageItem struct {
	c        connectors.Complaint
	skipped  bool
	updated  time.Time // of a skipped issue, when readable
	unmapped []Unmapped
}

// complete maps one page of search results, fetching full changelogs and
// comments where the embedded ones are partial or missing, with at most
// Client.Concurrency issues of the page in flight. The results keep the
// page order. An issue the mapping rejects is marked skipped and its
// error kept as Unmapped; transport errors fail the page.
func (s *Source) complete(ctx context.Context, run *fetchRun, page []pageEntry) ([]pageItem, error) {
	d, err := s.client.Deployment(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]pageItem, len(page))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(cap(s.client.sem))
	for i, e := range page {
		g.Go(func() error {
			skip := func(key string, err error) {
				updated := e.updated
				if updated.IsZero() && e.p != nil {
					updated = fieldsUpdated(e.p.Fields)
				}
				out[i] = pageItem{skipped: true, updated: updated,
					unmapped: []Unmapped{{Field: UnmappedIssue, Value: issueErrText(err), Key: key}}}
			}
			if e.err != nil {
				skip(e.key, e.err)
				return nil
			}
			p := e.p
			var histories []history
			if cl := p.Changelog; cl == nil || cl.Total > len(cl.Histories) {
				var raws []json.RawMessage
				err := s.client.Changelog(gctx, p.Key, func(page []json.RawMessage) error {
					raws = append(raws, page...)
					return nil
				})
				if err != nil {
					return err
				}
				if histories, err = decodeHistories(raws); err != nil {
					skip(p.Key, fmt.Errorf("jira: %s: %w", p.Key, err))
					return nil
				}
			}
			comments, err := s.comments(gctx, d, p)
			var bad *badComments
			if errors.As(err, &bad) {
				skip(p.Key, fmt.Errorf("jira: %s: %w", p.Key, bad.err))
				return nil
			} else if err != nil {
				return err
			}
			if d == DataCenter {
				if err := s.resolveUserKeys(gctx, run, p, histories, comments); err != nil {
					return err
				}
			}
			c, unmapped, err := run.mapping.complaintWith(p, histories, comments, run.users)
			if err != nil {
				skip(p.Key, err)
				return nil
			}
			fb, err := s.feedback(gctx, run, p.Fields, &c)
			if err != nil {
				return err
			}
			out[i] = pageItem{c: c, unmapped: append(unmapped, fb...)}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return out, nil
}

// badComments is a comment list that came back from Jira but does not
// decode: the issue is skipped, as one whose payload the mapping rejects,
// rather than failing the sync.
type badComments struct{ err error }

func (e *badComments) Error() string { return e.err.Error() }

// comments returns an issue's comments with their visibility: the ones
// the search embedded when they are all there and each says whether it is
// public (jsdPublic, or expanded properties); otherwise one paged request
// for the issue's comments, with expand=properties on Data Center, where
// comments have no jsdPublic. Only a comment that still says nothing about
// its visibility (a server that ignored the expand) has its property read
// on its own.
func (s *Source) comments(ctx context.Context, deployment string, p *parsedIssue) ([]comment, error) {
	var fetch bool
	if deployment == DataCenter {
		fetch = mustReadComments(p.Fields["comment"])
	} else {
		cl, err := p.embeddedComments()
		if err != nil {
			return nil, &badComments{err}
		}
		fetch = cl == nil || cl.Total > len(cl.Comments)
	}
	if !fetch {
		cl, err := p.embeddedComments()
		if err != nil {
			return nil, &badComments{err}
		}
		if cl == nil {
			return nil, nil
		}
		return s.commentVisibility(ctx, cl.Comments)
	}
	comments, err := s.client.issueComments(ctx, p.Key, deployment == DataCenter)
	if err != nil {
		return nil, err
	}
	return s.commentVisibility(ctx, comments)
}

// mustReadComments reports whether an issue's embedded comment field
// leaves its comments to be read: when it is missing or unreadable, holds
// fewer comments than its total, or holds a comment that does not say
// whether it is public. Data Center's search never expands comment
// properties, so the first comment usually decides: the field is read
// token by token and the reading stops there, rather than decoding
// comments that will be read again with their visibility.
func mustReadComments(raw json.RawMessage) bool {
	if len(raw) == 0 || isNull(raw) {
		return true
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return true
	}
	total, n := 0, 0
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			return true
		}
		switch k {
		case "total":
			if dec.Decode(&total) != nil {
				return true
			}
		case "comments":
			t, err := dec.Token()
			switch {
			case err != nil:
				return true
			case t == nil:
				continue // null: none
			case t != json.Delim('['):
				return true
			}
			for dec.More() {
				var c struct {
					JSDPublic  *bool            `json:"jsdPublic"`
					Properties *json.RawMessage `json:"properties"`
				}
				if dec.Decode(&c) != nil || (c.JSDPublic == nil && c.Properties == nil) {
					return true
				}
				n++
			}
			if _, err := dec.Token(); err != nil {
				return true
			}
		default:
			var skip json.RawMessage
			if dec.Decode(&skip) != nil {
				return true
			}
		}
	}
	return total > n
}

// issueKey reads the key of a raw issue that does not parse; "" when
// unreadable.
func issueKey(raw json.RawMessage) string {
	var v struct {
		Key string `json:"key"`
	}
	_ = json.Unmarshal(raw, &v)
	return v.Key
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

// pageEntry is one issue of a search page: parsed, or the error that
// stopped it with what could be read of it (its key and "updated", for
// the data-quality page and the cursor).
type pageEntry struct {
	p       *parsedIssue
	err     error
	key     string
	updated time.Time
}

// searchPage is a search page (either kind) decoded straight into issues:
// one pass of encoding/json over the page, where decoding it into
// json.RawMessage first and each issue again would read every ticket's
// bytes twice more.
type searchPage struct {
	Issues        []rawIssue `json:"issues"`
	NextPageToken string     `json:"nextPageToken"`
	IsLast        *bool      `json:"isLast"`
	MaxResults    int        `json:"maxResults"`
	Total         *int       `json:"total"`
}

// rawSearchPage is searchPage with the issues kept raw: the fallback for
// a page with an issue of an unexpected shape, so that only that issue is
// skipped.
type rawSearchPage struct {
	Issues        []json.RawMessage `json:"issues"`
	NextPageToken string            `json:"nextPageToken"`
	IsLast        *bool             `json:"isLast"`
	MaxResults    int               `json:"maxResults"`
	Total         *int              `json:"total"`
}

// readPage posts one search request and returns its issues as entries,
// with the page's paging fields. A page that decodes only with a type
// error (an issue whose "fields" is not an object, say) is read again
// raw and parsed issue by issue.
func (s *Source) readPage(ctx context.Context, path string, req any) ([]pageEntry, rawSearchPage, error) {
	c := s.client
	var pg searchPage
	err := c.do(ctx, http.MethodPost, path, req, &pg)
	var typeErr *json.UnmarshalTypeError
	if !errors.As(err, &typeErr) {
		if err != nil {
			return nil, rawSearchPage{}, err
		}
		entries := make([]pageEntry, len(pg.Issues))
		for i, ri := range pg.Issues {
			entries[i] = entryOf(ri)
		}
		return entries, rawSearchPage{NextPageToken: pg.NextPageToken, IsLast: pg.IsLast, MaxResults: pg.MaxResults, Total: pg.Total}, nil
	}
	var raw rawSearchPage
	if err := c.do(ctx, http.MethodPost, path, req, &raw); err != nil {
		return nil, rawSearchPage{}, err
	}
	entries := make([]pageEntry, len(raw.Issues))
	for i, r := range raw.Issues {
		p, err := parseIssue(r)
		if err != nil {
			entries[i] = pageEntry{err: err, key: issueKey(r), updated: issueUpdated(r)}
			continue
		}
		entries[i] = pageEntry{p: p, key: p.Key}
	}
	raw.Issues = nil // the entries hold them
	return entries, raw, nil
}

// entryOf parses a decoded issue's fields.
func entryOf(ri rawIssue) pageEntry {
	e := pageEntry{key: ri.Key, updated: fieldsUpdated(ri.Fields)}
	if ri.Key == "" {
		e.err = errors.New("jira: issue has no key")
		return e
	}
	p := &parsedIssue{rawIssue: ri}
	if err := p.f.decode(ri.Fields); err != nil {
		e.err = fmt.Errorf("jira: decode fields of %s: %w", ri.Key, err)
		return e
	}
	e.p = p
	return e
}

// fieldsUpdated reads the "updated" field; zero when unreadable.
func fieldsUpdated(fields map[string]json.RawMessage) time.Time {
	var u string
	if json.Unmarshal(fields["updated"], &u) != nil {
		return time.Time{}
	}
	t, err := parseJiraTime(u)
	if err != nil {
		return time.Time{}
	}
	return t
}

// search is [Client.Search] with expand=changelog, handing fn each page,
// parsed, and the total when the server gives one (Data Center), else 0.
// fn's errors are returned unchanged.
func (s *Source) search(ctx context.Context, fields []string, jql string, fn func(page []pageEntry, total int) error) error {
	c := s.client
	d, err := c.Deployment(ctx)
	if err != nil {
		return err
	}
	if d == Cloud {
		req := expandJQLRequest{jqlRequest{JQL: jql, Fields: fields, MaxResults: pageSize}, "changelog"}
		seen := map[string]bool{}
		for {
			entries, p, err := s.readPage(ctx, "rest/api/3/search/jql", req)
			if err != nil {
				return fmt.Errorf("jira: search: %w", c.withJQL(err, jql))
			}
			if len(entries) > 0 {
				if err := fn(entries, 0); err != nil {
					return err
				}
			}
			if (p.IsLast != nil && *p.IsLast) || p.NextPageToken == "" {
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
		entries, p, err := s.readPage(ctx, "rest/api/2/search", req)
		if err != nil {
			return fmt.Errorf("jira: search: %w", c.withJQL(err, jql))
		}
		if len(entries) > 0 {
			total := 0
			if p.Total != nil {
				total = *p.Total
			}
			if err := fn(entries, total); err != nil {
				return err
			}
		}
		op := offsetPage{MaxResults: p.MaxResults, Total: p.Total, IsLast: p.IsLast}
		if op.doneAfter(req.StartAt, len(entries)) {
			return nil
		}
		req.StartAt += len(entries)
	}
}
