-- Webhook endpoints that admins register. The signing secrets are sealed with the encryption key
-- (they must be read back to sign); during a rotation the previous one signs too, until its time.
-- A node delivers an endpoint's due events while it holds the endpoint's lease (lease_until, held by
-- lease_owner, the sender that claimed it).
CREATE TABLE webhook_endpoints (
  id                    VARCHAR(36) NOT NULL PRIMARY KEY,
  url                   VARCHAR(2048) NOT NULL,
  description           VARCHAR(500) NOT NULL,
  event_filter          VARCHAR(1000) NOT NULL,
  enabled               INTEGER NOT NULL,
  secret                VARCHAR(500) NOT NULL,
  previous_secret       VARCHAR(500),
  previous_secret_until BIGINT,
  failing_since         BIGINT,
  disabled_reason       VARCHAR(500),
  lease_until           BIGINT,
  lease_owner           VARCHAR(64),
  created_at            BIGINT NOT NULL,
  updated_at            BIGINT NOT NULL
);

-- One row for each event and each endpoint subscribed to its type when it was written, in the
-- transaction of the change; the delivery log. Retried until give_up_at, then failed.
CREATE TABLE webhook_deliveries (
  endpoint_id      VARCHAR(36) NOT NULL,
  event_id         VARCHAR(36) NOT NULL,
  status           VARCHAR(16) NOT NULL,
  attempts         INTEGER NOT NULL,
  next_attempt_at  BIGINT NOT NULL,
  give_up_at       BIGINT NOT NULL,
  last_attempt_at  BIGINT,
  response_status  INTEGER,
  latency_ms       BIGINT,
  response_excerpt VARCHAR(500),
  last_error       VARCHAR(500),
  created_at       BIGINT NOT NULL,
  delivered_at     BIGINT,
  PRIMARY KEY (endpoint_id, event_id)
);
CREATE INDEX ix_webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at);
