-- 027_records (SQLite): doc_types and signatures are append-only; a final
-- document is never changed; no document is ever deleted.
CREATE TRIGGER doc_types_no_update BEFORE UPDATE ON doc_types
BEGIN SELECT RAISE(ABORT, '文书种类版本只能追加,不可修改'); END;
CREATE TRIGGER doc_types_no_delete BEFORE DELETE ON doc_types
BEGIN SELECT RAISE(ABORT, '文书种类版本只能追加,不可删除'); END;
CREATE TRIGGER documents_final_no_update BEFORE UPDATE ON documents
WHEN OLD.status = 'final'
BEGIN SELECT RAISE(ABORT, '文书已定稿,不可修改'); END;
CREATE TRIGGER documents_no_delete BEFORE DELETE ON documents
BEGIN SELECT RAISE(ABORT, '文书不可删除'); END;
CREATE TRIGGER document_signatures_no_update BEFORE UPDATE ON document_signatures
BEGIN SELECT RAISE(ABORT, '签名记录只能追加,不可修改'); END;
CREATE TRIGGER document_signatures_no_delete BEFORE DELETE ON document_signatures
BEGIN SELECT RAISE(ABORT, '签名记录只能追加,不可删除'); END;
