-- 012_vault_files (SQLite): the names of stored files are never changed.
CREATE TRIGGER blob_names_no_update BEFORE UPDATE ON blob_names
BEGIN SELECT RAISE(ABORT, 'blob_names is append-only'); END;
CREATE TRIGGER blob_names_no_delete BEFORE DELETE ON blob_names
BEGIN SELECT RAISE(ABORT, 'blob_names is append-only'); END;
