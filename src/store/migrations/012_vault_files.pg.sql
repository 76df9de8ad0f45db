-- 012_vault_files (PostgreSQL): the names of stored files are never changed.
CREATE TRIGGER blob_names_append_only BEFORE UPDATE OR DELETE ON blob_names
  FOR EACH ROW EXECUTE FUNCTION zhifa_append_only();
CREATE TRIGGER blob_names_no_truncate BEFORE TRUNCATE ON blob_names
  FOR EACH STATEMENT EXECUTE FUNCTION zhifa_append_only();
