-- 031_review (PostgreSQL): rounds and events are append-only
-- (zhifa_append_only from 002).
CREATE TRIGGER review_rounds_append_only BEFORE UPDATE OR DELETE ON review_rounds
  FOR EACH ROW EXECUTE FUNCTION zhifa_append_only();
CREATE TRIGGER review_rounds_no_truncate BEFORE TRUNCATE ON review_rounds
  FOR EACH STATEMENT EXECUTE FUNCTION zhifa_append_only();
CREATE TRIGGER review_events_append_only BEFORE UPDATE OR DELETE ON review_events
  FOR EACH ROW EXECUTE FUNCTION zhifa_append_only();
CREATE TRIGGER review_events_no_truncate BEFORE TRUNCATE ON review_events
  FOR EACH STATEMENT EXECUTE FUNCTION zhifa_append_only();
