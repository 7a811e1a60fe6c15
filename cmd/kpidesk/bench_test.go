package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/kpidesk/kpidesk/config"
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
	cpu := cpuTime()
	for i := 0; i < b.N; i++ {
		db := filepath.Join(b.TempDir(), "kpidesk.db")
		var errb bytes.Buffer
		if code := run(context.Background(), []string{"import", src, "--store", db, "-q"}, io.Discard, &errb); code != 0 {
			b.Fatalf("import exited %d: %s", code, errb.String())
		}
	}
	cpu = cpuTime() - cpu
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "complaints/s")
	// CPU time (all threads) is steadier than wall time on a shared
	// machine, which wall time charges for other processes' work.
	b.ReportMetric(float64(n*b.N)/cpu.Seconds(), "complaints/cpu-s")
}

// cpuTime is the CPU time (user and system) this process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkScoreStore runs `kpidesk score` as its own process on a demo
// store of 10k, 100k and 1M complaints (18 months, 61 agents), reading the
// store, scoring and writing scores.json, scores.csv and evidence.jsonl.
// It reports the child's peak resident memory. Targets at 1M: under 5 s and
// under 1.5 GiB.
//
//	go test ./cmd/kpidesk -run '^$' -bench ScoreStore -benchtime 1x -timeout 30m
func BenchmarkScoreStore(b *testing.B) {
	bin := buildKpidesk(b)
	for _, n := range []int{10_000, 100_000, 1_000_000} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			// No site: at a million its drill-down would dominate.
			dir := b.TempDir()
			cfg, db := benchStore(b, dir, n)
			b.ResetTimer()
			var maxRSS int64
			for i := 0; i < b.N; i++ {
				maxRSS = max(maxRSS, runMeasured(b, bin, "score", "--config", cfg, "--store", db, "--out", filepath.Join(dir, "out"), "-q"))
			}
			b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "complaints/s")
			b.ReportMetric(float64(maxRSS)/1024, "peak-RSS-MiB")
		})
	}
}

// buildKpidesk builds the command into a temporary folder, for benchmarks
// that measure it as its own process.
func buildKpidesk(b *testing.B) string {
	b.Helper()
	bin := filepath.Join(b.TempDir(), "kpidesk")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// benchStore writes into dir the built-in config with a demo source of n
// complaints and syncs it into a store; it returns the two paths.
func benchStore(b *testing.B, dir string, n int) (cfg, db string) {
	b.Helper()
	db = filepath.Join(dir, "kpidesk.db")
	cfg = filepath.Join(dir, "kpidesk.yaml")
	text := strings.Replace(string(config.DefaultYAML()), "size: 60000", "size: "+strconv.Itoa(n), 1)
	if err := os.WriteFile(cfg, []byte(text), 0o644); err != nil {
		b.Fatal(err)
	}
	var errb bytes.Buffer
	if code := run(context.Background(), []string{"sync", "--config", cfg, "--store", db, "-q"}, io.Discard, &errb); code != 0 {
		b.Fatalf("sync: %s", errb.String())
	}
	// The sync leaves up to a gigabyte for the kernel to write back;
	// flushed here, it is not measured as the command's.
	syscall.Sync()
	return cfg, db
}

// runMeasured runs the built command with args and returns its peak
// resident memory in KiB.
func runMeasured(b *testing.B, bin string, args ...string) int64 {
	b.Helper()
	cmd := exec.Command(bin, args...)
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("%s: %v\n%s", args[0], err, out)
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		return ru.Maxrss // KiB on Linux
	}
	return 0
}
