-- 028_record_media (SQLite): audio-visual records are never changed or deleted.
CREATE TRIGGER record_media_no_update BEFORE UPDATE ON record_media
BEGIN SELECT RAISE(ABORT, '音像记录只能追加,不可修改'); END;
CREATE TRIGGER record_media_no_delete BEFORE DELETE ON record_media
BEGIN SELECT RAISE(ABORT, '音像记录只能追加,不可删除'); END;
