-- 033_publications: 事后公开 of enforcement decisions (the seed's 二.(一).4-5).
-- Owned by src/disclosure/.  publication_versions and publication_events are
-- append-only (dialect files); so are publication_marks: a staff mark is
-- taken back by a later 'revoke' row, never by an edit.
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
  -- added by PUB (after the contract's columns):
  draft TEXT NOT NULL DEFAULT '{}',                       -- JSON: the next version as drafted
                                                          -- {kind, fields, text, party_kind, party, persons}
  draft_document_id BIGINT REFERENCES documents(id),      -- the document the draft comes from
  include_text INTEGER NOT NULL DEFAULT 0,                -- 1 = the redacted full text is published too
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
  document_id BIGINT REFERENCES documents(id),  -- added by PUB: the decision document this version shows
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

-- staff marks on the draft of a version (append-only; docs/disclosure.md).
-- target: the field key (CF_SY ...) or 'text' (the full decision text);
-- op: add (mask [start_at, end_at) with reason), remove (drop the engine's
-- marks intersecting it), revoke (take back mark revokes; start/end 0).
-- A mark stands for the later versions too while the bytes it covers are
-- unchanged (span_sha256); after a correction changed them it is stale and
-- nothing is published until staff mark again or take it back.
CREATE TABLE publication_marks (
  id {{ID}},
  publication_id BIGINT NOT NULL REFERENCES publications(id),
  version INTEGER NOT NULL,       -- the version being drafted
  target TEXT NOT NULL,
  op TEXT NOT NULL CHECK (op IN ('add', 'remove', 'revoke')),
  start_at BIGINT NOT NULL,       -- byte offsets in the target's original text
  end_at BIGINT NOT NULL,
  revokes BIGINT REFERENCES publication_marks(id),
  reason TEXT NOT NULL,
  by_user BIGINT NOT NULL REFERENCES users(id),
  at TEXT NOT NULL,
  span_sha256 TEXT NOT NULL DEFAULT ''  -- SHA-256 of the bytes covered when marked
);
CREATE INDEX publication_marks_pub ON publication_marks(publication_id, version, id);

-- 行政处罚法 第四十八条第二款: a published penalty decision changed, revoked,
-- confirmed illegal or void is withdrawn within three days, with the reason
-- publicly stated; 第八十五条: 三日 are working days.  The department applies
-- the same clock to the other decisions it publishes (seed 二.(一).5).
INSERT INTO deadline_rules(event_code, name, days, day_kind, ends_with, effective_from, source, created_by, created_at)
VALUES ('publication_withdraw', '撤回已公示的执法决定信息', 3, 'working', 'withdrawn', '2021-07-15',
        '《中华人民共和国行政处罚法》第四十八条第二款：公开的行政处罚决定被依法变更、撤销、确认违法或者确认无效的，行政机关应当在三日内撤回行政处罚决定信息并公开说明理由；第八十五条：三日是指工作日',
        'system', '2026-12-01T00:00:00Z');
