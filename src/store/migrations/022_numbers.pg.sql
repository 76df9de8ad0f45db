-- 022_numbers (PostgreSQL): issued numbers and scheme versions are append-only.
CREATE TRIGGER number_issued_append_only BEFORE UPDATE OR DELETE ON number_issued
  FOR EACH ROW EXECUTE FUNCTION zhifa_append_only();
CREATE TRIGGER number_issued_no_truncate BEFORE TRUNCATE ON number_issued
  FOR EACH STATEMENT EXECUTE FUNCTION zhifa_append_only();
CREATE TRIGGER number_schemes_append_only BEFORE UPDATE OR DELETE ON number_schemes
  FOR EACH ROW EXECUTE FUNCTION zhifa_append_only();
CREATE TRIGGER number_schemes_no_truncate BEFORE TRUNCATE ON number_schemes
  FOR EACH STATEMENT EXECUTE FUNCTION zhifa_append_only();
