package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/kpidesk/kpidesk/connectors"
	"github.com/kpidesk/kpidesk/connectors/demo"
	"github.com/kpidesk/kpidesk/connectors/file"
)

// BenchmarkDemo runs `kpidesk demo` at the default size (60,000
// complaints): generate, store, score, build the site. Target: under 10 s.
//
//	go test ./cmd/kpidesk -run '^$' -bench Demo -benchtime 1x
func BenchmarkDemo(b *testing.B) {
	for i := 0; i < b.N; i++ {
		dir := filepath.Join(b.TempDir(), "demo")
		var errb bytes.Buffer
		if code := run(context.Background(), []string{"demo", "--out", dir, "-q"}, io.Discard, &errb); code != 0 {
			b.Fatalf("demo exited %d: %s", code, errb.String())
		}
	}
}

// BenchmarkImport runs `kpidesk import` on a JSONL file of 60,000 demo
// complaints with their events, into a new store. Target: at least 50,000
// complaints/s.
//
//	go test ./cmd/kpidesk -run '^$' -bench Import -benchtime 3x
func BenchmarkImport(b *testing.B) {
	const n = 60000
	src := filepath.Join(b.TempDir(), "complaints.jsonl")
	f, err := os.Create(src)
	if err != nil {
		b.Fatal(err)
	}
	err = demo.New(demo.Options{Size: n}).Fetch(context.Background(), "", func(batch connectors.Batch) error {
		return file.EncodeJSONL(f, batch.Complaints)
	})
	if err != nil {
		b.Fatal(err)
	}
	f.Close()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		db := filepath.Join(b.TempDir(), "kpidesk.db")
		var errb bytes.Buffer
		if code := run(context.Background(), []string{"import", src, "--store", db, "-q"}, io.Discard, &errb); code != 0 {
			b.Fatalf("import exited %d: %s", code, errb.String())
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "complaints/s")
}
