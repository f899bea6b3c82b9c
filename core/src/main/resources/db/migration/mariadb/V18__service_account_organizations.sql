-- A service account may belong to an organization (null: to the instance). Deleting the
-- organization deletes its service accounts, and with them their secrets. A node of the previous
-- version writes no owner, which leaves an account the instance's, as before.
ALTER TABLE service_accounts ADD COLUMN organization_id VARCHAR(36) NULL,
  ADD CONSTRAINT fk_service_accounts_organization FOREIGN KEY (organization_id)
  REFERENCES organizations (id) ON DELETE CASCADE;
