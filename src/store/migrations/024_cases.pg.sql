-- 024_cases (PostgreSQL): the acts of a case are never changed or deleted.
CREATE TRIGGER case_acts_append_only BEFORE UPDATE OR DELETE ON case_acts
  FOR EACH ROW EXECUTE FUNCTION zhifa_append_only();
CREATE TRIGGER case_acts_no_truncate BEFORE TRUNCATE ON case_acts
  FOR EACH STATEMENT EXECUTE FUNCTION zhifa_append_only();
CREATE TRIGGER cases_no_delete BEFORE DELETE ON cases
  FOR EACH ROW EXECUTE FUNCTION zhifa_append_only();
CREATE TRIGGER cases_no_truncate BEFORE TRUNCATE ON cases
  FOR EACH STATEMENT EXECUTE FUNCTION zhifa_append_only();
