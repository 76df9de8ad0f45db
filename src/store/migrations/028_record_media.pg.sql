-- 028_record_media (PostgreSQL): audio-visual records are never changed or deleted.
CREATE TRIGGER record_media_append_only BEFORE UPDATE OR DELETE ON record_media
  FOR EACH ROW EXECUTE FUNCTION zhifa_append_only();
CREATE TRIGGER record_media_no_truncate BEFORE TRUNCATE ON record_media
  FOR EACH STATEMENT EXECUTE FUNCTION zhifa_append_only();
