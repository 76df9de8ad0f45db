CREATE TRIGGER cert_status_changes_append_only BEFORE UPDATE OR DELETE ON cert_status_changes
  FOR EACH ROW EXECUTE FUNCTION zhifa_append_only();
CREATE TRIGGER cert_status_changes_no_truncate BEFORE TRUNCATE ON cert_status_changes
  FOR EACH STATEMENT EXECUTE FUNCTION zhifa_append_only();
