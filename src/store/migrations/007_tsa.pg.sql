-- 007_tsa (PostgreSQL): stored time-stamps are never changed or removed
-- (ledger_refuse_change comes from 004_ledger.pg.sql).
CREATE TRIGGER checkpoint_timestamps_append_only BEFORE UPDATE OR DELETE ON checkpoint_timestamps
  FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
CREATE TRIGGER checkpoint_timestamps_no_truncate BEFORE TRUNCATE ON checkpoint_timestamps
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change();
