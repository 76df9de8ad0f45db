-- 023_procedures (PostgreSQL): procedure versions are append-only (no
-- UPDATE, DELETE or TRUNCATE; zhifa_append_only from 002).
CREATE TRIGGER procedures_append_only BEFORE UPDATE OR DELETE ON procedures
  FOR EACH ROW EXECUTE FUNCTION zhifa_append_only();
CREATE TRIGGER procedures_no_truncate BEFORE TRUNCATE ON procedures
  FOR EACH STATEMENT EXECUTE FUNCTION zhifa_append_only();
