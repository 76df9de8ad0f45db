-- 007_tsa (PostgreSQL): stored time-stamps are never changed or removed
-- (zhifa_append_only comes from 002_people.pg.sql).
CREATE TRIGGER checkpoint_timestamps_append_only BEFORE UPDATE OR DELETE ON checkpoint_timestamps
  FOR EACH ROW EXECUTE FUNCTION zhifa_append_only();
CREATE TRIGGER checkpoint_timestamps_no_truncate BEFORE TRUNCATE ON checkpoint_timestamps
  FOR EACH STATEMENT EXECUTE FUNCTION zhifa_append_only();
