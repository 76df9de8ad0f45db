-- 020_parties: the party register (当事人库) - natural persons,
-- organisations and 个体工商户 met by the department's enforcement, kept
-- once and linked to cases.  Owned by src/cases/party.c.
-- Invariants: party_versions rows are never changed or deleted, and no
-- party is ever deleted (see the dialect files); (party_id, version) is
-- unique and versions count 1, 2, ...; parties.current_version is the
-- highest version row and parties' other columns copy that row's search
-- fields; (id_type, code) is unique: one party per identity number or
-- credit code.
CREATE TABLE parties (
  id {{ID}},
  kind TEXT NOT NULL CHECK (kind IN ('person', 'org', 'individual_business')),
  id_type TEXT NOT NULL,                  -- person: resident_id | hk_macao_permit | taiwan_permit |
                                          -- passport | foreign_permanent_id; org, individual_business: uscc
  code TEXT NOT NULL,                     -- the identity number or the credit code, canonical spelling
  name TEXT NOT NULL,
  search_name TEXT NOT NULL,              -- name lower-cased (ASCII) for the substring search
  current_version INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  created_by BIGINT REFERENCES users(id), -- NULL only for system-loaded demo data
  updated_at TEXT NOT NULL,
  updated_by BIGINT REFERENCES users(id),
  UNIQUE (id_type, code)
);
CREATE INDEX parties_code ON parties(code);
CREATE INDEX parties_name ON parties(search_name);

CREATE TABLE party_versions (
  id {{ID}},
  party_id BIGINT NOT NULL REFERENCES parties(id),
  version INTEGER NOT NULL,
  kind TEXT NOT NULL,
  id_type TEXT NOT NULL,
  code TEXT NOT NULL,
  name TEXT NOT NULL,
  data TEXT NOT NULL,                     -- canonical JSON of every field (sorted keys, compact)
  sha256 TEXT NOT NULL,                   -- of data; the ledger leaf party.version carries it
  note TEXT NOT NULL DEFAULT '',          -- why it changed (更正原因), may be ''
  created_at TEXT NOT NULL,
  created_by BIGINT REFERENCES users(id),
  leaf_index BIGINT,                      -- the ledger leaf of this version
  UNIQUE (party_id, version)
);
