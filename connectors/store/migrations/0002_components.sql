-- Schema version 2: the helpdesk components (Jira) a complaint is filed
-- under, JSON text like labels, NULL when the Go value is nil or empty.
-- Rows written at version 1 read back without components.

ALTER TABLE complaints ADD COLUMN components TEXT;
