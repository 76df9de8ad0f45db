-- 004_ledger (SQLite): the leaf and node tables (rowid keys) and their
-- indexes; the log tables refuse UPDATE and DELETE.

-- One row per leaf, idx = 0, 1, 2 ... without gaps.
--   leaf    the canonical JSON bytes
--   hash    SHA-256(0x00 || leaf), hex
--   hkey    the first 4 bytes of that hash as a big-endian signed 32-bit
--           integer: a small indexed key for lookups by leaf hash
--   sha256  the leaf's top-level "sha256" member when it is 64 lowercase
--           hex digits (the SHA-256 of a file the leaf records), else NULL
CREATE TABLE ledger_leaves (
  idx INTEGER PRIMARY KEY,
  event_type TEXT NOT NULL,
  leaf TEXT NOT NULL,
  hash TEXT NOT NULL,
  hkey BIGINT NOT NULL,
  sha256 TEXT,
  created_at TEXT NOT NULL
);
-- (the rowid idx is part of every index entry, so "first leaf" is the
-- first entry of the key)
CREATE INDEX ledger_leaves_hkey ON ledger_leaves(hkey);
CREATE INDEX ledger_leaves_sha256 ON ledger_leaves(sha256) WHERE sha256 IS NOT NULL;

-- Hashes of complete subtrees of 2^level leaves (level >= 1), written as
-- the last leaf of the subtree arrives.  nkey = level * 2^48 + index, so
-- a tile (one level, consecutive indexes) is one key range.
CREATE TABLE ledger_nodes (
  nkey INTEGER PRIMARY KEY,
  hash TEXT NOT NULL
);

CREATE TRIGGER ledger_leaves_no_update BEFORE UPDATE ON ledger_leaves
BEGIN SELECT RAISE(ABORT, 'ledger_leaves is append-only'); END;
CREATE TRIGGER ledger_leaves_no_delete BEFORE DELETE ON ledger_leaves
BEGIN SELECT RAISE(ABORT, 'ledger_leaves is append-only'); END;
CREATE TRIGGER ledger_nodes_no_update BEFORE UPDATE ON ledger_nodes
BEGIN SELECT RAISE(ABORT, 'ledger_nodes is append-only'); END;
CREATE TRIGGER ledger_nodes_no_delete BEFORE DELETE ON ledger_nodes
BEGIN SELECT RAISE(ABORT, 'ledger_nodes is append-only'); END;
CREATE TRIGGER ledger_checkpoints_no_update BEFORE UPDATE ON ledger_checkpoints
BEGIN SELECT RAISE(ABORT, 'ledger_checkpoints is append-only'); END;
CREATE TRIGGER ledger_checkpoints_no_delete BEFORE DELETE ON ledger_checkpoints
BEGIN SELECT RAISE(ABORT, 'ledger_checkpoints is append-only'); END;
CREATE TRIGGER ledger_head_no_delete BEFORE DELETE ON ledger_head
BEGIN SELECT RAISE(ABORT, 'ledger_head cannot be deleted'); END;
CREATE TRIGGER ledger_head_grow_only BEFORE UPDATE ON ledger_head
WHEN NEW.id <> OLD.id OR NEW.size <> OLD.size + 1
BEGIN SELECT RAISE(ABORT, 'ledger_head only grows by one'); END;
