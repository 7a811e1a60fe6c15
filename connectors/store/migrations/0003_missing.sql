-- Schema version 3: when a full sync last found a complaint missing from
-- its source (deleted, or moved out of scope), as unix milliseconds UTC;
-- NULL while the source still has it. Missing complaints are kept, not
-- deleted, and reads leave them out unless asked.

ALTER TABLE complaints ADD COLUMN missing_since INTEGER;
