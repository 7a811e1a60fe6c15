package file

import (
	"bytes"
	"encoding/csv"
	"strconv"
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
