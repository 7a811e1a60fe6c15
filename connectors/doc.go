// Package connectors owns kpidesk's common complaint model (SPEC §2) and the
// small Source interface that every helpdesk connector implements.
//
// A connector's job ends at normalization: it turns whatever its helpdesk
// returns into [Complaint] values with ordered [Event]s. The fields that
// metrics depend on (first response, resolution, reopens, agent replies,
// escalation) are derived from the events by [Derive], so every source gets
// the same rules: a bot's or a customer's comment is never a first response,
// and neither is an internal note.
//
// Sources live in sub-packages: demo, the seeded demo data; jira, Jira
// Service Management (Cloud and Data Center); github, GitHub issues
// (github.com and Enterprise Server); and file, kpidesk's import format
// (JSON Lines and CSV, kpidesk import). Each registers its type (Register).
// The SQLite store that keeps what they fetch is connectors/store.
package connectors
