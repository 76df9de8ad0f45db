-- 027_records (PostgreSQL): doc_types and signatures are append-only; a
-- final document is never changed; no document is ever deleted.
CREATE TRIGGER doc_types_append_only BEFORE UPDATE OR DELETE ON doc_types
  FOR EACH ROW EXECUTE FUNCTION zhifa_append_only();
CREATE TRIGGER doc_types_no_truncate BEFORE TRUNCATE ON doc_types
  FOR EACH STATEMENT EXECUTE FUNCTION zhifa_append_only();
CREATE FUNCTION zhifa_document_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '文书已定稿,不可修改' USING ERRCODE = 'P0001';
END $$;
CREATE TRIGGER documents_final_no_update BEFORE UPDATE ON documents
  FOR EACH ROW WHEN (OLD.status = 'final') EXECUTE FUNCTION zhifa_document_frozen();
CREATE TRIGGER documents_no_delete BEFORE DELETE ON documents
  FOR EACH ROW EXECUTE FUNCTION zhifa_append_only();
CREATE TRIGGER documents_no_truncate BEFORE TRUNCATE ON documents
  FOR EACH STATEMENT EXECUTE FUNCTION zhifa_append_only();
CREATE TRIGGER document_signatures_append_only BEFORE UPDATE OR DELETE ON document_signatures
  FOR EACH ROW EXECUTE FUNCTION zhifa_append_only();
CREATE TRIGGER document_signatures_no_truncate BEFORE TRUNCATE ON document_signatures
  FOR EACH STATEMENT EXECUTE FUNCTION zhifa_append_only();
