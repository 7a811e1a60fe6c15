package parity

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kpidesk/kpidesk/config"
	"github.com/kpidesk/kpidesk/connectors"
	_ "github.com/kpidesk/kpidesk/connectors/github" // the github source type
	"github.com/kpidesk/kpidesk/scoring"
)

const (
	apiPath   = "/api/v3" // the fake's base path, as on GitHub Enterprise Server
	tokenEnv  = "PARITY_GITHUB_TOKEN"
	label     = "triage" // the label whose time issue-metrics reports (LABELS_TO_MEASURE)
	inLabelID = "time_in_triage"
	fixtures  = "../../connectors/github/testdata"
)

// asOf is the evaluation instant: issue-metrics' "now" for issues still
// open with the label on.
var asOf = time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)

// options are the config options that decide whether kpidesk's numbers are
// issue-metrics'.
type options struct {
	responders string // anyone: issue-metrics; agents: kpidesk's default
	clock      string // wall: issue-metrics; business: kpidesk's default
	percentile string // linear: issue-metrics; nearest_rank: kpidesk's default
}

var parityOptions = options{responders: "anyone", clock: "wall", percentile: "linear"}

// TestIssueMetricsParity: under the parity options, every issue's time to
// first response, time to close and time in label, and the organization's
// average, median and 90th percentile of each, are issue-metrics'.
func TestIssueMetricsParity(t *testing.T) {
	set := dataset(t)
	got := run(t, set, parityOptions)
	want := issueMetrics(t, set)

	// Per issue: the evidence lines.
	for _, is := range set.generated {
		id := "github:" + is.repo + "#" + strconv.Itoa(is.number)
		w := want[id]
		for _, m := range []struct {
			metric string
			want   *float64
		}{
			{"first_response_time", w.firstResponse},
			{"handling_time", w.close},
			{inLabelID, w.inLabel},
		} {
			if g := got.evidence[id][m.metric]; !sameValue(g, m.want) {
				t.Errorf("%s %s = %s, issue-metrics %s", id, m.metric, show(g), show(m.want))
			}
		}
	}
	if len(set.generated) < 40 {
		t.Fatalf("%d generated issues, want a sample large enough for a p90", len(set.generated))
	}

	// The organization in 2026, the generated issues' year: every one was
	// created in it and every close is in it, so kpidesk's cohorts (created
	// for first response and time in label, resolved for handling time)
	// are issue-metrics' one set of issues.
	org := got.org["2026"]
	for _, m := range []struct {
		metric   string
		values   func(imIssue) *float64
		dropZero bool
	}{
		{"first_response_time", func(r imIssue) *float64 { return r.firstResponse }, true},
		{"handling_time", func(r imIssue) *float64 { return r.close }, true},
		{inLabelID, func(r imIssue) *float64 { return r.inLabel }, false},
	} {
		var xs []float64
		for _, is := range set.generated {
			if v := m.values(want["github:"+is.repo+"#"+strconv.Itoa(is.number)]); v != nil {
				xs = append(xs, *v)
			}
		}
		st := imStats(xs, m.dropZero)
		r, ok := org[m.metric]
		if !ok || r.Value == nil || r.Median == nil || r.P90 == nil {
			t.Errorf("org 2026 %s: no value, median or p90 in scores.json", m.metric)
			continue
		}
		if r.Denominator != float64(st.n) {
			t.Errorf("org 2026 %s: %v issues measured, issue-metrics %d", m.metric, r.Denominator, st.n)
		}
		for _, c := range []struct {
			name      string
			got, want float64
		}{{"average", *r.Value, st.avg}, {"median", *r.Median, st.med}, {"90th percentile", *r.P90, st.p90}} {
			// scores.json keeps 6 decimals.
			if math.Abs(c.got-c.want) > 1e-6 {
				t.Errorf("org 2026 %s %s = %v, issue-metrics %v", m.metric, c.name, c.got, c.want)
			}
			// issue-metrics prints whole seconds (numpy.round: half to even).
			if math.RoundToEven(c.got) != math.RoundToEven(c.want) {
				t.Errorf("org 2026 %s %s rounds to %v s, issue-metrics reports %v s", m.metric, c.name, math.RoundToEven(c.got), math.RoundToEven(c.want))
			}
		}
	}

	// The recorded issues: the 13 untouched issues of octokit's paginated
	// list (open, no comment) and PyGithub's #28, closed in 2012 by its
	// author and answered by a CONTRIBUTOR in 2013, labeled v1 in 2014.
	recorded := 0
	for id, w := range want {
		if !set.recorded[id] {
			continue
		}
		recorded++
		ev := got.evidence[id]
		if !sameValue(ev["first_response_time"], w.firstResponse) {
			t.Errorf("%s first_response_time = %s, issue-metrics %s", id, show(ev["first_response_time"]), show(w.firstResponse))
		}
		// By design: kpidesk's resolution is the timeline's closed event,
		// issue-metrics' the issue's closed_at; GitHub recorded #28's
		// close at 14:59:34 in the one and 14:59:33 in the other.
		wantClose := w.close
		if id == "github:PyGithub/PyGithub#28" {
			wantClose = ptr(*w.close + 1)
		}
		if !sameValue(ev["handling_time"], wantClose) {
			t.Errorf("%s handling_time = %s, want issue-metrics' %s (+1 s for #28's closed event)", id, show(ev["handling_time"]), show(w.close))
		}
		// An issue that never carried the label: issue-metrics leaves it
		// out (None), and so does the time_in metric with absent: exclude.
		if !sameValue(ev[inLabelID], w.inLabel) {
			t.Errorf("%s %s = %s, issue-metrics %s", id, inLabelID, show(ev[inLabelID]), show(w.inLabel))
		}
	}
	if recorded != 14 {
		t.Errorf("%d recorded issues compared, want 14 (13 from octokit's pages and PyGithub's #28)", recorded)
	}
	if w := want["github:PyGithub/PyGithub#28"]; w.firstResponse == nil || *w.firstResponse != float64(at("2013-06-29T10:31:38Z").Sub(at("2012-05-19T10:38:23Z"))/time.Second) {
		t.Errorf("PyGithub#28: issue-metrics' time to first response %s, want stuglaser's comment of 2013-06-29", show(w.firstResponse))
	}
}

// TestDefaultsDiffer: each parity option matters. With any one of them
// back at kpidesk's default, some number of the same issues is no longer
// issue-metrics'. This is also what keeps the parity test able to fail:
// the data set tells the methods apart.
func TestDefaultsDiffer(t *testing.T) {
	set := dataset(t)
	want := issueMetrics(t, set)
	tests := []struct {
		name string
		opt  options
		// differs reports what differs from issue-metrics' numbers.
		differs func(got result) string
	}{
		{
			// The ⌈0.9·n⌉-th value, not the interpolation: the p90s move.
			name: "percentile nearest_rank",
			opt:  options{responders: "anyone", clock: "wall", percentile: "nearest_rank"},
			differs: func(got result) string {
				var out []string
				for _, m := range []string{"first_response_time", "handling_time", inLabelID} {
					st := orgStats(set, want, m)
					if r := got.org["2026"][m]; r.P90 != nil && math.Abs(*r.P90-st.p90) > 1e-6 {
						out = append(out, fmt.Sprintf("%s p90 %v vs %v", m, *r.P90, st.p90))
					}
				}
				if len(out) < 3 {
					t.Logf("only %d p90s move: %v", len(out), out)
					return "" // every p90 must move
				}
				return strings.Join(out, "; ")
			},
		},
		{
			// Only agents answer: a first comment by someone without a role
			// in the repository is not a response.
			name: "responders agents",
			opt:  options{responders: "agents", clock: "wall", percentile: "linear"},
			differs: func(got result) string {
				return perIssue(set, want, got, "first_response_time")
			},
		},
		{
			// Business hours of the default calendar, not the wall clock.
			name: "clock business",
			opt:  options{responders: "anyone", clock: "business", percentile: "linear"},
			differs: func(got result) string {
				return perIssue(set, want, got, "first_response_time") + perIssue(set, want, got, "handling_time") + perIssue(set, want, got, inLabelID)
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if d := tc.differs(run(t, set, tc.opt)); d == "" {
				t.Errorf("with %+v kpidesk still gives issue-metrics' numbers; the data set does not tell the option apart", tc.opt)
			} else {
				t.Logf("differs: %.300s", d)
			}
		})
	}
}

// perIssue lists the generated issues whose metric differs from
// issue-metrics' ("" when none does).
func perIssue(set *dataSet, want map[string]imIssue, got result, metric string) string {
	var out []string
	for _, is := range set.generated {
		id := "github:" + is.repo + "#" + strconv.Itoa(is.number)
		var w *float64
		switch metric {
		case "first_response_time":
			w = want[id].firstResponse
		case "handling_time":
			w = want[id].close
		default:
			w = want[id].inLabel
		}
		if g := got.evidence[id][metric]; !sameValue(g, w) {
			out = append(out, fmt.Sprintf("%s %s %s vs %s", id, metric, show(g), show(w)))
		}
	}
	return strings.Join(out, "; ")
}

func orgStats(set *dataSet, want map[string]imIssue, metric string) stats {
	var xs []float64
	for _, is := range set.generated {
		w := want["github:"+is.repo+"#"+strconv.Itoa(is.number)]
		v := map[string]*float64{"first_response_time": w.firstResponse, "handling_time": w.close, inLabelID: w.inLabel}[metric]
		if v != nil {
			xs = append(xs, *v)
		}
	}
	return imStats(xs, metric != inLabelID)
}

// ---- kpidesk: sync from the fake, score, read the outputs back ----

// result is what kpidesk wrote: each issue's measured values by metric
// (nil: not measured) from evidence.jsonl, and the organization's metric
// results by period from scores.json.
type result struct {
	evidence map[string]map[string]*float64
	org      map[string]map[string]scoring.MetricResult
}

func configYAML(base string, o options) string {
	return fmt.Sprintf(`version: 1
metrics:
  clock: %[2]s
  percentile: %[3]s
  custom:
    - id: %[4]s
      type: time_in
      labels: [%[5]s]
      clock: %[2]s
      absent: exclude
scorecards:
  - id: parity
    name: Parity
    items:
      - {metric: first_response_time, weight: 0.5, rule: {type: linear, target: 1h, floor: 72h}}
      - {metric: handling_time, weight: 0.5, rule: {type: linear, target: 24h, floor: 720h}}
sources:
  - name: github
    type: github
    base_url: %[1]s
    token_env: %[6]s
    repos: [octokit-fixture-org/hello-world, PyGithub/PyGithub, acme/support]
    responders: %[7]s
`, base, o.clock, o.percentile, inLabelID, label, tokenEnv, o.responders)
}

// run syncs the data set from a loopback fake GitHub with the github
// source built from a config, as kpidesk sync does, scores it as of asOf,
// and reads scores.json and evidence.jsonl back.
func run(t *testing.T, set *dataSet, o options) result {
	t.Helper()
	srv := set.serve(t)
	cfg, err := config.ParseWith([]byte(configYAML(srv.URL+apiPath, o)), "parity.yaml", scoring.MetricCatalog())
	if err != nil {
		t.Fatalf("config: %v", err)
	}
	src, _, err := connectors.NewSource(cfg.Sources[0].Settings, connectors.Env{
		Name:   cfg.Sources[0].Name,
		Getenv: func(k string) string { return map[string]string{tokenEnv: "parity-token"}[k] },
	})
	if err != nil {
		t.Fatalf("source: %v", err)
	}
	byID := map[string]connectors.Complaint{}
	err = src.Fetch(context.Background(), "", func(b connectors.Batch) error {
		for _, c := range b.Complaints {
			byID[c.ID] = c
		}
		return nil
	})
	if err != nil {
		t.Fatalf("sync: %v", err)
	}
	var cs []connectors.Complaint
	for _, id := range slices.Sorted(maps.Keys(byID)) {
		cs = append(cs, byID[id])
	}
	e, ps := scoring.Compile(cfg)
	if len(ps) > 0 {
		t.Fatalf("compile: %v", ps)
	}
	var evidence bytes.Buffer
	s, err := scoring.Score(context.Background(), cs, scoring.Options{Config: cfg, Engine: e, AsOf: asOf, EvidenceOut: &evidence})
	if err != nil {
		t.Fatalf("score: %v", err)
	}
	var scoresJSON bytes.Buffer
	if err := scoring.WriteJSON(&scoresJSON, s); err != nil {
		t.Fatal(err)
	}
	back, err := scoring.ReadJSON(&scoresJSON)
	if err != nil {
		t.Fatalf("read scores.json: %v", err)
	}
	out := result{evidence: map[string]map[string]*float64{}, org: map[string]map[string]scoring.MetricResult{}}
	for _, sc := range back.Scorecards {
		if sc.Unit.Kind == scoring.UnitOrg {
			out.org[sc.Period] = sc.Metrics
		}
	}
	err = scoring.ReadEvidence(&evidence, func(ev *scoring.Evidence) error {
		vals := map[string]*float64{}
		for m, o := range ev.Outcomes {
			if o.Result == scoring.Measured {
				vals[m] = ptr(o.Seconds)
			}
		}
		out.evidence[ev.ID] = vals
		return nil
	})
	if err != nil {
		t.Fatalf("read evidence.jsonl: %v", err)
	}
	if len(out.evidence) != len(set.want) {
		t.Fatalf("%d evidence lines, want one per issue (%d)", len(out.evidence), len(set.want))
	}
	return out
}

// ---- the data set and the fake GitHub serving it ----

// dataSet is what the fake serves: per repository the issue list pages
// (with their Link headers) and per issue its timeline, as raw JSON.
type dataSet struct {
	pages     map[string][]page   // repo → list pages
	timelines map[string][]byte   // "owner/name#n" → timeline JSON
	want      map[string]rawIssue // kpidesk ID → the issue as served
	generated []*genIssue         // the generated issues, in number order
	untouched *genIssue           // #65 of 2025 (TestUntouchedIssue)
	recorded  map[string]bool     // kpidesk IDs of recorded issues
	pageByURL map[string]page     // path?query of a Link → page
}

type page struct {
	body []byte
	link string // the recorded Link header, host to be replaced
}

// rawIssue is an issue as served: its list JSON and its timeline JSON.
type rawIssue struct {
	issue, timeline []byte
}

func dataset(t *testing.T) *dataSet {
	t.Helper()
	set := &dataSet{pages: map[string][]page{}, timelines: map[string][]byte{}, want: map[string]rawIssue{},
		recorded: map[string]bool{}, pageByURL: map[string]page{}}

	// octokit's recorded five-page list (3 issues a page), whose Link
	// URLs switch to /repositories/515435940/issues.
	for n := 1; n <= 5; n++ {
		p := page{body: readFixture(t, fmt.Sprintf("issues-page-%d.json", n)), link: recordedHeader(t, fmt.Sprintf("issues-page-%d.headers", n), "Link")}
		if n == 1 {
			set.pages["octokit-fixture-org/hello-world"] = []page{p}
		} else {
			set.pageByURL[fmt.Sprintf("/repositories/515435940/issues?per_page=3&page=%d", n)] = p
		}
		var issues []json.RawMessage
		if err := json.Unmarshal(p.body, &issues); err != nil {
			t.Fatal(err)
		}
		for _, raw := range issues {
			id := "github:octokit-fixture-org/hello-world#" + strconv.Itoa(number(t, raw))
			set.want[id] = rawIssue{issue: raw}
			set.recorded[id] = true
		}
	}
	// PyGithub's recorded issue #28 and its timeline.
	single := readFixture(t, "issue-single.json")
	set.pages["PyGithub/PyGithub"] = []page{{body: append(append([]byte("["), single...), ']')}}
	set.timelines["PyGithub/PyGithub#28"] = readFixture(t, "issue-timeline.json")
	set.want["github:PyGithub/PyGithub#28"] = rawIssue{issue: single, timeline: set.timelines["PyGithub/PyGithub#28"]}
	set.recorded["github:PyGithub/PyGithub#28"] = true

	// Generated issues of 2026, two pages of 50.
	set.generated = generate(64)
	set.untouched = untouched()
	var list []json.RawMessage
	for _, g := range append(slices.Clone(set.generated), set.untouched) {
		issue, timeline := g.json()
		list = append(list, issue)
		key := g.repo + "#" + strconv.Itoa(g.number)
		set.timelines[key] = timeline
		set.want["github:"+key] = rawIssue{issue: issue, timeline: timeline}
	}
	// The untouched issue's timeline is never asked for.
	delete(set.timelines, "acme/support#65")
	first, _ := json.Marshal(list[:50])
	second, _ := json.Marshal(list[50:])
	set.pages["acme/support"] = []page{{body: first, link: `<https://api.github.com/repositories/42/issues?page=2>; rel="next"`}}
	set.pageByURL["/repositories/42/issues?page=2"] = page{body: second}
	return set
}

// serve starts a loopback fake GitHub for the data set under apiPath.
func (set *dataSet) serve(t *testing.T) *httptest.Server {
	t.Helper()
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer parity-token" {
			t.Errorf("%s without the token", r.URL)
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-RateLimit-Remaining", "4000")
		path := strings.TrimPrefix(r.URL.Path, apiPath)
		write := func(p page) {
			if p.link != "" {
				w.Header().Set("Link", strings.ReplaceAll(p.link, "https://api.github.com", srv.URL+apiPath))
			}
			w.Write(p.body)
		}
		if p, ok := set.pageByURL[path+"?"+r.URL.RawQuery]; ok {
			write(p)
			return
		}
		rest, ok := strings.CutPrefix(path, "/repos/")
		parts := strings.Split(rest, "/")
		switch {
		case ok && len(parts) == 3 && parts[2] == "issues":
			// The first page, whatever the since (the source asks the
			// first page once more for its entity tag).
			if ps := set.pages[parts[0]+"/"+parts[1]]; len(ps) > 0 {
				write(ps[0])
				return
			}
		case ok && len(parts) == 5 && parts[2] == "issues" && parts[4] == "timeline":
			if tl, ok := set.timelines[parts[0]+"/"+parts[1]+"#"+parts[3]]; ok {
				w.Write(tl)
				return
			}
		}
		t.Errorf("unexpected request %s", r.URL)
		http.NotFound(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func readFixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(fixtures, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// recordedHeader reads one header of a recorded response's .headers file.
func recordedHeader(t *testing.T, name, key string) string {
	t.Helper()
	for _, line := range strings.Split(string(readFixture(t, name)), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.EqualFold(k, key) {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

func number(t *testing.T, raw []byte) int {
	var v struct {
		Number int `json:"number"`
	}
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	return v.Number
}

// genIssue is one generated issue of acme/support: who comments when,
// label events, closes and reopens, in strictly increasing time.
type genIssue struct {
	repo     string
	number   int
	author   string
	created  time.Time
	items    []map[string]any // timeline
	state    string
	closedAt time.Time
	labels   []string // on the issue at the end
	comments int
}

// generate makes n issues with the cases issue-metrics distinguishes:
// comments by the author, by bots (type Bot), by deleted users (user
// null), by people without a role (NONE) and by members, before and after
// the close; the label at creation or later, removed and put back, on at
// the close, on while open, added after the close; closes, reopens and
// closes again. Every issue carries the label before any close, so kpidesk
// and issue-metrics measure the same set (see TestIssueMetricsParity).
func generate(n int) []*genIssue {
	r := rand.New(rand.NewPCG(5, 14))
	start := time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)
	var out []*genIssue
	for i := 1; i <= n; i++ {
		g := &genIssue{repo: "acme/support", number: i, author: fmt.Sprintf("cust-%d", r.IntN(20)), state: "open",
			created: start.Add(time.Duration(r.IntN(140*24*3600)) * time.Second)}
		last := g.created
		next := func(max time.Duration) time.Time {
			last = last.Add(time.Minute + time.Duration(r.Int64N(int64(max/time.Second)))*time.Second)
			return last
		}
		on := map[string]bool{}
		labelEv := func(at time.Time, kind, name string) {
			g.items = append(g.items, map[string]any{"event": kind, "created_at": at, "actor": user("triager", "User"), "label": map[string]any{"name": name}, "performed_via_github_app": nil})
			on[name] = kind == "labeled"
		}
		comment := func(at time.Time, u map[string]any, assoc string) {
			g.items = append(g.items, map[string]any{"event": "commented", "created_at": at, "user": u, "actor": u, "author_association": assoc, "body": "…", "performed_via_github_app": nil})
			g.comments++
		}
		commenter := func() (map[string]any, string) {
			switch r.IntN(6) {
			case 0:
				return user(g.author, "User"), "NONE"
			case 1:
				return user("helper[bot]", "Bot"), "NONE"
			case 2:
				return user("stale", "Bot"), "NONE" // a bot by type only
			case 3:
				return nil, "NONE" // a deleted account
			case 4:
				return user(fmt.Sprintf("passer-%d", r.IntN(5)), "User"), "NONE"
			default:
				return user(fmt.Sprintf("member-%d", r.IntN(3)), "User"), "MEMBER"
			}
		}
		if r.IntN(2) == 0 {
			labelEv(g.created, "labeled", label) // opened with the label
		}
		if r.IntN(3) == 0 {
			labelEv(g.created, "labeled", "cat:billing")
		}
		for range r.IntN(5) {
			u, assoc := commenter()
			comment(next(36*time.Hour), u, assoc)
			if !on[label] || r.IntN(3) == 0 {
				labelEv(next(12*time.Hour), map[bool]string{true: "unlabeled", false: "labeled"}[on[label]], label)
			}
		}
		if _, seen := firstLabeled(g.items); !seen {
			labelEv(next(48*time.Hour), "labeled", label)
		}
		if r.IntN(4) > 0 {
			g.close(next(5 * 24 * time.Hour))
			if r.IntN(5) == 0 {
				g.items = append(g.items, map[string]any{"event": "reopened", "created_at": next(48 * time.Hour), "actor": user(g.author, "User"), "performed_via_github_app": nil})
				g.state, g.closedAt = "open", time.Time{}
				if r.IntN(2) == 0 && !on[label] {
					labelEv(next(6*time.Hour), "labeled", label)
				}
				if r.IntN(3) > 0 {
					g.close(next(3 * 24 * time.Hour))
				}
			}
			if r.IntN(3) == 0 { // comments after the close
				u, assoc := commenter()
				comment(next(24*time.Hour), u, assoc)
			}
			if g.state == "closed" && r.IntN(4) == 0 { // labelled after the close: ignored
				labelEv(next(24*time.Hour), map[bool]string{true: "unlabeled", false: "labeled"}[on[label]], label)
			}
		}
		if g.state == "open" && g.comments == 0 && last.Equal(g.created) {
			// Untouched since it was opened with its labels: the source
			// reads no timeline, so kpidesk sees no label event
			// (TestUntouchedIssue). The author's follow-up, which is no
			// response to either, makes it touched.
			comment(next(time.Hour), user(g.author, "User"), "NONE")
		}
		g.labels = current(on)
		out = append(out, g)
	}
	return out
}

// current lists the labels on, in a fixed order.
func current(on map[string]bool) []string {
	var out []string
	for _, name := range []string{"cat:billing", label} {
		if on[name] {
			out = append(out, name)
		}
	}
	return out
}

// untouched is an issue opened with the label in 2025 and never updated
// since: no comment, no event after its creation, updated_at = created_at.
func untouched() *genIssue {
	created := time.Date(2025, 12, 1, 9, 0, 0, 0, time.UTC)
	return &genIssue{repo: "acme/support", number: 65, author: "cust-65", created: created, state: "open", labels: []string{label},
		items: []map[string]any{{"event": "labeled", "created_at": created, "actor": user("cust-65", "User"), "label": map[string]any{"name": label}, "performed_via_github_app": nil}}}
}

func (g *genIssue) close(at time.Time) {
	g.items = append(g.items, map[string]any{"event": "closed", "created_at": at, "actor": user("member-0", "User"), "state_reason": "completed", "performed_via_github_app": nil})
	g.state, g.closedAt = "closed", at
}

func firstLabeled(items []map[string]any) (time.Time, bool) {
	for _, it := range items {
		if it["event"] == "labeled" && it["label"].(map[string]any)["name"] == label {
			return it["created_at"].(time.Time), true
		}
	}
	return time.Time{}, false
}

func user(login, typ string) map[string]any { return map[string]any{"login": login, "type": typ} }

// json writes the issue as the list endpoint gives it, and its timeline.
func (g *genIssue) json() (issue, timeline []byte) {
	updated := g.created
	if n := len(g.items); n > 0 {
		updated = g.items[n-1]["created_at"].(time.Time)
	}
	var labels []map[string]any
	for _, l := range g.labels {
		labels = append(labels, map[string]any{"name": l})
	}
	m := map[string]any{
		"number": g.number, "title": fmt.Sprintf("issue %d", g.number), "state": g.state,
		"html_url": fmt.Sprintf("https://github.com/%s/issues/%d", g.repo, g.number),
		"user":     user(g.author, "User"), "labels": labels, "assignee": nil, "comments": g.comments,
		"created_at": g.created, "updated_at": updated, "closed_at": nil, "author_association": "NONE",
	}
	if g.state == "closed" {
		m["closed_at"], m["state_reason"] = g.closedAt, "completed"
	}
	issue, _ = json.Marshal(m)
	timeline, _ = json.Marshal(g.items)
	return issue, timeline
}

// ---- issue-metrics, independently ----
//
// What follows restates github-community-projects/issue-metrics'
// definitions (time_to_first_response.py, time_to_close.py, labels.py,
// and their get_stats_* functions) over the raw JSON the fake serves. It
// shares nothing with kpidesk's code but the test's data.

// imIssue is issue-metrics' measure of one issue, in seconds; nil is its
// None.
type imIssue struct {
	firstResponse, close, inLabel *float64
}

type ghUser struct {
	Login string `json:"login"`
	Type  string `json:"type"`
}

type ghIssue struct {
	State     string     `json:"state"`
	User      *ghUser    `json:"user"`
	CreatedAt time.Time  `json:"created_at"`
	ClosedAt  *time.Time `json:"closed_at"`
}

type ghItem struct {
	Event     string     `json:"event"`
	CreatedAt *time.Time `json:"created_at"`
	User      *ghUser    `json:"user"`
	Label     *struct {
		Name string `json:"name"`
	} `json:"label"`
}

// issueMetrics measures every issue of the data set the way issue-metrics
// does, with "now" = asOf and no ignore_users.
func issueMetrics(t *testing.T, set *dataSet) map[string]imIssue {
	t.Helper()
	out := map[string]imIssue{}
	for id, raw := range set.want {
		var is ghIssue
		if err := json.Unmarshal(raw.issue, &is); err != nil {
			t.Fatal(err)
		}
		var items []ghItem
		if raw.timeline != nil {
			if err := json.Unmarshal(raw.timeline, &items); err != nil {
				t.Fatal(err)
			}
		}
		out[id] = imIssue{
			firstResponse: imFirstResponse(is, items, nil),
			close:         imTimeToClose(is),
			inLabel:       imTimeInLabel(is, items, label, asOf),
		}
	}
	return out
}

// imFirstResponse: the first comment, in the order GitHub lists them,
// whose user is not a deleted account (None), not in ignoreUsers, not of
// type Bot and not the issue's author; its created_at less the issue's.
func imFirstResponse(is ghIssue, items []ghItem, ignoreUsers []string) *float64 {
	for _, it := range items {
		if it.Event != "commented" || it.CreatedAt == nil {
			continue
		}
		u := it.User
		if u == nil || slices.Contains(ignoreUsers, u.Login) || strings.ToLower(u.Type) == "bot" || u.Login == is.User.Login {
			continue
		}
		return ptr(it.CreatedAt.Sub(is.CreatedAt).Seconds())
	}
	return nil
}

// imTimeToClose: closed_at − created_at of a closed issue.
func imTimeToClose(is ghIssue) *float64 {
	if is.State != "closed" || is.ClosedAt == nil {
		return nil
	}
	return ptr(is.ClosedAt.Sub(is.CreatedAt).Seconds())
}

// imTimeInLabel: None without a label event for name; otherwise, over the
// label events before closed_at, minus (labeled − created) plus
// (unlabeled − created), then plus (closed_at − created) when the issue is
// closed and the last counted event was a labeled one, or plus (now −
// created) when it is open and the last was not an unlabeled one.
func imTimeInLabel(is ghIssue, items []ghItem, name string, now time.Time) *float64 {
	var evs []ghItem
	for _, it := range items {
		if (it.Event == "labeled" || it.Event == "unlabeled") && it.Label != nil && it.Label.Name == name {
			evs = append(evs, it)
		}
	}
	if len(evs) == 0 {
		return nil
	}
	var total *time.Duration
	labeled, last := false, ""
	for _, e := range evs {
		if is.ClosedAt != nil && !e.CreatedAt.Before(*is.ClosedAt) {
			continue
		}
		if total == nil {
			total = new(time.Duration)
		}
		since := e.CreatedAt.Sub(is.CreatedAt)
		if e.Event == "labeled" {
			labeled = true
			*total -= since
		} else {
			*total += since
		}
		last = e.Event
	}
	if labeled {
		switch {
		case is.State == "closed" && last == "labeled":
			*total += is.ClosedAt.Sub(is.CreatedAt)
		case is.State != "closed" && last != "unlabeled":
			*total += now.Sub(is.CreatedAt)
		}
	}
	if total == nil {
		return nil
	}
	return ptr(total.Seconds())
}

// stats are issue-metrics' average, median and 90th percentile.
type stats struct {
	n             int
	avg, med, p90 float64
}

// imStats computes numpy.average, numpy.median and numpy.percentile(…, 90)
// (method "linear": the value at h = 0.9·(n−1) between its neighbours).
// dropZero leaves out zero durations, as get_stats_time_to_first_response
// and get_stats_time_to_close do (a zero timedelta is falsy in Python);
// get_stats_time_in_labels keeps them.
func imStats(xs []float64, dropZero bool) stats {
	var vs []float64
	for _, x := range xs {
		if x != 0 || !dropZero {
			vs = append(vs, x)
		}
	}
	slices.Sort(vs)
	n := len(vs)
	if n == 0 {
		return stats{}
	}
	sum := 0.0
	for _, v := range vs {
		sum += v
	}
	pct := func(p float64) float64 {
		h := p / 100 * float64(n-1)
		i := int(h)
		if i+1 >= n {
			return vs[n-1]
		}
		return vs[i] + (h-float64(i))*(vs[i+1]-vs[i])
	}
	med := vs[n/2]
	if n%2 == 0 {
		med = (vs[n/2-1] + vs[n/2]) / 2
	}
	return stats{n: n, avg: sum / float64(n), med: med, p90: pct(90)}
}

// ---- helpers ----

func ptr(v float64) *float64 { return &v }

func sameValue(a, b *float64) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return math.Abs(*a-*b) <= 1e-6
}

func show(p *float64) string {
	if p == nil {
		return "none"
	}
	return strconv.FormatFloat(*p, 'f', -1, 64) + "s"
}

func at(s string) time.Time {
	tm, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return tm
}

// TestUntouchedIssue: an issue opened with the label and never updated
// since (no comment, no event after its creation, updated_at =
// created_at) has no timeline read by the github source, which gives its
// labels as carried since creation; kpidesk then counts its time in the
// label from creation until as_of, as issue-metrics does.
func TestUntouchedIssue(t *testing.T) {
	set := dataset(t)
	got := run(t, set, parityOptions)
	want := issueMetrics(t, set)
	id := "github:acme/support#65"
	if w := want[id].inLabel; w == nil || *w != asOf.Sub(set.untouched.created).Seconds() {
		t.Errorf("issue-metrics' time in %s of %s = %s, want as_of − created", label, id, show(w))
	}
	if g := got.evidence[id][inLabelID]; !sameValue(g, want[id].inLabel) {
		t.Errorf("%s %s = %s, want issue-metrics' %s", id, inLabelID, show(g), show(want[id].inLabel))
	}
	for _, m := range []string{"first_response_time", "handling_time"} {
		if g := got.evidence[id][m]; g != nil {
			t.Errorf("%s %s = %s, want none, as issue-metrics", id, m, show(g))
		}
	}
}
