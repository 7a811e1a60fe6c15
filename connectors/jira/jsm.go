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
	"strings"

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
	users   *userKeys // Data Center user keys resolved in this sync
}

// prepare builds the fetchRun: it reads the field list when
// DiscoverFields is set or a From list names a field by name, the
// priorities when escalation by priority raise needs their order, and the
// agent groups' members when AgentGroups is set. The configured mapping is
// not changed.
func (s *Source) prepare(ctx context.Context) (*fetchRun, error) {
	run := &fetchRun{mapping: s.cfg.Mapping, fields: s.fields, users: &userKeys{names: map[string]string{}}}
	m := &run.mapping
	m.SLAFields = maps.Clone(m.SLAFields)
	m.FieldNames = maps.Clone(m.FieldNames)
	m.Agents = slices.Clone(m.Agents)
	froms := fromLists(m)
	for _, f := range froms {
		*f.list = slices.Clone(*f.list)
	}
	if s.cfg.DiscoverFields || needsFieldList(froms) {
		list, err := s.client.Fields(ctx)
		if err != nil {
			return nil, err
		}
		if s.cfg.DiscoverFields {
			DiscoverFields(list).Apply(m)
		}
		if err := resolveFrom(m, froms, list); err != nil {
			return nil, err
		}
		run.fields = fieldsFor(*m, s.cfg.Fields)
	}
	if m.PriorityRaiseEscalates && len(m.PriorityOrder) == 0 {
		order, err := s.client.PriorityOrder(ctx)
		if err != nil {
			return nil, err
		}
		m.PriorityOrder = order
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

// fromList is one of a Mapping's From lists with its config key, for
// errors.
type fromList struct {
	key  string
	list *[]string
}

func fromLists(m *Mapping) []fromList {
	return []fromList{
		{"kind_from", &m.KindFrom}, {"category_from", &m.CategoryFrom}, {"channel_from", &m.ChannelFrom},
		{"priority_from", &m.PriorityFrom}, {"team_from", &m.TeamFrom},
	}
}

// needsFieldList reports whether an entry of froms is neither a token nor
// a custom field ID, so only the site's field list can say which field it
// is.
func needsFieldList(froms []fromList) bool {
	for _, f := range froms {
		for _, e := range *f.list {
			if e = NormalizeFrom(e); e != "" && !isToken(e) && !customFieldID.MatchString(e) {
				return true
			}
		}
	}
	return false
}

// resolveFrom replaces the field names in froms by the IDs the site's
// field list gives them (an ID matches first, then a name, ignoring case)
// and records the names of all the fields the lists read in
// m.FieldNames, for what is reported. A name the site does not have is an
// error: the admin meant a field, and mapping nothing from it silently
// would hide that.
func resolveFrom(m *Mapping, froms []fromList, list []json.RawMessage) error {
	type field struct{ ID, Name string }
	var fields []field
	for _, raw := range list {
		var f field
		if json.Unmarshal(raw, &f) == nil && f.ID != "" {
			fields = append(fields, f)
		}
	}
	find := func(e string) (field, bool) {
		for _, f := range fields {
			if f.ID == e {
				return f, true
			}
		}
		var found []field
		for _, f := range fields {
			if strings.EqualFold(strings.TrimSpace(f.Name), e) {
				found = append(found, f)
			}
		}
		if len(found) == 0 {
			return field{}, false
		}
		// Two custom fields may share a name; the oldest (lowest ID) is
		// the likelier one, and the report names the ID it picked.
		slices.SortFunc(found, func(a, b field) int {
			if fieldIDLess(a.ID, b.ID) {
				return -1
			}
			return 1
		})
		return found[0], true
	}
	for _, fl := range froms {
		for i, e := range *fl.list {
			e = NormalizeFrom(e)
			if e == "" || isToken(e) {
				continue
			}
			f, ok := find(e)
			if !ok {
				if customFieldID.MatchString(e) {
					continue // a field the list omits: read it anyway
				}
				return fmt.Errorf("jira: %s: the site has no field named %q (see GET /rest/api/2/field)", fl.key, e)
			}
			(*fl.list)[i] = f.ID
			if f.Name != "" {
				if m.FieldNames == nil {
					m.FieldNames = map[string]string{}
				}
				m.FieldNames[f.ID] = f.Name
			}
		}
	}
	return nil
}

// PriorityOrder returns the names of the site's priorities from the
// highest down, as GET /rest/api/2/priority lists them (on both
// deployments: Cloud keeps the v2 list).
func (c *Client) PriorityOrder(ctx context.Context) ([]string, error) {
	var list []struct {
		Name string `json:"name"`
	}
	if err := c.do(ctx, http.MethodGet, "rest/api/2/priority", nil, &list); err != nil {
		return nil, fmt.Errorf("jira: list priorities: %w", err)
	}
	out := make([]string, 0, len(list))
	for _, p := range list {
		if p.Name != "" {
			out = append(out, p.Name)
		}
	}
	return out, nil
}

// commentVisibility fills in the sd.public.comment property of each
// comment that has neither jsdPublic nor expanded properties, read one by
// one (a comment without the property is public). Comments without an id
// are left as they are. The input is not modified.
func (s *Source) commentVisibility(ctx context.Context, comments []comment) ([]comment, error) {
	var out []comment
	for i := range comments {
		cm := &comments[i]
		if cm.visible() || cm.ID == "" {
			continue
		}
		prop, err := s.client.commentProperty(ctx, cm.ID)
		if err != nil {
			return nil, err
		}
		props := []commentProp{}
		if prop != nil {
			var p commentProp
			if json.Unmarshal(prop, &p) == nil {
				props = append(props, p)
			}
		}
		if out == nil {
			out = slices.Clone(comments)
		}
		out[i].Properties = &props
	}
	if out == nil {
		return comments, nil
	}
	return out, nil
}

// feedback sets c.CSAT from the feedback endpoint when FeedbackEndpoint is
// on, c is resolved, has no CSAT yet and the mapping's CSAT field is
// unset or absent from the issue. A malformed body is returned as Unmapped
// {Field: "csat", Value: "feedback"}.
func (s *Source) feedback(ctx context.Context, run *fetchRun, fields map[string]json.RawMessage, c *connectors.Complaint) ([]Unmapped, error) {
	if !s.cfg.FeedbackEndpoint || !c.Resolved() || c.CSAT != nil || c.Key == "" {
		return nil, nil
	}
	if f := run.mapping.CSATField; f != "" {
		if _, ok := fields[f]; ok {
			return nil, nil
		}
	}
	body, err := s.client.requestFeedback(ctx, c.Key)
	if err != nil || body == nil {
		return nil, err
	}
	csat, bad := parseCSAT(body, nil, c.ResolvedAt)
	c.CSAT = csat
	if bad {
		return []Unmapped{{Field: "csat", Value: "feedback", Key: c.Key}}, nil
	}
	return nil, nil
}
