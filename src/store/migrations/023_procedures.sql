-- 023_procedures: enforcement procedures as versioned data (程序模板).
-- Owned by src/cases/procedure.c.  One row per (code, version); rows are
-- never changed or deleted (see the dialect files), so a case that stores
-- procedure_id keeps the exact definition it started under.  The version
-- of a code in force on a day is the one with the latest effective_from
-- on or before it (then the highest version).  definition is canonical
-- JSON (sorted keys, compact); sha256 is the SHA-256 of that text, also
-- recorded in the ledger leaf "procedure.version".  The defaults
-- (src/assets/data/procedures.json) are loaded as version 1 of each code
-- by procedure_ensure_defaults after the migrations, once per code.
CREATE TABLE procedures (
  id {{ID}},
  code TEXT NOT NULL,                     -- penalty_general, licence, …
  version INTEGER NOT NULL CHECK (version >= 1),
  kind TEXT NOT NULL CHECK (kind IN ('penalty', 'licence', 'inspection', 'coercion', 'levy', 'other')),
  name TEXT NOT NULL,
  effective_from TEXT NOT NULL,           -- YYYY-MM-DD
  definition TEXT NOT NULL,               -- canonical JSON
  sha256 TEXT NOT NULL,
  basis TEXT NOT NULL,                    -- the legal basis of the procedure as a whole
  created_at TEXT NOT NULL,
  created_by TEXT NOT NULL,               -- username, 'system' for the defaults
  UNIQUE (code, version)
);
CREATE INDEX procedures_code_from ON procedures(code, effective_from);
