-- Schema version 1. See doc.go for the decisions behind it.
--
-- Times are INTEGER unix milliseconds UTC, NULL when the Go time is zero.
-- Blobs are JSON text, NULL when the Go value is nil or empty.

CREATE TABLE complaints (
	rid               INTEGER PRIMARY KEY,
	id                TEXT    NOT NULL UNIQUE CHECK (id <> ''),
	origin            TEXT    NOT NULL, -- the sync source name that last wrote the row
	source            TEXT    NOT NULL,
	key               TEXT    NOT NULL,
	url               TEXT    NOT NULL,
	title             TEXT    NOT NULL,
	kind              TEXT    NOT NULL,
	category          TEXT    NOT NULL,
	channel           TEXT    NOT NULL,
	priority          TEXT    NOT NULL,
	customer          TEXT    NOT NULL,
	organization      TEXT    NOT NULL,
	assignee          TEXT    NOT NULL,
	team              TEXT    NOT NULL,
	department        TEXT    NOT NULL,
	created_at        INTEGER,
	updated_at        INTEGER,
	first_response_at INTEGER,
	first_resolved_at INTEGER,
	resolved_at       INTEGER,
	reopens           INTEGER NOT NULL,
	escalated         INTEGER NOT NULL,
	escalated_at      INTEGER,
	agent_replies     INTEGER NOT NULL,
	labels            TEXT,
	sla               TEXT,
	csat              TEXT,
	fields            TEXT
);

CREATE INDEX complaints_origin ON complaints (origin);
CREATE INDEX complaints_created ON complaints (created_at);

-- Events live apart from the scalar columns so that a scan that does not
-- need them (most of scoring) does not page through them.
CREATE TABLE complaint_events (
	rid    INTEGER PRIMARY KEY REFERENCES complaints (rid) ON DELETE CASCADE,
	events TEXT
);

CREATE TABLE sync (
	source    TEXT    PRIMARY KEY NOT NULL,
	cursor    TEXT    NOT NULL,
	as_of     INTEGER,
	synced_at INTEGER NOT NULL
);

CREATE TABLE problems (
	id       INTEGER PRIMARY KEY,
	source   TEXT    NOT NULL,
	location TEXT    NOT NULL,
	field    TEXT    NOT NULL,
	reason   TEXT    NOT NULL,
	at       INTEGER
);

CREATE INDEX problems_source ON problems (source);
