-- 022_numbers: document and case numbers (立案号, 决定书文号 ...) as data.
-- Owned by src/cases/numbering.c.
--
-- number_schemes: one version of the numbering of one kind for one 执法主体
-- (a unit of kind 'body'); a number drawn on day D uses the version with the
-- latest effective_from <= D.  pattern holds {year} and {n} once each; pad
-- > 0 pads n with zeros to that width.
CREATE TABLE number_schemes (
  id {{ID}},
  body_unit_id BIGINT NOT NULL REFERENCES units(id),
  kind TEXT NOT NULL,                     -- penalty_filing, penalty_decision, ...
  pattern TEXT NOT NULL,                  -- 云工信罚立〔{year}〕{n}号
  pad INTEGER NOT NULL DEFAULT 0 CHECK (pad >= 0 AND pad <= 9),
  effective_from TEXT NOT NULL,           -- YYYY-MM-DD
  basis TEXT NOT NULL DEFAULT '',         -- the rule the numbering follows
  note TEXT NOT NULL DEFAULT '',
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  UNIQUE (body_unit_id, kind, effective_from)
);

-- The last number issued per (body, kind, year), shared by every version of
-- the scheme: taken with UPDATE ... RETURNING inside the act's transaction
-- (a row lock on PostgreSQL until it ends), so numbers are gapless and
-- never issued twice.
CREATE TABLE number_counters (
  body_unit_id BIGINT NOT NULL REFERENCES units(id),
  kind TEXT NOT NULL,
  year INTEGER NOT NULL,
  last BIGINT NOT NULL CHECK (last >= 1),
  updated_at TEXT NOT NULL,
  PRIMARY KEY (body_unit_id, kind, year)
);

-- Every number issued (append-only).
CREATE TABLE number_issued (
  id {{ID}},
  body_unit_id BIGINT NOT NULL REFERENCES units(id),
  kind TEXT NOT NULL,
  year INTEGER NOT NULL,
  seq BIGINT NOT NULL,
  number TEXT NOT NULL,
  scheme_id BIGINT NOT NULL REFERENCES number_schemes(id),
  object_type TEXT NOT NULL,
  object_id TEXT NOT NULL,
  issued_at TEXT NOT NULL,
  UNIQUE (body_unit_id, kind, year, seq),
  UNIQUE (body_unit_id, number)
);
CREATE INDEX number_issued_object ON number_issued(object_type, object_id);
CREATE INDEX number_issued_kind ON number_issued(kind, id);

-- The default schemes of 云南省工业和信息化厅 (unit code gxt) when that body
-- exists already (an upgraded database); a new database gets them with the
-- demonstration data (numbering_seed_defaults).
INSERT INTO number_schemes(body_unit_id, kind, pattern, pad, effective_from, basis, note, created_by, created_at)
SELECT id, 'penalty_filing', '云工信罚立〔{year}〕{n}号', 0, '2018-01-01', '本厅执法文书编号规则', '', 'system', '2026-12-01T00:00:00Z' FROM units WHERE code = 'gxt';
INSERT INTO number_schemes(body_unit_id, kind, pattern, pad, effective_from, basis, note, created_by, created_at)
SELECT id, 'penalty_decision', '云工信罚〔{year}〕{n}号', 0, '2018-01-01', '本厅执法文书编号规则', '', 'system', '2026-12-01T00:00:00Z' FROM units WHERE code = 'gxt';
INSERT INTO number_schemes(body_unit_id, kind, pattern, pad, effective_from, basis, note, created_by, created_at)
SELECT id, 'penalty_simple', '云工信简罚〔{year}〕{n}号', 0, '2018-01-01', '《中华人民共和国行政处罚法》第五十二条：填写预定格式、编有号码的行政处罚决定书', '', 'system', '2026-12-01T00:00:00Z' FROM units WHERE code = 'gxt';
INSERT INTO number_schemes(body_unit_id, kind, pattern, pad, effective_from, basis, note, created_by, created_at)
SELECT id, 'licence_acceptance', '云工信许受〔{year}〕{n}号', 0, '2018-01-01', '《中华人民共和国行政许可法》第三十二条第二款：出具加盖本行政机关专用印章和注明日期的书面凭证', '', 'system', '2026-12-01T00:00:00Z' FROM units WHERE code = 'gxt';
INSERT INTO number_schemes(body_unit_id, kind, pattern, pad, effective_from, basis, note, created_by, created_at)
SELECT id, 'licence_decision', '云工信许〔{year}〕{n}号', 0, '2018-01-01', '本厅执法文书编号规则', '', 'system', '2026-12-01T00:00:00Z' FROM units WHERE code = 'gxt';
INSERT INTO number_schemes(body_unit_id, kind, pattern, pad, effective_from, basis, note, created_by, created_at)
SELECT id, 'coercion_decision', '云工信强〔{year}〕{n}号', 0, '2018-01-01', '本厅执法文书编号规则', '', 'system', '2026-12-01T00:00:00Z' FROM units WHERE code = 'gxt';
INSERT INTO number_schemes(body_unit_id, kind, pattern, pad, effective_from, basis, note, created_by, created_at)
SELECT id, 'inspection', '云工信检〔{year}〕{n}号', 0, '2018-01-01', '本厅执法文书编号规则', '', 'system', '2026-12-01T00:00:00Z' FROM units WHERE code = 'gxt';
