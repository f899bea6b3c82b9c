-- The PostgreSQL form of the schema. The columns searched by prefix range compare in the "C"
-- collation (code point order), as SQLite and MariaDB (utf8mb4_bin) do.

CREATE TABLE users (
  id             VARCHAR(36)  NOT NULL PRIMARY KEY,
  email          VARCHAR(320) NOT NULL,
  email_norm     VARCHAR(320) COLLATE "C" NOT NULL,
  email_verified SMALLINT     NOT NULL,
  username       VARCHAR(64) COLLATE "C",
  name           VARCHAR(200) NOT NULL,
  name_norm      VARCHAR(200) COLLATE "C" NOT NULL,
  status         VARCHAR(16)  NOT NULL,
  password_hash  VARCHAR(255),
  attributes     TEXT         NOT NULL,
  created_at     BIGINT       NOT NULL,
  updated_at     BIGINT       NOT NULL,
  last_login_at  BIGINT
);
CREATE UNIQUE INDEX ux_users_email_norm ON users (email_norm);
CREATE UNIQUE INDEX ux_users_username ON users (username);
CREATE INDEX ix_users_name_norm ON users (name_norm);
CREATE INDEX ix_users_status ON users (status);

CREATE TABLE user_roles (
  user_id VARCHAR(36) NOT NULL,
  role    VARCHAR(64) NOT NULL,
  PRIMARY KEY (user_id, role),
  FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
);
CREATE INDEX ix_user_roles_role ON user_roles (role);

CREATE TABLE sessions (
  id           VARCHAR(36)  NOT NULL PRIMARY KEY,
  user_id      VARCHAR(36)  NOT NULL,
  device       VARCHAR(200),
  ip           VARCHAR(64),
  user_agent   VARCHAR(512),
  created_at   BIGINT       NOT NULL,
  last_used_at BIGINT       NOT NULL,
  expires_at   BIGINT       NOT NULL,
  revoked_at   BIGINT,
  FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
);
CREATE INDEX ix_sessions_user ON sessions (user_id);

-- Every refresh token a session was ever given: a spent one presented again reveals a stolen
-- token, and the whole session ends.
CREATE TABLE refresh_tokens (
  token_hash  VARCHAR(64) NOT NULL PRIMARY KEY,
  session_id  VARCHAR(36) NOT NULL,
  created_at  BIGINT      NOT NULL,
  spent_at    BIGINT,
  FOREIGN KEY (session_id) REFERENCES sessions (id) ON DELETE CASCADE
);
CREATE INDEX ix_refresh_tokens_session ON refresh_tokens (session_id);

CREATE TABLE api_keys (
  id           VARCHAR(36)  NOT NULL PRIMARY KEY,
  user_id      VARCHAR(36)  NOT NULL,
  name         VARCHAR(100) NOT NULL,
  prefix       VARCHAR(16)  NOT NULL,
  key_hash     VARCHAR(64)  NOT NULL,
  created_at   BIGINT       NOT NULL,
  last_used_at BIGINT,
  expires_at   BIGINT,
  FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX ux_api_keys_hash ON api_keys (key_hash);
CREATE INDEX ix_api_keys_user ON api_keys (user_id);

-- Verification, email-change and reset tokens, by hash. A newer token of a kind deletes the older.
CREATE TABLE one_time_tokens (
  token_hash VARCHAR(64)  NOT NULL PRIMARY KEY,
  user_id    VARCHAR(36)  NOT NULL,
  kind       VARCHAR(32)  NOT NULL,
  email      VARCHAR(320) NOT NULL,
  created_at BIGINT       NOT NULL,
  expires_at BIGINT       NOT NULL,
  used_at    BIGINT,
  FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
);
CREATE INDEX ix_one_time_tokens_user_kind ON one_time_tokens (user_id, kind);

CREATE TABLE signing_keys (
  kid        VARCHAR(64) NOT NULL PRIMARY KEY,
  algorithm  VARCHAR(16) NOT NULL,
  jwk        TEXT        NOT NULL,
  created_at BIGINT      NOT NULL,
  retired_at BIGINT
);
