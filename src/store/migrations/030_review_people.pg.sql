-- 030_review_people (PostgreSQL): both tables are append-only
-- (zhifa_append_only from 002).
CREATE TRIGGER legal_qualifications_append_only BEFORE UPDATE OR DELETE ON legal_qualifications
  FOR EACH ROW EXECUTE FUNCTION zhifa_append_only();
CREATE TRIGGER legal_qualifications_no_truncate BEFORE TRUNCATE ON legal_qualifications
  FOR EACH STATEMENT EXECUTE FUNCTION zhifa_append_only();
CREATE TRIGGER unit_leaders_append_only BEFORE UPDATE OR DELETE ON unit_leaders
  FOR EACH ROW EXECUTE FUNCTION zhifa_append_only();
CREATE TRIGGER unit_leaders_no_truncate BEFORE TRUNCATE ON unit_leaders
  FOR EACH STATEMENT EXECUTE FUNCTION zhifa_append_only();
