package appeals

import (
	"cmp"
	"slices"
	"time"

	"github.com/kpidesk/kpidesk/connectors"
)

// File is a validated appeals file.
type File struct {
	Appeals []Appeal
	Path    string // as given to Load or Parse; used in positions
}

// Appeal is one employee's appeal against a scorecard (SPEC §9).
type Appeal struct {
	ID string
	// Unit is the unit key of the scorecard appealed against: "agent:ID",
	// "team:ID", "department:ID" or "org:org" (scoring.Unit.Key); "org" in
	// the file is read as "org:org".
	Unit string
	// Period is a month, quarter, half-year or year ID: "2025-10",
	// "2025-Q4", "2025-H2", "2025".
	Period string
	// Scorecard is the scorecard ID in config; "" means every scorecard.
	Scorecard string
	// Metric is the metric the appeal is about; "" means the appeal is not
	// about one metric, and an exclusion then applies to every metric.
	Metric string
	// Complaints are the complaint IDs concerned ("demo:004787").
	Complaints []string
	Claim      string
	Evidence   string    // an http(s) link, or ""
	Filed      time.Time // a date, at 00:00 UTC
	Stage      string    // a stage ID of Stages
	History    []Step    // the stages passed, in flow order
	Decision   *Decision // nil while the appeal is in progress
	Line       int       // the line of the appeal's first key
}

// Step is one stage an appeal passed, with its date.
type Step struct {
	Stage string
	Date  time.Time // a date, at 00:00 UTC
	Note  string
}

// Decision ends the flow: agreement at the three-party meeting, or the
// performance committee's arbitration (seed 001).
type Decision struct {
	Outcome string // Accepted, Rejected or PartiallyAccepted
	By      string // ByThreePartyMeeting or ByCommittee
	Date    time.Time
	Reason  string
	Changes []Change
}

// Applies reports whether scoring applies the decision's changes: the
// appeal was accepted, fully or in part.
func (d *Decision) Applies() bool {
	return d != nil && (d.Outcome == Accepted || d.Outcome == PartiallyAccepted)
}

// Change is one thing an accepted decision changes in scoring. Exactly
// one of Exclude, Correct and OverridePoints is set.
type Change struct {
	// Exclude is a complaint ID left out of the appeal's metric, or of
	// every metric when the appeal names none.
	Exclude string
	// Correct replaces a field of a complaint.
	Correct *Correction
	// OverridePoints replaces the points (0–100) of the appeal's metric on
	// the appeal's scorecard.
	OverridePoints *float64
	Line           int
}

// Correction is a corrected field of a complaint. Value has the field's
// type: time.Time (UTC) for first_response_at, resolved_at and created_at;
// string for category, priority, kind, assignee and team; bool for
// escalated; int for reopens and agent_replies; float64 for csat, or nil
// when the rating is removed (csat: null).
type Correction struct {
	Complaint string
	Field     string
	Value     any
}

// Apply sets the corrected field of c, a copy the caller owns, to the
// correction's value (SPEC §9), by the field's entry in connectors.Fields.
// Two fields bring another with them: a corrected final resolution also
// moves the first one when it was later, or none (a first resolution is
// never after the final one); a corrected rating keeps the survey's scale
// (5 without a survey) and nothing else of it, and a nil rating removes
// the survey. A correction of a field that cannot be corrected, or with a
// value of another type than Load gives, leaves the field zero.
func (cr Correction) Apply(c *connectors.Complaint) {
	f, ok := correctable(cr.Field)
	if !ok {
		return
	}
	switch f.Kind {
	case connectors.FieldTime:
		*f.Time(c), _ = cr.Value.(time.Time)
	case connectors.FieldString:
		*f.Str(c), _ = cr.Value.(string)
	case connectors.FieldBool:
		*f.Bool(c), _ = cr.Value.(bool)
	case connectors.FieldCount:
		*f.Count(c), _ = cr.Value.(int)
	case connectors.FieldCSAT:
		p := f.CSAT(c)
		v, ok := cr.Value.(float64)
		if !ok {
			*p = nil
			break
		}
		scale := 5.0
		if *p != nil && (*p).Scale > 0 {
			scale = (*p).Scale
		}
		*p = &connectors.CSAT{Value: v, Scale: scale}
	}
	if f == resolvedAt && (c.FirstResolvedAt.IsZero() || c.FirstResolvedAt.After(c.ResolvedAt)) {
		c.FirstResolvedAt = c.ResolvedAt
	}
}

// resolvedAt is the final resolution, whose correction Apply carries over
// to the first.
var resolvedAt = connectors.MustField("resolved_at")

// Outcomes of a decision.
const (
	Accepted          = "accepted"
	Rejected          = "rejected"
	PartiallyAccepted = "partially_accepted"
)

// Who decided (seed 001): the three-party meeting that reached agreement,
// or the performance committee when it did not.
const (
	ByThreePartyMeeting = "three_party_meeting"
	ByCommittee         = "committee"
)

// Exclusion leaves a complaint out of a metric by an accepted appeal.
type Exclusion struct {
	AppealID string
	Metric   string // "" means every metric
	Unit     string // the unit and period the appeal was about
	Period   string
}

// AppliedCorrection is a Correction with the accepted appeal that made it
// and the unit and period that appeal was about.
type AppliedCorrection struct {
	AppealID string
	Unit     string
	Period   string
	Correction
}

// Override replaces a metric's points on one scorecard by an accepted
// appeal. Scorecard "" means every scorecard of the unit and period.
type Override struct {
	AppealID  string
	Unit      string
	Period    string
	Scorecard string
	Metric    string
	Points    float64 // 0–100
}

// applied returns the appeals whose decisions apply, ordered by ID so that
// scoring's result does not depend on the order of the file.
func (f *File) applied() []*Appeal {
	if f == nil {
		return nil
	}
	var out []*Appeal
	for i := range f.Appeals {
		if f.Appeals[i].Decision.Applies() {
			out = append(out, &f.Appeals[i])
		}
	}
	slices.SortStableFunc(out, func(a, b *Appeal) int { return cmp.Compare(a.ID, b.ID) })
	return out
}

// Exclusions returns, per complaint ID, the exclusions of accepted
// appeals, ordered by appeal ID, then as listed in the decision.
func (f *File) Exclusions() map[string][]Exclusion {
	out := map[string][]Exclusion{}
	for _, a := range f.applied() {
		for _, c := range a.Decision.Changes {
			if c.Exclude != "" {
				out[c.Exclude] = append(out[c.Exclude], Exclusion{AppealID: a.ID, Metric: a.Metric, Unit: a.Unit, Period: a.Period})
			}
		}
	}
	return out
}

// Corrections returns the corrections of accepted appeals, ordered by
// appeal ID, then as listed in the decision. Validation guarantees that
// no two of them give one field of one complaint different values.
func (f *File) Corrections() []AppliedCorrection {
	var out []AppliedCorrection
	for _, a := range f.applied() {
		for _, c := range a.Decision.Changes {
			if c.Correct != nil {
				out = append(out, AppliedCorrection{AppealID: a.ID, Unit: a.Unit, Period: a.Period, Correction: *c.Correct})
			}
		}
	}
	return out
}

// Overrides returns the point overrides of accepted appeals, ordered by
// appeal ID. Validation guarantees that no two of them cover the same
// unit, period, scorecard and metric.
func (f *File) Overrides() []Override {
	var out []Override
	for _, a := range f.applied() {
		for _, c := range a.Decision.Changes {
			if c.OverridePoints != nil {
				out = append(out, Override{AppealID: a.ID, Unit: a.Unit, Period: a.Period, Scorecard: a.Scorecard, Metric: a.Metric, Points: *c.OverridePoints})
			}
		}
	}
	return out
}

// Lookup returns the appeal with the given ID.
func (f *File) Lookup(id string) (*Appeal, bool) {
	if f == nil {
		return nil, false
	}
	for i := range f.Appeals {
		if f.Appeals[i].ID == id {
			return &f.Appeals[i], true
		}
	}
	return nil, false
}
