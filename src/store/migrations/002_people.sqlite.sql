-- 002_people (SQLite): the audit logs are append-only.
CREATE TRIGGER op_log_no_update BEFORE UPDATE ON op_log
BEGIN SELECT RAISE(ABORT, '操作日志只能追加,不可修改'); END;
CREATE TRIGGER op_log_no_delete BEFORE DELETE ON op_log
BEGIN SELECT RAISE(ABORT, '操作日志只能追加,不可删除'); END;
CREATE TRIGGER login_log_no_update BEFORE UPDATE ON login_log
BEGIN SELECT RAISE(ABORT, '登录日志只能追加,不可修改'); END;
CREATE TRIGGER login_log_no_delete BEFORE DELETE ON login_log
BEGIN SELECT RAISE(ABORT, '登录日志只能追加,不可删除'); END;
