-- Organizations (customers), their members with organization roles, and invitations by email.
-- A membership is a row of organization_members, its roles rows of organization_member_roles
-- (owner, admin, member, or any name the organization uses), so that "how many owners are left"
-- is one indexed count. Deleting an organization or a user removes their memberships, never users.
CREATE TABLE organizations (
  id         VARCHAR(36)  NOT NULL PRIMARY KEY,
  name       VARCHAR(200) NOT NULL,
  slug       VARCHAR(64)  NOT NULL,
  created_at BIGINT       NOT NULL,
  updated_at BIGINT       NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE UNIQUE INDEX ux_organizations_slug ON organizations (slug);

CREATE TABLE organization_members (
  organization_id VARCHAR(36) NOT NULL,
  user_id         VARCHAR(36) NOT NULL,
  created_at      BIGINT      NOT NULL,
  PRIMARY KEY (organization_id, user_id),
  FOREIGN KEY (organization_id) REFERENCES organizations (id) ON DELETE CASCADE,
  FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX ix_organization_members_user ON organization_members (user_id);

CREATE TABLE organization_member_roles (
  organization_id VARCHAR(36) NOT NULL,
  user_id         VARCHAR(36) NOT NULL,
  role            VARCHAR(64) NOT NULL,
  PRIMARY KEY (organization_id, user_id, role),
  FOREIGN KEY (organization_id, user_id)
    REFERENCES organization_members (organization_id, user_id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX ix_organization_member_roles_role ON organization_member_roles (organization_id, role);

-- An invitation mailed to an address, by the SHA-256 of its token: single use, expiring; a newer
-- one to the same address of the same organization replaces it. roles are space-separated names.
CREATE TABLE organization_invitations (
  id              VARCHAR(36)  NOT NULL PRIMARY KEY,
  organization_id VARCHAR(36)  NOT NULL,
  email           VARCHAR(320) NOT NULL,
  email_norm      VARCHAR(320) NOT NULL,
  roles           VARCHAR(1100) NOT NULL,
  token_hash      VARCHAR(64)  NOT NULL,
  invited_by      VARCHAR(36),
  created_at      BIGINT       NOT NULL,
  expires_at      BIGINT       NOT NULL,
  FOREIGN KEY (organization_id) REFERENCES organizations (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE UNIQUE INDEX ux_organization_invitations_token ON organization_invitations (token_hash);
CREATE INDEX ix_organization_invitations_org ON organization_invitations (organization_id, email_norm);

-- The organization a session acts in (its access tokens carry org_id and org_roles), and the one a
-- sign-in that waits for its second factor asked for. No foreign key: a membership that ends, or an
-- organization deleted, leaves the session, whose next refresh finds the membership gone.
ALTER TABLE sessions ADD COLUMN organization_id VARCHAR(36);
ALTER TABLE sign_in_challenges ADD COLUMN organization_id VARCHAR(36);
