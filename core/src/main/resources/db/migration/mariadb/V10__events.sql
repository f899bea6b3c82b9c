-- The event outbox: one row for each event an account change causes, written in the transaction of
-- the change, so an acknowledged change always has its events and a rolled-back one never does.
-- The payload is the JSON that listeners and webhooks receive; it never holds a secret.
CREATE TABLE events (
  id         VARCHAR(36) NOT NULL PRIMARY KEY,
  type       VARCHAR(64) NOT NULL,
  user_id    VARCHAR(36),
  payload    TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX ix_events_created ON events (created_at);
