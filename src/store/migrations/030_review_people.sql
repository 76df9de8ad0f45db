-- 030_review_people: who may review and who decides an escalation
-- (法制审核, the seed's 二.(三).3 and 四.(三)).  Owned by
-- src/people/review_people.c.  Both tables are append-only (dialect
-- files): the history of who held a qualification and who was the leader
-- responsible for a division stays, so a past review can be checked
-- against what was true on its day.
--
-- legal_qualifications: a reviewer's recorded legal qualification.  kind:
--   lawyer      法律职业资格 (国家统一法律职业资格证书; number required)
--   law_degree  法学专业学历 (number = the diploma's number, optional)
--   legal_work  从事法制工作经历 (note says where and how long)
-- action 'recorded' adds one; 'withdrawn' (withdraws_id) ends it.
CREATE TABLE legal_qualifications (
  id {{ID}},
  user_id BIGINT NOT NULL REFERENCES users(id),
  action TEXT NOT NULL CHECK (action IN ('recorded', 'withdrawn')),
  withdraws_id BIGINT REFERENCES legal_qualifications(id),
  kind TEXT NOT NULL CHECK (kind IN ('lawyer', 'law_degree', 'legal_work')),
  number TEXT NOT NULL,
  issued_on TEXT,                         -- YYYY-MM-DD
  note TEXT NOT NULL,
  recorded_by BIGINT NOT NULL,            -- users.id (0 = system)
  recorded_at TEXT NOT NULL
);
CREATE INDEX legal_qualifications_user ON legal_qualifications(user_id);

-- unit_leaders: the 分管负责人 responsible for a unit from since_on (the
-- newest row of a unit is the current one; leader_user_id NULL = none).
-- A unit without a row answers to the leader of the nearest unit above.
CREATE TABLE unit_leaders (
  id {{ID}},
  unit_id BIGINT NOT NULL REFERENCES units(id),
  leader_user_id BIGINT REFERENCES users(id),
  since_on TEXT NOT NULL,                 -- YYYY-MM-DD
  set_by BIGINT NOT NULL,
  set_at TEXT NOT NULL
);
CREATE INDEX unit_leaders_unit ON unit_leaders(unit_id, id);
