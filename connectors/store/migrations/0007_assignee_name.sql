-- Schema version 7: the assignee's display name as the source gives it
-- (Jira's displayName), for agents the config does not name. The partial
-- index makes AgentNames read only the complaints that carry a name, none
-- at all for a source that gives none.

ALTER TABLE complaints ADD COLUMN assignee_name TEXT NOT NULL DEFAULT '';
CREATE INDEX complaints_assignee_name ON complaints (assignee) WHERE assignee_name <> '';
