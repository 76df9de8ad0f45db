-- 023_procedures (SQLite): procedure versions are append-only.
CREATE TRIGGER procedures_no_update BEFORE UPDATE ON procedures
BEGIN SELECT RAISE(ABORT, '执法程序版本只能追加,不可修改'); END;
CREATE TRIGGER procedures_no_delete BEFORE DELETE ON procedures
BEGIN SELECT RAISE(ABORT, '执法程序版本只能追加,不可删除'); END;
