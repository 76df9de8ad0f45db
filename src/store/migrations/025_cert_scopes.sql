-- 025_cert_scopes: which matters an officer's certificate covers, and the
-- dates its status changed.  Owned by src/people/ (certs.c).
--
-- cert_scopes: one row per (unit, category) a certificate covers.  A row
-- covers the catalogue matters (pub_items of kind 'matter') owned by unit_id
-- or by any unit below it; category NULL covers every category, otherwise
-- one of the catalogue's categories (inspection | licence | penalty | levy |
-- coercion | other).  A certificate checked for a case act must cover every
-- matter of the case (行政处罚法 第四十二条: 执法人员应当具有行政执法资格).
-- The free text enf_scope stays what is printed on the card.
CREATE TABLE cert_scopes (
  id {{ID}},
  cert_id BIGINT NOT NULL REFERENCES certificates(id),
  unit_id BIGINT NOT NULL REFERENCES units(id),
  category TEXT
);
CREATE INDEX cert_scopes_cert ON cert_scopes(cert_id);

-- Existing certificates cover their holder's unit (and below), every category.
INSERT INTO cert_scopes(cert_id, unit_id, category)
  SELECT c.id, u.unit_id, NULL FROM certificates c JOIN users u ON u.id = c.user_id;

-- cert_status_changes: every change of the stored status with the
-- (Beijing) date from which it applies, so that "was the certificate valid
-- on the day of the act" can be answered for any day.  Appended by
-- cert_set_status; never updated.
CREATE TABLE cert_status_changes (
  id {{ID}},
  cert_id BIGINT NOT NULL REFERENCES certificates(id),
  status TEXT NOT NULL,                   -- valid | suspended | revoked
  on_date TEXT NOT NULL,                  -- YYYY-MM-DD, Asia/Shanghai
  at TEXT NOT NULL,
  by_user BIGINT,
  reason TEXT NOT NULL DEFAULT ''
);
CREATE INDEX cert_status_changes_cert ON cert_status_changes(cert_id, on_date);

-- Certificates suspended or revoked before this migration: from the day of
-- their last change.
INSERT INTO cert_status_changes(cert_id, status, on_date, at, by_user, reason)
  SELECT id, status, substr(COALESCE(updated_at, created_at), 1, 10), COALESCE(updated_at, created_at), NULL, note
  FROM certificates WHERE status <> 'valid';
