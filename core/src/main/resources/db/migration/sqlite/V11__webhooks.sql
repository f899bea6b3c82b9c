-- Webhook endpoints that admins register. The signing secrets are sealed with the encryption key
-- (they must be read back to sign); during a rotation the previous one signs too, until its time.
-- A node delivers an endpoint's due events while it holds the endpoint's lease (lease_until, held by
-- lease_owner, the sender that claimed it).
CREATE TABLE webhook_endpoints (
  id                    TEXT NOT NULL PRIMARY KEY,
  url                   TEXT NOT NULL,
  description           TEXT NOT NULL,
  event_filter          TEXT NOT NULL,
  enabled               INTEGER NOT NULL,
  secret                TEXT NOT NULL,
  previous_secret       TEXT,
  previous_secret_until INTEGER,
  failing_since         INTEGER,
  disabled_reason       TEXT,
  lease_until           INTEGER,
  lease_owner           TEXT,
  created_at            INTEGER NOT NULL,
  updated_at            INTEGER NOT NULL
);

-- One row for each event and each endpoint subscribed to its type when it was written, in the
-- transaction of the change; the delivery log. Retried until give_up_at, then failed.
CREATE TABLE webhook_deliveries (
  endpoint_id      TEXT NOT NULL,
  event_id         TEXT NOT NULL,
  status           TEXT NOT NULL,
  attempts         INTEGER NOT NULL,
  next_attempt_at  INTEGER NOT NULL,
  give_up_at       INTEGER NOT NULL,
  last_attempt_at  INTEGER,
  response_status  INTEGER,
  latency_ms       INTEGER,
  response_excerpt TEXT,
  last_error       TEXT,
  created_at       INTEGER NOT NULL,
  delivered_at     INTEGER,
  PRIMARY KEY (endpoint_id, event_id)
);
CREATE INDEX ix_webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at);
