package jira

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/kpidesk/kpidesk/connectors/store"
)

// BenchmarkSyncJSM measures a first sync into a file store (the store
// package's SQLite, through store.Sync) from a loopback JSM fake that adds
// 20 ms to every response and serves realistic payloads: 5–30 comments a
// ticket (a fifth of them internal), 3–8 changelog histories, and on 1
// ticket in 15 a changelog of 120 histories of which the search embeds
// only 40, a request type, request participants, and the two SLA fields
// with completed cycles. Cloud comments carry jsdPublic; Data Center
// comments carry no visibility in the search, so each ticket with comments
// costs one comment request with expand=properties.
//
// Metrics: tickets/s (stored per second of wall time), req/ticket (every
// request, search pages included), req/ticket-short (without the
// follow-ups of the long changelogs), peak-heap-MiB and peak-rss-MiB
// (sampled every 50 ms, see sampleMemory), cpu-ms/ticket (the process's
// user and system CPU time, the fake's included, per ticket: on a shared
// machine it varies less than tickets/s). The sync runs with concurrency
// 32: at 20 ms a response, Data Center's one request a ticket needs about
// 20 requests in flight for 1,000 tickets/s, whatever the client does.
//
//	go test -run '^$' -bench SyncJSM -benchtime 1x -count 3 ./connectors/jira/
//
// BenchmarkSyncJSMLong runs 100,000 tickets, only with
// KPIDESK_BENCH_LONG=1 set.
func BenchmarkSyncJSM(b *testing.B) {
	for _, d := range flavours {
		b.Run(d+"/n=3000", func(b *testing.B) { benchJSM(b, d, 3000, 32) })
	}
	// The default concurrency, for comparison: bound by 4 requests per
	// 20 ms on Data Center.
	b.Run("datacenter/n=1000/concurrency=4", func(b *testing.B) { benchJSM(b, DataCenter, 1000, 4) })
}

// BenchmarkSyncJSMLong is BenchmarkSyncJSM at 100,000 tickets, for the
// memory profile of a long sync: skipped unless KPIDESK_BENCH_LONG is set.
func BenchmarkSyncJSMLong(b *testing.B) {
	if os.Getenv("KPIDESK_BENCH_LONG") == "" {
		b.Skip("100,000 tickets: set KPIDESK_BENCH_LONG=1 to run")
	}
	for _, d := range flavours {
		b.Run(d+"/n=100000", func(b *testing.B) { benchJSM(b, d, 100_000, 32) })
	}
}

func benchJSM(b *testing.B, deployment string, n, concurrency int) {
	ctx := context.Background()
	fake := &jsmBench{n: n, deployment: deployment, latency: 20 * time.Millisecond}
	srv := httptest.NewServer(fake)
	defer srv.Close()

	var (
		synced             int
		elapsed            time.Duration
		requests, longReqs int64
		cpu                time.Duration
		peakHeap, peakRSS  uint64
	)
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		st, err := store.Open(ctx, filepath.Join(b.TempDir(), "kpidesk.db"))
		if err != nil {
			b.Fatal(err)
		}
		cfg := SourceConfig{
			Name: "jsm",
			Client: Config{
				BaseURL: srv.URL + basePath, Deployment: deployment, Token: testToken,
				UserAgent: testUA, Concurrency: concurrency,
			},
			Projects: []string{"SD"},
			Now:      func() time.Time { return srcNow },
			Mapping: Mapping{
				RequestTypeField:  "customfield_10010",
				ParticipantsField: "customfield_10026",
				SLAFields:         map[string]string{"customfield_10033": "Time to resolution", "customfield_10034": "Time to first response"},
				Kinds:             map[string]string{"Report a problem": "complaint", "Ask a question": "inquiry", "Suggest an improvement": "suggestion"},
				Categories:        map[string]string{"Billing": "billing", "Delivery": "delivery", "App": "usage"},
			},
		}
		if deployment == Cloud {
			cfg.Client.Email = testEmail
		}
		src, err := NewSource(cfg)
		if err != nil {
			b.Fatal(err)
		}
		fake.requests.Store(0)
		fake.longRequests.Store(0)
		runtime.GC()
		stop := sampleMemory()
		cpu0 := processCPU()
		b.StartTimer()
		start := time.Now()
		err = st.Sync(ctx, src, nil)
		d := time.Since(start)
		b.StopTimer()
		cpu += processCPU() - cpu0
		heap, rss := stop()
		if err != nil {
			b.Fatalf("sync: %v", err)
		}
		if count, err := st.Count(ctx); err != nil || count != n {
			b.Fatalf("store holds %d complaints, %v; want %d", count, err, n)
		}
		if err := st.Close(); err != nil {
			b.Fatal(err)
		}
		synced += n
		elapsed += d
		requests += fake.requests.Load()
		longReqs += fake.longRequests.Load()
		peakHeap, peakRSS = max(peakHeap, heap), max(peakRSS, rss)
		b.StartTimer()
	}
	b.ReportMetric(float64(synced)/elapsed.Seconds(), "tickets/s")
	b.ReportMetric(float64(requests)/float64(synced), "req/ticket")
	b.ReportMetric(float64(requests-longReqs)/float64(synced), "req/ticket-short")
	b.ReportMetric(cpu.Seconds()*1000/float64(synced), "cpu-ms/ticket")
	b.ReportMetric(float64(peakHeap)/(1<<20), "peak-heap-MiB")
	b.ReportMetric(float64(peakRSS)/(1<<20), "peak-rss-MiB")
	b.ReportMetric(0, "ns/op") // wall time per sync is tickets/s's inverse
}

// jsmBench generates tickets SD-1..SD-n on the fly, ticket i updated at
// srcBase + i·20s, as Cloud or Data Center serve them.
type jsmBench struct {
	n            int
	deployment   string
	latency      time.Duration
	requests     atomic.Int64 // every request
	longRequests atomic.Int64 // follow-ups of the long changelogs
	bufs         sync.Pool
}

const (
	benchPage       = 100 // search page size the fake caps at
	benchInlineHist = 40  // histories a search embeds at most
	benchLongHist   = 120 // histories of a long changelog
)

func (g *jsmBench) comments(i int) int { return 5 + (i*7919)%26 }
func (g *jsmBench) long(i int) bool    { return i%15 == 7 }
func (g *jsmBench) histories(i int) int {
	if g.long(i) {
		return benchLongHist
	}
	return 3 + i%6
}

func (g *jsmBench) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	g.requests.Add(1)
	time.Sleep(g.latency)
	buf, _ := g.bufs.Get().(*bytes.Buffer)
	if buf == nil {
		buf = new(bytes.Buffer)
	}
	buf.Reset()
	defer g.bufs.Put(buf)

	path := strings.TrimPrefix(r.URL.Path, basePath)
	switch {
	case r.Method == http.MethodPost && (path == "/rest/api/3/search/jql" || path == "/rest/api/2/search"):
		g.search(w, r, buf)
	case strings.HasPrefix(path, "/rest/api/") && strings.Contains(path, "/issue/"):
		rest := path[strings.Index(path, "/issue/")+len("/issue/"):]
		key, what, _ := strings.Cut(rest, "/")
		i, err := strconv.Atoi(strings.TrimPrefix(key, "SD-"))
		if err != nil || i < 1 || i > g.n {
			http.Error(w, `{"errorMessages":["Issue Does Not Exist"]}`, http.StatusNotFound)
			return
		}
		i--
		q := r.URL.Query()
		start, _ := strconv.Atoi(q.Get("startAt"))
		switch what {
		case "comment":
			g.commentPage(buf, i, q.Get("expand") == "properties")
		case "changelog": // Cloud
			g.longRequests.Add(1)
			g.changelogPage(buf, i, start)
		case "": // Data Center: GET issue?expand=changelog
			g.longRequests.Add(1)
			buf.WriteString(`{"key":"SD-`)
			buf.WriteString(strconv.Itoa(i + 1))
			buf.WriteString(`","fields":{},"changelog":{"startAt":0,"maxResults":`)
			g.histList(buf, i, 0, g.histories(i))
			buf.WriteString(`}`)
		default:
			http.NotFound(w, r)
			return
		}
	default:
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.Write(buf.Bytes())
}

func (g *jsmBench) search(w http.ResponseWriter, r *http.Request, buf *bytes.Buffer) {
	var req struct {
		StartAt       int    `json:"startAt"`
		NextPageToken string `json:"nextPageToken"`
		MaxResults    int    `json:"maxResults"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	from := req.StartAt
	if req.NextPageToken != "" {
		from, _ = strconv.Atoi(req.NextPageToken)
	}
	to := min(from+min(max(req.MaxResults, 1), benchPage), g.n)
	if g.deployment == Cloud {
		buf.WriteString(`{"issues":[`)
	} else {
		buf.WriteString(`{"startAt":`)
		buf.WriteString(strconv.Itoa(from))
		buf.WriteString(`,"maxResults":`)
		buf.WriteString(strconv.Itoa(benchPage))
		buf.WriteString(`,"total":`)
		buf.WriteString(strconv.Itoa(g.n))
		buf.WriteString(`,"issues":[`)
	}
	for i := from; i < to; i++ {
		if i > from {
			buf.WriteByte(',')
		}
		g.issue(buf, i)
	}
	buf.WriteString(`]`)
	if g.deployment == Cloud {
		buf.WriteString(`,"isLast":`)
		buf.WriteString(strconv.FormatBool(to >= g.n))
		if to < g.n {
			buf.WriteString(`,"nextPageToken":"`)
			buf.WriteString(strconv.Itoa(to))
			buf.WriteByte('"')
		}
	}
	buf.WriteByte('}')
}

func (g *jsmBench) at(buf *bytes.Buffer, t time.Time) {
	var ts [40]byte
	buf.WriteByte('"')
	buf.Write(t.AppendFormat(ts[:0], "2006-01-02T15:04:05.000-0700"))
	buf.WriteByte('"')
}

func (g *jsmBench) created(i int) time.Time { return srcBase.Add(time.Duration(i) * 20 * time.Second) }

var benchRequestTypes = [...]string{"Report a problem", "Ask a question", "Suggest an improvement", "Report a problem"}
var benchComponents = [...]string{"Billing", "Delivery", "App"}

// issue appends ticket i as the search returns it with expand=changelog.
func (g *jsmBench) issue(buf *bytes.Buffer, i int) {
	key := strconv.Itoa(i + 1)
	created := g.created(i)
	resolved := created.Add(3 * time.Hour)
	buf.WriteString(`{"id":"`)
	buf.WriteString(strconv.Itoa(10000 + i))
	buf.WriteString(`","key":"SD-`)
	buf.WriteString(key)
	buf.WriteString(`","self":"https://jira.example.com/rest/api/2/issue/`)
	buf.WriteString(strconv.Itoa(10000 + i))
	buf.WriteString(`","fields":{"summary":"Customer cannot complete checkout on order `)
	buf.WriteString(key)
	buf.WriteString(`","created":`)
	g.at(buf, created)
	buf.WriteString(`,"updated":`)
	g.at(buf, created.Add(4*time.Hour))
	buf.WriteString(`,"resolutiondate":`)
	g.at(buf, resolved)
	buf.WriteString(`,"status":{"self":"https://jira.example.com/rest/api/2/status/5","id":"5","name":"Resolved","statusCategory":{"id":3,"key":"done","name":"Done"}}`)
	buf.WriteString(`,"priority":{"id":"3","name":"`)
	buf.WriteString([...]string{"Highest", "High", "Medium", "Low", "Lowest"}[i%5])
	buf.WriteString(`"},"reporter":`)
	g.user(buf, "customer", i%5000)
	buf.WriteString(`,"assignee":`)
	g.user(buf, "agent", i%40)
	buf.WriteString(`,"components":[{"id":"1","name":"`)
	buf.WriteString(benchComponents[i%3])
	buf.WriteString(`"}],"labels":["web","checkout"]`)
	buf.WriteString(`,"customfield_10010":{"_links":{"web":"https://jira.example.com/servicedesk/customer/portal/1/SD-`)
	buf.WriteString(key)
	buf.WriteString(`"},"requestType":{"id":"7","name":"`)
	buf.WriteString(benchRequestTypes[i%4])
	buf.WriteString(`","description":"Tell us what went wrong"},"currentStatus":{"status":"Resolved","statusCategory":"DONE"}}`)
	buf.WriteString(`,"customfield_10026":[`)
	g.user(buf, "participant", i%300)
	buf.WriteString(`],"customfield_10034":`)
	g.sla(buf, "Time to first response", created, created.Add(25*time.Minute), 4*time.Hour)
	buf.WriteString(`,"customfield_10033":`)
	g.sla(buf, "Time to resolution", created, resolved, 24*time.Hour)
	nc := g.comments(i)
	buf.WriteString(`,"comment":{"startAt":0,"maxResults":`)
	buf.WriteString(strconv.Itoa(nc))
	buf.WriteString(`,"total":`)
	buf.WriteString(strconv.Itoa(nc))
	buf.WriteString(`,"comments":[`)
	for c := range nc {
		if c > 0 {
			buf.WriteByte(',')
		}
		// The search never expands comment properties: Cloud's jsdPublic
		// says the visibility, Data Center's comments say nothing.
		g.comment(buf, i, c, g.deployment == Cloud, false)
	}
	buf.WriteString(`]}},"changelog":{"startAt":0,"maxResults":`)
	nh := g.histories(i)
	g.histList(buf, i, nh-min(nh, benchInlineHist), nh) // the newest, as an embedded changelog has them
	buf.WriteString(`}`)
}

// histList appends `N,"total":T,"histories":[…]` for histories [from, to).
func (g *jsmBench) histList(buf *bytes.Buffer, i, from, to int) {
	buf.WriteString(strconv.Itoa(to - from))
	buf.WriteString(`,"total":`)
	buf.WriteString(strconv.Itoa(g.histories(i)))
	buf.WriteString(`,"histories":[`)
	for h := from; h < to; h++ {
		if h > from {
			buf.WriteByte(',')
		}
		g.history(buf, i, h)
	}
	buf.WriteString(`]}`)
}

func (g *jsmBench) changelogPage(buf *bytes.Buffer, i, start int) {
	nh := g.histories(i)
	end := min(start+benchPage, nh)
	buf.WriteString(`{"startAt":`)
	buf.WriteString(strconv.Itoa(start))
	buf.WriteString(`,"maxResults":`)
	buf.WriteString(strconv.Itoa(benchPage))
	buf.WriteString(`,"total":`)
	buf.WriteString(strconv.Itoa(nh))
	buf.WriteString(`,"isLast":`)
	buf.WriteString(strconv.FormatBool(end >= nh))
	buf.WriteString(`,"values":[`)
	for h := start; h < end; h++ {
		if h > start {
			buf.WriteByte(',')
		}
		g.history(buf, i, h)
	}
	buf.WriteString(`]}`)
}

func (g *jsmBench) commentPage(buf *bytes.Buffer, i int, properties bool) {
	nc := g.comments(i)
	buf.WriteString(`{"startAt":0,"maxResults":100,"total":`)
	buf.WriteString(strconv.Itoa(nc))
	buf.WriteString(`,"comments":[`)
	for c := range nc {
		if c > 0 {
			buf.WriteByte(',')
		}
		g.comment(buf, i, c, g.deployment == Cloud, properties)
	}
	buf.WriteString(`]}`)
}

func (g *jsmBench) user(buf *bytes.Buffer, kind string, n int) {
	id := kind + "-" + strconv.Itoa(n)
	if g.deployment == Cloud {
		buf.WriteString(`{"self":"https://example.atlassian.net/rest/api/3/user?accountId=`)
		buf.WriteString(id)
		buf.WriteString(`","accountId":"`)
		buf.WriteString(id)
		buf.WriteString(`","displayName":"User `)
		buf.WriteString(id)
		buf.WriteString(`","active":true,"timeZone":"Asia/Shanghai","accountType":"`)
		buf.WriteString(map[bool]string{true: "customer", false: "atlassian"}[kind != "agent"])
		buf.WriteString(`"}`)
		return
	}
	buf.WriteString(`{"self":"https://jira.example.com/rest/api/2/user?username=`)
	buf.WriteString(id)
	buf.WriteString(`","name":"`)
	buf.WriteString(id)
	buf.WriteString(`","key":"`)
	buf.WriteString(id)
	buf.WriteString(`","emailAddress":"`)
	buf.WriteString(id)
	buf.WriteString(`@example.com","displayName":"User `)
	buf.WriteString(id)
	buf.WriteString(`","active":true,"timeZone":"Asia/Shanghai"}`)
}

const benchText = "Thanks for reaching out. We looked at the order and the payment went through on our side; " +
	"the confirmation e-mail was held back by a mail filter. We resent it just now, please check your inbox and let us know."

// comment appends comment c of ticket i: even ones the customer's, odd
// ones an agent's, every fifth an internal note.
func (g *jsmBench) comment(buf *bytes.Buffer, i, c int, jsdPublic, properties bool) {
	internal := c%5 == 4
	buf.WriteString(`{"id":"`)
	buf.WriteString(strconv.Itoa(i*100 + c))
	buf.WriteString(`","author":`)
	if c%2 == 0 {
		g.user(buf, "customer", i%5000)
	} else {
		g.user(buf, "agent", i%40)
	}
	if g.deployment == Cloud {
		buf.WriteString(`,"body":{"type":"doc","version":1,"content":[{"type":"paragraph","content":[{"type":"text","text":"`)
		buf.WriteString(benchText)
		buf.WriteString(`"}]}]}`)
	} else {
		buf.WriteString(`,"body":"`)
		buf.WriteString(benchText)
		buf.WriteString(`"`)
	}
	buf.WriteString(`,"created":`)
	g.at(buf, g.created(i).Add(time.Duration(10*(c+1))*time.Minute))
	buf.WriteString(`,"updated":`)
	g.at(buf, g.created(i).Add(time.Duration(10*(c+1))*time.Minute))
	if jsdPublic {
		buf.WriteString(`,"jsdPublic":`)
		buf.WriteString(strconv.FormatBool(!internal))
	}
	if properties {
		if internal {
			buf.WriteString(`,"properties":[{"key":"sd.public.comment","value":{"internal":true}}]`)
		} else {
			buf.WriteString(`,"properties":[]`)
		}
	}
	buf.WriteByte('}')
}

// history appends changelog history h of ticket i: status moves, then
// label and priority edits.
func (g *jsmBench) history(buf *bytes.Buffer, i, h int) {
	buf.WriteString(`{"id":"`)
	buf.WriteString(strconv.Itoa(i*1000 + h))
	buf.WriteString(`","author":`)
	g.user(buf, "agent", i%40)
	buf.WriteString(`,"created":`)
	g.at(buf, g.created(i).Add(time.Duration(h+1)*time.Minute))
	switch h {
	case 0:
		buf.WriteString(`,"items":[{"field":"status","fieldtype":"jira","fieldId":"status","from":"1","fromString":"Open","to":"3","toString":"In Progress"}]}`)
	case 1:
		buf.WriteString(`,"items":[{"field":"status","fieldtype":"jira","fieldId":"status","from":"3","fromString":"In Progress","to":"5","toString":"Resolved"},` +
			`{"field":"resolution","fieldtype":"jira","fieldId":"resolution","from":null,"fromString":null,"to":"1","toString":"Done"}]}`)
	default:
		buf.WriteString(`,"items":[{"field":"labels","fieldtype":"jira","fieldId":"labels","from":null,"fromString":"web","to":null,"toString":"web checkout"}]}`)
	}
}

// sla appends a JSM SLA field value with one completed cycle.
func (g *jsmBench) sla(buf *bytes.Buffer, name string, start, stop time.Time, goal time.Duration) {
	date := func(t time.Time) {
		buf.WriteString(`{"epochMillis":`)
		buf.WriteString(strconv.FormatInt(t.UnixMilli(), 10))
		buf.WriteString(`,"friendly":"today","iso8601":`)
		var ts [40]byte
		buf.WriteByte('"')
		buf.Write(t.AppendFormat(ts[:0], "2006-01-02T15:04:05-0700"))
		buf.WriteString(`"}`)
	}
	dur := func(d time.Duration) {
		buf.WriteString(`{"millis":`)
		buf.WriteString(strconv.FormatInt(d.Milliseconds(), 10))
		buf.WriteString(`,"friendly":"`)
		buf.WriteString(d.String())
		buf.WriteString(`"}`)
	}
	buf.WriteString(`{"id":"1","name":"`)
	buf.WriteString(name)
	buf.WriteString(`","_links":{"self":"https://jira.example.com/rest/servicedeskapi/request/1/sla/1"},"completedCycles":[{"startTime":`)
	date(start)
	buf.WriteString(`,"stopTime":`)
	date(stop)
	buf.WriteString(`,"breachTime":`)
	date(start.Add(goal))
	elapsed := stop.Sub(start)
	buf.WriteString(`,"breached":`)
	buf.WriteString(strconv.FormatBool(elapsed > goal))
	buf.WriteString(`,"goalDuration":`)
	dur(goal)
	buf.WriteString(`,"elapsedTime":`)
	dur(elapsed)
	buf.WriteString(`,"remainingTime":`)
	dur(goal - elapsed)
	buf.WriteString(`}],"slaDisplayFormat":"NEW_SLA_FORMAT"}`)
}

// processCPU returns the CPU time (user and system) the process used so
// far, 0 where getrusage is missing.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
