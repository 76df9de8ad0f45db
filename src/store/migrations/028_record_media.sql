-- 028_record_media: audio-visual records (音像记录) attached to a case or to
-- one of its documents (src/records/media.c).  二.(二).2: photos, sound or
-- video of an act, with the recorder's serial number, the officers who
-- recorded, when and where, the moment of the spoken opening statement
-- (unit, officers, cause, time, place) and the written summary made
-- afterwards; 二.(二).4: originals are never cut or edited and are exported
-- promptly (late: the file reached the vault more than record_export_hours
-- after the recording ended).
--
-- A row either names a vault file (file_sha256, kind, and every field of
-- the recording) or, for an act recorded "as circumstances require"
-- without a recording, states why (no_recording_reason, file_sha256 NULL).
-- Append-only (triggers in the dialect files): a mistake is corrected by a
-- new row, never by changing one.
CREATE TABLE record_media (
  id {{ID}},
  case_id BIGINT NOT NULL REFERENCES cases(id),
  document_id BIGINT,                   -- documents.id (migration 027), NULL = the case
  file_sha256 TEXT REFERENCES blobs(sha256),
  kind TEXT,                            -- video | audio | photo (from the vault's media type)
  recorder_serial TEXT,
  officer_ids TEXT NOT NULL DEFAULT '[]', -- JSON array of users.id
  started_at TEXT,                      -- UTC YYYY-MM-DDTHH:MM:SSZ
  ended_at TEXT,
  place TEXT,
  statement_offset_s BIGINT,            -- seconds from started_at
  summary TEXT,
  no_recording_reason TEXT,
  stored_at TEXT,                       -- when the case's unit stored the file
  late INTEGER NOT NULL DEFAULT 0,      -- 1: stored_at - ended_at > record_export_hours
  export_hours INTEGER NOT NULL DEFAULT 24, -- the limit in force when attached
  attached_by BIGINT NOT NULL,
  attached_at TEXT NOT NULL,
  leaf_index BIGINT NOT NULL,
  CHECK ((file_sha256 IS NOT NULL AND no_recording_reason IS NULL AND kind IN ('video', 'audio', 'photo')
          AND started_at IS NOT NULL AND ended_at IS NOT NULL AND ended_at >= started_at
          AND statement_offset_s IS NOT NULL AND statement_offset_s >= 0
          AND recorder_serial IS NOT NULL AND place IS NOT NULL AND summary IS NOT NULL)
      OR (file_sha256 IS NULL AND no_recording_reason IS NOT NULL AND document_id IS NOT NULL)),
  CHECK (late IN (0, 1))
);
CREATE INDEX record_media_case ON record_media(case_id, id);
CREATE INDEX record_media_document ON record_media(document_id, id);
CREATE INDEX record_media_late ON record_media(late, id);
