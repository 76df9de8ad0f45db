-- 012_vault_files: claims on tus uploads (one writer at a time, across
-- processes and instances: src/recording/vault.c).
-- claimed_by: "HOST PID RANDOM" of the PATCH writing the upload now (NULL
-- when none); claimed_at: unix seconds of the claim or its last renewal.
-- A claim older than the claim lifetime, or one from this host whose
-- writer no longer holds the partial file's lock, may be taken over.
ALTER TABLE uploads ADD COLUMN claimed_by TEXT;
ALTER TABLE uploads ADD COLUMN claimed_at BIGINT;
