package scoring

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/kpidesk/kpidesk/config"
	"github.com/kpidesk/kpidesk/connectors"
	"github.com/kpidesk/kpidesk/internal/reason"
)

// commentCount is a metric defined in this test file only: it counts the
// complaints that have a comment event, so it reads events, and says so in
// its Info.
type commentCount struct{}

func (commentCount) Info() Info {
	return Info{ID: "test_commented", Name: "测试", NameEN: "Test: commented", Value: ValueCount, Cohort: CohortCreated,
		Needs: Needs{Events: true}}
}

func (commentCount) Evaluate(c *connectors.Complaint, x *Context) Outcome {
	for _, e := range c.Events {
		if e.Kind == connectors.EventComment {
			return Outcome{Result: Counted}
		}
	}
	return excluded(reason.NotResolved) // any code: the line is out
}

// storeLikeFeed reads as the store does for the pipeline (cmd/kpidesk):
// events only when NeedsEvents says the config needs them, fields only
// when NeedsFields does.
type storeLikeFeed struct {
	cs     []connectors.Complaint
	events bool
	fields bool
}

func (f storeLikeFeed) Keys(ctx context.Context, withFields bool) ([]Key, error) {
	return SliceFeed(f.cs).Keys(ctx, withFields && f.fields)
}

func (f storeLikeFeed) Complaints(ctx context.Context, fn func([]connectors.Complaint) error) error {
	run := make([]connectors.Complaint, len(f.cs))
	for i, c := range f.cs {
		if !f.events {
			c.Events = nil
		}
		if !f.fields {
			c.Fields = nil
		}
		run[i] = c
	}
	return fn(run)
}

// TestMetricDeclaresItsNeeds registers a metric that reads events from this
// test file alone: the built-in config, which reads no events of its own,
// must read them for it, and the metric must come out in scores.json and
// the evidence with the value its events give.
func TestMetricDeclaresItsNeeds(t *testing.T) {
	cfg := config.Default()
	if NeedsEvents(cfg) {
		t.Fatal("the built-in config reads events before the test metric is registered")
	}
	m := commentCount{}
	registry[m.Info().ID] = m // not register: config's catalogue is left alone
	t.Cleanup(func() { delete(registry, m.Info().ID) })
	if !NeedsEvents(cfg) {
		t.Fatal("NeedsEvents is false with a metric in use that declares it reads events")
	}
	if NeedsFields(cfg) {
		t.Error("NeedsFields is true, but no metric in use reads fields")
	}

	cs := smallFixture()
	want := 0
	for _, c := range cs {
		if c.Kind != connectors.KindComplaint {
			continue // a suggestion is kept apart, in no metric
		}
		for _, e := range c.Events {
			if e.Kind == connectors.EventComment {
				want++
				break
			}
		}
	}
	if want == 0 {
		t.Fatal("the fixture has no comment events")
	}
	var evidence bytes.Buffer
	s, err := ScoreFeed(context.Background(), storeLikeFeed{cs: cs, events: NeedsEvents(cfg), fields: NeedsFields(cfg)},
		Options{Config: cfg, AsOf: at("2026-12-31T00:00:00Z"), EvidenceOut: &evidence})
	if err != nil {
		t.Fatal(err)
	}
	got := 0.0
	for _, sc := range s.Scorecards {
		if sc.Unit.Kind == UnitOrg && sc.Period == "2026" {
			got = sc.Metrics["test_commented"].Numerator
		}
	}
	if got != float64(want) {
		t.Errorf("test_commented in the 2026 org scorecard = %v, want %d", got, want)
	}
	var out bytes.Buffer
	if err := WriteJSON(&out, s); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), `"test_commented"`) {
		t.Error("scores.json lacks the test metric")
	}
	if n := strings.Count(evidence.String(), `"test_commented":"counted"`); n != want {
		t.Errorf("evidence has %d counted lines of the test metric, want %d", n, want)
	}
}
