-- 008_deadline_provisional (PostgreSQL): the history of due dates is append-only.
CREATE TRIGGER deadline_changes_append_only BEFORE UPDATE OR DELETE ON deadline_changes
  FOR EACH ROW EXECUTE FUNCTION zhifa_append_only();
CREATE TRIGGER deadline_changes_no_truncate BEFORE TRUNCATE ON deadline_changes
  FOR EACH STATEMENT EXECUTE FUNCTION zhifa_append_only();
