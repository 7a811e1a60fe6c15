package jira

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
)

// pageSize is the maxResults asked for. Jira may return fewer; paging
// follows what was returned, not what was asked.
const pageSize = 100

// defaultFields is sent when the caller names none: the enhanced search's
// own default is "id" only.
var defaultFields = []string{"*navigable"}

// jqlRequest is the body of POST /rest/api/3/search/jql.
type jqlRequest struct {
	JQL           string   `json:"jql"`
	Fields        []string `json:"fields"`
	MaxResults    int      `json:"maxResults"`
	NextPageToken string   `json:"nextPageToken,omitempty"`
}

// jqlPage is a page of the enhanced search: no startAt or total.
type jqlPage struct {
	Issues        []json.RawMessage `json:"issues"`
	NextPageToken string            `json:"nextPageToken"`
	IsLast        bool              `json:"isLast"`
}

// offsetRequest is the body of POST /rest/api/2/search (Data Center).
type offsetRequest struct {
	JQL        string   `json:"jql"`
	Fields     []string `json:"fields"`
	StartAt    int      `json:"startAt"`
	MaxResults int      `json:"maxResults"`
}

// offsetPage is any startAt/maxResults/total page; the items are under
// issues, values (changelog), histories (older changelog shape) or comments.
type offsetPage struct {
	StartAt    int               `json:"startAt"`
	MaxResults int               `json:"maxResults"`
	Total      *int              `json:"total"`
	IsLast     *bool             `json:"isLast"`
	Issues     []json.RawMessage `json:"issues"`
	Values     []json.RawMessage `json:"values"`
	Histories  []json.RawMessage `json:"histories"`
	Comments   []json.RawMessage `json:"comments"`
}

func (p *offsetPage) items() []json.RawMessage {
	for _, s := range [][]json.RawMessage{p.Issues, p.Values, p.Histories, p.Comments} {
		if len(s) > 0 {
			return s
		}
	}
	return nil
}

// done reports whether no page follows this one, which started at startAt.
func (p *offsetPage) done(startAt int) bool { return p.doneAfter(startAt, len(p.items())) }

// doneAfter is done for a page of n items decoded elsewhere.
func (p *offsetPage) doneAfter(startAt, n int) bool {
	switch {
	case n == 0:
		return true
	case p.IsLast != nil:
		return *p.IsLast
	case p.Total != nil:
		return startAt+n >= *p.Total
	}
	return n < p.MaxResults
}

// Search runs jql and hands the raw issues to fn one page at a time, with
// the given fields (nil means *navigable). On Cloud it uses POST
// /rest/api/3/search/jql and follows nextPageToken until isLast; on Data
// Center POST /rest/api/2/search with startAt/total. If fn returns an error,
// Search stops and returns it.
func (c *Client) Search(ctx context.Context, jql string, fields []string, fn func(page []json.RawMessage) error) error {
	if len(fields) == 0 {
		fields = defaultFields
	}
	d, err := c.Deployment(ctx)
	if err != nil {
		return err
	}
	if d == Cloud {
		err = c.searchJQL(ctx, jql, fields, fn)
	} else {
		err = c.searchOffset(ctx, jql, fields, fn)
	}
	if err != nil {
		return fmt.Errorf("jira: search: %w", c.withJQL(err, jql))
	}
	return nil
}

func (c *Client) searchJQL(ctx context.Context, jql string, fields []string, fn func([]json.RawMessage) error) error {
	req := jqlRequest{JQL: jql, Fields: fields, MaxResults: pageSize}
	seen := map[string]bool{}
	for {
		var p jqlPage
		if err := c.do(ctx, http.MethodPost, "rest/api/3/search/jql", req, &p); err != nil {
			return err
		}
		if len(p.Issues) > 0 {
			if err := fn(p.Issues); err != nil {
				return err
			}
		}
		if p.IsLast || p.NextPageToken == "" {
			return nil
		}
		if seen[p.NextPageToken] {
			return errNoProgress
		}
		seen[p.NextPageToken] = true
		req.NextPageToken = p.NextPageToken
	}
}

func (c *Client) searchOffset(ctx context.Context, jql string, fields []string, fn func([]json.RawMessage) error) error {
	req := offsetRequest{JQL: jql, Fields: fields, MaxResults: pageSize}
	for {
		var p offsetPage
		if err := c.do(ctx, http.MethodPost, "rest/api/2/search", req, &p); err != nil {
			return err
		}
		items := p.items()
		if len(items) > 0 {
			if err := fn(items); err != nil {
				return err
			}
		}
		if p.done(req.StartAt) {
			return nil
		}
		req.StartAt += len(items)
	}
}

// Changelog hands the issue's changelog histories to fn page by page: on
// Cloud from the paged /rest/api/3/issue/{key}/changelog (oldest first);
// Data Center has no such endpoint (it answers 404), and its
// /rest/api/2/issue/{key}?expand=changelog embeds the whole changelog, in
// one page. The mapping sorts histories by time either way.
func (c *Client) Changelog(ctx context.Context, key string, fn func([]json.RawMessage) error) error {
	d, err := c.Deployment(ctx)
	if err == nil && d == DataCenter {
		err = c.embeddedChangelog(ctx, key, fn)
	} else if err == nil {
		err = c.pageIssue(ctx, key, "changelog", fn)
	}
	if err != nil {
		return fmt.Errorf("jira: list changelog for %s: %w", key, err)
	}
	return nil
}

// embeddedChangelog reads the changelog that GET issue embeds on Data
// Center, asking for one field only: the changelog is what is wanted.
func (c *Client) embeddedChangelog(ctx context.Context, key string, fn func([]json.RawMessage) error) error {
	q := url.Values{"expand": {"changelog"}, "fields": {"updated"}}
	var issue struct {
		Changelog *offsetPage `json:"changelog"`
	}
	if err := c.do(ctx, http.MethodGet, "rest/api/2/issue/"+url.PathEscape(key)+"?"+q.Encode(), nil, &issue); err != nil {
		return err
	}
	if issue.Changelog == nil {
		return fmt.Errorf("the issue came back without the changelog it was asked for")
	}
	if hs := issue.Changelog.Histories; len(hs) > 0 {
		return fn(hs)
	}
	return nil
}

// Comments hands the issue's comments to fn page by page, from
// /rest/api/{3|2}/issue/{key}/comment.
func (c *Client) Comments(ctx context.Context, key string, fn func([]json.RawMessage) error) error {
	if err := c.pageIssue(ctx, key, "comment", fn); err != nil {
		return fmt.Errorf("jira: list comments for %s: %w", key, err)
	}
	return nil
}

// commentPage is a page of GET issue/{key}/comment, decoded straight into
// comments: the comments are most of a ticket's bytes, and decoding them
// once through json.RawMessage and again into comments would read them
// four times.
type commentPage struct {
	MaxResults int       `json:"maxResults"`
	Total      *int      `json:"total"`
	IsLast     *bool     `json:"isLast"`
	Comments   []comment `json:"comments"`
}

// issueComments is Comments, decoded: every comment of the issue, with
// expand=properties when properties is true (Data Center then gives each
// comment's sd.public.comment property, its JSM visibility, in the same
// response; Cloud documents no such expand here, and its comments carry
// jsdPublic instead). A comment of the wrong shape
// is returned as *badComments, so that the issue is skipped as one whose
// payload the mapping rejects.
func (c *Client) issueComments(ctx context.Context, key string, properties bool) ([]comment, error) {
	d, err := c.Deployment(ctx)
	if err != nil {
		return nil, err
	}
	path := "rest/api/" + apiVersion(d) + "/issue/" + url.PathEscape(key) + "/comment"
	var out []comment
	for startAt := 0; ; {
		q := url.Values{"startAt": {strconv.Itoa(startAt)}, "maxResults": {strconv.Itoa(pageSize)}}
		if properties {
			q.Set("expand", "properties")
		}
		var p commentPage
		if err := c.do(ctx, http.MethodGet, path+"?"+q.Encode(), nil, &p); err != nil {
			var typeErr *json.UnmarshalTypeError
			if errors.As(err, &typeErr) {
				return nil, &badComments{fmt.Errorf("list comments for %s: %w", key, err)}
			}
			return nil, fmt.Errorf("jira: list comments for %s: %w", key, err)
		}
		out = append(out, p.Comments...)
		op := offsetPage{MaxResults: p.MaxResults, Total: p.Total, IsLast: p.IsLast}
		n := len(p.Comments)
		if n == 0 || op.doneAfter(startAt, n) {
			return out, nil
		}
		startAt += n
	}
}

// pageIssue pages GET /rest/api/{v}/issue/{key}/{what} by startAt.
func (c *Client) pageIssue(ctx context.Context, key, what string, fn func([]json.RawMessage) error) error {
	d, err := c.Deployment(ctx)
	if err != nil {
		return err
	}
	path := "rest/api/" + apiVersion(d) + "/issue/" + url.PathEscape(key) + "/" + what
	startAt := 0
	for {
		q := url.Values{"startAt": {strconv.Itoa(startAt)}, "maxResults": {strconv.Itoa(pageSize)}}
		var p offsetPage
		if err := c.do(ctx, http.MethodGet, path+"?"+q.Encode(), nil, &p); err != nil {
			return err
		}
		items := p.items()
		if len(items) > 0 {
			if err := fn(items); err != nil {
				return err
			}
		}
		if p.done(startAt) {
			return nil
		}
		startAt += len(items)
	}
}
