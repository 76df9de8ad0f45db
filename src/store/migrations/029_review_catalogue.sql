-- 029_review_catalogue: which enforcement decisions are major (重大执法决定),
-- as versioned data.  Owned by src/review/catalogue.c.  One row per
-- version; rows are never changed or deleted (dialect files).  The version
-- in force on a day is the one with the latest effective_from on or before
-- it (then the highest version); a decision is classified by the version in
-- force on the day it is drafted.  definition is canonical JSON; sha256 its
-- SHA-256, also in the ledger leaf "review.catalogue".  The defaults
-- (src/assets/data/review_catalogue.json) are loaded as version 1 when the
-- table is empty.
CREATE TABLE review_catalogues (
  id {{ID}},
  version INTEGER NOT NULL UNIQUE CHECK (version >= 1),
  effective_from TEXT NOT NULL,           -- YYYY-MM-DD
  definition TEXT NOT NULL,               -- canonical JSON
  sha256 TEXT NOT NULL,
  note TEXT NOT NULL,                     -- why this version (the department's document)
  created_at TEXT NOT NULL,
  created_by TEXT NOT NULL                -- username, 'system' for the defaults
);
CREATE INDEX review_catalogues_from ON review_catalogues(effective_from);
