-- 012_vault_files: claims on tus uploads (one writer at a time, across
-- processes and instances: src/recording/vault.c).
-- claimed_by: "HOST PID RANDOM" of the PATCH writing the upload now (NULL
-- when none); claimed_at: unix seconds of the claim or its last renewal.
-- A claim older than the claim lifetime, or one from this host whose
-- writer no longer holds the partial file's lock, may be taken over.
ALTER TABLE uploads ADD COLUMN claimed_by TEXT;
ALTER TABLE uploads ADD COLUMN claimed_at BIGINT;

-- What the person who stored a file said about it: its original name and
-- a description, one row per storing (also when the content was stored
-- before), with who stored it.  Kept here and never in a ledger leaf (a
-- name may carry personal data).  Append-only (triggers in the dialect
-- files).  The uploads row keeps them until the file is stored.
CREATE TABLE blob_names (
  id {{ID}},
  sha256 TEXT NOT NULL REFERENCES blobs(sha256),
  unit_id BIGINT NOT NULL,
  user_id BIGINT NOT NULL,            -- users.id (0 = the command line)
  filename TEXT NOT NULL,             -- cleaned (src/recording/tus.h), '' = none given
  description TEXT NOT NULL,
  stored_at TEXT NOT NULL,
  upload_id TEXT                      -- the tus upload, NULL for a form or the command line
);
CREATE INDEX blob_names_ref ON blob_names(sha256, unit_id, id);
ALTER TABLE uploads ADD COLUMN filename TEXT NOT NULL DEFAULT '';
ALTER TABLE uploads ADD COLUMN description TEXT NOT NULL DEFAULT '';
