-- 032_review_gate (SQLite): the gate on final decision documents, and the
-- three tables append-only.
--
-- A decision document (of a type in decision_doc_types) becomes final only
-- when its review_material is cleared by a round (review_clearances), or
-- when it was classified not major (review_classifications, major 0, for
-- that very material) and the case has no major classification or round.
CREATE TRIGGER documents_decision_gate_update BEFORE UPDATE OF status ON documents
WHEN NEW.status = 'final' AND OLD.status <> 'final'
  AND EXISTS (SELECT 1 FROM decision_doc_types t WHERE t.type_code = NEW.type_code)
  AND NOT EXISTS (SELECT 1 FROM review_clearances k WHERE k.case_id = NEW.case_id
                  AND k.material_sha256 = NEW.review_material)
  AND NOT (EXISTS (SELECT 1 FROM review_classifications c WHERE c.case_id = NEW.case_id
                   AND c.material_sha256 = NEW.review_material AND c.major = 0)
           AND NOT EXISTS (SELECT 1 FROM review_classifications c WHERE c.case_id = NEW.case_id AND c.major = 1)
           AND NOT EXISTS (SELECT 1 FROM review_rounds r WHERE r.case_id = NEW.case_id AND r.major = 1))
BEGIN SELECT RAISE(ABORT, '重大执法决定未经法制审核同意（或分管负责人审定同意作出），不得定稿'); END;
CREATE TRIGGER documents_decision_gate_insert BEFORE INSERT ON documents
WHEN NEW.status = 'final'
  AND EXISTS (SELECT 1 FROM decision_doc_types t WHERE t.type_code = NEW.type_code)
  AND NOT EXISTS (SELECT 1 FROM review_clearances k WHERE k.case_id = NEW.case_id
                  AND k.material_sha256 = NEW.review_material)
  AND NOT (EXISTS (SELECT 1 FROM review_classifications c WHERE c.case_id = NEW.case_id
                   AND c.material_sha256 = NEW.review_material AND c.major = 0)
           AND NOT EXISTS (SELECT 1 FROM review_classifications c WHERE c.case_id = NEW.case_id AND c.major = 1)
           AND NOT EXISTS (SELECT 1 FROM review_rounds r WHERE r.case_id = NEW.case_id AND r.major = 1))
BEGIN SELECT RAISE(ABORT, '重大执法决定未经法制审核同意（或分管负责人审定同意作出），不得定稿'); END;
CREATE TRIGGER decision_doc_types_no_update BEFORE UPDATE ON decision_doc_types
BEGIN SELECT RAISE(ABORT, '执法决定文书种类只能追加,不可修改'); END;
CREATE TRIGGER decision_doc_types_no_delete BEFORE DELETE ON decision_doc_types
BEGIN SELECT RAISE(ABORT, '执法决定文书种类只能追加,不可删除'); END;
CREATE TRIGGER review_classifications_no_update BEFORE UPDATE ON review_classifications
BEGIN SELECT RAISE(ABORT, '重大执法决定认定记录只能追加,不可修改'); END;
CREATE TRIGGER review_classifications_no_delete BEFORE DELETE ON review_classifications
BEGIN SELECT RAISE(ABORT, '重大执法决定认定记录只能追加,不可删除'); END;
CREATE TRIGGER review_clearances_no_update BEFORE UPDATE ON review_clearances
BEGIN SELECT RAISE(ABORT, '法制审核通过记录只能追加,不可修改'); END;
CREATE TRIGGER review_clearances_no_delete BEFORE DELETE ON review_clearances
BEGIN SELECT RAISE(ABORT, '法制审核通过记录只能追加,不可删除'); END;
CREATE TRIGGER review_documents_no_update BEFORE UPDATE ON review_documents
BEGIN SELECT RAISE(ABORT, '法制审核文书记录只能追加,不可修改'); END;
CREATE TRIGGER review_documents_no_delete BEFORE DELETE ON review_documents
BEGIN SELECT RAISE(ABORT, '法制审核文书记录只能追加,不可删除'); END;
