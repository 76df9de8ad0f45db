-- 021_clocks: deadline rules with their basis, the department's own rules,
-- extensions, and periods not counted (pauses); the case clock rules.
-- Owned by src/calendar/.
--
-- deadline_rules:
--   own_rule            1 = the department's own rule, not the law's
--   extension_days      at most this many days per extension (0 = none),
--                       counted as the rule counts (day_kind)
--   extension_times     how many extensions one clock may have
--   extension_role      who approves one ('head' 处室负责人, 'leader' 行政机关负责人)
--   extension_basis     the provision that allows the extension
--   extension_own_rule  1 = the extension rests on the department's own rule
--                       (the law itself has none)
-- source (the basis) is required: deadline_rule_add refuses a rule without one.
ALTER TABLE deadline_rules ADD COLUMN own_rule INTEGER NOT NULL DEFAULT 0;
ALTER TABLE deadline_rules ADD COLUMN extension_days INTEGER NOT NULL DEFAULT 0;
ALTER TABLE deadline_rules ADD COLUMN extension_times INTEGER NOT NULL DEFAULT 0;
ALTER TABLE deadline_rules ADD COLUMN extension_role TEXT NOT NULL DEFAULT '';
ALTER TABLE deadline_rules ADD COLUMN extension_basis TEXT NOT NULL DEFAULT '';
ALTER TABLE deadline_rules ADD COLUMN extension_own_rule INTEGER NOT NULL DEFAULT 0;

-- A clock is paused (已中止) while paused_since is set (the day of the open
-- pause); deadline_refresh leaves it alone.
ALTER TABLE deadlines ADD COLUMN paused_since TEXT;

-- Periods not counted.  The days not counted are [from_date, to_date): the
-- suspend day is not counted, the resume day is (src/calendar/deadline_pause.c).
-- to_date is NULL while paused; days = the days not counted (calendar or
-- working days as the rule counts), NULL while paused.
CREATE TABLE deadline_pauses (
  id {{ID}},
  deadline_id BIGINT NOT NULL REFERENCES deadlines(id),
  from_date TEXT NOT NULL,
  to_date TEXT,
  days INTEGER,
  reason TEXT NOT NULL,                   -- e.g. 听证, 检测、检验、检疫、鉴定, 公告
  basis TEXT NOT NULL,                    -- the provision
  created_at TEXT NOT NULL,
  resumed_at TEXT
);
CREATE INDEX deadline_pauses_deadline ON deadline_pauses(deadline_id, id);

-- Extensions (append-only), each approved by a named person.
CREATE TABLE deadline_extensions (
  id {{ID}},
  deadline_id BIGINT NOT NULL REFERENCES deadlines(id),
  days INTEGER NOT NULL CHECK (days >= 1),
  by_user TEXT NOT NULL,
  basis TEXT NOT NULL,
  old_due TEXT NOT NULL,
  new_due TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX deadline_extensions_deadline ON deadline_extensions(deadline_id, id);

-- ---- the case clock rules (issue 9), each checked against the law's text ----
-- 《中华人民共和国行政处罚法》(2021 revision, in force 2021-07-15):
--   第六十条 “自行政处罚案件立案之日起九十日内作出行政处罚决定。法律、法规、规章
--   另有规定的，从其规定。” 九十日 is calendar days: 第八十五条 makes only “二日”
--   “三日”“五日”“七日” working days.  The law has no extension of its own; an
--   extension can rest only on another law, regulation or rule (“另有规定”), so
--   the 30-day extension below is marked as the department's own rule.
INSERT INTO deadline_rules(event_code, name, days, day_kind, ends_with, effective_from, source, created_by, created_at,
  own_rule, extension_days, extension_times, extension_role, extension_basis, extension_own_rule)
VALUES ('case_penalty_decision', '作出行政处罚决定（普通程序）', 90, 'calendar', 'decision_made', '2021-07-15',
  '《中华人民共和国行政处罚法》第六十条：行政机关应当自行政处罚案件立案之日起九十日内作出行政处罚决定（九十日为自然日，第八十五条只规定二日、三日、五日、七日为工作日）',
  'system', '2026-12-01T00:00:00Z', 0, 30, 1, 'leader',
  '本厅规定：案情复杂不能在九十日内作出决定的，经行政机关负责人批准可以延长三十日（《中华人民共和国行政处罚法》第六十条“法律、法规、规章另有规定的，从其规定”，法律本身未规定延长）', 1);
--   第六十一条 “当事人不在场的，行政机关应当在七日内依照《中华人民共和国民事诉讼法》
--   的有关规定，将行政处罚决定书送达当事人。” 七日 = 7 working days (第八十五条).
INSERT INTO deadline_rules(event_code, name, days, day_kind, ends_with, effective_from, source, created_by, created_at)
VALUES ('case_service', '送达行政处罚决定书（当事人不在场）', 7, 'working', 'served', '2021-07-15',
  '《中华人民共和国行政处罚法》第六十一条第一款：当事人不在场的，行政机关应当在七日内将行政处罚决定书送达当事人；第八十五条：七日是指工作日',
  'system', '2026-12-01T00:00:00Z');
--   第六十四条(一) “当事人要求听证的，应当在行政机关告知后五日内提出” — 5 working days
--   (第八十五条).  (二) “在举行听证的七日前，通知当事人” is a backward check, not a
--   clock: calendar_days_before_ok (src/calendar/calendar.c).
INSERT INTO deadline_rules(event_code, name, days, day_kind, ends_with, effective_from, source, created_by, created_at)
VALUES ('case_hearing_request', '当事人提出听证要求', 5, 'working', 'hearing_requested', '2021-07-15',
  '《中华人民共和国行政处罚法》第六十四条第（一）项：当事人要求听证的，应当在行政机关告知后五日内提出；第八十五条：五日是指工作日',
  'system', '2026-12-01T00:00:00Z');
-- 《中华人民共和国行政许可法》(in force 2004-07-01; 第八十二条 “本法规定的行政机关实施
-- 行政许可的期限以工作日计算，不含法定节假日” — every period below is working days):
--   第三十二条第一款(四) “申请材料不齐全或者不符合法定形式的，应当当场或者在五日内
--   一次告知申请人需要补正的全部内容，逾期不告知的，自收到申请材料之日起即为受理”.
INSERT INTO deadline_rules(event_code, name, days, day_kind, ends_with, effective_from, source, created_by, created_at)
VALUES ('licence_acceptance', '受理行政许可申请或一次告知补正', 5, 'working', 'application_handled', '2004-07-01',
  '《中华人民共和国行政许可法》第三十二条第一款第（四）项：申请材料不齐全或者不符合法定形式的，应当当场或者在五日内一次告知申请人需要补正的全部内容，逾期不告知的，自收到申请材料之日起即为受理；第八十二条：以工作日计算',
  'system', '2026-12-01T00:00:00Z');
--   第四十二条第一款 “自受理行政许可申请之日起二十日内作出行政许可决定。二十日内不能
--   作出决定的，经本行政机关负责人批准，可以延长十日”; 第四十五条: 听证、招标、拍卖、
--   检验、检测、检疫、鉴定和专家评审所需时间不计算在期限内 (pauses).
INSERT INTO deadline_rules(event_code, name, days, day_kind, ends_with, effective_from, source, created_by, created_at,
  own_rule, extension_days, extension_times, extension_role, extension_basis, extension_own_rule)
VALUES ('licence_decision', '作出行政许可决定', 20, 'working', 'licence_decided', '2004-07-01',
  '《中华人民共和国行政许可法》第四十二条第一款：自受理行政许可申请之日起二十日内作出行政许可决定；第四十五条：听证、招标、拍卖、检验、检测、检疫、鉴定和专家评审所需时间不计算在内；第八十二条：以工作日计算',
  'system', '2026-12-01T00:00:00Z', 0, 10, 1, 'leader',
  '《中华人民共和国行政许可法》第四十二条第一款：二十日内不能作出决定的，经本行政机关负责人批准，可以延长十日，并应当将延长期限的理由告知申请人', 0);
--   第四十四条 “应当自作出决定之日起十日内向申请人颁发、送达行政许可证件”.
INSERT INTO deadline_rules(event_code, name, days, day_kind, ends_with, effective_from, source, created_by, created_at)
VALUES ('licence_service', '颁发、送达行政许可证件', 10, 'working', 'licence_issued', '2004-07-01',
  '《中华人民共和国行政许可法》第四十四条：行政机关作出准予行政许可的决定，应当自作出决定之日起十日内向申请人颁发、送达行政许可证件；第八十二条：以工作日计算',
  'system', '2026-12-01T00:00:00Z');
-- 《中华人民共和国行政强制法》(in force 2012-01-01):
--   第二十五条 “查封、扣押的期限不得超过三十日；情况复杂的，经行政机关负责人批准，可以
--   延长，但是延长期限不得超过三十日” and 第三款: 检测、检验、检疫或者技术鉴定的期间
--   不包括在内 (pauses).  三十日 is calendar days: 第六十九条 makes only periods of
--   ten days or less working days.
INSERT INTO deadline_rules(event_code, name, days, day_kind, ends_with, effective_from, source, created_by, created_at,
  own_rule, extension_days, extension_times, extension_role, extension_basis, extension_own_rule)
VALUES ('coercion_seizure', '查封、扣押期限', 30, 'calendar', 'seizure_handled', '2012-01-01',
  '《中华人民共和国行政强制法》第二十五条第一款：查封、扣押的期限不得超过三十日；第三款：检测、检验、检疫或者技术鉴定的期间不包括在内；第六十九条：十日以内期限才是工作日，三十日为自然日',
  'system', '2026-12-01T00:00:00Z', 0, 30, 1, 'leader',
  '《中华人民共和国行政强制法》第二十五条第一款：情况复杂的，经行政机关负责人批准，可以延长，但是延长期限不得超过三十日；第二款：延长的决定应当及时书面告知当事人，并说明理由', 0);
-- Seed 二.(二).5 (云工信办〔2019〕26号): “执法全过程记录档案由执法处室（单位）在执法
-- 结束后20个工作日内，按相关规定装订成卷归档” — started by 结案.
INSERT INTO deadline_rules(event_code, name, days, day_kind, ends_with, effective_from, source, created_by, created_at)
VALUES ('case_archive', '结案后装订成卷归档', 20, 'working', 'archived', '2018-01-01',
  '云工信办〔2019〕26号 实施方案 二（二）5：执法全过程记录档案由执法处室（单位）在执法结束后20个工作日内，按相关规定装订成卷归档',
  'system', '2026-12-01T00:00:00Z');
-- The department's own rule (no law sets it): a complaint or report is
-- decided on (立案 or not) within 15 working days of registration.
INSERT INTO deadline_rules(event_code, name, days, day_kind, ends_with, effective_from, source, created_by, created_at,
  own_rule)
VALUES ('case_complaint_decision', '投诉举报作出是否立案的决定', 15, 'working', 'filing_decided', '2026-01-01',
  '本厅规定：投诉、举报自登记之日起15个工作日内作出是否立案的决定（部门自定规则，非法律规定）',
  'system', '2026-12-01T00:00:00Z', 1);
