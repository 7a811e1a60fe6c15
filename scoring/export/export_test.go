package export

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kpidesk/kpidesk/connectors"
	"github.com/kpidesk/kpidesk/scoring"
)

func TestParseFormat(t *testing.T) {
	for in, want := range map[string]Format{"csv": CSV, "parquet": Parquet, "Parquet": Parquet, "CSV": CSV} {
		if got, err := ParseFormat(in); err != nil || got != want {
			t.Errorf("ParseFormat(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "xlsx", "parq"} {
		if _, err := ParseFormat(in); err == nil || !strings.Contains(err.Error(), "want csv or parquet") {
			t.Errorf("ParseFormat(%q) = %v, want an error naming the formats", in, err)
		}
	}
}

// stream makes n complaints alternating between March and April 2026 and
// their evidence lines, in ID order.
func stream(t *testing.T, n int) ([]connectors.Complaint, []byte) {
	t.Helper()
	var cs []connectors.Complaint
	var ev bytes.Buffer
	enc := json.NewEncoder(&ev)
	for i := range n {
		month, created := "2026-03", time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
		if i%2 == 1 {
			month, created = "2026-04", time.Date(2026, 4, 2, 10, 0, 0, 0, time.UTC)
		}
		id := "file:" + string(rune('a'+i/26)) + string(rune('a'+i%26))
		cs = append(cs, connectors.Complaint{ID: id, Source: "file", CreatedAt: created, Team: "t"})
		e := scoring.Evidence{ID: id, Kind: "complaint", Team: "t", Periods: map[string]string{scoring.CohortCreated: month},
			Outcomes: map[string]scoring.Outcome{"response_rate": {Result: scoring.Hit}}}
		if err := enc.Encode(&e); err != nil {
			t.Fatal(err)
		}
	}
	return cs, ev.Bytes()
}

func feed(cs []connectors.Complaint) Each {
	return func(ctx context.Context, fn func([]connectors.Complaint) error) error {
		for run := range slices.Chunk(cs, 3) {
			if err := fn(run); err != nil {
				return err
			}
		}
		return nil
	}
}

var testMetrics = []scoring.Info{{ID: "response_rate", Value: scoring.ValueRate, Cohort: scoring.CohortCreated}}

// TestEvictedPartitionGoesOn: with one file open at a time, months that
// alternate close and reopen their partition in a new part file, and every
// row is in one of them.
func TestEvictedPartitionGoesOn(t *testing.T) {
	for _, format := range Formats {
		t.Run(string(format), func(t *testing.T) {
			dir := t.TempDir()
			cs, ev := stream(t, 6)
			w, err := New(dir, Options{Format: format, Metrics: testMetrics, AsOf: time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC), MaxOpen: 1})
			if err != nil {
				t.Fatal(err)
			}
			if err := w.Complaints(context.Background(), bytes.NewReader(ev), feed(cs)); err != nil {
				t.Fatal(err)
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			files, _ := filepath.Glob(filepath.Join(dir, "complaints", "month=2026-03", "part-*"))
			if len(files) != 3 {
				t.Errorf("month=2026-03 has %d part files, want 3 (one per reopening): %v", len(files), files)
			}
			if format == CSV {
				rows := 0
				for _, f := range files {
					b, _ := os.ReadFile(f)
					recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
					if err != nil {
						t.Fatal(err)
					}
					rows += len(recs) - 1
				}
				if rows != 3 {
					t.Errorf("month=2026-03 holds %d rows, want 3", rows)
				}
			}
			if w.Months["2026-03"] != 3 || w.Months["2026-04"] != 3 {
				t.Errorf("Months = %v, want 3 and 3", w.Months)
			}
		})
	}
}

// TestStoreChangedSinceScoring: a complaint the evidence does not have, or
// evidence of a complaint the store lost, is an error, not a silent gap.
func TestStoreChangedSinceScoring(t *testing.T) {
	asOf := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	cs, ev := stream(t, 4)
	for name, tc := range map[string]struct {
		cs   []connectors.Complaint
		want string
	}{
		"a complaint added":   {append(slices.Clone(cs), connectors.Complaint{ID: "file:zz", CreatedAt: cs[0].CreatedAt}), "file:zz has no evidence line"},
		"a complaint gone":    {cs[:3], "has no complaint in the store"},
		"another complaint":   {append(slices.Clone(cs[:1]), append([]connectors.Complaint{{ID: "file:ab0", CreatedAt: cs[0].CreatedAt}}, cs[1:]...)...), "is not the evidence's"},
		"created after as_of": {append(slices.Clone(cs), connectors.Complaint{ID: "file:zz", CreatedAt: asOf.Add(time.Hour)}), ""},
	} {
		t.Run(name, func(t *testing.T) {
			w, err := New(t.TempDir(), Options{Format: CSV, Metrics: testMetrics, AsOf: asOf})
			if err != nil {
				t.Fatal(err)
			}
			defer w.Abort()
			err = w.Complaints(context.Background(), bytes.NewReader(ev), feed(tc.cs))
			if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
				t.Errorf("Complaints = %v, want %q", err, tc.want)
			}
		})
	}
}

// TestColumnsDocumented: docs/export.md has a row for every column.
func TestColumnsDocumented(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "docs", "export.md"))
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	cols := append(slices.Clone(complaintFields), unitColumns...)
	for _, suffix := range []string{resultSuffix, valueSuffix, reasonSuffix} {
		cols = append(cols, column{name: "METRIC" + suffix})
	}
	for _, c := range cols {
		if !strings.Contains(doc, "| `"+c.name+"` |") {
			t.Errorf("docs/export.md has no row for the column %s", c.name)
		}
	}
}
