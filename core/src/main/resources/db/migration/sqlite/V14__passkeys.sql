-- Passkeys (WebAuthn credentials). credential_id is the authenticator's id for the key (base64url,
-- up to 1023 bytes as the standard allows), found by its SHA-256 (credential_hash) so that the
-- unique index stays small on every database. attested_data is the attested credential data as
-- webauthn4j writes it (AAGUID, id and the COSE public key, base64url): a public key, no secret.
-- sign_count is the authenticator's signature counter last seen (0 for keys that keep none);
-- backup_eligible tells a synced passkey from one bound to its device.
CREATE TABLE passkeys (
  id              VARCHAR(36)   NOT NULL PRIMARY KEY,
  user_id         VARCHAR(36)   NOT NULL,
  name            VARCHAR(100)  NOT NULL,
  credential_hash VARCHAR(64)   NOT NULL,
  credential_id   VARCHAR(1400) NOT NULL,
  attested_data   TEXT          NOT NULL,
  sign_count      BIGINT        NOT NULL,
  uv_initialized  SMALLINT      NOT NULL,
  backup_eligible SMALLINT      NOT NULL,
  backup_state    SMALLINT      NOT NULL,
  transports      VARCHAR(200),
  created_at      BIGINT        NOT NULL,
  last_used_at    BIGINT,
  FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX ux_passkeys_credential ON passkeys (credential_hash);
CREATE INDEX ix_passkeys_user ON passkeys (user_id);

-- A WebAuthn challenge handed out and not yet answered, by its SHA-256: short-lived and spent by
-- the first answer, right or wrong. purpose is "register" (user_id the account that registers) or
-- "sign_in" (no user: a discoverable passkey says whose it is).
CREATE TABLE passkey_challenges (
  challenge_hash VARCHAR(64) NOT NULL PRIMARY KEY,
  purpose        VARCHAR(16) NOT NULL,
  user_id        VARCHAR(36),
  created_at     BIGINT      NOT NULL,
  expires_at     BIGINT      NOT NULL,
  FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
);
CREATE INDEX ix_passkey_challenges_expiry ON passkey_challenges (expires_at);
