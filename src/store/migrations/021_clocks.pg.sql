-- 021_clocks (PostgreSQL): extensions are append-only.
CREATE TRIGGER deadline_extensions_append_only BEFORE UPDATE OR DELETE ON deadline_extensions
  FOR EACH ROW EXECUTE FUNCTION zhifa_append_only();
CREATE TRIGGER deadline_extensions_no_truncate BEFORE TRUNCATE ON deadline_extensions
  FOR EACH STATEMENT EXECUTE FUNCTION zhifa_append_only();
