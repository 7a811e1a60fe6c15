package jira

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/kpidesk/kpidesk/connectors"
)

// Discovery is what [Discover] read of a project, for a starter config.
type Discovery struct {
	Deployment   string
	Project      string
	RequestTypes []string // the JSM request types' names
	Priorities   []string // highest first
	Statuses     []Status
	Components   []string
	Fields       FieldIDs
	Selects      []SelectField
}

// Status is a workflow status and its category key (new, indeterminate,
// done).
type Status struct{ Name, Category string }

// SelectField is a select-like custom field and its options: single,
// multi, cascading (options as "Parent / Child" after their parent),
// radio buttons, checkboxes.
type SelectField struct {
	ID, Name, Type string
	Options        []string
}

// selectTypes are the schema.custom suffixes of the fields a value map
// can read.
var selectTypes = []string{":select", ":multiselect", ":cascadingselect", ":radiobuttons", ":multicheckboxes"}

// Discover reads what a starter config for project maps: the request
// types (JSM only), priorities in the site's order, statuses with their
// categories, components, the JSM fields and the select fields with their
// options. What a site does not offer (no service desk, no options
// endpoint on an older Data Center) is left empty rather than failing;
// a refused credential or an unreachable site fails.
func Discover(ctx context.Context, c *Client, project string) (*Discovery, error) {
	if !projectKey.MatchString(project) {
		return nil, fmt.Errorf("jira: %q is not a project key", project)
	}
	d, err := c.Deployment(ctx)
	if err != nil {
		return nil, err
	}
	v := apiVersion(d)
	out := &Discovery{Deployment: d, Project: project}
	if out.Priorities, err = c.PriorityOrder(ctx); err != nil {
		return nil, err
	}
	pk := url.PathEscape(project)

	var types []struct {
		Statuses []struct {
			Name           string `json:"name"`
			StatusCategory struct {
				Key string `json:"key"`
			} `json:"statusCategory"`
		} `json:"statuses"`
	}
	if err := c.do(ctx, http.MethodGet, "rest/api/"+v+"/project/"+pk+"/statuses", nil, &types); err != nil {
		return nil, fmt.Errorf("jira: list statuses of %s: %w", project, err)
	}
	for _, t := range types {
		for _, s := range t.Statuses {
			if s.Name != "" && !slices.ContainsFunc(out.Statuses, func(x Status) bool { return x.Name == s.Name }) {
				out.Statuses = append(out.Statuses, Status{s.Name, s.StatusCategory.Key})
			}
		}
	}

	var comps []named
	if err := c.do(ctx, http.MethodGet, "rest/api/"+v+"/project/"+pk+"/components", nil, &comps); err != nil {
		return nil, fmt.Errorf("jira: list components of %s: %w", project, err)
	}
	for _, cp := range comps {
		if cp.Name != "" {
			out.Components = append(out.Components, cp.Name)
		}
	}

	if out.RequestTypes, err = c.requestTypes(ctx, project); err != nil {
		return nil, err
	}

	fields, err := c.Fields(ctx)
	if err != nil {
		return nil, err
	}
	out.Fields = DiscoverFields(fields)
	for _, raw := range fields {
		var f struct {
			ID     string `json:"id"`
			Name   string `json:"name"`
			Schema *struct {
				Custom string `json:"custom"`
			} `json:"schema"`
		}
		if json.Unmarshal(raw, &f) != nil || f.Schema == nil || !customFieldID.MatchString(f.ID) {
			continue
		}
		i := slices.IndexFunc(selectTypes, func(t string) bool { return strings.HasSuffix(f.Schema.Custom, t) })
		if i < 0 {
			continue
		}
		sf := SelectField{ID: f.ID, Name: f.Name, Type: strings.TrimPrefix(selectTypes[i], ":")}
		if sf.Options, err = c.fieldOptions(ctx, d, f.ID); err != nil {
			return nil, err
		}
		out.Selects = append(out.Selects, sf)
	}
	slices.SortFunc(out.Selects, func(a, b SelectField) int {
		if fieldIDLess(a.ID, b.ID) {
			return -1
		}
		return cmp.Compare(a.ID, b.ID)
	})
	return out, nil
}

// servicedeskPage is a servicedeskapi page: start/limit/isLastPage.
type servicedeskPage struct {
	Values     []json.RawMessage `json:"values"`
	IsLastPage bool              `json:"isLastPage"`
}

// pageServicedesk pages a servicedeskapi list by start until isLastPage.
func (c *Client) pageServicedesk(ctx context.Context, path string, fn func(json.RawMessage)) error {
	start := 0
	for {
		q := url.Values{"start": {strconv.Itoa(start)}, "limit": {"50"}}
		var p servicedeskPage
		if err := c.do(ctx, http.MethodGet, path+"?"+q.Encode(), nil, &p); err != nil {
			return err
		}
		for _, v := range p.Values {
			fn(v)
		}
		if p.IsLastPage || len(p.Values) == 0 {
			return nil
		}
		start += len(p.Values)
	}
}

// requestTypes returns the names of project's JSM request types, or none
// when the site has no service desk for it (404).
func (c *Client) requestTypes(ctx context.Context, project string) ([]string, error) {
	var deskID string
	err := c.pageServicedesk(ctx, "rest/servicedeskapi/servicedesk", func(raw json.RawMessage) {
		var d struct {
			ID         string `json:"id"`
			ProjectKey string `json:"projectKey"`
		}
		if json.Unmarshal(raw, &d) == nil && strings.EqualFold(d.ProjectKey, project) && deskID == "" {
			deskID = d.ID
		}
	})
	switch {
	case isNotFound(err):
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("jira: list service desks: %w", err)
	case deskID == "":
		return nil, nil
	}
	var names []string
	err = c.pageServicedesk(ctx, "rest/servicedeskapi/servicedesk/"+url.PathEscape(deskID)+"/requesttype", func(raw json.RawMessage) {
		var n named
		if json.Unmarshal(raw, &n) == nil && n.Name != "" && !slices.Contains(names, n.Name) {
			names = append(names, n.Name)
		}
	})
	if err != nil {
		return nil, fmt.Errorf("jira: list request types of %s: %w", project, err)
	}
	return names, nil
}

// option is a custom field option: Cloud's {id, value, optionId} (a
// cascading child names its parent by optionId), Data Center's {id,
// value, children}.
type option struct {
	ID       json.RawMessage `json:"id"` // a string on Cloud, a number on Data Center
	Value    string          `json:"value"`
	OptionID string          `json:"optionId"`
	Disabled bool            `json:"disabled"`
	Children []option        `json:"children"`
}

// id is o's ID as text, whether it came as a string or a number.
func (o option) id() string { return strings.Trim(string(o.ID), `"`) }

// fieldOptions lists a select field's options, each cascading child as
// "Parent / Child" after its parent: on Cloud from the field's contexts
// (GET /rest/api/3/field/{id}/context, then …/context/{c}/option), on
// Data Center from GET /rest/api/2/customFields/{n}/options. A 404 (an
// older server) gives none.
func (c *Client) fieldOptions(ctx context.Context, deployment, id string) ([]string, error) {
	var opts []option
	add := func(o option) { opts = append(opts, o) }
	var err error
	if deployment == Cloud {
		base := "rest/api/3/field/" + url.PathEscape(id) + "/context"
		var ctxIDs []string
		err = c.pageOffset(ctx, base, func(raw json.RawMessage) {
			var x struct {
				ID string `json:"id"`
			}
			if json.Unmarshal(raw, &x) == nil && x.ID != "" {
				ctxIDs = append(ctxIDs, x.ID)
			}
		})
		for _, cid := range ctxIDs {
			if err != nil {
				break
			}
			err = c.pageOffset(ctx, base+"/"+url.PathEscape(cid)+"/option", func(raw json.RawMessage) {
				var o option
				if json.Unmarshal(raw, &o) == nil {
					add(o)
				}
			})
		}
	} else {
		n := strings.TrimPrefix(id, "customfield_")
		err = c.pageOffset(ctx, "rest/api/2/customFields/"+url.PathEscape(n)+"/options", func(raw json.RawMessage) {
			var o option
			if json.Unmarshal(raw, &o) == nil {
				add(o)
			}
		})
	}
	if isNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("jira: list options of %s: %w", id, err)
	}
	byID := map[string]string{}
	for _, o := range opts {
		if o.OptionID == "" {
			byID[o.id()] = o.Value
		}
	}
	var out []string
	addName := func(s string) {
		if s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	for _, o := range opts {
		switch {
		case o.Disabled:
		case o.OptionID != "": // a Cloud cascading child
			addName(byID[o.OptionID] + " / " + o.Value)
		default:
			addName(o.Value)
			for _, ch := range o.Children {
				if !ch.Disabled {
					addName(o.Value + " / " + ch.Value)
				}
			}
		}
	}
	return out, nil
}

// pageOffset pages a platform list by startAt until isLast, handing fn
// each value (the list is under values, or is the body itself).
func (c *Client) pageOffset(ctx context.Context, path string, fn func(json.RawMessage)) error {
	startAt := 0
	for {
		q := url.Values{"startAt": {strconv.Itoa(startAt)}, "maxResults": {strconv.Itoa(pageSize)}}
		var body json.RawMessage
		if err := c.do(ctx, http.MethodGet, path+"?"+q.Encode(), nil, &body); err != nil {
			return err
		}
		var list []json.RawMessage
		if json.Unmarshal(body, &list) == nil {
			for _, v := range list {
				fn(v)
			}
			return nil
		}
		var p offsetPage
		if err := json.Unmarshal(body, &p); err != nil {
			return fmt.Errorf("GET %s: %w", path, err)
		}
		for _, v := range p.Values {
			fn(v)
		}
		if p.done(startAt) {
			return nil
		}
		startAt += len(p.Values)
	}
}

// guessKind proposes a kind for a request type name, for review.
func guessKind(name string) string {
	n := strings.ToLower(name)
	switch {
	case strings.Contains(n, "suggest"), strings.Contains(n, "idea"), strings.Contains(n, "feature"), strings.Contains(n, "improve"), strings.Contains(n, "建议"):
		return connectors.KindSuggestion
	case strings.Contains(n, "question"), strings.Contains(n, "ask"), strings.Contains(n, "inquir"), strings.Contains(n, "enquir"),
		strings.Contains(n, "how"), strings.Contains(n, "咨询"):
		return connectors.KindInquiry
	}
	return connectors.KindComplaint
}

// slug is a name as a lower-case, dash-separated value, for a proposed
// category or channel.
func slug(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		if r == '/' || r == ' ' || r == '-' || r == '_' || r == '.' {
			if b.Len() > 0 && !dash {
				b.WriteByte('-')
				dash = true
			}
			continue
		}
		b.WriteRune(r)
		dash = false
	}
	return strings.TrimSuffix(b.String(), "-")
}

// channelWords proposes a channel for an option name.
var channelWords = []struct{ word, channel string }{
	{"mail", "email"}, {"phone", "phone"}, {"call", "phone"}, {"portal", "portal"}, {"web", "portal"},
	{"chat", "chat"}, {"wechat", "social"}, {"social", "social"}, {"twitter", "social"}, {"api", "api"},
	{"邮件", "email"}, {"电话", "phone"}, {"微信", "social"},
}

// Starter returns the jira source section of a starter config for what
// Discover found, as YAML: the keys a sync needs, and a value map for each
// request type, priority, component and select field, proposed and
// commented for an admin to review. baseURL and the variable names go in
// as given; no credential does.
func (d *Discovery) Starter(name, baseURL, emailEnv, tokenEnv string) string {
	var b strings.Builder
	q := func(s string) string {
		out, err := yaml.Marshal(s)
		if err != nil {
			return strconv.Quote(s)
		}
		return strings.TrimSuffix(string(out), "\n")
	}
	line := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	line("# Written by `kpidesk init --source jira --discover` from what the site lists for project %s.", d.Project)
	line("# Every mapping below is a proposal: review it, then delete the comments you agree with.")
	line("sources:")
	line("  - name: %s", q(name))
	line("    type: jira")
	line("    base_url: %s", q(baseURL))
	line("    deployment: %s", d.Deployment)
	if emailEnv != "" {
		line("    email_env: %s", emailEnv)
	}
	line("    token_env: %s", tokenEnv)
	line("    projects: [%s]", d.Project)
	line("    discover_fields: true            # request type, SLA, satisfaction, organization, participants")
	if d.Deployment == DataCenter {
		line("    concurrency: 16                  # Data Center reads comments per issue; raise for a large first sync")
		line("    # agents: [alice, bob]           # Data Center has no accountType: name the agents (usernames) or agent_groups")
		line("    # bots: [automation]             # usernames on Data Center")
	} else {
		line("    # agent_groups: [jira-servicedesk-users]")
		line("    # bots: []                       # account IDs of automation users besides app accounts")
	}

	var done []string
	for _, s := range d.Statuses {
		if s.Category == "done" {
			done = append(done, q(s.Name))
		}
	}
	if len(done) > 0 {
		line("    resolved_statuses: [%s]   # the statuses in the \"done\" category", strings.Join(done, ", "))
	}
	if len(d.Priorities) > 0 {
		line("    priorities:                      # the site's priorities, highest first")
		for i, p := range d.Priorities {
			to, ok := DefaultPriorities[strings.ToLower(p)]
			if !ok {
				// Spread unknown names over the levels by their place in
				// the site's order.
				to = connectors.Priorities[min(len(connectors.Priorities)-1, i*len(connectors.Priorities)/len(d.Priorities))]
			}
			line("      %s: %s", q(p), to)
		}
		line("    escalation_priority_raise: true  # a raise in this order is an escalation (Lowest → Low too)")
	}
	if len(d.RequestTypes) > 0 {
		line("    kinds:                           # request type → complaint, suggestion or inquiry")
		for _, rt := range d.RequestTypes {
			line("      %s: %s", q(rt), guessKind(rt))
		}
	}
	var catField, chanField *SelectField
	for i := range d.Selects {
		sf := &d.Selects[i]
		n := strings.ToLower(sf.Name)
		switch {
		case chanField == nil && (strings.Contains(n, "channel") || strings.Contains(n, "source") || strings.Contains(n, "渠道")):
			chanField = sf
		case catField == nil && (strings.Contains(n, "categor") || strings.Contains(n, "分类") || strings.Contains(n, "类别")):
			catField = sf
		}
	}
	if catField != nil && len(catField.Options) == 0 {
		catField = nil // nothing to map: list it with the others
	}
	if chanField != nil && len(chanField.Options) == 0 {
		chanField = nil
	}
	if catField != nil || len(d.Components) > 0 {
		if catField != nil {
			line("    category_from: [%s, components]   # %s (%s)", q(catField.Name), catField.ID, catField.Type)
		} else {
			line("    category_from: [request_type, components]")
		}
		line("    categories:")
		if catField != nil {
			for _, o := range catField.Options {
				line("      %s: %s", q(o), q(slug(o)))
			}
		}
		for _, c := range d.Components {
			line("      %s: %s   # component", q(c), q(slug(c)))
		}
	} else {
		line("    # categories:                    # request type, component or label → category")
	}
	if catField == nil {
		for _, rt := range d.RequestTypes {
			line("    #   %s: %s   # request type", q(rt), q(slug(rt)))
		}
	}
	if chanField != nil {
		line("    channel_from: [%s]   # %s (%s)", q(chanField.Name), chanField.ID, chanField.Type)
		line("    channels:")
		for _, o := range chanField.Options {
			ch := "portal"
			for _, w := range channelWords {
				if strings.Contains(strings.ToLower(o), w.word) {
					ch = w.channel
					break
				}
			}
			line("      %s: %s", q(o), ch)
		}
	}
	var others []SelectField
	for _, sf := range d.Selects {
		if (catField == nil || sf.ID != catField.ID) && (chanField == nil || sf.ID != chanField.ID) {
			others = append(others, sf)
		}
	}
	if len(others) > 0 {
		line("    # Other select fields a map could read (kind_from, category_from, channel_from, priority_from, team_from):")
		for _, sf := range others {
			opts := sf.Options
			more := ""
			if len(opts) > 8 {
				opts, more = opts[:8], ", …"
			}
			if len(opts) == 0 {
				line("    #   %s (%s, %s)", q(sf.Name), sf.ID, sf.Type)
				continue
			}
			line("    #   %s (%s, %s): %s%s", q(sf.Name), sf.ID, sf.Type, strings.Join(opts, ", "), more)
		}
	}
	return b.String()
}
