-- The addresses a user held before the current one, each with the time it became the user's and the
-- time it was given up. Until accounts.email_reservation has passed since until_at, nobody else may
-- take the address; the current address stays in users (its "from" is the newest until_at here, or
-- the user's created_at).
CREATE TABLE email_history (
  id         VARCHAR(36)  NOT NULL PRIMARY KEY,
  user_id    VARCHAR(36)  NOT NULL,
  email      VARCHAR(320) NOT NULL,
  email_norm VARCHAR(320) NOT NULL,
  verified   SMALLINT     NOT NULL,
  from_at    BIGINT       NOT NULL,
  until_at   BIGINT       NOT NULL,
  FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
);
CREATE INDEX ix_email_history_user ON email_history (user_id, id);
CREATE INDEX ix_email_history_email ON email_history (email_norm, until_at);
