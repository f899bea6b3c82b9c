-- A service account may belong to an organization (null: to the instance). Deleting the
-- organization deletes its service accounts, and with them their secrets. A node of the previous
-- version writes no owner, which leaves an account the instance's, as before.
ALTER TABLE service_accounts ADD COLUMN organization_id VARCHAR(36)
  REFERENCES organizations (id) ON DELETE CASCADE;
CREATE INDEX ix_service_accounts_organization ON service_accounts (organization_id);
