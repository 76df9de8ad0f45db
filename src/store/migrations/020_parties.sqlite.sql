-- 020_parties (SQLite): versions are append-only; parties are never deleted.
CREATE TRIGGER party_versions_no_update BEFORE UPDATE ON party_versions
BEGIN SELECT RAISE(ABORT, '当事人信息版本只能追加,不可修改'); END;
CREATE TRIGGER party_versions_no_delete BEFORE DELETE ON party_versions
BEGIN SELECT RAISE(ABORT, '当事人信息版本只能追加,不可删除'); END;
CREATE TRIGGER parties_no_delete BEFORE DELETE ON parties
BEGIN SELECT RAISE(ABORT, '当事人不可删除'); END;
