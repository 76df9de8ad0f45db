-- 027_records: 执法文书 (src/records/, records.h).  doc_types holds the
-- catalogue of document types as versioned data (append-only, like
-- procedures: a change is a new version with its effective date);
-- documents are drafted, then finalised (a final row never changes: see
-- the dialect files); document_signatures are append-only.  A signature
-- binds the content_sha256 of the exact version signed.
CREATE TABLE doc_types (
  id {{ID}},
  code TEXT NOT NULL,
  version INTEGER NOT NULL CHECK (version >= 1),
  name TEXT NOT NULL,
  definition TEXT NOT NULL,               -- canonical JSON
  sha256 TEXT NOT NULL,
  effective_from TEXT NOT NULL,           -- YYYY-MM-DD
  basis TEXT NOT NULL,
  created_at TEXT NOT NULL,
  created_by TEXT NOT NULL,               -- username, 'system' for the defaults
  UNIQUE (code, version)
);
CREATE INDEX doc_types_code_from ON doc_types(code, effective_from);

CREATE TABLE documents (
  id {{ID}},
  case_id BIGINT NOT NULL REFERENCES cases(id),
  doc_type_id BIGINT NOT NULL REFERENCES doc_types(id),
  type_code TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'final')),
  fields TEXT NOT NULL,                   -- JSON object {key: value}
  number TEXT,                            -- NULL until finalised (and for types without a number)
  corrects_id BIGINT REFERENCES documents(id),
  correction_reason TEXT,
  act_started_at TEXT,                    -- UTC: the act the document records
  act_ended_at TEXT,
  created_by BIGINT NOT NULL REFERENCES users(id),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  row_version INTEGER NOT NULL DEFAULT 1,
  finalised_by BIGINT REFERENCES users(id),
  finalised_at TEXT,
  content_sha256 TEXT NOT NULL,
  pdf_sha256 TEXT,
  pdf_sm3 TEXT,
  pdf_size BIGINT,
  pdf_pages INTEGER,
  leaf_index BIGINT,
  CHECK (status = 'draft' OR (finalised_at IS NOT NULL AND pdf_sha256 IS NOT NULL AND leaf_index IS NOT NULL))
);
CREATE INDEX documents_case ON documents(case_id, status, type_code);
CREATE INDEX documents_corrects ON documents(corrects_id);

CREATE TABLE document_signatures (
  id {{ID}},
  document_id BIGINT NOT NULL REFERENCES documents(id),
  kind TEXT NOT NULL CHECK (kind IN ('screen', 'scan', 'refused', 'confirm')),
  content_sha256 TEXT NOT NULL,           -- the version signed
  image_sha256 TEXT,                      -- vault file: the screen PNG or the scan
  signer_role TEXT NOT NULL CHECK (signer_role IN ('party', 'witness', 'officer')),
  signer_name TEXT NOT NULL,
  refusal_reason TEXT,
  witness_name TEXT,
  witness_id_number TEXT,
  by_user BIGINT NOT NULL REFERENCES users(id),
  at TEXT NOT NULL,
  leaf_index BIGINT NOT NULL
);
CREATE INDEX document_signatures_doc ON document_signatures(document_id, id);
