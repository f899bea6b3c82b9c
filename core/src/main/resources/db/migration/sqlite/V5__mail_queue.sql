-- Outgoing mail, written in the transaction that issues its token and sent after the answer by
-- any node. The bodies (which carry tokens) are cleared once the mail is sent or given up.
CREATE TABLE mail_queue (
  id              TEXT    NOT NULL PRIMARY KEY,
  recipient       TEXT    NOT NULL,
  subject         TEXT    NOT NULL,
  text_body       TEXT,
  html_body       TEXT,
  status          TEXT    NOT NULL,
  attempts        INTEGER NOT NULL,
  next_attempt_at INTEGER NOT NULL,
  last_error      TEXT,
  created_at      INTEGER NOT NULL,
  sent_at         INTEGER
);
CREATE INDEX ix_mail_queue_due ON mail_queue (status, next_attempt_at);
