-- 033_publications: 事后公开 of enforcement decisions (the seed's 二.(一).4-5).
CREATE TABLE publications (
  id {{ID}},
  case_id BIGINT NOT NULL REFERENCES cases(id),
  document_id BIGINT NOT NULL REFERENCES documents(id),   -- the decision document first finalised
  kind TEXT NOT NULL CHECK (kind IN ('penalty', 'licence', 'coercion', 'inspection', 'other')),
  body_unit_id BIGINT NOT NULL REFERENCES units(id),      -- 执法主体
  unit_id BIGINT NOT NULL REFERENCES units(id),           -- 承办机构: its head publishes (谁执法谁公示)
  decision_no TEXT NOT NULL DEFAULT '',
  decision_date TEXT NOT NULL,                            -- YYYY-MM-DD (Beijing)
  due_on TEXT NOT NULL,                                   -- publication deadline (the clock's due_on)
  deadline_id BIGINT,                                     -- deadlines.id of the publication clock
  state TEXT NOT NULL CHECK (state IN ('draft', 'published', 'not_published', 'withdrawn', 'expired')),
  current_version INTEGER NOT NULL DEFAULT 0,             -- 0 = never published
  party_name TEXT NOT NULL DEFAULT '',                    -- as published (a person's name per the rules)
  category TEXT NOT NULL DEFAULT '',                      -- 处罚类别 / 许可类别 / measure, as published
  title TEXT NOT NULL DEFAULT '',                         -- the one line a list shows
  period_ends_on TEXT,                                    -- 公示截止期; NULL = none
  withdrawn_on TEXT,
  withdrawn_reason TEXT,                                  -- 撤销 | 确认违法 | 责令重新作出 | 变更 (+ note in events)
  published_at TEXT,                                      -- first publication, UTC
  updated_at TEXT NOT NULL,
  row_version INTEGER NOT NULL DEFAULT 1,
  UNIQUE (document_id)
);
CREATE INDEX publications_public ON publications(state, decision_date, id);
CREATE INDEX publications_unit ON publications(unit_id, state, due_on);

-- what was published, exactly (append-only)
CREATE TABLE publication_versions (
  id {{ID}},
  publication_id BIGINT NOT NULL REFERENCES publications(id),
  version INTEGER NOT NULL,
  content TEXT NOT NULL,          -- the published item: canonical JSON (JSON_COMPACT|JSON_SORT_KEYS) of
                                  -- {"kind", "fields": {CF_/XK_ keys, or the seed's five}, "text": the redacted
                                  --  full decision text or ""}
  sha256 TEXT NOT NULL,           -- SHA-256 hex of the bytes of content
  note TEXT NOT NULL DEFAULT '',  -- the correction note (version >= 2)
  published_by BIGINT NOT NULL REFERENCES users(id),
  published_at TEXT NOT NULL,     -- UTC
  leaf_index BIGINT NOT NULL,     -- its ledger leaf (publication.published / publication.corrected)
  UNIQUE (publication_id, version)
);

-- what happened (append-only)
CREATE TABLE publication_events (
  id {{ID}},
  publication_id BIGINT NOT NULL REFERENCES publications(id),
  type TEXT NOT NULL,             -- drafted | marked | exclusion_requested | excluded | published | corrected |
                                  -- withdrawn | expired | ended_early
  version INTEGER,                -- the version concerned
  reason TEXT NOT NULL DEFAULT '',
  detail TEXT NOT NULL DEFAULT '{}',  -- JSON
  by_user BIGINT REFERENCES users(id),  -- NULL for the system (period end)
  at TEXT NOT NULL,
  on_date TEXT NOT NULL,
  leaf_index BIGINT               -- published/corrected/withdrawn/expired/ended_early: their leaf
);
CREATE INDEX publication_events_pub ON publication_events(publication_id, id);
