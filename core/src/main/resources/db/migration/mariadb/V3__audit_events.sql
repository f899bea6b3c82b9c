-- The audit log: one row per account event, newest found by id (ids are time-ordered).
CREATE TABLE audit_events (
  id         VARCHAR(36)  NOT NULL PRIMARY KEY,
  type       VARCHAR(40)  NOT NULL,
  at         BIGINT       NOT NULL,
  actor_id   VARCHAR(36),
  subject_id VARCHAR(36),
  ip         VARCHAR(64),
  user_agent VARCHAR(512),
  success    SMALLINT     NOT NULL,
  details    TEXT
);
CREATE INDEX ix_audit_subject ON audit_events (subject_id, id);
CREATE INDEX ix_audit_type ON audit_events (type, id);
CREATE INDEX ix_audit_at ON audit_events (at);
