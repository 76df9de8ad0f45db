-- 005_publicity: 事前公开 - enforcement matters, service guides and random
-- inspection items (kind), their working copies and immutable published
-- versions, and the record of withdrawals.  Owned by src/publicity/.
-- Invariants: pub_item_versions rows are never changed or deleted (see the
-- dialect files); (item_id, version) is unique and versions count 1, 2, …;
-- search_* columns hold text normalised by publicity_search_normalize().
CREATE TABLE pub_items (
  id {{ID}},
  kind TEXT NOT NULL,                     -- matter | guide | inspection
  unit_id BIGINT NOT NULL REFERENCES units(id),   -- the enforcement body
  matter_id BIGINT REFERENCES pub_items(id),     -- guide/inspection: the matter served
  status TEXT NOT NULL DEFAULT 'draft',   -- draft (never published) | published | withdrawn
  has_draft INTEGER NOT NULL DEFAULT 1,   -- 1 = draft_json holds unpublished changes
  draft_json TEXT,                        -- canonical JSON of the working copy
  name TEXT NOT NULL,                     -- of the working copy
  category TEXT NOT NULL,
  search_name TEXT NOT NULL,
  search_text TEXT NOT NULL,
  latest_version INTEGER NOT NULL DEFAULT 0,     -- 0 = never published
  created_at TEXT NOT NULL,
  created_by BIGINT,
  updated_at TEXT NOT NULL,
  updated_by BIGINT
);
CREATE INDEX pub_items_unit ON pub_items(kind, unit_id);
CREATE INDEX pub_items_matter ON pub_items(matter_id);

CREATE TABLE pub_item_versions (
  id {{ID}},
  item_id BIGINT NOT NULL REFERENCES pub_items(id),
  version INTEGER NOT NULL,
  kind TEXT NOT NULL,
  unit_id BIGINT NOT NULL REFERENCES units(id),
  name TEXT NOT NULL,
  category TEXT NOT NULL,
  content TEXT NOT NULL,                  -- canonical JSON (sorted keys, compact)
  search_name TEXT NOT NULL,
  search_text TEXT NOT NULL,
  change_note TEXT NOT NULL,
  published_at TEXT NOT NULL,
  published_by BIGINT REFERENCES users(id),      -- NULL only for system-loaded demo data
  UNIQUE (item_id, version)
);

CREATE TABLE pub_withdrawals (
  id {{ID}},
  item_id BIGINT NOT NULL REFERENCES pub_items(id),
  version INTEGER NOT NULL,               -- the version that was public
  at TEXT NOT NULL,
  by_user BIGINT REFERENCES users(id),
  reason TEXT NOT NULL
);
CREATE INDEX pub_withdrawals_item ON pub_withdrawals(item_id);
