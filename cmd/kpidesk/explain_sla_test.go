package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kpidesk/kpidesk/connectors"
	"github.com/kpidesk/kpidesk/connectors/store"
)

// TestExplainSLA: kpidesk explain on a store whose complaints carry JSM's
// SLA records shows, for a complaint where the source's verdict and the
// team calendar's differ, both verdicts and their elapsed times, and
// counts the disagreements.
func TestExplainSLA(t *testing.T) {
	dir := t.TempDir()
	cfgPath, dbPath := filepath.Join(dir, "kpidesk.yaml"), filepath.Join(dir, "kpidesk.db")
	if err := os.WriteFile(cfgPath, []byte(`version: 1
calendar: office
calendars:
  office:
    timezone: UTC
    hours: {mon-fri: ["09:00-17:00"]}
teams: [{id: t, calendar: office}]
periods: [month]
metrics:
  min_sample: 1
  response_rate:
    sla: source
    deadlines: [{within: 4h}]
scorecards:
  - id: s
    items: [{metric: volume, weight: 1, rule: {type: linear, target: 10, floor: 0}}]
`), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	st, err := store.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	mon := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	mk := func(key string, answered time.Duration, sla connectors.SLA) connectors.Complaint {
		return connectors.Complaint{ID: "jira:" + key, Source: "jira", Key: key, Kind: connectors.KindComplaint, Team: "t", Priority: connectors.PriorityNormal,
			CreatedAt: mon, UpdatedAt: mon.Add(answered), FirstResponseAt: mon.Add(answered), SLA: []connectors.SLA{sla}}
	}
	batch := connectors.Batch{Cursor: "1", AsOf: time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC), Complaints: []connectors.Complaint{
		// Answered after 6h wall clock; JSM paused its clock and counted 3h.
		mk("SD-1", 6*time.Hour, connectors.SLA{Name: "Time to first response", Goal: 4 * 3600, Elapsed: 3 * 3600, Cycles: 1}),
		// Answered after 1h, met after 1h: the two agree.
		mk("SD-2", time.Hour, connectors.SLA{Name: "Time to first response", Goal: 4 * 3600, Elapsed: 3600, Cycles: 1}),
	}}
	if err := st.Put(ctx, "jira", batch); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	if code := run(ctx, []string{"explain", "org", "response_rate", "2026-03", "--lang", "en", "--config", cfgPath, "--store", dbPath, "-q"}, &out, &errOut); code != 0 {
		t.Fatalf("explain exited %d: %s", code, errOut.String())
	}
	for _, want := range []string{
		"SD-1: source SLA Time to first response, cycle 1: met, 3h of goal 4h on the SLA's calendar → hit; the team calendar gives miss: 6h elapsed, deadline 4h\n",
		"SD-2: source SLA Time to first response, cycle 1: met, 1h of goal 4h on the SLA's calendar → hit\n",
		"complaints: 2 hit, 0 miss\n",
		"source SLA and team calendar disagree on 1 of them (both verdicts above)\n",
		"value 1 = 2 / 2",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("explain output lacks %q:\n%s", want, out.String())
		}
	}
}
