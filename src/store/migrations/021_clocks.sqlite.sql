-- 021_clocks (SQLite): extensions are append-only.
CREATE TRIGGER deadline_extensions_no_update BEFORE UPDATE ON deadline_extensions
BEGIN SELECT RAISE(ABORT, '期限延长记录只能追加,不可修改'); END;
CREATE TRIGGER deadline_extensions_no_delete BEFORE DELETE ON deadline_extensions
BEGIN SELECT RAISE(ABORT, '期限延长记录只能追加,不可删除'); END;
