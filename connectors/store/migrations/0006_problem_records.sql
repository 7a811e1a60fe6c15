-- Schema version 6: a problem belongs to the source record it was found in
-- (an issue key or complaint ID, or an import file), and reading the
-- record again replaces its problems (ReplaceProblems) instead of adding
-- to them. Rows of earlier versions belong to their location; the copies
-- that earlier syncs appended, one per sync, are dropped, keeping the
-- latest.

ALTER TABLE problems ADD COLUMN record TEXT NOT NULL DEFAULT '';
UPDATE problems SET record = location;
DELETE FROM problems WHERE id NOT IN (
	SELECT max(id) FROM problems GROUP BY source, location, field, reason
);
DROP INDEX problems_source;
CREATE INDEX problems_record ON problems (source, record);
