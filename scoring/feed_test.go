package scoring

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/kpidesk/kpidesk/connectors"
)

// changingFeed gives keys of one set of complaints and then another set
// whole, as a store does when a sync commits between the two passes.
type changingFeed struct{ keys, complaints SliceFeed }

func (f changingFeed) Keys(ctx context.Context, withFields bool) ([]Key, error) {
	return f.keys.Keys(ctx, withFields)
}

func (f changingFeed) Complaints(ctx context.Context, fn func([]connectors.Complaint) error) error {
	return f.complaints.Complaints(ctx, fn)
}

func TestScoreFeedNoticesChangeBetweenPasses(t *testing.T) {
	cfg := loadTestConfig(t, "testdata/small.yaml")
	byID := func(a, b connectors.Complaint) int { return strings.Compare(a.ID, b.ID) }
	first := slices.SortedFunc(slices.Values(smallFixture()), byID)
	renamed := slices.Clone(first)
	renamed[2].ID = "t:3b"
	extra := append(slices.Clone(first), connectors.Complaint{ID: "t:9", Kind: "complaint", CreatedAt: first[0].CreatedAt})
	for name, second := range map[string][]connectors.Complaint{
		"same":    first,
		"renamed": renamed,
		"added":   extra,
		"removed": first[:len(first)-1],
	} {
		_, err := ScoreFeed(context.Background(), changingFeed{keys: first, complaints: second}, Options{Config: cfg, AsOf: at("2026-03-31T00:00:00Z")})
		switch {
		case name == "same" && err != nil:
			t.Errorf("%s: %v", name, err)
		case name != "same" && (err == nil || !strings.Contains(err.Error(), "changed between the two passes")):
			t.Errorf("%s: ScoreFeed = %v, want the complaints changed between the two passes", name, err)
		}
	}
}

// TestRepeatsMatchDefinition checks the repeat pass (sorted, sharded by
// customer over the cores) against the definition read literally: a
// complaint is a repeat when an earlier complaint of the same customer and
// category was created 0 < Δ ≤ window before it (SPEC §13.9), among the
// complaints that count and exist at as_of.
func TestRepeatsMatchDefinition(t *testing.T) {
	e, err := NewEngine(loadTestConfig(t, "testdata/small.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	base := at("2026-01-01T00:00:00Z")
	asOf := base.Add(200 * 24 * time.Hour)
	rng := rand.New(rand.NewPCG(1, 2))
	keys := make([]Key, 3000)
	for i := range keys {
		keys[i] = Key{
			ID:       fmt.Sprintf("r:%05d", i),
			Customer: fmt.Sprintf("c%d", rng.IntN(150)),
			Category: []string{"billing", "delivery"}[rng.IntN(2)],
			Kind:     []string{"complaint", "complaint", "complaint", "suggestion"}[rng.IntN(4)],
			// Whole hours, so that ties and Δ = window both happen.
			CreatedAt: base.Add(time.Duration(rng.IntN(210*24)) * time.Hour),
		}
		if rng.IntN(50) == 0 {
			keys[i].Customer = ""
		}
	}
	eligible := func(k Key) bool { return k.Customer != "" && e.countsKind(k.Kind) && !k.CreatedAt.After(asOf) }
	got := repeatRate{}.judgeKeys(e, keys, asOf)
	repeats := 0
	for i, k := range keys {
		want := false
		for _, o := range keys {
			d := k.CreatedAt.Sub(o.CreatedAt)
			if eligible(k) && eligible(o) && o.Customer == k.Customer && o.Category == k.Category && d > 0 && d <= e.set.RepeatWindow {
				want = true
				break
			}
		}
		if got[i] != want {
			t.Errorf("%s (%s, %s, %s): repeat = %v, want %v", k.ID, k.Customer, k.Category, k.CreatedAt, got[i], want)
		}
		if want {
			repeats++
		}
	}
	if repeats < 100 || repeats > len(keys)-100 {
		t.Errorf("%d repeats of %d: the fixture does not exercise both outcomes", repeats, len(keys))
	}
}

// TestMixHandComputed checks the counts behind the overview's analysis
// charts on the small fixture (score_test.go): five complaints in March,
// three of them finally resolved by as_of, and the suggestion left out.
func TestMixHandComputed(t *testing.T) {
	cfg := loadTestConfig(t, "testdata/small.yaml")
	s, err := Score(context.Background(), smallFixture(), Options{Config: cfg, AsOf: at("2026-03-31T00:00:00Z")})
	if err != nil {
		t.Fatal(err)
	}
	want := Mix{
		Categories: map[string]map[string]int{"2026-03": {"billing": 2, "delivery": 2, "usage": 1}},
		Channels:   map[string]map[string]int{"2026-03": {"email": 5}},
		Created:    map[string]int{"2026-03": 5},
		Resolved:   map[string]int{"2026-03": 3}, // t:1, t:2 and t:3 (after its reopen); t:4 and t:5 are open
		// All five are team t1's.
		TeamCategories: map[string]map[string]map[string]int{"t1": {"2026-03": {"billing": 2, "delivery": 2, "usage": 1}}},
		Buckets:        DurationBuckets,
		Durations: map[string]map[string][]int{
			// First responses in business time (Mon–Fri 09–17): t:1 1h,
			// t:2 2h (16–17, then 9–10 the next day), t:3 9h (Fri 16–17,
			// Mon 9–17); t:4 and t:5 have none. Buckets <1h, 1–2h, 2–4h,
			// 4–8h, 8–24h, 24–48h, ≥48h; a bound opens the next bucket.
			"first_response_time": {"2026-03": {0, 1, 1, 0, 1, 0, 0}},
			// Handling: t:1 5h, t:2 12h (1 + 8 + 3), t:3 17h (1 + 8 + 8,
			// to its final resolution on Wednesday 09:00).
			"handling_time": {"2026-03": {0, 0, 0, 1, 2, 0, 0}},
		},
	}
	if diff := cmp.Diff(want, s.Mix); diff != "" {
		t.Errorf("Mix (-want +got):\n%s", diff)
	}
}

// TestMixByTeam checks the split of categories by team: a complaint of no
// team counts for the organization only.
func TestMixByTeam(t *testing.T) {
	m := newMixCounts()
	mar, apr := monthIndex(0), monthIndex(1)
	m.add(mar, -1, "a", "billing", "email")
	m.add(mar, mar, "a", "billing", "phone")
	m.add(mar, -1, "b", "billing", "email")
	m.add(apr, -1, "b", "usage", "email")
	m.add(apr, -1, "", "usage", "email")
	got := m.result()
	m0, m1 := mar.ID(), apr.ID()
	want := map[string]map[string]map[string]int{
		"a": {m0: {"billing": 2}},
		"b": {m0: {"billing": 1}, m1: {"usage": 1}},
	}
	if diff := cmp.Diff(want, got.TeamCategories); diff != "" {
		t.Errorf("TeamCategories (-want +got):\n%s", diff)
	}
	if got.Categories[m1]["usage"] != 2 {
		t.Errorf("Categories[%s][usage] = %d, want 2 (one of no team)", m1, got.Categories[m1]["usage"])
	}
}
