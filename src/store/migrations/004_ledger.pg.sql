-- 004_ledger (PostgreSQL): the leaf and node tables and their indexes
-- (columns as described in 004_ledger.sqlite.sql); the log tables refuse
-- UPDATE, DELETE and TRUNCATE.
CREATE TABLE ledger_leaves (
  idx BIGINT PRIMARY KEY,
  event_type TEXT NOT NULL,
  leaf TEXT NOT NULL,
  hash TEXT NOT NULL,
  hkey BIGINT NOT NULL,
  sha256 TEXT,
  created_at TEXT NOT NULL
);
-- idx in the key: "first leaf with this hash" reads one index entry
CREATE INDEX ledger_leaves_hkey ON ledger_leaves(hkey, idx);
CREATE INDEX ledger_leaves_sha256 ON ledger_leaves(sha256, idx) WHERE sha256 IS NOT NULL;

CREATE TABLE ledger_nodes (
  nkey BIGINT PRIMARY KEY,
  hash TEXT NOT NULL
);

CREATE FUNCTION ledger_head_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' OR NEW.id <> OLD.id OR NEW.size <> OLD.size + 1 THEN
    RAISE EXCEPTION 'ledger_head only grows by one';
  END IF;
  RETURN NEW;
END;
$$;
CREATE TRIGGER ledger_leaves_append_only BEFORE UPDATE OR DELETE ON ledger_leaves
  FOR EACH ROW EXECUTE FUNCTION zhifa_append_only();
CREATE TRIGGER ledger_nodes_append_only BEFORE UPDATE OR DELETE ON ledger_nodes
  FOR EACH ROW EXECUTE FUNCTION zhifa_append_only();
CREATE TRIGGER ledger_checkpoints_append_only BEFORE UPDATE OR DELETE ON ledger_checkpoints
  FOR EACH ROW EXECUTE FUNCTION zhifa_append_only();
CREATE TRIGGER ledger_head_grow_only BEFORE UPDATE OR DELETE ON ledger_head
  FOR EACH ROW EXECUTE FUNCTION ledger_head_guard();
CREATE TRIGGER ledger_leaves_no_truncate BEFORE TRUNCATE ON ledger_leaves
  FOR EACH STATEMENT EXECUTE FUNCTION zhifa_append_only();
CREATE TRIGGER ledger_nodes_no_truncate BEFORE TRUNCATE ON ledger_nodes
  FOR EACH STATEMENT EXECUTE FUNCTION zhifa_append_only();
CREATE TRIGGER ledger_checkpoints_no_truncate BEFORE TRUNCATE ON ledger_checkpoints
  FOR EACH STATEMENT EXECUTE FUNCTION zhifa_append_only();
