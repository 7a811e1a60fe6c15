package file

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kpidesk/kpidesk/connectors"
)

// benchJSONL is 10,000 generated complaints, ~6 events each, as JSONL.
func benchJSONL(b *testing.B) ([]byte, int) {
	cs := genComplaints(10_000, 1)
	var buf bytes.Buffer
	if err := EncodeJSONL(&buf, cs); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes(), len(cs)
}

// BenchmarkDecodeJSONL measures the import target (SPEC §12): at least
// 50,000 complaints/s with about six events each. complaints/s is wall
// time, which counts whatever else runs on the machine; complaints/cpu-s
// divides by the CPU time the process used (decoding and GC) instead.
func BenchmarkDecodeJSONL(b *testing.B) {
	data, n := benchJSONL(b)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	cpu0 := cpuTime()
	for b.Loop() {
		res, err := Decode(bytes.NewReader(data), "bench.jsonl", Options{}, func(*connectors.Complaint) error { return nil })
		if err != nil || res.OK != n {
			b.Fatalf("Decode: OK = %d, err = %v, problems %q", res.OK, err, problemTexts(res.Problems))
		}
	}
	reportRate(b, n, cpu0)
}

// reportRate reports complaints per second of wall time and of CPU time
// since cpu0.
func reportRate(b *testing.B, n int, cpu0 time.Duration) {
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "complaints/s")
	if cpu := cpuTime() - cpu0; cpu > 0 {
		b.ReportMetric(float64(n)*float64(b.N)/cpu.Seconds(), "complaints/cpu-s")
	}
}

func BenchmarkDecodeCSV(b *testing.B) {
	cs := genComplaints(10_000, 1)
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Write([]string{"id", "created_at", "first_response_at", "resolved_at", "reopens", "agent_replies", "priority", "channel", "category", "customer", "assignee", "team", "title"})
	opt := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.Format(time.RFC3339Nano)
	}
	for _, c := range cs {
		w.Write([]string{c.Key, opt(c.CreatedAt), opt(c.FirstResponseAt), opt(c.ResolvedAt), strconv.Itoa(c.Reopens),
			strconv.Itoa(c.AgentReplies), c.Priority, c.Channel, c.Category, c.Customer, c.Assignee, c.Team, c.Title})
	}
	w.Flush()
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	cpu0 := cpuTime()
	for b.Loop() {
		res, err := Decode(bytes.NewReader(data), "bench.csv", Options{}, func(*connectors.Complaint) error { return nil })
		if err != nil || res.OK != len(cs) {
			b.Fatalf("Decode: OK = %d, err = %v, problems %q", res.OK, err, problemTexts(res.Problems))
		}
	}
	reportRate(b, len(cs), cpu0)
}

func BenchmarkEncodeJSONL(b *testing.B) {
	cs := genComplaints(10_000, 1)
	b.ReportAllocs()
	cpu0 := cpuTime()
	for b.Loop() {
		var buf bytes.Buffer
		if err := EncodeJSONL(&buf, cs); err != nil {
			b.Fatal(err)
		}
	}
	reportRate(b, len(cs), cpu0)
}

// csvRows generates a CSV of n complaints on the fly, about 160 bytes a
// line, so that a benchmark reads a large file without holding it.
type csvRows struct {
	n, i int
	buf  []byte
}

func (r *csvRows) Read(p []byte) (int, error) {
	for len(r.buf) == 0 {
		if r.i > r.n {
			return 0, io.EOF
		}
		if r.i == 0 {
			r.buf = append(r.buf, "id,created_at,resolved_at,priority,channel,team,assignee,customer,title\n"...)
		} else {
			r.buf = fmt.Appendf(r.buf, "C-%d,2026-03-02T09:%02d:00Z,2026-03-03T09:00:00Z,high,email,team-%d,agent-%d,cust-%d,Complaint about order %d with some filler text\n",
				r.i, r.i%60, r.i%7, r.i%61, r.i%5000, r.i)
		}
		r.i++
	}
	k := copy(p, r.buf)
	r.buf = r.buf[k:]
	if len(r.buf) == 0 {
		r.buf = r.buf[:0:0]
	}
	return k, nil
}

// BenchmarkDecodeCSVLarge decodes generated CSV files of 160 MB and 1.6 GB
// (1 and 10 million complaints), and one whose single cell is 1 GiB, and
// reports the peak of the live heap (peak-heap-MiB, sampled every 5 ms):
// it must stay flat as the file grows. What grows is the duplicate-id
// check, 8 bytes of hash and 8 of line number per complaint (plus the map's
// overhead).
//
//	go test ./connectors/file -run '^$' -bench DecodeCSVLarge -benchtime 1x -count 5
func BenchmarkDecodeCSVLarge(b *testing.B) {
	cases := []struct {
		name string
		ok   int
		file func() io.Reader
	}{
		{"rows=1M", 1_000_000, func() io.Reader { return &csvRows{n: 1_000_000} }},
		{"rows=10M", 10_000_000, func() io.Reader { return &csvRows{n: 10_000_000} }},
		{"cell=1GiB", 1, func() io.Reader {
			return io.MultiReader(strings.NewReader("id,created_at,title\nA,2026-03-02T00:00:00Z,\""),
				&repeatReader{b: 'x', n: 1 << 30}, strings.NewReader("\"\nB,2026-03-02T00:00:00Z,ok\n"))
		}},
	}
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			var peak uint64
			for b.Loop() {
				runtime.GC()
				stop := make(chan struct{})
				done := make(chan uint64)
				go func() { done <- peakHeap(stop) }()
				res, err := Decode(tc.file(), "bench.csv", Options{}, func(*connectors.Complaint) error { return nil })
				close(stop)
				peak = max(peak, <-done)
				if err != nil || res.OK != tc.ok {
					b.Fatalf("Decode: OK = %d, err = %v, problems %q", res.OK, err, problemTexts(res.Problems))
				}
			}
			b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
		})
	}
}

// peakHeap samples the bytes of live and not yet swept heap objects until
// stop is closed, and returns the largest sample.
func peakHeap(stop <-chan struct{}) uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	var peak uint64
	t := time.NewTicker(5 * time.Millisecond)
	defer t.Stop()
	for {
		metrics.Read(s)
		peak = max(peak, s[0].Value.Uint64())
		select {
		case <-stop:
			return peak
		case <-t.C:
		}
	}
}
