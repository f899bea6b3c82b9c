-- Outgoing mail, written in the transaction that issues its token and sent after the answer by
-- any node. The bodies (which carry tokens) are cleared once the mail is sent or given up.
CREATE TABLE mail_queue (
  id              VARCHAR(36)  NOT NULL PRIMARY KEY,
  recipient       VARCHAR(320) NOT NULL,
  subject         VARCHAR(300) NOT NULL,
  text_body       TEXT,
  html_body       TEXT,
  status          VARCHAR(16)  NOT NULL,
  attempts        INTEGER      NOT NULL,
  next_attempt_at BIGINT       NOT NULL,
  last_error      VARCHAR(500),
  created_at      BIGINT       NOT NULL,
  sent_at         BIGINT
);
CREATE INDEX ix_mail_queue_due ON mail_queue (status, next_attempt_at);
