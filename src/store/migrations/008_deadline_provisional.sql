-- 008_deadline_provisional: deadlines whose due date was counted on a year
-- whose holiday notice was not loaded (statutory holidays only, see
-- src/calendar/statutory.h), and the history of every due-date change.
-- Owned by src/calendar/.
--
-- provisional = 1: due_on rests on such a year; provisional_years names
-- them ('2027' or '2027,2028').  Both are recomputed when a year is
-- imported (deadline_recompute_all), and each change of due_on or of the
-- provisional mark appends a deadline_changes row (never updated).
ALTER TABLE deadlines ADD COLUMN provisional INTEGER NOT NULL DEFAULT 0;
ALTER TABLE deadlines ADD COLUMN provisional_years TEXT NOT NULL DEFAULT '';

CREATE TABLE deadline_changes (
  id {{ID}},
  deadline_id BIGINT NOT NULL REFERENCES deadlines(id),
  at TEXT NOT NULL,
  by_user TEXT NOT NULL,                  -- username, 'system' when none
  old_due TEXT NOT NULL,
  new_due TEXT NOT NULL,
  old_provisional INTEGER NOT NULL,
  new_provisional INTEGER NOT NULL,
  reason TEXT NOT NULL                    -- shown to users, in Chinese
);
CREATE INDEX deadline_changes_deadline ON deadline_changes(deadline_id, id);
