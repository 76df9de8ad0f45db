-- 005_publicity (PostgreSQL): published versions and withdrawals are
-- append-only (no UPDATE, DELETE or TRUNCATE; zhifa_append_only from 002).
CREATE TRIGGER pub_item_versions_append_only BEFORE UPDATE OR DELETE ON pub_item_versions
  FOR EACH ROW EXECUTE FUNCTION zhifa_append_only();
CREATE TRIGGER pub_item_versions_no_truncate BEFORE TRUNCATE ON pub_item_versions
  FOR EACH STATEMENT EXECUTE FUNCTION zhifa_append_only();
CREATE TRIGGER pub_withdrawals_append_only BEFORE UPDATE OR DELETE ON pub_withdrawals
  FOR EACH ROW EXECUTE FUNCTION zhifa_append_only();
CREATE TRIGGER pub_withdrawals_no_truncate BEFORE TRUNCATE ON pub_withdrawals
  FOR EACH STATEMENT EXECUTE FUNCTION zhifa_append_only();
