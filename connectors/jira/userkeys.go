package jira

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"sync"
)

// Data Center's changelog names the assignees it changes by user key
// (JIRAUSER10100 for accounts created since Jira 8), while an issue's
// assignee is its username: the rewind to an earlier instant (connectors.
// Rewind) would credit a complaint to a key nobody else uses. The mapping
// turns a key into the username of a user the issue's payloads carry
// (learnUsers); a key none of them carries is asked of the server once per
// sync (GET /rest/api/2/user?key=…) and kept here.

// userKeys is a sync's directory of user keys resolved through the
// server, shared by the goroutines that complete a page's issues.
type userKeys struct {
	mu    sync.Mutex
	names map[string]string // lower-case key → user.id(); the key itself when the server has no such user
}

// get returns the ID of the user with key k, if resolved.
func (u *userKeys) get(k string) (string, bool) {
	if u == nil {
		return "", false
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	id, ok := u.names[strings.ToLower(k)]
	return id, ok
}

// resolveUserKeys asks the server for the users of the keys p's assignee
// changes name that neither its payloads nor the directory know. A key
// the server does not know (404) stands for itself.
func (s *Source) resolveUserKeys(ctx context.Context, run *fetchRun, p *parsedIssue, histories []history, comments []comment) error {
	if histories == nil && p.Changelog != nil {
		histories = p.Changelog.Histories
	}
	var known map[string]string
	for _, h := range histories {
		for _, it := range h.Items {
			if it.Field != "assignee" {
				continue
			}
			for _, k := range []string{str(it.From), str(it.To)} {
				if k == "" {
					continue
				}
				if known == nil {
					known = payloadUsers(p.f, histories, comments)
				}
				if _, ok := known[strings.ToLower(k)]; ok {
					continue
				}
				if _, ok := run.users.get(k); ok {
					continue
				}
				var u user
				err := s.client.do(ctx, http.MethodGet, "rest/api/2/user?key="+url.QueryEscape(k), nil, &u)
				id := u.id()
				switch {
				case isNotFound(err):
					id = k
				case err != nil:
					return err
				case id == "":
					id = k
				}
				run.users.mu.Lock()
				run.users.names[strings.ToLower(k)] = id
				run.users.mu.Unlock()
			}
		}
	}
	return nil
}

// payloadUsers maps the user keys of the users an issue's payloads carry
// (assignee, reporter, the authors of its changes and comments), lower
// case, to their IDs.
func payloadUsers(f issueFields, histories []history, comments []comment) map[string]string {
	out := map[string]string{}
	learn := func(u *user) {
		if u != nil && u.Key != "" {
			out[strings.ToLower(u.Key)] = u.id()
		}
	}
	learn(f.Assignee)
	learn(f.Reporter)
	for i := range histories {
		learn(histories[i].Author)
	}
	for i := range comments {
		learn(comments[i].Author)
	}
	return out
}
