-- 004_ledger: the append-only Merkle log (src/ledger/, docs/ledger.md).
-- Hashes are lowercase hex of SHA-256.  Leaves, nodes and checkpoints are
-- never updated or deleted (triggers in the dialect files); ledger_head
-- only ever grows by one per appended leaf.
--
-- ledger_leaves and ledger_nodes are created in the dialect files: on
-- SQLite their integer keys are INTEGER PRIMARY KEY (the rowid, so a leaf
-- or node is one B-tree entry and appends go to the end of the tree), on
-- PostgreSQL BIGINT PRIMARY KEY.

-- The single row that sequences appends (id = 1).  An append runs
-- UPDATE ledger_head SET size = size + 1, stamp = ? WHERE id = 1 ...
-- RETURNING size: the UPDATE locks the row (PostgreSQL) or runs under the
-- write lock of BEGIN IMMEDIATE (SQLite) until the caller commits, and the
-- new size minus one is the new leaf's index.  stamp is a random 63-bit
-- value written by every append: it names the committed state, so an
-- appender can tell whether its in-memory right edge of the tree (the
-- frontier) is still the committed one.
CREATE TABLE ledger_head (
  id INTEGER PRIMARY KEY,
  size BIGINT NOT NULL,
  stamp BIGINT NOT NULL
);
INSERT INTO ledger_head(id, size, stamp) VALUES (1, 0, 0);

-- Signed checkpoints (C2SP tlog-checkpoint in a signed note).
CREATE TABLE ledger_checkpoints (
  id {{ID}},
  size BIGINT NOT NULL UNIQUE,
  root TEXT NOT NULL,                     -- hex root hash of the first size leaves
  note TEXT NOT NULL,                     -- the whole signed note
  signed_at TEXT NOT NULL
);
