// Package file imports complaints from JSON Lines and CSV files (SPEC §12,
// `kpidesk import FILE`): the way a team on any other helpdesk (Zendesk,
// Freshdesk, a CRM export) uses kpidesk. [EncodeJSONL] writes the same
// format, for export. [Source] reads a file as a [connectors.Source], which
// is how connectors/connectorstest checks it against the other sources.
// The user's documentation is docs/import-format.md.
//
// # Format
//
// One complaint per line (JSONL) or per record (CSV, with a header row of
// the same names in any order). Keys are snake_case:
//
//	id                 required, unique in the file
//	created_at         required; RFC 3339 with a UTC offset
//	first_response_at  resolved_at  escalated_at      RFC 3339 times
//	reopens  agent_replies                            whole numbers ≥ 0
//	escalated                                         true or false
//	priority           urgent|high|normal|low, or p1..p4, critical, highest,
//	                   medium, lowest (any case)
//	kind               default complaint
//	channel category customer organization assignee team department title
//	url                absolute http(s) URL
//	labels             array of strings (CSV: separated by ;)
//	components         array of strings, helpdesk components (CSV: as labels)
//	csat               {value, scale (default 5), at, comment}, 0 ≤ value ≤ scale
//	events             [{at, kind, actor, role, public, from, to}]
//	fields             object of anything
//
// An unknown key or column is a problem (typo protection). Times are stored
// in UTC; a year before 1900 is a problem (a spreadsheet's placeholder). An id without the "SOURCE:" prefix (Options.Source, default
// "file") gets it: id "SD-1" is ID "file:SD-1" with Key "SD-1"; an id that
// has it keeps it, so an export re-imports to the same IDs.
//
// When a line has events, the derived fields (first response, resolution,
// first resolution, reopens, agent replies, escalation) come from
// [connectors.Derive], except those the line gives explicitly, which win;
// an explicit null (CSV: the word null) means "none", so resolved_at: null
// keeps a complaint open whatever its events say. Without events the
// fields are taken as given, and the first resolution is the resolution.
// An event without a role is the system's own and gets the role bot (SPEC
// §2: every event has one): never a first response or an agent reply.
//
// In JSONL, blank lines are skipped, a number is accepted for a string
// field (numeric ids), an empty string is the same as null, and csat may be
// a bare number (its value). In CSV, an empty cell is absent, escalated
// accepts true/false/yes/no/1/0, csat, events and fields cells hold JSON,
// and rows of empty cells are skipped. A UTF-8 byte order mark is skipped.
//
// # Problems
//
// Every line is validated, and each bad line yields [Problem]s printed as
// FILE:LINE: field: reason, for example
//
//	tickets.jsonl:12: created_at: time "2026-03-01T09:30:00" has no UTC offset: add Z or ±hh:mm, e.g. 2026-03-01T09:30:00+08:00
//	tickets.jsonl:14: id: duplicate id "SD-9" (first on line 3)
//	tickets.csv:1: priorty: unknown column (did you mean priority?)
//
// Besides malformed values, these are problems: a first response,
// resolution, escalation or event before created_at by more than
// Options.ClockSkew, escalated_at without escalated true, a
// CSAT value outside 0..scale, an event without at or kind, or with a kind
// not in [connectors.EventKinds] or a role other than customer, agent and
// bot. LINE is the physical line, so for a CSV record whose quoted cell
// spans lines it is the record's first line.
//
// Such a time before created_at by at most Options.ClockSkew is clock skew
// between systems (SPEC §13.12, [connectors.ClockSkews]): the line is
// imported as written, its durations count 0, and the skew is listed in
// Result.Skews for the data-quality page.
package file
