-- 029_review_catalogue (PostgreSQL): catalogue versions are append-only
-- (no UPDATE, DELETE or TRUNCATE; zhifa_append_only from 002).
CREATE TRIGGER review_catalogues_append_only BEFORE UPDATE OR DELETE ON review_catalogues
  FOR EACH ROW EXECUTE FUNCTION zhifa_append_only();
CREATE TRIGGER review_catalogues_no_truncate BEFORE TRUNCATE ON review_catalogues
  FOR EACH STATEMENT EXECUTE FUNCTION zhifa_append_only();
