-- 002_people (PostgreSQL): the audit logs are append-only (no UPDATE,
-- DELETE or TRUNCATE, whatever the role).  zhifa_append_only() is the one
-- trigger function every append-only table of later migrations uses too.
CREATE FUNCTION zhifa_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% 只能追加，不可修改或删除', TG_TABLE_NAME;
END
$$;
CREATE TRIGGER op_log_append_only BEFORE UPDATE OR DELETE ON op_log
  FOR EACH ROW EXECUTE FUNCTION zhifa_append_only();
CREATE TRIGGER op_log_no_truncate BEFORE TRUNCATE ON op_log
  FOR EACH STATEMENT EXECUTE FUNCTION zhifa_append_only();
CREATE TRIGGER login_log_append_only BEFORE UPDATE OR DELETE ON login_log
  FOR EACH ROW EXECUTE FUNCTION zhifa_append_only();
CREATE TRIGGER login_log_no_truncate BEFORE TRUNCATE ON login_log
  FOR EACH STATEMENT EXECUTE FUNCTION zhifa_append_only();
