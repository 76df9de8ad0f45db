-- 020_parties (PostgreSQL): versions are append-only (no UPDATE, DELETE or
-- TRUNCATE; zhifa_append_only from 002); parties are never deleted.
CREATE TRIGGER party_versions_append_only BEFORE UPDATE OR DELETE ON party_versions
  FOR EACH ROW EXECUTE FUNCTION zhifa_append_only();
CREATE TRIGGER party_versions_no_truncate BEFORE TRUNCATE ON party_versions
  FOR EACH STATEMENT EXECUTE FUNCTION zhifa_append_only();
CREATE TRIGGER parties_no_delete BEFORE DELETE ON parties
  FOR EACH ROW EXECUTE FUNCTION zhifa_append_only();
CREATE TRIGGER parties_no_truncate BEFORE TRUNCATE ON parties
  FOR EACH STATEMENT EXECUTE FUNCTION zhifa_append_only();
