-- 002_people: units (the unit tree), people, roles, sessions, enforcement
-- certificates and the two audit logs (operation log, login log).
-- Owned by src/people/.  Extend here until the first release.
--
-- Invariants: password hashes live only in users.password_hash and never
-- leave src/people/; sessions store only the SHA-256 of their token;
-- op_log and login_log are append-only (the dialect files install triggers
-- that refuse UPDATE and DELETE) and nothing deletes them.
CREATE TABLE units (
  id {{ID}},
  parent_id BIGINT REFERENCES units(id),
  code TEXT NOT NULL UNIQUE,              -- short stable identifier, e.g. 'zfc'
  name TEXT NOT NULL UNIQUE,              -- 节能与综合利用处
  enforcement_power INTEGER NOT NULL DEFAULT 0,  -- 1 = 有执法权
  is_reviewer INTEGER NOT NULL DEFAULT 0,        -- 1 = 政策法规处 (legal review)
  sort INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  updated_at TEXT
);
CREATE INDEX units_parent ON units(parent_id);

CREATE TABLE users (
  id {{ID}},
  unit_id BIGINT NOT NULL REFERENCES units(id),
  username TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,                     -- real name, e.g. 张明
  title TEXT NOT NULL DEFAULT '',         -- 职务, e.g. 副处长
  scope INTEGER NOT NULL DEFAULT 1,       -- enum scope: 1 own, 2 subtree, 3 all
  password_hash TEXT NOT NULL DEFAULT '', -- argon2id (crypto_pwhash_str); '' = cannot log in
  must_change INTEGER NOT NULL DEFAULT 1, -- 1 = must change password at next login
  locked INTEGER NOT NULL DEFAULT 0,      -- 1 = locked by an administrator
  failed_count INTEGER NOT NULL DEFAULT 0,-- failed logins in the current window
  failed_since TEXT,                      -- start of the current failure window
  lock_until TEXT,                        -- temporary lockout after too many failures
  password_changed_at TEXT,
  last_login_at TEXT,
  last_login_ip TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT
);
CREATE INDEX users_unit ON users(unit_id);

CREATE TABLE user_roles (
  user_id BIGINT NOT NULL REFERENCES users(id),
  role TEXT NOT NULL,                     -- role_ident(): officer, head, reviewer, leader, archivist, admin, supervisor
  PRIMARY KEY (user_id, role)
);

-- Failed logins per client address (the per-account counters are in users).
CREATE TABLE login_throttle (
  ip TEXT PRIMARY KEY,
  failed_count INTEGER NOT NULL DEFAULT 0,
  failed_since TEXT NOT NULL,
  lock_until TEXT
);

-- Server-side sessions.  token_hash = hex SHA-256 of the bearer token.
CREATE TABLE sessions (
  id {{ID}},
  token_hash TEXT NOT NULL UNIQUE,
  user_id BIGINT NOT NULL REFERENCES users(id),
  csrf TEXT NOT NULL,
  created_at TEXT NOT NULL,
  last_seen_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,               -- absolute lifetime end
  ip TEXT NOT NULL,
  user_agent TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

-- Enforcement certificates (执法证).  status is the stored state; 'expired'
-- is computed at read time from valid_to and today's date (Asia/Shanghai).
CREATE TABLE certificates (
  id {{ID}},
  user_id BIGINT NOT NULL REFERENCES users(id),
  cert_no TEXT NOT NULL UNIQUE,
  cert_type TEXT NOT NULL,                -- 行政执法证
  enf_scope TEXT NOT NULL,                -- 执法范围
  issuer TEXT NOT NULL,                   -- 发证机关
  valid_from TEXT NOT NULL,               -- YYYY-MM-DD
  valid_to TEXT NOT NULL,                 -- YYYY-MM-DD
  status TEXT NOT NULL DEFAULT 'valid',   -- valid | suspended | revoked
  public_token TEXT NOT NULL UNIQUE,      -- base64url, 128+ bits: /verify/c/<token>
  note TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  updated_at TEXT
);
CREATE INDEX certificates_user ON certificates(user_id);

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

-- The login log: every login attempt.  Append-only; never deleted.
CREATE TABLE login_log (
  id {{ID}},
  at TEXT NOT NULL,
  user_id BIGINT,                         -- NULL when the username is unknown
  username TEXT NOT NULL,                 -- as typed (truncated)
  ip TEXT NOT NULL,
  user_agent TEXT NOT NULL,
  result TEXT NOT NULL,                   -- ok | fail | locked | throttled | logout
  reason TEXT NOT NULL
);
CREATE INDEX login_log_at ON login_log(at);
CREATE INDEX login_log_user ON login_log(username, at);
