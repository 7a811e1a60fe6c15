package scoring

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// evidenceLines are lines decodeEvidence must read as json.Unmarshal
// does: the form EvidenceWriter writes, and forms it must leave to
// json.Unmarshal.
var evidenceLines = []string{
	`{"agent":"li.na","category":"refund","channel":"email","created":"2024-12-31T16:26:13Z","department":"billing","id":"demo:000000","key":"DEMO-0","kind":"complaint","outcomes":{"backlog":{"excluded":"never open at a month end"},"complaint_rate":"hit","csat":100,"first_response_time":8351.25,"volume":"counted"},"periods":{"created":"2025-01","resolved":"2025-01","snapshot":"2025-01..2025-03"},"priority":"high","resolved":"2025-01-03T02:30:56Z","team":"billing-refund","title":"订单 1001 退款迟迟未到账","url":"https://helpdesk.example.com/browse/DEMO-0"}` + "\n",
	` { "id" : "a" , "kind":"complaint", "outcomes" : { } , "periods" : {} } ` + "\r\n",
	`{"id":"a","outcomes":{"x":-0.5e+3,"y":0,"z":1E2}}`,
	`{}`,
	// Left to json.Unmarshal, which must still decode them.
	`{"id":"a\"b","title":"line\nbreak \u00e9"}`,
	`{"ID":"upper","Agent":"case"}`,
	`{"id":"a","extra":[1,2,{"k":null}]}`,
	`{"id":"a","id":"b"}`,
	`{"id":"a","outcomes":null,"periods":null,"agent":null}`,
	`{"id":"a","outcomes":{"m":"hit","m":"miss"}}`,
	`{"id":"a","outcomes":{"m":{"miss":"a \"quoted\" reason"}}}`,
	`{"id":"a","title":"bad utf8 ` + "\xff\xfe" + `"}`,
	`{"id":"a","created":"2025-01-01T00:00:00+08:00"}`,
	// Errors, which must be json.Unmarshal's.
	`{"id":"a","outcomes":{"m":01}}`,
	`{"id":"a","outcomes":{"m":0x10}}`,
	`{"id":"a","outcomes":{"m":1.}}`,
	`{"id":"a","outcomes":{"m":{"a":"b","c":"d"}}}`,
	`{"id":"a","outcomes":{"m":true}}`,
	`{"id":"a","created":"yesterday"}`,
	`{"id":"a",}`,
	`{"id":"a"} trailing`,
	`{"id":"a"`,
	`{"id":"a","title":"tab	inside"}`,
	`[]`,
}

// TestDecodeEvidence: decodeEvidence gives what json.Unmarshal gives,
// value and error.
func TestDecodeEvidence(t *testing.T) {
	for _, line := range evidenceLines {
		checkDecodeEvidence(t, []byte(line))
	}
}

func checkDecodeEvidence(t *testing.T, line []byte) {
	t.Helper()
	var want, got Evidence
	wantErr := json.Unmarshal(line, &want)
	gotErr := decodeEvidence(line, &got, newInterner())
	if (gotErr == nil) != (wantErr == nil) || gotErr != nil && gotErr.Error() != wantErr.Error() {
		t.Errorf("decodeEvidence(%q) error = %v, want %v", line, gotErr, wantErr)
		return
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("decodeEvidence(%q) (-json.Unmarshal +decodeEvidence):\n%s", line, diff)
	}
}

// TestDecodeEvidenceShared: lines read through one interner, as a
// decoding goroutine reads them, twice over (the second time from its
// shared strings and reasons), give what json.Unmarshal gives.
func TestDecodeEvidenceShared(t *testing.T) {
	in := newInterner()
	for round := range 2 {
		for _, line := range evidenceLines {
			var want, got Evidence
			if json.Unmarshal([]byte(line), &want) != nil {
				continue
			}
			if err := decodeEvidence([]byte(line), &got, in); err != nil {
				t.Fatalf("round %d: decodeEvidence(%q) = %v", round, line, err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("round %d: decodeEvidence(%q) (-json.Unmarshal +decodeEvidence):\n%s", round, line, diff)
			}
		}
	}
	if len(in.reasons) == 0 {
		t.Error("no reason was shared: the lines' reasons were not read through the interner")
	}
}

// TestDecodeEvidenceFast: the form EvidenceWriter writes is read without
// json.Unmarshal.
func TestDecodeEvidenceFast(t *testing.T) {
	for _, line := range evidenceLines[:4] {
		var e Evidence
		if !(&evidenceScanner{b: []byte(line), in: newInterner()}).evidence(&e) {
			t.Errorf("evidenceScanner.evidence(%q) = false, want true", line)
		}
	}
}

func FuzzDecodeEvidence(f *testing.F) {
	for _, line := range evidenceLines {
		f.Add([]byte(line))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		checkDecodeEvidence(t, line)
	})
}

// BenchmarkReadEvidence decodes testdata's evidence, repeated to 60,000
// lines, as a site build reads it.
func BenchmarkReadEvidence(b *testing.B) {
	small, err := os.ReadFile("testdata/small.evidence.jsonl")
	if err != nil {
		b.Fatal(err)
	}
	lines := strings.Count(string(small), "\n")
	in := bytes.Repeat(small, 60000/lines)
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		if err := ReadEvidence(bytes.NewReader(in), func(*Evidence) error { return nil }); err != nil {
			b.Fatal(err)
		}
	}
}

// TestReadEvidenceKeepsLines: fn may keep each line, as the site's
// evidence pass does to hand it to other goroutines: no line is reused.
func TestReadEvidenceKeepsLines(t *testing.T) {
	var b strings.Builder
	const n = 3000 // several batches
	for i := range n {
		fmt.Fprintf(&b, `{"id":"c%d","kind":"complaint","outcomes":{"volume":"counted"},"periods":{"created":"2025-01"}}`+"\n", i)
	}
	var kept []*Evidence
	if err := ReadEvidence(strings.NewReader(b.String()), func(e *Evidence) error {
		kept = append(kept, e)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(kept) != n {
		t.Fatalf("read %d lines, want %d", len(kept), n)
	}
	for i, e := range kept {
		if want := fmt.Sprintf("c%d", i); e.ID != want {
			t.Fatalf("line %d kept as %q, want %q", i+1, e.ID, want)
		}
	}
}
