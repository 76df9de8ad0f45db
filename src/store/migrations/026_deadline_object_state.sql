-- 026_deadline_object_state: the clocks of one kind of object in one state
-- (e.g. every overdue clock of a case), read by the case list's "overdue /
-- due soon" filter and count (src/cases/case_read.c) from the index alone.
-- Owned by src/calendar/.
CREATE INDEX deadlines_object_state ON deadlines(object_type, state, object_id);
