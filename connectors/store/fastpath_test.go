package store

// The read path (scan.go, read.go) calls modernc.org/sqlite's translated C
// API through unsafe, bypassing the database/sql driver. It is kept only
// behind the two tests in this file: reads through it must equal reads
// through database/sql, value for value, and the sqlite/libc pair it was
// checked with must be the pair linked in.

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os/exec"
	"runtime/debug"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/kpidesk/kpidesk/connectors"
)

// TestFastPathModules fails when the modernc.org/sqlite or modernc.org/libc
// linked in is not the version the fast read path was checked with
// (fastPathSQLite, fastPathLibc in scan.go).
func TestFastPathModules(t *testing.T) {
	got := map[string]string{}
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, m := range info.Deps {
			got[m.Path] = moduleVersion(m.Version, m.Replace)
		}
	}
	if len(got) == 0 {
		// A test binary of a package other than main carries no module
		// list (golang.org/issue/33976): ask the go command what the build
		// selected instead.
		got = goListModules(t, "modernc.org/sqlite", "modernc.org/libc")
	}
	if got["modernc.org/sqlite"] == fastPathSQLite && got["modernc.org/libc"] == fastPathLibc {
		return
	}
	t.Errorf(`the store's fast read path (connectors/store/scan.go) and its rawWriter (rawwrite.go) call modernc.org/sqlite's C API directly
and were checked with modernc.org/sqlite %s and modernc.org/libc %s; this build links modernc.org/sqlite %s and modernc.org/libc %s.
Before updating fastPathSQLite and fastPathLibc in scan.go:
  - check that this modernc.org/sqlite's go.mod requires exactly this modernc.org/libc (its translated C is generated against one libc);
  - read both changelogs for changes to libc.TLS, libc.CString/Xmalloc/Xfree, and sqlite3_open_v2 flags, column_text/column_bytes/column_type,
    column_value/value_text/value_bytes/value_type/value_int64, prepare_v2, bind_text with SQLITE_TRANSIENT and SQLITE_STATIC,
    bind_int64/bind_null/clear_bindings/reset, interrupt, db_release_memory, and the driver's conn struct (fields db and tls, read by rawwrite.go);
  - run go test -race -count=1 -run 'FastPath|RawWriter|Scanner|Each|Keys' ./connectors/store (TestFastPathMatchesDriver and
    TestRawWriterMatchesDriver must pass, TestRawWriterEngaged too);
  - run go test -run '^$' -bench 'Each|ReadPath|Import' ./connectors/store and confirm the fast paths still beat database/sql (else remove them).`,
		fastPathSQLite, fastPathLibc, orNone(got["modernc.org/sqlite"]), orNone(got["modernc.org/libc"]))
}

// moduleVersion names a module's version, or its replacement.
func moduleVersion(v string, r *debug.Module) string {
	if r != nil {
		return "replaced by " + r.Path + " " + r.Version
	}
	return v
}

// goListModules returns the versions `go list -m` selects for paths.
func goListModules(t *testing.T, paths ...string) map[string]string {
	t.Helper()
	// go test puts its own GOROOT/bin first on PATH.
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no module list in this test binary and no go command to ask")
	}
	out, err := exec.Command(gobin, append([]string{"list", "-m", "-json"}, paths...)...).Output()
	if err != nil {
		t.Fatalf("go list -m %s: %v", strings.Join(paths, " "), err)
	}
	got := map[string]string{}
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var m struct {
			Path, Version string
			Replace       *debug.Module
		}
		if err := dec.Decode(&m); err == io.EOF {
			break
		} else if err != nil {
			t.Fatalf("go list -m: %v", err)
		}
		got[m.Path] = moduleVersion(m.Version, m.Replace)
	}
	return got
}

func orNone(v string) string {
	if v == "" {
		return "(none)"
	}
	return v
}

// TestFastPathMatchesDriver reads random complaints, every column of them,
// through the fast path (Each, EachBatch, Keys, and the scanner on raw
// rows) and through database/sql, and requires the same values.
func TestFastPathMatchesDriver(t *testing.T) {
	ctx := context.Background()
	for _, seed := range []uint64{1, 2, 3} {
		t.Run(fmt.Sprint("seed=", seed), func(t *testing.T) {
			s := open(t)
			r := rand.New(rand.NewPCG(seed, 12))
			cs := make([]connectors.Complaint, 600)
			for i := range cs {
				cs[i] = randomComplaint(r, i)
			}
			// Two sources, several batches, some complaints written twice
			// (the later wins) and some marked missing.
			for i := 0; i < len(cs); i += 100 {
				src := []string{"demo", "jira"}[i/100%2]
				if err := s.Put(ctx, src, connectors.Batch{Complaints: cs[i : i+100], Cursor: fmt.Sprint(i)}); err != nil {
					t.Fatal(err)
				}
			}
			again := []connectors.Complaint{randomComplaint(r, 7), randomComplaint(r, 450)}
			if err := s.Put(ctx, "jira", connectors.Batch{Complaints: again}); err != nil {
				t.Fatal(err)
			}
			seen := map[string]struct{}{}
			for i := 100; i < 200; i++ {
				if r.IntN(4) != 0 {
					seen[cs[i].ID] = struct{}{}
				}
			}
			if _, err := s.MarkMissing(ctx, "jira", seen, t0.Add(time.Hour)); err != nil {
				t.Fatal(err)
			}

			t.Run("rows", func(t *testing.T) { compareRows(t, s) })
			from, before := t0.Add(time.Duration(r.IntN(300))*time.Hour), t0.Add(time.Duration(300+r.IntN(300))*time.Hour)
			for _, q := range []Query{
				{},
				{WithEvents: true},
				{WithEvents: true, IncludeMissing: true},
				{SkipFields: true, IncludeMissing: true},
				{Source: "jira", WithEvents: true},
				{Source: "demo", CreatedFrom: from},
				{CreatedFrom: from, CreatedBefore: before, WithEvents: true},
				{CreatedBefore: before, SkipFields: true},
			} {
				t.Run(fmt.Sprintf("%+v", q), func(t *testing.T) {
					want := driverRead(t, s, q)
					if diff := cmp.Diff(want, all(t, s, q)); diff != "" {
						t.Errorf("Each(%+v) differs from database/sql (-driver +fast):\n%s", q, diff)
					}
					var batched []connectors.Complaint
					if err := s.EachBatch(ctx, q, func(run []connectors.Complaint) error {
						batched = append(batched, run...)
						return nil
					}); err != nil {
						t.Fatal(err)
					}
					if diff := cmp.Diff(want, batched); diff != "" {
						t.Errorf("EachBatch(%+v) differs from database/sql (-driver +fast):\n%s", q, diff)
					}
				})
			}
			for _, opt := range []KeysOptions{{}, {Fields: true}} {
				got, err := s.Keys(ctx, opt)
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(driverKeys(t, s, opt), got); diff != "" {
					t.Errorf("Keys(%+v) differs from database/sql (-driver +fast):\n%s", opt, diff)
				}
			}
		})
	}
}

// compareRows reads every column of both complaint tables, missing_since
// and origin included, through a scanner and through the driver.
func compareRows(t *testing.T, s *Store) {
	const q = "SELECT * FROM complaints c LEFT JOIN complaint_events e ON e.rid = c.rid ORDER BY c.rid"
	want := tableRows(t, s) // the same query, through the driver
	cols, err := columnNames(s, q)
	if err != nil {
		t.Fatal(err)
	}

	sc, err := s.scanner()
	if err != nil {
		t.Fatal(err)
	}
	defer s.release(sc)
	st, err := sc.prepare(q)
	if err != nil {
		t.Fatal(err)
	}
	defer st.close()
	var got [][]any
	for {
		ok, err := st.step()
		if err != nil {
			t.Fatal(err)
		}
		if !ok {
			break
		}
		vals := make([]any, len(cols))
		for i := range vals {
			switch st.columnType(i) {
			case typeNull:
				if b, ok := st.text(i); ok {
					t.Fatalf("column %s: text of NULL = %q, want none", cols[i], b)
				}
			case typeInteger:
				vals[i] = st.int64(i)
			default:
				b, _ := st.text(i)
				vals[i] = string(b)
			}
		}
		got = append(got, vals)
	}
	if len(want) == 0 {
		t.Fatal("no rows")
	}
	var missing int
	for _, row := range want {
		if row[slices.Index(cols, "missing_since")] != nil {
			missing++
		}
	}
	if missing == 0 {
		t.Error("no row has missing_since: the test does not cover it")
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("rows through the scanner differ from database/sql (-driver +scanner):\n%s", diff)
	}
}

// driverRead is Each through database/sql: the same SELECT, each value
// scanned by the driver, the JSON columns decoded one by one.
func driverRead(t *testing.T, s *Store, q Query) []connectors.Complaint {
	t.Helper()
	query, args := q.sql()
	rows, err := s.db.Query(query, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []connectors.Complaint
	for rows.Next() {
		var c connectors.Complaint
		ncol := q.columns()
		ints := make([]sql.NullInt64, ncol)
		texts := make([]sql.NullString, ncol)
		dest := make([]any, ncol)
		for i := range dest {
			if columns[i].integer {
				dest[i] = &ints[i]
			} else {
				dest[i] = &texts[i]
			}
		}
		if err := rows.Scan(dest...); err != nil {
			t.Fatal(err)
		}
		// Each field through its accessor in connectors.Fields, not the
		// offsets the fast path uses.
		var errs []error
		for i, col := range columns[:ncol] {
			f := col.f
			var b []byte
			if texts[i].Valid {
				b = []byte(texts[i].String)
			}
			switch f.Kind {
			case connectors.FieldString:
				*f.Str(&c) = texts[i].String
			case connectors.FieldTime:
				*f.Time(&c) = fromMillis(ints[i])
			case connectors.FieldCount:
				*f.Count(&c) = int(ints[i].Int64)
			case connectors.FieldBool:
				*f.Bool(&c) = ints[i].Int64 != 0
			case connectors.FieldList:
				if b != nil {
					*f.List(&c), err = decodeLabels(b, nil)
				}
			case connectors.FieldSLA:
				if b != nil {
					*f.SLA(&c), err = decodeSLA(b, nil)
				}
			case connectors.FieldCSAT:
				if b != nil {
					*f.CSAT(&c), err = decodeCSAT(b)
				}
			case connectors.FieldMap:
				if b != nil {
					*f.Map(&c), err = decodeFields(b)
				}
			case connectors.FieldEvents:
				if b != nil {
					var scratch []connectors.Event
					*f.Events(&c), err = decodeEvents(b, nil, &scratch)
				}
			}
			if err != nil {
				errs = append(errs, err)
				err = nil
			}
		}
		if len(errs) > 0 {
			t.Fatalf("complaint %s: %v", c.ID, errs)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// driverKeys is Keys through database/sql.
func driverKeys(t *testing.T, s *Store, opt KeysOptions) []Key {
	t.Helper()
	rows, err := s.db.Query(keysQuery(opt))
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	keys := []Key{}
	for rows.Next() {
		var k Key
		var created sql.NullInt64
		var fields sql.NullString
		if err := rows.Scan(&k.ID, &k.Customer, &k.Category, &k.Kind, &created, &fields); err != nil {
			t.Fatal(err)
		}
		k.CreatedAt = fromMillis(created)
		if fields.String != "" {
			if k.Fields, err = decodeFields([]byte(fields.String)); err != nil {
				t.Fatal(err)
			}
		}
		keys = append(keys, k)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return keys
}

// randomComplaint returns complaint i with random values in every field:
// empty and non-ASCII strings, zero and extreme times, nil and empty slices
// and maps, nested fields.
func randomComplaint(r *rand.Rand, i int) connectors.Complaint {
	str := func() string {
		switch r.IntN(8) {
		case 0:
			return ""
		case 1:
			return "投诉 «ü» \u2028 \"q\" \\ <b>&amp;</b>"
		case 2:
			return "a\x00b\tc\nd\x7f" // NUL and control characters survive both paths
		case 3:
			return strings.Repeat("long ", 50+r.IntN(2000)) // beyond a page
		case 4:
			return "\xff\xfeinvalid utf-8"
		default:
			return fmt.Sprintf("v%d", r.IntN(20))
		}
	}
	tm := func() time.Time {
		switch r.IntN(6) {
		case 0:
			return time.Time{}
		case 1:
			return time.UnixMilli(-r.Int64N(1e12)).UTC() // before 1970
		case 2:
			return time.UnixMilli(253402300799999).UTC() // 9999-12-31
		default:
			return t0.Add(time.Duration(r.Int64N(600*3600)) * time.Second).Add(time.Duration(r.IntN(1000)) * time.Millisecond)
		}
	}
	strs := func() []string {
		switch r.IntN(4) {
		case 0:
			return nil
		case 1:
			return []string{}
		}
		out := make([]string, 1+r.IntN(4))
		for j := range out {
			out[j] = str()
		}
		return out
	}
	var value func(depth int) any
	value = func(depth int) any {
		switch k := r.IntN(8); {
		case k == 0:
			return nil
		case k == 1:
			return r.IntN(2) == 0
		case k == 2:
			return []float64{0, -1.5, 1e21, math.SmallestNonzeroFloat64, 12345678901234567}[r.IntN(5)]
		case k == 3 && depth < 3:
			a := make([]any, r.IntN(4))
			for j := range a {
				a[j] = value(depth + 1)
			}
			return a
		case k == 4 && depth < 3:
			m := map[string]any{}
			for range r.IntN(4) {
				m[str()] = value(depth + 1)
			}
			return m
		default:
			return str()
		}
	}
	c := connectors.Complaint{
		ID:     fmt.Sprintf("src:%05d", i),
		Source: str(), Key: str(), URL: str(), Title: str(),
		Kind: str(), Category: str(), Channel: str(), Priority: str(),
		Customer: str(), Organization: str(),
		Assignee: str(), Team: str(), Department: str(),
		CreatedAt: tm(), UpdatedAt: tm(), FirstResponseAt: tm(), FirstResolvedAt: tm(),
		ResolvedAt: tm(), EscalatedAt: tm(),
		Reopens:      []int{0, 1, 7, math.MaxInt32}[r.IntN(4)],
		Escalated:    r.IntN(2) == 0,
		AgentReplies: r.IntN(30),
		Labels:       strs(),
		Components:   strs(),
	}
	if r.IntN(5) != 0 {
		for range r.IntN(9) {
			c.Events = append(c.Events, connectors.Event{
				At:     tm(),
				Kind:   connectors.EventKinds[r.IntN(len(connectors.EventKinds))],
				Actor:  str(),
				Role:   []connectors.Role{"", connectors.RoleAgent, connectors.RoleBot, connectors.RoleCustomer}[r.IntN(4)],
				Public: r.IntN(2) == 0,
				From:   str(),
				To:     str(),
			})
		}
	}
	for range r.IntN(3) {
		c.SLA = append(c.SLA, connectors.SLA{Name: str(), Goal: r.Int64N(1e6), Elapsed: r.Int64N(1e6) - 1000,
			Breached: r.IntN(2) == 0, Paused: r.IntN(2) == 0, Cycles: r.IntN(3), Calendar: str()})
	}
	if r.IntN(2) == 0 {
		c.CSAT = &connectors.CSAT{Value: float64(r.IntN(11)) / 2, Scale: []float64{0, 5, 10}[r.IntN(3)], At: tm(), Comment: str()}
	}
	if r.IntN(3) != 0 {
		c.Fields = map[string]any{}
		for range r.IntN(5) {
			c.Fields[str()] = value(0)
		}
	}
	return c
}

// BenchmarkReadPath compares what the fast path replaces: stepping through
// the rows of Each's query and copying every value out, through a scanner
// (chunk.fill) and through database/sql (sql.RawBytes, copied the same
// way), on 100,000 complaints with their events. Decoding, the same for
// both, is left out.
//
//	go test -run '^$' -bench ReadPath -benchtime 5x ./connectors/store/
func BenchmarkReadPath(b *testing.B) {
	const n = 100_000
	ctx := context.Background()
	s := open(b)
	if err := s.Import(ctx, "demo", func(put func(connectors.Batch) error) error {
		for i := 0; i < n; i += 1000 {
			if err := put(connectors.Batch{Complaints: complaints(i, 1000)}); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		b.Fatal(err)
	}
	q := Query{WithEvents: true}
	query, args := q.sql()
	b.Run("scanner", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			sc, err := s.scanner()
			if err != nil {
				b.Fatal(err)
			}
			st, err := sc.prepare(query)
			if err != nil {
				b.Fatal(err)
			}
			ch := &chunk{ncol: q.columns()}
			rows := 0
			for more := true; more; {
				if more, err = ch.fill(st); err != nil {
					b.Fatal(err)
				}
				rows += ch.rows
			}
			st.close()
			s.release(sc)
			if rows != n {
				b.Fatalf("read %d rows, want %d", rows, n)
			}
		}
		b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "rows/s")
	})
	b.Run("database-sql", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			rs, err := s.db.QueryContext(ctx, query, args...)
			if err != nil {
				b.Fatal(err)
			}
			ncol := q.columns()
			raw := make([]sql.RawBytes, ncol)
			ints := make([]sql.NullInt64, ncol)
			dest := make([]any, ncol)
			for i := range dest {
				if columns[i].integer {
					dest[i] = &ints[i]
				} else {
					dest[i] = &raw[i]
				}
			}
			ch := &chunk{ncol: ncol, cells: make([]cell, chunkRows*ncol)}
			rows := 0
			for rs.Next() {
				if rows%chunkRows == 0 {
					ch.buf = ch.buf[:0]
				}
				if err := rs.Scan(dest...); err != nil {
					b.Fatal(err)
				}
				cells := ch.row(rows % chunkRows)
				for i := range cells {
					c := cell{v: int64(len(ch.buf))}
					if columns[i].integer {
						c.v, c.null = ints[i].Int64, !ints[i].Valid
					} else {
						ch.buf = append(ch.buf, raw[i]...)
						c.n, c.null = int32(len(raw[i])), raw[i] == nil
					}
					cells[i] = c
				}
				rows++
			}
			if err := rs.Close(); err != nil {
				b.Fatal(err)
			}
			if rows != n {
				b.Fatalf("read %d rows, want %d", rows, n)
			}
		}
		b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "rows/s")
	})
}

// columnNames returns the names of the columns query gives.
func columnNames(s *Store, query string) ([]string, error) {
	rows, err := s.db.Query(query + " LIMIT 0")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	return rows.Columns()
}
