package connectors

import (
	"time"
)

// Kinds of contact. Only KindComplaint counts toward complaint metrics by
// default (SPEC §2, §13.2); the others are kept and reported apart.
const (
	KindComplaint  = "complaint"
	KindSuggestion = "suggestion"
	KindInquiry    = "inquiry"
)

// Normalized priorities (SPEC §2). High is not urgent (SPEC §13.11).
const (
	PriorityUrgent = "urgent"
	PriorityHigh   = "high"
	PriorityNormal = "normal"
	PriorityLow    = "low"
)

// Priorities lists the normalized priorities from most to least pressing.
var Priorities = []string{PriorityUrgent, PriorityHigh, PriorityNormal, PriorityLow}

// Role says who performed an event.
type Role string

// Actor roles. A bot is an automation rule, an integration or an app
// account: never a first response, even when it writes a public comment.
const (
	RoleCustomer Role = "customer"
	RoleAgent    Role = "agent"
	RoleBot      Role = "bot"
)

// EventKind names what happened to a complaint. The string values are the
// `kind` values of the import format (SPEC §12).
type EventKind string

// Event kinds (SPEC §2). A comment is public or internal through
// Event.Public; a status change that means resolution is recorded by the
// connector as EventResolved, and a return from resolved as EventReopened.
const (
	EventComment    EventKind = "comment"
	EventStatus     EventKind = "status"
	EventAssignment EventKind = "assignment"
	EventPriority   EventKind = "priority"
	EventLabel      EventKind = "label"
	EventResolved   EventKind = "resolved"
	EventReopened   EventKind = "reopened"
	EventEscalated  EventKind = "escalated"
)

// EventKinds lists every valid event kind, for validation and docs.
var EventKinds = []EventKind{EventComment, EventStatus, EventAssignment, EventPriority,
	EventLabel, EventResolved, EventReopened, EventEscalated}

// Event is one thing that happened to a complaint. From and To carry the
// old and new value of a change (status, assignee, priority, label).
type Event struct {
	At     time.Time `json:"at"`
	Kind   EventKind `json:"kind"`
	Actor  string    `json:"actor,omitempty"`
	Role   Role      `json:"role,omitempty"`
	Public bool      `json:"public,omitempty"`
	From   string    `json:"from,omitempty"`
	To     string    `json:"to,omitempty"`
}

// SLA is one SLA record as the source reports it (Jira Service Management:
// time to first response, time to resolution). Durations are in seconds.
type SLA struct {
	Name     string `json:"name"`
	Goal     int64  `json:"goal_seconds,omitempty"`
	Elapsed  int64  `json:"elapsed_seconds,omitempty"`
	Breached bool   `json:"breached,omitempty"`
	Paused   bool   `json:"paused,omitempty"`
	Cycles   int    `json:"cycles,omitempty"`
	Calendar string `json:"calendar,omitempty"`
}

// CSAT is the customer's answer to a satisfaction survey.
type CSAT struct {
	Value   float64   `json:"value"`
	Scale   float64   `json:"scale"`
	At      time.Time `json:"at,omitzero"`
	Comment string    `json:"comment,omitempty"`
}

// Score returns the rating on 0–100 (SPEC §13.8: value/scale × 100).
func (c CSAT) Score() float64 {
	if c.Scale <= 0 {
		return 0
	}
	return c.Value / c.Scale * 100
}

// Complaint is one contact in the common model (SPEC §2). Zero times mean
// "did not happen": an unanswered complaint has a zero FirstResponseAt.
// All times are UTC.
type Complaint struct {
	ID     string // source-qualified: "demo:000123", "jira:SD-123"
	Source string
	Key    string
	URL    string
	Title  string // untrusted text

	Kind     string
	Category string
	Channel  string
	Priority string

	Customer     string
	Organization string

	Assignee string
	// AssigneeName is the assignee's display name as the source gives it
	// (Jira's displayName), "" when it gives none: the site shows it for
	// an agent the config does not name, rather than an opaque account ID.
	AssigneeName string
	Team         string
	Department   string

	CreatedAt       time.Time
	UpdatedAt       time.Time // as the source reports it; drives incremental sync
	FirstResponseAt time.Time
	FirstResolvedAt time.Time // first resolution, for first-contact resolution
	ResolvedAt      time.Time // final resolution; zero while open
	Reopens         int
	Escalated       bool
	EscalatedAt     time.Time
	AgentReplies    int // public agent replies before the first resolution

	Labels     []string
	Components []string // helpdesk components (Jira) the complaint is filed under; config maps them to teams
	Events     []Event
	SLA        []SLA
	CSAT       *CSAT
	Fields     map[string]any
}

// Resolved reports whether the complaint has a final resolution.
func (c *Complaint) Resolved() bool { return !c.ResolvedAt.IsZero() }

// IsComplaint reports whether the contact counts toward complaint metrics.
func (c *Complaint) IsComplaint() bool { return c.Kind == "" || c.Kind == KindComplaint }

// Key is the light view of a complaint that scoring reads in a first pass,
// before it judges any complaint: who complained, about what and when
// (repeat complaints, SPEC §4), and the customer identity fields
// (customers.merge_by) when asked for.
type Key struct {
	ID, Customer, Category, Kind string
	CreatedAt                    time.Time
	Fields                       map[string]any
}
