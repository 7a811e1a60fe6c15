package file

import (
	"bufio"
	"encoding/csv"
	"errors"
	"io"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kpidesk/kpidesk/connectors"
)

// hugeCell is a cell just past the record limit.
var hugeCell = strings.Repeat("x", maxLine+1)

func TestCSVRecordLimits(t *testing.T) {
	const header = "id,created_at,title\n"
	tests := []struct {
		name    string
		in      string
		ok      []string // ids imported
		read    int
		probs   []string
		unclose bool
	}{
		{
			name: "unquoted cell past the limit",
			in:   header + "A,2026-03-02T00:00:00Z," + hugeCell + "\nB,2026-03-02T00:00:00Z,ok\n",
			ok:   []string{"B"}, read: 2,
			probs: []string{"in.csv:2: (line): record longer than 32 MiB"},
		},
		{
			// The quoted cell spans lines 3-5: the next record is on line 6.
			name: "quoted multi-line cell past the limit",
			in: header + "A,2026-03-02T00:00:00Z,ok\n" + `B,2026-03-02T00:00:00Z,"a` + "\n\n" + hugeCell + "\"\n" +
				"C,2026-03-02T00:00:00Z,x\"y\nD,2026-03-02T00:00:00Z,ok",
			ok: []string{"A", "D"}, read: 4,
			probs: []string{
				"in.csv:3: (line): record longer than 32 MiB",
				`in.csv:6: (line): invalid CSV: bare " in non-quoted-field (column 25)`,
			},
		},
		{
			name:  "a quote left open",
			in:    header + "A,2026-03-02T00:00:00Z,\"" + hugeCell,
			read:  1,
			probs: []string{"in.csv:2: (line): record longer than 32 MiB (is a quote left open?)"},
		},
		{
			name: "too many cells",
			in:   header + "A,2026-03-02T00:00:00Z,ok" + strings.Repeat(",", maxCells) + "\nB,2026-03-02T00:00:00Z,ok\n",
			ok:   []string{"B"}, read: 2,
			probs: []string{"in.csv:2: (line): more than 1024 cells"},
		},
		{
			name:  "header past the limit",
			in:    "id,created_at," + hugeCell + "\nB,2026-03-02T00:00:00Z,ok\n",
			probs: []string{"in.csv:1: (header): record longer than 32 MiB"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, res := decodeAll(t, "in.csv", tc.in, Options{})
			var ids []string
			for _, c := range got {
				ids = append(ids, c.Key)
			}
			if diff := cmp.Diff(tc.ok, ids); diff != "" {
				t.Errorf("imported ids mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.probs, problemTexts(res.Problems)); diff != "" {
				t.Errorf("problems mismatch (-want +got):\n%s", diff)
			}
			if res.Read != tc.read {
				t.Errorf("Read = %d, want %d", res.Read, tc.read)
			}
		})
	}
}

// TestCSVRecordMemory decodes a CSV whose one cell is 256 MiB: the record
// is refused without being read into memory, so Decode allocates a few
// times the record limit (encoding/csv's buffers grow up to it), however
// long the cell. Reading it whole took some 1.5 GiB.
func TestCSVRecordMemory(t *testing.T) {
	const size = 256 << 20
	r := io.MultiReader(strings.NewReader("id,created_at,title\nA,2026-03-02T00:00:00Z,\""),
		&repeatReader{b: 'x', n: size}, strings.NewReader("\"\nB,2026-03-02T00:00:00Z,ok\n"))
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	n := 0
	res, err := Decode(r, "in.csv", Options{}, func(*connectors.Complaint) error { n++; return nil })
	runtime.ReadMemStats(&after)
	if err != nil || n != 1 || len(res.Problems) != 1 {
		t.Fatalf("Decode: %d complaints, problems %q, err %v; want 1, 1, nil", n, problemTexts(res.Problems), err)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 10*maxLine {
		t.Errorf("Decode allocated %d MiB for a %d MiB cell, want at most %d MiB", alloc>>20, size>>20, 10*maxLine>>20)
	}
}

// repeatReader reads n copies of b.
type repeatReader struct {
	b byte
	n int
}

func (r *repeatReader) Read(p []byte) (int, error) {
	if r.n == 0 {
		return 0, io.EOF
	}
	k := min(len(p), r.n)
	for i := range p[:k] {
		p[i] = r.b
	}
	r.n -= k
	return k, nil
}

// TestCSVLimitFollowsEncodingCSV checks that csvLimit finds records where
// encoding/csv does, on random text of commas, quotes, line feeds and
// letters: each record (or record error) encoding/csv reports starts on a
// line where csvLimit saw a record start.
func TestCSVLimitFollowsEncodingCSV(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []string{"a", "b", ",", `"`, "\n", `""`, "\r\n"}
	for i := 0; i < 5000; i++ {
		var sb strings.Builder
		for n := rng.IntN(40); n > 0; n-- {
			sb.WriteString(alphabet[rng.IntN(len(alphabet))])
		}
		in := sb.String()

		var want []int
		cr := csv.NewReader(strings.NewReader(in))
		cr.FieldsPerRecord = -1
		for {
			_, err := cr.Read()
			if err == io.EOF {
				break
			}
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				want = append(want, pe.StartLine)
				continue
			}
			line, _ := cr.FieldPos(0)
			want = append(want, line)
		}

		lim := &csvLimit{r: bufio.NewReader(strings.NewReader(in)), maxBytes: 1 << 20, maxCells: 1 << 20}
		starts := map[int]bool{}
		for j := 0; j < len(in); j++ {
			prev := lim.st
			lim.advance([]byte{in[j]}, false)
			if prev == csvStart && lim.st != csvStart || prev == csvStart && in[j] != '\n' {
				starts[lim.recLine] = true
			}
		}
		for _, l := range want {
			if !starts[l] {
				t.Fatalf("input %q: encoding/csv has a record on line %d, csvLimit starts records on %v", in, l, starts)
			}
		}
	}
}
