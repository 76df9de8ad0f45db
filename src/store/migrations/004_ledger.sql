-- 004_ledger: the append-only Merkle log (src/ledger/, docs/ledger.md).
-- Hashes are lowercase hex of SHA-256.  Leaves, nodes and checkpoints are
-- never updated or deleted (triggers in the dialect files); ledger_head
-- only ever grows by one per appended leaf.

-- The single row that sequences appends (id = 1).  An append locks it
-- (SELECT ... FOR UPDATE on PostgreSQL; SQLite's BEGIN IMMEDIATE already
-- serialises writers), takes size as the new leaf's index and adds one.
CREATE TABLE ledger_head (
  id INTEGER PRIMARY KEY,
  size BIGINT NOT NULL
);
INSERT INTO ledger_head(id, size) VALUES (1, 0);

-- One row per leaf, idx = 0, 1, 2 ... without gaps.
CREATE TABLE ledger_leaves (
  idx BIGINT PRIMARY KEY,
  event_type TEXT NOT NULL,
  leaf TEXT NOT NULL,                     -- the canonical JSON bytes
  hash TEXT NOT NULL,                     -- SHA-256(0x00 || leaf)
  created_at TEXT NOT NULL
);

-- Hashes of complete subtrees of 2^level leaves (level >= 1), written as
-- the last leaf of the subtree arrives.  nkey = level * 2^48 + index, so
-- a tile (one level, consecutive indexes) is one key range.
CREATE TABLE ledger_nodes (
  nkey BIGINT PRIMARY KEY,
  hash TEXT NOT NULL
);

-- Signed checkpoints (C2SP tlog-checkpoint in a signed note).
CREATE TABLE ledger_checkpoints (
  id {{ID}},
  size BIGINT NOT NULL UNIQUE,
  root TEXT NOT NULL,                     -- hex root hash of the first size leaves
  note TEXT NOT NULL,                     -- the whole signed note
  signed_at TEXT NOT NULL
);
