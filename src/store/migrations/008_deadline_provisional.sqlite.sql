-- 008_deadline_provisional (SQLite): the history of due dates is append-only.
CREATE TRIGGER deadline_changes_no_update BEFORE UPDATE ON deadline_changes
BEGIN SELECT RAISE(ABORT, '期限变更记录只能追加,不可修改'); END;
CREATE TRIGGER deadline_changes_no_delete BEFORE DELETE ON deadline_changes
BEGIN SELECT RAISE(ABORT, '期限变更记录只能追加,不可删除'); END;
