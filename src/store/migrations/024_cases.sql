-- 024_cases: cases (案件) run by a procedure version, with their matters,
-- parties, officers, participants and acts.  Owned by src/cases/ (cases.h).
-- Invariants: case_acts rows are never changed or deleted (see the dialect
-- files); (case_id, seq) is unique and seq counts 1, 2, … per case;
-- cases.row_version grows by 1 with every act (optimistic concurrency);
-- nothing here is ever deleted: endings are statuses.
CREATE TABLE cases (
  id {{ID}},
  procedure_id BIGINT NOT NULL,           -- procedures.id: the exact version the case runs under
  procedure_code TEXT NOT NULL,
  kind TEXT NOT NULL,                     -- penalty|licence|inspection|coercion|levy|other
  body_unit_id BIGINT NOT NULL REFERENCES units(id),   -- 执法主体
  unit_id BIGINT NOT NULL REFERENCES units(id),        -- 承办机构
  case_no TEXT,                           -- 立案号, NULL until assigned
  decision_no TEXT,                       -- 决定书文号
  title TEXT NOT NULL,
  source TEXT NOT NULL CHECK (source IN ('complaint', 'inspection', 'random', 'assigned',
                                         'transfer_in', 'application', 'other')),
  source_date TEXT NOT NULL,
  source_note TEXT NOT NULL DEFAULT '',
  inspection_item_id BIGINT REFERENCES pub_items(id),
  stage TEXT NOT NULL,
  stage_seq INTEGER NOT NULL DEFAULT 1,   -- seq of the act that entered the current stage
  status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed', 'ended')),
  ending TEXT,
  suspension TEXT,                        -- the suspension (procedure code) running, NULL when none
  review_pending INTEGER NOT NULL DEFAULT 0,   -- 1 while the stage awaits a reviewer's approval (法制审核)
  row_version INTEGER NOT NULL DEFAULT 1,
  opened_on TEXT NOT NULL,
  opened_by BIGINT REFERENCES users(id),
  closed_on TEXT,
  last_act_on TEXT NOT NULL,              -- date of the latest act (acts are in date order)
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX cases_case_no ON cases(case_no);
CREATE INDEX cases_unit ON cases(unit_id, opened_on);
CREATE INDEX cases_opened ON cases(opened_on);
CREATE INDEX cases_kind ON cases(kind, stage);
CREATE INDEX cases_stage ON cases(stage);
CREATE INDEX cases_status ON cases(status, unit_id);
CREATE INDEX cases_source ON cases(source);
CREATE INDEX cases_updated ON cases(updated_at);
CREATE INDEX cases_title ON cases(title);
CREATE INDEX cases_source_date ON cases(source_date);
CREATE INDEX cases_review ON cases(review_pending, status);

CREATE TABLE case_matters (
  id {{ID}},
  case_id BIGINT NOT NULL REFERENCES cases(id),
  item_id BIGINT NOT NULL REFERENCES pub_items(id),
  item_version INTEGER NOT NULL,          -- the version in force on the act date
  category TEXT NOT NULL,                 -- from that version
  UNIQUE (case_id, item_id)
);
CREATE INDEX case_matters_item ON case_matters(item_id, case_id);

CREATE TABLE case_parties (
  id {{ID}},
  case_id BIGINT NOT NULL REFERENCES cases(id),
  party_id BIGINT NOT NULL,               -- parties.id
  party_version INTEGER NOT NULL,         -- the version the latest act saw
  role TEXT NOT NULL,                     -- party (当事人) | applicant (申请人)
  since_act BIGINT NOT NULL,              -- case_acts.seq
  UNIQUE (case_id, party_id)
);
CREATE INDEX case_parties_party ON case_parties(party_id, case_id);

CREATE TABLE case_officers (
  id {{ID}},
  case_id BIGINT NOT NULL REFERENCES cases(id),
  user_id BIGINT NOT NULL REFERENCES users(id),
  cert_id BIGINT REFERENCES certificates(id),   -- the certificate seen on the latest act
  since_act INTEGER NOT NULL,             -- case_acts.seq that assigned the officer
  until_act INTEGER                       -- seq that replaced them; NULL while current
);
CREATE INDEX case_officers_case ON case_officers(case_id, until_act);
CREATE INDEX case_officers_user ON case_officers(user_id, until_act, case_id);

CREATE TABLE case_participants (
  id {{ID}},
  case_id BIGINT NOT NULL REFERENCES cases(id),
  kind TEXT NOT NULL CHECK (kind IN ('assistant', 'expert')),
  name TEXT NOT NULL,
  id_type TEXT NOT NULL,
  id_number TEXT NOT NULL,
  organisation TEXT NOT NULL,
  title TEXT NOT NULL,
  since_act INTEGER NOT NULL
);
CREATE INDEX case_participants_case ON case_participants(case_id);

CREATE TABLE case_acts (
  id {{ID}},
  case_id BIGINT NOT NULL REFERENCES cases(id),
  seq INTEGER NOT NULL,
  type TEXT NOT NULL,                     -- opened|stage|officers|participants|approved|suspended|resumed|extended|ended|closed
  on_date TEXT NOT NULL,                  -- the act date (Beijing)
  at TEXT NOT NULL,                       -- when it was recorded (UTC)
  by_user BIGINT REFERENCES users(id),
  stage_from TEXT,
  stage_to TEXT,
  approval TEXT,                          -- approved: the approval code
  ending TEXT,                            -- ended: the ending code
  suspension TEXT,                        -- suspended/resumed: the suspension code
  row_version INTEGER NOT NULL,           -- cases.row_version after the act
  detail TEXT NOT NULL,                   -- JSON: what the act saw (party versions, certificate ids …)
  leaf_index BIGINT,                      -- its ledger leaf
  UNIQUE (case_id, seq)
);
CREATE INDEX case_acts_approval ON case_acts(case_id, type, approval);
CREATE INDEX case_acts_by ON case_acts(by_user, at);
