CREATE TRIGGER cert_status_changes_no_update BEFORE UPDATE ON cert_status_changes
BEGIN SELECT RAISE(ABORT, '执法证状态记录只能追加,不可修改'); END;
CREATE TRIGGER cert_status_changes_no_delete BEFORE DELETE ON cert_status_changes
BEGIN SELECT RAISE(ABORT, '执法证状态记录只能追加,不可删除'); END;
