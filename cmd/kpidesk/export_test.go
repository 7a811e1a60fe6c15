package main

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/parquet-go/parquet-go"

	"github.com/kpidesk/kpidesk/config"
	"github.com/kpidesk/kpidesk/scoring"
)

// exportRow is one row of an exported table, every value as the CSV export
// writes it ("" for null).
type exportRow map[string]string

// exportTable reads every part file of one table of an export: the rows
// of each partition by its value (month=2026-03 → "2026-03"), in file
// order.
func exportTable(t *testing.T, dir, table, format string) map[string][]exportRow {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, table, "*", "part-*."+format))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatalf("%s: no %s files in %s", dir, format, table)
	}
	out := map[string][]exportRow{}
	for _, f := range files {
		_, part, ok := strings.Cut(filepath.Base(filepath.Dir(f)), "=")
		if !ok {
			t.Fatalf("%s: the partition folder is not KEY=VALUE", f)
		}
		if format == "parquet" {
			out[part] = append(out[part], readParquet(t, f)...)
		} else {
			out[part] = append(out[part], readCSV(t, f)...)
		}
	}
	return out
}

// timeColumns are the columns of an instant: Parquet stores unix
// milliseconds (TIMESTAMP, UTC), CSV RFC 3339 in UTC.
var timeColumns = map[string]bool{"created_at": true, "first_response_at": true, "resolved_at": true, "period_start": true, "period_end": true}

// readParquet reads a Parquet file back with parquet-go, each value
// formatted as the CSV export formats it, text through the same guard, so
// that the two formats' rows compare equal.
func readParquet(t *testing.T, path string) []exportRow {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	pf, err := parquet.OpenFile(f, fi.Size())
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	cols := pf.Schema().Columns()
	r := parquet.NewReader(pf)
	defer r.Close()
	var out []exportRow
	buf := make([]parquet.Row, 128)
	for {
		n, err := r.ReadRows(buf)
		for _, row := range buf[:n] {
			m := exportRow{}
			for _, v := range row {
				name := cols[v.Column()][0]
				var s string
				switch {
				case v.IsNull():
				case timeColumns[name]:
					s = time.UnixMilli(v.Int64()).UTC().Format("2006-01-02T15:04:05.000Z")
				case v.Kind() == parquet.ByteArray:
					s = scoring.SafeCell(v.String())
				case v.Kind() == parquet.Double:
					s = strconv.FormatFloat(v.Double(), 'f', -1, 64)
				case v.Kind() == parquet.Int64:
					s = strconv.FormatInt(v.Int64(), 10)
				case v.Kind() == parquet.Boolean:
					s = strconv.FormatBool(v.Boolean())
				default:
					t.Fatalf("%s: column %s has a value of kind %v", path, name, v.Kind())
				}
				m[name] = s
			}
			out = append(out, m)
		}
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
	}
}

func readCSV(t *testing.T, path string) []exportRow {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	var out []exportRow
	for _, rec := range recs[1:] {
		m := exportRow{}
		for i, h := range recs[0] {
			m[h] = rec[i]
		}
		out = append(out, m)
	}
	return out
}

// sameRows reports the first difference between the Parquet export's rows
// (a) and the CSV export's (b), partition by partition, row by row. Go's
// CSV reader turns a carriage return before a line feed inside a quoted
// cell into the line feed alone, so the Parquet text is compared so too.
func sameRows(t *testing.T, a, b [2]map[string][]exportRow) {
	t.Helper()
	for i, table := range []string{"complaints", "unit_metrics"} {
		if len(a[i]) != len(b[i]) {
			t.Errorf("%s: %d partitions in Parquet, %d in CSV", table, len(a[i]), len(b[i]))
		}
		for part, rows := range a[i] {
			other := b[i][part]
			if len(rows) != len(other) {
				t.Errorf("%s=%s: %d rows in Parquet, %d in CSV", table, part, len(rows), len(other))
				continue
			}
			for j, r := range rows {
				if len(r) != len(other[j]) {
					t.Errorf("%s=%s row %d: %d columns in Parquet, %d in CSV", table, part, j, len(r), len(other[j]))
				}
				for c, v := range r {
					if w, ok := other[j][c]; !ok || strings.ReplaceAll(v, "\r\n", "\n") != w {
						t.Errorf("%s=%s row %d (%s) column %s: Parquet %q, CSV %q", table, part, j, r["id"], c, v, w)
						return
					}
				}
			}
		}
	}
}

// readScores reads an export's scores.json.
func readScores(t *testing.T, dir string) *scoring.Scores {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "scores.json"))
	if err != nil {
		t.Fatal(err)
	}
	s, err := scoring.ReadJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func fnum(p *float64) string {
	if p == nil {
		return ""
	}
	return strconv.FormatFloat(*p, 'f', -1, 64)
}

// TestExportMatchesScores exports a demo (with its appeals and inputs) as
// Parquet and as CSV, reads both back and checks them against the
// scores.json of the same run: the two formats hold the same rows; the
// complaints per month are scores.json's contacts per month; every unit
// row is its scorecard metric; and the numerator and denominator of every
// monthly result of every unit, for each metric judged per complaint,
// follow from the complaint rows by grouping alone.
func TestExportMatchesScores(t *testing.T) {
	dir := runDemo(t, "3000")
	cfgPath, db := filepath.Join(dir, "kpidesk.yaml"), filepath.Join(dir, "kpidesk.db")
	cfg, err := config.Load(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	eng, err := scoring.NewEngine(cfg)
	if err != nil {
		t.Fatal(err)
	}
	tables := map[string][2]map[string][]exportRow{}
	var s *scoring.Scores
	var scoresJSON []byte
	for _, format := range []string{"parquet", "csv"} {
		out := filepath.Join(t.TempDir(), "bi")
		code, stdout, stderr := kpidesk(t, "export", "--config", cfgPath, "--store", db, "--format", format, "--out", out, "-q")
		if code != exitOK {
			t.Fatalf("export --format %s exited %d: %s", format, code, stderr)
		}
		if want := filepath.Join(out, "complaints") + "\n" + filepath.Join(out, "unit_metrics") + "\n"; stdout != want {
			t.Errorf("export --format %s printed %q, want %q", format, stdout, want)
		}
		b, err := os.ReadFile(filepath.Join(out, "scores.json"))
		if err != nil {
			t.Fatal(err)
		}
		if s == nil {
			s = readScores(t, out)
			scoresJSON = b
		} else if !bytes.Equal(scoresJSON, b) {
			t.Fatal("the two exports' scores.json differ")
		}
		tables[format] = [2]map[string][]exportRow{exportTable(t, out, "complaints", format), exportTable(t, out, "unit_metrics", format)}
	}
	sameRows(t, tables["parquet"], tables["csv"])
	complaints, units := tables["parquet"][0], tables["parquet"][1]

	// Complaints per month: every contact of scores.json's kinds, in the
	// partition of its month of creation.
	wantMonths := map[string]int{}
	for month, kinds := range s.Kinds {
		for _, n := range kinds {
			wantMonths[month] += n
		}
	}
	gotMonths := map[string]int{}
	for month, rows := range complaints {
		gotMonths[month] = len(rows)
		for _, r := range rows {
			if r["month"] != month {
				t.Fatalf("complaint %s of month %s is in the partition month=%s", r["id"], r["month"], month)
			}
		}
	}
	if diff := cmp.Diff(wantMonths, gotMonths); diff != "" {
		t.Errorf("complaints per month (-scores.json +export):\n%s", diff)
	}

	// Every unit row is scores.json's, and scores.json has no other.
	type key struct{ scorecard, unit, period, metric string }
	gotUnits := map[key]exportRow{}
	for period, rows := range units {
		for _, r := range rows {
			if r["period"] != period {
				t.Fatalf("a row of period %s is in the partition period=%s", r["period"], period)
			}
			k := key{r["scorecard"], r["unit_kind"] + ":" + r["unit_id"], period, r["metric"]}
			if _, dup := gotUnits[k]; dup {
				t.Fatalf("two unit rows for %v", k)
			}
			gotUnits[k] = r
		}
	}
	periodKind := map[string]string{}
	for _, p := range s.Periods {
		periodKind[p.ID] = p.Kind
	}
	rows := 0
	for _, sc := range s.Scorecards {
		for id, m := range sc.Metrics {
			rows++
			r, ok := gotUnits[key{sc.Scorecard, sc.Unit.Key(), sc.Period, id}]
			if !ok {
				t.Fatalf("no unit row for %s %s %s %s", sc.Scorecard, sc.Unit.Key(), sc.Period, id)
			}
			iv := m.ValueInterval()
			var lo, hi string
			if iv != nil {
				lo, hi = strconv.FormatFloat(iv[0], 'f', -1, 64), strconv.FormatFloat(iv[1], 'f', -1, 64)
			}
			want := exportRow{"value": fnum(m.Value), "numerator": strconv.FormatFloat(m.Numerator, 'f', -1, 64),
				"denominator": strconv.FormatFloat(m.Denominator, 'f', -1, 64), "points": fnum(m.Points),
				"weight": strconv.FormatFloat(m.Weight, 'f', -1, 64), "status": m.Status, "interval_low": lo, "interval_high": hi,
				"final": fnum(sc.Final), "grade": sc.Grade, "period_kind": periodKind[sc.Period], "secondary": strconv.FormatBool(sc.Secondary)}
			got := exportRow{}
			for c := range want {
				got[c] = r[c]
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Fatalf("%s %s %s %s (-scores.json +export):\n%s", sc.Scorecard, sc.Unit.Key(), sc.Period, id, diff)
			}
		}
	}
	if rows != len(gotUnits) {
		t.Errorf("the export has %d unit rows, scores.json %d scorecard metrics", len(gotUnits), rows)
	}

	// The monthly results follow from the complaint rows. Durations and
	// scores sum the values, which the evidence rounds to 6 decimals.
	type cellKey struct{ unit, month, metric string }
	type sums struct {
		hit, miss, n, snapshot int
		sum                    float64
	}
	agg := map[cellKey]*sums{}
	at := func(k cellKey) *sums {
		if agg[k] == nil {
			agg[k] = &sums{}
		}
		return agg[k]
	}
	months := slices.Sorted(func(yield func(string) bool) {
		for m := range wantMonths {
			if !yield(m) {
				return
			}
		}
	})
	infos := map[string]scoring.Info{}
	for _, info := range eng.Catalog() {
		infos[info.ID] = info
	}
	for _, rows := range complaints {
		for _, r := range rows {
			units := []string{"org:org"}
			for _, kind := range []string{"department", "team", "agent"} {
				if r[kind] != "" {
					units = append(units, kind+":"+r[kind])
				}
			}
			for id, info := range infos {
				result := r[id+"_result"]
				var month string
				switch info.Cohort {
				case scoring.CohortCreated:
					month = r["month"]
				case scoring.CohortResolved:
					month = r["resolved_month"]
				case scoring.CohortSnapshot:
					// In the backlog of each month end from first to last.
					if r["snapshot_first"] == "" || r["kind"] != "complaint" {
						continue
					}
					for _, m := range months {
						if m >= r["snapshot_first"] && m <= r["snapshot_last"] {
							for _, u := range units {
								at(cellKey{u, m, id}).snapshot++
							}
						}
					}
					continue
				default:
					continue
				}
				if month == "" {
					continue
				}
				for _, u := range units {
					c := at(cellKey{u, month, id})
					switch result {
					case "hit":
						c.hit++
						c.n++
					case "miss":
						c.miss++
						c.n++
					case "counted":
						c.n++
					case "measured":
						c.n++
						v, err := strconv.ParseFloat(r[id+"_value"], 64)
						if err != nil {
							t.Fatalf("complaint %s: %s_value %q: %v", r["id"], id, r[id+"_value"], err)
						}
						c.sum += v
					}
				}
			}
		}
	}
	checked := map[string]int{}
	for _, sc := range s.Scorecards {
		if periodKind[sc.Period] != "month" {
			continue
		}
		for id, m := range sc.Metrics {
			info := infos[id]
			if id == "complaint_rate" || info.Cohort == scoring.CohortInput {
				continue // its denominator is the business volume of an input file
			}
			c := agg[cellKey{sc.Unit.Key(), sc.Period, id}]
			if c == nil {
				c = &sums{}
			}
			var num, den float64
			tol := 0.0
			switch {
			case info.Cohort == scoring.CohortSnapshot:
				num, den = m.Numerator, float64(c.snapshot)
			case info.Value == scoring.ValueRate:
				num, den = float64(c.hit), float64(c.hit+c.miss)
			case info.Value == scoring.ValueCount:
				num, den = float64(c.n), float64(c.n)
			default:
				num, den, tol = c.sum, float64(c.n), float64(c.n)*1e-6+1e-9
			}
			if math.Abs(num-m.Numerator) > tol || den != m.Denominator {
				t.Errorf("%s %s %s %s: the complaint rows give %v / %v, scores.json %v / %v", sc.Scorecard, sc.Unit.Key(), sc.Period, id, num, den, m.Numerator, m.Denominator)
			}
			if den > 0 {
				checked[id]++
			}
		}
	}
	for id, info := range infos {
		if id != "complaint_rate" && info.Cohort != scoring.CohortInput && checked[id] == 0 {
			t.Errorf("metric %s: no monthly result with data was checked", id)
		}
	}
}

// exportFixture imports four contacts with hand-set fields and a config
// whose scorecard has the response rate: A-1 (answered in an hour) and
// A-2 (after two days) of team t1 in March, B-1 of team t2 in April
// (answered in two hours, still open), and C-1 a suggestion of t2. Titles
// and a category start like spreadsheet formulas.
func exportFixture(t *testing.T) (dir, cfg, db string) {
	t.Helper()
	dir = t.TempDir()
	files := map[string]string{
		"kpidesk.yaml": `version: 1
calendar: c
calendars: {c: {timezone: UTC, always: true}}
teams: [{id: t1, calendar: c}, {id: t2, calendar: c}]
periods: [month]
metrics: {min_sample: 1}
scorecards:
  - {id: s, units: [team, org], items: [{metric: response_rate, weight: 1, rule: {type: linear, target: 100%, floor: 0%}}]}
`,
		"c.jsonl": `{"id":"A-1","title":"=HYPERLINK(\"http://evil\",\"x\")","category":"+cmd","channel":"email","priority":"high","created_at":"2026-03-02T10:00:00Z","first_response_at":"2026-03-02T11:00:00Z","resolved_at":"2026-03-03T10:00:00Z","assignee":"ann","team":"t1"}
{"id":"A-2","title":"a;@SUM(1)","channel":"phone","created_at":"2026-03-02T10:00:00Z","first_response_at":"2026-03-04T11:00:00Z","resolved_at":"2026-03-05T10:00:00Z","assignee":"ann","team":"t1"}
{"id":"B-1","title":"-2","created_at":"2026-04-04T10:00:00Z","first_response_at":"2026-04-04T12:00:00Z","assignee":"bob","team":"t2"}
{"id":"C-1","kind":"suggestion","title":"idea","created_at":"2026-04-05T10:00:00Z","first_response_at":"2026-04-05T10:30:00Z","resolved_at":"2026-04-06T10:00:00Z","assignee":"bob","team":"t2"}
`,
	}
	cfg, db = importFiles(t, dir, files)
	return dir, cfg, db
}

// TestExportFixture checks the rows of a hand-made store against values
// worked out by hand, in both formats: the complaints' fields and outcomes
// (CSV defuses the formula-like text, Parquet keeps it as it is), and the
// response rate per team and month.
func TestExportFixture(t *testing.T) {
	dir, cfg, db := exportFixture(t)
	cols := []string{"id", "kind", "category", "channel", "priority", "status", "agent", "team", "title", "created_at", "first_response_at",
		"resolved_at", "month", "resolved_month", "response_rate_result", "response_rate_reason", "first_response_time_result", "first_response_time_value"}
	// answered in 1 h; A-2: after 49 h, past the 24 h deadline; B-1 in
	// 2 h; C-1 is a suggestion, which no metric counts. The calendar is
	// always open, so business seconds are wall seconds.
	want := map[string][]string{
		"2026-03": {
			"file:A-1|complaint|'+cmd|email|high|resolved|ann|t1|'=HYPERLINK(\"http://evil\",\"x\")|2026-03-02T10:00:00.000Z|2026-03-02T11:00:00.000Z|2026-03-03T10:00:00.000Z|2026-03|2026-03|hit||measured|3600",
			"file:A-2|complaint||phone||resolved|ann|t1|a;'@SUM(1)|2026-03-02T10:00:00.000Z|2026-03-04T11:00:00.000Z|2026-03-05T10:00:00.000Z|2026-03|2026-03|miss||measured|176400",
		},
		"2026-04": {
			"file:B-1|complaint||||open|bob|t2|-2|2026-04-04T10:00:00.000Z|2026-04-04T12:00:00.000Z||2026-04||hit||measured|7200",
			"file:C-1|suggestion||||resolved|bob|t2|idea|2026-04-05T10:00:00.000Z|2026-04-05T10:30:00.000Z|2026-04-06T10:00:00.000Z|2026-04|2026-04|excluded|kind_not_counted|excluded|",
		},
	}
	// Unit × month response rates: t1 1 of 2 in March, t2 1 of 1 in April.
	unitCols := []string{"scorecard", "unit_kind", "unit_id", "period", "period_kind", "period_start", "period_end", "metric", "value", "numerator", "denominator", "points", "weight", "status"}
	wantUnits := []string{
		"s|org|org|2026-03|month|2026-03-01T00:00:00.000Z|2026-04-01T00:00:00.000Z|response_rate|0.5|1|2|50|1|ok",
		"s|org|org|2026-04|month|2026-04-01T00:00:00.000Z|2026-05-01T00:00:00.000Z|response_rate|1|1|1|100|1|ok",
		"s|team|t1|2026-03|month|2026-03-01T00:00:00.000Z|2026-04-01T00:00:00.000Z|response_rate|0.5|1|2|50|1|ok",
		"s|team|t2|2026-04|month|2026-04-01T00:00:00.000Z|2026-05-01T00:00:00.000Z|response_rate|1|1|1|100|1|ok",
	}
	join := func(r exportRow, cols []string) string {
		vals := make([]string, len(cols))
		for i, c := range cols {
			v, ok := r[c]
			if !ok {
				t.Fatalf("no column %s", c)
			}
			vals[i] = v
		}
		return strings.Join(vals, "|")
	}
	for _, format := range []string{"csv", "parquet"} {
		t.Run(format, func(t *testing.T) {
			out := filepath.Join(dir, "bi-"+format)
			if code, _, stderr := kpidesk(t, "export", "--config", cfg, "--store", db, "--format", format, "--out", out, "-q"); code != exitOK {
				t.Fatalf("export exited %d: %s", code, stderr)
			}
			got := map[string][]string{}
			for month, rows := range exportTable(t, out, "complaints", format) {
				for _, r := range rows {
					got[month] = append(got[month], join(r, cols))
				}
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("complaint rows (-want +got):\n%s", diff)
			}
			var gotUnits []string
			for _, rows := range exportTable(t, out, "unit_metrics", format) {
				for _, r := range rows {
					if r["metric"] == "response_rate" && r["status"] != "" && r["denominator"] != "0" {
						gotUnits = append(gotUnits, join(r, unitCols))
					}
				}
			}
			slices.Sort(gotUnits)
			if diff := cmp.Diff(wantUnits, gotUnits); diff != "" {
				t.Errorf("response_rate unit rows (-want +got):\n%s", diff)
			}
			if format == "parquet" {
				// Parquet is typed: text is kept as the helpdesk wrote it.
				raw := readParquetRaw(t, filepath.Join(out, "complaints", "month=2026-03", "part-0.parquet"), "title")
				if !slices.Contains(raw, `=HYPERLINK("http://evil","x")`) {
					t.Errorf("Parquet titles %q: want the title as written", raw)
				}
				return
			}
			// No CSV cell of the export starts like a formula.
			files, _ := filepath.Glob(filepath.Join(out, "*", "*", "*.csv"))
			for _, f := range files {
				b, err := os.ReadFile(f)
				if err != nil {
					t.Fatal(err)
				}
				recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
				if err != nil {
					t.Fatal(err)
				}
				for _, rec := range recs {
					for _, c := range rec {
						for _, seg := range strings.FieldsFunc(c, func(r rune) bool { return strings.ContainsRune(",;|\t\r\n\"", r) }) {
							if s := strings.TrimLeft(seg, " "); s != "" && strings.ContainsRune("=+@", rune(s[0])) {
								t.Errorf("%s: cell %q has a segment that starts like a formula", f, c)
							}
						}
					}
				}
			}
		})
	}
}

// readParquetRaw returns one text column of a Parquet file as stored.
func readParquetRaw(t *testing.T, path, column string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fi, _ := f.Stat()
	pf, err := parquet.OpenFile(f, fi.Size())
	if err != nil {
		t.Fatal(err)
	}
	leaf, ok := pf.Schema().Lookup(column)
	if !ok {
		t.Fatalf("%s: no column %s", path, column)
	}
	r := parquet.NewReader(pf)
	defer r.Close()
	var out []string
	buf := make([]parquet.Row, 16)
	for {
		n, err := r.ReadRows(buf)
		for _, row := range buf[:n] {
			out = append(out, row[leaf.ColumnIndex].String())
		}
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
	}
}

// TestExportFolders: the export folder is refused when it holds a file
// kpidesk did not write, another kind of kpidesk folder, or the store; a
// refused folder is left as it was, with no stage beside it. An export
// replaces its own previous export.
func TestExportFolders(t *testing.T) {
	dir, cfg, db := exportFixture(t)
	exportTo := func(out string) (int, string) {
		code, _, stderr := kpidesk(t, "export", "--config", cfg, "--store", db, "--format", "csv", "--out", out, "-q")
		return code, stderr
	}
	for _, tc := range []struct {
		name  string
		files []string // under out
		out   string   // default dir/out
		want  string
	}{
		{name: "a user's file", files: []string{"notes.txt"}, want: "export folder: " + filepath.Join(dir, "out") + " holds files kpidesk did not write (notes.txt)"},
		{name: "a site", files: []string{".kpidesk-site", "index.html"}, want: "holds files kpidesk did not write (.kpidesk-site, index.html)"},
		{name: "a scores folder", files: []string{".kpidesk-scores", "scores.json"}, want: "holds files kpidesk did not write"},
		{name: "the store's folder", out: dir, want: "holds " + db},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := tc.out
			if out == "" {
				out = filepath.Join(dir, "out")
				os.RemoveAll(out)
				if err := os.MkdirAll(out, 0o755); err != nil {
					t.Fatal(err)
				}
				for _, f := range tc.files {
					if err := os.WriteFile(filepath.Join(out, f), []byte("mine"), 0o644); err != nil {
						t.Fatal(err)
					}
				}
			}
			before := listTree(t, filepath.Dir(out))
			code, stderr := exportTo(out)
			if code != exitError || !strings.Contains(stderr, tc.want) {
				t.Errorf("exit %d, stderr %q; want 1 and %q", code, stderr, tc.want)
			}
			if after := listTree(t, filepath.Dir(out)); !slices.Equal(before, after) {
				t.Errorf("a refused export changed the folder:\n%s", cmp.Diff(before, after))
			}
		})
	}
	out := filepath.Join(dir, "bi")
	for i := range 2 {
		if code, stderr := exportTo(out); code != exitOK {
			t.Fatalf("export %d into its own folder exited %d: %s", i+1, code, stderr)
		}
	}
	got := listTree(t, out)
	want := []string{".kpidesk-export", "complaints", "complaints/month=2026-03", "complaints/month=2026-03/part-0.csv",
		"complaints/month=2026-04", "complaints/month=2026-04/part-0.csv", "scores.json",
		"unit_metrics", "unit_metrics/period=2026-03", "unit_metrics/period=2026-03/part-0.csv",
		"unit_metrics/period=2026-04", "unit_metrics/period=2026-04/part-0.csv"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("the export folder (-want +got):\n%s", diff)
	}
	if leftovers, _ := filepath.Glob(filepath.Join(dir, ".bi.*")); len(leftovers) > 0 {
		t.Errorf("stages left beside the export: %v", leftovers)
	}
}

// listTree lists a folder's entries, relative and sorted.
func listTree(t *testing.T, root string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil || p == root {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		out = append(out, filepath.ToSlash(rel))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}

// TestExportCommandLine: a wrong or missing --format or --out is a usage
// error (exit 2) that says what is wanted, before anything is read or
// written; --help shows the layout, what the files are and examples.
func TestExportCommandLine(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "bi")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--format", "xlsx", "--out", out}, `kpidesk: --format: unknown export format "xlsx": want csv or parquet`},
		{[]string{"--out", out}, "--format is required: csv or parquet"},
		{[]string{"--format", "parquet"}, "--out is required"},
		{[]string{"--format", "csv", "--out", out, "extra"}, "want no arguments"},
	} {
		code, _, stderr := kpidesk(t, append([]string{"export", "--store", filepath.Join(dir, "none.db")}, tc.args...)...)
		if code != exitUsage || !strings.Contains(stderr, tc.want) {
			t.Errorf("export %v: exit %d, stderr %q; want 2 and %q", tc.args, code, stderr, tc.want)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) > 0 {
		t.Errorf("a refused command line left %v", entries)
	}
	code, stdout, _ := kpidesk(t, "export", "--help")
	if code != exitOK {
		t.Fatalf("export --help exited %d", code)
	}
	for _, want := range []string{"--format csv|parquet --out DIR", "complaints/month=YYYY-MM/part-N.EXT", "unit_metrics/period=PERIOD/part-N.EXT",
		"scores.json", "METRIC_result", "rates 0–1", "docs/export.md", "Examples:", "kpidesk export --format parquet --out bi", "--as-of"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("export --help lacks %q:\n%s", want, stdout)
		}
	}
}

// BenchmarkExport runs `kpidesk export` as its own process on a demo store
// of 100k and 1M complaints (18 months, 61 agents), as BenchmarkScoreStore
// does for score: scoring, the store read again beside the evidence, and
// the Parquet and CSV tables. It reports the child's peak resident memory,
// which should stay near score's: the tables are written as they stream.
//
//	go test ./cmd/kpidesk -run '^$' -bench Export -benchtime 1x -timeout 60m
func BenchmarkExport(b *testing.B) {
	bin := buildKpidesk(b)
	sizes := []int{100_000, 1_000_000}
	if s := os.Getenv("KPIDESK_BENCH_SIZES"); s != "" {
		sizes = nil
		for _, f := range strings.Split(s, ",") {
			n, err := strconv.Atoi(f)
			if err != nil {
				b.Fatal(err)
			}
			sizes = append(sizes, n)
		}
	}
	for _, n := range sizes {
		dir := b.TempDir()
		cfg, db := benchStore(b, dir, n)
		for _, format := range []string{"parquet", "csv"} {
			b.Run(fmt.Sprintf("n=%d/%s", n, format), func(b *testing.B) {
				var maxRSS int64
				for i := 0; i < b.N; i++ {
					maxRSS = max(maxRSS, runMeasured(b, bin, "export", "--config", cfg, "--store", db, "--format", format, "--out", filepath.Join(dir, "bi-"+format), "-q"))
				}
				b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "complaints/s")
				b.ReportMetric(float64(maxRSS)/1024, "peak-RSS-MiB")
			})
		}
		os.RemoveAll(dir)
	}
}
