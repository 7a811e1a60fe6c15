package jira

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/kpidesk/kpidesk/connectors"
)

// propPublicComment is the JSM comment property that marks a comment
// internal with the value {"internal": true}.
const propPublicComment = "sd.public.comment"

// Fields returns the site's field list, GET /rest/api/{3|2}/field.
func (c *Client) Fields(ctx context.Context) ([]json.RawMessage, error) {
	d, err := c.Deployment(ctx)
	if err != nil {
		return nil, err
	}
	var fields []json.RawMessage
	if err := c.do(ctx, http.MethodGet, "rest/api/"+apiVersion(d)+"/field", nil, &fields); err != nil {
		return nil, fmt.Errorf("jira: list fields: %w", err)
	}
	return fields, nil
}

// GroupMembers hands the members of group (raw user objects) to fn page by
// page, from GET /rest/api/{3|2}/group/member?groupname=…, following
// startAt until isLast (or total).
func (c *Client) GroupMembers(ctx context.Context, group string, fn func([]json.RawMessage) error) error {
	d, err := c.Deployment(ctx)
	if err != nil {
		return err
	}
	path := "rest/api/" + apiVersion(d) + "/group/member"
	startAt := 0
	for {
		q := url.Values{"groupname": {group}, "startAt": {strconv.Itoa(startAt)}, "maxResults": {strconv.Itoa(pageSize)}}
		var p offsetPage
		if err := c.do(ctx, http.MethodGet, path+"?"+q.Encode(), nil, &p); err != nil {
			return fmt.Errorf("jira: list members of group %q: %w", group, err)
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

// isNotFound reports whether err is a 404 from Jira.
func isNotFound(err error) bool {
	var apiErr *APIError
	return errors.As(err, &apiErr) && apiErr.Status == http.StatusNotFound
}

// commentProperty returns the raw sd.public.comment property envelope
// ({"key", "value"}) of a comment, or nil when the comment has none (404).
func (c *Client) commentProperty(ctx context.Context, id string) (json.RawMessage, error) {
	d, err := c.Deployment(ctx)
	if err != nil {
		return nil, err
	}
	path := "rest/api/" + apiVersion(d) + "/comment/" + url.PathEscape(id) + "/properties/" + propPublicComment
	var prop json.RawMessage
	if err := c.do(ctx, http.MethodGet, path, nil, &prop); err != nil {
		if isNotFound(err) {
			return nil, nil
		}
		return nil, fmt.Errorf("jira: read %s of comment %s: %w", propPublicComment, id, err)
	}
	return prop, nil
}

// requestFeedback returns the body of GET
// /rest/servicedeskapi/request/{key}/feedback, or nil on 404 (no feedback).
func (c *Client) requestFeedback(ctx context.Context, key string) (json.RawMessage, error) {
	var body json.RawMessage
	err := c.do(ctx, http.MethodGet, "rest/servicedeskapi/request/"+url.PathEscape(key)+"/feedback", nil, &body)
	if err != nil {
		if isNotFound(err) {
			return nil, nil
		}
		return nil, fmt.Errorf("jira: read feedback of %s: %w", key, err)
	}
	return body, nil
}

// fetchRun is what one Fetch maps with: the configured mapping completed
// by field discovery and agent groups, and the search fields it needs.
type fetchRun struct {
	mapping Mapping
	fields  []string
}

// prepare builds the fetchRun: it reads the field list when
// DiscoverFields is set and the agent groups' members when AgentGroups is.
// The configured mapping is not changed.
func (s *Source) prepare(ctx context.Context) (*fetchRun, error) {
	run := &fetchRun{mapping: s.cfg.Mapping, fields: s.fields}
	m := &run.mapping
	m.SLAFields = maps.Clone(m.SLAFields)
	m.Agents = slices.Clone(m.Agents)
	if s.cfg.DiscoverFields {
		list, err := s.client.Fields(ctx)
		if err != nil {
			return nil, err
		}
		DiscoverFields(list).Apply(m)
		run.fields = fieldsFor(*m, s.cfg.Fields)
	}
	if len(s.cfg.AgentGroups) > 0 {
		m.AgentsOnly = true
		for _, g := range s.cfg.AgentGroups {
			err := s.client.GroupMembers(ctx, g, func(page []json.RawMessage) error {
				for _, raw := range page {
					var u user
					if json.Unmarshal(raw, &u) != nil {
						continue
					}
					for _, id := range []string{u.AccountID, u.Name, u.Key} {
						if id != "" && !slices.Contains(m.Agents, id) {
							m.Agents = append(m.Agents, id)
						}
					}
				}
				return nil
			})
			if err != nil {
				return nil, err
			}
		}
	}
	return run, nil
}

// commentVisibility returns comments with the sd.public.comment property
// filled in (as an expanded "properties" entry) for each comment that has
// neither jsdPublic nor expanded properties, read one by one. Comments
// without an id, or that do not decode, are left as they are. The input is
// not modified.
func (s *Source) commentVisibility(ctx context.Context, comments []json.RawMessage) ([]json.RawMessage, error) {
	var out []json.RawMessage
	for i, raw := range comments {
		var cm map[string]json.RawMessage
		if json.Unmarshal(raw, &cm) != nil {
			continue
		}
		var id string
		if _, ok := cm["jsdPublic"]; ok || json.Unmarshal(cm["id"], &id) != nil || id == "" {
			continue
		}
		if props, ok := cm["properties"]; ok && !isNull(props) {
			continue
		}
		prop, err := s.client.commentProperty(ctx, id)
		if err != nil {
			return nil, err
		}
		if prop == nil {
			continue // no property: public
		}
		cm["properties"] = json.RawMessage("[" + string(prop) + "]")
		patched, err := json.Marshal(cm)
		if err != nil {
			return nil, fmt.Errorf("jira: comment %s: %w", id, err)
		}
		if out == nil {
			out = slices.Clone(comments)
		}
		out[i] = patched
	}
	if out == nil {
		return comments, nil
	}
	return out, nil
}

// feedback sets c.CSAT from the feedback endpoint when FeedbackEndpoint is
// on, c is resolved, has no CSAT yet and the mapping's CSAT field is
// unset or absent from the issue. A malformed body is reported as Unmapped
// {Field: "csat", Value: "feedback"}.
func (s *Source) feedback(ctx context.Context, run *fetchRun, raw json.RawMessage, c *connectors.Complaint) error {
	if !s.cfg.FeedbackEndpoint || !c.Resolved() || c.CSAT != nil || c.Key == "" {
		return nil
	}
	if f := run.mapping.CSATField; f != "" {
		var ri rawIssue
		if json.Unmarshal(raw, &ri) == nil {
			if _, ok := ri.Fields[f]; ok {
				return nil
			}
		}
	}
	body, err := s.client.requestFeedback(ctx, c.Key)
	if err != nil || body == nil {
		return err
	}
	csat, bad := parseCSAT(body, nil, c.ResolvedAt)
	if bad {
		s.mu.Lock()
		s.note(Unmapped{Field: "csat", Value: "feedback", Key: c.Key})
		s.mu.Unlock()
	}
	c.CSAT = csat
	return nil
}
