-- 032_review_gate (PostgreSQL): the gate on final decision documents (as
-- the SQLite file says), and the three tables append-only.
CREATE FUNCTION zhifa_decision_gate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.status <> 'final' OR (TG_OP = 'UPDATE' AND OLD.status = 'final') THEN
    RETURN NEW;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM decision_doc_types t WHERE t.type_code = NEW.type_code) THEN
    RETURN NEW;
  END IF;
  IF EXISTS (SELECT 1 FROM review_clearances k WHERE k.case_id = NEW.case_id
             AND k.material_sha256 = NEW.review_material) THEN
    RETURN NEW;
  END IF;
  IF EXISTS (SELECT 1 FROM review_classifications c WHERE c.case_id = NEW.case_id
             AND c.material_sha256 = NEW.review_material AND c.major = 0)
     AND NOT EXISTS (SELECT 1 FROM review_classifications c WHERE c.case_id = NEW.case_id AND c.major = 1)
     AND NOT EXISTS (SELECT 1 FROM review_rounds r WHERE r.case_id = NEW.case_id AND r.major = 1) THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION '重大执法决定未经法制审核同意（或分管负责人审定同意作出），不得定稿' USING ERRCODE = 'P0001';
END $$;
CREATE TRIGGER documents_decision_gate BEFORE INSERT OR UPDATE OF status ON documents
  FOR EACH ROW EXECUTE FUNCTION zhifa_decision_gate();
CREATE TRIGGER decision_doc_types_append_only BEFORE UPDATE OR DELETE ON decision_doc_types
  FOR EACH ROW EXECUTE FUNCTION zhifa_append_only();
CREATE TRIGGER review_classifications_append_only BEFORE UPDATE OR DELETE ON review_classifications
  FOR EACH ROW EXECUTE FUNCTION zhifa_append_only();
CREATE TRIGGER review_clearances_append_only BEFORE UPDATE OR DELETE ON review_clearances
  FOR EACH ROW EXECUTE FUNCTION zhifa_append_only();
CREATE TRIGGER decision_gate_tables_no_truncate BEFORE TRUNCATE ON review_classifications
  FOR EACH STATEMENT EXECUTE FUNCTION zhifa_append_only();
CREATE TRIGGER review_clearances_no_truncate BEFORE TRUNCATE ON review_clearances
  FOR EACH STATEMENT EXECUTE FUNCTION zhifa_append_only();
CREATE TRIGGER review_documents_append_only BEFORE UPDATE OR DELETE ON review_documents
  FOR EACH ROW EXECUTE FUNCTION zhifa_append_only();
