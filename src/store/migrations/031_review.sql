-- 031_review: 法制审核 of a case's decision, in rounds (the seed's 二.(三)).
-- Owned by src/review/flow.c.  Both tables are append-only (dialect files):
-- the state of a review is what its events say, so every step keeps its
-- person, role and time, and nothing is overwritten.
--
-- review_rounds: one submission (送审) by the division; a resubmission
-- after 存在问题 is the next round_no.  snapshot is the list of the case's
-- records with their hashes as submitted (what the reviewer saw);
-- classification is the catalogue's answer (review/review.h) with its
-- version; proposal the proposed decision and the 调查终结报告; answers,
-- from round 2, the division's answer to each problem of the last opinion.
CREATE TABLE review_rounds (
  id {{ID}},
  case_id BIGINT NOT NULL REFERENCES cases(id),
  round_no INTEGER NOT NULL CHECK (round_no >= 1),
  unit_id BIGINT NOT NULL REFERENCES units(id),
  submitted_by BIGINT NOT NULL REFERENCES users(id),
  submitted_at TEXT NOT NULL,
  major INTEGER NOT NULL,                 -- 1 = a major decision by the catalogue
  classification TEXT NOT NULL,           -- JSON
  proposal TEXT NOT NULL,                 -- JSON
  answers TEXT NOT NULL,                  -- JSON array
  snapshot TEXT NOT NULL,                 -- JSON
  snapshot_sha256 TEXT NOT NULL,
  leaf_index BIGINT,
  UNIQUE (case_id, round_no)
);

-- review_events: what happened to a round.  type:
--   returned     补正: materials incomplete (text = what is missing)
--   supplemented the division completed them (snapshot in detail)
--   accepted     the 政策法规处 accepted the materials (the clock starts)
--   assigned     the 政策法规处 head assigned reviewer_id
--   claimed      a reviewer took it (reviewer_id = by_user)
--   opinion      the reviewer's opinion: verdict agree | problems, with the
--                checklist (detail) and the problems (text)
--   escalated    the division head sent both opinions to the leader
--   decided      the leader: verdict proceed | refuse | modify (text =
--                reasons; detail.instructions)
CREATE TABLE review_events (
  id {{ID}},
  round_id BIGINT NOT NULL REFERENCES review_rounds(id),
  case_id BIGINT NOT NULL REFERENCES cases(id),
  type TEXT NOT NULL CHECK (type IN ('returned', 'supplemented', 'accepted', 'assigned', 'claimed', 'opinion',
                                     'escalated', 'decided')),
  by_user BIGINT NOT NULL REFERENCES users(id),
  by_role TEXT NOT NULL,                  -- the role the person acted in
  reviewer_id BIGINT REFERENCES users(id),
  verdict TEXT CHECK (verdict IS NULL OR verdict IN ('agree', 'problems', 'proceed', 'refuse', 'modify')),
  text TEXT NOT NULL,
  detail TEXT NOT NULL,                   -- JSON
  at TEXT NOT NULL,
  on_date TEXT NOT NULL,                  -- Beijing date
  leaf_index BIGINT
);
CREATE INDEX review_events_round ON review_events(round_id, id);
CREATE INDEX review_rounds_case ON review_rounds(case_id, round_no);
