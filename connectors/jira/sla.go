package jira

import (
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/kpidesk/kpidesk/connectors"
)

// JSM custom field types (schema.custom in GET /rest/api/3/field). Their
// customfield IDs differ per site; find them with [DiscoverFields].
const (
	SchemaRequestType      = "com.atlassian.servicedesk:vp-origin"
	SchemaSLA              = "com.atlassian.servicedesk:sd-sla-field"
	SchemaSatisfaction     = "com.atlassian.servicedesk:sd-request-feedback"
	SchemaSatisfactionDate = "com.atlassian.servicedesk:sd-request-feedback-date"
	SchemaOrganizations    = "com.atlassian.servicedesk:sd-customer-organizations"
	SchemaParticipants     = "com.atlassian.servicedesk:sd-request-participants"
)

// CSATScale is the JSM satisfaction scale: ratings are 1..5.
const CSATScale = 5

// FieldIDs are the JSM custom field IDs of one site. Empty means the site
// has no such field.
type FieldIDs struct {
	RequestType      string
	SLA              map[string]string // SLA name ("Time to first response") → field ID
	Satisfaction     string
	SatisfactionDate string
	Organizations    string
	Participants     string
}

// DiscoverFields reads the list GET /rest/api/3/field returns and picks
// the JSM fields by schema.custom (not by name, which is localised).
// Entries that do not decode are skipped. When a site has two fields of a
// single-valued type, the lowest ID wins.
func DiscoverFields(fields []json.RawMessage) FieldIDs {
	var ids FieldIDs
	pick := func(dst *string, id string) {
		if *dst == "" || fieldIDLess(id, *dst) {
			*dst = id
		}
	}
	for _, raw := range fields {
		var f struct {
			ID     string `json:"id"`
			Name   string `json:"name"`
			Schema *struct {
				Custom string `json:"custom"`
			} `json:"schema"`
		}
		if json.Unmarshal(raw, &f) != nil || f.ID == "" || f.Schema == nil {
			continue
		}
		switch f.Schema.Custom {
		case SchemaRequestType:
			pick(&ids.RequestType, f.ID)
		case SchemaSLA:
			if ids.SLA == nil {
				ids.SLA = map[string]string{}
			}
			name := f.Name
			if name == "" {
				name = f.ID
			}
			if old, ok := ids.SLA[name]; !ok || fieldIDLess(f.ID, old) {
				ids.SLA[name] = f.ID
			}
		case SchemaSatisfaction:
			pick(&ids.Satisfaction, f.ID)
		case SchemaSatisfactionDate:
			pick(&ids.SatisfactionDate, f.ID)
		case SchemaOrganizations:
			pick(&ids.Organizations, f.ID)
		case SchemaParticipants:
			pick(&ids.Participants, f.ID)
		}
	}
	return ids
}

// fieldIDLess orders "customfield_9" before "customfield_10".
func fieldIDLess(a, b string) bool {
	if len(a) != len(b) {
		return len(a) < len(b)
	}
	return a < b
}

// Apply fills the Mapping's request type, SLA, CSAT, organization and
// request participants field IDs that are not already set.
func (ids FieldIDs) Apply(m *Mapping) {
	if m.RequestTypeField == "" {
		m.RequestTypeField = ids.RequestType
	}
	if len(ids.SLA) > 0 {
		if m.SLAFields == nil {
			m.SLAFields = map[string]string{}
		}
		for name, id := range ids.SLA {
			if _, ok := m.SLAFields[id]; !ok {
				m.SLAFields[id] = name
			}
		}
	}
	if m.CSATField == "" {
		m.CSATField = ids.Satisfaction
	}
	if m.CSATDateField == "" {
		m.CSATDateField = ids.SatisfactionDate
	}
	if m.OrganizationField == "" {
		m.OrganizationField = ids.Organizations
	}
	if m.ParticipantsField == "" {
		m.ParticipantsField = ids.Participants
	}
}

// slaDuration is a servicedeskapi duration {millis, friendly}.
type slaDuration struct {
	Millis *int64 `json:"millis"`
}

func (d *slaDuration) seconds() int64 {
	if d == nil || d.Millis == nil {
		return 0
	}
	return *d.Millis / 1000
}

type slaCycle struct {
	Breached            bool         `json:"breached"`
	Paused              bool         `json:"paused"`
	WithinCalendarHours *bool        `json:"withinCalendarHours"`
	GoalDuration        *slaDuration `json:"goalDuration"`
	ElapsedTime         *slaDuration `json:"elapsedTime"`
}

// slaValue is an SLA as the servicedeskapi returns it, which is also the
// shape JSM puts in an sd-sla-field on an issue.
type slaValue struct {
	Name            string     `json:"name"`
	CompletedCycles []slaCycle `json:"completedCycles"`
	OngoingCycle    *slaCycle  `json:"ongoingCycle"`
}

// parseSLA maps one SLA value. ok is false for a missing or null value and
// for a value that is not an SLA object; bad is true only in the last case.
func parseSLA(raw json.RawMessage, name string) (s connectors.SLA, ok, bad bool) {
	if isNull(raw) {
		return connectors.SLA{}, false, false
	}
	var v slaValue
	if raw[0] != '{' || json.Unmarshal(raw, &v) != nil {
		return connectors.SLA{}, false, true
	}
	cycles := slices.Clone(v.CompletedCycles)
	if v.OngoingCycle != nil {
		cycles = append(cycles, *v.OngoingCycle)
	}
	if len(cycles) == 0 {
		return connectors.SLA{}, false, false // defined but never started
	}
	last := cycles[len(cycles)-1]
	s = connectors.SLA{
		Name:    name,
		Goal:    last.GoalDuration.seconds(),
		Elapsed: last.ElapsedTime.seconds(),
		Cycles:  len(cycles),
	}
	if s.Name == "" {
		s.Name = v.Name
	}
	for _, c := range cycles {
		s.Breached = s.Breached || c.Breached
	}
	if v.OngoingCycle != nil {
		s.Paused = v.OngoingCycle.Paused
	}
	return s, true, false
}

// csatValue is the sd-request-feedback field value (and the body of
// GET /rest/servicedeskapi/request/{key}/feedback).
type csatValue struct {
	Rating  *float64 `json:"rating"`
	Comment *struct {
		Body string `json:"body"`
	} `json:"comment"`
}

// parseCSAT maps the satisfaction field; dateRaw is the satisfaction date
// field and fallback (resolutiondate) is used when it is absent. c is nil
// when there is no rating; bad is true when a value is malformed.
func parseCSAT(raw, dateRaw json.RawMessage, fallback time.Time) (c *connectors.CSAT, bad bool) {
	if isNull(raw) {
		return nil, false
	}
	var v csatValue
	if raw[0] != '{' || json.Unmarshal(raw, &v) != nil {
		return nil, true
	}
	if v.Rating == nil {
		return nil, false
	}
	c = &connectors.CSAT{Value: *v.Rating, Scale: CSATScale, At: fallback}
	if v.Comment != nil {
		c.Comment = v.Comment.Body
	}
	if !isNull(dateRaw) {
		var s string
		if json.Unmarshal(dateRaw, &s) != nil {
			return c, true
		}
		t, err := parseJiraTime(s)
		if err != nil {
			return c, true
		}
		if !t.IsZero() {
			c.At = t
		}
	}
	return c, false
}

func isNull(raw json.RawMessage) bool {
	s := strings.TrimSpace(string(raw))
	return s == "" || s == "null"
}

// slaAndCSAT sets c.SLA and c.CSAT from the configured fields, reporting
// malformed values as Unmapped (field "sla" or "csat", value the field ID).
func (mp *mapper) slaAndCSAT(c *connectors.Complaint, fields map[string]json.RawMessage, resolutionDate time.Time) {
	for _, id := range slices.Sorted(maps.Keys(mp.m.SLAFields)) {
		s, ok, bad := parseSLA(fields[id], mp.m.SLAFields[id])
		if bad {
			mp.unknown("sla", id)
		}
		if ok {
			if s.Name == "" {
				s.Name = id
			}
			c.SLA = append(c.SLA, s)
		}
	}
	if mp.m.CSATField != "" {
		var dateRaw json.RawMessage
		if mp.m.CSATDateField != "" {
			dateRaw = fields[mp.m.CSATDateField]
		}
		csat, bad := parseCSAT(fields[mp.m.CSATField], dateRaw, resolutionDate)
		if bad {
			mp.unknown("csat", mp.m.CSATField)
		}
		c.CSAT = csat
	}
}
