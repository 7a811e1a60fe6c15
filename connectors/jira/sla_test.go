package jira

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kpidesk/kpidesk/connectors"
)

// slaIssue builds a JSM issue whose SLA fields hold values of the
// servicedeskapi SLA shape from testdata/jsm-request-sla-page.json and
// jsm-request-sla-by-id.json (the issue-field value itself is not in any
// recorded fixture), and whose satisfaction field holds the feedback body
// of jsm-request-feedback.json.
func slaIssue(t *testing.T) json.RawMessage {
	t.Helper()
	page := fixtureObject(t, "jsm-request-sla-page.json")
	values := page["values"].([]any)
	// Time to first response: the by-id record (a breached completed cycle),
	// its ongoing cycle paused. No fixture has paused: true; this is the
	// only edit.
	firstResp := fixtureObject(t, "jsm-request-sla-by-id.json")
	firstResp["ongoingCycle"].(map[string]any)["paused"] = true
	// Time to resolution: page value 1 as recorded (not paused).
	resolution := values[1]
	// Retrospective: page value 2 without its ongoing cycle (all completed).
	retro := clone(t, values[2])
	delete(retro, "ongoingCycle")

	issue := map[string]any{
		"key": "SD-7",
		"fields": map[string]any{
			"summary":           "Printer on fire",
			"created":           "2024-03-01T08:00:00.000+0100",
			"resolutiondate":    "2024-03-02T09:00:00.000+0100",
			"customfield_10034": firstResp,
			"customfield_10033": resolution,
			"customfield_10040": retro,
			"customfield_10041": nil, // null: no SLA
			"customfield_10027": json.RawMessage(readFixture(t, "jsm-request-feedback.json")),
			"customfield_10028": "2024-03-03T10:30:00.000+0100",
		},
	}
	b, err := json.Marshal(issue)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func slaMapping() Mapping {
	return Mapping{
		Source: "jsm",
		SLAFields: map[string]string{
			"customfield_10034": "Time to first response",
			"customfield_10033": "Time to resolution",
			"customfield_10040": "", // name taken from the value
			"customfield_10041": "Null SLA",
			"customfield_10099": "Missing SLA",
		},
		CSATField:     "customfield_10027",
		CSATDateField: "customfield_10028",
	}
}

func TestComplaintSLAAndCSAT(t *testing.T) {
	c, un, err := slaMapping().Complaint(slaIssue(t), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(un) != 0 {
		t.Errorf("unmapped %+v", un)
	}
	// Sorted by field ID; Goal/Elapsed from the last cycle.
	want := []connectors.SLA{
		{Name: "Time to resolution", Goal: 72000, Elapsed: 5640, Breached: true, Paused: false, Cycles: 3},
		{Name: "Time to first response", Goal: 14400, Elapsed: 5640, Breached: true, Paused: true, Cycles: 3},
		{Name: "Time To Retrospective", Goal: 144000, Elapsed: 19380, Breached: true, Cycles: 2},
	}
	if diff := cmp.Diff(want, c.SLA); diff != "" {
		t.Errorf("SLA mismatch (-want +got):\n%s", diff)
	}
	wantCSAT := &connectors.CSAT{Value: 4, Scale: 5, At: utc("2024-03-03T09:30:00Z"), Comment: "Great work!"}
	if diff := cmp.Diff(wantCSAT, c.CSAT); diff != "" {
		t.Errorf("CSAT mismatch (-want +got):\n%s", diff)
	}
	if c.CSAT.Score() != 80 {
		t.Errorf("CSAT score %v, want 80", c.CSAT.Score())
	}
}

func TestComplaintSLATolerance(t *testing.T) {
	m := slaMapping()
	mk := func(fields string) json.RawMessage {
		return json.RawMessage(`{"key":"SD-1","fields":{"created":"2024-01-01T00:00:00.000+0000","resolutiondate":"2024-01-02T00:00:00.000+0000"` + fields + `}}`)
	}
	tests := []struct {
		name     string
		fields   string
		sla      []connectors.SLA
		csat     *connectors.CSAT
		unmapped []Unmapped
	}{
		{name: "none present"},
		{name: "nulls", fields: `,"customfield_10034":null,"customfield_10027":null,"customfield_10028":null`},
		{name: "never started", fields: `,"customfield_10034":{"completedCycles":[]}`},
		{
			name:   "rating only: date from resolutiondate",
			fields: `,"customfield_10027":{"rating":2}`,
			csat:   &connectors.CSAT{Value: 2, Scale: 5, At: utc("2024-01-02T00:00:00Z")},
		},
		{name: "feedback without rating", fields: `,"customfield_10027":{"comment":{"body":"x"}}`},
		{
			name:   "ongoing only, missing durations",
			fields: `,"customfield_10034":{"ongoingCycle":{"breached":true}}`,
			sla:    []connectors.SLA{{Name: "Time to first response", Breached: true, Cycles: 1}},
		},
		{
			name:     "malformed values are reported, not fatal",
			fields:   `,"customfield_10034":"4h","customfield_10027":[1],"customfield_10033":{"completedCycles":"x"}`,
			unmapped: []Unmapped{{"sla", "customfield_10033", "SD-1", ""}, {"sla", "customfield_10034", "SD-1", ""}, {"csat", "customfield_10027", "SD-1", ""}},
		},
		{
			name:     "bad date keeps resolutiondate",
			fields:   `,"customfield_10027":{"rating":5},"customfield_10028":"soon"`,
			csat:     &connectors.CSAT{Value: 5, Scale: 5, At: utc("2024-01-02T00:00:00Z")},
			unmapped: []Unmapped{{"csat", "customfield_10027", "SD-1", ""}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, un, err := m.Complaint(mk(tt.fields), nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.sla, c.SLA); diff != "" {
				t.Errorf("SLA (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.csat, c.CSAT); diff != "" {
				t.Errorf("CSAT (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.unmapped, un); diff != "" {
				t.Errorf("unmapped (-want +got):\n%s", diff)
			}
		})
	}
}

// An issue without SLA or CSAT fields maps exactly as with no SLA/CSAT
// configuration.
func TestComplaintWithoutSLAUnchanged(t *testing.T) {
	issue, hs, cs := sd12(t)
	base := Mapping{Source: "jsm", BaseURL: "https://x.atlassian.net", Bots: []string{"bot-1"}}
	want, wantUn, err := base.Complaint(issue, hs, cs)
	if err != nil {
		t.Fatal(err)
	}
	withSLA := base
	sm := slaMapping()
	withSLA.SLAFields, withSLA.CSATField, withSLA.CSATDateField = sm.SLAFields, sm.CSATField, sm.CSATDateField
	got, gotUn, err := withSLA.Complaint(issue, hs, cs)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("complaint changed (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(wantUn, gotUn); diff != "" {
		t.Errorf("unmapped changed (-want +got):\n%s", diff)
	}
	if got.SLA != nil || got.CSAT != nil {
		t.Errorf("SLA %v CSAT %v, want none", got.SLA, got.CSAT)
	}
}

func TestDiscoverFields(t *testing.T) {
	var fields []json.RawMessage
	if err := json.Unmarshal(readFixture(t, "fields-jsm-customfields.json"), &fields); err != nil {
		t.Fatal(err)
	}
	got := DiscoverFields(append(fields, json.RawMessage(`"junk"`), json.RawMessage(`{"id":"x"}`)))
	want := FieldIDs{
		RequestType:      "customfield_10010",
		SLA:              map[string]string{"Time to resolution": "customfield_10033", "Time to first response": "customfield_10034"},
		Satisfaction:     "customfield_10027",
		SatisfactionDate: "customfield_10028",
		Organizations:    "customfield_10002",
		Participants:     "customfield_10026",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("DiscoverFields (-want +got):\n%s", diff)
	}

	m := Mapping{CSATField: "customfield_1"}
	got.Apply(&m)
	wantM := Mapping{
		SLAFields:         map[string]string{"customfield_10033": "Time to resolution", "customfield_10034": "Time to first response"},
		CSATField:         "customfield_1", // already set: kept
		CSATDateField:     "customfield_10028",
		OrganizationField: "customfield_10002",
		RequestTypeField:  "customfield_10010",
		ParticipantsField: "customfield_10026",
	}
	if diff := cmp.Diff(wantM, m); diff != "" {
		t.Errorf("Apply (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(FieldIDs{}, DiscoverFields(nil)); diff != "" {
		t.Errorf("DiscoverFields(nil) (-want +got):\n%s", diff)
	}
}

func TestSourceRequestsSLAAndCSATFields(t *testing.T) {
	for _, d := range flavours {
		t.Run(d, func(t *testing.T) {
			jf := newJiraFake(t, d, true)
			s := newTestSource(t, jf, func(cfg *SourceConfig) {
				sm := slaMapping()
				cfg.Mapping.SLAFields, cfg.Mapping.CSATField, cfg.Mapping.CSATDateField = sm.SLAFields, sm.CSATField, sm.CSATDateField
				cfg.Fields = []string{"customfield_10010", "customfield_10027"}
			})
			_, byKey := collect(t, s, "")
			if len(jf.fields) == 0 {
				t.Fatal("no search made")
			}
			f := jf.fields[0]
			for _, want := range []string{"summary", "customfield_10033", "customfield_10034", "customfield_10040", "customfield_10041", "customfield_10099", "customfield_10027", "customfield_10028", "customfield_10010"} {
				if !slices.Contains(f, want) {
					t.Errorf("search fields %v lack %q", f, want)
				}
			}
			if n := len(f); n != len(slices.Compact(slices.Sorted(slices.Values(f)))) {
				t.Errorf("search fields %v have duplicates", f)
			}
			for k, c := range byKey {
				if c.SLA != nil || c.CSAT != nil {
					t.Errorf("%s: SLA %v CSAT %v, want none", k, c.SLA, c.CSAT)
				}
			}
		})
	}
}
