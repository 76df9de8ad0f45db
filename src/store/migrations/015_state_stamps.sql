-- 015_state_stamps: one row per kind of state that a server process keeps
-- in memory (the working-day calendar, the ledger's signing keys).  Every
-- change of that state bumps its stamp in the same transaction as the
-- change; each process compares the stamp with the one it loaded (one
-- primary-key read when the state is used) and reloads when it differs,
-- so several instances on one database stay coherent.  Owned by
-- src/store/stamp.c.
CREATE TABLE state_stamps (
  kind TEXT PRIMARY KEY,
  stamp BIGINT NOT NULL DEFAULT 0
);
INSERT INTO state_stamps(kind, stamp) VALUES ('calendar', 0);
INSERT INTO state_stamps(kind, stamp) VALUES ('keys', 0);
