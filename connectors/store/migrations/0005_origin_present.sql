-- Schema version 5: the index on origin also holds missing_since, so that
-- counting a source's present complaints (Syncs: the data-quality page and
-- summary.md) reads the index alone, not a million rows of the table.

DROP INDEX complaints_origin;
CREATE INDEX complaints_origin ON complaints (origin, missing_since);
