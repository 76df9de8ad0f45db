-- 006_vault: the evidence vault (src/store/blobs.h, src/recording/vault.h).
-- blobs: one row per distinct content, keyed by the lower-case hex
-- SHA-256 of its bytes; written once when the file became durable in the
-- blob store, in the same transaction as its "file.stored" ledger leaf.
-- blob_refs: which unit holds which content (a unit storing content that
-- another unit stored before gets its own row and leaf).  Both tables are
-- append-only (triggers in the dialect files).  File names are kept out of
-- these tables and out of the ledger (a name may carry personal data).
CREATE TABLE blobs (
  sha256 TEXT PRIMARY KEY,
  sm3 TEXT NOT NULL,
  size BIGINT NOT NULL,
  media_type TEXT NOT NULL,
  stored_at TEXT NOT NULL,
  leaf_index BIGINT NOT NULL,
  user_id BIGINT NOT NULL,            -- first storer (0 = the command line)
  unit_id BIGINT NOT NULL             -- first storer's unit (0 = none)
);

CREATE TABLE blob_refs (
  id {{ID}},
  sha256 TEXT NOT NULL REFERENCES blobs(sha256),
  unit_id BIGINT NOT NULL,
  user_id BIGINT NOT NULL,
  stored_at TEXT NOT NULL,
  leaf_index BIGINT NOT NULL,
  UNIQUE (sha256, unit_id)
);
CREATE INDEX blob_refs_unit ON blob_refs(unit_id, id);

-- tus uploads.  upload_offset only grows and is written after the received
-- bytes were fsync'ed; the partial file DATA/uploads/ID.part is cut back
-- to it on resume.  state: 'open' (receiving), 'complete' (every byte is
-- durable and sha256/sm3/detected_type are recorded, not yet in the vault:
-- finished on the next request), 'stored' (in the vault, leaf committed),
-- 'refused' (content refused, e.g. its type is not what was claimed),
-- 'expired' (still 'open' a day past expires_at: its partial file was
-- deleted by vault_uploads_expire; the row is kept).  Only state and the
-- columns filled when complete change; the trigger keeps id and length
-- fixed and upload_offset growing.
CREATE TABLE uploads (
  id TEXT PRIMARY KEY,                -- 32 hex digits, random
  length BIGINT NOT NULL,
  upload_offset BIGINT NOT NULL,
  metadata TEXT NOT NULL,             -- the Upload-Metadata header as sent
  media_type TEXT NOT NULL,           -- the type the client claims ("" = none)
  owner BIGINT NOT NULL,              -- users.id
  unit_id BIGINT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  state TEXT NOT NULL,
  sha256 TEXT,
  sm3 TEXT,
  detected_type TEXT,
  refused_reason TEXT
);
CREATE INDEX uploads_owner ON uploads(owner);
