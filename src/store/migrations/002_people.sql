-- 002_people: units (the unit tree), people and their roles.
-- Owned by src/people/.  Extend here until the first release.
CREATE TABLE units (
  id {{ID}},
  parent_id BIGINT REFERENCES units(id),
  code TEXT NOT NULL UNIQUE,              -- short stable identifier, e.g. 'zfc'
  name TEXT NOT NULL UNIQUE,              -- 节能与综合利用处
  enforcement_power INTEGER NOT NULL DEFAULT 0,  -- 1 = 有执法权
  is_reviewer INTEGER NOT NULL DEFAULT 0,        -- 1 = 政策法规处 (legal review)
  sort INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL
);

CREATE TABLE users (
  id {{ID}},
  unit_id BIGINT NOT NULL REFERENCES units(id),
  username TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,                     -- real name, e.g. 张明
  scope INTEGER NOT NULL DEFAULT 1,       -- enum scope: 1 own, 2 subtree, 3 all
  created_at TEXT NOT NULL
);

CREATE TABLE user_roles (
  user_id BIGINT NOT NULL REFERENCES users(id),
  role TEXT NOT NULL,                     -- role_ident(): officer, head, reviewer, leader, archivist, admin, supervisor
  PRIMARY KEY (user_id, role)
);

-- The operation log: who did what to which object, when, from where, with
-- what result.  Append-only (see the dialect files); never deleted.
CREATE TABLE op_log (
  id {{ID}},
  at TEXT NOT NULL,
  user_id BIGINT,                         -- NULL for the public / the system
  username TEXT NOT NULL,
  unit_id BIGINT,
  ip TEXT NOT NULL,
  request_id TEXT NOT NULL,
  action TEXT NOT NULL,
  object_type TEXT NOT NULL,
  object_id TEXT NOT NULL,
  result TEXT NOT NULL,                   -- 'ok' or a short failure code
  detail TEXT NOT NULL
);
CREATE INDEX op_log_at ON op_log(at);
CREATE INDEX op_log_user ON op_log(user_id, at);
