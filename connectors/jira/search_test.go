package jira

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// cloudPages builds three enhanced-search pages from the spec example: the
// example issue re-keyed, tokens on the first two, the example's own
// isLast/no-token ending on the third.
func cloudPages(t *testing.T) map[string]map[string]any {
	t.Helper()
	last := fixtureObject(t, "spec-search-jql-v3.json")
	issue := last["issues"].([]any)[0].(map[string]any)
	rekey := func(k string) map[string]any {
		m := clone(t, issue)
		m["key"], m["id"] = k, "id-"+k
		return m
	}
	return map[string]map[string]any{
		"":         {"issues": []any{rekey("ED-10"), rekey("ED-11")}, "nextPageToken": "CAEaAggD", "isLast": false},
		"CAEaAggD": {"issues": []any{rekey("ED-12")}, "nextPageToken": "CAEaAggE", "isLast": false},
		"CAEaAggE": last,
	}
}

func TestSearchCloudFollowsNextPageToken(t *testing.T) {
	pages := cloudPages(t)
	f := newFake(t)
	var tokens []string
	f.handle("POST", "/rest/api/3/search/jql", func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			JQL           string   `json:"jql"`
			Fields        []string `json:"fields"`
			MaxResults    int      `json:"maxResults"`
			NextPageToken *string  `json:"nextPageToken"`
		}
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			t.Errorf("decode request: %v", err)
		}
		if req.JQL != "project = SD" || req.MaxResults != pageSize {
			t.Errorf("request jql %q maxResults %d, want %q %d", req.JQL, req.MaxResults, "project = SD", pageSize)
		}
		if diff := cmp.Diff([]string{"summary", "status"}, req.Fields); diff != "" {
			t.Errorf("fields mismatch (-want +got):\n%s", diff)
		}
		tok := ""
		if req.NextPageToken != nil {
			tok = *req.NextPageToken
			if tok == "" {
				t.Errorf("request sent an empty nextPageToken")
			}
		}
		tokens = append(tokens, tok)
		page, ok := pages[tok]
		if !ok {
			t.Errorf("unexpected nextPageToken %q", tok)
		}
		writeJSON(t, w, 200, page)
	})
	c, _ := newTestClient(t, f, Cloud, nil)
	var got [][]string
	err := c.Search(context.Background(), "project = SD", []string{"summary", "status"}, func(page []json.RawMessage) error {
		got = append(got, keys(t, page))
		return nil
	})
	if err != nil {
		t.Fatalf("Search: %v", err)
	}
	want := [][]string{{"ED-10", "ED-11"}, {"ED-12"}, {"ED-1"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("pages mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"", "CAEaAggD", "CAEaAggE"}, tokens); diff != "" {
		t.Errorf("tokens sent mismatch (-want +got):\n%s", diff)
	}
}

func TestSearchDataCenterPagesByStartAt(t *testing.T) {
	const total = 5
	f := newFake(t)
	var starts []int
	f.handle("POST", "/rest/api/2/search", func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			JQL        string   `json:"jql"`
			Fields     []string `json:"fields"`
			StartAt    int      `json:"startAt"`
			MaxResults int      `json:"maxResults"`
		}
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			t.Errorf("decode request: %v", err)
		}
		if diff := cmp.Diff([]string{"*navigable"}, req.Fields); diff != "" {
			t.Errorf("default fields mismatch (-want +got):\n%s", diff)
		}
		starts = append(starts, req.StartAt)
		var issues []any
		for i := req.StartAt; i < total && i < req.StartAt+2; i++ { // server caps maxResults at 2
			issues = append(issues, map[string]any{"id": strconv.Itoa(1000 + i), "key": "DC-" + strconv.Itoa(i+1), "fields": map[string]any{}})
		}
		writeJSON(t, w, 200, map[string]any{"startAt": req.StartAt, "maxResults": 2, "total": total, "issues": issues})
	})
	c, _ := newTestClient(t, f, DataCenter, nil)
	var got []string
	err := c.Search(context.Background(), "project = DC", nil, func(page []json.RawMessage) error {
		got = append(got, keys(t, page)...)
		return nil
	})
	if err != nil {
		t.Fatalf("Search: %v", err)
	}
	if diff := cmp.Diff([]string{"DC-1", "DC-2", "DC-3", "DC-4", "DC-5"}, got); diff != "" {
		t.Errorf("issues mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]int{0, 2, 4}, starts); diff != "" {
		t.Errorf("startAt sequence mismatch (-want +got):\n%s", diff)
	}
}

func TestSearchStopsOnCallbackError(t *testing.T) {
	pages := cloudPages(t)
	f := newFake(t)
	f.handle("POST", "/rest/api/3/search/jql", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(t, w, 200, pages[""])
	})
	c, _ := newTestClient(t, f, Cloud, nil)
	stop := errors.New("store full")
	err := c.Search(context.Background(), "project = SD", nil, func([]json.RawMessage) error { return stop })
	if !errors.Is(err, stop) {
		t.Errorf("Search error = %v, want %v", err, stop)
	}
	if n := f.count("POST", "/rest/api/3/search/jql"); n != 1 {
		t.Errorf("search requested %d times after the callback failed, want 1", n)
	}
}

func TestChangelogPaging(t *testing.T) {
	// The spec example is the middle page (startAt 2, maxResults 2, total
	// 5, isLast false); the first and last pages are built from its values.
	mid := fixtureObject(t, "spec-issue-changelog-page.json")
	values := mid["values"].([]any)
	page := func(startAt int, ids []string, isLast bool) map[string]any {
		p := clone(t, mid)
		var vs []any
		for _, id := range ids {
			v := clone(t, values[0])
			v["id"] = id
			vs = append(vs, v)
		}
		p["values"], p["startAt"], p["isLast"] = vs, startAt, isLast
		delete(p, "nextPage")
		return p
	}
	pages := map[string]map[string]any{
		"0": page(0, []string{"9999", "10000"}, false),
		"2": mid,
		"4": page(4, []string{"10003"}, true),
	}
	f := newFake(t)
	f.handle("GET", "/rest/api/3/issue/TT-1/changelog", func(w http.ResponseWriter, r *http.Request) {
		p, ok := pages[r.URL.Query().Get("startAt")]
		if !ok {
			t.Errorf("unexpected startAt %q", r.URL.Query().Get("startAt"))
		}
		writeJSON(t, w, 200, p)
	})
	c, _ := newTestClient(t, f, Cloud, nil)
	var got [][]string
	err := c.Changelog(context.Background(), "TT-1", func(page []json.RawMessage) error {
		got = append(got, keys(t, page))
		return nil
	})
	if err != nil {
		t.Fatalf("Changelog: %v", err)
	}
	want := [][]string{{"9999", "10000"}, {"10001", "10002"}, {"10003"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("changelog pages mismatch (-want +got):\n%s", diff)
	}
}

func TestCommentsPaging(t *testing.T) {
	for _, deployment := range []string{Cloud, DataCenter} {
		t.Run(deployment, func(t *testing.T) {
			fx := fixtureObject(t, "spec-issue-comments-v3.json")
			comment := fx["comments"].([]any)[0]
			const total = 3
			f := newFake(t)
			var starts []string
			f.handle("GET", "/rest/api/"+apiVersion(deployment)+"/issue/SD-7/comment", func(w http.ResponseWriter, r *http.Request) {
				start, err := strconv.Atoi(r.URL.Query().Get("startAt"))
				if err != nil {
					t.Errorf("startAt: %v", err)
				}
				if got := r.URL.Query().Get("maxResults"); got != strconv.Itoa(pageSize) {
					t.Errorf("maxResults = %q, want %d", got, pageSize)
				}
				starts = append(starts, r.URL.Query().Get("startAt"))
				// One comment per page: the server caps maxResults at 1.
				cm := clone(t, comment)
				cm["id"] = strconv.Itoa(10000 + start)
				p := clone(t, fx)
				p["startAt"], p["maxResults"], p["total"], p["comments"] = start, 1, total, []any{cm}
				writeJSON(t, w, 200, p)
			})
			c, _ := newTestClient(t, f, deployment, nil)
			var got []string
			err := c.Comments(context.Background(), "SD-7", func(page []json.RawMessage) error {
				got = append(got, keys(t, page)...)
				return nil
			})
			if err != nil {
				t.Fatalf("Comments: %v", err)
			}
			if diff := cmp.Diff([]string{"10000", "10001", "10002"}, got); diff != "" {
				t.Errorf("comments mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff([]string{"0", "1", "2"}, starts); diff != "" {
				t.Errorf("startAt sequence mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestChangelogDataCenter checks that on Data Center, which has no
// changelog endpoint, the changelog comes embedded in GET issue, whole and
// in one page, and that an issue without it is an error.
func TestChangelogDataCenter(t *testing.T) {
	fx := fixtureObject(t, "agile-board-issues-changelog.json")
	issue := fx["issues"].([]any)[0].(map[string]any)
	key := issue["key"].(string)
	histories := issue["changelog"].(map[string]any)["histories"].([]any)
	f := newFake(t)
	f.handle("GET", "/rest/api/2/issue/"+key, func(w http.ResponseWriter, r *http.Request) {
		if got := r.URL.Query().Get("expand"); got != "changelog" {
			t.Errorf("expand = %q, want changelog", got)
		}
		writeJSON(t, w, 200, issue)
	})
	f.handle("GET", "/rest/api/2/issue/NO-1", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(t, w, 200, map[string]any{"key": "NO-1", "fields": map[string]any{}})
	})
	c, _ := newTestClient(t, f, DataCenter, nil)
	var pages [][]json.RawMessage
	if err := c.Changelog(context.Background(), key, func(p []json.RawMessage) error {
		pages = append(pages, p)
		return nil
	}); err != nil {
		t.Fatalf("Changelog: %v", err)
	}
	if len(pages) != 1 || len(pages[0]) != len(histories) {
		t.Errorf("Changelog gave %d pages, the first of %d histories; want 1 page of %d", len(pages), len(pages[0]), len(histories))
	}
	err := c.Changelog(context.Background(), "NO-1", func([]json.RawMessage) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "NO-1") {
		t.Errorf("Changelog of an issue without its changelog = %v, want an error naming it", err)
	}
}
