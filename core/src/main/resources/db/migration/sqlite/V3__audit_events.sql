-- The audit log: one row per account event, newest found by id (ids are time-ordered).
CREATE TABLE audit_events (
  id         TEXT    NOT NULL PRIMARY KEY,
  type       TEXT    NOT NULL,
  at         INTEGER NOT NULL,
  actor_id   TEXT,
  subject_id TEXT,
  ip         TEXT,
  user_agent TEXT,
  success    INTEGER NOT NULL,
  details    TEXT
);
CREATE INDEX ix_audit_subject ON audit_events (subject_id, id);
CREATE INDEX ix_audit_type ON audit_events (type, id);
CREATE INDEX ix_audit_at ON audit_events (at);
