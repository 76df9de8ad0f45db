-- 030_review_people (SQLite): both tables are append-only.
CREATE TRIGGER legal_qualifications_no_update BEFORE UPDATE ON legal_qualifications
BEGIN SELECT RAISE(ABORT, '法制审核资格记录只能追加,不可修改'); END;
CREATE TRIGGER legal_qualifications_no_delete BEFORE DELETE ON legal_qualifications
BEGIN SELECT RAISE(ABORT, '法制审核资格记录只能追加,不可删除'); END;
CREATE TRIGGER unit_leaders_no_update BEFORE UPDATE ON unit_leaders
BEGIN SELECT RAISE(ABORT, '分管负责人记录只能追加,不可修改'); END;
CREATE TRIGGER unit_leaders_no_delete BEFORE DELETE ON unit_leaders
BEGIN SELECT RAISE(ABORT, '分管负责人记录只能追加,不可删除'); END;
