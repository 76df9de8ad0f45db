-- 003_calendar: the working-day calendar and deadlines.  Owned by src/calendar/.
--
-- calendar_years/calendar_days hold the years an administrator imported
-- (`zhifa calendar import`); they replace or extend the years embedded in
-- the binary (2018-2026).  A year is present iff it has a calendar_years
-- row; its days are the official days off ('holiday') and the Saturdays and
-- Sundays that are working days ('workday').  Every change is recorded in
-- calendar_changes (and op_log).
CREATE TABLE calendar_years (
  year INTEGER PRIMARY KEY,
  source TEXT NOT NULL,                   -- 国务院办公厅关于…部分节假日安排的通知
  loaded_by TEXT NOT NULL,                -- username of the administrator
  loaded_at TEXT NOT NULL
);

CREATE TABLE calendar_days (
  date TEXT PRIMARY KEY,                  -- YYYY-MM-DD
  year INTEGER NOT NULL REFERENCES calendar_years(year),
  kind TEXT NOT NULL CHECK (kind IN ('holiday', 'workday'))
);
CREATE INDEX calendar_days_year ON calendar_days(year);

CREATE TABLE calendar_changes (
  id {{ID}},
  at TEXT NOT NULL,
  by_user TEXT NOT NULL,                  -- username, 'system' when none
  action TEXT NOT NULL,                   -- 'add', 'replace', 'recompute'
  years TEXT NOT NULL,                    -- '2027' or '2026,2027'
  source TEXT NOT NULL,
  detail TEXT NOT NULL
);

-- A deadline rule: which event starts the clock, how many (working or
-- calendar) days, what ends it.  Versions of a rule share event_code; the
-- version in force for a clock is the one with the latest effective_from
-- on or before the clock's start date.
CREATE TABLE deadline_rules (
  id {{ID}},
  event_code TEXT NOT NULL,
  name TEXT NOT NULL,                     -- shown to users
  days INTEGER NOT NULL CHECK (days >= 1),
  day_kind TEXT NOT NULL CHECK (day_kind IN ('working', 'calendar')),
  ends_with TEXT NOT NULL,                -- event code that meets the deadline
  effective_from TEXT NOT NULL,           -- YYYY-MM-DD
  source TEXT NOT NULL,                   -- the provision it comes from
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  UNIQUE (event_code, effective_from)
);

-- Defaults from 云工信办〔2019〕26号 (the three-systems implementation plan)
-- and the Administrative Penalty Law; in force from the first year of the
-- embedded calendar.
INSERT INTO deadline_rules(event_code, name, days, day_kind, ends_with, effective_from, source, created_by, created_at)
VALUES ('decision_licence_penalty', '行政许可、行政处罚决定公示', 7, 'working', 'published', '2018-01-01',
        '云工信办〔2019〕26号 实施方案 二(一)4: 行政许可、行政处罚的相关基本信息要在7个工作日内公示', 'system', '2019-01-01T00:00:00Z');
INSERT INTO deadline_rules(event_code, name, days, day_kind, ends_with, effective_from, source, created_by, created_at)
VALUES ('decision_other', '其他执法决定公示', 20, 'working', 'published', '2018-01-01',
        '云工信办〔2019〕26号 实施方案 二(一)4: 作出执法决定之日起20个工作日内向社会公示', 'system', '2019-01-01T00:00:00Z');
INSERT INTO deadline_rules(event_code, name, days, day_kind, ends_with, effective_from, source, created_by, created_at)
VALUES ('review_submitted', '法制审核', 10, 'working', 'review_done', '2018-01-01',
        '云工信办〔2019〕26号 实施方案 二(三)3: 法制审核原则上在10个工作日之内完成', 'system', '2019-01-01T00:00:00Z');
INSERT INTO deadline_rules(event_code, name, days, day_kind, ends_with, effective_from, source, created_by, created_at)
VALUES ('case_closed', '执法全过程记录归档', 20, 'working', 'archived', '2018-01-01',
        '云工信办〔2019〕26号 实施方案 二(二)5: 执法结束后20个工作日内装订成卷归档', 'system', '2019-01-01T00:00:00Z');
INSERT INTO deadline_rules(event_code, name, days, day_kind, ends_with, effective_from, source, created_by, created_at)
VALUES ('case_filed', '作出行政处罚决定', 90, 'calendar', 'decision_made', '2018-01-01',
        '《中华人民共和国行政处罚法》第六十条: 自行政处罚案件立案之日起九十日内作出行政处罚决定', 'system', '2019-01-01T00:00:00Z');

-- One clock per (rule, object).  state: 'open', 'due_soon', 'overdue', 'met'.
CREATE TABLE deadlines (
  id {{ID}},
  rule_id BIGINT NOT NULL REFERENCES deadline_rules(id),
  unit_id BIGINT NOT NULL REFERENCES units(id),
  owner_user_id BIGINT REFERENCES users(id),
  object_type TEXT NOT NULL,              -- 'case', 'decision', 'review', ...
  object_id TEXT NOT NULL,
  started_on TEXT NOT NULL,               -- YYYY-MM-DD, the event day (not counted)
  due_on TEXT NOT NULL,                   -- YYYY-MM-DD, last day allowed
  state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'due_soon', 'overdue', 'met')),
  met_on TEXT,
  met_late INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL
);
CREATE INDEX deadlines_owner ON deadlines(owner_user_id, state, due_on);
CREATE INDEX deadlines_unit ON deadlines(unit_id, due_on);
CREATE INDEX deadlines_state ON deadlines(state, due_on);
CREATE INDEX deadlines_object ON deadlines(object_type, object_id);
