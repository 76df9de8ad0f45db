-- 032_review_gate: no major enforcement decision is finalised without the
-- 法制审核's 同意 or the 分管负责人's decision to proceed (the seed's
-- 二.(三)；《中华人民共和国行政处罚法》第五十八条：未经法制审核或者审核未通过
-- 的，不得作出决定).  Owned by src/review/decision.c; the documents column
-- and decision_doc_types by src/records/.  Enforced here as well as in the
-- domain (the dialect files' triggers), so that no page, command or future
-- code path can skip it.
--
-- decision_doc_types: the document types that carry a decision (their
-- definition has "review", records/decision.h); a type once listed stays
-- listed (append-only).
CREATE TABLE decision_doc_types (
  type_code TEXT PRIMARY KEY,
  added_at TEXT NOT NULL
);
INSERT INTO decision_doc_types(type_code, added_at) VALUES
  ('penalty_decision', '2026-12-01T00:00:00Z'),
  ('no_penalty_decision', '2026-12-01T00:00:00Z'),
  ('licence_grant', '2026-12-01T00:00:00Z'),
  ('licence_refusal', '2026-12-01T00:00:00Z'),
  ('seizure_decision', '2026-12-01T00:00:00Z');

-- The material hash (records/decision.h) a final decision document was
-- finalised with: what it decides.
ALTER TABLE documents ADD COLUMN review_material TEXT;

-- review_classifications: the catalogue's answer for a decision draft, at
-- every save (append-only): by the catalogue version in force on the day
-- the draft was made.  input is the classification request (review.h),
-- result the answer {major, reasons, rules, catalogue_version}.
CREATE TABLE review_classifications (
  id {{ID}},
  case_id BIGINT NOT NULL REFERENCES cases(id),
  document_id BIGINT NOT NULL REFERENCES documents(id),
  material_sha256 TEXT NOT NULL,
  major INTEGER NOT NULL CHECK (major IN (0, 1)),
  catalogue_version INTEGER NOT NULL,
  input TEXT NOT NULL,                    -- JSON
  result TEXT NOT NULL,                   -- JSON
  by_user BIGINT REFERENCES users(id),
  at TEXT NOT NULL
);
CREATE INDEX review_classifications_case ON review_classifications(case_id, material_sha256);
CREATE INDEX review_classifications_doc ON review_classifications(document_id, id);

-- review_clearances: a round that ended in 同意, or in the leader's 同意作出
-- / 修改后作出, clears the decision the reviewer saw: the material hash of
-- the decision draft submitted with the round (NULL when the round was
-- submitted without one: then no decision document is cleared by it).
CREATE TABLE review_clearances (
  id {{ID}},
  case_id BIGINT NOT NULL REFERENCES cases(id),
  round_id BIGINT NOT NULL REFERENCES review_rounds(id),
  event_id BIGINT NOT NULL REFERENCES review_events(id),
  document_id BIGINT REFERENCES documents(id),
  material_sha256 TEXT,
  at TEXT NOT NULL,
  UNIQUE (round_id)
);
CREATE INDEX review_clearances_case ON review_clearances(case_id, material_sha256);

-- review_documents: the documents the review issues (final documents of
-- the case, records/records.h records_issue): the 重大执法决定法制审核申请表 of
-- a round (kind application) and the 法制审核意见书 of an opinion event
-- (kind opinion).
CREATE TABLE review_documents (
  document_id BIGINT PRIMARY KEY REFERENCES documents(id),
  round_id BIGINT NOT NULL REFERENCES review_rounds(id),
  event_id BIGINT REFERENCES review_events(id),
  kind TEXT NOT NULL CHECK (kind IN ('application', 'opinion'))
);
CREATE INDEX review_documents_round ON review_documents(round_id, kind);
