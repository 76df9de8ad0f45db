-- 024_cases (SQLite): the acts of a case are never changed or deleted.
CREATE TRIGGER case_acts_no_update BEFORE UPDATE ON case_acts
BEGIN SELECT RAISE(ABORT, 'case_acts is append-only'); END;
CREATE TRIGGER case_acts_no_delete BEFORE DELETE ON case_acts
BEGIN SELECT RAISE(ABORT, 'case_acts is append-only'); END;
CREATE TRIGGER cases_no_delete BEFORE DELETE ON cases
BEGIN SELECT RAISE(ABORT, 'cases are never deleted'); END;
