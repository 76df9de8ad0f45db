-- 005_publicity (SQLite): published versions and withdrawals are append-only.
CREATE TRIGGER pub_item_versions_no_update BEFORE UPDATE ON pub_item_versions
BEGIN SELECT RAISE(ABORT, '已公示版本只能追加,不可修改'); END;
CREATE TRIGGER pub_item_versions_no_delete BEFORE DELETE ON pub_item_versions
BEGIN SELECT RAISE(ABORT, '已公示版本只能追加,不可删除'); END;
CREATE TRIGGER pub_withdrawals_no_update BEFORE UPDATE ON pub_withdrawals
BEGIN SELECT RAISE(ABORT, '撤下记录只能追加,不可修改'); END;
CREATE TRIGGER pub_withdrawals_no_delete BEFORE DELETE ON pub_withdrawals
BEGIN SELECT RAISE(ABORT, '撤下记录只能追加,不可删除'); END;
