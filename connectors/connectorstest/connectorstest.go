package connectorstest

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/kpidesk/kpidesk/connectors"
)

// Check names one conformance check: a subtest of [Run] and a key of
// [Harness.Skip].
type Check string

// The checks of [Run]; see the package documentation.
const (
	CheckIDs         Check = "ids"
	CheckTimes       Check = "times"
	CheckOrder       Check = "order"
	CheckRoles       Check = "roles"
	CheckKinds       Check = "kinds"
	CheckDerived     Check = "derived"
	CheckCursorOrder Check = "cursor-order"
	CheckCommit      Check = "commit"
	CheckCancel      Check = "cancel"
	CheckProblems    Check = "problems"
	CheckIncremental Check = "incremental"
)

// Checks lists every check in the order Run runs them.
var Checks = []Check{CheckIDs, CheckTimes, CheckOrder, CheckRoles, CheckKinds, CheckDerived,
	CheckCursorOrder, CheckCommit, CheckCancel, CheckProblems, CheckIncremental}

// Fake is a source under test with the fake data behind it.
type Fake struct {
	Source connectors.Source
	// Change alters the data behind Source so that a Fetch from the final
	// cursor of an earlier read sees it (an issue edited on the fake
	// server, a line of the file rewritten), and returns the ID of the
	// complaint changed or added. Nil when the data cannot change: then
	// Harness.Skip must say why for CheckIncremental.
	Change func(t *testing.T) string
	// Problems returns the problems Source reported for its last Fetch,
	// as text, the way the source reports them (jira: Unmapped; file:
	// Result.Problems). Nil for a source that reports problems only
	// through Fetch's error.
	Problems func() []string
}

// Harness describes a source to [Run].
type Harness struct {
	// New returns the source over fresh fake data; Run calls it for every
	// check, so a check's changes never leak into another. A read from ""
	// must give at least two batches with complaints, so that a read can
	// stop between them.
	New func(t *testing.T) Fake
	// Bad returns the source over data holding one record it cannot use,
	// and text that identifies the record in what the source reports (its
	// key, or FILE:LINE). Nil only with a reason in Skip[CheckProblems].
	Bad func(t *testing.T) (Fake, string)
	// CompareCursor orders two cursors the source wrote (or ""), as
	// cmp.Compare does. Nil only with a reason in Skip[CheckCursorOrder]:
	// the suite cannot order opaque cursors itself.
	CompareCursor func(a, b string) (int, error)
	// Skip gives, for a check that cannot apply to the source, the reason;
	// the check is then skipped with that reason.
	Skip map[Check]string
}

// Run runs every conformance check on the source h describes, each as a
// subtest named by its Check.
func Run(t *testing.T, h Harness) {
	t.Helper()
	if h.New == nil {
		t.Fatal("connectorstest: Harness.New is nil")
	}
	for _, c := range slices.Sorted(maps.Keys(h.Skip)) {
		if !slices.Contains(Checks, c) {
			t.Errorf("connectorstest: Harness.Skip names no check: %q", c)
		} else if strings.TrimSpace(h.Skip[c]) == "" {
			t.Errorf("connectorstest: Harness.Skip[%q] gives no reason", c)
		}
	}
	r := &runner{h: h}
	for _, c := range Checks {
		t.Run(string(c), func(t *testing.T) {
			if reason, ok := h.Skip[c]; ok {
				t.Skip(reason)
			}
			r.run(t, c)
		})
	}
}

type runner struct{ h Harness }

func (r *runner) run(t *testing.T, c Check) {
	switch c {
	case CheckIDs:
		r.ids(t)
	case CheckTimes, CheckOrder, CheckRoles, CheckKinds, CheckDerived:
		f := r.h.New(t)
		rd := read(t, f.Source, "")
		r.minBatches(t, rd)
		checkComplaints(t, c, f.Source.Name(), rd)
	case CheckCursorOrder:
		r.cursorOrder(t)
	case CheckCommit:
		r.commit(t)
	case CheckCancel:
		r.cancel(t)
	case CheckProblems:
		r.problems(t)
	case CheckIncremental:
		r.incremental(t)
	}
}

// minBatches fails the harness when a full read gives fewer than two
// batches with complaints: the resume checks need to stop between two.
func (r *runner) minBatches(t *testing.T, rd *recorder) {
	t.Helper()
	n := 0
	for _, b := range rd.batches {
		if len(b.Complaints) > 0 {
			n++
		}
	}
	if n < 2 {
		t.Fatalf("connectorstest: a read from \"\" gave %d batches with complaints; the harness must give at least 2", n)
	}
}

func (r *runner) ids(t *testing.T) {
	f := r.h.New(t)
	name := f.Source.Name()
	if name == "" || strings.ContainsAny(name, ": \t\n") {
		t.Errorf("Name() = %q: want a name without a colon or white space, the ID prefix", name)
	}
	first := read(t, f.Source, "")
	r.minBatches(t, first)
	checkComplaints(t, CheckIDs, name, first)
	second := read(t, f.Source, "")
	if diff := cmp.Diff(keyIDs(first), keyIDs(second)); diff != "" {
		t.Errorf("two reads give different IDs, by key (-first +second):\n%s", diff)
	}
}

// keyIDs maps each complaint's Key to its ID, in emitted order.
func keyIDs(rd *recorder) map[string][]string {
	out := map[string][]string{}
	for _, b := range rd.batches {
		for _, c := range b.Complaints {
			out[c.Key] = append(out[c.Key], c.ID)
		}
	}
	return out
}

func (r *runner) cursorOrder(t *testing.T) {
	if r.h.CompareCursor == nil {
		t.Fatal("connectorstest: Harness.CompareCursor is nil and Skip gives no reason for cursor-order")
	}
	f := r.h.New(t)
	full := read(t, f.Source, "")
	r.minBatches(t, full)
	r.monotonic(t, "", full)
	// From a cursor in the middle, and from the last one.
	mid := full.batches[len(full.batches)/2].Cursor
	r.monotonic(t, mid, read(t, f.Source, mid))
	last := full.cursor
	r.monotonic(t, last, read(t, f.Source, last))
}

// monotonic reports a cursor of rd that goes back from the one before it,
// starting at from.
func (r *runner) monotonic(t *testing.T, from string, rd *recorder) {
	t.Helper()
	prev := from
	for i, b := range rd.batches {
		c, err := r.h.CompareCursor(prev, b.Cursor)
		if err != nil {
			t.Errorf("read from %q, batch %d: compare cursors %q and %q: %v", from, i, prev, b.Cursor, err)
			return
		}
		if c > 0 {
			t.Errorf("read from %q, batch %d: cursor %q goes back from %q", from, i, b.Cursor, prev)
		}
		prev = b.Cursor
	}
}

var errEmit = errors.New("connectorstest: emit refused the batch")

func (r *runner) commit(t *testing.T) {
	f := r.h.New(t)
	want := read(t, f.Source, "")
	r.minBatches(t, want)
	for n := 1; n < len(want.batches); n++ {
		t.Run(fmt.Sprintf("fail after %d", n), func(t *testing.T) {
			rec := &recorder{failAfter: n}
			err := f.Source.Fetch(context.Background(), "", rec.emit(context.Background()))
			if !errors.Is(err, errEmit) {
				t.Errorf("Fetch with an emit failing after %d batches = %v, want the emit's error", n, err)
			}
			if rec.calls != n+1 {
				t.Errorf("emit called %d times, want %d: Fetch must stop at the first error", rec.calls, n+1)
			}
			resume(t, f.Source, rec, want)
		})
	}
}

// resume reads from rec's committed cursor into rec until done and
// compares what rec holds with want, a read in one go.
func resume(t *testing.T, src connectors.Source, rec *recorder, want *recorder) {
	t.Helper()
	from := rec.cursor
	rec.failAfter, rec.cancel = 0, nil
	if err := src.Fetch(context.Background(), from, rec.emit(context.Background())); err != nil {
		t.Fatalf("Fetch from the committed cursor %q: %v", from, err)
	}
	got, exp := rec.store, want.store
	for _, id := range slices.Sorted(maps.Keys(exp)) {
		g, ok := got[id]
		if !ok {
			t.Errorf("after resuming from %q: %s is missing", from, id)
			continue
		}
		if reflect.DeepEqual(exp[id], g) {
			continue // cmp is slow over thousands of complaints
		}
		if diff := cmp.Diff(exp[id], g); diff != "" {
			t.Errorf("after resuming from %q: %s differs from a read in one go (-want +got):\n%s", from, id, diff)
		}
	}
	for _, id := range slices.Sorted(maps.Keys(got)) {
		if _, ok := exp[id]; !ok {
			t.Errorf("after resuming from %q: %s is not in a read in one go", from, id)
		}
	}
	if rec.cursor != want.cursor {
		t.Errorf("after resuming from %q: cursor %q, want %q as a read in one go ends", from, rec.cursor, want.cursor)
	}
}

func (r *runner) cancel(t *testing.T) {
	f := r.h.New(t)
	want := read(t, f.Source, "")
	r.minBatches(t, want)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	rec := &recorder{cancel: cancel, cancelAfter: 1}
	err := f.Source.Fetch(ctx, "", rec.emit(ctx))
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Fetch cancelled after the first batch = %v, want context.Canceled", err)
	}
	if rec.committed != 1 {
		t.Errorf("%d batches committed before the cancel took effect, want 1", rec.committed)
	}
	resume(t, f.Source, rec, want)

	done, cancelled := context.WithCancel(context.Background())
	cancelled()
	calls := 0
	err = f.Source.Fetch(done, "", func(connectors.Batch) error { calls++; return nil })
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Fetch with a cancelled context = %v, want context.Canceled", err)
	}
	if calls > 0 {
		t.Errorf("Fetch with a cancelled context emitted %d batches, want none", calls)
	}
}

func (r *runner) problems(t *testing.T) {
	if r.h.Bad == nil {
		t.Fatal("connectorstest: Harness.Bad is nil and Skip gives no reason for problems")
	}
	f, bad := r.h.Bad(t)
	if bad == "" {
		t.Fatal("connectorstest: Harness.Bad gave no text to find the bad record by")
	}
	rec := &recorder{}
	err := f.Source.Fetch(context.Background(), "", rec.emit(context.Background()))
	var reported []string
	if err != nil {
		reported = append(reported, err.Error())
	}
	if f.Problems != nil {
		reported = append(reported, f.Problems()...)
	}
	if !slices.ContainsFunc(reported, func(s string) bool { return strings.Contains(s, bad) }) {
		t.Errorf("the bad record %q is not reported: Fetch = %v, problems %q", bad, err, reported)
	}
	// What came through is still conforming: the bad record was not
	// passed on half-mapped.
	for _, c := range []Check{CheckIDs, CheckTimes, CheckOrder, CheckRoles, CheckKinds, CheckDerived} {
		if _, skip := r.h.Skip[c]; !skip {
			checkComplaints(t, c, f.Source.Name(), rec)
		}
	}
}

func (r *runner) incremental(t *testing.T) {
	f := r.h.New(t)
	if f.Change == nil {
		t.Fatal("connectorstest: Fake.Change is nil and Skip gives no reason for incremental")
	}
	first := read(t, f.Source, "")
	id := f.Change(t)
	second := read(t, f.Source, first.cursor)
	got, ok := second.store[id]
	if !ok {
		t.Fatalf("after Change, a read from the final cursor %q does not yield %s (it yields %d complaints)", first.cursor, id, len(second.store))
	}
	if old, ok := first.store[id]; ok && cmp.Equal(old, got) {
		t.Errorf("after Change, %s is read again unchanged", id)
	}
	if r.h.CompareCursor != nil {
		r.monotonic(t, first.cursor, second)
	}
	for _, c := range []Check{CheckIDs, CheckTimes, CheckOrder, CheckRoles, CheckKinds, CheckDerived} {
		if _, skip := r.h.Skip[c]; !skip {
			checkComplaints(t, c, f.Source.Name(), second)
		}
	}
}

// recorder is an emit that behaves as the store does: a batch emit accepts
// is committed (complaints upserted by ID, the cursor kept), one it refuses
// is not.
type recorder struct {
	batches   []connectors.Batch // committed, in order, deep copies
	store     map[string]connectors.Complaint
	cursor    string // the last committed cursor
	calls     int
	committed int

	failAfter   int    // refuse every batch after this many commits (0: never)
	cancelAfter int    // call cancel after this many commits
	cancel      func() // with cancelAfter
}

func (rec *recorder) emit(ctx context.Context) func(connectors.Batch) error {
	return func(b connectors.Batch) error {
		rec.calls++
		if err := ctx.Err(); err != nil {
			return err // the store's transaction would fail
		}
		if rec.failAfter > 0 && rec.committed >= rec.failAfter {
			return errEmit
		}
		b = copyBatch(b)
		if rec.store == nil {
			rec.store = map[string]connectors.Complaint{}
		}
		for _, c := range b.Complaints {
			rec.store[c.ID] = c
		}
		rec.batches = append(rec.batches, b)
		rec.cursor = b.Cursor
		rec.committed++
		if rec.cancel != nil && rec.committed == rec.cancelAfter {
			rec.cancel()
		}
		return nil
	}
}

// read fetches everything from cursor.
func read(t *testing.T, src connectors.Source, cursor string) *recorder {
	t.Helper()
	rec := &recorder{cursor: cursor}
	if err := src.Fetch(context.Background(), cursor, rec.emit(context.Background())); err != nil {
		t.Fatalf("Fetch(%q) = %v", cursor, err)
	}
	return rec
}

// copyBatch copies b deeply enough that the source may reuse its memory
// once emit returns.
func copyBatch(b connectors.Batch) connectors.Batch {
	cs := make([]connectors.Complaint, len(b.Complaints))
	for i, c := range b.Complaints {
		c.Labels = slices.Clone(c.Labels)
		c.Components = slices.Clone(c.Components)
		c.Events = slices.Clone(c.Events)
		c.SLA = slices.Clone(c.SLA)
		if c.CSAT != nil {
			v := *c.CSAT
			c.CSAT = &v
		}
		c.Fields = maps.Clone(c.Fields)
		cs[i] = c
	}
	b.Complaints = cs
	return b
}

// maxErrors bounds the complaints a check reports, so that a source that
// gets one rule wrong everywhere fails readably.
const maxErrors = 10

// checkComplaints runs one per-complaint check over every batch of rd.
func checkComplaints(t *testing.T, c Check, name string, rd *recorder) {
	t.Helper()
	n := 0
	fail := func(format string, args ...any) {
		t.Helper()
		if n++; n <= maxErrors {
			t.Errorf(format, args...)
		}
	}
	seen := map[string]bool{}
	for bi, b := range rd.batches {
		if c == CheckTimes && !isUTC(b.AsOf) {
			fail("batch %d: AsOf %v is in %s, want UTC", bi, b.AsOf, zone(b.AsOf))
		}
		for i := range b.Complaints {
			x := &b.Complaints[i]
			switch c {
			case CheckIDs:
				checkID(fail, name, x, seen)
			case CheckTimes:
				checkTimes(fail, x)
			case CheckOrder:
				if !slices.IsSortedFunc(x.Events, func(a, b connectors.Event) int { return a.At.Compare(b.At) }) {
					fail("%s: events are not in time order: %s", x.ID, eventTimes(x.Events))
				}
			case CheckRoles:
				for k, e := range x.Events {
					if !slices.Contains(roles, e.Role) {
						fail("%s: event %d (%s at %v) has role %q, want one of %q", x.ID, k, e.Kind, e.At, e.Role, roles)
					}
				}
			case CheckKinds:
				for k, e := range x.Events {
					if !slices.Contains(connectors.EventKinds, e.Kind) {
						fail("%s: event %d at %v has kind %q, want one of %q", x.ID, k, e.At, e.Kind, connectors.EventKinds)
					}
				}
			case CheckDerived:
				if len(x.Events) == 0 {
					continue
				}
				var got connectors.Derived
				got.FirstResponseAt, got.FirstResolvedAt, got.ResolvedAt = x.FirstResponseAt, x.FirstResolvedAt, x.ResolvedAt
				got.Reopens, got.AgentReplies = x.Reopens, x.AgentReplies
				got.Escalated, got.EscalatedAt = x.Escalated, x.EscalatedAt
				if diff := cmp.Diff(connectors.Derive(x.Events), got); diff != "" {
					fail("%s: derived fields differ from connectors.Derive(events) (-derive +complaint):\n%s", x.ID, diff)
				}
			}
		}
	}
	if n > maxErrors {
		t.Errorf("... and %d more", n-maxErrors)
	}
}

var roles = []connectors.Role{connectors.RoleCustomer, connectors.RoleAgent, connectors.RoleBot}

func checkID(fail func(string, ...any), name string, c *connectors.Complaint, seen map[string]bool) {
	prefix := name + ":"
	switch {
	case !strings.HasPrefix(c.ID, prefix) || len(c.ID) == len(prefix):
		fail("ID %q (key %q) is not qualified by the source's name: want %s<id>", c.ID, c.Key, prefix)
	case c.Source != name:
		fail("%s: Source %q, want the source's name %q", c.ID, c.Source, name)
	case c.Key == "":
		fail("%s: no Key", c.ID)
	case seen[c.ID]:
		fail("%s: emitted twice in one read", c.ID)
	}
	seen[c.ID] = true
}

func checkTimes(fail func(string, ...any), c *connectors.Complaint) {
	if c.CreatedAt.IsZero() {
		fail("%s: CreatedAt is zero", c.ID)
	}
	for _, f := range []struct {
		name string
		t    time.Time
	}{
		{"CreatedAt", c.CreatedAt}, {"UpdatedAt", c.UpdatedAt}, {"FirstResponseAt", c.FirstResponseAt},
		{"FirstResolvedAt", c.FirstResolvedAt}, {"ResolvedAt", c.ResolvedAt}, {"EscalatedAt", c.EscalatedAt},
	} {
		if !isUTC(f.t) {
			fail("%s: %s %v is in %s, want UTC", c.ID, f.name, f.t, zone(f.t))
		}
	}
	if c.CSAT != nil && !isUTC(c.CSAT.At) {
		fail("%s: CSAT.At %v is in %s, want UTC", c.ID, c.CSAT.At, zone(c.CSAT.At))
	}
	for k, e := range c.Events {
		switch {
		case e.At.IsZero():
			fail("%s: event %d (%s) has no time", c.ID, k, e.Kind)
		case !isUTC(e.At):
			fail("%s: event %d (%s) at %v is in %s, want UTC", c.ID, k, e.Kind, e.At, zone(e.At))
		}
	}
}

// isUTC reports whether t is stored in UTC (SPEC §2); the zero time is.
func isUTC(t time.Time) bool { return t.Location() == time.UTC }

// zone names t's location for a failure: time.Local in UTC, or a fixed
// zone named "UTC", is still not time.UTC.
func zone(t time.Time) string {
	return fmt.Sprintf("location %q (offset %s)", t.Location(), t.Format("-07:00"))
}

func eventTimes(es []connectors.Event) string {
	var b strings.Builder
	for i, e := range es {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(e.At.Format(time.RFC3339Nano))
	}
	return b.String()
}
