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
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kpidesk/kpidesk/connectors/store"
)

// BenchmarkSync measures a Cloud sync into a file store from a loopback
// fake that generates every search page on the fly (100 issues a page,
// each with 4 changelog histories and 3 comments embedded in full, so no
// per-issue requests): a full sync of 10,000 and 100,000 issues, and an
// incremental sync of 100,000 issues after 1 % of them changed (the full
// sync before it is not timed).
//
// Metrics: issues/s (issues stored per second of wall time);
// peak-heap-MiB, the highest runtime HeapInuse sampled every 50 ms during
// the timed sync (Go heap only, fake server included); peak-rss-MiB, the
// highest resident set from /proc/self/statm sampled alike (whole
// process, SQLite's C-heap included; 0 where /proc is missing);
// server-%, the share of wall time the fake spent building pages.
//
//	go test -run '^$' -bench Sync -benchtime 1x ./connectors/jira/
//
// The 100,000-issue cases are skipped with -short.
func BenchmarkSync(b *testing.B) {
	for _, bc := range []struct {
		name        string
		n           int
		incremental bool
	}{
		{"full/n=10000", 10_000, false},
		{"full/n=100000", 100_000, false},
		{"incremental-1pct/n=100000", 100_000, true},
	} {
		b.Run(bc.name, func(b *testing.B) {
			if bc.n > 10_000 && testing.Short() {
				b.Skip("100,000 issues: skipped with -short")
			}
			benchSync(b, bc.n, bc.incremental)
		})
	}
}

func benchSync(b *testing.B, n int, incremental bool) {
	ctx := context.Background()
	gen := &benchGen{n: n}
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+basePath+"/rest/api/3/search/jql", gen.search)
	srv := httptest.NewServer(mux)
	defer srv.Close()

	var (
		synced           int // issues stored by the timed syncs
		elapsed, serving time.Duration
		peakHeap, peakRS uint64
	)
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		gen.changed.Store(false)
		st, err := store.Open(ctx, filepath.Join(b.TempDir(), "kpidesk.db"))
		if err != nil {
			b.Fatal(err)
		}
		src, err := NewSource(SourceConfig{
			Name: "jsm",
			Client: Config{
				BaseURL: srv.URL + basePath, Deployment: Cloud, Email: testEmail, Token: testToken,
				UserAgent: testUA,
			},
			Projects: []string{"SD"},
			Overlap:  10 * time.Minute,
			Now:      func() time.Time { return srcNow },
		})
		if err != nil {
			b.Fatal(err)
		}
		want := n
		if incremental {
			if err := st.Sync(ctx, src, nil); err != nil {
				b.Fatalf("first sync: %v", err)
			}
			gen.changed.Store(true)
			want = n / 100
		}
		gen.served.Store(0)
		gen.serveNanos.Store(0)

		runtime.GC()
		stop := sampleMemory()
		b.StartTimer()
		start := time.Now()
		err = st.Sync(ctx, src, nil)
		d := time.Since(start)
		b.StopTimer()
		heap, rss := stop()
		if err != nil {
			b.Fatalf("sync: %v", err)
		}

		// The incremental sync also re-reads the overlap's few issues.
		if got := int(gen.served.Load()); got < want || got > want+want/10+50 {
			b.Fatalf("served %d issues, want about %d", got, want)
		}
		if count, err := st.Count(ctx); err != nil || count != n {
			b.Fatalf("store holds %d complaints, %v; want %d", count, err, n)
		}
		if err := st.Close(); err != nil {
			b.Fatal(err)
		}
		synced += int(gen.served.Load())
		elapsed += d
		serving += time.Duration(gen.serveNanos.Load())
		peakHeap, peakRS = max(peakHeap, heap), max(peakRS, rss)
		b.StartTimer()
	}
	b.ReportMetric(float64(synced)/elapsed.Seconds(), "issues/s")
	b.ReportMetric(float64(peakHeap)/(1<<20), "peak-heap-MiB")
	b.ReportMetric(float64(peakRS)/(1<<20), "peak-rss-MiB")
	b.ReportMetric(100*serving.Seconds()/elapsed.Seconds(), "server-%")
}

// sampleMemory samples HeapInuse and the resident set every 50 ms until
// the returned function is called, which returns their peaks in bytes.
func sampleMemory() func() (heap, rss uint64) {
	var (
		mu             sync.Mutex
		peakH, peakRSS uint64
		done           = make(chan struct{})
		finished       = make(chan struct{})
	)
	sample := func() {
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		r := residentBytes()
		mu.Lock()
		peakH, peakRSS = max(peakH, ms.HeapInuse), max(peakRSS, r)
		mu.Unlock()
	}
	go func() {
		defer close(finished)
		tick := time.NewTicker(50 * time.Millisecond)
		defer tick.Stop()
		for {
			sample()
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	}()
	return func() (uint64, uint64) {
		close(done)
		<-finished
		sample()
		mu.Lock()
		defer mu.Unlock()
		return peakH, peakRSS
	}
}

// residentBytes reads the resident set from /proc/self/statm, 0 if it
// cannot.
func residentBytes() uint64 {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0
	}
	f := bytes.Fields(b)
	if len(f) < 2 {
		return 0
	}
	pages, err := strconv.ParseUint(string(f[1]), 10, 64)
	if err != nil {
		return 0
	}
	return pages * uint64(os.Getpagesize())
}

// benchGen generates n issues SD-1..SD-n, issue i updated at
// srcBase + i·20s. Once changed is set, every hundredth issue (i % 100 ==
// 0) has been edited after all others, in index order, and the search
// honours the JQL "updated >=" bound.
type benchGen struct {
	n          int
	changed    atomic.Bool
	served     atomic.Int64 // issues served since last reset
	serveNanos atomic.Int64 // time spent building and writing pages

	bufs sync.Pool
}

const benchStep = 20 * time.Second

// updated returns issue i's update time.
func (g *benchGen) updated(i int) time.Time {
	if g.changed.Load() && i%100 == 0 {
		return srcBase.Add(time.Duration(g.n)*benchStep + time.Hour + time.Duration(i/100)*time.Second)
	}
	return srcBase.Add(time.Duration(i) * benchStep)
}

// hits returns the issue indexes matching bound in update order, or nil
// for all n in index order (the full sync, no bound).
func (g *benchGen) hits(bound time.Time) []int {
	if bound.IsZero() {
		return nil
	}
	var out []int
	lo := max(0, int((bound.Sub(srcBase)+benchStep-1)/benchStep))
	for i := lo; i < g.n; i++ { // unchanged issues at or after the bound
		if !g.changed.Load() || i%100 != 0 {
			out = append(out, i)
		}
	}
	if g.changed.Load() {
		for i := 0; i < g.n; i += 100 {
			if !g.updated(i).Before(bound) {
				out = append(out, i)
			}
		}
	}
	return out
}

func (g *benchGen) search(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	var req struct {
		JQL           string `json:"jql"`
		MaxResults    int    `json:"maxResults"`
		NextPageToken string `json:"nextPageToken"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	var bound time.Time
	if m := boundRE.FindStringSubmatch(req.JQL); m != nil {
		var err error
		if bound, err = time.Parse(jqlTimeLayout, m[1]); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
	}
	hits := g.hits(bound)
	total := g.n
	if hits != nil {
		total = len(hits)
	}
	from := 0
	if req.NextPageToken != "" {
		from, _ = strconv.Atoi(req.NextPageToken)
	}
	per := req.MaxResults
	if per <= 0 || per > 100 {
		per = 100
	}
	to := min(from+per, total)

	buf, _ := g.bufs.Get().(*bytes.Buffer)
	if buf == nil {
		buf = new(bytes.Buffer)
	}
	buf.Reset()
	buf.WriteString(`{"issues":[`)
	for p := from; p < to; p++ {
		if p > from {
			buf.WriteByte(',')
		}
		i := p
		if hits != nil {
			i = hits[p]
		}
		g.issue(buf, i)
	}
	buf.WriteString(`],"isLast":`)
	buf.WriteString(strconv.FormatBool(to >= total))
	if to < total {
		buf.WriteString(`,"nextPageToken":"`)
		buf.WriteString(strconv.Itoa(to))
		buf.WriteByte('"')
	}
	buf.WriteByte('}')
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.Write(buf.Bytes())
	g.bufs.Put(buf)
	g.served.Add(int64(to - from))
	g.serveNanos.Add(int64(time.Since(start)))
}

// issue appends issue i as Cloud enhanced search returns it with
// expand=changelog.
func (g *benchGen) issue(buf *bytes.Buffer, i int) {
	key := "SD-" + strconv.Itoa(i+1)
	created := srcBase.Add(time.Duration(i) * benchStep)
	updated := g.updated(i)
	edited := g.changed.Load() && i%100 == 0
	var ts [40]byte
	at := func(t time.Time) {
		buf.WriteByte('"')
		buf.Write(t.AppendFormat(ts[:0], "2006-01-02T15:04:05.000-0700"))
		buf.WriteByte('"')
	}
	priority := [...]string{"Highest", "High", "Medium", "Low"}[i%4]

	buf.WriteString(`{"id":"`)
	buf.WriteString(strconv.Itoa(10000 + i))
	buf.WriteString(`","key":"`)
	buf.WriteString(key)
	buf.WriteString(`","fields":{"summary":"Issue `)
	buf.WriteString(strconv.Itoa(i + 1))
	if edited {
		buf.WriteString(`, edited`)
	}
	buf.WriteString(`","created":`)
	at(created)
	buf.WriteString(`,"updated":`)
	at(updated)
	buf.WriteString(`,"resolutiondate":`)
	at(created.Add(40 * time.Minute))
	buf.WriteString(`,"status":{"id":"3","name":"Done","statusCategory":{"key":"done"}},"priority":{"name":"`)
	buf.WriteString(priority)
	buf.WriteString(`"},"reporter":{"accountId":"cust-`)
	buf.WriteString(strconv.Itoa(i % 5000))
	buf.WriteString(`","accountType":"customer"},"assignee":{"accountId":"agent-`)
	buf.WriteString(strconv.Itoa(i % 20))
	buf.WriteString(`","accountType":"atlassian"},"components":[{"name":"Billing"}],"labels":["bench"],`)
	buf.WriteString(`"comment":{"startAt":0,"maxResults":3,"total":3,"comments":[`)
	for c := range 3 {
		if c > 0 {
			buf.WriteByte(',')
		}
		buf.WriteString(`{"id":"`)
		buf.WriteString(strconv.Itoa(i*10 + c))
		buf.WriteString(`","created":`)
		at(created.Add(time.Duration(5+c) * time.Minute))
		buf.WriteString(`,"jsdPublic":true,"author":{"accountId":"agent-`)
		buf.WriteString(strconv.Itoa(i % 20))
		buf.WriteString(`","accountType":"atlassian"}}`)
	}
	buf.WriteString(`]}},"changelog":{"startAt":0,"maxResults":4,"total":4,"histories":[`)
	steps := [...][3]string{
		{"Open", "In Progress", "indeterminate"},
		{"In Progress", "Done", "done"},
		{"Done", "Reopened", "indeterminate"},
		{"Reopened", "Done", "done"},
	}
	for h, s := range steps {
		if h > 0 {
			buf.WriteByte(',')
		}
		buf.WriteString(`{"id":"`)
		buf.WriteString(strconv.Itoa(i*10 + h))
		buf.WriteString(`","created":`)
		at(created.Add(time.Duration(10*(h+1)) * time.Minute))
		buf.WriteString(`,"author":{"accountId":"agent-`)
		buf.WriteString(strconv.Itoa(i % 20))
		buf.WriteString(`","accountType":"atlassian"},"items":[{"field":"status","fieldId":"status","fromString":"`)
		buf.WriteString(s[0])
		buf.WriteString(`","toString":"`)
		buf.WriteString(s[1])
		buf.WriteString(`","from":"`)
		buf.WriteString(s[0])
		buf.WriteString(`","to":"`)
		buf.WriteString(s[1])
		buf.WriteString(`","toStatusCategory":"`)
		buf.WriteString(s[2])
		buf.WriteString(`"}]}`)
	}
	buf.WriteString(`]}}`)
}
