-- 033_publications (SQLite): what was published and what happened are append-only.
CREATE TRIGGER publication_versions_no_update BEFORE UPDATE ON publication_versions
BEGIN SELECT RAISE(ABORT, '已公开的版本只能追加,不可修改'); END;
CREATE TRIGGER publication_versions_no_delete BEFORE DELETE ON publication_versions
BEGIN SELECT RAISE(ABORT, '已公开的版本只能追加,不可删除'); END;
CREATE TRIGGER publication_events_no_update BEFORE UPDATE ON publication_events
BEGIN SELECT RAISE(ABORT, '公开记录只能追加,不可修改'); END;
CREATE TRIGGER publication_events_no_delete BEFORE DELETE ON publication_events
BEGIN SELECT RAISE(ABORT, '公开记录只能追加,不可删除'); END;
