-- Second factors. A TOTP secret is sealed with the encryption key (bound to the user's id), so the
-- database alone does not give it away; confirmed_at stays null until the first code proves the
-- authenticator holds it. last_step is the newest 30-second step a code was accepted for: a code is
-- accepted once, and never one for an earlier step.
CREATE TABLE totp_factors (
  user_id      VARCHAR(36)  NOT NULL PRIMARY KEY,
  secret       VARCHAR(255) NOT NULL,
  created_at   BIGINT       NOT NULL,
  confirmed_at BIGINT,
  last_step    BIGINT       NOT NULL,
  FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Recovery codes, by keyed hash (the key is not in the database); used_at once spent.
CREATE TABLE recovery_codes (
  user_id    VARCHAR(36) NOT NULL,
  code_hash  VARCHAR(64) NOT NULL,
  created_at BIGINT      NOT NULL,
  used_at    BIGINT,
  PRIMARY KEY (user_id, code_hash),
  FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- A sign-in whose password was right and that waits for its second factor, by the SHA-256 of the
-- challenge handed to the client; short-lived, and ended after a few wrong codes.
CREATE TABLE sign_in_challenges (
  token_hash VARCHAR(64)  NOT NULL PRIMARY KEY,
  user_id    VARCHAR(36)  NOT NULL,
  device     VARCHAR(200),
  cookie     SMALLINT     NOT NULL,
  created_at BIGINT       NOT NULL,
  expires_at BIGINT       NOT NULL,
  attempts   INT          NOT NULL,
  FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX ix_sign_in_challenges_user ON sign_in_challenges (user_id);

-- How a session's user proved who they are (the amr claim: "pwd", "pwd otp mfa"), and when they
-- last did (sign-in or re-authentication), for the actions that need a recent proof.
ALTER TABLE sessions ADD COLUMN amr VARCHAR(64);
ALTER TABLE sessions ADD COLUMN authenticated_at BIGINT;
