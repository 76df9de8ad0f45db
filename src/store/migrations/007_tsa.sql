-- 007_tsa: RFC 3161 time-stamps of signed checkpoints (src/ledger/tsa.h).
-- One row per time-stamped checkpoint, written by the server's "timestamp"
-- job when tsa_url is configured.  The message imprint is the SHA-256 of
-- the checkpoint's whole signed note (ledger_checkpoints.note); token is
-- the base64 of the DER TimeStampResp exactly as the authority sent it
-- (`openssl ts -verify -in` reads it).  Rows are never updated or deleted
-- (triggers in the dialect files); size is UNIQUE, so two stampers of the
-- same checkpoint settle on the first.
CREATE TABLE checkpoint_timestamps (
  id {{ID}},
  size BIGINT NOT NULL UNIQUE,            -- ledger_checkpoints.size
  root TEXT NOT NULL,                     -- hex root of that checkpoint (as stamped)
  imprint TEXT NOT NULL,                  -- hex SHA-256 of the signed note
  token TEXT NOT NULL,                    -- base64 DER TimeStampResp
  tsa_url TEXT NOT NULL,                  -- the authority asked
  gen_time TEXT NOT NULL,                 -- genTime of the token, UTC YYYY-MM-DDTHH:MM:SSZ
  serial TEXT NOT NULL,                   -- serialNumber of the token, hex
  requested_at TEXT NOT NULL,             -- when the request was sent
  stored_at TEXT NOT NULL
);
