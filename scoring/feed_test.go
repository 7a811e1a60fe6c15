package scoring

import (
	"context"
	"slices"
	"strings"
	"testing"

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
