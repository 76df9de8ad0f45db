-- 006_vault (SQLite): stored files are never changed or removed.
CREATE TRIGGER blobs_no_update BEFORE UPDATE ON blobs
BEGIN SELECT RAISE(ABORT, 'blobs is append-only'); END;
CREATE TRIGGER blobs_no_delete BEFORE DELETE ON blobs
BEGIN SELECT RAISE(ABORT, 'blobs is append-only'); END;
CREATE TRIGGER blob_refs_no_update BEFORE UPDATE ON blob_refs
BEGIN SELECT RAISE(ABORT, 'blob_refs is append-only'); END;
CREATE TRIGGER blob_refs_no_delete BEFORE DELETE ON blob_refs
BEGIN SELECT RAISE(ABORT, 'blob_refs is append-only'); END;
CREATE TRIGGER uploads_offset_grows BEFORE UPDATE ON uploads
WHEN NEW.upload_offset < OLD.upload_offset OR NEW.length <> OLD.length OR NEW.id <> OLD.id
BEGIN SELECT RAISE(ABORT, 'uploads: offset only grows'); END;
