-- 022_numbers (SQLite): issued numbers and scheme versions are append-only.
CREATE TRIGGER number_issued_no_update BEFORE UPDATE ON number_issued
BEGIN SELECT RAISE(ABORT, '已发文号只能追加,不可修改'); END;
CREATE TRIGGER number_issued_no_delete BEFORE DELETE ON number_issued
BEGIN SELECT RAISE(ABORT, '已发文号只能追加,不可删除'); END;
CREATE TRIGGER number_schemes_no_update BEFORE UPDATE ON number_schemes
BEGIN SELECT RAISE(ABORT, '文号规则版本只能新增,不可修改'); END;
CREATE TRIGGER number_schemes_no_delete BEFORE DELETE ON number_schemes
BEGIN SELECT RAISE(ABORT, '文号规则版本只能新增,不可删除'); END;
