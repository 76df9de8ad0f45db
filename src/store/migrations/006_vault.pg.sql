-- 006_vault (PostgreSQL): stored files are never changed or removed
-- (zhifa_append_only comes from 002_people.pg.sql).
CREATE FUNCTION uploads_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.upload_offset < OLD.upload_offset OR NEW.length <> OLD.length OR NEW.id <> OLD.id THEN
    RAISE EXCEPTION 'uploads: offset only grows';
  END IF;
  RETURN NEW;
END;
$$;
CREATE TRIGGER blobs_append_only BEFORE UPDATE OR DELETE ON blobs
  FOR EACH ROW EXECUTE FUNCTION zhifa_append_only();
CREATE TRIGGER blob_refs_append_only BEFORE UPDATE OR DELETE ON blob_refs
  FOR EACH ROW EXECUTE FUNCTION zhifa_append_only();
CREATE TRIGGER blobs_no_truncate BEFORE TRUNCATE ON blobs
  FOR EACH STATEMENT EXECUTE FUNCTION zhifa_append_only();
CREATE TRIGGER blob_refs_no_truncate BEFORE TRUNCATE ON blob_refs
  FOR EACH STATEMENT EXECUTE FUNCTION zhifa_append_only();
CREATE TRIGGER uploads_offset_grows BEFORE UPDATE ON uploads
  FOR EACH ROW EXECUTE FUNCTION uploads_guard();
