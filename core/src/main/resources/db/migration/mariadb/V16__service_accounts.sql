-- Service accounts: principals that are not people, for other services. Each holds roles (names of
-- the roles table; checked by the service, as for users, so that a node of the previous version
-- never fails on them) and any number of client secrets, stored only as their SHA-256, as API keys
-- are. The client id is the service account's id.
CREATE TABLE service_accounts (
  id          VARCHAR(36)  NOT NULL PRIMARY KEY,
  name        VARCHAR(64)  NOT NULL,
  description VARCHAR(200) NOT NULL,
  status      VARCHAR(16)  NOT NULL,
  created_at  BIGINT       NOT NULL,
  updated_at  BIGINT       NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE UNIQUE INDEX ux_service_accounts_name ON service_accounts (name);

CREATE TABLE service_account_roles (
  service_account_id VARCHAR(36) NOT NULL,
  role               VARCHAR(64) NOT NULL,
  PRIMARY KEY (service_account_id, role),
  FOREIGN KEY (service_account_id) REFERENCES service_accounts (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX ix_service_account_roles_role ON service_account_roles (role);

CREATE TABLE client_secrets (
  id                 VARCHAR(36)  NOT NULL PRIMARY KEY,
  service_account_id VARCHAR(36)  NOT NULL,
  name               VARCHAR(100) NOT NULL,
  prefix             VARCHAR(16)  NOT NULL,
  secret_hash        VARCHAR(64)  NOT NULL,
  created_at         BIGINT       NOT NULL,
  last_used_at       BIGINT,
  expires_at         BIGINT,
  FOREIGN KEY (service_account_id) REFERENCES service_accounts (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE UNIQUE INDEX ux_client_secrets_hash ON client_secrets (secret_hash);
CREATE INDEX ix_client_secrets_account ON client_secrets (service_account_id);
