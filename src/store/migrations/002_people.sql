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
