-- 009_login_guard: login attempts counted before the password is checked,
-- addresses slowed down instead of locked, and the password history
-- (src/people/auth.c, src/people/people.c).
--
-- users.failed_count now counts the attempts of the current window that
-- were let through to a password check (in flight or failed); a success
-- resets it.  An attempt is admitted by one atomic UPDATE ... RETURNING,
-- so concurrent requests and several server processes on one database
-- cannot check more than PEOPLE_MAX_FAILS passwords per window.
--
-- login_throttle.next_slot: unix seconds (an integer, so that the slot is
-- taken in one statement on both dialects) before which the next attempt
-- from the address waits; 0 = no wait.  lock_until is no longer used: an
-- address is never locked.
ALTER TABLE login_throttle ADD COLUMN next_slot BIGINT NOT NULL DEFAULT 0;

-- The last PASSWORD_HISTORY (5) password hashes of each person, the current
-- one included (written whenever a password is set: creation, reset by an
-- administrator, own change; older rows are deleted).  A person's own new
-- password may equal none of them.  Like users.password_hash, the hashes
-- never leave src/people/.
CREATE TABLE password_history (
  id {{ID}},
  user_id BIGINT NOT NULL REFERENCES users(id),
  password_hash TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX password_history_user ON password_history(user_id, id);
