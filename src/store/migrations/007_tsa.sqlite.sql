-- 007_tsa (SQLite): stored time-stamps are never changed or removed.
CREATE TRIGGER checkpoint_timestamps_no_update BEFORE UPDATE ON checkpoint_timestamps
BEGIN SELECT RAISE(ABORT, 'checkpoint_timestamps is append-only'); END;
CREATE TRIGGER checkpoint_timestamps_no_delete BEFORE DELETE ON checkpoint_timestamps
BEGIN SELECT RAISE(ABORT, 'checkpoint_timestamps is append-only'); END;
