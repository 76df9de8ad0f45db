-- 033_publications (SQLite): versions, events and marks are append-only.
CREATE TRIGGER publication_versions_no_update BEFORE UPDATE ON publication_versions
BEGIN SELECT RAISE(ABORT, '已公示的版本不可修改,更正须发布新版本'); END;
CREATE TRIGGER publication_versions_no_delete BEFORE DELETE ON publication_versions
BEGIN SELECT RAISE(ABORT, '已公示的版本不可删除'); END;
CREATE TRIGGER publication_events_no_update BEFORE UPDATE ON publication_events
BEGIN SELECT RAISE(ABORT, '公示记录只能追加,不可修改'); END;
CREATE TRIGGER publication_events_no_delete BEFORE DELETE ON publication_events
BEGIN SELECT RAISE(ABORT, '公示记录只能追加,不可删除'); END;
CREATE TRIGGER publication_marks_no_update BEFORE UPDATE ON publication_marks
BEGIN SELECT RAISE(ABORT, '隐去标注只能追加,不可修改'); END;
CREATE TRIGGER publication_marks_no_delete BEFORE DELETE ON publication_marks
BEGIN SELECT RAISE(ABORT, '隐去标注只能追加,不可删除'); END;
