-- 033_publications (PostgreSQL): what was published and what happened are
-- append-only (zhifa_append_only from 002).
CREATE TRIGGER publication_versions_append_only BEFORE UPDATE OR DELETE ON publication_versions
  FOR EACH ROW EXECUTE FUNCTION zhifa_append_only();
CREATE TRIGGER publication_versions_no_truncate BEFORE TRUNCATE ON publication_versions
  FOR EACH STATEMENT EXECUTE FUNCTION zhifa_append_only();
CREATE TRIGGER publication_events_append_only BEFORE UPDATE OR DELETE ON publication_events
  FOR EACH ROW EXECUTE FUNCTION zhifa_append_only();
CREATE TRIGGER publication_events_no_truncate BEFORE TRUNCATE ON publication_events
  FOR EACH STATEMENT EXECUTE FUNCTION zhifa_append_only();
