-- 031_review (SQLite): rounds and events are append-only.
CREATE TRIGGER review_rounds_no_update BEFORE UPDATE ON review_rounds
BEGIN SELECT RAISE(ABORT, '法制审核送审记录只能追加,不可修改'); END;
CREATE TRIGGER review_rounds_no_delete BEFORE DELETE ON review_rounds
BEGIN SELECT RAISE(ABORT, '法制审核送审记录只能追加,不可删除'); END;
CREATE TRIGGER review_events_no_update BEFORE UPDATE ON review_events
BEGIN SELECT RAISE(ABORT, '法制审核记录只能追加,不可修改'); END;
CREATE TRIGGER review_events_no_delete BEFORE DELETE ON review_events
BEGIN SELECT RAISE(ABORT, '法制审核记录只能追加,不可删除'); END;
