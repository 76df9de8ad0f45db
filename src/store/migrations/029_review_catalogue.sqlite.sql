-- 029_review_catalogue (SQLite): catalogue versions are append-only.
CREATE TRIGGER review_catalogues_no_update BEFORE UPDATE ON review_catalogues
BEGIN SELECT RAISE(ABORT, '重大执法决定目录版本只能追加,不可修改'); END;
CREATE TRIGGER review_catalogues_no_delete BEFORE DELETE ON review_catalogues
BEGIN SELECT RAISE(ABORT, '重大执法决定目录版本只能追加,不可删除'); END;
